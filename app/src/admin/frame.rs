//! The frame of every staff screen: the staff area's navigation, and loading a screen's
//! data with the sign-in, refusal and error pages in place of the screen when needed.

use crate::account::pages::SignOutButton;
use crate::error::AppError;
use crate::ui::components::Loading;
use crate::ui::status::{AccessRefused, ErrorPage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_location;

const SCREENS: [(&str, &str); 18] = [
    ("/admin", "Today"),
    ("/admin/calendar", "Calendar"),
    ("/admin/patients", "Patients"),
    ("/admin/waitlist", "Waitlist"),
    ("/admin/payments", "Payments"),
    ("/admin/reports", "Reports"),
    ("/admin/gallery", "Gallery"),
    ("/admin/treatments", "Treatments"),
    ("/admin/categories", "Categories"),
    ("/admin/providers", "Providers"),
    ("/admin/locations", "Locations"),
    ("/admin/locations#closed-days", "Closed days"),
    ("/admin/staff", "Staff"),
    ("/admin/assistant", "Assistant"),
    ("/admin/mailbox", "Messages"),
    ("/admin/templates", "Wording"),
    ("/admin/audit", "Audit log"),
    ("/admin/settings", "Settings"),
];

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

/// Loads a staff screen's data and shows it, or the sign-in / refusal / error page.
#[component]
pub fn StaffScreen<T, F, V>(
    data: Resource<Result<T, AppError>>,
    here: String,
    view: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Meta name="robots" content="noindex"/>
        <Transition fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {
                    let view = view.clone();
                    let here = here.clone();
                    move || {
                        let view = view.clone();
                        let here = here.clone();
                        Suspend::new(async move {
                            Ok::<_, AppError>(match data.await {
                                Err(error @ (AppError::SignInRequired | AppError::Forbidden)) => {
                                    Either::Left(view! { <AccessRefused error next=here/> })
                                }
                                result => Either::Right(view! { <AdminNav/> {view(result?)} }),
                            })
                        })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}

/// A screen's heading: the staff-area label, the title, a line on what the screen is for,
/// and the screen's main buttons (its children) on the right.
#[component]
pub fn ScreenHeading(
    title: &'static str,
    #[prop(into)] lead: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="flex flex-wrap items-center justify-between gap-4">
            <div>
                <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
                <h1 class="mt-1 font-display text-4xl text-stone-900">{title}</h1>
                <p class="mt-2 text-stone-600">{lead}</p>
            </div>
            <div class="flex flex-wrap gap-3">{children.map(|children| children())}</div>
        </div>
    }
}
