//! The staff area's front page: today's appointments and the clinic's numbers.

use super::api::fetch_dashboard;
use super::types::DashboardData;
use crate::admin::frame::AdminNav;
use crate::error::AppError;
use crate::ui::components::Loading;
use crate::ui::live::changes;
use crate::ui::status::{AccessRefused, ErrorPage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let changes = changes(&["appointment"]);
    let data = Resource::new(move || changes.get(), |_| fetch_dashboard());
    view! {
        // A transition: a change reloads the numbers in place, without "Loading…" between.
        <Transition fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match data.await {
                        Err(error @ (AppError::SignInRequired | AppError::Forbidden)) => {
                            Either::Left(view! { <AccessRefused error next="/admin".to_owned()/> })
                        }
                        result => Either::Right(view! { <Dashboard data=result?/> }),
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Dashboard(data: DashboardData) -> impl IntoView {
    let empty = data.today.is_empty();
    view! {
        <Title text="Today — Staff area"/>
        <Meta name="robots" content="noindex"/>
        <AdminNav/>
        <div class="mx-auto max-w-6xl px-4 pt-10">
            <div>
                <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
                <h1 class="mt-1 font-display text-4xl text-stone-900">{data.date_label}</h1>
            </div>
            <dl class="mt-8 grid gap-4 sm:grid-cols-4">
                <Stat label="Appointments today" value=data.today.len() as i64/>
                <Stat label="Confirmed, next 7 days" value=data.next_seven_days/>
                <Stat label="Patients" value=data.patients/>
                <Stat label="Active treatments" value=data.active_treatments/>
            </dl>
            <h2 class="mt-12 font-display text-2xl text-stone-900">"Today's appointments"</h2>
            <Show
                when=move || !empty
                fallback=|| view! { <p class="mt-4 text-stone-600">"No appointments today."</p> }
            >
                // Scrolls sideways on a phone: focusable, so it scrolls from the keyboard too.
                <div role="region" aria-label="Today's appointments" tabindex="0" class="mt-4 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                    <table class="min-w-full divide-y divide-stone-200 text-sm">
                        <thead class="bg-stone-50 text-left text-stone-600">
                            <tr>
                                <th scope="col" class="px-4 py-3 font-medium">"Time"</th>
                                <th scope="col" class="px-4 py-3 font-medium">"Patient"</th>
                                <th scope="col" class="px-4 py-3 font-medium">"Treatment"</th>
                                <th scope="col" class="px-4 py-3 font-medium">"With"</th>
                                <th scope="col" class="px-4 py-3 font-medium">"Where"</th>
                                <th scope="col" class="px-4 py-3 font-medium">"Status"</th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-stone-100">
                            {data.today.clone().into_iter().map(|a| view! {
                                <tr>
                                    <td class="px-4 py-3 font-medium tabular-nums">{a.time}</td>
                                    <td class="px-4 py-3">{a.patient}</td>
                                    <td class="px-4 py-3">{a.treatment}</td>
                                    <td class="px-4 py-3">{a.provider}</td>
                                    <td class="px-4 py-3">{a.location}</td>
                                    <td class="px-4 py-3">{a.status.replace('_', " ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn Stat(label: &'static str, value: i64) -> impl IntoView {
    view! {
        <div class="rounded-2xl border border-stone-200 bg-white p-5">
            <dt class="text-sm text-stone-500">{label}</dt>
            <dd class="mt-1 font-display text-3xl text-stone-900">{value}</dd>
        </div>
    }
}
