//! The waitlist as the database keeps it: who waits and for what, the offers a round makes
//! (each a hold Lumen placed, offered to a few patients at once), taking an offer (the
//! first to take it gets the hold; the others are told it has gone), leaving, and the list
//! staff keep.

use super::booking::{appointment_facts, find_or_add_patient, patient_of_account};
use super::{outbox, templates};
use crate::backend::auth::session::Token;
use crate::backend::templates::{compose, Values, Wording};
use crate::domain::booking::{when, DetailsForm};
use crate::domain::calendar::{NewPatient, PatientChoice};
use crate::domain::templates::{Kind, WAITLIST_GONE, WAITLIST_JOINED, WAITLIST_OFFER};
use crate::domain::waitlist::{FreeTime, Joining, Waiting, Wish};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::postgres::types::PgRange;
use sqlx::{PgConnection, PgPool};
use std::ops::Bound;
use uuid::Uuid;

/// The page where an offer is taken (or the waitlist left), opened by its link's token.
pub fn offer_link(public_url: &str, token: &Token) -> String {
    format!("{public_url}/waitlist/offer?token={}", token.as_str())
}

/// The page where a patient leaves the waitlist, opened by the link in their first email.
pub fn leave_link(public_url: &str, token: &Token) -> String {
    format!("{public_url}/waitlist/leave?token={}", token.as_str())
}

fn wish_of(
    provider: Option<Uuid>,
    weekdays: &[i16],
    earliest: NaiveTime,
    latest: NaiveTime,
    last_day: NaiveDate,
) -> Wish {
    Wish {
        provider,
        weekdays: weekdays
            .iter()
            .filter_map(|day| u8::try_from(*day).ok())
            .collect(),
        earliest,
        latest,
        last_day,
    }
}

/// Puts the patient on the waitlist for `treatment_id`: a signed-in patient's own record
/// (`account`), or a guest's record of its own, as a guest booking makes. The email saying
/// so, with the link to leave, is written in the same transaction.
pub async fn join(
    pool: &PgPool,
    clinic_id: Uuid,
    treatment_id: Uuid,
    joining: &Joining,
    account: Option<Uuid>,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let patient_id = match account {
        Some(user_id) => match patient_of_account(&mut *tx, clinic_id, user_id).await? {
            Some(patient) => patient,
            None => return Ok(None),
        },
        None => {
            let guest = PatientChoice::Guest(NewPatient {
                first_name: joining.first_name.clone(),
                last_name: joining.last_name.clone(),
                email: joining.email.clone(),
                phone: joining.phone.clone(),
            });
            find_or_add_patient(&mut tx, clinic_id, &guest, now).await?
        }
    };
    let leave = Token::generate();
    let weekdays: Vec<i16> = joining
        .wish
        .weekdays
        .iter()
        .map(|d| i16::from(*d))
        .collect();
    let entry = sqlx::query_scalar!(
        "INSERT INTO waitlist_entries (clinic_id, patient_id, treatment_id, provider_id, weekdays,
                                       earliest, latest, last_day, leave_token_hash,
                                       created_at, status_changed_at, by_sms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
         RETURNING id",
        clinic_id,
        patient_id,
        treatment_id,
        joining.wish.provider,
        &weekdays,
        joining.wish.earliest,
        joining.wish.latest,
        joining.wish.last_day,
        leave.hash(),
        now,
        joining.by_sms
    )
    .fetch_one(&mut *tx)
    .await?;
    // A signed-in patient's own record may have no phone yet: the one they gave is kept.
    if joining.by_sms {
        sqlx::query!(
            "UPDATE patients SET phone = $2 WHERE id = $1 AND phone = ''",
            patient_id,
            joining.phone
        )
        .execute(&mut *tx)
        .await?;
    }
    let facts = sqlx::query!(
        r#"SELECT t.name AS treatment, c.name AS clinic, c.phone, p.first_name, p.email
           FROM waitlist_entries w
           JOIN treatments t ON t.id = w.treatment_id
           JOIN clinics c ON c.id = w.clinic_id
           JOIN patients p ON p.id = w.patient_id
           WHERE w.id = $1"#,
        entry
    )
    .fetch_one(&mut *tx)
    .await?;
    let values = Values::from([
        ("first_name", facts.first_name),
        ("treatment", facts.treatment),
        ("waiting_for", joining.wish.describe()),
        ("leave_link", leave_link(public_url, &leave)),
        ("phone", facts.phone),
        ("clinic", facts.clinic),
    ]);
    email(
        &mut tx,
        clinic_id,
        &WAITLIST_JOINED,
        &facts.email,
        &values,
        &format!("waitlist:{entry}:joined"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(entry))
}

/// One email of `kind`, in the clinic's wording, once for `cause`.
async fn email(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    kind: &Kind,
    to: &str,
    values: &Values,
    cause: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let custom = templates::custom(tx, clinic_id, kind.kind, "email").await?;
    let Wording { subject, body } = compose(kind, "email", custom, values);
    outbox::enqueue_email_for(
        tx,
        clinic_id,
        outbox::Email {
            kind: kind.kind,
            to,
            subject: &subject,
            body: &body,
        },
        Some(cause),
        None,
        outbox::Timing::at_once(now),
    )
    .await?;
    Ok(())
}

/// Offers nobody took in time lapse; their patients wait on, for other times. So does a
/// patient who took an offer but never booked it (the hold ran out or was released).
pub async fn expire_offers(
    pool: &PgPool,
    clinic_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let lapsed = sqlx::query!(
        "UPDATE waitlist_offers SET status = 'expired', answered_at = $2
         WHERE clinic_id = $1 AND status = 'open' AND expires_at <= $2",
        clinic_id,
        now
    )
    .execute(pool)
    .await?
    .rows_affected();
    sqlx::query!(
        "UPDATE waitlist_entries w SET status = 'waiting', status_changed_at = $2
         WHERE w.clinic_id = $1 AND w.status = 'taken'
           AND NOT EXISTS (
               SELECT 1 FROM waitlist_offers o JOIN appointments a ON a.id = o.appointment_id
               WHERE o.entry_id = w.id AND o.status = 'taken'
                 AND (a.patient_id IS NOT NULL
                      OR (a.status IN ('held', 'pending_payment') AND a.hold_expires_at > $2)))",
        clinic_id,
        now
    )
    .execute(pool)
    .await?;
    Ok(lapsed)
}

/// Everyone waiting for a treatment up to a day not yet past, first come first, with the
/// treatment's slug.
pub async fn waiting(
    pool: &PgPool,
    clinic_id: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Waiting)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT w.id, t.slug, w.provider_id, w.weekdays, w.earliest, w.latest, w.last_day,
                  coalesce(array_agg(o.provider_id) FILTER (WHERE o.id IS NOT NULL), '{}') AS "offered_providers!",
                  coalesce(array_agg(lower(o.period)) FILTER (WHERE o.id IS NOT NULL), '{}') AS "offered_starts!",
                  bool_or(o.status = 'open' AND o.expires_at > $3) AS open_offer
           FROM waitlist_entries w
           JOIN treatments t ON t.id = w.treatment_id AND t.active
           LEFT JOIN waitlist_offers o ON o.entry_id = w.id
           WHERE w.clinic_id = $1 AND w.status = 'waiting' AND w.last_day >= $2
           GROUP BY w.id, t.slug
           ORDER BY w.created_at, w.id"#,
        clinic_id,
        today,
        now
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.slug,
                Waiting {
                    entry: r.id,
                    wish: wish_of(r.provider_id, &r.weekdays, r.earliest, r.latest, r.last_day),
                    offered: r
                        .offered_providers
                        .into_iter()
                        .zip(r.offered_starts)
                        .collect(),
                    has_open_offer: r.open_offer.unwrap_or(false),
                },
            )
        })
        .collect())
}

/// A time Lumen holds (`hold`, the appointment), to offer to waiting patients (`entries`)
/// until `until`.
pub struct Offered<'a> {
    pub hold: Uuid,
    pub time: &'a FreeTime,
    pub entries: &'a [Uuid],
    pub until: DateTime<Utc>,
}

/// Offers a held time to each of its patients: an offer each with its own link, and an
/// email each, in one transaction.
pub async fn offer(
    pool: &PgPool,
    clinic_id: Uuid,
    offered: Offered<'_>,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Offered {
        hold,
        time,
        entries,
        until,
    } = offered;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE appointments SET hold_expires_at = $2 WHERE id = $1 AND status = 'held'",
        hold,
        until
    )
    .execute(&mut *tx)
    .await?;
    let Some(a) = appointment_facts(&mut tx, clinic_id, hold).await? else {
        return Err(sqlx::Error::RowNotFound);
    };
    let zone = a.time_zone.parse::<Tz>().unwrap_or(chrono_tz::UTC);
    let period = PgRange {
        start: Bound::Included(time.start),
        end: Bound::Excluded(time.end),
    };
    for entry in entries {
        let token = Token::generate();
        let offer = sqlx::query_scalar!(
            "INSERT INTO waitlist_offers (clinic_id, entry_id, appointment_id, provider_id, period,
                                          token_hash, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            clinic_id,
            entry,
            hold,
            time.provider,
            period.clone(),
            token.hash(),
            until,
            now
        )
        .fetch_one(&mut *tx)
        .await?;
        let patient = sqlx::query!(
            r#"SELECT p.first_name, p.email, p.phone,
                      w.by_sms AND p.phone <> '' AND NOT EXISTS (
                          SELECT 1 FROM message_opt_outs o
                          WHERE o.clinic_id = p.clinic_id AND o.phone = p.phone AND o.channel = 'sms') AS "by_sms!"
               FROM waitlist_entries w
               JOIN patients p ON p.id = w.patient_id WHERE w.id = $1"#,
            entry
        )
        .fetch_one(&mut *tx)
        .await?;
        let values = Values::from([
            ("first_name", patient.first_name),
            ("treatment", a.treatment.clone()),
            ("provider", a.provider.clone()),
            ("when", when(a.starts, a.ends, zone)),
            ("location", a.location.clone()),
            (
                "held_until",
                until.with_timezone(&zone).format("%H:%M").to_string(),
            ),
            ("others", (entries.len() - 1).to_string()),
            ("offer_link", offer_link(public_url, &token)),
            ("phone", a.phone.clone()),
            ("clinic", a.clinic.clone()),
        ]);
        email(
            &mut tx,
            clinic_id,
            &WAITLIST_OFFER,
            &patient.email,
            &values,
            &format!("waitlist-offer:{offer}"),
            now,
        )
        .await?;
        if patient.by_sms {
            text(&mut tx, clinic_id, &patient.phone, values, offer, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The text that goes with an offer's email. A text is stored as sent and never redacted,
/// so it carries no link: it sends the patient to the email.
async fn text(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    phone: &str,
    mut values: Values,
    offer: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    values.remove("offer_link");
    let custom = templates::custom(tx, clinic_id, WAITLIST_OFFER.kind, "sms").await?;
    let body = compose(&WAITLIST_OFFER, "sms", custom, &values).body;
    outbox::enqueue_text(
        tx,
        clinic_id,
        outbox::Text {
            channel: "sms",
            kind: WAITLIST_OFFER.kind,
            to: phone,
            body: &body,
            variables: &serde_json::json!(values),
        },
        &format!("waitlist-offer:{offer}"),
        outbox::Timing::at_once(now),
    )
    .await?;
    Ok(())
}

/// What became of taking an offer.
#[derive(Debug, PartialEq, Eq)]
pub enum Taking {
    /// The hold is the patient's now, under the new link, with their details filled in.
    Held,
    /// Another patient took the time first.
    Gone,
    /// Nobody took it in time, or the patient left the waitlist.
    Lapsed,
    NotFound,
}

/// Takes the offer whose link hashes to `offer_hash`: in one transaction, under a lock on
/// the held appointment so that of two patients taking it at once one wins, the hold
/// passes to the new link `hold_hash` until `hold_until` with `draft` (the patient's
/// details) filled in, and the others it was offered to are told it has gone.
pub async fn take(
    pool: &PgPool,
    clinic_id: Uuid,
    offer_hash: &[u8],
    hold_hash: &[u8],
    hold_until: DateTime<Utc>,
    draft: &DetailsForm,
    now: DateTime<Utc>,
) -> Result<Taking, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let Some(offer) = sqlx::query!(
        "SELECT o.id, o.entry_id, o.appointment_id, o.status, o.expires_at, w.status AS entry_status
         FROM waitlist_offers o JOIN waitlist_entries w ON w.id = o.entry_id
         WHERE o.clinic_id = $1 AND o.token_hash = $2",
        clinic_id,
        offer_hash
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Taking::NotFound);
    };
    // Every taker of this time waits here for the one before: the second sees the first's
    // offer taken.
    let hold = sqlx::query!(
        r#"SELECT status::text AS "status!", patient_id, hold_expires_at FROM appointments
           WHERE id = $1 FOR UPDATE"#,
        offer.appointment_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let taken_by_other = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM waitlist_offers
                          WHERE appointment_id = $1 AND status = 'taken' AND id <> $2) AS "taken!""#,
        offer.appointment_id,
        offer.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if taken_by_other || offer.status == "gone" {
        return Ok(Taking::Gone);
    }
    let still_held = hold.status == "held"
        && hold.patient_id.is_none()
        && hold.hold_expires_at.is_some_and(|until| until > now);
    let open = offer.status == "taken" || (offer.status == "open" && offer.expires_at > now);
    if !still_held || !open || !matches!(offer.entry_status.as_str(), "waiting" | "taken") {
        return Ok(Taking::Lapsed);
    }
    let json = serde_json::to_string(draft).unwrap_or_default();
    sqlx::query!(
        "UPDATE appointments SET access_token_hash = $2, hold_expires_at = $3,
                draft = $4::text::jsonb, status_changed_at = $5
         WHERE id = $1",
        offer.appointment_id,
        hold_hash,
        hold_until,
        json,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE waitlist_offers SET status = 'taken', answered_at = coalesce(answered_at, $2)
         WHERE id = $1",
        offer.id,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE waitlist_entries SET status = 'taken', status_changed_at = $2
         WHERE id = $1 AND status = 'waiting'",
        offer.entry_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    let gone = sqlx::query_scalar!(
        "UPDATE waitlist_offers SET status = 'gone', answered_at = $3
         WHERE appointment_id = $1 AND id <> $2 AND status = 'open'
         RETURNING id",
        offer.appointment_id,
        offer.id,
        now
    )
    .fetch_all(&mut *tx)
    .await?;
    if !gone.is_empty() {
        tell_gone(&mut tx, clinic_id, offer.appointment_id, &gone, now).await?;
    }
    tx.commit().await?;
    Ok(Taking::Held)
}

/// Tells the patients of `offers` that the time went to someone else.
async fn tell_gone(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    appointment_id: Uuid,
    offers: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(a) = appointment_facts(tx, clinic_id, appointment_id).await? else {
        return Ok(());
    };
    let zone = a.time_zone.parse::<Tz>().unwrap_or(chrono_tz::UTC);
    let told = sqlx::query!(
        "SELECT o.id, p.first_name, p.email FROM waitlist_offers o
         JOIN waitlist_entries w ON w.id = o.entry_id
         JOIN patients p ON p.id = w.patient_id
         WHERE o.id = ANY($1)",
        offers
    )
    .fetch_all(&mut *tx)
    .await?;
    for person in told {
        let values = Values::from([
            ("first_name", person.first_name),
            ("treatment", a.treatment.clone()),
            ("when", when(a.starts, a.ends, zone)),
            ("phone", a.phone.clone()),
            ("clinic", a.clinic.clone()),
        ]);
        email(
            tx,
            clinic_id,
            &WAITLIST_GONE,
            &person.email,
            &values,
            &format!("waitlist-offer:{}:gone", person.id),
            now,
        )
        .await?;
    }
    Ok(())
}

/// An offer as its page shows it.
pub struct OfferView {
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub time_zone: String,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub entry_status: String,
    /// The patient's details, to fill in the booking's.
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// Whether another patient took the time.
    pub taken_by_other: bool,
}

pub async fn offer_by_link(
    pool: &PgPool,
    clinic_id: Uuid,
    offer_hash: &[u8],
) -> Result<Option<OfferView>, sqlx::Error> {
    sqlx::query_as!(
        OfferView,
        r#"SELECT t.name AS treatment, pr.display_name AS provider, l.name AS location,
                  lower(o.period) AS "starts!", upper(o.period) AS "ends!",
                  coalesce(l.time_zone, c.time_zone) AS "time_zone!",
                  o.status, o.expires_at, w.status AS entry_status,
                  p.first_name, p.last_name, p.email, p.phone,
                  EXISTS (SELECT 1 FROM waitlist_offers other
                          WHERE other.appointment_id = o.appointment_id AND other.status = 'taken'
                            AND other.id <> o.id) AS "taken_by_other!"
           FROM waitlist_offers o
           JOIN waitlist_entries w ON w.id = o.entry_id
           JOIN patients p ON p.id = w.patient_id
           JOIN treatments t ON t.id = w.treatment_id
           JOIN providers pr ON pr.id = o.provider_id
           JOIN appointments a ON a.id = o.appointment_id
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = o.clinic_id
           WHERE o.clinic_id = $1 AND o.token_hash = $2"#,
        clinic_id,
        offer_hash
    )
    .fetch_optional(pool)
    .await
}

/// Takes the patient off the waitlist, by the link of their first email or of an offer;
/// any offer of theirs still open lapses. `false` when no such link or already off it.
pub async fn leave(
    pool: &PgPool,
    clinic_id: Uuid,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let left = sqlx::query_scalar!(
        "UPDATE waitlist_entries SET status = 'left', status_changed_at = $3
         WHERE clinic_id = $1 AND status = 'waiting'
           AND (leave_token_hash = $2
                OR id = (SELECT entry_id FROM waitlist_offers WHERE token_hash = $2))
         RETURNING id",
        clinic_id,
        token_hash,
        now
    )
    .fetch_optional(pool)
    .await?;
    if let Some(entry) = left {
        close_open_offers(pool, entry, now).await?;
    }
    Ok(left.is_some())
}

async fn close_open_offers(
    pool: &PgPool,
    entry: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE waitlist_offers SET status = 'expired', answered_at = $2
         WHERE entry_id = $1 AND status = 'open'",
        entry,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A line of the staff's waitlist.
pub struct EntryRow {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub patient: String,
    pub treatment: String,
    /// `None`: any provider.
    pub provider: Option<String>,
    pub wish: Wish,
    pub joined: DateTime<Utc>,
    pub offers: i64,
    pub open_offer: bool,
}

/// Everyone still waiting (up to a day not yet past), first come first.
pub async fn list(
    pool: &PgPool,
    clinic_id: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT w.id, w.patient_id, p.first_name || ' ' || p.last_name AS "patient!",
                  t.name AS treatment, pr.display_name AS "provider?",
                  w.provider_id, w.weekdays, w.earliest, w.latest, w.last_day, w.created_at,
                  (SELECT count(*) FROM waitlist_offers o WHERE o.entry_id = w.id) AS "offers!",
                  EXISTS (SELECT 1 FROM waitlist_offers o
                          WHERE o.entry_id = w.id AND o.status = 'open' AND o.expires_at > $3) AS "open_offer!"
           FROM waitlist_entries w
           JOIN patients p ON p.id = w.patient_id
           JOIN treatments t ON t.id = w.treatment_id
           LEFT JOIN providers pr ON pr.id = w.provider_id
           WHERE w.clinic_id = $1 AND w.status = 'waiting' AND w.last_day >= $2
           ORDER BY w.created_at, w.id"#,
        clinic_id,
        today,
        now
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| EntryRow {
            id: r.id,
            patient_id: r.patient_id,
            patient: r.patient,
            treatment: r.treatment,
            provider: r.provider,
            wish: wish_of(r.provider_id, &r.weekdays, r.earliest, r.latest, r.last_day),
            joined: r.created_at,
            offers: r.offers,
            open_offer: r.open_offer,
        })
        .collect())
}

/// Staff take an entry off the waitlist; any open offer of its lapses.
pub async fn remove(
    pool: &PgPool,
    clinic_id: Uuid,
    entry: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query_scalar!(
        "UPDATE waitlist_entries SET status = 'removed', status_changed_at = $3
         WHERE clinic_id = $1 AND id = $2 AND status = 'waiting' RETURNING id",
        clinic_id,
        entry,
        now
    )
    .fetch_optional(pool)
    .await?;
    if removed.is_some() {
        close_open_offers(pool, entry, now).await?;
    }
    Ok(removed.is_some())
}
