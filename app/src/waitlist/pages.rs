//! The waitlist's pages. All are plain forms, so they work before and without JavaScript.

use super::api::{fetch_join, fetch_offer, JoinWaitlist, LeaveWaitlist, TakeOffer};
use super::types::{JoinScreen, OfferScreen, OfferState};
use crate::account::emailed_link::{link_token, EmailedLinkPage};
use crate::domain::hours::WEEK_DAYS;
use crate::error::AppError;
use crate::ui::components::{
    Field, Loading, Refusal, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD, LABEL,
};
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn JoinPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("treatment").unwrap_or_default(),
                q.get("provider").unwrap_or_default(),
            )
        },
        |(treatment, provider)| fetch_join(treatment, provider),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let screen = data.await?;
                    Ok::<_, AppError>(view! { <Join screen/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Join(screen: JoinScreen) -> impl IntoView {
    let JoinScreen {
        treatment,
        slug,
        providers,
        provider,
        details,
        horizon,
    } = screen;
    let action = ServerAction::<JoinWaitlist>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let (first, last, email, phone) = details.unwrap_or_default();
    let title = format!("Join the waitlist: {treatment}");
    view! {
        <Title text=title.clone()/>
        <section class="mx-auto max-w-xl px-4 pb-16 pt-10">
            <p class="text-sm text-stone-500"><a href=format!("/book?treatment={slug}") class="underline">"Back to the free times"</a></p>
            <h1 class="mt-2 font-display text-4xl text-stone-900">{title}</h1>
            <p class="mt-3 text-stone-600">
                "Tell us when you can come. When such a time comes free, we'll email you and hold it for a short while; we may offer it to a few patients at once, and the first to take it gets it."
            </p>
            <ActionForm action attr:class="mt-8 space-y-6" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <input type="hidden" name="form[treatment]" value=slug/>
                <Field name="provider" label="With" problems>
                    <select id="provider" name="form[provider]" class=FIELD>
                        <option value="" selected=provider.is_empty()>"Anyone who performs it"</option>
                        {providers.into_iter().map(|p| {
                            let selected = p.id == provider;
                            view! { <option value=p.id selected=selected>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <fieldset aria-describedby="monday-error">
                    <legend class=LABEL>"Days you can come"</legend>
                    <div class="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
                        {WEEK_DAYS.map(|(field, label)| view! {
                            <label class="flex min-h-11 items-center gap-3 text-stone-800">
                                <input id=field type="checkbox" name=format!("form[{field}]") class="h-5 w-5 rounded border-stone-300 text-brand-700"/>
                                {label}
                            </label>
                        })}
                    </div>
                    <p id="monday-error" class="mt-1 text-sm font-medium text-red-700">
                        {move || crate::domain::form::problem_for(&problems.read(), "monday").map(str::to_owned)}
                    </p>
                </fieldset>
                <div class="grid gap-5 sm:grid-cols-2">
                    <Field name="earliest" label="Starting from" problems>
                        <input id="earliest" name="form[earliest]" type="time" value="09:00" required class=FIELD aria-invalid=invalid("earliest") aria-describedby="earliest-error"/>
                    </Field>
                    <Field name="latest" label="Finished by" problems>
                        <input id="latest" name="form[latest]" type="time" value="17:00" required class=FIELD aria-invalid=invalid("latest") aria-describedby="latest-error"/>
                    </Field>
                </div>
                <Field name="last_day" label="Until (optional)" hint=format!("Leave it empty to wait as far ahead as we book, {horizon}.") problems>
                    <input id="last_day" name="form[last_day]" type="date" max=horizon.clone() class=FIELD aria-invalid=invalid("last_day") aria-describedby="last_day-hint last_day-error"/>
                </Field>
                <div class="grid gap-5 sm:grid-cols-2">
                    <Field name="first_name" label="First name" problems>
                        <input id="first_name" name="form[first_name]" value=first autocomplete="given-name" required class=FIELD aria-invalid=invalid("first_name") aria-describedby="first_name-error"/>
                    </Field>
                    <Field name="last_name" label="Last name" problems>
                        <input id="last_name" name="form[last_name]" value=last autocomplete="family-name" required class=FIELD aria-invalid=invalid("last_name") aria-describedby="last_name-error"/>
                    </Field>
                </div>
                <Field name="email" label="Email" problems>
                    <input id="email" name="form[email]" type="email" value=email autocomplete="email" required class=FIELD aria-invalid=invalid("email") aria-describedby="email-error"/>
                </Field>
                <Field name="phone" label="Phone (optional)" problems>
                    <input id="phone" name="form[phone]" type="tel" value=phone autocomplete="tel" class=FIELD aria-invalid=invalid("phone") aria-describedby="phone-error"/>
                </Field>
                <label for="by_sms" class="flex min-h-11 items-center gap-3 text-stone-800">
                    <input id="by_sms" type="checkbox" name="form[by_sms]" class="h-5 w-5 rounded border-stone-300 text-brand-700"/>
                    "Text me too when a time comes free"
                </label>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Join the waitlist"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn JoinedPage() -> impl IntoView {
    view! {
        <Title text="You're on the waitlist"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16" role="status">
            <h1 class="font-display text-4xl text-stone-900">"You're on the waitlist"</h1>
            <p class="mt-4 text-lg text-stone-600">
                "We've emailed you what you're waiting for, with a link to leave the waitlist. When a time that suits you comes free, we'll email you at once."
            </p>
            <p class="mt-6"><a href="/treatments" class="font-semibold text-brand-700 underline">"See our treatments"</a></p>
        </section>
    }
}

/// Opened from an offer's email.
#[component]
pub fn OfferPage() -> impl IntoView {
    let token = link_token();
    let data = Resource::new(move || token.clone(), fetch_offer);
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let screen = data.await?;
                    Ok::<_, AppError>(view! { <Offer screen/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Offer(screen: OfferScreen) -> impl IntoView {
    let OfferScreen {
        treatment,
        provider,
        location,
        when,
        state,
    } = screen;
    let take = ServerAction::<TakeOffer>::new();
    let leave = ServerAction::<LeaveWaitlist>::new();
    let refusal = Refusal::new(move || take.value().get());
    let (lead, may_take) = match state {
        OfferState::Open { held_until } => (
            format!("It's held until {held_until}. The first patient to take it gets it."),
            true,
        ),
        OfferState::Taken => (
            "You took this time. Carry on to give your details and confirm it.".to_owned(),
            true,
        ),
        OfferState::Gone => (
            "Sorry, another patient on the waitlist took this time first. You're still on the waitlist: we'll email you when another time comes free.".to_owned(),
            false,
        ),
        OfferState::Lapsed => (
            "This offer is no longer open. If you're still on the waitlist, we'll email you when another time comes free.".to_owned(),
            false,
        ),
    };
    view! {
        <EmailedLinkPage title="A time from the waitlist">
            <section class="mt-6 rounded-2xl border border-brand-200 bg-brand-50 p-5" aria-label="The time">
                <p class="font-semibold text-stone-900">{treatment}</p>
                <p class="text-stone-900">{when}</p>
                <p class="text-stone-700">{format!("With {provider}, at {location}")}</p>
            </section>
            <p class="mt-4 text-stone-700" role="status">{lead}</p>
            <p role="alert" aria-live="assertive" class="mt-2 text-sm font-semibold text-red-700">{refusal.summary()}</p>
            {may_take.then(|| view! {
                <ActionForm action=take attr:class="mt-6">
                    <input type="hidden" name="token" value=link_token()/>
                    <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || take.pending().get()>
                        "Take this time"
                    </button>
                </ActionForm>
            })}
            <ActionForm action=leave attr:class="mt-4">
                <input type="hidden" name="token" value=link_token()/>
                <button type="submit" class=format!("{BUTTON_SECONDARY} w-full") disabled=move || leave.pending().get()>
                    "Leave the waitlist"
                </button>
            </ActionForm>
        </EmailedLinkPage>
    }
}

/// Opened from the link in the email that says the patient joined.
#[component]
pub fn LeavePage() -> impl IntoView {
    let leave = ServerAction::<LeaveWaitlist>::new();
    view! {
        <EmailedLinkPage title="Leave the waitlist" lead="We'll stop offering you times. You can join again whenever you like.">
            <ActionForm action=leave attr:class="mt-8">
                <input type="hidden" name="token" value=link_token()/>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || leave.pending().get()>
                    "Leave the waitlist"
                </button>
            </ActionForm>
        </EmailedLinkPage>
    }
}

#[component]
pub fn LeftPage() -> impl IntoView {
    view! {
        <Title text="You've left the waitlist"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16" role="status">
            <h1 class="font-display text-4xl text-stone-900">"You've left the waitlist"</h1>
            <p class="mt-4 text-lg text-stone-600">"We won't offer you any more times. To book, choose a free time whenever you like."</p>
            <p class="mt-6"><a href="/book" class="font-semibold text-brand-700 underline">"Book a time"</a></p>
        </section>
    }
}
