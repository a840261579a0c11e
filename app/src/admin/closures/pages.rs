//! The closed days, a section of the locations screen (its own route would cost every
//! public page's bundle the router's share of it): what is closed from today on (with the
//! bookings still standing on those days), closing days by hand, and loading a year's
//! public holidays.

use super::api::{
    fetch_closures, AddClosure, CancelClosedDayBookings, LoadHolidays, RemoveClosure,
};
use super::types::{BookingOnClosedDay, ClosureRow, ClosuresScreen};
use crate::ui::components::{
    Field, Loading, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD,
};
use crate::ui::saves::{reload_after, Saves};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

#[component]
pub fn ClosedDays() -> impl IntoView {
    let saves = Saves::count();
    let data = Resource::new(move || saves.get(), |_| fetch_closures());
    view! {
        <section id="closed-days" aria-labelledby="closed-days-heading" class="mt-14">
            <h2 id="closed-days-heading" class="font-display text-3xl text-stone-900">"Closed days"</h2>
            <p class="mt-2 text-stone-600">"Public holidays and other days the clinic or a location is shut. Nothing is offered on them: not on the booking pages, by the assistant or through the API."</p>
            <SavedNotice say=notice/>
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(screen) => view! { <Closures screen/> }.into_any(),
                        Err(_) => view! {
                            <p role="alert" class="mt-4 font-semibold text-red-700">"The closed days could not be loaded. Reload the page to try again."</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn notice(query: &ParamsMap) -> Option<String> {
    let count = |key: &str| query.get(key).and_then(|n| n.parse::<u32>().ok());
    match query.get("closed").as_deref() {
        Some("added") => Some("Closed. Nothing is offered on those days any more.".to_owned()),
        Some("removed") => Some("Open again: those days are offered as usual.".to_owned()),
        Some("holidays") => Some(match count("added") {
            Some(0) => "Those holidays were already closed; nothing changed.".to_owned(),
            Some(1) => "1 public holiday closed.".to_owned(),
            Some(n) => format!("{n} public holidays closed."),
            None => "Public holidays closed.".to_owned(),
        }),
        Some("cancelled") => Some(match count("cancelled") {
            Some(1) => "1 booking cancelled; its patient has been told.".to_owned(),
            Some(n) => format!("{n} bookings cancelled; each patient has been told."),
            None => "Bookings cancelled; each patient has been told.".to_owned(),
        }),
        _ => None,
    }
}

#[component]
fn Closures(screen: ClosuresScreen) -> impl IntoView {
    let ClosuresScreen {
        closures,
        locations,
        calendars,
        this_year,
        today,
    } = screen;
    let remove = ServerAction::<RemoveClosure>::new();
    reload_after(move || matches!(remove.value().get(), Some(Ok(_))));
    let cancel = ServerAction::<CancelClosedDayBookings>::new();
    reload_after(move || matches!(cancel.value().get(), Some(Ok(_))));
    let remove_refusal = Refusal::new(move || remove.value().get());
    let cancel_refusal = Refusal::new(move || cancel.value().get());
    view! {
        <div>
            <p role="alert" aria-live="assertive" class="mt-4 text-sm font-semibold text-red-700">
                {move || remove_refusal.summary()().or_else(cancel_refusal.summary())}
            </p>
            <section aria-labelledby="closed-heading" class="mt-6">
                <h3 id="closed-heading" class="text-xl font-semibold text-stone-900">"From today on"</h3>
                {if closures.is_empty() {
                    view! { <p class="mt-2 text-stone-600">"No days are closed. Add the public holidays below, and any day the clinic shuts."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-4 space-y-3">
                            {closures.into_iter().map(|row| view! { <ClosureItem row remove cancel/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <AddClosureForm locations=locations.clone() today/>
            <LoadHolidaysForm locations calendars this_year/>
        </div>
    }
}

#[component]
fn ClosureItem(
    row: ClosureRow,
    remove: ServerAction<RemoveClosure>,
    cancel: ServerAction<CancelClosedDayBookings>,
) -> impl IntoView {
    let days = row.days;
    let place = row.location.unwrap_or_else(|| "All locations".to_owned());
    let (remove_id, cancel_id) = (row.id.to_string(), row.id.to_string());
    let remove_label = format!("Open again on {days}");
    let count = row.bookings.len();
    let cancel_label = match count {
        1 => "Cancel this booking and tell the patient".to_owned(),
        n => format!("Cancel all {n} and tell each patient"),
    };
    view! {
        <li class="rounded-2xl border border-stone-200 bg-white px-4 py-3">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <p class="font-medium text-stone-900">{days.clone()}</p>
                    <p class="text-sm text-stone-600">{format!("{place} · {}", row.reason)}</p>
                </div>
                <ActionForm action=remove>
                    <input type="hidden" name="id" value=remove_id/>
                    <button type="submit" class="rounded-full border border-stone-300 px-4 py-2 text-sm" aria-label=remove_label>"Open again"</button>
                </ActionForm>
            </div>
            {(count > 0).then(|| view! {
                <div class="mt-3 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3">
                    <p class="font-semibold text-amber-900">
                        {if count == 1 { "1 booking stands on these days".to_owned() } else { format!("{count} bookings stand on these days") }}
                    </p>
                    <ul class="mt-2 space-y-1 text-sm text-stone-800">
                        {row.bookings.into_iter().map(|booking| view! { <StandingBooking booking/> }).collect_view()}
                    </ul>
                    <ActionForm action=cancel attr:class="mt-3">
                        <input type="hidden" name="id" value=cancel_id/>
                        <button type="submit" class="rounded-full border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-800" disabled=move || cancel.pending().get()>{cancel_label}</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

#[component]
fn StandingBooking(booking: BookingOnClosedDay) -> impl IntoView {
    let who = if booking.patient.is_empty() {
        "Group session".to_owned()
    } else {
        booking.patient
    };
    view! {
        <li>
            <a href=format!("/admin/appointments/{}", booking.appointment_id) class="font-medium text-brand-800 underline underline-offset-2">
                {format!("{} · {}", booking.when, booking.treatment)}
            </a>
            {format!(" with {}, for {who}", booking.provider)}
        </li>
    }
}

/// "All locations" first, then each one.
fn location_options(locations: &[(uuid::Uuid, String)]) -> impl IntoView {
    view! {
        <option value="">"All locations"</option>
        {locations.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
    }
}

#[component]
fn AddClosureForm(locations: Vec<(uuid::Uuid, String)>, today: String) -> impl IntoView {
    let action = ServerAction::<AddClosure>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let (first_min, last_min) = (today.clone(), today);
    view! {
        <section aria-labelledby="add-heading" class="mt-10 rounded-2xl border border-stone-200 bg-white p-6">
            <h3 id="add-heading" class="text-xl font-semibold text-stone-900">"Close a day or several"</h3>
            <ActionForm action attr:class="mt-4 grid gap-4 sm:grid-cols-2" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700 sm:col-span-2">{refusal.summary()}</p>
                <Field name="first_day" label="First day" problems>
                    <input id="first_day" name="form[first_day]" type="date" min=first_min required class=FIELD aria-invalid=invalid("first_day") aria-describedby="first_day-error"/>
                </Field>
                <Field name="last_day" label="Last day" hint={"Leave empty to close one day.".to_owned()} problems>
                    <input id="last_day" name="form[last_day]" type="date" min=last_min class=FIELD aria-invalid=invalid("last_day") aria-describedby="last_day-hint last_day-error"/>
                </Field>
                <Field name="location_id" label="Where" problems>
                    <select id="location_id" name="form[location_id]" class=FIELD aria-invalid=invalid("location_id") aria-describedby="location_id-error">
                        {location_options(&locations)}
                    </select>
                </Field>
                <Field name="reason" label="Why" hint={"For staff, such as “Staff training”. Patients do not see it.".to_owned()} problems>
                    <input id="reason" name="form[reason]" required maxlength="200" class=FIELD aria-invalid=invalid("reason") aria-describedby="reason-hint reason-error"/>
                </Field>
                <div class="sm:col-span-2">
                    <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Close these days"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn LoadHolidaysForm(
    locations: Vec<(uuid::Uuid, String)>,
    calendars: Vec<(String, String)>,
    this_year: i32,
) -> impl IntoView {
    let action = ServerAction::<LoadHolidays>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <section aria-labelledby="holidays-heading" class="mt-8 rounded-2xl border border-stone-200 bg-white p-6">
            <h3 id="holidays-heading" class="text-xl font-semibold text-stone-900">"Public holidays"</h3>
            <p class="mt-1 text-stone-600">"Close every public holiday of a year in one go (a weekend holiday's day off in lieu too). Open again any day the clinic works, and add regional holidays above."</p>
            <ActionForm action attr:class="mt-4 grid gap-4 sm:grid-cols-3" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700 sm:col-span-3">{refusal.summary()}</p>
                <Field name="calendar" label="Whose holidays" problems>
                    <select id="calendar" name="calendar" class=FIELD aria-invalid=invalid("calendar") aria-describedby="calendar-error">
                        {calendars.into_iter().map(|(key, label)| view! { <option value=key>{label}</option> }).collect_view()}
                    </select>
                </Field>
                <Field name="year" label="Year" problems>
                    <select id="year" name="year" class=FIELD aria-invalid=invalid("year") aria-describedby="year-error">
                        {(this_year..=this_year + 2).map(|year| view! { <option value=year.to_string()>{year.to_string()}</option> }).collect_view()}
                    </select>
                </Field>
                <Field name="holiday_location" label="Where" problems>
                    <select id="holiday_location" name="location_id" class=FIELD aria-invalid=invalid("holiday_location") aria-describedby="holiday_location-error">
                        {location_options(&locations)}
                    </select>
                </Field>
                <div class="sm:col-span-3">
                    <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Close these holidays"</button>
                </div>
            </ActionForm>
        </section>
    }
}
