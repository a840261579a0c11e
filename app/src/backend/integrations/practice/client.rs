//! The calls Lumen makes to a practice-management system's API, modelled on Zenoti's: a
//! centre's free slots for a service, a slot reserved for a few minutes while the patient
//! fills in their details, the reservation turned into an appointment for a guest, and an
//! appointment cancelled. Every call carries `Authorization: apikey <key>`; ids are the
//! system's own strings, which Lumen maps to its own (`store::practice`).

use crate::backend::integrations::error_without_url;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A practice system answers a booking page: no wait longer than a patient would.
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, PartialEq, Eq)]
pub struct PracticeConfig {
    /// The API's base address, without a trailing slash.
    pub api: String,
    pub api_key: String,
    /// The centre (the system's word for a clinic's site) Lumen books at.
    pub center: String,
}

impl std::fmt::Debug for PracticeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PracticeConfig")
            .field("api", &self.api)
            .field("api_key", &"…")
            .field("center", &self.center)
            .finish()
    }
}

/// The practice system's API.
#[derive(Debug, Clone)]
pub struct PracticeSystem {
    config: PracticeConfig,
    client: reqwest::Client,
}

/// A free slot as the system describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PracticeSlot {
    pub therapist_id: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
}

/// A slot held for Lumen until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reservation {
    pub id: String,
    pub expires_at: DateTime<Utc>,
}

/// An appointment the system made.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PracticeAppointment {
    pub id: String,
    pub status: String,
}

/// An appointment in the centre's diary, however it was made (Lumen, the system's own desk).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Listed {
    pub id: String,
    pub service_id: String,
    pub therapist_id: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    /// `booked` or `cancelled`.
    pub status: String,
}

#[derive(Deserialize)]
struct Diary {
    appointments: Vec<Listed>,
}

/// Who an appointment is for, as the system keeps guests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guest {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
}

/// A time wanted: the service, the therapist and the start, in the system's ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotWanted<'a> {
    pub service_id: &'a str,
    pub therapist_id: &'a str,
    pub start_time: DateTime<Utc>,
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PracticeError {
    /// Someone else has the slot (409 `slot_unavailable`).
    #[error("the practice system says that time is taken")]
    Taken,
    /// No such reservation or appointment (404).
    #[error("the practice system does not know it")]
    NotFound,
    /// No answer, or the system's own trouble (429, 5xx): the call may be tried again.
    #[error("the practice system could not be reached: {0}")]
    Unavailable(String),
    /// The system refused the request, in its words.
    #[error("the practice system refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

#[derive(Deserialize)]
struct Slots {
    slots: Vec<PracticeSlot>,
}

#[derive(Serialize)]
struct NewAppointment<'a> {
    #[serde(flatten)]
    slot: &'a SlotWanted<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reservation_id: Option<&'a str>,
    guest: &'a Guest,
}

impl PracticeSystem {
    pub fn new(config: PracticeConfig) -> PracticeSystem {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("an HTTP client with rustls builds");
        PracticeSystem { config, client }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.config.api)
    }

    /// The centre Lumen books at, as the system names it.
    pub fn center(&self) -> &str {
        &self.config.center
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("Authorization", format!("apikey {}", self.config.api_key))
            .header("Accept", "application/json")
    }

    /// Free slots for a service between two days (inclusive, the centre's days), for one
    /// therapist or any.
    pub async fn slots(
        &self,
        service_id: &str,
        therapist_id: Option<&str>,
        days: (NaiveDate, NaiveDate),
    ) -> Result<Vec<PracticeSlot>, PracticeError> {
        let mut query = vec![("from", days.0.to_string()), ("to", days.1.to_string())];
        if let Some(therapist) = therapist_id {
            query.push(("therapist_id", therapist.to_owned()));
        }
        let path = format!(
            "centers/{}/services/{}/slots",
            encode(self.center()),
            encode(service_id)
        );
        let answer: Slots = read(self.request(reqwest::Method::GET, &path).query(&query)).await?;
        Ok(answer.slots)
    }

    /// Holds a slot while the patient finishes booking.
    pub async fn reserve(&self, wanted: &SlotWanted<'_>) -> Result<Reservation, PracticeError> {
        let path = format!("centers/{}/reservations", encode(self.center()));
        read(self.request(reqwest::Method::POST, &path).json(wanted)).await
    }

    /// Lets a reservation go; one already gone is no trouble.
    pub async fn release(&self, reservation_id: &str) -> Result<(), PracticeError> {
        let path = format!("reservations/{}", encode(reservation_id));
        match empty(self.request(reqwest::Method::DELETE, &path)).await {
            Err(PracticeError::NotFound) => Ok(()),
            other => other,
        }
    }

    /// Books the slot for the guest: the reserved one, or straight in without a reservation.
    /// `key` makes a repeated call (after a timeout) book once.
    pub async fn book(
        &self,
        wanted: &SlotWanted<'_>,
        reservation_id: Option<&str>,
        guest: &Guest,
        key: &str,
    ) -> Result<PracticeAppointment, PracticeError> {
        let path = format!("centers/{}/appointments", encode(self.center()));
        let body = NewAppointment {
            slot: wanted,
            reservation_id,
            guest,
        };
        read(
            self.request(reqwest::Method::POST, &path)
                .header("Idempotency-Key", key)
                .json(&body),
        )
        .await
    }

    /// The centre's appointments between two days (inclusive, the centre's days).
    pub async fn appointments(
        &self,
        days: (NaiveDate, NaiveDate),
    ) -> Result<Vec<Listed>, PracticeError> {
        let query = [("from", days.0.to_string()), ("to", days.1.to_string())];
        let path = format!("centers/{}/appointments", encode(self.center()));
        let answer: Diary = read(self.request(reqwest::Method::GET, &path).query(&query)).await?;
        Ok(answer.appointments)
    }

    /// Moves an appointment to another slot in one step: the system weighs the new slot
    /// without the appointment's own old time, and keeps its guest. Moving it where it
    /// already is changes nothing, so a repeated call is harmless.
    pub async fn reschedule(
        &self,
        appointment_id: &str,
        wanted: &SlotWanted<'_>,
    ) -> Result<PracticeAppointment, PracticeError> {
        let path = format!("appointments/{}/reschedule", encode(appointment_id));
        read(self.request(reqwest::Method::POST, &path).json(wanted)).await
    }

    /// Cancels an appointment; one already cancelled is no trouble.
    pub async fn cancel(&self, appointment_id: &str) -> Result<(), PracticeError> {
        let path = format!("appointments/{}/cancel", encode(appointment_id));
        empty(self.request(reqwest::Method::POST, &path)).await
    }
}

/// An id as one segment of a path.
fn encode(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn send(request: reqwest::RequestBuilder) -> Result<reqwest::Response, PracticeError> {
    let response = request
        .send()
        .await
        .map_err(|e| PracticeError::Unavailable(error_without_url(&e, "the practice system")))?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        return Err(PracticeError::Unavailable(format!("it answered {status}")));
    }
    let detail = response.json::<ErrorBody>().await.ok().map(|b| b.error);
    Err(match (status.as_u16(), detail) {
        (409, Some(d)) if d.code == "slot_unavailable" => PracticeError::Taken,
        (404, _) => PracticeError::NotFound,
        (status, detail) => PracticeError::Refused {
            status,
            message: detail.map_or_else(|| "no reason given".to_owned(), |d| d.message),
        },
    })
}

async fn read<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> Result<T, PracticeError> {
    send(request)
        .await?
        .json()
        .await
        .map_err(|e| PracticeError::Unavailable(error_without_url(&e, "the practice system")))
}

async fn empty(request: reqwest::RequestBuilder) -> Result<(), PracticeError> {
    send(request).await.map(|_| ())
}
