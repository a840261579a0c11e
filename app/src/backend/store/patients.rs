//! The clinic's patients as staff see them: found by name, email or phone, with their
//! appointments and the staff's notes. Adding a note is one transaction with its audit row,
//! and so is merging two records of the same person.

use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::phone::{CallingCode, E164};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

pub struct Found {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub next_visit: Option<DateTime<Utc>>,
    pub visits: i64,
}

/// Patients whose name, email or phone contains `search` (all when empty), by last name.
/// Phones are stored in E.164, so a number typed the national way (`home` gives the
/// country) or in part is looked for by its digits.
pub async fn search(
    pool: &PgPool,
    clinic_id: Uuid,
    search: &str,
    limit: i64,
    now: DateTime<Utc>,
    home: Option<CallingCode>,
) -> Result<Vec<Found>, sqlx::Error> {
    let pattern = format!(
        "%{}%",
        search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    // The number as a whole (07700 900123 is +447700900123), and its digits as typed
    // (for part of one); E.164 has nothing LIKE would read as a wildcard.
    let digits: String = search.chars().filter(char::is_ascii_digit).collect();
    let mut phone_patterns = vec![pattern.clone()];
    if digits.len() >= 3 && !search.chars().any(char::is_alphabetic) {
        phone_patterns.push(format!("%{digits}%"));
        if let Ok(number) = E164::parse(search, home) {
            phone_patterns.push(format!("%{}%", number.as_str()));
        }
    }
    sqlx::query_as!(
        Found,
        r#"SELECT pa.id, pa.first_name, pa.last_name, pa.email, pa.phone,
                  (SELECT min(lower(a.period)) FROM appointments a
                   WHERE a.patient_id = pa.id AND a.status IN ('confirmed', 'pending_payment')
                     AND lower(a.period) >= $4) AS next_visit,
                  (SELECT count(*) FROM appointments a
                   WHERE a.patient_id = pa.id AND a.status <> 'cancelled') AS "visits!"
           FROM patients pa
           WHERE pa.clinic_id = $1
             AND (lower(pa.first_name || ' ' || pa.last_name) LIKE $2
                  OR lower(pa.email) LIKE $2 OR pa.phone LIKE ANY($5))
           ORDER BY lower(pa.last_name), lower(pa.first_name), pa.created_at
           LIMIT $3"#,
        clinic_id,
        pattern,
        limit,
        now,
        &phone_patterns
    )
    .fetch_all(pool)
    .await
}

pub struct Patient {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub has_account: bool,
    pub booked_as_guest: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn patient(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<Patient>, sqlx::Error> {
    sqlx::query_as!(
        Patient,
        r#"SELECT id, first_name, last_name, email, phone, user_id IS NOT NULL AS "has_account!",
                  booked_as_guest, created_at
           FROM patients WHERE clinic_id = $1 AND id = $2"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
}

/// The clinic's other records with the patient's email address, oldest first: the same
/// person booked again as a guest, or the record a guest's booking was kept apart from.
pub async fn same_email(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Vec<Patient>, sqlx::Error> {
    sqlx::query_as!(
        Patient,
        r#"SELECT o.id, o.first_name, o.last_name, o.email, o.phone,
                  o.user_id IS NOT NULL AS "has_account!", o.booked_as_guest, o.created_at
           FROM patients p JOIN patients o
             ON o.clinic_id = p.clinic_id AND lower(o.email) = lower(p.email) AND o.id <> p.id
           WHERE p.clinic_id = $1 AND p.id = $2
           ORDER BY o.created_at, o.id"#,
        clinic_id,
        id
    )
    .fetch_all(pool)
    .await
}

/// Why two records cannot be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRefusal {
    /// One of them is not (or no longer) on file.
    NotFound,
    /// A record cannot be merged into itself.
    Same,
    /// Each has its own online account: two people, or one with two accounts to sort out.
    TwoAccounts,
    /// Both have a place at the same group session.
    SameSession,
}

/// Moves everything of record `from` (appointments, places at group sessions, notes,
/// messages received, gallery cases, its account) to record `into`, fills in what `into`
/// lacks (phone, date of birth), and removes `from`: all in one transaction, audited.
pub async fn merge(
    pool: &PgPool,
    clinic_id: Uuid,
    from: Uuid,
    into: Uuid,
    staff: &Principal,
) -> Result<Result<(), MergeRefusal>, AppError> {
    if from == into {
        return Ok(Err(MergeRefusal::Same));
    }
    let mut tx = pool.begin().await?;
    // Both rows locked, in one order, so two merges of the pair cannot cross.
    let records = sqlx::query!(
        "SELECT id, user_id FROM patients WHERE clinic_id = $1 AND id = ANY($2)
         ORDER BY id FOR UPDATE",
        clinic_id,
        &[from, into]
    )
    .fetch_all(&mut *tx)
    .await?;
    if records.len() != 2 {
        return Ok(Err(MergeRefusal::NotFound));
    }
    let accounts: Vec<Uuid> = records.iter().filter_map(|r| r.user_id).collect();
    if accounts.len() == 2 && accounts[0] != accounts[1] {
        return Ok(Err(MergeRefusal::TwoAccounts));
    }
    let shared_session = sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM session_seats a JOIN session_seats b
                 ON b.appointment_id = a.appointment_id
               WHERE a.patient_id = $1 AND b.patient_id = $2
                 AND a.status = 'booked' AND b.status = 'booked') AS "shared!""#,
        from,
        into
    )
    .fetch_one(&mut *tx)
    .await?;
    if shared_session {
        return Ok(Err(MergeRefusal::SameSession));
    }
    for moved in [
        "UPDATE appointments SET patient_id = $3 WHERE clinic_id = $1 AND patient_id = $2",
        "UPDATE session_seats SET patient_id = $3 WHERE clinic_id = $1 AND patient_id = $2",
        "UPDATE patient_notes SET patient_id = $3 WHERE clinic_id = $1 AND patient_id = $2",
        "UPDATE inbound_messages SET patient_id = $3 WHERE clinic_id = $1 AND patient_id = $2",
        "UPDATE cases SET patient_id = $3 WHERE clinic_id = $1 AND patient_id = $2",
    ] {
        sqlx::query(moved)
            .bind(clinic_id)
            .bind(from)
            .bind(into)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query!(
        "UPDATE patients kept
         SET user_id = coalesce(kept.user_id, gone.user_id),
             phone = CASE WHEN kept.phone = '' THEN gone.phone ELSE kept.phone END,
             date_of_birth = coalesce(kept.date_of_birth, gone.date_of_birth),
             booked_as_guest = kept.booked_as_guest AND gone.booked_as_guest
         FROM patients gone
         WHERE kept.clinic_id = $1 AND kept.id = $3 AND gone.id = $2",
        clinic_id,
        from,
        into
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM patients WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        from
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, staff, "merge_away", "patient", Some(from)).await?;
    audit::append_for_request(&mut tx, staff, "merge_into", "patient", Some(into)).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub struct Visit {
    pub id: Uuid,
    pub starts: DateTime<Utc>,
    pub treatment: String,
    pub provider: String,
    pub status: String,
}

/// Every appointment the patient has had or has coming, newest first.
pub async fn visits(
    pool: &PgPool,
    clinic_id: Uuid,
    patient_id: Uuid,
) -> Result<Vec<Visit>, sqlx::Error> {
    sqlx::query_as!(
        Visit,
        r#"SELECT a.id, lower(a.period) AS "starts!", t.name AS treatment,
                  p.display_name AS provider, a.status::text AS "status!"
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           WHERE a.clinic_id = $1 AND a.patient_id = $2
           ORDER BY lower(a.period) DESC"#,
        clinic_id,
        patient_id
    )
    .fetch_all(pool)
    .await
}

pub struct Note {
    pub created_at: DateTime<Utc>,
    pub author: Option<String>,
    pub body: String,
}

/// Staff notes on the patient, newest first.
pub async fn notes(
    pool: &PgPool,
    clinic_id: Uuid,
    patient_id: Uuid,
) -> Result<Vec<Note>, sqlx::Error> {
    sqlx::query_as!(
        Note,
        r#"SELECT n.created_at, u.display_name AS "author?", n.body
           FROM patient_notes n LEFT JOIN users u ON u.id = n.author_id
           WHERE n.clinic_id = $1 AND n.patient_id = $2
           ORDER BY n.created_at DESC, n.id"#,
        clinic_id,
        patient_id
    )
    .fetch_all(pool)
    .await
}

/// Adds a note to the patient's record; `false` when there is no such patient.
pub async fn add_note(
    pool: &PgPool,
    clinic_id: Uuid,
    patient_id: Uuid,
    body: &str,
    author: &Principal,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO patient_notes (clinic_id, patient_id, author_id, body, created_at)
         SELECT $1, id, $3, $4, $5 FROM patients WHERE clinic_id = $1 AND id = $2
         RETURNING id",
        clinic_id,
        patient_id,
        author.user_id,
        body,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    audit::append_for_request(&mut tx, author, "create", "patient_note", Some(id)).await?;
    tx.commit().await?;
    Ok(true)
}

/// The clinic's record for this person, as staff adding them by name would get: the one
/// that already has their email address (a missing phone filled in), or a new one; audited
/// in the same transaction (`audit` names the record once it is known).
pub async fn add_patient(
    pool: &PgPool,
    clinic_id: Uuid,
    person: crate::domain::calendar::NewPatient,
    audit: audit::Entry<'_>,
) -> Result<Uuid, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let choice = crate::domain::calendar::PatientChoice::New(person);
    let id = super::booking::find_or_add_patient(&mut tx, clinic_id, &choice, audit.at).await?;
    let audit = audit::Entry {
        subject_id: Some(id),
        ..audit
    };
    audit::append(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(id)
}
