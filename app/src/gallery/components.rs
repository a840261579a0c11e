//! A before/after pair as a card.

use super::types::{CaseCard, ImageRef};
use leptos::prelude::*;

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
    view! {
        <figure class="overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm">
            <div class="grid grid-cols-2 gap-px bg-stone-200">
                <CaseImage image=case.before/>
                <CaseImage image=case.after/>
            </div>
            <figcaption class="space-y-1 p-4">
                <p class="font-display text-lg text-stone-900">{case.title}</p>
                <p class="text-sm text-stone-600">{case.summary}</p>
                {treatment_link}
            </figcaption>
        </figure>
    }
}

#[component]
fn CaseImage(image: ImageRef) -> impl IntoView {
    view! {
        <div class="relative bg-stone-100">
            <img
                src=image.url
                width=image.width
                height=image.height
                alt=image.alt
                loading="lazy"
                decoding="async"
                class="block h-auto w-full"
            />
            <span class="absolute left-2 top-2 rounded-full bg-white/90 px-2 py-0.5 text-xs font-medium text-stone-700">
                {image.label}
            </span>
        </div>
    }
}
