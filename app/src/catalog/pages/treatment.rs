//! One treatment: what it is, how long it takes, what it costs, and who performs it.

use crate::catalog::api::fetch_treatment_detail;
use crate::catalog::types::{ClinicInfo, TreatmentDetail};
use crate::domain::duration::format_minutes;
use crate::error::AppError;
use crate::gallery::components::CaseGrid;
use crate::ui::components::{Loading, BUTTON_PRIMARY};
use crate::ui::layout::use_clinic;
use crate::ui::seo::{JsonLd, PageMeta};
use crate::ui::status::{ErrorPage, NotFound};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TreatmentPage() -> impl IntoView {
    let clinic = use_clinic();
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        fetch_treatment_detail,
    );
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let clinic = clinic.await?;
                    Ok::<_, AppError>(match detail.await {
                        Err(AppError::NotFound) => Either::Left(view! { <NotFound/> }),
                        found => Either::Right(view! { <Treatment clinic treatment=found?/> }),
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Treatment(clinic: ClinicInfo, treatment: TreatmentDetail) -> impl IntoView {
    let price = if treatment.price.is_zero() {
        "Free".to_owned()
    } else {
        treatment.price.to_string()
    };
    let modes = match (treatment.in_person, treatment.video) {
        (true, true) => "In the clinic or by video",
        (false, true) => "By video",
        _ => "In the clinic",
    };
    let book_href = format!("/book?treatment={}", treatment.slug);
    let paragraphs: Vec<String> = treatment
        .description
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let has_cases = !treatment.cases.is_empty();
    view! {
        <PageMeta
            title=format!("{} — {}", treatment.name, clinic.name)
            description=format!("{} {} from {}, {}.", treatment.name, treatment.summary, price, format_minutes(treatment.duration_minutes))
            site_url=clinic.site_url.clone()
            path=format!("/treatments/{}", treatment.slug)
            image=treatment.cases.first().map(|c| c.after.src.clone())
        />
        <JsonLd data=serde_json::json!({
            "@context": "https://schema.org",
            "@type": "MedicalProcedure",
            "name": treatment.name,
            "description": treatment.summary,
            "url": crate::ui::seo::absolute(&clinic.site_url, &format!("/treatments/{}", treatment.slug)),
        })/>
        <article class="mx-auto max-w-6xl px-4 pt-10">
            <nav aria-label="Breadcrumb" class="text-sm text-stone-500">
                <a href="/treatments" class="hover:underline">"Treatments"</a>
                " / "
                <a href=format!("/treatments#{}", treatment.category_slug) class="hover:underline">{treatment.category.clone()}</a>
            </nav>
            <div class="mt-6 grid gap-10 lg:grid-cols-[1fr_22rem]">
                <div>
                    <h1 class="font-display text-4xl text-stone-900 sm:text-5xl">{treatment.name.clone()}</h1>
                    <p class="mt-4 text-xl leading-relaxed text-stone-700">{treatment.summary.clone()}</p>
                    <div class="mt-8 space-y-4 text-base leading-relaxed text-stone-700">
                        {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                    </div>
                </div>
                <aside class="h-fit rounded-2xl border border-stone-200 bg-white p-6 shadow-sm lg:sticky lg:top-24">
                    <h2 class="sr-only">"At a glance"</h2>
                    <dl class="divide-y divide-stone-100 text-sm">
                        <div class="flex justify-between py-3"><dt class="text-stone-500">"Duration"</dt><dd class="font-medium">{format_minutes(treatment.duration_minutes)}</dd></div>
                        <div class="flex justify-between py-3"><dt class="text-stone-500">"Price"</dt><dd class="font-semibold text-stone-900">{price}</dd></div>
                        <div class="flex justify-between gap-4 py-3"><dt class="text-stone-500">"Paid when booking"</dt><dd class="text-right font-medium">{treatment.paid_when_booking}</dd></div>
                        {treatment.paid_when_booking_first.map(|first| view! {
                            <div class="flex justify-between gap-4 py-3"><dt class="text-stone-500">"On a first visit"</dt><dd class="text-right font-medium">{first}</dd></div>
                        })}
                        <div class="flex justify-between gap-4 py-3"><dt class="text-stone-500">"Where"</dt><dd class="text-right font-medium">{modes}</dd></div>
                    </dl>
                    <a href=book_href class=format!("{BUTTON_PRIMARY} mt-6 w-full")>{format!("Book {}", treatment.name)}</a>
                </aside>
            </div>

            <section class="mt-16" aria-labelledby="providers-heading">
                <h2 id="providers-heading" class="font-display text-3xl text-stone-900">"Who performs it"</h2>
                <ul class="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
                    {treatment.providers.into_iter().map(|provider| {
                        let initials: String = provider.name.split_whitespace().filter(|w| *w != "Dr").filter_map(|w| w.chars().next()).collect();
                        view! {
                            <li class="rounded-2xl border border-stone-200 bg-white p-6">
                                <div class="flex items-center gap-4">
                                    {match provider.photo {
                                        // The name sits beside it, so the picture needs no words of its own.
                                        Some(src) => view! {
                                            <img src=src alt="" width="64" height="64" loading="lazy" decoding="async" class="h-16 w-16 rounded-full object-cover"/>
                                        }.into_any(),
                                        None => view! {
                                            <span aria-hidden="true" class="flex h-16 w-16 items-center justify-center rounded-full bg-brand-100 font-semibold text-brand-800">{initials}</span>
                                        }.into_any(),
                                    }}
                                    <div>
                                        <p class="font-display text-lg text-stone-900">{provider.name}</p>
                                        <p class="text-sm text-stone-500">{provider.title}</p>
                                    </div>
                                </div>
                                <p class="mt-4 text-sm leading-relaxed text-stone-600">{provider.bio}</p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>

            <Show when=move || has_cases>
                <section class="mt-16">
                    <h2 class="font-display text-3xl text-stone-900">"Results"</h2>
                    <p class="mt-2 text-stone-600">"Shared with our patients' written consent. Results vary from person to person."</p>
                    <div class="mt-6"><CaseGrid cases=treatment.cases.clone()/></div>
                </section>
            </Show>
        </article>
    }
}
