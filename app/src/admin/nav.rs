//! The staff area's own navigation, shown at the top of every admin screen.

use crate::account::pages::SignOutButton;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

const SCREENS: [(&str, &str); 2] = [("/admin", "Today"), ("/admin/treatments", "Treatments")];

#[component]
pub fn AdminNav() -> impl IntoView {
    let location = use_location();
    let current = move |href: &str| {
        let path = location.pathname.get();
        if href == "/admin" {
            path == "/admin"
        } else {
            path.starts_with(href)
        }
    };
    view! {
        <div class="border-b border-stone-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
                <nav aria-label="Staff area" class="flex flex-wrap gap-2 text-sm font-medium">
                    {SCREENS.map(|(href, label)| view! {
                        <a
                            href=href
                            aria-current=move || current(href).then_some("page")
                            class="rounded-full px-4 py-2 text-stone-700 hover:bg-stone-100 aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-800"
                        >
                            {label}
                        </a>
                    })}
                </nav>
                <SignOutButton/>
            </div>
        </div>
    }
}
