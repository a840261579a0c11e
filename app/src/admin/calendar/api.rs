//! Server functions for the staff calendar. Reading it is reading patient data (names on
//! the blocks), so each read needs `ViewPatients` and is audited; changes need
//! `ManageAppointments` and go through the booking boundary, which audits them in their
//! own transaction.

use super::types::{AppointmentDetail, CalendarData, NewAppointment};
use crate::domain::calendar::{AppointmentForm, CancelForm, MoveForm, SessionForm};
use crate::domain::payments::{DeskPaymentForm, FeeForm};
use crate::domain::refunds::RefundForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::types::{
        BalanceLine, CalendarBlock, CalendarColumn, Choice, HistoryLine, PaymentLine, RefundLine,
        TreatmentChoice,
    },
    crate::backend::audit,
    crate::backend::auth::principal::{require, Principal},
    crate::backend::auth::session::Token,
    crate::backend::charging::{self, Charged},
    crate::backend::integrations::booking::{
        alternatives, BookedElsewhere, BookingSystem, ClinicCalendar, ForPatient, Wanted,
    },
    crate::backend::state::{app_state, AppState},
    crate::backend::store::booking::{self as booking_store, Changer, Notice, Refusal, Rules},
    crate::backend::store::booking_emails::booking_link,
    crate::backend::store::calendar as store,
    crate::backend::store::clinic as clinic_store,
    crate::backend::store::desk_payments,
    crate::backend::store::fees,
    crate::backend::store::refunds::{self, PaymentRecord},
    crate::domain::access::allows,
    crate::domain::access::Action,
    crate::domain::appointment::{AppointmentStatus, Outcome},
    crate::domain::calendar::{axis, lanes, Span, BOOKED_ELSEWHERE},
    crate::domain::form::FieldProblem,
    crate::domain::money::{format_amount, Currency, Money},
    crate::domain::payment_policy::Processor,
    crate::domain::payments::{how_paid, Balance, Purpose},
    crate::domain::refunds::{refund_state_label, CancelledBy, RefundReason},
    crate::ui::status::answer,
    chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc},
    chrono_tz::Tz,
    uuid::Uuid,
};

/// The calendar for `day` (a date; today when empty), a `day` or `week` `span`, `by`
/// provider or room; the week view shows the provider or room `chosen` (the first when
/// empty).
#[server(endpoint = "admin/calendar")]
pub async fn fetch_calendar(
    #[server(default)] day: String,
    #[server(default)] span: String,
    #[server(default)] by: String,
    #[server(default)] chosen: String,
) -> Result<CalendarData, AppError> {
    let me = require(Action::ViewPatients).await?;
    audit::record_for_request(Some(&me), "read", "calendar", None).await?;
    answer(server::calendar(&day, &span, &by, &chosen).await)
}

#[server(endpoint = "admin/appointment")]
pub async fn fetch_appointment(id: String) -> Result<AppointmentDetail, AppError> {
    let me = require(Action::ViewPatients).await?;
    let id = answer(AppError::record_id(&id))?;
    audit::record_for_request(Some(&me), "read", "appointment", Some(id)).await?;
    answer(server::appointment(&me, id).await)
}

/// Refunds a payment of the appointment by hand: all that is left, or part, with a reason
/// for the clinic's books (audited; the patient is emailed once the service takes it).
#[server(endpoint = "admin/refund_payment")]
pub async fn refund_payment(
    id: String,
    #[server(default)] form: RefundForm,
) -> Result<(), AppError> {
    let me = require(Action::RefundPayments).await?;
    let id = answer(AppError::record_id(&id))?;
    answer(server::refund(&me, id, &form).await)?;
    leptos_axum::redirect(&format!("/admin/appointments/{id}?saved=refunded"));
    Ok(())
}

/// The new-appointment screen, prefilled from the address: a chosen `patient`, a patient
/// `search`, and the day, time and provider clicked on the calendar.
#[server(endpoint = "admin/new_appointment")]
pub async fn fetch_new_appointment(
    #[server(default)] patient: String,
    #[server(default)] search: String,
    #[server(default)] day: String,
    #[server(default)] time: String,
    #[server(default)] provider: String,
) -> Result<NewAppointment, AppError> {
    let me = require(Action::ManageAppointments).await?;
    audit::record_for_request(Some(&me), "read", "patient_search", None).await?;
    answer(server::new_appointment(&patient, &search, &day, &time, &provider).await)
}

#[server(endpoint = "admin/create_appointment")]
pub async fn create_appointment(#[server(default)] form: AppointmentForm) -> Result<(), AppError> {
    let me = require(Action::ManageAppointments).await?;
    let id = answer(server::create(&me, &form).await)?;
    tracing::info!(appointment_id = %id, "appointment booked by staff");
    leptos_axum::redirect(&format!("/admin/appointments/{id}?saved=booked"));
    Ok(())
}

/// Puts a group session in the calendar; patients then book its places online.
#[server(endpoint = "admin/schedule_session")]
pub async fn schedule_session(#[server(default)] form: SessionForm) -> Result<(), AppError> {
    let me = require(Action::ManageAppointments).await?;
    let id = answer(server::schedule(&me, &form).await)?;
    tracing::info!(appointment_id = %id, "group session scheduled");
    leptos_axum::redirect(&format!("/admin/appointments/{id}?saved=scheduled"));
    Ok(())
}

#[server(endpoint = "admin/move_appointment")]
pub async fn move_appointment(
    id: String,
    #[server(default)] form: MoveForm,
) -> Result<(), AppError> {
    let me = require(Action::ManageAppointments).await?;
    let id = answer(AppError::record_id(&id))?;
    answer(server::move_to(&me, id, &form).await)?;
    leptos_axum::redirect(&format!("/admin/appointments/{id}?saved=moved"));
    Ok(())
}

/// Charges the late-cancellation or no-show fee (as the appointment ended) to the card the
/// patient let the clinic keep (audited). A declined card is told in the service's words,
/// and nothing is marked paid.
#[server(endpoint = "admin/charge_fee")]
pub async fn charge_fee(id: String, #[server(default)] form: FeeForm) -> Result<(), AppError> {
    let me = require(Action::TakePayments).await?;
    let id = answer(AppError::record_id(&id))?;
    let saved = answer(server::charge_fee(&me, id, &form).await)?;
    leptos_axum::redirect(&format!("/admin/appointments/{id}?saved={saved}"));
    Ok(())
}

/// Records money taken at the desk for the appointment (audited; the patient is emailed a
/// receipt).
#[server(endpoint = "admin/take_payment")]
pub async fn take_payment(
    id: String,
    #[server(default)] form: DeskPaymentForm,
) -> Result<(), AppError> {
    let me = require(Action::TakePayments).await?;
    let id = answer(AppError::record_id(&id))?;
    answer(server::take_payment(&me, id, &form).await)?;
    leptos_axum::redirect(&format!("/admin/appointments/{id}?saved=paid_at_desk"));
    Ok(())
}

#[server(endpoint = "admin/cancel_appointment")]
pub async fn cancel_appointment(
    id: String,
    #[server(default)] form: CancelForm,
) -> Result<(), AppError> {
    let me = require(Action::ManageAppointments).await?;
    let id = answer(AppError::record_id(&id))?;
    answer(server::cancel(&me, id, &form).await)?;
    leptos_axum::redirect(&format!("/admin/appointments/{id}?saved=cancelled"));
    Ok(())
}

/// Records `outcome` (`arrived`, `completed`, `no_show`).
#[server(endpoint = "admin/record_outcome")]
pub async fn record_outcome(id: String, outcome: String) -> Result<(), AppError> {
    let me = require(Action::ManageAppointments).await?;
    let id = answer(AppError::record_id(&id))?;
    let outcome = answer(
        crate::domain::appointment::Outcome::parse(outcome.trim())
            .ok_or_else(|| AppError::Invalid("Choose what happened.".to_owned())),
    )?;
    answer(server::record(&me, id, outcome).await)?;
    leptos_axum::redirect(&format!(
        "/admin/appointments/{id}?saved={}",
        outcome.as_str()
    ));
    Ok(())
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::*;

    /// A time booked outside Lumen as the calendar shows it: no row of Lumen's to open.
    fn entry_booked_elsewhere(booked: BookedElsewhere) -> store::Entry {
        store::Entry {
            id: Uuid::nil(),
            provider_id: booked.provider_id,
            provider: String::new(),
            room_id: None,
            room: None,
            starts: booked.starts,
            ends: booked.ends,
            status: BOOKED_ELSEWHERE.to_owned(),
            patient: None,
            treatment: booked.treatment.unwrap_or_default(),
            arrived: false,
            double_booked: false,
            capacity: None,
            seats: 0,
        }
    }

    /// What every calendar request needs: the clinic, its zone and its rules as they apply
    /// to staff (no minimum notice, a year ahead: staff book walk-ins and follow-ups).
    struct Desk {
        state: AppState,
        zone: Tz,
        rules: Rules,
        now: DateTime<Utc>,
    }

    impl Desk {
        async fn load() -> Result<Self, AppError> {
            let state = app_state()?;
            let mut rules = booking_store::rules(&state.pool, state.clinic_id).await?;
            rules.min_notice_minutes = 0;
            rules.horizon_days = 366;
            let zone = rules.time_zone.parse::<Tz>().map_err(|_| {
                tracing::error!("clinic has an unknown time zone");
                AppError::Unavailable
            })?;
            let now = state.clock.now();
            Ok(Desk {
                state,
                zone,
                rules,
                now,
            })
        }

        fn calendar(&self) -> ClinicCalendar<'_> {
            self.state.calendar(self.now, &self.rules)
        }

        fn today(&self) -> NaiveDate {
            self.now.with_timezone(&self.zone).date_naive()
        }

        fn midnight(&self, day: NaiveDate) -> DateTime<Utc> {
            self.zone
                .from_local_datetime(&day.and_time(NaiveTime::MIN))
                .earliest()
                .map_or_else(
                    || day.and_time(NaiveTime::MIN).and_utc(),
                    |t| t.with_timezone(&Utc),
                )
        }

        fn minute_of_day(&self, at: DateTime<Utc>, day: NaiveDate) -> u32 {
            let minutes = (at - self.midnight(day)).num_minutes().clamp(0, 24 * 60);
            u32::try_from(minutes).unwrap_or(0)
        }

        /// "Tue 17 Mar 10:15" in the clinic's time.
        fn short(&self, at: DateTime<Utc>) -> String {
            at.with_timezone(&self.zone)
                .format("%a %-d %b %H:%M")
                .to_string()
        }

        /// "Tuesday 17 March 2026, 10:15–11:00" in the clinic's time.
        fn long(&self, starts: DateTime<Utc>, ends: DateTime<Utc>) -> String {
            let (starts, ends) = (
                starts.with_timezone(&self.zone),
                ends.with_timezone(&self.zone),
            );
            format!(
                "{}, {}–{}",
                starts.format("%A %-d %B %Y"),
                starts.format("%H:%M"),
                ends.format("%H:%M")
            )
        }
    }

    fn choices(rows: Vec<(Uuid, String)>) -> Vec<Choice> {
        rows.into_iter()
            .map(|(id, name)| Choice {
                id: id.to_string(),
                name,
            })
            .collect()
    }

    pub async fn calendar(
        day: &str,
        span: &str,
        by: &str,
        chosen: &str,
    ) -> Result<CalendarData, AppError> {
        let desk = Desk::load().await?;
        let pool = &desk.state.pool;
        let clinic = desk.state.clinic_id;
        let span = Span::parse(span);
        let by_room = by == "room";
        let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").unwrap_or(desk.today());
        let days = span.days(day);
        let (first, last) = (days[0], days[days.len() - 1]);
        let between = (
            desk.midnight(first),
            desk.midnight(last + Duration::days(1)),
        );
        let mut entries = store::entries(pool, clinic, between, desk.now).await?;
        let options = if by_room {
            store::rooms(pool, clinic).await?
        } else {
            store::providers(pool, clinic).await?
        };
        // Bookings made in the clinic's practice system directly take providers' time too.
        // Without an answer from it, the calendar still shows Lumen's own.
        match desk.calendar().booked_elsewhere(between).await {
            Ok(elsewhere) => entries.extend(elsewhere.into_iter().map(entry_booked_elsewhere)),
            Err(_) => tracing::warn!("the practice system's own bookings could not be read"),
        }
        let chosen_id = Uuid::parse_str(chosen.trim())
            .ok()
            .filter(|id| options.iter().any(|(o, _)| o == id))
            .or_else(|| options.first().map(|(id, _)| *id));
        let key_of = |e: &store::Entry| {
            if by_room {
                e.room_id
            } else {
                Some(e.provider_id)
            }
        };
        // Day: a column per provider (or room). Week: a column per day for the chosen one.
        let columns: Vec<(String, NaiveDate, Option<Uuid>)> = match span {
            Span::Day => options
                .iter()
                .map(|(id, name)| (name.clone(), day, Some(*id)))
                .collect(),
            Span::Week => days
                .iter()
                .map(|d| (d.format("%a %-d %b").to_string(), *d, chosen_id))
                .collect(),
        };
        let in_column = |e: &store::Entry, column_day: NaiveDate, key: Option<Uuid>| {
            key.is_some()
                && key_of(e) == key
                && e.starts < desk.midnight(column_day + Duration::days(1))
                && e.ends > desk.midnight(column_day)
        };
        /// A column's appointments and their minutes on its day, found once.
        struct Filled<'a> {
            heading: String,
            here: Vec<&'a store::Entry>,
            spans: Vec<(u32, u32)>,
        }
        let columns: Vec<Filled> = columns
            .into_iter()
            .map(|(heading, column_day, key)| {
                let here: Vec<&store::Entry> = entries
                    .iter()
                    .filter(|e| in_column(e, column_day, key))
                    .collect();
                let spans = here
                    .iter()
                    .map(|e| {
                        (
                            desk.minute_of_day(e.starts, column_day),
                            desk.minute_of_day(e.ends, column_day),
                        )
                    })
                    .collect();
                Filled {
                    heading,
                    here,
                    spans,
                }
            })
            .collect();
        let all: Vec<(u32, u32)> = columns
            .iter()
            .flat_map(|c| c.spans.iter().copied())
            .collect();
        let (axis_start, axis_end) = axis(&all);
        let columns = columns
            .into_iter()
            .map(
                |Filled {
                     heading,
                     here,
                     spans,
                 }| {
                    let blocks = here
                        .iter()
                        .zip(spans.iter().zip(lanes(&spans)))
                        .map(|(e, (&(start, end), lane))| {
                            let status = AppointmentStatus::parse(&e.status);
                            let local =
                                |t: DateTime<Utc>| t.with_timezone(&desk.zone).format("%H:%M");
                            CalendarBlock {
                                id: e.id.to_string(),
                                top: start.saturating_sub(axis_start),
                                height: end.saturating_sub(start).max(10),
                                lane: lane.lane,
                                lanes: lane.lanes,
                                time: format!("{}–{}", local(e.starts), local(e.ends)),
                                patient: match (e.capacity, &e.patient) {
                                    (Some(capacity), _) => {
                                        format!("Group: {} of {capacity} places", e.seats)
                                    }
                                    (None, Some(name)) => name.clone(),
                                    (None, None) if e.status == BOOKED_ELSEWHERE => {
                                        "Booked in the practice system".to_owned()
                                    }
                                    (None, None) => "Being booked online".to_owned(),
                                },
                                treatment: e.treatment.clone(),
                                aside: if by_room {
                                    e.provider.clone()
                                } else {
                                    e.room.clone().unwrap_or_default()
                                },
                                status: e.status.clone(),
                                status_label: match status {
                                    Some(status) => status.label(),
                                    None if e.status == BOOKED_ELSEWHERE => {
                                        "Not booked through Lumen"
                                    }
                                    None => "",
                                }
                                .to_owned(),
                                arrived: e.arrived,
                                double_booked: e.double_booked,
                                video_waiting: desk.state.video.rooms.waiting(e.id),
                            }
                        })
                        .collect();
                    CalendarColumn { heading, blocks }
                },
            )
            .collect();
        let link = |to: NaiveDate| {
            let mut href = format!(
                "/admin/calendar?day={to}&span={}&by={}",
                span.as_str(),
                if by_room { "room" } else { "provider" }
            );
            if let (Span::Week, Some(id)) = (span, chosen_id) {
                href.push_str(&format!("&chosen={id}"));
            }
            href
        };
        let title = match span {
            Span::Day => day.format("%A %-d %B %Y").to_string(),
            Span::Week => format!("{} – {}", first.format("%-d %B"), last.format("%-d %B %Y")),
        };
        Ok(CalendarData {
            title,
            time_zone: desk.zone.name().to_owned(),
            span: span.as_str().to_owned(),
            by: if by_room { "room" } else { "provider" }.to_owned(),
            day: day.to_string(),
            previous: link(span.step(day, false)),
            next: link(span.step(day, true)),
            today: link(desk.today()),
            axis_start,
            axis_end,
            columns,
            choices: choices(options),
            chosen: chosen_id.map(|id| id.to_string()).unwrap_or_default(),
        })
    }

    fn change_words(change: &str) -> &'static str {
        match change {
            "booked" => "Booked",
            "moved" => "Moved",
            "cancelled" => "Cancelled",
            "arrived" => "Arrived",
            "completed" => "Completed",
            "no_show" => "Did not come",
            _ => "Changed",
        }
    }

    fn via_words(via: &str) -> &'static str {
        match via {
            "patient" => "the patient, signed in",
            "manage_link" => "the patient, from their link",
            "system" => "Lumen",
            _ => "staff",
        }
    }

    pub async fn appointment(me: &Principal, id: Uuid) -> Result<AppointmentDetail, AppError> {
        let desk = Desk::load().await?;
        let pool = &desk.state.pool;
        let clinic = desk.state.clinic_id;
        let row = store::appointment(pool, clinic, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let history = store::history(pool, clinic, id).await?;
        let status = AppointmentStatus::parse(&row.status).unwrap_or(AppointmentStatus::Cancelled);
        let seat_holders = match row.capacity {
            Some(_) => {
                choices(crate::backend::store::sessions::seat_holders(pool, clinic, id).await?)
            }
            None => Vec::new(),
        };
        let outcomes = Outcome::ALL
            .into_iter()
            // A group session as a whole is only ever completed; arrivals are per patient.
            .filter(|o| row.capacity.is_none() || *o == Outcome::Completed)
            .filter(|o| {
                o.check(status, row.arrived_at.is_some(), row.starts, desk.now)
                    .is_ok()
            })
            .map(|o| o.as_str().to_owned())
            .collect();
        let local = row.starts.with_timezone(&desk.zone);
        let records = refunds::payments_of(pool, clinic, id).await?;
        let currency = clinic_store::currency(pool, clinic).await?;
        Ok(AppointmentDetail {
            id: row.id.to_string(),
            patient_id: row.patient_id.map(|p| p.to_string()).unwrap_or_default(),
            patient_name: match (row.capacity, row.patient_name) {
                (Some(_), _) => format!("Group session: {}", row.treatment),
                (None, Some(name)) => name,
                (None, None) => "Being booked online".to_owned(),
            },
            patient_email: row.patient_email.unwrap_or_default(),
            patient_phone: row.patient_phone.unwrap_or_default(),
            treatment: row.treatment,
            provider_id: row.provider_id.to_string(),
            provider: row.provider,
            location: row.location,
            room: row.room.unwrap_or_default(),
            when: desk.long(row.starts, row.ends),
            date: local.format("%Y-%m-%d").to_string(),
            time: local.format("%H:%M").to_string(),
            mode: booking_store::stored_mode(&row.mode).label().to_owned(),
            status: row.status.clone(),
            status_label: status.label().to_owned(),
            arrived_at: row
                .arrived_at
                .map(|at| at.with_timezone(&desk.zone).format("%H:%M").to_string()),
            patient_confirmed: row.patient_confirmed_at.map(|at| {
                at.with_timezone(&desk.zone)
                    .format("%a %-d %b, %H:%M")
                    .to_string()
            }),
            double_booked: row.double_booked,
            video_waiting: desk.state.video.rooms.waiting(row.id),
            notes: row.notes,
            outcomes,
            can_change: matches!(
                status,
                AppointmentStatus::Confirmed | AppointmentStatus::PendingPayment
            ),
            allow_double_booking: desk.rules.allow_double_booking,
            providers: choices(store::providers(pool, clinic).await?),
            history: history
                .into_iter()
                .map(|c| HistoryLine {
                    at: desk.short(c.changed_at),
                    what: change_words(&c.change).to_owned(),
                    by: c.by.unwrap_or_else(|| via_words(&c.via).to_owned()),
                })
                .collect(),
            seats: row
                .capacity
                .map(|capacity| format!("{} of {capacity} places booked", seat_holders.len())),
            seat_holders,
            fee: Purpose::fee_for(status)
                .filter(|_| allows(me.role, Action::TakePayments))
                .filter(|_| {
                    let kept = records
                        .iter()
                        .any(|p| p.purpose == Purpose::Booking && p.kept_card);
                    let charged = records
                        .iter()
                        .any(|p| p.status == "paid" && p.purpose.is_fee());
                    kept && !charged
                })
                .map(|fee| fee.label().to_owned()),
            balance: row
                .capacity
                .is_none()
                .then(|| balance(status, row.price_minor, currency, &records)),
            may_take_payment: allows(me.role, Action::TakePayments)
                && row.capacity.is_none()
                && desk_payments::takes_payment(status),
            payments: payment_lines(&desk, currency, records),
            may_refund: allows(me.role, Action::RefundPayments),
        })
    }

    /// Where the appointment's money stands.
    fn balance(
        status: AppointmentStatus,
        price: i64,
        currency: Currency,
        records: &[PaymentRecord],
    ) -> BalanceLine {
        let paid = records
            .iter()
            .filter(|p| p.status == "paid")
            .map(|p| p.amount_minor)
            .sum();
        let refunded = records.iter().map(PaymentRecord::refunded).sum();
        let balance = Balance::of(price, status, paid, refunded);
        let money = |minor| Money::new(minor, currency).to_string();
        BalanceLine {
            price: money(balance.price),
            paid: money(balance.paid),
            refunded: money(balance.refunded),
            left_to_pay: money(balance.left_to_pay),
            left_to_pay_typed: (balance.left_to_pay > 0)
                .then(|| format_amount(balance.left_to_pay, currency)),
        }
    }

    fn payment_lines(
        desk: &Desk,
        currency: Currency,
        records: Vec<PaymentRecord>,
    ) -> Vec<PaymentLine> {
        let money = |minor| Money::new(minor, currency).to_string();
        records
            .into_iter()
            .map(|p| {
                let service = Processor::parse(&p.processor).map_or("online", |p| p.label());
                let by = p
                    .by
                    .as_deref()
                    .map(|by| format!(" · {by}"))
                    .unwrap_or_default();
                let summary = match (p.purpose, p.status.as_str(), p.paid_at) {
                    (Purpose::AtDesk, _, paid_at) => format!(
                        "Paid at the desk: {}, {}{by}",
                        how_paid(&p.processor),
                        desk.short(paid_at.unwrap_or(p.created_at))
                    ),
                    (Purpose::Booking, _, Some(at)) => {
                        format!("Paid online with {service}, {}", desk.short(at))
                    }
                    (Purpose::Booking, _, None) => format!(
                        "Waiting for the patient to pay with {service} (since {})",
                        desk.short(p.created_at)
                    ),
                    (fee, _, Some(at)) => format!(
                        "{}: charged to the kept card, {}{by}",
                        fee.label(),
                        desk.short(at)
                    ),
                    (fee, "failed", _) => format!(
                        "{}: the card was declined ({}{by}). Nothing was taken: {}",
                        fee.label(),
                        desk.short(p.created_at),
                        p.failure.as_deref().unwrap_or("no reason given")
                    ),
                    (fee, _, None) => format!(
                        "{}: waiting for {service}'s answer ({}{by}). Charging it again sends the same request, so it is never taken twice.",
                        fee.label(),
                        desk.short(p.created_at)
                    ),
                };
                let refunded = p.refunded();
                let left = p.left();
                PaymentLine {
                    id: p.id.to_string(),
                    amount: money(p.amount_minor),
                    summary,
                    refunded: (refunded > 0).then(|| money(refunded)),
                    left: (left > 0).then(|| money(left)),
                    dispute: p.dispute_reason.map(|reason| {
                        format!(
                            "The patient's bank disputes this payment ({}). Answer it in {service}'s dashboard: the bank decides.",
                            reason.replace('_', " ")
                        )
                    }),
                    refunds: p
                        .refunds
                        .into_iter()
                        .map(|r| RefundLine {
                            amount: money(r.amount_minor),
                            why: RefundReason::from_code(&r.reason)
                                .map_or("Refunded", RefundReason::label)
                                .to_owned(),
                            state: refund_state_label(&r.status).to_owned(),
                            failure: r.failure,
                            note: r.note,
                            when_by: match r.by {
                                Some(by) => format!("{} · {by}", desk.short(r.created_at)),
                                None => desk.short(r.created_at),
                            },
                        })
                        .collect(),
                    note: p.note,
                }
            })
            .collect()
    }

    pub async fn refund(me: &Principal, id: Uuid, form: &RefundForm) -> Result<(), AppError> {
        let desk = Desk::load().await?;
        let pool = &desk.state.pool;
        let clinic = desk.state.clinic_id;
        let payment_id = AppError::record_id(&form.payment)?;
        let payments = refunds::payments_of(pool, clinic, id).await?;
        let payment = payments
            .iter()
            .find(|p| p.id == payment_id)
            .ok_or(AppError::NotFound)?;
        if payment.left() == 0 {
            return Err(AppError::Invalid(
                "Nothing is left of this payment to refund.".to_owned(),
            ));
        }
        let currency = clinic_store::currency(pool, clinic).await?;
        let refund = form
            .parse(currency, payment.left())
            .map_err(AppError::Rejected)?;
        let refund_id =
            refunds::refund_by_staff(pool, clinic, id, payment_id, &refund, me, desk.now).await?;
        tracing::info!(%refund_id, "payment refunded by staff");
        desk.state.send_refunds_soon();
        Ok(())
    }

    pub async fn take_payment(
        me: &Principal,
        id: Uuid,
        form: &DeskPaymentForm,
    ) -> Result<(), AppError> {
        let desk = Desk::load().await?;
        let pool = &desk.state.pool;
        let clinic = desk.state.clinic_id;
        let currency = clinic_store::currency(pool, clinic).await?;
        let payment = form.parse(currency).map_err(AppError::Rejected)?;
        let payment_id = desk_payments::record(pool, clinic, id, &payment, me, desk.now).await?;
        tracing::info!(payment = %payment_id, "payment taken at the desk");
        Ok(())
    }

    /// Charges the fee; which `saved` notice the page shows.
    pub async fn charge_fee(
        me: &Principal,
        id: Uuid,
        form: &FeeForm,
    ) -> Result<&'static str, AppError> {
        let desk = Desk::load().await?;
        let pool = &desk.state.pool;
        let clinic = desk.state.clinic_id;
        let currency = clinic_store::currency(pool, clinic).await?;
        let fee = form.parse(currency).map_err(AppError::Rejected)?;
        let order = fees::start(pool, clinic, id, &fee, me, desk.now).await?;
        let outcome =
            charging::charge(pool, clinic, &desk.state.payments, &order, desk.now).await?;
        tracing::info!(payment = %order.payment_id, ?outcome, again = order.again, "fee charged");
        match outcome {
            Charged::Paid => Ok("fee_charged"),
            Charged::Waiting => Ok("fee_waiting"),
            Charged::Declined(reason) => Err(AppError::Invalid(format!(
                "The card was declined, and nothing was taken: {reason}"
            ))),
        }
    }

    pub async fn new_appointment(
        patient: &str,
        search: &str,
        day: &str,
        time: &str,
        provider: &str,
    ) -> Result<NewAppointment, AppError> {
        let desk = Desk::load().await?;
        let pool = &desk.state.pool;
        let clinic = desk.state.clinic_id;
        let chosen = match Uuid::parse_str(patient.trim()) {
            Ok(id) => crate::backend::store::patients::patient(pool, clinic, id).await?,
            Err(_) => None,
        };
        let found = if search.trim().is_empty() {
            Vec::new()
        } else {
            crate::backend::store::patients::search(
                pool,
                clinic,
                search,
                20,
                desk.now,
                desk.rules.home(),
            )
            .await?
            .into_iter()
            .map(|p| Choice {
                id: p.id.to_string(),
                name: format!("{} {} · {}", p.first_name, p.last_name, p.email),
            })
            .collect()
        };
        let providers = choices(store::providers(pool, clinic).await?);
        let locations = choices(store::locations(pool, clinic).await?);
        let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").unwrap_or(desk.today());
        let chosen_provider = providers
            .iter()
            .find(|p| p.id == provider.trim())
            .map(|p| p.id.clone())
            .unwrap_or_default();
        let first_location = locations.first().map(|l| l.id.clone()).unwrap_or_default();
        Ok(NewAppointment {
            session: SessionForm {
                treatment: String::new(),
                provider: chosen_provider.clone(),
                location: first_location.clone(),
                date: day.to_string(),
                time: time.trim().to_owned(),
            },
            form: AppointmentForm {
                patient: chosen
                    .as_ref()
                    .map(|p| p.id.to_string())
                    .unwrap_or_default(),
                provider: chosen_provider,
                location: first_location,
                date: day.to_string(),
                time: time.trim().to_owned(),
                mode: "in_person".to_owned(),
                ..AppointmentForm::default()
            },
            patient_name: chosen.map(|p| format!("{} {} · {}", p.first_name, p.last_name, p.email)),
            search: search.trim().to_owned(),
            found,
            treatments: store::treatments(pool, clinic)
                .await?
                .into_iter()
                .map(|t| TreatmentChoice {
                    slug: t.slug,
                    name: t.name,
                    minutes: t.duration_minutes,
                    capacity: t.capacity,
                })
                .collect(),
            providers,
            locations,
            allow_double_booking: desk.rules.allow_double_booking,
            time_zone: desk.zone.name().to_owned(),
        })
    }

    /// "That time is not free" beside the time field, with the nearest free times.
    async fn not_free(
        desk: &Desk,
        treatment: &booking_store::Treatment,
        provider: Uuid,
        wanted: DateTime<Utc>,
        ignoring: Option<Uuid>,
    ) -> AppError {
        let nearby = match alternatives(
            &desk.calendar(),
            treatment,
            Some(provider),
            wanted,
            ignoring,
        )
        .await
        {
            Ok(found) => found,
            Err(refusal) => return refusal.into(),
        };
        let mut message = format!(
            "{} is not free for this treatment with them (booked, outside their hours, or the room is taken).",
            desk.short(wanted)
        );
        if nearby.is_empty() {
            message.push_str(" There is no free time near it.");
        } else {
            let times: Vec<String> = nearby.iter().map(|f| desk.short(f.slot.start)).collect();
            message.push_str(&format!(" Free nearby: {}.", times.join(", ")));
        }
        if desk.rules.allow_double_booking {
            message.push_str(" To book over it on purpose, tick “Double-book”.");
        }
        AppError::Rejected(vec![FieldProblem::new("time", message)])
    }

    fn double_booking_allowed(desk: &Desk, asked: bool) -> Result<(), AppError> {
        if asked && !desk.rules.allow_double_booking {
            return Err(AppError::Invalid(
                "This clinic does not allow double-booking. An admin can turn it on in the settings."
                    .to_owned(),
            ));
        }
        Ok(())
    }

    pub async fn create(me: &Principal, form: &AppointmentForm) -> Result<Uuid, AppError> {
        let desk = Desk::load().await?;
        let request = form
            .parse(desk.zone, desk.rules.home())
            .map_err(AppError::Rejected)?;
        double_booking_allowed(&desk, request.double_book)?;
        let treatment =
            booking_store::treatment(&desk.state.pool, desk.state.clinic_id, &request.treatment)
                .await?
                .ok_or_else(|| {
                    AppError::Rejected(vec![FieldProblem::new("treatment", "Choose a treatment.")])
                })?;
        if treatment.capacity.is_some() {
            return Err(AppError::Rejected(vec![FieldProblem::new(
                "treatment",
                "This is a group treatment: schedule a session below, and patients book its places.",
            )]));
        }
        let link = Token::generate();
        let manage_link = booking_link(&desk.state.public_url, &link);
        let wanted = Wanted {
            treatment: &treatment,
            provider: Some(request.provider),
            location: Some(request.location),
            start: request.start,
            double_book: request.double_book,
        };
        let booked = desk
            .calendar()
            .book_for_patient(
                &wanted,
                ForPatient {
                    patient: &request.patient,
                    mode: request.mode,
                    notes: &request.notes,
                    manage: &link,
                    staff: me,
                    notice: Some(Notice {
                        public_url: &desk.state.public_url,
                        manage_link: Some(&manage_link),
                    }),
                },
            )
            .await;
        match booked {
            Ok(id) => Ok(id),
            Err(Refusal::Taken) => {
                Err(not_free(&desk, &treatment, request.provider, request.start, None).await)
            }
            Err(Refusal::NotFound) => Err(AppError::Invalid(
                "That patient is no longer on file; search again.".to_owned(),
            )),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn move_to(me: &Principal, id: Uuid, form: &MoveForm) -> Result<(), AppError> {
        let desk = Desk::load().await?;
        let request = form.parse(desk.zone).map_err(AppError::Rejected)?;
        double_booking_allowed(&desk, request.double_book)?;
        let row = store::appointment(&desk.state.pool, desk.state.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let treatment = booking_store::treatment(&desk.state.pool, desk.state.clinic_id, &row.treatment_slug)
            .await?
            .ok_or_else(|| AppError::Invalid("This treatment is no longer offered, so the appointment cannot move; cancel and book another.".to_owned()))?;
        let wanted = Wanted {
            treatment: &treatment,
            provider: Some(request.provider),
            location: Some(row.location_id),
            start: request.start,
            double_book: request.double_book,
        };
        let notice = Some(Notice {
            public_url: &desk.state.public_url,
            manage_link: None,
        });
        match desk
            .calendar()
            .reschedule(id, &wanted, &Changer::Staff(me), notice)
            .await
        {
            Ok(()) => Ok(()),
            Err(Refusal::Taken) => {
                Err(not_free(&desk, &treatment, request.provider, request.start, Some(id)).await)
            }
            Err(Refusal::Closed) => Err(AppError::Invalid(
                "Only a confirmed appointment can be moved; this one is not.".to_owned(),
            )),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn cancel(me: &Principal, id: Uuid, form: &CancelForm) -> Result<(), AppError> {
        let desk = Desk::load().await?;
        // Another clinic's appointment (or none) is not found, rather than "not confirmed".
        let row = store::appointment(&desk.state.pool, desk.state.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        // A group session is only ever cancelled by the clinic: its patients cancel their
        // own places.
        let by = match row.capacity {
            Some(_) => CancelledBy::Clinic,
            None => form.parse().map_err(AppError::Rejected)?,
        };
        let changer = match by {
            CancelledBy::Patient => Changer::StaffForPatient(me),
            CancelledBy::Clinic => Changer::Staff(me),
        };
        let notice = form.tell_patient.then_some(Notice {
            public_url: &desk.state.public_url,
            manage_link: None,
        });
        match desk.calendar().cancel(id, &changer, notice).await {
            Ok(()) => {
                // What the cancellation returns of the patient's payment is stored; send it.
                desk.state.send_refunds_soon();
                Ok(())
            }
            Err(Refusal::Closed) => Err(AppError::Invalid(
                "Only a confirmed appointment can be cancelled; this one is not.".to_owned(),
            )),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn schedule(me: &Principal, form: &SessionForm) -> Result<Uuid, AppError> {
        let desk = Desk::load().await?;
        let request = form.parse(desk.zone).map_err(AppError::Rejected)?;
        let treatment =
            booking_store::treatment(&desk.state.pool, desk.state.clinic_id, &request.treatment)
                .await?
                .filter(|t| t.capacity.is_some())
                .ok_or_else(|| {
                    AppError::Rejected(vec![FieldProblem::new(
                        "session_treatment",
                        "Choose a group treatment (one with places for several patients).",
                    )])
                })?;
        let wanted = Wanted {
            treatment: &treatment,
            provider: Some(request.provider),
            location: Some(request.location),
            start: request.start,
            double_book: false,
        };
        match desk.calendar().schedule_session(&wanted, me).await {
            Ok(id) => Ok(id),
            Err(Refusal::Taken) => {
                let AppError::Rejected(problems) =
                    not_free(&desk, &treatment, request.provider, request.start, None).await
                else {
                    return Err(AppError::Unavailable);
                };
                Err(AppError::Rejected(
                    problems
                        .into_iter()
                        .map(|p| FieldProblem::new("session_time", p.message))
                        .collect(),
                ))
            }
            Err(other) => Err(other.into()),
        }
    }

    pub async fn record(me: &Principal, id: Uuid, outcome: Outcome) -> Result<(), AppError> {
        let desk = Desk::load().await?;
        let row = store::appointment(&desk.state.pool, desk.state.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let status = AppointmentStatus::parse(&row.status).unwrap_or(AppointmentStatus::Cancelled);
        outcome
            .check(status, row.arrived_at.is_some(), row.starts, desk.now)
            .map_err(|why| AppError::Invalid(why.to_owned()))?;
        match desk.calendar().record_outcome(id, outcome, me).await {
            Ok(()) => Ok(()),
            Err(Refusal::Closed) => Err(AppError::Invalid(
                "Someone changed this appointment a moment ago; see its status now.".to_owned(),
            )),
            Err(other) => Err(other.into()),
        }
    }
}
