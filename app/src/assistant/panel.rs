//! The assistant in a panel over a public page. Its code arrives with the assistant's chunk
//! the first time a patient opens it: it is then mounted beside the page (so the page's own
//! code holds only the button) and shown again, as it was left, each time after.

use super::pages::AssistantPanel;
use leptos::prelude::*;
use std::cell::Cell;

thread_local! {
    /// Whether the mounted panel shows; `None` until it is first opened.
    static OPEN: Cell<Option<RwSignal<bool>>> = const { Cell::new(None) };
}

/// Shows the panel, mounting it the first time.
pub fn open() {
    if let Some(open) = OPEN.with(Cell::get) {
        open.set(true);
        return;
    }
    let open = RwSignal::new(true);
    OPEN.with(|cell| cell.set(Some(open)));
    // Only ever called in the browser, from the button's click.
    if let Some(body) = document().body() {
        leptos::mount::mount_to(body, move || view! { <Panel open/> }).forget();
    }
}

#[component]
fn Panel(open: RwSignal<bool>) -> impl IntoView {
    let _ = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    });
    view! {
        <div
            role="dialog"
            aria-labelledby="ask-panel-title"
            class="fixed bottom-20 right-4 z-40 max-h-[75vh] w-[min(26rem,calc(100vw-2rem))] overflow-y-auto rounded-2xl border border-stone-200 bg-white p-4 shadow-2xl"
            class:hidden=move || !open.get()
        >
            <div class="flex items-center justify-between gap-3">
                <h2 id="ask-panel-title" class="font-display text-2xl text-stone-900">"Ask us"</h2>
                <button type="button" class="rounded-full px-3 py-1 text-stone-700 hover:bg-stone-100" on:click=move |_| open.set(false)>
                    "Close"
                </button>
            </div>
            <AssistantPanel/>
        </div>
    }
}
