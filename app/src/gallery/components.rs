//! Before/after pictures as cards, and one picture in every size the browser may choose.

use super::types::{CaseCard, Picture};
use leptos::prelude::*;

/// How wide a card's picture is on the page, for the browser to choose a size before the
/// layout is known: half a card, four cards to a row on wide screens.
pub const CARD_SIZES: &str = "(min-width: 1024px) 14rem, (min-width: 640px) 25vw, 50vw";

#[component]
pub fn CaseGrid(cases: Vec<CaseCard>) -> impl IntoView {
    view! {
        <ul class="grid gap-6 sm:grid-cols-2 lg:grid-cols-4">
            {cases.into_iter().map(|case| view! { <li><CaseTile case/></li> }).collect_view()}
        </ul>
    }
}

#[component]
pub fn CaseTile(case: CaseCard) -> impl IntoView {
    // The case's treatment, and booking it straight from the result a patient just saw.
    let treatment_link = case.treatment_slug.clone().zip(case.treatment_name.clone()).map(|(slug, name)| {
        view! {
            <p class="flex flex-wrap gap-x-4 gap-y-1">
                <a href=format!("/treatments/{slug}") class="text-sm font-medium text-brand-700 underline-offset-4 hover:underline">
                    {name.clone()}
                </a>
                <a href=format!("/book?treatment={slug}") aria-label=format!("Book this treatment: {name}") class="text-sm font-semibold text-brand-800 underline underline-offset-4">
                    "Book this treatment"
                </a>
            </p>
        }
    });
    let href = format!("/cases/{}", case.slug);
    view! {
        <figure class="overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm">
            <a href=href.clone() class="grid grid-cols-2 gap-px bg-stone-200" tabindex="-1" aria-hidden="true">
                <LabelledPicture picture=case.before sizes=CARD_SIZES eager=false/>
                <LabelledPicture picture=case.after sizes=CARD_SIZES eager=false/>
            </a>
            <figcaption class="space-y-1 p-4">
                <p class="font-display text-lg text-stone-900">
                    <a href=href class="hover:underline">{case.title}</a>
                </p>
                {case.time_after.map(|t| view! { <p class="text-xs font-medium uppercase tracking-wide text-stone-500">{t}</p> })}
                <p class="text-sm text-stone-600">{case.summary}</p>
                {treatment_link}
            </figcaption>
        </figure>
    }
}

/// A picture with its label over a corner.
#[component]
pub fn LabelledPicture(picture: Picture, sizes: &'static str, eager: bool) -> impl IntoView {
    let label = picture.label.clone();
    view! {
        <div class="relative bg-stone-100">
            <ResponsivePicture picture sizes eager/>
            <span class="absolute left-2 top-2 rounded-full bg-white/90 px-2 py-0.5 text-xs font-medium text-stone-700">
                {label}
            </span>
        </div>
    }
}

/// `<picture>` with WebP sizes first and the fallback format's after, width and height
/// given so the page does not move when it arrives. Pictures below the fold load lazily.
#[component]
pub fn ResponsivePicture(picture: Picture, sizes: &'static str, eager: bool) -> impl IntoView {
    let webp = (!picture.webp_srcset.is_empty()).then(|| {
        view! { <source type="image/webp" srcset=picture.webp_srcset.clone() sizes=sizes/> }
    });
    let srcset = (!picture.srcset.is_empty()).then_some(picture.srcset.clone());
    view! {
        <picture>
            {webp}
            <img
                src=picture.src
                srcset=srcset
                sizes=sizes
                width=picture.width
                height=picture.height
                alt=picture.alt
                loading=if eager { "eager" } else { "lazy" }
                fetchpriority=eager.then_some("high")
                decoding="async"
                class="block h-auto w-full"
            />
        </picture>
    }
}
