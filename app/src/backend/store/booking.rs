//! Appointments as Lumen's own calendar keeps them: what the availability engine needs to
//! read, holds, confirmation, moves and cancellations. The exclusion constraints on
//! `appointments` have the last word on overlaps; a broken one comes back as
//! [`Refusal::Taken`].

use crate::backend::audit;
use crate::backend::auth::principal::Principal;
pub use crate::backend::store::booking_emails::Notice;
use crate::backend::store::booking_emails::{self, concerned, Recipient};
use crate::backend::store::closures;
use crate::backend::store::payments::PaymentDue;
use crate::backend::store::reminders;
use crate::domain::appointment::Outcome;
use crate::domain::booking::{Details, DetailsForm, Mode};
use crate::domain::calendar::PatientChoice;
use crate::domain::closures::ClosedDays;
use crate::domain::payment_policy::PaymentPolicy;
use crate::domain::refunds::CancelledBy;
use crate::domain::templates::{BOOKING_CANCELLED, BOOKING_CONFIRMED, BOOKING_MOVED};
use crate::error::AppError;
use chrono::{DateTime, NaiveTime, Utc};
use sqlx::postgres::types::PgRange;
use sqlx::{PgConnection, PgPool};
use std::ops::Bound;
use uuid::Uuid;

/// Why the calendar refused a change.
#[derive(Debug)]
pub enum Refusal {
    /// Someone else holds or has booked an overlapping time (the constraint said so).
    Taken,
    /// No such hold or booking, or not one this link may change.
    NotFound,
    /// The booking is no longer in a state that allows this (already cancelled, past).
    Closed,
    Database(sqlx::Error),
    /// Recording the change failed (its audit row): nothing was changed.
    Failed(AppError),
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        let overlap = error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == "23P01");
        if overlap {
            Refusal::Taken
        } else {
            Refusal::Database(error)
        }
    }
}

/// The clinic's booking rules and how patients reach it.
pub struct Rules {
    pub clinic_name: String,
    pub phone: String,
    pub currency: String,
    pub time_zone: String,
    pub hold_minutes: i32,
    pub slot_minutes: i32,
    pub min_notice_minutes: i32,
    pub horizon_days: i32,
    pub late_cancel_hours: i32,
    /// Whether staff may book over another appointment on purpose.
    pub allow_double_booking: bool,
}

impl Rules {
    /// The clinic's country, from its own phone number: patients' numbers written without
    /// a country code are read as of this one.
    pub fn home(&self) -> Option<crate::domain::phone::CallingCode> {
        crate::domain::phone::CallingCode::of(&self.phone)
    }

    /// The clinic's time zone (settings only ever store a known one).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }
}

pub async fn rules(pool: &PgPool, clinic_id: Uuid) -> Result<Rules, sqlx::Error> {
    sqlx::query_as!(
        Rules,
        "SELECT name AS clinic_name, phone, currency, time_zone, hold_minutes, slot_minutes,
                min_notice_minutes, horizon_days, late_cancel_hours, allow_double_booking
         FROM clinics WHERE id = $1",
        clinic_id
    )
    .fetch_one(pool)
    .await
}

/// A treatment patients can book, with the providers who perform it and have hours at an
/// open location, in the clinic's order.
pub struct Treatment {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub duration_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub price_minor: i64,
    pub offers_in_person: bool,
    pub offers_video: bool,
    pub late_cancel_hours: Option<i32>,
    /// For a group session, how many patients it takes; `None`: one patient at a time.
    pub capacity: Option<i32>,
    pub providers: Vec<(Uuid, String)>,
}

pub async fn treatment(
    pool: &PgPool,
    clinic_id: Uuid,
    slug: &str,
) -> Result<Option<Treatment>, sqlx::Error> {
    let Some(row) = sqlx::query!(
        "SELECT id, slug, name, duration_minutes, buffer_before_minutes, buffer_after_minutes,
                price_minor, offers_in_person, offers_video, late_cancel_hours, capacity
         FROM treatments WHERE clinic_id = $1 AND slug = $2 AND active",
        clinic_id,
        slug
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let providers = sqlx::query!(
        "SELECT p.id, p.display_name FROM providers p
         JOIN provider_treatments pt ON pt.provider_id = p.id AND pt.treatment_id = $2
         WHERE p.clinic_id = $1 AND p.active
           AND EXISTS (SELECT 1 FROM provider_schedules s JOIN locations l ON l.id = s.location_id
                       WHERE s.provider_id = p.id AND l.active)
         ORDER BY p.position, p.display_name",
        clinic_id,
        row.id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| (p.id, p.display_name))
    .collect();
    Ok(Some(Treatment {
        id: row.id,
        slug: row.slug,
        name: row.name,
        duration_minutes: row.duration_minutes,
        buffer_before_minutes: row.buffer_before_minutes,
        buffer_after_minutes: row.buffer_after_minutes,
        price_minor: row.price_minor,
        offers_in_person: row.offers_in_person,
        offers_video: row.offers_video,
        late_cancel_hours: row.late_cancel_hours,
        capacity: row.capacity,
        providers,
    }))
}

/// One range of a provider's week at a location.
pub struct WeekRange {
    pub provider_id: Uuid,
    pub location_id: Uuid,
    pub weekday: i16,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

/// A stretch when a provider (or room) cannot take anything new.
pub struct BusyRow {
    pub provider_id: Option<Uuid>,
    pub room_id: Option<Uuid>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
}

/// Everything the engine needs about `providers` for `treatment_id` between two instants.
pub struct Diaries {
    /// Open locations where these providers work, with their time zones.
    pub locations: Vec<(Uuid, String)>,
    pub weeks: Vec<WeekRange>,
    pub busy: Vec<BusyRow>,
    /// The rooms or devices the treatment can use, by location; `None` when it needs none.
    pub rooms: Option<Vec<(Uuid, Uuid)>>,
    /// The clinic's closed days over the same stretch.
    pub closures: Vec<ClosedDays>,
}

pub async fn diaries(
    pool: &PgPool,
    clinic_id: Uuid,
    treatment_id: Uuid,
    providers: &[Uuid],
    between: (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
    ignoring: Option<Uuid>,
) -> Result<Diaries, sqlx::Error> {
    let locations = sqlx::query!(
        r#"SELECT DISTINCT l.id, coalesce(l.time_zone, c.time_zone) AS "time_zone!"
           FROM provider_schedules s
           JOIN locations l ON l.id = s.location_id
           JOIN clinics c ON c.id = l.clinic_id
           WHERE s.clinic_id = $1 AND s.provider_id = ANY($2) AND l.active"#,
        clinic_id,
        providers
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|l| (l.id, l.time_zone))
    .collect();
    let weeks = sqlx::query_as!(
        WeekRange,
        "SELECT provider_id, location_id, weekday, starts, ends FROM provider_schedules
         WHERE clinic_id = $1 AND provider_id = ANY($2)",
        clinic_id,
        providers
    )
    .fetch_all(pool)
    .await?;
    let treatment_rooms: Vec<(Uuid, Uuid)> = sqlx::query!(
        "SELECT r.id, r.location_id FROM treatment_rooms tr JOIN rooms r ON r.id = tr.room_id
         WHERE tr.clinic_id = $1 AND tr.treatment_id = $2 AND r.active",
        clinic_id,
        treatment_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.location_id))
    .collect();
    let needs_room = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM treatment_rooms WHERE treatment_id = $1) AS "needs!""#,
        treatment_id
    )
    .fetch_one(pool)
    .await?;
    let room_ids: Vec<Uuid> = treatment_rooms.iter().map(|(room, _)| *room).collect();
    let window = PgRange {
        start: Bound::Included(between.0),
        end: Bound::Excluded(between.1),
    };
    // Existing appointments and live holds, each over the period it blocks (its own time
    // and its treatment's buffers, stored as it was placed: what the database's no-overlap
    // constraints guard). An expired hold (or a booking not paid in time) no longer
    // counts, even before the worker releases it.
    let mut busy = sqlx::query_as!(
        BusyRow,
        r#"SELECT a.provider_id AS "provider_id?", a.room_id,
                  lower(a.blocked) AS "starts!", upper(a.blocked) AS "ends!"
           FROM appointments a
           WHERE a.clinic_id = $1 AND a.status <> 'cancelled'
             AND NOT (a.status IN ('held', 'pending_payment') AND a.hold_expires_at <= $5)
             AND a.blocked && $4
             AND (a.provider_id = ANY($2) OR a.room_id = ANY($3))
             AND a.id IS DISTINCT FROM $6"#,
        clinic_id,
        providers,
        &room_ids,
        window.clone(),
        now,
        ignoring
    )
    .fetch_all(pool)
    .await?;
    busy.extend(
        sqlx::query_as!(
            BusyRow,
            r#"SELECT provider_id AS "provider_id?", NULL::uuid AS room_id,
                      lower(period) AS "starts!", upper(period) AS "ends!"
               FROM time_off
               WHERE clinic_id = $1 AND provider_id = ANY($2) AND period && $3"#,
            clinic_id,
            providers,
            window
        )
        .fetch_all(pool)
        .await?,
    );
    let closures = closures::around(pool, clinic_id, between).await?;
    Ok(Diaries {
        locations,
        weeks,
        busy,
        rooms: needs_room.then_some(treatment_rooms),
        closures,
    })
}

/// Where and when a hold or a move asks to be.
pub struct Placement {
    pub treatment_id: Uuid,
    pub provider_id: Uuid,
    pub location_id: Uuid,
    pub room_id: Option<Uuid>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Booked over another appointment on purpose (staff, where the clinic allows it):
    /// the no-overlap constraints leave it out.
    pub double_booked: bool,
}

impl Placement {
    fn period(&self) -> PgRange<DateTime<Utc>> {
        PgRange {
            start: Bound::Included(self.start),
            end: Bound::Excluded(self.end),
        }
    }
}

/// Releases expired holds that stand in the way of `placement`, so a hold nobody
/// confirmed never blocks the time even before the worker has run.
async fn release_expired_in_the_way(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    placement: &Placement,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE appointments SET status = 'cancelled', hold_expires_at = NULL,
                status_changed_at = $5
         WHERE clinic_id = $1 AND status IN ('held', 'pending_payment')
           AND hold_expires_at <= $5 AND blocked && blocked_period($6, $4)
           AND (provider_id = $2 OR room_id = $3)",
        clinic_id,
        placement.provider_id,
        placement.room_id,
        placement.period(),
        now,
        placement.treatment_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Holds `placement` until `expires_at` for the link whose hash is `token_hash`. When that
/// link already holds a time (the patient went back and chose another), the same hold
/// moves, keeping what they typed.
pub async fn hold(
    pool: &PgPool,
    clinic_id: Uuid,
    placement: &Placement,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Uuid, Refusal> {
    let mut tx = pool.begin().await?;
    release_expired_in_the_way(&mut tx, clinic_id, placement, now).await?;
    let moved = sqlx::query_scalar!(
        "UPDATE appointments
         SET treatment_id = $3, provider_id = $4, location_id = $5, room_id = $6, period = $7,
             status = 'held', hold_expires_at = $8, status_changed_at = $9
         WHERE clinic_id = $1 AND access_token_hash = $2 AND patient_id IS NULL
         RETURNING id",
        clinic_id,
        token_hash,
        placement.treatment_id,
        placement.provider_id,
        placement.location_id,
        placement.room_id,
        placement.period(),
        expires_at,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    let id = match moved {
        Some(id) => {
            // A booking that was waiting for its payment is a plain hold again: the old
            // checkout no longer books it (paid anyway, it is refunded).
            super::payments::expire_open(&mut tx, id).await?;
            id
        }
        None => {
            sqlx::query_scalar!(
                "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id,
                                           room_id, status, period, hold_expires_at,
                                           access_token_hash, created_at, status_changed_at)
                 VALUES ($1, $2, $3, $4, $5, 'held', $6, $7, $8, $9, $9)
                 RETURNING id",
                clinic_id,
                placement.location_id,
                placement.provider_id,
                placement.treatment_id,
                placement.room_id,
                placement.period(),
                expires_at,
                token_hash,
                now
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    Ok(id)
}

/// A booking as its link shows it: a hold still being filled in, or a made booking.
pub struct Booking {
    pub id: Uuid,
    pub treatment_id: Uuid,
    pub treatment_slug: String,
    pub treatment_name: String,
    pub price_minor: i64,
    pub offers_in_person: bool,
    pub offers_video: bool,
    pub late_cancel_hours: i32,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub location_name: String,
    pub location_address: String,
    pub location_phone: String,
    pub time_zone: String,
    pub status: String,
    pub mode: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// What the patient typed, while it is a hold.
    pub draft: Option<String>,
    pub patient_id: Option<Uuid>,
    pub patient_email: Option<String>,
    /// Raised by every move and the cancellation: calendars replace older copies.
    pub calendar_sequence: i32,
}

/// The hold (`holds` true) or made booking (`false`) the link with `token_hash` names.
pub async fn by_link(
    pool: &PgPool,
    clinic_id: Uuid,
    token_hash: &[u8],
    holds: bool,
) -> Result<Option<Booking>, sqlx::Error> {
    sqlx::query_as!(
        Booking,
        r#"SELECT a.id, a.treatment_id, t.slug AS treatment_slug, t.name AS treatment_name,
                  t.price_minor, t.offers_in_person, t.offers_video,
                  coalesce(t.late_cancel_hours, c.late_cancel_hours) AS "late_cancel_hours!",
                  a.provider_id, p.display_name AS provider_name, l.name AS location_name,
                  concat_ws(', ', l.address_line1, nullif(l.address_line2, ''), l.city, l.postcode) AS "location_address!",
                  l.phone AS location_phone,
                  coalesce(l.time_zone, c.time_zone) AS "time_zone!",
                  a.status::text AS "status!", a.mode::text AS "mode!",
                  lower(a.period) AS "starts!", upper(a.period) AS "ends!",
                  a.hold_expires_at, a.draft::text AS draft, a.patient_id,
                  pa.email AS "patient_email?", a.calendar_sequence
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = a.clinic_id
           LEFT JOIN patients pa ON pa.id = a.patient_id
           WHERE a.clinic_id = $1 AND a.access_token_hash = $2
             AND (a.patient_id IS NULL) = $3"#,
        clinic_id,
        token_hash,
        holds
    )
    .fetch_optional(pool)
    .await
}

/// Keeps what the patient typed with their hold, checked or not, so a refused form or a
/// lost race never loses it.
pub async fn save_draft(
    pool: &PgPool,
    clinic_id: Uuid,
    token_hash: &[u8],
    draft: &DetailsForm,
) -> Result<bool, sqlx::Error> {
    let json = serde_json::to_string(draft).unwrap_or_default();
    let mut tx = pool.begin().await?;
    let saved = sqlx::query_scalar!(
        r#"UPDATE appointments SET draft = $3::text::jsonb,
                status = CASE WHEN status = 'pending_payment' THEN 'held' ELSE status END
         WHERE clinic_id = $1 AND access_token_hash = $2 AND patient_id IS NULL
         RETURNING id"#,
        clinic_id,
        token_hash,
        json
    )
    .fetch_optional(&mut *tx)
    .await?;
    // Changed details are not what the open checkout was for: it no longer books this.
    if let Some(id) = saved {
        super::payments::expire_open(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(saved.is_some())
}

/// Who is making the booking: a signed-in patient's account, or a guest.
pub enum Booker {
    Account(Uuid),
    Guest,
}

/// Turns the hold into a confirmed booking for the patient the details name, with a new
/// link (`manage_hash`) so the hold's address stops working. A hold that expired and was
/// released is booked all the same if nobody took the time meanwhile.
/// What confirming a hold needs: the hold's link, the patient, and the new link.
pub struct Confirmation<'a> {
    pub hold_hash: &'a [u8],
    pub details: &'a Details,
    pub booker: Booker,
    pub manage_hash: &'a [u8],
    pub notice: Notice<'a>,
}

/// What confirming a hold came to.
pub enum Booked {
    /// Booked; the confirmation is on its way to the patient.
    Confirmed(Uuid),
    /// The clinic asks for money first: the booking waits for its payment, which the
    /// patient makes at the processor's checkout.
    AwaitingPayment(PaymentDue),
}

pub async fn confirm(
    pool: &PgPool,
    clinic_id: Uuid,
    confirmation: Confirmation<'_>,
    now: DateTime<Utc>,
) -> Result<Booked, Refusal> {
    let Confirmation {
        hold_hash,
        details,
        booker,
        manage_hash,
        notice,
    } = confirmation;
    let mut tx = pool.begin().await?;
    let Some(id) = sqlx::query_scalar!(
        "SELECT id FROM appointments
         WHERE clinic_id = $1 AND access_token_hash = $2 AND patient_id IS NULL FOR UPDATE",
        clinic_id,
        hold_hash
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(Refusal::NotFound);
    };
    let account = match booker {
        Booker::Account(user_id) => Some((
            user_id,
            patient_of_account(&mut *tx, clinic_id, user_id)
                .await?
                .ok_or(Refusal::NotFound)?,
        )),
        Booker::Guest => None,
    };
    let held = amount_due(&mut tx, clinic_id, id, account.map(|(_, patient)| patient)).await?;
    let due = held.amount_minor;
    if due > 0 {
        let description = if due < held.price_minor {
            format!("Deposit: {}", held.treatment)
        } else {
            held.treatment.clone()
        };
        let payment = super::payments::await_payment(
            &mut tx,
            clinic_id,
            super::payments::Awaited {
                appointment_id: id,
                booking_account: account.map(|(user_id, _)| user_id),
                policy: &held.policy,
                amount_minor: due,
                description: &description,
                customer_email: details.email.as_str(),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(Booked::AwaitingPayment(payment));
    }
    let patient_id = match account {
        Some((_, patient_id)) => patient_id,
        None => find_or_add_patient(&mut tx, clinic_id, &details.as_guest(), now).await?,
    };
    book_in(
        &mut tx,
        clinic_id,
        id,
        Patient {
            id: patient_id,
            account: account.map(|(user_id, _)| user_id),
            details,
        },
        manage_hash,
        &notice,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Booked::Confirmed(id))
}

/// What booking appointment `id` asks online, by the clinic's payment policy.
pub struct AmountDue {
    pub amount_minor: i64,
    pub price_minor: i64,
    pub treatment: String,
    pub policy: PaymentPolicy,
}

/// What booking appointment `id` asks online for `patient` (`None`: a guest, who counts as
/// new: asking whether an email has visited before would tell anyone who types it).
pub async fn amount_due(
    conn: &mut PgConnection,
    clinic_id: Uuid,
    id: Uuid,
    patient: Option<Uuid>,
) -> Result<AmountDue, Refusal> {
    let treatment = sqlx::query!(
        "SELECT t.name, t.price_minor, t.payment_rule, t.deposit_minor, t.deposit_percent
         FROM appointments a JOIN treatments t ON t.id = a.treatment_id
         WHERE a.clinic_id = $1 AND a.id = $2",
        clinic_id,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let policy = super::payment_policy::load(&mut *conn, clinic_id)
        .await
        .map_err(Refusal::Failed)?;
    let own_rule = super::payment_policy::stored_charge(
        treatment.payment_rule.as_deref(),
        treatment.deposit_minor,
        treatment.deposit_percent,
    )
    .map_err(Refusal::Failed)?;
    let first_visit = match patient {
        Some(patient_id) => !has_visited(conn, patient_id, id).await?,
        None => true,
    };
    Ok(AmountDue {
        amount_minor: policy.due_online(treatment.price_minor, own_rule, first_visit),
        price_minor: treatment.price_minor,
        treatment: treatment.name,
        policy,
    })
}

/// Whether the patient has an appointment other than `except` that was (or is) booked.
async fn has_visited(
    tx: &mut PgConnection,
    patient_id: Uuid,
    except: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM appointments
               WHERE patient_id = $1 AND id <> $2
                 AND status IN ('confirmed', 'completed', 'no_show')) AS "visited!""#,
        patient_id,
        except
    )
    .fetch_one(&mut *tx)
    .await
}

/// Who a booking is for, as confirming it attaches them.
pub struct Patient<'a> {
    pub id: Uuid,
    /// The signed-in patient's account that made it; `None`: a guest, by link.
    pub account: Option<Uuid>,
    pub details: &'a Details,
}

/// Books the held (or paid-for) appointment `id` for `patient`: confirmed, its link now
/// `manage_hash`, the confirmation queued and the reminders planned, in `tx`.
pub async fn book_in(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    id: Uuid,
    patient: Patient<'_>,
    manage_hash: &[u8],
    notice: &Notice<'_>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let details = patient.details;
    sqlx::query!(
        "UPDATE appointments
         SET patient_id = $2, status = 'confirmed', hold_expires_at = NULL,
             mode = ($3::text)::appointment_mode, notes = $4, access_token_hash = $5,
             draft = NULL, booked_at = $6, status_changed_at = $6, status_changed_by = $7,
             booking_account = NULL
         WHERE id = $1",
        id,
        patient.id,
        details.mode.as_str(),
        details.notes,
        manage_hash,
        now,
        patient.account
    )
    .execute(&mut *tx)
    .await?;
    let via = if patient.account.is_some() {
        "patient"
    } else {
        "manage_link"
    };
    record_change(tx, id, "booked", patient.account, via, now).await?;
    let recipient = Recipient {
        email: details.email.as_str().to_owned(),
        first_name: details.first_name.clone(),
    };
    booking_emails::send(
        tx,
        clinic_id,
        id,
        &BOOKING_CONFIRMED,
        &[recipient],
        notice,
        None,
        None,
        now,
    )
    .await?;
    reminders::schedule(tx, clinic_id, id, notice.manage_link, now).await?;
    Ok(())
}

/// The clinic's record of who a booking is for. Someone staff book by name gets the
/// record that already has their email address (its name left as the clinic knows it,
/// a missing phone filled in), or a new one. A guest online always gets a new record, marked as theirs:
/// typing an address proves nothing, so it never writes into the record (or the account)
/// of whoever owns it. Staff merge the two once they know it is the same person.
pub(crate) async fn find_or_add_patient(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    patient: &PatientChoice,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    let (person, guest) = match patient {
        PatientChoice::Existing(id) => return Ok(*id),
        PatientChoice::New(person) => (person, false),
        PatientChoice::Guest(person) => (person, true),
    };
    if !guest {
        // The clinic's own record before any a guest made.
        let known = sqlx::query_scalar!(
            "SELECT id FROM patients WHERE clinic_id = $1 AND lower(email) = lower($2)
             ORDER BY booked_as_guest, created_at LIMIT 1",
            clinic_id,
            person.email.as_str()
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = known {
            sqlx::query!(
                "UPDATE patients SET phone = $2 WHERE id = $1 AND phone = ''",
                id,
                person.phone
            )
            .execute(&mut *tx)
            .await?;
            return Ok(id);
        }
    }
    sqlx::query_scalar!(
        "INSERT INTO patients (clinic_id, first_name, last_name, email, phone, created_at,
                               booked_as_guest)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        clinic_id,
        person.first_name,
        person.last_name,
        person.email.as_str(),
        person.phone,
        now,
        guest
    )
    .fetch_one(&mut *tx)
    .await
}

async fn record_change(
    tx: &mut PgConnection,
    appointment_id: Uuid,
    change: &str,
    by: Option<Uuid>,
    via: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO appointment_changes (clinic_id, appointment_id, change, status, period,
                                          changed_at, changed_by, via)
         SELECT clinic_id, id, $2, status, period, $3, $4, $5 FROM appointments WHERE id = $1",
        appointment_id,
        change,
        now,
        by,
        via
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Who changes a booking, for its history.
pub enum Changer<'a> {
    /// Whoever holds the link from the confirmation.
    ManageLink,
    /// A member of staff; the change is in the audit log too, in the same transaction.
    Staff(&'a Principal),
    /// A member of staff passing on the patient's own cancellation (they phoned, say):
    /// audited as staff's, and paid for as the patient's.
    StaffForPatient(&'a Principal),
    /// Another system, through the REST API with a key: audited with the key as the actor.
    Integration(&'a Integration<'a>),
}

/// A change made through the REST API: which key, in which request, and, for a
/// cancellation, whose it is (it decides whether the patient's payment goes back).
pub struct Integration<'a> {
    pub key: &'a super::api_keys::ApiKey,
    pub clinic_id: Uuid,
    pub request_id: &'a str,
    pub cancelled_by: CancelledBy,
}

impl Changer<'_> {
    fn user_id(&self) -> Option<Uuid> {
        match self {
            Changer::ManageLink | Changer::Integration(_) => None,
            Changer::Staff(staff) | Changer::StaffForPatient(staff) => Some(staff.user_id),
        }
    }

    /// A cancellation through the booking's link is the patient's, and so is one staff
    /// record for them; staff's own is the clinic's.
    fn cancelled_by(&self) -> CancelledBy {
        match self {
            Changer::ManageLink | Changer::StaffForPatient(_) => CancelledBy::Patient,
            Changer::Staff(_) => CancelledBy::Clinic,
            Changer::Integration(change) => change.cancelled_by,
        }
    }
}

/// Records `change` in the appointment's history, and for staff in the audit log.
async fn changed(
    tx: &mut PgConnection,
    appointment_id: Uuid,
    change: &str,
    by: &Changer<'_>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    match by {
        Changer::ManageLink => {
            record_change(tx, appointment_id, change, None, "manage_link", now).await?;
        }
        Changer::Staff(staff) | Changer::StaffForPatient(staff) => {
            record_change(
                tx,
                appointment_id,
                change,
                Some(staff.user_id),
                "staff",
                now,
            )
            .await?;
            audit::append_for_request(tx, staff, change, "appointment", Some(appointment_id))
                .await
                .map_err(Refusal::Failed)?;
        }
        Changer::Integration(integration) => {
            record_change(tx, appointment_id, change, None, "api", now).await?;
            let entry = super::api_keys::entry_for(
                integration.key,
                integration.clinic_id,
                change,
                "appointment",
                Some(appointment_id),
                now,
                integration.request_id,
            );
            audit::append(tx, entry).await?;
        }
    }
    Ok(())
}

/// Moves a booking to `placement`; the constraints refuse a time someone else has.
pub async fn reschedule(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
    placement: &Placement,
    by: &Changer<'_>,
    notice: Option<Notice<'_>>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let mut tx = pool.begin().await?;
    release_expired_in_the_way(&mut tx, clinic_id, placement, now).await?;
    // Where it was, for the email that says it moved; read only when one is sent.
    let was = match notice {
        Some(_) => sqlx::query!(
            r#"SELECT lower(period) AS "starts!", upper(period) AS "ends!" FROM appointments
               WHERE clinic_id = $1 AND id = $2"#,
            clinic_id,
            appointment_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| (r.starts, r.ends)),
        None => None,
    };
    let moved = sqlx::query!(
        "UPDATE appointments
         SET provider_id = $3, location_id = $4, room_id = $5, period = $6, double_booked = $7,
             calendar_sequence = calendar_sequence + 1
         WHERE clinic_id = $1 AND id = $2 AND status IN ('confirmed', 'pending_payment')",
        clinic_id,
        appointment_id,
        placement.provider_id,
        placement.location_id,
        placement.room_id,
        placement.period(),
        placement.double_booked
    )
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(Refusal::Closed);
    }
    changed(&mut tx, appointment_id, "moved", by, now).await?;
    reminders::cancel(&mut tx, clinic_id, appointment_id, now).await?;
    let booking_link = notice.as_ref().and_then(|n| n.manage_link);
    reminders::schedule(&mut tx, clinic_id, appointment_id, booking_link, now).await?;
    if let Some(notice) = notice {
        let to = concerned(&mut tx, appointment_id).await?;
        booking_emails::send(
            &mut tx,
            clinic_id,
            appointment_id,
            &BOOKING_MOVED,
            &to,
            &notice,
            was,
            None,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Cancels a booking that is still to come; its time is free at once.
pub async fn cancel(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
    by: &Changer<'_>,
    notice: Option<Notice<'_>>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let mut tx = pool.begin().await?;
    // Read before the seats go: a cancelled group session tells everyone who had one.
    let to = concerned(&mut tx, appointment_id).await?;
    let cancelled = sqlx::query!(
        "UPDATE appointments
         SET status = 'cancelled', status_changed_at = $3, status_changed_by = $4,
             calendar_sequence = calendar_sequence + 1, hold_expires_at = NULL
         WHERE clinic_id = $1 AND id = $2 AND status IN ('confirmed', 'pending_payment')",
        clinic_id,
        appointment_id,
        now,
        by.user_id()
    )
    .execute(&mut *tx)
    .await?;
    if cancelled.rows_affected() != 1 {
        return Err(Refusal::Closed);
    }
    sqlx::query!(
        "UPDATE session_seats SET status = 'cancelled', cancelled_at = $2
         WHERE appointment_id = $1 AND status = 'booked'",
        appointment_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    changed(&mut tx, appointment_id, "cancelled", by, now).await?;
    reminders::cancel(&mut tx, clinic_id, appointment_id, now).await?;
    super::refunds::refund_cancelled(&mut tx, clinic_id, appointment_id, by.cancelled_by(), now)
        .await?;
    if let Some(notice) = notice {
        booking_emails::send(
            &mut tx,
            clinic_id,
            appointment_id,
            &BOOKING_CANCELLED,
            &to,
            &notice,
            None,
            None,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a message about an appointment says of it: when, what, with whom, where, and the
/// clinic's rules for its messages.
pub(crate) struct AppointmentFacts {
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub status: String,
    pub calendar_sequence: i32,
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub address: String,
    pub phone: String,
    pub time_zone: String,
    pub clinic: String,
    pub clinic_email: String,
    pub late_cancel_hours: i32,
    pub treatment_slug: String,
    pub quiet_hours_start: NaiveTime,
    pub quiet_hours_end: NaiveTime,
    pub by_video: bool,
}

pub(crate) async fn appointment_facts(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    appointment_id: Uuid,
) -> Result<Option<AppointmentFacts>, sqlx::Error> {
    sqlx::query_as!(
        AppointmentFacts,
        r#"SELECT lower(a.period) AS "starts!", upper(a.period) AS "ends!",
                  a.status::text AS "status!", a.calendar_sequence,
                  t.name AS treatment, p.display_name AS provider, l.name AS location,
                  concat_ws(', ', l.address_line1, nullif(l.address_line2, ''), l.city, l.postcode) AS "address!",
                  l.phone, coalesce(l.time_zone, c.time_zone) AS "time_zone!",
                  c.name AS clinic, c.email AS clinic_email,
                  coalesce(t.late_cancel_hours, c.late_cancel_hours) AS "late_cancel_hours!",
                  t.slug AS treatment_slug,
                  c.quiet_hours_start, c.quiet_hours_end,
                  a.mode = 'video' AS "by_video!"
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.id = $2"#,
        clinic_id,
        appointment_id
    )
    .fetch_optional(&mut *tx)
    .await
}

/// A booking staff make for a patient of the clinic.
pub struct StaffBooking<'a> {
    pub placement: &'a Placement,
    pub patient: &'a PatientChoice,
    pub mode: Mode,
    pub notes: &'a str,
    /// The link the patient's confirmation carries, to move or cancel it themselves.
    pub manage_hash: &'a [u8],
    pub staff: &'a Principal,
    /// The confirmation to send the patient.
    pub notice: Option<Notice<'a>>,
}

pub async fn book_for_patient(
    pool: &PgPool,
    clinic_id: Uuid,
    booking: StaffBooking<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, Refusal> {
    let StaffBooking {
        placement,
        patient,
        mode,
        notes,
        manage_hash,
        staff,
        notice,
    } = booking;
    let mut tx = pool.begin().await?;
    release_expired_in_the_way(&mut tx, clinic_id, placement, now).await?;
    let patient_id = find_or_add_patient(&mut tx, clinic_id, patient, now).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, room_id,
                                   patient_id, status, mode, period, notes, access_token_hash,
                                   double_booked, booked_at, created_at, status_changed_at,
                                   status_changed_by)
         SELECT $1, $2, $3, $4, $5, p.id, 'confirmed', ($7::text)::appointment_mode, $8, $9,
                $10, $11, $12, $12, $12, $13
         FROM patients p WHERE p.clinic_id = $1 AND p.id = $6
         RETURNING id",
        clinic_id,
        placement.location_id,
        placement.provider_id,
        placement.treatment_id,
        placement.room_id,
        patient_id,
        mode.as_str(),
        placement.period(),
        notes,
        manage_hash,
        placement.double_booked,
        now,
        staff.user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Refusal::NotFound)?;
    changed(&mut tx, id, "booked", &Changer::Staff(staff), now).await?;
    let booking_link = notice.as_ref().and_then(|n| n.manage_link);
    if let Some(notice) = notice {
        let to = concerned(&mut tx, id).await?;
        booking_emails::send(
            &mut tx,
            clinic_id,
            id,
            &BOOKING_CONFIRMED,
            &to,
            &notice,
            None,
            None,
            now,
        )
        .await?;
    }
    reminders::schedule(&mut tx, clinic_id, id, booking_link, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Puts a group session of `capacity` seats in the calendar at `placement`; patients then
/// book its seats. The no-overlap constraints keep the provider (and room) for it.
pub async fn schedule_session(
    pool: &PgPool,
    clinic_id: Uuid,
    placement: &Placement,
    capacity: i32,
    staff: &Principal,
    now: DateTime<Utc>,
) -> Result<Uuid, Refusal> {
    let mut tx = pool.begin().await?;
    release_expired_in_the_way(&mut tx, clinic_id, placement, now).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, room_id,
                                   status, period, capacity, double_booked, booked_at,
                                   created_at, status_changed_at, status_changed_by)
         VALUES ($1, $2, $3, $4, $5, 'confirmed', $6, $7, $8, $9, $9, $9, $10)
         RETURNING id",
        clinic_id,
        placement.location_id,
        placement.provider_id,
        placement.treatment_id,
        placement.room_id,
        placement.period(),
        capacity,
        placement.double_booked,
        now,
        staff.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    changed(&mut tx, id, "booked", &Changer::Staff(staff), now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records how a confirmed appointment went. The caller has checked the outcome fits
/// (`Outcome::check`); the `WHERE` keeps a racing second change from landing twice.
pub async fn record_outcome(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
    outcome: Outcome,
    staff: &Principal,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let mut tx = pool.begin().await?;
    let updated = match outcome {
        Outcome::Arrived => {
            sqlx::query!(
                "UPDATE appointments SET arrived_at = $3
             WHERE clinic_id = $1 AND id = $2 AND status = 'confirmed' AND arrived_at IS NULL",
                clinic_id,
                appointment_id,
                now
            )
            .execute(&mut *tx)
            .await?
        }
        Outcome::Completed | Outcome::NoShow => {
            sqlx::query!(
                "UPDATE appointments
             SET status = ($3::text)::appointment_status, status_changed_at = $4,
                 status_changed_by = $5
             WHERE clinic_id = $1 AND id = $2 AND status = 'confirmed'",
                clinic_id,
                appointment_id,
                outcome.as_str(),
                now,
                staff.user_id
            )
            .execute(&mut *tx)
            .await?
        }
    };
    if updated.rows_affected() != 1 {
        return Err(Refusal::Closed);
    }
    changed(
        &mut tx,
        appointment_id,
        outcome.as_str(),
        &Changer::Staff(staff),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Releases every hold of this clinic that has expired, and deletes released holds (and
/// what their patients typed) a day on; returns how many holds were released. Run by the
/// server's worker; bookings never wait for it.
pub async fn release_expired_holds(
    pool: &PgPool,
    clinic_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let released = sqlx::query!(
        "UPDATE appointments SET status = 'cancelled', hold_expires_at = NULL,
                status_changed_at = $2
         WHERE clinic_id = $1 AND status IN ('held', 'pending_payment')
           AND hold_expires_at <= $2",
        clinic_id,
        now
    )
    .execute(pool)
    .await?
    .rows_affected();
    super::payments::expire_due(pool, clinic_id, now).await?;
    sqlx::query!(
        "DELETE FROM appointments
         WHERE clinic_id = $1 AND status = 'cancelled' AND patient_id IS NULL
           AND capacity IS NULL
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.appointment_id = appointments.id)
           AND status_changed_at <= $2::timestamptz - interval '1 day'",
        clinic_id,
        now
    )
    .execute(pool)
    .await?;
    Ok(released)
}

/// The clinic's record of the patient whose account is `user_id`.
pub async fn patient_of_account<'e>(
    db: impl sqlx::PgExecutor<'e>,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM patients WHERE clinic_id = $1 AND user_id = $2",
        clinic_id,
        user_id
    )
    .fetch_optional(db)
    .await
}

/// What the mode of a stored booking means, for pages.
pub fn stored_mode(raw: &str) -> Mode {
    Mode::parse(raw).unwrap_or(Mode::InPerson)
}

/// A signed-in patient's name, email and phone, to fill the booking form in for them.
pub async fn account_details(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<Option<(String, String, String, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT first_name, last_name, email, phone FROM patients
         WHERE clinic_id = $1 AND user_id = $2",
        clinic_id,
        user_id
    )
    .fetch_optional(pool)
    .await?
    .map(|p| (p.first_name, p.last_name, p.email, p.phone)))
}
