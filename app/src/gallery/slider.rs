//! A before/after pair. Without JavaScript the two pictures stand side by side; once the
//! page is live they become one picture with a divider that a pointer drags or clicks and
//! the arrow keys move. The divider is a native range input laid over the pictures, so
//! keyboards, screen readers and touch all work as they do for any slider.

use super::components::{LabelledPicture, ResponsivePicture};
use super::types::PicturePair;
use leptos::prelude::*;

const PAIR_SIZES: &str = "(min-width: 768px) 42rem, 100vw";
const HALF_SIZES: &str = "(min-width: 768px) 21rem, 50vw";

#[component]
pub fn BeforeAfter(pair: PicturePair, eager: bool) -> impl IntoView {
    // Effects run in the browser only, after hydration: the server's side-by-side markup
    // is what a page without JavaScript keeps.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let divider = RwSignal::new(50u8);
    let side_by_side = {
        let pair = pair.clone();
        move || {
            view! {
                <div class="grid grid-cols-2 gap-px overflow-hidden rounded-2xl bg-stone-200">
                    <LabelledPicture picture=pair.before.clone() sizes=HALF_SIZES eager/>
                    <LabelledPicture picture=pair.after.clone() sizes=HALF_SIZES eager/>
                </div>
            }
        }
    };
    let slider = move || {
        let (before_label, after_label) = (pair.before.label.clone(), pair.after.label.clone());
        let name = format!(
            "Compare {} and {}",
            before_label.to_lowercase(),
            after_label.to_lowercase()
        );
        let value_text = {
            let (before, after) = (before_label.to_lowercase(), after_label.to_lowercase());
            move || {
                format!(
                    "{}% {before}, {}% {after}",
                    divider.get(),
                    100 - divider.get()
                )
            }
        };
        view! {
            <div class="relative overflow-hidden rounded-2xl bg-stone-100 has-[:focus-visible]:ring-4 has-[:focus-visible]:ring-brand-600" data-slider="">
                <ResponsivePicture picture=pair.before.clone() sizes=PAIR_SIZES eager/>
                // The after picture over the before one, shown right of the divider. Set
                // through the style object, which the pages' policy allows (unlike a
                // style attribute).
                <div class="absolute inset-0" data-after-layer="" style:clip-path=move || format!("inset(0 0 0 {}%)", divider.get())>
                    <ResponsivePicture picture=pair.after.clone() sizes=PAIR_SIZES eager/>
                </div>
                <div class="pointer-events-none absolute inset-y-0 w-0.5 -translate-x-1/2 bg-white shadow" style:left=move || format!("{}%", divider.get())></div>
                <span class="pointer-events-none absolute left-3 top-3 rounded-full bg-white/90 px-2 py-0.5 text-xs font-medium text-stone-700">{before_label}</span>
                <span class="pointer-events-none absolute right-3 top-3 rounded-full bg-white/90 px-2 py-0.5 text-xs font-medium text-stone-700">{after_label}</span>
                <input
                    type="range" min="0" max="100" step="1"
                    prop:value=move || divider.get().to_string()
                    on:input=move |ev| {
                        if let Ok(value) = event_target_value(&ev).parse::<u8>() {
                            divider.set(value.min(100));
                        }
                    }
                    aria-label=name
                    aria-valuetext=value_text
                    class="absolute inset-0 h-full w-full cursor-ew-resize opacity-0"
                />
            </div>
        }
    };
    view! {
        <figure class="space-y-2">
            {move || if live.get() { slider().into_any() } else { side_by_side().into_any() }}
        </figure>
    }
}
