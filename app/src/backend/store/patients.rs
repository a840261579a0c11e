//! The clinic's patients as staff see them: found by name, email or phone, with their
//! appointments and the staff's notes. Adding a note is one transaction with its audit row.

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
                  created_at
           FROM patients WHERE clinic_id = $1 AND id = $2"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
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
