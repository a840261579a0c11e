//! The calendar screens. Everything is a link or a form, so they work before hydration and
//! without JavaScript; with it, forms save in place and the screen reloads its data.

use super::api::{
    fetch_appointment, fetch_calendar, fetch_new_appointment, CancelAppointment, ChargeFee,
    CreateAppointment, MoveAppointment, RecordOutcome, RefundPayment, ScheduleSession, TakePayment,
};
use super::types::{
    AppointmentDetail, BalanceLine, CalendarBlock, CalendarData, Choice, HistoryLine,
    NewAppointment, PaymentLine, TreatmentChoice,
};
use crate::admin::frame::StaffScreen;
use crate::domain::calendar::SessionForm;
use crate::domain::calendar::{lane_columns, rows, Lane, BOOKED_ELSEWHERE};
use crate::domain::payments::DeskMethod;
use crate::domain::refunds::CancelledBy;
use crate::domain::url::percent_encode;
use crate::ui::components::{
    Checkbox, Field, Refusal, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD, LABEL,
};
use crate::ui::live::changes;
use crate::ui::saves::{reload_after, Saves};
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let changes = changes(&["appointment"]);
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("day").unwrap_or_default(),
                q.get("span").unwrap_or_default(),
                q.get("by").unwrap_or_default(),
                q.get("chosen").unwrap_or_default(),
                changes.get(),
            )
        },
        |(day, span, by, chosen, _)| fetch_calendar(day, span, by, chosen),
    );
    view! {
        <StaffScreen data here="/admin/calendar".to_owned() view=|data| view! { <Calendar data/> }/>
    }
}

fn block_colours(status: &str) -> &'static str {
    match status {
        "held" => "border-dashed border-stone-400 bg-stone-50 text-stone-700",
        "pending_payment" => "border-amber-500 bg-amber-50 text-amber-950",
        "completed" => "border-emerald-600 bg-emerald-50 text-emerald-950",
        "no_show" => "border-red-600 bg-red-50 text-red-950",
        BOOKED_ELSEWHERE => "border-dotted border-stone-500 bg-stone-100 text-stone-700",
        _ => "border-brand-600 bg-brand-50 text-brand-950",
    }
}

#[component]
fn Calendar(data: CalendarData) -> impl IntoView {
    let CalendarData {
        title,
        time_zone,
        span,
        by,
        day,
        previous,
        next,
        today,
        axis_start,
        axis_end,
        columns,
        choices,
        chosen,
    } = data;
    let hours: Vec<u32> = (axis_start / 60..axis_end / 60).collect();
    let week = span == "week";
    let by_room = by == "room";
    let empty = columns.is_empty();
    let new_href = format!("/admin/calendar/new?day={day}");
    view! {
        <Title text=format!("Calendar: {title} — Staff area")/>
        <div class="mx-auto max-w-7xl px-4 py-10">
            <div class="flex flex-wrap items-end justify-between gap-4">
                <div>
                    <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
                    <h1 class="mt-1 font-display text-4xl text-stone-900">{title.clone()}</h1>
                    <p class="mt-2 text-stone-600">{format!("Times in the clinic's time zone ({time_zone}).")}</p>
                </div>
                <a href=new_href class=BUTTON_PRIMARY>"New appointment"</a>
            </div>
            <nav aria-label="Dates" class="mt-6 flex flex-wrap items-center gap-2">
                <a href=previous class=BUTTON_SECONDARY>{if week { "← Previous week" } else { "← Previous day" }}</a>
                <a href=today class=BUTTON_SECONDARY>"Today"</a>
                <a href=next class=BUTTON_SECONDARY>{if week { "Next week →" } else { "Next day →" }}</a>
            </nav>
            // A GET form: the view lives in the address, so it can be shared and reloaded.
            <form method="get" action="/admin/calendar" class="mt-4 flex flex-wrap items-end gap-4 rounded-2xl border border-stone-200 bg-white p-4">
                <div>
                    <label for="day" class=LABEL>"Day"</label>
                    <input id="day" name="day" type="date" value=day.clone() class=FIELD/>
                </div>
                <div>
                    <label for="span" class=LABEL>"Show"</label>
                    <select id="span" name="span" class=FIELD>
                        <option value="day" selected=!week>"One day"</option>
                        <option value="week" selected=week>"A week"</option>
                    </select>
                </div>
                <div>
                    <label for="by" class=LABEL>"By"</label>
                    <select id="by" name="by" class=FIELD>
                        <option value="provider" selected=!by_room>"Provider"</option>
                        <option value="room" selected=by_room>"Room or device"</option>
                    </select>
                </div>
                <div>
                    <label for="chosen" class=LABEL>{if by_room { "Week of room" } else { "Week of provider" }}</label>
                    <select id="chosen" name="chosen" class=FIELD>
                        {options(choices, &chosen)}
                    </select>
                </div>
                <button type="submit" class=BUTTON_SECONDARY>"Show"</button>
            </form>
            <Legend/>
            {if empty {
                view! {
                    <p class="mt-8 text-stone-600">
                        {if by_room { "No rooms or devices yet: add them to a location." } else { "No active providers yet." }}
                    </p>
                }.into_any()
            } else {
                view! {
                    <div class="mt-6 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                        <div class="flex min-w-max">
                            <div class="w-14 flex-none" aria-hidden="true">
                                <div class="h-10 border-b border-stone-200"></div>
                                <div class="grid auto-rows-[6px]">
                                    {hours.iter().enumerate().map(|(i, h)| view! {
                                        <span class=format!("{} row-span-12 pr-2 text-right text-xs tabular-nums text-stone-500", row_start(i))>
                                            {format!("{h:02}:00")}
                                        </span>
                                    }).collect_view()}
                                </div>
                            </div>
                            {columns.into_iter().map(|c| view! {
                                <section aria-label=c.heading.clone() class="min-w-36 flex-1 border-l border-stone-200">
                                    <h2 class="h-10 truncate border-b border-stone-200 px-3 py-2 text-sm font-semibold text-stone-800">{c.heading.clone()}</h2>
                                    <div class="grid auto-rows-[6px] grid-cols-12">
                                        {hours.iter().enumerate().map(|(i, _)| view! {
                                            <div class=format!("{} col-span-12 col-start-1 row-span-12 border-t border-stone-100", row_start(i)) aria-hidden="true"></div>
                                        }).collect_view()}
                                        {c.blocks.into_iter().map(|block| view! { <Block block/> }).collect_view()}
                                    </div>
                                </section>
                            }).collect_view()}
                        </div>
                    </div>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}

/// A select's options, with `selected` (an id) chosen.
fn options(choices: Vec<Choice>, selected: &str) -> impl IntoView {
    choices
        .into_iter()
        .map(|c| {
            let chosen = c.id == selected;
            view! { <option value=c.id selected=chosen>{c.name}</option> }
        })
        .collect_view()
}

/// The grid row where hour `i` of the axis begins (12 five-minute rows to the hour).
fn row_start(i: usize) -> String {
    format!("row-start-{}", i * 12 + 1)
}

#[component]
fn Block(block: CalendarBlock) -> impl IntoView {
    let (row, row_span) = rows(block.top, block.height);
    let (column, column_span) = lane_columns(Lane {
        lane: block.lane,
        lanes: block.lanes,
    });
    view! {
        <a
            // A time booked in the practice system has no booking of Lumen's to open.
            href=(block.status != BOOKED_ELSEWHERE).then(|| format!("/admin/appointments/{}", block.id))
            data-status=block.status.clone()
            class=format!(
                "row-start-{row} row-span-{row_span} col-start-{column} col-span-{column_span} z-10 m-px overflow-hidden rounded-md border-l-4 px-2 py-1 text-xs leading-tight shadow-sm hover:z-20 hover:shadow-md focus-visible:z-20 {}",
                block_colours(&block.status)
            )
        >
            // What is shown is what a screen reader says (WCAG 2.5.3), line by line:
            // "10:00–10:45 Ana Ruiz Mole and skin check Confirmed".
            <span class="block font-semibold tabular-nums">{block.time}</span>
            <span class="block font-medium">{block.patient}</span>
            <span class="block">{block.treatment}</span>
            {(!block.aside.is_empty()).then(|| view! { <span class="block opacity-80">{block.aside}</span> })}
            <span class="block font-semibold">
                {block.status_label}
                {block.arrived.then_some(" · Arrived")}
                {block.double_booked.then_some(" · Double-booked")}
                {block.video_waiting.then_some(" · Waiting in the video room")}
            </span>
        </a>
    }
}

#[component]
fn Legend() -> impl IntoView {
    let items = [
        ("confirmed", "Confirmed"),
        ("pending_payment", "Awaiting deposit"),
        ("held", "Being booked online"),
        ("completed", "Completed"),
        ("no_show", "Missed"),
    ];
    view! {
        <ul class="mt-4 flex flex-wrap gap-3 text-xs" aria-label="Colours">
            {items.map(|(status, label)| view! {
                <li class=format!("rounded border-l-4 px-2 py-1 {}", block_colours(status))>{label}</li>
            })}
        </ul>
    }
}

#[component]
pub fn AppointmentPage() -> impl IntoView {
    let params = use_params_map();
    let saves = Saves::count();
    let changes = changes(&["appointment"]);
    let data = Resource::new(
        move || {
            let id = params.read().get("id").unwrap_or_default();
            (id, saves.get(), changes.get())
        },
        |(id, _, _)| fetch_appointment(id),
    );
    let here = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <StaffScreen data here=format!("/admin/appointments/{here}") view=|detail| view! { <Appointment detail/> }/>
    }
}

fn saved_notice(query: &ParamsMap) -> Option<String> {
    let words = match query.get("saved")?.as_str() {
        "booked" => "Booked. The patient has been emailed a confirmation with their link.",
        "scheduled" => "Session scheduled. Patients can book places online now.",
        "moved" => "Moved. The patient has been emailed the new time.",
        "cancelled" => "Cancelled. The time is free again.",
        "arrived" => "Marked as arrived.",
        "completed" => "Marked as completed.",
        "no_show" => "Marked as a no-show.",
        "refunded" => "Refund made. The patient is emailed once the payment service takes it.",
        "paid_at_desk" => "Payment recorded. The patient has been emailed a receipt.",
        "fee_charged" => "Fee charged to the kept card. The patient has been emailed a receipt.",
        "fee_waiting" => "The payment service has not answered yet. The fee shows as waiting; charging it again is safe and can never take it twice.",
        _ => return None,
    };
    Some(words.to_owned())
}

#[component]
fn Appointment(detail: AppointmentDetail) -> impl IntoView {
    let AppointmentDetail {
        id,
        patient_id,
        patient_name,
        patient_email,
        patient_phone,
        treatment,
        provider_id,
        provider,
        location,
        room,
        when,
        date,
        time,
        mode,
        status,
        status_label,
        arrived_at,
        patient_confirmed,
        double_booked,
        video_waiting,
        notes,
        outcomes,
        can_change,
        allow_double_booking,
        providers,
        history,
        seats,
        seat_holders,
        payments,
        may_refund,
        fee,
        balance,
        may_take_payment,
    } = detail;
    let visit_href =
        (mode == crate::domain::booking::Mode::Video.label()).then(|| format!("/visits/{id}"));
    let outcome = ServerAction::<RecordOutcome>::new();
    reload_after(move || matches!(outcome.value().get(), Some(Ok(_))));
    let outcome_refusal = Refusal::new(move || outcome.value().get());
    let group = seats.is_some();
    let patient_href = (!patient_id.is_empty()).then(|| format!("/admin/patients/{patient_id}"));
    let where_ = if room.is_empty() {
        location
    } else {
        format!("{location}, {room}")
    };
    let calendar_href = format!("/admin/calendar?day={date}");
    view! {
        <Title text=format!("{patient_name}, {when} — Staff area")/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href=calendar_href class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← Calendar"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">{patient_name.clone()}</h1>
            <p class="mt-2 text-lg text-stone-700">{when}</p>
            <p class=format!("mt-3 inline-block rounded border-l-4 px-3 py-1 text-sm font-semibold {}", block_colours(&status)) data-testid="status">
                {status_label}
                {arrived_at.map(|at| format!(" · Arrived {at}"))}
                {double_booked.then_some(" · Double-booked")}
            </p>
            {patient_confirmed.map(|at| view! {
                <p class="mt-2 text-sm text-stone-700" data-testid="patient-confirmed">{format!("The patient confirmed they are coming ({at}).")}</p>
            })}
            <SavedNotice say=saved_notice/>
            <dl class="mt-6 grid gap-x-6 gap-y-3 rounded-2xl border border-stone-200 bg-white p-5 sm:grid-cols-[10rem_1fr]">
                <dt class="font-medium text-stone-600">"Patient"</dt>
                <dd>
                    {match patient_href {
                        Some(href) => view! { <a href=href class="font-medium text-brand-700 underline">{patient_name}</a> }.into_any(),
                        None => view! { <span>{patient_name}</span> }.into_any(),
                    }}
                    {(!patient_email.is_empty()).then(|| view! { <span class="block text-sm text-stone-600">{patient_email}</span> })}
                    {(!patient_phone.is_empty()).then(|| view! { <span class="block text-sm text-stone-600">{patient_phone}</span> })}
                </dd>
                <dt class="font-medium text-stone-600">"Treatment"</dt>
                <dd>{treatment}</dd>
                <dt class="font-medium text-stone-600">"With"</dt>
                <dd>{provider}</dd>
                <dt class="font-medium text-stone-600">"Where"</dt>
                <dd>{where_}</dd>
                <dt class="font-medium text-stone-600">"How"</dt>
                <dd>
                    {mode}
                    {visit_href.map(|href| view! {
                        " · "<a href=href class="font-semibold text-brand-700 underline">"Open the video visit"</a>
                        {video_waiting.then(|| view! {
                            <span class="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-sm font-semibold text-amber-900">"The patient is waiting"</span>
                        })}
                    })}
                </dd>
                <dt class="font-medium text-stone-600">"Patient's notes"</dt>
                <dd class="whitespace-pre-line">{if notes.is_empty() { "None".to_owned() } else { notes }}</dd>
            </dl>
            {seats.map(|seats| view! {
                <section aria-labelledby="seats-heading" class="mt-8">
                    <h2 id="seats-heading" class="font-display text-2xl text-stone-900">"Places"</h2>
                    <p class="mt-1 text-stone-700">{seats}</p>
                    <ul class="mt-3 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white">
                        {seat_holders.into_iter().map(|p| view! {
                            <li class="px-4 py-3"><a href=format!("/admin/patients/{}", p.id) class="text-brand-700 underline">{p.name}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {balance.map(|balance| view! { <BalancePanel id=id.clone() balance may_take_payment/> })}
            {(!payments.is_empty()).then(|| view! { <Payments id=id.clone() payments may_refund/> })}
            {fee.map(|fee| view! { <FeeForm id=id.clone() fee/> })}
            {(!outcomes.is_empty()).then(|| view! {
                <section aria-labelledby="outcome-heading" class="mt-8">
                    <h2 id="outcome-heading" class="font-display text-2xl text-stone-900">"How it went"</h2>
                    <p role="alert" aria-live="assertive" class="mt-2 text-sm font-semibold text-red-700">{outcome_refusal.summary()}</p>
                    <div class="mt-3 flex flex-wrap gap-3">
                        {outcomes.into_iter().map(|o| {
                            let label = match o.as_str() {
                                "arrived" => "Mark arrived",
                                "completed" => "Mark completed",
                                _ => "Mark no-show",
                            };
                            let id = id.clone();
                            view! {
                                <ActionForm action=outcome>
                                    <input type="hidden" name="id" value=id/>
                                    <input type="hidden" name="outcome" value=o/>
                                    <button type="submit" class=BUTTON_SECONDARY disabled=move || outcome.pending().get()>{label}</button>
                                </ActionForm>
                            }
                        }).collect_view()}
                    </div>
                </section>
            })}
            {can_change.then(|| view! {
                <MoveSection id=id.clone() provider_id providers date time allow_double_booking/>
                <CancelSection id=id.clone() group/>
            })}
            <p class="mt-6 text-sm"><a href=format!("/admin/mailbox?appointment={id}") class="font-medium text-brand-700 underline">"Messages about this appointment"</a></p>
            <History history/>
        </div>
    }
    .into_any()
}

#[component]
fn MoveSection(
    id: String,
    provider_id: String,
    providers: Vec<Choice>,
    date: String,
    time: String,
    allow_double_booking: bool,
) -> impl IntoView {
    let action = ServerAction::<MoveAppointment>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <section aria-labelledby="move-heading" class="mt-10">
            <h2 id="move-heading" class="font-display text-2xl text-stone-900">"Move"</h2>
            <p class="mt-1 text-stone-600">"The same checks as online booking apply: their hours, other bookings, the room."</p>
            <ActionForm action attr:class="mt-4 space-y-4" attr:novalidate="">
                <input type="hidden" name="id" value=id/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="provider" label="With" id="move-provider" problems>
                    <select id="move-provider" name="form[provider]" class=FIELD aria-invalid=invalid("provider") aria-describedby="move-provider-error">
                        {options(providers, &provider_id)}
                    </select>
                </Field>
                <div class="grid gap-4 sm:grid-cols-2">
                    <Field name="date" label="Day" id="move-date" problems>
                        <input id="move-date" name="form[date]" type="date" value=date class=FIELD aria-invalid=invalid("date") aria-describedby="move-date-error"/>
                    </Field>
                    <Field name="time" label="Time" id="move-time" problems>
                        <input id="move-time" name="form[time]" type="time" step="300" value=time class=FIELD aria-invalid=invalid("time") aria-describedby="move-time-error"/>
                    </Field>
                </div>
                {allow_double_booking.then(|| view! {
                    <Checkbox id="move-double-book" name="form[double_book]" label="Double-book: keep it there even if the time is taken (recorded in the audit log)" checked=false/>
                })}
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Move appointment"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CancelSection(id: String, group: bool) -> impl IntoView {
    let action = ServerAction::<CancelAppointment>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let whose = [
        (
            CancelledBy::Patient,
            "The patient asked to cancel",
            "Inside the late-cancel window the clinic keeps what they paid; before it, the payment policy decides.",
        ),
        (
            CancelledBy::Clinic,
            "The clinic is cancelling",
            "Anything the patient paid goes back to them in full.",
        ),
    ];
    view! {
        <section aria-labelledby="cancel-heading" class="mt-10">
            <h2 id="cancel-heading" class="font-display text-2xl text-stone-900">"Cancel"</h2>
            <ActionForm action attr:class="mt-4 space-y-4">
                <input type="hidden" name="id" value=id/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                {(!group).then(|| view! {
                    <fieldset aria-describedby="cancel-by-error">
                        <legend class=LABEL>"Whose cancellation is it?"</legend>
                        <div class="mt-2 space-y-3">
                            {whose.map(|(by, label, hint)| view! {
                                <label class="flex items-start gap-3 text-stone-800">
                                    <input type="radio" name="form[by]" value=by.code() class="mt-1 h-5 w-5 text-brand-700"/>
                                    <span>{label}<span class="block text-sm text-stone-500">{hint}</span></span>
                                </label>
                            }).collect_view()}
                        </div>
                        <p id="cancel-by-error" class="mt-1 text-sm font-medium text-red-700">
                            {move || crate::domain::form::problem_for(&problems.read(), "by").map(str::to_owned)}
                        </p>
                    </fieldset>
                })}
                <Checkbox id="tell-patient" name="form[tell_patient]" label="Email the patient that it is cancelled" checked=true/>
                <button type="submit" class="inline-flex items-center justify-center rounded-full border border-red-700 px-6 py-3 text-base font-semibold text-red-800 hover:bg-red-50" disabled=move || action.pending().get()>
                    "Cancel appointment"
                </button>
            </ActionForm>
        </section>
    }
}

/// Where the appointment's money stands (price, paid, refunded, left to pay), and for
/// those who may, recording money taken at the desk.
#[component]
fn BalancePanel(id: String, balance: BalanceLine, may_take_payment: bool) -> impl IntoView {
    let BalanceLine {
        price,
        paid,
        refunded,
        left_to_pay,
        left_to_pay_typed,
    } = balance;
    view! {
        <section aria-labelledby="balance-heading" class="mt-8">
            <h2 id="balance-heading" class="font-display text-2xl text-stone-900">"Balance"</h2>
            <dl class="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="balance">
                {[("Price", price), ("Paid", paid), ("Refunded", refunded), ("Left to pay", left_to_pay)].map(|(term, amount)| view! {
                    <div class="rounded-2xl border border-stone-200 bg-white p-4">
                        <dt class="text-sm text-stone-600">{term}</dt>
                        <dd class="mt-1 text-lg font-semibold tabular-nums text-stone-900">{amount}</dd>
                    </div>
                })}
            </dl>
            {may_take_payment.then(|| view! { <DeskPaymentForm id left_to_pay_typed/> })}
        </section>
    }
}

#[component]
fn DeskPaymentForm(id: String, left_to_pay_typed: Option<String>) -> impl IntoView {
    let action = ServerAction::<TakePayment>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <ActionForm action attr:class="mt-4 space-y-4 rounded-2xl border border-stone-200 bg-stone-50 p-4" attr:novalidate="">
            <h3 class="font-semibold text-stone-900">"Record a payment taken at the desk"</h3>
            <input type="hidden" name="id" value=id/>
            <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
            <Field name="amount" label="Amount taken" id="desk-amount" problems>
                <input id="desk-amount" name="form[amount]" inputmode="decimal" value=left_to_pay_typed class=FIELD aria-invalid=invalid("amount") aria-describedby="desk-amount-error"/>
            </Field>
            <fieldset aria-describedby="desk-method-error">
                <legend class=LABEL>"How was it paid?"</legend>
                <div class="mt-2 space-y-2">
                    {DeskMethod::ALL.map(|m| view! {
                        <label class="flex items-center gap-3 text-stone-800">
                            <input type="radio" name="form[method]" value=m.code() class="h-5 w-5 text-brand-700"/>
                            {m.label()}
                        </label>
                    })}
                </div>
                <p id="desk-method-error" class="mt-1 text-sm font-medium text-red-700">
                    {move || crate::domain::form::problem_for(&problems.read(), "method").map(str::to_owned)}
                </p>
            </fieldset>
            <Field name="note" label="Note (optional)" id="desk-note" hint="For the clinic's books; the patient is not shown it.".to_owned() problems>
                <textarea id="desk-note" name="form[note]" rows="2" class=FIELD aria-invalid=invalid("note") aria-describedby="desk-note-hint desk-note-error"></textarea>
            </Field>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Record payment"</button>
        </ActionForm>
    }
}

/// What was paid for the appointment, what went back, and (for those who may) a refund of
/// all that is left of a payment or part of it.
#[component]
fn Payments(id: String, payments: Vec<PaymentLine>, may_refund: bool) -> impl IntoView {
    // One form for every payment with something left (the deposit, a fee): the refund
    // names which.
    let refundable: Vec<Refundable> = payments
        .iter()
        .filter(|_| may_refund)
        .filter_map(|p| {
            p.left.clone().map(|left| Refundable {
                payment: p.id.clone(),
                what: p.summary.clone(),
                left,
            })
        })
        .collect();
    view! {
        <section aria-labelledby="payments-heading" class="mt-8">
            <h2 id="payments-heading" class="font-display text-2xl text-stone-900">"Payments"</h2>
            <ul class="mt-3 space-y-3">
                {payments.into_iter().map(|p| view! {
                    <li class="rounded-2xl border border-stone-200 bg-white p-4" data-testid="payment">
                        <p class="font-semibold text-stone-900">{p.amount}</p>
                        <p class="text-sm text-stone-700">{p.summary}</p>
                        {p.note.map(|n| view! { <p class="text-sm text-stone-600">{format!("Note: {n}")}</p> })}
                        {p.refunded.map(|r| view! { <p class="text-sm text-stone-700">{format!("Refunded: {r}")}</p> })}
                        {p.dispute.map(|d| view! { <p class="mt-1 text-sm font-semibold text-red-800" data-testid="dispute">{d}</p> })}
                        {(!p.refunds.is_empty()).then(|| view! {
                            <ul class="mt-2 divide-y divide-stone-100 border-t border-stone-100 text-sm">
                                {p.refunds.into_iter().map(|r| view! {
                                    <li class="py-2" data-testid="refund">
                                        <span class="font-medium text-stone-900">{format!("{} · {}", r.amount, r.state)}</span>
                                        <span class="block text-stone-700">{r.why}{r.note.map(|n| format!(": {n}"))}</span>
                                        {r.failure.map(|f| view! { <span class="block font-semibold text-red-800">{format!("The payment service said: {f}")}</span> })}
                                        <span class="block text-stone-600">{r.when_by}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            {(!refundable.is_empty()).then(|| view! { <RefundForm id refundable/> })}
        </section>
    }
}

/// A payment with something left to refund.
struct Refundable {
    payment: String,
    what: String,
    left: String,
}

#[component]
fn RefundForm(id: String, refundable: Vec<Refundable>) -> impl IntoView {
    let action = ServerAction::<RefundPayment>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let hint = match refundable.as_slice() {
        [only] => format!("Leave empty to refund all that is left: {}.", only.left),
        _ => "Leave empty to refund all that is left of the payment chosen.".to_owned(),
    };
    let which = match refundable.as_slice() {
        [only] => view! { <input type="hidden" name="form[payment]" value=only.payment.clone()/> }
            .into_any(),
        _ => view! {
            <Field name="payment" label="Which payment" id="refund-payment" problems>
                <select id="refund-payment" name="form[payment]" class=FIELD>
                    {refundable.iter().map(|r| view! {
                        <option value=r.payment.clone()>{format!("{}: {} left", r.what, r.left)}</option>
                    }).collect_view()}
                </select>
            </Field>
        }
        .into_any(),
    };
    view! {
        <ActionForm action attr:class="mt-4 space-y-4 rounded-2xl border border-stone-200 bg-stone-50 p-4" attr:novalidate="">
            <h3 class="font-semibold text-stone-900">"Refund"</h3>
            <input type="hidden" name="id" value=id/>
            <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
            {which}
            <Field name="amount" label="Amount" id="refund-amount" hint problems>
                <input id="refund-amount" name="form[amount]" inputmode="decimal" class=FIELD aria-invalid=invalid("amount") aria-describedby="refund-amount-hint refund-amount-error"/>
            </Field>
            <Field name="note" label="Why" id="refund-note" hint="For the clinic's books and the audit log; the patient is not shown it.".to_owned() problems>
                <textarea id="refund-note" name="form[note]" rows="2" class=FIELD aria-invalid=invalid("note") aria-describedby="refund-note-hint refund-note-error"></textarea>
            </Field>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Refund"</button>
        </ActionForm>
    }
}

/// Charging the late-cancellation or no-show fee to the card the patient let the clinic
/// keep. The amount is typed: the clinic's cancellation policy states it.
#[component]
fn FeeForm(id: String, fee: String) -> impl IntoView {
    let action = ServerAction::<ChargeFee>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <section aria-labelledby="fee-heading" class="mt-8">
            <h2 id="fee-heading" class="font-display text-2xl text-stone-900">{fee.clone()}</h2>
            <p class="mt-1 text-stone-700">"The patient let the clinic keep their card for this when they paid. The fee is charged to it now, and the patient is emailed a receipt."</p>
            <ActionForm action attr:class="mt-4 space-y-4 rounded-2xl border border-stone-200 bg-stone-50 p-4" attr:novalidate="">
                <input type="hidden" name="id" value=id/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="amount" label="Fee" id="fee-amount" hint="As the clinic's cancellation policy states it.".to_owned() problems>
                    <input id="fee-amount" name="form[amount]" inputmode="decimal" class=FIELD aria-invalid=invalid("amount") aria-describedby="fee-amount-hint fee-amount-error"/>
                </Field>
                <Field name="note" label="Note (optional)" id="fee-note" hint="For the clinic's books and the audit log; the patient is not shown it.".to_owned() problems>
                    <textarea id="fee-note" name="form[note]" rows="2" class=FIELD aria-invalid=invalid("note") aria-describedby="fee-note-hint fee-note-error"></textarea>
                </Field>
                <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>{format!("Charge the {}", fee.to_lowercase())}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn History(history: Vec<HistoryLine>) -> impl IntoView {
    view! {
        <section aria-labelledby="history-heading" class="mt-10">
            <h2 id="history-heading" class="font-display text-2xl text-stone-900">"History"</h2>
            <ol class="mt-3 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white">
                {history.into_iter().map(|line| view! {
                    <li class="flex flex-wrap justify-between gap-2 px-4 py-3 text-sm">
                        <span class="font-medium text-stone-900">{line.what}</span>
                        <span class="text-stone-600">{format!("{} · {}", line.at, line.by)}</span>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
pub fn NewAppointmentPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("patient").unwrap_or_default(),
                q.get("search").unwrap_or_default(),
                q.get("day").unwrap_or_default(),
                q.get("time").unwrap_or_default(),
                q.get("provider").unwrap_or_default(),
            )
        },
        |(patient, search, day, time, provider)| {
            fetch_new_appointment(patient, search, day, time, provider)
        },
    );
    view! {
        <StaffScreen data here="/admin/calendar/new".to_owned() view=|screen| view! { <NewAppointmentScreen screen/> }/>
    }
}

#[component]
fn NewAppointmentScreen(screen: NewAppointment) -> impl IntoView {
    let NewAppointment {
        form,
        patient_name,
        search,
        found,
        treatments,
        providers,
        locations,
        allow_double_booking,
        time_zone,
        session,
    } = screen;
    let (groups, treatments): (Vec<_>, Vec<_>) =
        treatments.into_iter().partition(|t| t.capacity.is_some());
    let action = ServerAction::<CreateAppointment>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    let (session_providers, session_locations, session_zone) =
        (providers.clone(), locations.clone(), time_zone.clone());
    let keep = format!(
        "day={}&time={}&provider={}",
        percent_encode(&form.date),
        percent_encode(&form.time),
        percent_encode(&form.provider)
    );
    let choose_again = format!("/admin/calendar/new?{keep}");
    let searched = !search.is_empty();
    let chosen = !form.patient.is_empty();
    view! {
        <Title text="New appointment — Staff area"/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <a href=format!("/admin/calendar?day={}", form.date) class="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">"← Calendar"</a>
            <h1 class="mt-3 font-display text-4xl text-stone-900">"New appointment"</h1>
            <section aria-labelledby="patient-heading" class="mt-8">
                <h2 id="patient-heading" class="font-display text-2xl text-stone-900">"Patient"</h2>
                {match patient_name {
                    Some(name) => view! {
                        <p class="mt-2 text-stone-800">
                            <span class="font-semibold">{name}</span>" · "
                            <a href=choose_again class="text-brand-700 underline">"Choose someone else"</a>
                        </p>
                    }.into_any(),
                    None => view! {
                        <form method="get" action="/admin/calendar/new" class="mt-3 flex flex-wrap items-end gap-3" role="search">
                            <input type="hidden" name="day" value=form.date.clone()/>
                            <input type="hidden" name="time" value=form.time.clone()/>
                            <input type="hidden" name="provider" value=form.provider.clone()/>
                            <div class="grow">
                                <label for="search" class=LABEL>"Find a patient by name, email or phone"</label>
                                <input id="search" name="search" type="search" value=search.clone() class=FIELD/>
                            </div>
                            <button type="submit" class=BUTTON_SECONDARY>"Find"</button>
                        </form>
                        {searched.then(|| if found.is_empty() {
                            view! { <p class="mt-3 text-stone-600">"Nobody on file matches. Add them as a new patient below."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="mt-3 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white" aria-label="Patients found">
                                    {found.into_iter().map(|p| view! {
                                        <li>
                                            <a href=format!("/admin/calendar/new?patient={}&{keep}", p.id) class="block px-4 py-3 text-brand-800 hover:bg-brand-50">
                                                {format!("Book for {}", p.name)}
                                            </a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        })}
                    }.into_any(),
                }}
            </section>
            <ActionForm action attr:class="mt-8 space-y-6" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <input type="hidden" name="form[patient]" value=form.patient.clone()/>
                {(!chosen).then(|| view! {
                    <fieldset class="space-y-4 rounded-2xl border border-stone-200 bg-white p-5">
                        <legend class="px-1 font-semibold text-stone-900">"Or a new patient"</legend>
                        <div class="grid gap-4 sm:grid-cols-2">
                            <Field name="first_name" label="First name" problems>
                                <input id="first_name" name="form[first_name]" value=form.first_name.clone() autocomplete="off" class=FIELD aria-invalid=invalid("first_name") aria-describedby="first_name-error"/>
                            </Field>
                            <Field name="last_name" label="Last name" problems>
                                <input id="last_name" name="form[last_name]" value=form.last_name.clone() autocomplete="off" class=FIELD aria-invalid=invalid("last_name") aria-describedby="last_name-error"/>
                            </Field>
                            <Field name="email" label="Email" problems>
                                <input id="email" name="form[email]" type="email" value=form.email.clone() autocomplete="off" class=FIELD aria-invalid=invalid("email") aria-describedby="email-error"/>
                            </Field>
                            <Field name="phone" label="Phone (optional)" problems>
                                <input id="phone" name="form[phone]" type="tel" value=form.phone.clone() autocomplete="off" class=FIELD aria-invalid=invalid("phone") aria-describedby="phone-error"/>
                            </Field>
                        </div>
                    </fieldset>
                })}
                <Field name="treatment" label="Treatment" problems>
                    <select id="treatment" name="form[treatment]" class=FIELD aria-invalid=invalid("treatment") aria-describedby="treatment-error">
                        <option value="">"Choose…"</option>
                        {treatments.into_iter().map(|t| view! {
                            <option value=t.slug>{format!("{} ({} min)", t.name, t.minutes)}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <div class="grid gap-4 sm:grid-cols-2">
                    <Field name="provider" label="With" problems>
                        <select id="provider" name="form[provider]" class=FIELD aria-invalid=invalid("provider") aria-describedby="provider-error">
                            <option value="">"Choose…"</option>
                            {options(providers, &form.provider)}
                        </select>
                    </Field>
                    <Field name="location" label="Where" problems>
                        <select id="location" name="form[location]" class=FIELD aria-invalid=invalid("location") aria-describedby="location-error">
                            {options(locations, &form.location)}
                        </select>
                    </Field>
                    <Field name="date" label="Day" problems>
                        <input id="date" name="form[date]" type="date" value=form.date.clone() class=FIELD aria-invalid=invalid("date") aria-describedby="date-error"/>
                    </Field>
                    <Field name="time" label="Time" hint=format!("In the clinic's time ({time_zone}).") problems>
                        <input id="time" name="form[time]" type="time" step="300" value=form.time.clone() class=FIELD aria-invalid=invalid("time") aria-describedby="time-hint time-error"/>
                    </Field>
                    <Field name="mode" label="How" problems>
                        <select id="mode" name="form[mode]" class=FIELD aria-invalid=invalid("mode") aria-describedby="mode-error">
                            <option value="in_person" selected=true>"At the clinic"</option>
                            <option value="video">"Video visit"</option>
                        </select>
                    </Field>
                </div>
                <Field name="notes" label="Notes for the appointment (optional)" problems>
                    <textarea id="notes" name="form[notes]" rows="3" class=FIELD aria-invalid=invalid("notes") aria-describedby="notes-error">{textarea_text(form.notes.clone())}</textarea>
                </Field>
                {allow_double_booking.then(|| view! {
                    <Checkbox id="double_book" name="form[double_book]" label="Double-book: book it even if the time is taken (recorded in the audit log)" checked=false/>
                })}
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Book appointment"</button>
            </ActionForm>
            {(!groups.is_empty()).then(|| view! {
                <SessionScheduler form=session groups providers=session_providers locations=session_locations time_zone=session_zone/>
            })}
        </div>
    }
    .into_any()
}

/// Puts a group session in the calendar: patients then book its places online.
#[component]
fn SessionScheduler(
    form: SessionForm,
    groups: Vec<TreatmentChoice>,
    providers: Vec<Choice>,
    locations: Vec<Choice>,
    time_zone: String,
) -> impl IntoView {
    let action = ServerAction::<ScheduleSession>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <section aria-labelledby="session-heading" class="mt-14">
            <h2 id="session-heading" class="font-display text-2xl text-stone-900">"Or schedule a group session"</h2>
            <p class="mt-1 text-stone-600">"A workshop or class: patients book its places online until it is full."</p>
            <ActionForm action attr:class="mt-4 space-y-6" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="session_treatment" label="Session" problems>
                    <select id="session_treatment" name="form[treatment]" class=FIELD aria-invalid=invalid("session_treatment") aria-describedby="session_treatment-error">
                        {groups.into_iter().map(|t| {
                            let label = format!("{} ({} min, {} places)", t.name, t.minutes, t.capacity.unwrap_or_default());
                            view! { <option value=t.slug>{label}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <div class="grid gap-4 sm:grid-cols-2">
                    <Field name="session_provider" label="Led by" problems>
                        <select id="session_provider" name="form[provider]" class=FIELD aria-invalid=invalid("session_provider") aria-describedby="session_provider-error">
                            <option value="">"Choose…"</option>
                            {options(providers, &form.provider)}
                        </select>
                    </Field>
                    <Field name="session_location" label="Where" problems>
                        <select id="session_location" name="form[location]" class=FIELD aria-invalid=invalid("session_location") aria-describedby="session_location-error">
                            {options(locations, &form.location)}
                        </select>
                    </Field>
                    <Field name="session_date" label="Day" problems>
                        <input id="session_date" name="form[date]" type="date" value=form.date.clone() class=FIELD aria-invalid=invalid("session_date") aria-describedby="session_date-error"/>
                    </Field>
                    <Field name="session_time" label="Time" hint=format!("In the clinic's time ({time_zone}).") problems>
                        <input id="session_time" name="form[time]" type="time" step="300" value=form.time.clone() class=FIELD aria-invalid=invalid("session_time") aria-describedby="session_time-hint session_time-error"/>
                    </Field>
                </div>
                <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Schedule session"</button>
            </ActionForm>
        </section>
    }
}
