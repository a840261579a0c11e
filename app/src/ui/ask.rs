//! "Ask a question", on every public page. Without JavaScript it is a link to the
//! assistant's page; with it, it opens the assistant in a panel over the page, whose code
//! the browser fetches only then (`lazy_pages::assistant_panel`). The button is all this
//! adds to the public pages' own code.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Pages that have the button: not the assistant's own, the booking steps or the staff area.
fn offers_the_panel(path: &str) -> bool {
    !["/assistant", "/admin", "/book", "/booking", "/sign-in"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

#[component]
pub fn AskButton() -> impl IntoView {
    let location = use_location();
    move || {
        offers_the_panel(&location.pathname.get()).then(|| {
            view! {
                <a
                    href="/assistant"
                    class="fixed bottom-4 right-4 z-30 rounded-full bg-brand-700 px-5 py-3 font-semibold text-white shadow-lg transition hover:bg-brand-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"
                    aria-haspopup="dialog"
                    on:click=|ev| {
                        ev.prevent_default();
                        leptos::task::spawn_local(crate::lazy_pages::assistant_panel());
                    }
                >
                    "Ask a question"
                </a>
            }
        })
    }
}
