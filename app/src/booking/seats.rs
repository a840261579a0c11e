//! Group sessions (workshops, classes), booked by the seat: the list of a treatment's
//! sessions with the seats left, and the page to take a seat. Plain links and one form, so
//! it works the same without JavaScript.

use super::api::{fetch_seat, BookSeat};
use super::types::{SeatScreen, SessionChoice};
use crate::error::AppError;
use crate::ui::components::{Field, Loading, Refusal, SavedNotice, BUTTON_PRIMARY, FIELD};
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

fn seats_words(session: &SessionChoice) -> String {
    match session.seats_left {
        0 => "Full".to_owned(),
        1 => "1 place left".to_owned(),
        n => format!("{n} of {} places left", session.capacity),
    }
}

/// A group treatment's sessions, each with its places left and a way to book one.
#[component]
pub fn SessionList(sessions: Vec<SessionChoice>) -> impl IntoView {
    let empty = sessions.is_empty();
    view! {
        <section aria-labelledby="sessions-heading" class="mt-8">
            <h2 id="sessions-heading" class="font-display text-2xl text-stone-900">"Choose a session"</h2>
            <p class="mt-1 text-stone-600">"A small group led by one of our practitioners. Book a place for yourself."</p>
            {if empty {
                view! { <p class="mt-4 text-stone-700">"No sessions are open for booking just now. Please call the clinic to hear when the next one is."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-4 space-y-3">
                        {sessions.into_iter().map(|session| {
                            let full = session.seats_left == 0;
                            let seats = seats_words(&session);
                            let href = format!("/book/seat?session={}", session.id);
                            view! {
                                <li class="flex flex-wrap items-center justify-between gap-3 rounded-2xl border border-stone-200 bg-white p-4">
                                    <div>
                                        <p class="font-medium text-stone-900">{session.when.clone()}</p>
                                        <p class="text-sm text-stone-600">{session.with.clone()}</p>
                                        <p class="text-sm font-semibold" class:text-red-700=full class:text-brand-700=!full>{seats}</p>
                                    </div>
                                    {(!full).then(|| view! {
                                        <a href=href class=BUTTON_PRIMARY aria-label=format!("Book a place on {}", session.when)>"Book a place"</a>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn booked_notice(query: &ParamsMap, emailed: bool) -> Option<String> {
    query.get("done").filter(|d| d == "booked").map(|_| {
        if emailed {
            "Your place is booked. We've emailed you the details."
        } else {
            "Your place is booked. The clinic has your details."
        }
        .to_owned()
    })
}

/// `/book/seat?session=…`: the session, and the form to take a place at it.
#[component]
pub fn SeatPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("session").unwrap_or_default(),
                q.get("done").unwrap_or_default(),
            )
        },
        |(session, _)| fetch_seat(session),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let screen = data.await?;
                    Ok::<_, AppError>(view! { <Seat screen/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Seat(screen: SeatScreen) -> impl IntoView {
    let SeatScreen {
        treatment_slug,
        treatment_name,
        treatment_facts,
        session,
        details,
        emailed,
    } = screen;
    let action = ServerAction::<BookSeat>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    // The page loads afresh after booking (its data follows `done`), so reading it once is
    // enough here.
    let booked = use_query_map().read_untracked().get("done").is_some();
    let full = session.seats_left == 0;
    let seats = seats_words(&session);
    let others = format!("/book?treatment={treatment_slug}");
    view! {
        <Title text=format!("Book a place: {treatment_name}")/>
        <div class="mx-auto max-w-xl px-4 pb-16 pt-10">
            <p class="text-sm text-stone-500"><a href=others.clone() class="underline">"All sessions"</a></p>
            <h1 class="mt-2 font-display text-4xl text-stone-900">{format!("Book a place: {treatment_name}")}</h1>
            <SavedNotice say=move |query| booked_notice(query, emailed)/>
            <section class="mt-6 rounded-2xl border border-brand-200 bg-brand-50 p-5" aria-label="The session">
                <p class="text-stone-900">{session.when.clone()}</p>
                <p class="text-stone-700">{session.with.clone()}</p>
                <p class="text-sm text-stone-700">{treatment_facts}</p>
                <p class="mt-2 text-sm font-semibold text-brand-800">{seats}</p>
            </section>
            {if booked || full {
                view! {
                    <p class="mt-6"><a href=others class="font-semibold text-brand-700 underline">"See the other sessions"</a></p>
                }.into_any()
            } else { view! {
                <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                    <input type="hidden" name="session" value=session.id.clone()/>
                    <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                    <div class="grid gap-5 sm:grid-cols-2">
                        <Field name="first_name" label="First name" problems>
                            <input id="first_name" name="details[first_name]" value=details.first_name.clone() autocomplete="given-name" required class=FIELD aria-invalid=invalid("first_name") aria-describedby="first_name-error"/>
                        </Field>
                        <Field name="last_name" label="Last name" problems>
                            <input id="last_name" name="details[last_name]" value=details.last_name.clone() autocomplete="family-name" required class=FIELD aria-invalid=invalid("last_name") aria-describedby="last_name-error"/>
                        </Field>
                    </div>
                    <Field name="email" label="Email" hint="Your confirmation goes here.".to_owned() problems>
                        <input id="email" name="details[email]" type="email" value=details.email.clone() autocomplete="email" required class=FIELD aria-invalid=invalid("email") aria-describedby="email-hint email-error"/>
                    </Field>
                    <Field name="phone" label="Phone" hint="In case the clinic needs to reach you about the session.".to_owned() problems>
                        <input id="phone" name="details[phone]" type="tel" value=details.phone.clone() autocomplete="tel" required class=FIELD aria-invalid=invalid("phone") aria-describedby="phone-hint phone-error"/>
                    </Field>
                    <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                        "Book my place"
                    </button>
                </ActionForm>
            }.into_any() }}
        </div>
    }
    .into_any()
}
