//! The time picker: who, which day (days without a free time are greyed out), which time
//! (grouped into morning, afternoon and evening). Days and providers are links and each
//! time is its own small form, so it all works without JavaScript; with it, the router
//! swaps the page in place.

use super::api::{HoldSlot, RescheduleBooking};
use super::types::{Picker, SlotChoice};
use crate::domain::booking::DayPart;
use crate::error::AppError;
use leptos::prelude::*;

/// What choosing a time does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Starts a booking; `hold` is the link of the patient's current hold, if any, which
    /// then moves to the new time (keeping what they typed).
    Book { hold: String },
    /// Moves the booking with this manage link.
    Move { token: String },
}

impl Purpose {
    /// The page address that shows the picker with `params` (already encoded).
    fn href(&self, treatment: &str, params: &[(&str, &str)]) -> String {
        let mut href = match self {
            Purpose::Book { hold } if hold.is_empty() => format!("/book?treatment={treatment}"),
            Purpose::Book { hold } => format!("/book?treatment={treatment}&hold={hold}"),
            Purpose::Move { token } => format!("/booking/{token}/reschedule?"),
        };
        for (name, value) in params.iter().filter(|(_, v)| !v.is_empty()) {
            if !href.ends_with('?') {
                href.push('&');
            }
            href.push_str(&format!("{name}={value}"));
        }
        href
    }
}

const CHIP: &str = "inline-flex min-h-11 items-center rounded-full border px-4 py-2 text-sm font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand-700";
const TIME: &str = "w-full min-h-11 rounded-xl border border-brand-300 bg-white px-3 py-2 text-base font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand-700";

#[component]
pub fn PickerView(picker: Picker, purpose: Purpose) -> impl IntoView {
    let hold_action = ServerAction::<HoldSlot>::new();
    let move_action = ServerAction::<RescheduleBooking>::new();
    let taken = Signal::derive(move || {
        let latest = hold_action.value().get().or(move_action.value().get());
        match latest {
            Some(Err(error)) => Some(error),
            _ => None,
        }
    });
    let slug = picker.treatment_slug.clone();
    let provider = picker.provider.clone();
    let day = picker.day.clone().unwrap_or_default();
    let at = |purpose: &Purpose, params: &[(&str, &str)]| purpose.href(&slug, params);

    let provider_links = {
        let mut links = vec![("".to_owned(), "Any available".to_owned())];
        links.extend(
            picker
                .providers
                .iter()
                .map(|p| (p.id.clone(), p.name.clone())),
        );
        links
            .into_iter()
            .map(|(id, name)| {
                let current = id == provider;
                let href = at(&purpose, &[("provider", &id), ("day", &day)]);
                view! {
                    <li>
                        <a href=href aria-current=current.then_some("true")
                            class=format!("{CHIP} {}", if current { "border-brand-700 bg-brand-700 text-white" } else { "border-stone-300 bg-white text-stone-800 hover:border-brand-500" })>
                            {name}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };

    let day_cells = picker
        .days
        .iter()
        .map(|cell| {
            let chosen = Some(&cell.date) == picker.day.as_ref();
            let label = format!("{} {} {}", cell.weekday, cell.day_of_month, cell.month);
            if cell.free {
                let href = at(&purpose, &[("provider", &provider), ("day", &cell.date), ("from", &cell.date)]);
                view! {
                    <li>
                        <a href=href aria-label=label aria-current=chosen.then_some("date") data-free="true"
                            class=format!("flex min-h-11 flex-col items-center rounded-xl py-1 text-sm font-semibold {}", if chosen { "bg-brand-700 text-white" } else { "bg-brand-50 text-brand-800 hover:bg-brand-100" })>
                            // The space keeps what is seen ("Tue 8") inside the name heard.
                            <span class="text-xs font-normal">{cell.weekday.clone()}</span>" "
                            {cell.day_of_month}
                        </a>
                    </li>
                }
                .into_any()
            } else {
                view! {
                    <li aria-label=format!("{label}, no free times") data-free="false"
                        class="flex min-h-11 flex-col items-center rounded-xl py-1 text-sm text-stone-500">
                        <span class="text-xs">{cell.weekday.clone()}</span>" "
                        {cell.day_of_month}
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();

    let parts = [DayPart::Morning, DayPart::Afternoon, DayPart::Evening]
        .into_iter()
        .filter_map(|part| {
            let slots: Vec<SlotChoice> = picker.slots.iter().filter(|s| s.part == part).cloned().collect();
            (!slots.is_empty()).then(|| {
                let purpose = purpose.clone();
                let slug = slug.clone();
                let provider = provider.clone();
                view! {
                    <section class="mt-6" aria-labelledby=format!("part-{part:?}")>
                        <h3 id=format!("part-{part:?}") class="text-sm font-semibold uppercase tracking-wider text-stone-500">{part.label()}</h3>
                        <ul class="mt-3 grid grid-cols-3 gap-2 sm:grid-cols-5">
                            {slots.into_iter().map(|slot| view! {
                                <li><TimeButton choice=slot purpose=purpose.clone() treatment=slug.clone() provider=provider.clone() hold_action move_action/></li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })
        })
        .collect_view();

    let earlier = picker.earlier.clone().map(|from| {
        view! { <a href=at(&purpose, &[("provider", &provider), ("from", &from)]) class="font-semibold text-brand-700 underline">"← Earlier dates"</a> }
    });
    let later = picker.later.clone().map(|from| {
        view! { <a href=at(&purpose, &[("provider", &provider), ("from", &from)]) class="font-semibold text-brand-700 underline">"Later dates →"</a> }
    });
    let no_times = picker.slots.is_empty();
    let purpose_for_taken = purpose.clone();
    let slug_for_taken = slug.clone();
    // Only when booking: a booking being moved keeps its time until a new one is chosen.
    let waitlist = matches!(purpose, Purpose::Book { .. }).then(|| {
        let href = format!("/waitlist?treatment={slug}&provider={provider}");
        view! { <p class="mt-8 text-stone-700">"No time that suits you? "<a href=href class="font-semibold text-brand-700 underline">"Join the waitlist"</a></p> }
    });

    view! {
        <div>
            <p class="text-stone-600">{picker.treatment_facts.clone()}</p>
            <h2 class="mt-8 text-lg font-semibold text-stone-900" id="who">"Who would you like to see?"</h2>
            <ul class="mt-3 flex flex-wrap gap-2" aria-labelledby="who">{provider_links}</ul>

            <h2 class="mt-8 text-lg font-semibold text-stone-900" id="which-day">"Choose a day"</h2>
            <p class="text-sm text-stone-500">{format!("Times are shown in the clinic's time zone ({}).", picker.time_zone)}</p>
            <ol class="mt-3 grid grid-cols-7 gap-1 text-center" aria-labelledby="which-day">
                {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(|d| view! { <li aria-hidden="true" class="text-xs font-semibold text-stone-500">{d}</li> }).collect_view()}
                {day_cells}
            </ol>
            <p class="mt-3 flex justify-between text-sm">{earlier}<span></span>{later}</p>

            <div role="alert" aria-live="assertive">
                {move || taken.get().map(|error| view! { <TakenNotice error purpose=purpose_for_taken.clone() treatment=slug_for_taken.clone() hold_action move_action/> })}
            </div>

            <h2 class="mt-8 text-lg font-semibold text-stone-900">
                {if no_times { "No free times in these weeks".to_owned() } else { format!("Times on {}", picker.day_label) }}
            </h2>
            {no_times.then(|| view! { <p class="mt-2 text-stone-600">"Try another provider or later dates, or call the clinic and we'll help."</p> })}
            {parts}
            {waitlist}
        </div>
    }
}

/// One time: a button in its own form that holds it (or moves the booking to it).
#[component]
fn TimeButton(
    choice: SlotChoice,
    purpose: Purpose,
    treatment: String,
    provider: String,
    hold_action: ServerAction<HoldSlot>,
    move_action: ServerAction<RescheduleBooking>,
) -> impl IntoView {
    let slot = choice;
    let label = slot.label.clone();
    match purpose {
        Purpose::Book { hold } => view! {
            <ActionForm action=hold_action>
                <input type="hidden" name="treatment" value=treatment/>
                <input type="hidden" name="provider" value=provider/>
                <input type="hidden" name="start" value=slot.start/>
                <input type="hidden" name="hold" value=hold/>
                <button type="submit" class=TIME aria-label=label disabled=move || hold_action.pending().get()>{slot.time}</button>
            </ActionForm>
        }
        .into_any(),
        Purpose::Move { token } => view! {
            <ActionForm action=move_action>
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="provider" value=provider/>
                <input type="hidden" name="start" value=slot.start/>
                <button type="submit" class=TIME aria-label=label disabled=move || move_action.pending().get()>{slot.time}</button>
            </ActionForm>
        }
        .into_any(),
    }
}

/// "That time was just taken", with the nearest free times to choose instead.
#[component]
pub fn TakenNotice(
    error: AppError,
    purpose: Purpose,
    treatment: String,
    hold_action: ServerAction<HoldSlot>,
    move_action: ServerAction<RescheduleBooking>,
) -> impl IntoView {
    let alternatives = match &error {
        AppError::Taken(choices) => choices.clone(),
        _ => Vec::new(),
    };
    let lead = if alternatives.is_empty() || !matches!(error, AppError::Taken(_)) {
        None
    } else {
        Some("The nearest free times:")
    };
    view! {
        <div class="mt-6 rounded-2xl border border-amber-300 bg-amber-50 p-4 text-amber-950">
            <p class="font-semibold">{error.to_string()}</p>
            {lead.map(|lead| view! { <p class="mt-2">{lead}</p> })}
            <ul class="mt-2 space-y-2">
                {alternatives.into_iter().map(|slot| {
                    let purpose = purpose.clone();
                    let treatment = treatment.clone();
                    let label = slot.label.clone();
                    // Each alternative names its provider: "any" would pick the first free.
                    let provider = slot.provider_id.clone();
                    view! {
                        <li class="flex items-center gap-3">
                            <span>{label}</span>
                            <TimeButton choice=slot purpose treatment provider hold_action move_action/>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
