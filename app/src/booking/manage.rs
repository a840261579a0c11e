//! A made booking, opened from the link on the confirmation page and in its emails: see
//! it, add it to a calendar, move it or cancel it, no account needed. Inside the clinic's
//! late-cancel window the buttons give way to the clinic's phone number.

use super::api::{fetch_managed, fetch_picker, CancelBooking};
use super::picker::{PickerView, Purpose};
use crate::domain::booking::Mode;
use crate::error::AppError;
use crate::ui::components::{Loading, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY};
use crate::ui::layout::tel_href;
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

/// What the patient is told after a change; "we've emailed you" only when an email is
/// really on its way.
fn done_notice(query: &ParamsMap, emailed: bool) -> Option<String> {
    let words = match (query.get("done")?.as_str(), emailed) {
        ("booked", true) => "You're booked. We've emailed you a confirmation with this page's link: keep it to move or cancel your booking.",
        ("booked", false) => "You're booked. Keep this page's link (bookmark it): it's how you move or cancel your booking.",
        ("moved", true) => "Your booking has moved to the new time. We've emailed you the details.",
        ("moved", false) => "Your booking has moved to the new time.",
        ("cancelled", true) => "Your booking is cancelled. We've emailed you to confirm.",
        ("cancelled", false) => "Your booking is cancelled.",
        _ => return None,
    };
    Some(words.to_owned())
}

#[component]
pub fn ManageBookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("token").unwrap_or_default(),
                query.read().get("done").unwrap_or_default(),
            )
        },
        |(token, _)| fetch_managed(token),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let booking = data.await?;
                    let token = params.read_untracked().get("token").unwrap_or_default();
                    Ok::<_, AppError>(view! { <Booking booking token/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Booking(booking: super::types::ManagedBooking, token: String) -> impl IntoView {
    let cancel = ServerAction::<CancelBooking>::new();
    let refusal = Refusal::new(move || cancel.value().get());
    let calendar_href = format!("/booking/{token}/calendar.ics");
    let move_href = format!("/booking/{token}/reschedule");
    let phone_href = tel_href(&booking.clinic_phone);
    let emailed = booking.emailed;
    view! {
        <Title text=format!("Your booking: {}", booking.treatment_name)/>
        <div class="mx-auto max-w-xl px-4 pb-16 pt-10">
            <h1 class="font-display text-4xl text-stone-900">"Your booking"</h1>
            <SavedNotice say=move |query| done_notice(query, emailed)/>
            <section class="mt-6 rounded-2xl border border-stone-200 bg-white p-5">
                <p class="text-sm font-semibold uppercase tracking-wider" class:text-red-700=booking.cancelled class:text-emerald-700=!booking.cancelled>
                    {booking.status.clone()}
                </p>
                <p class="mt-1 font-display text-2xl text-stone-900">{booking.treatment_name.clone()}</p>
                <p class="mt-1 text-stone-800" class:line-through=booking.cancelled>{booking.when.clone()}</p>
                <p class="text-stone-700">{format!("With {} · {}", booking.provider_name, booking.mode.label())}</p>
                <p class="text-sm text-stone-600">{format!("{}, {}", booking.location, booking.address)}</p>
                {(!booking.cancelled && booking.mode == Mode::Video).then(|| view! {
                    <a href=format!("/booking/{token}/visit") class=format!("{BUTTON_PRIMARY} mt-4 mr-4")>
                        "Join the video visit"
                    </a>
                })}
                {(!booking.cancelled).then(|| view! {
                    <a href=calendar_href rel="external" download="appointment.ics" class="mt-4 inline-block font-semibold text-brand-700 underline">
                        "Add to my calendar (.ics)"
                    </a>
                })}
            </section>
            {(!booking.payments.is_empty()).then(|| view! {
                <section aria-labelledby="paid-heading" class="mt-6 rounded-2xl border border-stone-200 bg-white p-5">
                    <h2 id="paid-heading" class="font-semibold text-stone-900">"Payments"</h2>
                    <ul class="mt-2 space-y-1 text-stone-800">
                        {booking.payments.clone().into_iter().map(|line| view! { <li data-testid="payment-line">{line}</li> }).collect_view()}
                    </ul>
                </section>
            })}
            <p role="alert" aria-live="assertive" class="mt-4 text-sm font-semibold text-red-700">{refusal.summary()}</p>
            {if booking.may_change {
                view! {
                    <div class="mt-6 flex flex-col gap-3 sm:flex-row">
                        <a href=move_href class=BUTTON_PRIMARY>"Choose another time"</a>
                        <ActionForm action=cancel>
                            <input type="hidden" name="token" value=token.clone()/>
                            <button type="submit" class=format!("{BUTTON_SECONDARY} w-full") disabled=move || cancel.pending().get()>
                                "Cancel this booking"
                            </button>
                        </ActionForm>
                    </div>
                    <p class="mt-3 text-sm text-stone-600">
                        {format!("You can move or cancel online until {} hours before the appointment.", booking.late_cancel_hours)}
                    </p>
                }.into_any()
            } else {
                booking.call_instead.clone().map(|words| view! {
                    <p class="mt-6 rounded-2xl border border-amber-300 bg-amber-50 p-4 text-amber-950">
                        {words}" "<a href=phone_href class="font-semibold underline">{format!("Call {}", booking.clinic_phone)}</a>
                    </p>
                }).into_any()
            }}
            {booking.cancelled.then(|| view! {
                <p class="mt-6"><a href=format!("/book?treatment={}", booking.treatment_slug) class=BUTTON_PRIMARY>"Book again"</a></p>
            })}
        </div>
    }
}

#[component]
pub fn RescheduleBookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |name: &str| q.get(name).unwrap_or_default();
            (
                params.read().get("token").unwrap_or_default(),
                get("provider"),
                get("day"),
                get("from"),
            )
        },
        |(token, provider, day, from)| fetch_picker(String::new(), provider, day, from, token),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let picker = data.await?;
                    let token = params.read_untracked().get("token").unwrap_or_default();
                    let back = format!("/booking/{token}");
                    Ok::<_, AppError>(view! {
                        <Title text="Choose another time"/>
                        <div class="mx-auto max-w-3xl px-4 pb-16 pt-10">
                            <p class="text-sm text-stone-500"><a href=back class="underline">"Back to your booking"</a></p>
                            <h1 class="mt-2 font-display text-4xl text-stone-900">{format!("Move your {}", picker.treatment_name)}</h1>
                            <PickerView picker purpose=Purpose::Move { token }/>
                        </div>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
