//! Staff screens that follow changes live: the server's stream (`/api/live`) names what
//! changed, and a screen whose resource reads `changes` loads its data again, through the
//! same checked server function as the first time. Without JavaScript the page is as it
//! was served, and a reload shows what is new.

use leptos::prelude::*;

/// Counts the announced changes to `topics` ("appointment", "conversation"), and the
/// times the stream says some may have been missed, while the screen is open.
pub fn changes(topics: &'static [&'static str]) -> ReadSignal<u32> {
    let count = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    follow(topics, count);
    #[cfg(not(feature = "hydrate"))]
    let _ = topics;
    count.read_only()
}

#[cfg(feature = "hydrate")]
fn follow(topics: &'static [&'static str], count: RwSignal<u32>) {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    Effect::new(move |_| {
        let Ok(source) = web_sys::EventSource::new("/api/live") else {
            return;
        };
        let bump = Closure::<dyn FnMut()>::new(move || {
            count.try_update(|n| *n += 1);
        });
        for topic in topics.iter().chain(&["reload"]) {
            let _ = source.add_event_listener_with_callback(topic, bump.as_ref().unchecked_ref());
        }
        // The browser connects again by itself after a drop; what changed meanwhile was
        // not heard, so every opening after the first loads the screen again.
        let opened = std::cell::Cell::new(false);
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if opened.replace(true) {
                count.try_update(|n| *n += 1);
            }
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let kept = StoredValue::new_local((source, bump, on_open));
        on_cleanup(move || kept.with_value(|(source, _, _)| source.close()));
    });
}
