//! `data-hydrated` on the page's outermost element says when the page in view has become
//! interactive; the browser tests wait for it before they type or click.
//!
//! The shell's own hydration is not that moment. A page of a lazily loaded area (booking,
//! the account, the assistant, the staff screens) hydrates only once its area's code has
//! arrived, and hydrating sets each field to the page's own state: text typed meanwhile is
//! replaced (a question typed into the assistant's box, on a busy machine, was sent empty).
//! So each page sets the mark itself, from its own code.

use leptos::prelude::*;

/// Whether the page in view has hydrated.
#[derive(Clone, Copy)]
struct Interactive(RwSignal<bool>);

/// Provides the mark for the pages below; the shell shows what it returns.
pub fn provide_mark() -> RwSignal<bool> {
    let interactive = RwSignal::new(false);
    provide_context(Interactive(interactive));
    interactive
}

/// Marks the page interactive once the page calling this has hydrated (an effect runs only
/// after the view it belongs to is in place, and only in the browser).
pub fn mark_when_hydrated() {
    if let Some(Interactive(interactive)) = use_context() {
        Effect::new(move |_| interactive.set(true));
    }
}

/// A page that is part of the main bundle, marked interactive as it hydrates.
pub fn marked<V: IntoView>(page: fn() -> V) -> V {
    mark_when_hydrated();
    page()
}

/// What the visitor typed into field `id` before the page's code arrived: hydrating sets
/// each field to the page's state, so a page puts this back into its state once hydrated.
/// Empty on the server, and once the app is interactive (a page reached by following a
/// link was never typed into before its code ran).
pub fn typed_before_hydration(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let hydrating = use_context::<Interactive>()
            .is_some_and(|Interactive(interactive)| !interactive.get_untracked());
        let field = hydrating
            .then(|| document().get_element_by_id(id))
            .flatten();
        if let Some(field) = field {
            if let Some(text) = field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                return text.value();
            }
            if let Some(input) = field.dyn_ref::<web_sys::HtmlInputElement>() {
                return input.value();
            }
        }
    }
    let _ = id;
    String::new()
}
