//! A before/after pair. The server sends two layouts and the stylesheet shows one: with
//! scripts, one picture with a divider that a pointer drags or clicks and the arrow keys
//! move; without, the two pictures side by side. The choice is made before the first paint
//! (the page's `js` class), so hydrating the page never moves it. The divider is a native
//! range input laid over the pictures, so keyboards, screen readers and touch all work as
//! they do for any slider.

use super::components::{LabelledPicture, ResponsivePicture};
use super::types::PicturePair;
use leptos::prelude::*;

const PAIR_SIZES: &str = "(min-width: 768px) 42rem, 100vw";
const HALF_SIZES: &str = "(min-width: 768px) 21rem, 50vw";

#[component]
pub fn BeforeAfter(pair: PicturePair, eager: bool) -> impl IntoView {
    // Unset until the divider first moves: until then the stylesheet's 50 % applies (an
    // inline style attribute in the server's page would be refused by its policy; set from
    // script it is allowed).
    let divider = RwSignal::new(None::<u8>);
    let at = move || divider.get().unwrap_or(50);
    let (before_label, after_label) = (pair.before.label.clone(), pair.after.label.clone());
    let name = format!(
        "Compare {} and {}",
        before_label.to_lowercase(),
        after_label.to_lowercase()
    );
    let value_text = {
        let (before, after) = (before_label.to_lowercase(), after_label.to_lowercase());
        move || format!("{}% {before}, {}% {after}", at(), 100 - at())
    };
    view! {
        <figure class="space-y-2">
            <div class="js-only relative overflow-hidden rounded-2xl bg-stone-100 has-[:focus-visible]:ring-4 has-[:focus-visible]:ring-brand-600" data-slider="">
                <ResponsivePicture picture=pair.before.clone() sizes=PAIR_SIZES eager/>
                // The after picture over the before one, shown right of the divider.
                <div
                    class="absolute inset-0 [clip-path:inset(0_0_0_50%)]"
                    data-after-layer=""
                    style:clip-path=move || divider.get().map(|d| format!("inset(0 0 0 {d}%)"))
                >
                    <ResponsivePicture picture=pair.after.clone() sizes=PAIR_SIZES eager/>
                </div>
                <div
                    class="pointer-events-none absolute inset-y-0 left-1/2 w-0.5 -translate-x-1/2 bg-white shadow"
                    style:left=move || divider.get().map(|d| format!("{d}%"))
                ></div>
                <span class="pointer-events-none absolute left-3 top-3 rounded-full bg-white/90 px-2 py-0.5 text-xs font-medium text-stone-700">{before_label}</span>
                <span class="pointer-events-none absolute right-3 top-3 rounded-full bg-white/90 px-2 py-0.5 text-xs font-medium text-stone-700">{after_label}</span>
                <input
                    type="range" min="0" max="100" step="1" value="50"
                    on:input=move |ev| {
                        if let Ok(value) = event_target_value(&ev).parse::<u8>() {
                            divider.set(Some(value.min(100)));
                        }
                    }
                    aria-label=name
                    aria-valuetext=value_text
                    class="absolute inset-0 h-full w-full cursor-ew-resize opacity-0"
                />
            </div>
            // Only without scripts; lazy, so browsers with scripts never fetch it.
            <div class="no-js-only grid grid-cols-2 gap-px overflow-hidden rounded-2xl bg-stone-200">
                <LabelledPicture picture=pair.before sizes=HALF_SIZES eager=false/>
                <LabelledPicture picture=pair.after sizes=HALF_SIZES eager=false/>
            </div>
        </figure>
    }
}
