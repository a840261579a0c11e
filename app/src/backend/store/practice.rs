//! Lumen's ids beside a practice system's (`integrations::practice`): what the system calls
//! each treatment, provider and location, and which reservation or appointment there each
//! Lumen appointment made through it is.

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
    fn as_str(self) -> &'static str {
        match self {
            Kind::Treatment => "treatment",
            Kind::Provider => "provider",
            Kind::Location => "location",
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
        match row.kind.as_str() {
            "treatment" => mapping.services.push(Service {
                treatment_id: row.lumen_id,
                treatment: row.treatment.unwrap_or_default(),
                service_id: row.practice_id,
            }),
            "provider" => mapping.therapists.push((row.lumen_id, row.practice_id)),
            _ => mapping.centre = Some((row.lumen_id, row.time_zone.unwrap_or_default())),
        }
    }
    Ok(mapping)
}

/// Ties a Lumen row to the system's id for it (replacing an earlier one).
pub async fn map(
    pool: &PgPool,
    clinic_id: Uuid,
    kind: Kind,
    lumen_id: Uuid,
    practice_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO practice_ids (clinic_id, kind, lumen_id, practice_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (clinic_id, kind, lumen_id) DO UPDATE SET practice_id = $4",
        clinic_id,
        kind.as_str(),
        lumen_id,
        practice_id
    )
    .execute(pool)
    .await?;
    Ok(())
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
