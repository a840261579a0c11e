//! The start of booking: choose a treatment; once one is chosen, its time picker.

use super::api::fetch_picker;
use super::picker::{PickerView, Purpose};
use super::seats::SessionList;
use crate::catalog::api::fetch_treatment_categories;
use crate::domain::duration::format_minutes;
use crate::error::AppError;
use crate::ui::components::Loading;
use crate::ui::layout::{tel_href, use_clinic};
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn BookPage() -> impl IntoView {
    let query = use_query_map();
    let chosen = move || query.read().get("treatment").filter(|t| !t.is_empty());
    view! {
        <Show when=move || chosen().is_some() fallback=ChooseTreatment>
            <PickTime/>
        </Show>
    }
}

/// The picker for the chosen treatment.
#[component]
fn PickTime() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |name: &str| q.get(name).unwrap_or_default();
            (
                get("treatment"),
                get("provider"),
                get("day"),
                get("from"),
                get("hold"),
            )
        },
        |(treatment, provider, day, from, _)| {
            fetch_picker(treatment, provider, day, from, String::new())
        },
    );
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let picker = data.await?;
                    let hold = query.read_untracked().get("hold").unwrap_or_default();
                    Ok::<_, AppError>(view! {
                        <Title text=format!("Book {}", picker.treatment_name)/>
                        <Meta name="robots" content="noindex"/>
                        <div class="mx-auto max-w-3xl px-4 pb-16 pt-10">
                            <p class="text-sm text-stone-500"><a href="/book" class="underline">"All treatments"</a></p>
                            <h1 class="mt-2 font-display text-4xl text-stone-900">{format!("Book {}", picker.treatment_name)}</h1>
                            {match picker.sessions.clone() {
                                Some(sessions) => view! {
                                    <p class="mt-2 text-stone-600">{picker.treatment_facts.clone()}</p>
                                    <SessionList sessions/>
                                }.into_any(),
                                None => view! { <PickerView picker purpose=Purpose::Book { hold }/> }.into_any(),
                            }}
                        </div>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// Every bookable treatment, by category, and how to reach the clinic instead.
#[component]
fn ChooseTreatment() -> impl IntoView {
    let clinic = use_clinic();
    let categories = Resource::new(|| (), |_| fetch_treatment_categories());
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let clinic = clinic.await?;
                    let categories = categories.await?;
                    let email_href = format!("mailto:{}", clinic.email);
                    Ok::<_, AppError>(view! {
                        <Title text=format!("Book an appointment — {}", clinic.name)/>
                        <Meta name="description" content=format!("Book a consultation or treatment at {}.", clinic.name)/>
                        <div class="mx-auto max-w-4xl px-4 pt-12">
                            <h1 class="font-display text-4xl text-stone-900 sm:text-5xl">"Book an appointment"</h1>
                            <p class="mt-6 text-lg text-stone-700">
                                "Choose a treatment below to see free times and book online in a minute. Prefer to talk? Call the clinic you'd like to visit."
                            </p>
                            <ul class="mt-8 grid gap-4 sm:grid-cols-2">
                                {clinic.locations.into_iter().map(|location| {
                                    let href = tel_href(&location.phone);
                                    view! {
                                        <li class="rounded-2xl border border-stone-200 bg-white p-6">
                                            <p class="font-display text-xl text-stone-900">{location.name}</p>
                                            <p class="mt-1 text-sm text-stone-600">{location.address_lines.join(", ")}</p>
                                            <a href=href class="mt-4 inline-block rounded-full bg-brand-700 px-5 py-2 font-semibold text-white hover:bg-brand-800">
                                                {format!("Call {}", location.phone)}
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <p class="mt-6 text-stone-700">
                                "Prefer to write? "
                                <a href=email_href class="font-semibold text-brand-700 underline">{clinic.email}</a>
                            </p>
                            <h2 class="mt-14 font-display text-3xl text-stone-900" id="choose">"Choose a treatment"</h2>
                            {categories.into_iter().map(|category| view! {
                                <section class="mt-8">
                                    <h3 class="text-sm font-semibold uppercase tracking-wider text-stone-500">{category.name}</h3>
                                    <ul class="mt-3 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white">
                                        {category.treatments.into_iter().map(|t| view! {
                                            <li>
                                                <a href=format!("/book?treatment={}", t.slug) class="flex items-center justify-between gap-4 px-5 py-4 hover:bg-stone-50">
                                                    <span class="font-medium text-stone-900">{t.name}</span>
                                                    <span class="text-sm text-stone-600">{format!("{} · {}", format_minutes(t.duration_minutes), t.price)}</span>
                                                </a>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            }).collect_view()}
                        </div>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
