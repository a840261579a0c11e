//! All treatments, grouped by category.

use crate::catalog::api::fetch_treatment_categories;
use crate::error::AppError;
use crate::ui::components::{Loading, TreatmentTile};
use crate::ui::layout::{use_clinic, BookBand};
use crate::ui::seo::PageMeta;
use crate::ui::status::ErrorPage;
use leptos::prelude::*;

#[component]
pub fn TreatmentsPage() -> impl IntoView {
    let clinic = use_clinic();
    let categories = Resource::new(|| (), |_| fetch_treatment_categories());
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let clinic = clinic.await?;
                    let categories = categories.await?;
                    let names: Vec<&str> = categories.iter().map(|c| c.name.as_str()).collect();
                    let description = format!(
                        "Treatments at {}: {}. Prices, durations and deposits for every treatment.",
                        clinic.name,
                        names.join(", ")
                    );
                    Ok::<_, AppError>(view! {
                        <PageMeta title=format!("Treatments and prices — {}", clinic.name) description site_url=clinic.site_url.clone() path="/treatments".to_owned() image=None/>
                        <div class="mx-auto max-w-6xl px-4 pt-12">
                            <h1 class="font-display text-4xl text-stone-900 sm:text-5xl">"Treatments and prices"</h1>
                            <p class="mt-4 max-w-2xl text-lg text-stone-600">
                                "Every price includes your consultation and aftercare. A deposit secures your appointment and counts towards the price."
                            </p>
                            <nav aria-label="Categories" class="mt-8 flex flex-wrap gap-2">
                                {categories.iter().map(|c| view! {
                                    <a href=format!("#{}", c.slug) class="rounded-full border border-stone-300 bg-white px-4 py-1.5 text-sm font-medium text-stone-700 hover:border-brand-400">
                                        {c.name.clone()}
                                    </a>
                                }).collect_view()}
                            </nav>
                        </div>
                        {categories.into_iter().map(|category| view! {
                            <section id=category.slug.clone() class="mx-auto mt-14 max-w-6xl scroll-mt-24 px-4">
                                <h2 class="font-display text-3xl text-stone-900">{category.name}</h2>
                                <p class="mt-2 max-w-2xl text-stone-600">{category.description}</p>
                                <ul class="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
                                    {category.treatments.into_iter().map(|treatment| view! { <li><TreatmentTile treatment/></li> }).collect_view()}
                                </ul>
                            </section>
                        }).collect_view()}
                        <BookBand/>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
