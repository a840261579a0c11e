//! The steps after choosing a time: the patient's details, then a review to confirm. The
//! hold's link (`?hold=`) carries the booking from step to step; what was typed is kept
//! with the hold, so going back, a refused field or a lost race never loses it.

use super::api::{
    fetch_held, fetch_paid, ConfirmBooking, HoldSlot, RescheduleBooking, SaveDetails,
};
use super::picker::{Purpose, TakenNotice};
use super::types::{HeldBooking, PaidBooking, PaidState};
use crate::domain::booking::Mode;
use crate::error::AppError;
use crate::ui::components::{
    Field, Loading, Refusal, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD, LABEL,
};
use crate::ui::status::ErrorPage;
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// Loads the hold named by `?hold=` and shows `step` with it.
#[component]
fn WithHold(step: fn(HeldBooking, String) -> AnyView) -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("hold").unwrap_or_default(),
        fetch_held,
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let held = data.await?;
                    let hold = query.read_untracked().get("hold").unwrap_or_default();
                    Ok::<_, AppError>(step(held, hold))
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// What is being booked, shown at the top of each step.
#[component]
fn Summary(held: HeldBooking, hold: String) -> impl IntoView {
    let again = format!("/book?treatment={}&hold={hold}", held.treatment_slug);
    let kept = if held.expired {
        "We couldn't keep this time any longer, but you can still book it if nobody else has."
            .to_owned()
    } else {
        format!("We're keeping this time for you until {}.", held.held_until)
    };
    view! {
        <section class="rounded-2xl border border-brand-200 bg-brand-50 p-5" aria-label="Your booking">
            <p class="font-display text-2xl text-stone-900">{held.treatment_name}</p>
            <p class="mt-1 text-stone-800">{held.when}</p>
            <p class="text-stone-700">{format!("With {} · {}", held.provider_name, held.price)}</p>
            <p class="text-sm text-stone-600">{held.location}</p>
            <p class="mt-3 text-sm text-stone-700">{kept}" "<a href=again class="font-semibold text-brand-700 underline">"Choose another time"</a></p>
        </section>
    }
}

#[component]
pub fn DetailsPage() -> impl IntoView {
    view! { <WithHold step=|held, hold| view! { <DetailsStep held hold/> }.into_any()/> }
}

#[component]
fn DetailsStep(held: HeldBooking, hold: String) -> impl IntoView {
    let action = ServerAction::<SaveDetails>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let d = held.details.clone();
    let both = held.offers.in_person && held.offers.video;
    let mode = Mode::parse(&d.mode);
    view! {
        <Title text="Your details — Book"/>
        <div class="mx-auto max-w-xl px-4 pb-16 pt-10">
            <p class="text-sm font-semibold text-brand-700">"Step 2 of 3"</p>
            <h1 class="mt-1 font-display text-4xl text-stone-900">"Your details"</h1>
            <div class="mt-6">{view! { <Summary held=held.clone() hold=hold.clone()/> }.into_any()}</div>
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <input type="hidden" name="hold" value=hold/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <div class="grid gap-5 sm:grid-cols-2">
                    <Field name="first_name" label="First name" problems>
                        <input id="first_name" name="details[first_name]" value=d.first_name autocomplete="given-name" required class=FIELD aria-invalid=invalid("first_name") aria-describedby="first_name-error"/>
                    </Field>
                    <Field name="last_name" label="Last name" problems>
                        <input id="last_name" name="details[last_name]" value=d.last_name autocomplete="family-name" required class=FIELD aria-invalid=invalid("last_name") aria-describedby="last_name-error"/>
                    </Field>
                </div>
                <Field name="email" label="Email" hint="Your confirmation and a link to manage the booking go here.".to_owned() problems>
                    <input id="email" name="details[email]" type="email" value=d.email autocomplete="email" required class=FIELD aria-invalid=invalid("email") aria-describedby="email-hint email-error"/>
                </Field>
                <Field name="phone" label="Phone" hint="In case the clinic needs to reach you about the appointment.".to_owned() problems>
                    <input id="phone" name="details[phone]" type="tel" value=d.phone autocomplete="tel" required class=FIELD aria-invalid=invalid("phone") aria-describedby="phone-hint phone-error"/>
                </Field>
                {both.then(|| view! {
                    <fieldset aria-describedby="mode-error">
                        <legend class=LABEL>"How would you like to meet?"</legend>
                        <div class="mt-2 space-y-2">
                            {[Mode::InPerson, Mode::Video].map(|m| view! {
                                <label class="flex items-center gap-3 text-stone-800">
                                    <input type="radio" name="details[mode]" value=m.as_str() checked=mode == Some(m) class="h-5 w-5 text-brand-700"/>
                                    {m.label()}
                                </label>
                            }).collect_view()}
                        </div>
                        <p id="mode-error" class="mt-1 text-sm font-medium text-red-700">
                            {move || crate::domain::form::problem_for(&problems.read(), "mode").map(str::to_owned)}
                        </p>
                    </fieldset>
                })}
                <Field name="notes" label="Anything the clinic should know? (optional)" problems>
                    <textarea id="notes" name="details[notes]" rows="3" class=FIELD aria-invalid=invalid("notes") aria-describedby="notes-error">{textarea_text(d.notes)}</textarea>
                </Field>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Continue to review"
                </button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    view! { <WithHold step=|held, hold| view! { <ReviewStep held hold/> }.into_any()/> }
}

#[component]
fn ReviewStep(held: HeldBooking, hold: String) -> impl IntoView {
    let action = ServerAction::<ConfirmBooking>::new();
    let hold_action = ServerAction::<HoldSlot>::new();
    let move_action = ServerAction::<RescheduleBooking>::new();
    let d = held.details.clone();
    let complete = held.details_complete;
    let details_href = format!("/book/details?hold={hold}");
    let mode = Mode::parse(&d.mode).or(held.offers.only());
    let treatment = held.treatment_slug.clone();
    let purpose = Purpose::Book { hold: hold.clone() };
    let refused = move || match action.value().get() {
        Some(Err(error)) => Some(error),
        _ => None,
    };
    view! {
        <Title text="Review and confirm — Book"/>
        <div class="mx-auto max-w-xl px-4 pb-16 pt-10">
            <p class="text-sm font-semibold text-brand-700">"Step 3 of 3"</p>
            <h1 class="mt-1 font-display text-4xl text-stone-900">"Review and confirm"</h1>
            <div class="mt-6">{view! { <Summary held=held.clone() hold=hold.clone()/> }.into_any()}</div>
            {view! { <section class="mt-6 rounded-2xl border border-stone-200 bg-white p-5" aria-label="Your details">
                <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-stone-800">
                    <dt class="text-stone-500">"Name"</dt><dd>{format!("{} {}", d.first_name, d.last_name)}</dd>
                    <dt class="text-stone-500">"Email"</dt><dd>{d.email.clone()}</dd>
                    <dt class="text-stone-500">"Phone"</dt><dd>{d.phone.clone()}</dd>
                    <dt class="text-stone-500">"Where"</dt><dd>{mode.map(Mode::label).unwrap_or("")}</dd>
                    {(!d.notes.is_empty()).then(|| view! { <dt class="text-stone-500">"Notes"</dt><dd>{d.notes.clone()}</dd> })}
                </dl>
                <a href=details_href.clone() class="mt-3 inline-block font-semibold text-brand-700 underline">"Change details"</a>
            </section> }.into_any()}
            <div role="alert" aria-live="assertive">
                {move || refused().map(|error| view! {
                    <TakenNotice error purpose=purpose.clone() treatment=treatment.clone() hold_action move_action/>
                })}
            </div>
            {held.pay_now.clone().map(|pay_now| view! {
                <section class="mt-6 rounded-2xl border border-stone-200 bg-white p-5" aria-label="Payment">
                    <p class="font-semibold text-stone-900">{format!("To book: {pay_now}.")}</p>
                    <p class="mt-1 text-sm text-stone-700">"You pay on our payment provider's secure page next, and come back here. Your time stays yours while you pay."</p>
                    {held.keeps_card.then(|| view! {
                        <p class="mt-1 text-sm text-stone-700">"Your card is kept on file for the clinic's late-cancellation and no-show fees, and charged only if one applies."</p>
                    })}
                </section>
            })}
            {if complete {
                let label = if held.pay_now.is_some() { "Confirm and pay" } else { "Confirm booking" };
                view! {
                    <ActionForm action attr:class="mt-8">
                        <input type="hidden" name="hold" value=hold.clone()/>
                        <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                            {label}
                        </button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <p class="mt-8"><a href=details_href class=BUTTON_SECONDARY>"Add your details"</a></p>
                }.into_any()
            }}
        </div>
    }
}

/// Where the checkout sends the patient back (`?session=`): booked once the payment is known
/// to have gone through, never before.
#[component]
pub fn PaidPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("session").unwrap_or_default(),
        fetch_paid,
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let paid = data.await?;
                    Ok::<_, AppError>(view! { <PaidStep paid/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn PaidStep(paid: PaidBooking) -> impl IntoView {
    let (title, lead) = match paid.state {
        PaidState::Confirmed => (
            "You're booked",
            format!("We've received {} and your booking is confirmed. Your confirmation, with the link to manage the booking, is on its way by email.", paid.amount),
        ),
        PaidState::Waiting => (
            "We're waiting for your payment",
            "The payment service hasn't confirmed your payment yet. This page shows your booking as soon as it does.".to_owned(),
        ),
        PaidState::PaidAfterRelease => (
            "Your payment arrived too late",
            format!("We had to release this time before {} arrived, so it isn't booked. We are refunding it in full, and we'll email you when the refund is on its way. You can book another time.", paid.amount),
        ),
        PaidState::NotPaid => (
            "This booking wasn't paid",
            "The time was released because the payment didn't go through in time. You can book again.".to_owned(),
        ),
    };
    let waiting = paid.state == PaidState::Waiting;
    view! {
        <Title text=format!("{title} — Book")/>
        <div class="mx-auto max-w-xl px-4 pb-16 pt-10">
            <h1 class="font-display text-4xl text-stone-900">{title}</h1>
            <p role="status" class="mt-4 text-stone-800">{lead}</p>
            <section class="mt-6 rounded-2xl border border-brand-200 bg-brand-50 p-5" aria-label="Your booking">
                <p class="font-display text-2xl text-stone-900">{paid.treatment_name}</p>
                <p class="mt-1 text-stone-800">{paid.when}</p>
            </section>
            {waiting.then(|| view! {
                // Reloads by itself, without JavaScript, until the payment is known.
                <Meta http_equiv="refresh" content="5"/>
                <p class="mt-6"><a href="" class=BUTTON_SECONDARY>"Check again"</a></p>
            })}
        </div>
    }
}
