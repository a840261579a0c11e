//! The home page: who the clinic is, what it is known for, results, and a way to book.

use crate::catalog::api::fetch_home_data;
use crate::catalog::types::{ClinicInfo, HomeData};
use crate::error::AppError;
use crate::gallery::components::CaseGrid;
use crate::ui::components::{
    Loading, SectionHeading, TreatmentTile, BUTTON_PRIMARY, BUTTON_SECONDARY,
};
use crate::ui::layout::{use_clinic, BookBand};
use crate::ui::seo::{JsonLd, PageMeta};
use crate::ui::status::ErrorPage;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let clinic = use_clinic();
    let data = Resource::new(|| (), |_| fetch_home_data());
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let clinic = clinic.await?;
                    let data = data.await?;
                    Ok::<_, AppError>(view! { <Home clinic data/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Home(clinic: ClinicInfo, data: HomeData) -> impl IntoView {
    let description = format!(
        "{}: {} Book a consultation or treatment, see real before-and-after results, and find us in {}.",
        clinic.name,
        clinic.tagline,
        clinic.locations.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(" and ")
    );
    let has_cases = !data.cases.is_empty();
    view! {
        <PageMeta title=format!("{} — {}", clinic.name, clinic.tagline) description site_url=clinic.site_url.clone() path="/".to_owned() image=data.cases.first().map(|c| c.after.src.clone())/>
        <JsonLd data=serde_json::json!({
            "@context": "https://schema.org",
            "@type": "MedicalClinic",
            "name": clinic.name,
            "description": clinic.tagline,
            "url": clinic.site_url,
            "telephone": clinic.phone,
            "email": clinic.email,
            "address": clinic.locations.iter().map(|l| serde_json::json!({
                "@type": "PostalAddress",
                "name": l.name,
                "streetAddress": l.address_lines.join(", "),
            })).collect::<Vec<_>>(),
        })/>
        <section class="bg-gradient-to-b from-brand-50 to-stone-50">
            <div class="mx-auto grid max-w-6xl items-center gap-10 px-4 py-16 sm:py-24 lg:grid-cols-2">
                <div>
                    <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">{clinic.name.clone()}</p>
                    <h1 class="mt-3 font-display text-4xl leading-tight text-stone-900 sm:text-5xl">
                        "Natural-looking results, in medical hands"
                    </h1>
                    <p class="mt-5 max-w-xl text-lg leading-relaxed text-stone-600">{clinic.tagline.clone()}</p>
                    <div class="mt-8 flex flex-wrap gap-3">
                        <a href="/book" class=BUTTON_PRIMARY>"Book an appointment"</a>
                        <a href="/treatments" class=BUTTON_SECONDARY>"Explore treatments"</a>
                    </div>
                    <ul class="mt-8 grid gap-2 text-sm text-stone-600 sm:grid-cols-2">
                        <li>"✓ Doctors, nurses and therapists registered with their regulators"</li>
                        <li>"✓ A free consultation before any injectable"</li>
                        <li>"✓ Clear prices; the deposit counts towards your treatment"</li>
                        <li>"✓ Aftercare and review appointments included"</li>
                    </ul>
                </div>
                <HeroArt/>
            </div>
        </section>

        <section class="mx-auto mt-16 max-w-6xl px-4" aria-labelledby="featured-heading">
            <div class="flex flex-wrap items-end justify-between gap-4">
                <div id="featured-heading">
                    <SectionHeading title="Popular treatments" intro="Chosen by our patients again and again."/>
                </div>
                <a href="/treatments" class="font-semibold text-brand-700 hover:underline">"All treatments →"</a>
            </div>
            <ul class="mt-8 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
                {data.featured.into_iter().map(|treatment| view! { <li><TreatmentTile treatment/></li> }).collect_view()}
            </ul>
        </section>

        <Show when=move || has_cases>
            <section id="results" class="mx-auto mt-20 max-w-6xl px-4">
                <SectionHeading
                    title="Real results"
                    intro="Shared with our patients' written consent. Results vary from person to person."
                />
                <div class="mt-8">
                    <CaseGrid cases=data.cases.clone()/>
                </div>
            </section>
        </Show>

        <BookBand/>
    }
}

#[component]
fn HeroArt() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 400 320" class="hidden w-full lg:block">
            <defs>
                <radialGradient id="hero-glow" cx="50%" cy="45%" r="60%">
                    <stop offset="0%" stop-color="#f6e7dc"/>
                    <stop offset="100%" stop-color="#b9d6d0"/>
                </radialGradient>
            </defs>
            <rect width="400" height="320" rx="32" fill="url(#hero-glow)"/>
            <circle cx="300" cy="80" r="46" fill="#ffffff" opacity="0.55"/>
            <path d="M70 250 C 120 140, 200 120, 250 170 S 340 260, 360 200" stroke="#2f524d" stroke-width="5" fill="none" stroke-linecap="round"/>
            <path d="M60 200 C 110 110, 190 90, 240 130" stroke="#62998f" stroke-width="3" fill="none" stroke-linecap="round" opacity="0.7"/>
        </svg>
    }
}
