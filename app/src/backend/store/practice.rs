//! Lumen's ids beside a practice system's (`integrations::practice`): what the system calls
//! each treatment, provider and location, and which reservation or appointment there each
//! Lumen appointment made through it is.

use crate::backend::audit::append_for_request;
use crate::backend::auth::principal::Principal;
use crate::domain::practice_ids::PracticeIds;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// What a Lumen row is in the practice system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Treatment,
    Provider,
    Location,
}

impl Kind {
    fn parse(kind: &str) -> Kind {
        match kind {
            "treatment" => Kind::Treatment,
            "provider" => Kind::Provider,
            _ => Kind::Location,
        }
    }
}

/// A treatment as the system knows it: its service.
pub struct Service {
    pub treatment_id: Uuid,
    pub treatment: String,
    pub service_id: String,
}

/// How the system knows the clinic: each treatment's service, each provider's therapist id,
/// and the location that is its centre, with that location's time zone.
pub struct Mapping {
    pub services: Vec<Service>,
    pub therapists: Vec<(Uuid, String)>,
    pub centre: Option<(Uuid, String)>,
}

impl Mapping {
    pub fn service_of(&self, treatment_id: Uuid) -> Option<&Service> {
        self.services
            .iter()
            .find(|s| s.treatment_id == treatment_id)
    }

    pub fn therapist_of(&self, provider_id: Uuid) -> Option<&str> {
        self.therapists
            .iter()
            .find(|(id, _)| *id == provider_id)
            .map(|(_, therapist)| therapist.as_str())
    }
}

/// Every mapping of the clinic, read at once.
pub async fn mapping(pool: &PgPool, clinic_id: Uuid) -> Result<Mapping, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.kind, m.lumen_id, m.practice_id, t.name AS "treatment?",
                  coalesce(l.time_zone, c.time_zone) AS "time_zone?"
           FROM practice_ids m
           JOIN clinics c ON c.id = m.clinic_id
           LEFT JOIN treatments t ON m.kind = 'treatment' AND t.id = m.lumen_id
           LEFT JOIN locations l ON m.kind = 'location' AND l.id = m.lumen_id
           WHERE m.clinic_id = $1
           ORDER BY m.kind, m.lumen_id"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let mut mapping = Mapping {
        services: Vec::new(),
        therapists: Vec::new(),
        centre: None,
    };
    for row in rows {
        match Kind::parse(&row.kind) {
            Kind::Treatment => mapping.services.push(Service {
                treatment_id: row.lumen_id,
                treatment: row.treatment.unwrap_or_default(),
                service_id: row.practice_id,
            }),
            Kind::Provider => mapping.therapists.push((row.lumen_id, row.practice_id)),
            Kind::Location => {
                mapping.centre = Some((row.lumen_id, row.time_zone.unwrap_or_default()))
            }
        }
    }
    Ok(mapping)
}

/// A treatment, provider or location as the settings screen lists it, with the system's id
/// for it (for a location: the centre's, when it is the centre).
pub struct Known {
    pub kind: Kind,
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub practice_id: Option<String>,
}

/// Every treatment, provider and location of the clinic, offered ones first, by name.
pub async fn known(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<Known>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT row.kind AS "kind!", row.id AS "id!", row.name AS "name!", row.active AS "active!",
                  m.practice_id AS "practice_id?"
           FROM (SELECT 'treatment' AS kind, id, name, active FROM treatments
                 WHERE clinic_id = $1
                 UNION ALL
                 SELECT 'provider', id, display_name, active FROM providers
                 WHERE clinic_id = $1
                 UNION ALL
                 SELECT 'location', id, name, active FROM locations
                 WHERE clinic_id = $1) AS row
           LEFT JOIN practice_ids m
                  ON m.clinic_id = $1 AND m.kind = row.kind AND m.lumen_id = row.id
           ORDER BY row.kind, row.active DESC, row.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Known {
            kind: Kind::parse(&row.kind),
            id: row.id,
            name: row.name,
            active: row.active,
            practice_id: row.practice_id,
        })
        .collect())
}

/// Why a mapping was not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSaved {
    /// A row the form named is not the clinic's (deleted since the page was loaded).
    UnknownRow,
}

/// Replaces the clinic's whole mapping with `ids` (the centre's location tied to `centre`,
/// the system's name for it), audited, in one transaction: all of it or none.
pub async fn replace_ids(
    pool: &PgPool,
    clinic_id: Uuid,
    ids: &PracticeIds,
    centre: &str,
    by: &Principal,
) -> Result<Result<(), NotSaved>, AppError> {
    let (treatments, services): (Vec<Uuid>, Vec<String>) = ids.services.iter().cloned().unzip();
    let (providers, therapists): (Vec<Uuid>, Vec<String>) = ids.therapists.iter().cloned().unzip();
    let mut tx = pool.begin().await?;
    sqlx::query!("DELETE FROM practice_ids WHERE clinic_id = $1", clinic_id)
        .execute(&mut *tx)
        .await?;
    let mut saved = sqlx::query!(
        "INSERT INTO practice_ids (clinic_id, kind, lumen_id, practice_id)
         SELECT $1, 'treatment', t.id, m.practice_id
         FROM unnest($2::uuid[], $3::text[]) AS m (lumen_id, practice_id)
         JOIN treatments t ON t.clinic_id = $1 AND t.id = m.lumen_id",
        clinic_id,
        &treatments,
        &services
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    saved += sqlx::query!(
        "INSERT INTO practice_ids (clinic_id, kind, lumen_id, practice_id)
         SELECT $1, 'provider', p.id, m.practice_id
         FROM unnest($2::uuid[], $3::text[]) AS m (lumen_id, practice_id)
         JOIN providers p ON p.clinic_id = $1 AND p.id = m.lumen_id",
        clinic_id,
        &providers,
        &therapists
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if let Some(location) = ids.centre {
        saved += sqlx::query!(
            "INSERT INTO practice_ids (clinic_id, kind, lumen_id, practice_id)
             SELECT $1, 'location', id, $3 FROM locations WHERE clinic_id = $1 AND id = $2",
            clinic_id,
            location,
            centre
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    let wanted = treatments.len() + providers.len() + usize::from(ids.centre.is_some());
    if saved != wanted as u64 {
        // Dropping the transaction rolls it back: the mapping stays as it was.
        return Ok(Err(NotSaved::UnknownRow));
    }
    append_for_request(&mut tx, by, "update", "practice_ids", None).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Which of the system's appointments `ids` are Lumen bookings.
pub async fn counterparts(
    pool: &PgPool,
    clinic_id: Uuid,
    ids: &[String],
) -> Result<std::collections::HashSet<String>, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        r#"SELECT practice_appointment_id AS "id!" FROM practice_appointments
           WHERE clinic_id = $1 AND practice_appointment_id = ANY($2)"#,
        clinic_id,
        ids
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect())
}

/// Where a Lumen appointment stands in the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counterpart {
    /// A hold: the slot reserved there.
    Reservation(String),
    /// A booking: the appointment there.
    Appointment(String),
}

pub async fn counterpart(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
) -> Result<Option<Counterpart>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT reservation_id, practice_appointment_id FROM practice_appointments
         WHERE clinic_id = $1 AND appointment_id = $2",
        clinic_id,
        appointment_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(
        |row| match (row.reservation_id, row.practice_appointment_id) {
            (Some(reservation), _) => Some(Counterpart::Reservation(reservation)),
            (None, Some(appointment)) => Some(Counterpart::Appointment(appointment)),
            (None, None) => None,
        },
    ))
}

/// Records where a Lumen appointment now stands in the system.
pub async fn set_counterpart(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
    counterpart: &Counterpart,
) -> Result<(), sqlx::Error> {
    let (reservation, appointment) = match counterpart {
        Counterpart::Reservation(id) => (Some(id.as_str()), None),
        Counterpart::Appointment(id) => (None, Some(id.as_str())),
    };
    sqlx::query!(
        "INSERT INTO practice_appointments
             (appointment_id, clinic_id, reservation_id, practice_appointment_id)
         VALUES ($2, $1, $3, $4)
         ON CONFLICT (appointment_id)
         DO UPDATE SET reservation_id = $3, practice_appointment_id = $4",
        clinic_id,
        appointment_id,
        reservation,
        appointment
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The system's appointments for bookings whose payment did not come in time, which
/// `booking::release_expired_holds` is about to let go.
pub async fn unpaid_in_time(
    pool: &PgPool,
    clinic_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT m.practice_appointment_id AS "id!"
           FROM practice_appointments m JOIN appointments a ON a.id = m.appointment_id
           WHERE m.clinic_id = $1 AND m.practice_appointment_id IS NOT NULL
             AND a.status = 'pending_payment' AND a.hold_expires_at <= $2"#,
        clinic_id,
        now
    )
    .fetch_all(pool)
    .await
}

/// Where a Lumen appointment is: its treatment, provider and start.
pub struct Placed {
    pub treatment_id: Uuid,
    pub provider_id: Uuid,
    pub start: DateTime<Utc>,
}

pub async fn placed(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
) -> Result<Option<Placed>, sqlx::Error> {
    sqlx::query_as!(
        Placed,
        r#"SELECT treatment_id, provider_id, lower(period) AS "start!"
           FROM appointments WHERE clinic_id = $1 AND id = $2"#,
        clinic_id,
        appointment_id
    )
    .fetch_optional(pool)
    .await
}

/// Who an appointment is for, as the system is told: the patient's name and contact.
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
}

pub async fn patient(
    pool: &PgPool,
    clinic_id: Uuid,
    patient_id: Uuid,
) -> Result<Option<Person>, sqlx::Error> {
    sqlx::query_as!(
        Person,
        "SELECT first_name, last_name, email, phone FROM patients
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        patient_id
    )
    .fetch_optional(pool)
    .await
}

/// The patient an appointment is for, once it has one.
pub async fn patient_of(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
) -> Result<Option<Person>, sqlx::Error> {
    sqlx::query_as!(
        Person,
        "SELECT p.first_name, p.last_name, p.email, p.phone
         FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE a.clinic_id = $1 AND a.id = $2",
        clinic_id,
        appointment_id
    )
    .fetch_optional(pool)
    .await
}
