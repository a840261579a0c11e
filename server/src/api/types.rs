//! The API's JSON, as the OpenAPI document describes it. Money is in minor units with its
//! ISO 4217 currency; times are RFC 3339 in UTC; days are ISO 8601 dates in the clinic's
//! time zone.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct Money {
    /// In the currency's minor unit (pence for GBP).
    #[schema(example = 12000)]
    pub amount_minor: i64,
    #[schema(example = "GBP")]
    pub currency: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Treatment {
    pub id: Uuid,
    #[schema(example = "chemical-peel")]
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub category: String,
    pub duration_minutes: i32,
    pub price: Money,
    /// Offered at the clinic.
    pub in_person: bool,
    /// Offered by video.
    pub video: bool,
    /// Places per session for a group treatment; null for one patient at a time.
    pub group_capacity: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TreatmentList {
    pub data: Vec<Treatment>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Provider {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub title: String,
    /// The slugs of the treatments they perform.
    pub treatments: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderList {
    pub data: Vec<Provider>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Location {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub postcode: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub phone: String,
    /// IANA time zone, for example `Europe/London`.
    pub time_zone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationList {
    pub data: Vec<Location>,
}

/// A time the treatment can be booked.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreeTime {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub provider_id: Uuid,
    pub location_id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Availability {
    pub treatment: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub data: Vec<FreeTime>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Appointment {
    pub id: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub mode: Mode,
    /// The treatment's slug.
    pub treatment: String,
    pub provider_id: Uuid,
    pub location_id: Uuid,
    /// Null for a group session itself (its patients have places of their own).
    pub patient_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Waiting for the patient's payment before it is confirmed.
    PendingPayment,
    Confirmed,
    Completed,
    NoShow,
    Cancelled,
}

impl AppointmentStatus {
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "pending_payment" => AppointmentStatus::PendingPayment,
            "confirmed" => AppointmentStatus::Confirmed,
            "completed" => AppointmentStatus::Completed,
            "no_show" => AppointmentStatus::NoShow,
            "cancelled" => AppointmentStatus::Cancelled,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    InPerson,
    Video,
}

impl Mode {
    pub fn code(self) -> &'static str {
        match self {
            Mode::InPerson => "in_person",
            Mode::Video => "video",
        }
    }
}

/// One page of appointments; follow `next_cursor` for the next.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentPage {
    pub data: Vec<Appointment>,
    /// Pass as `cursor` (with the same `from` and `to`) for the next page; null on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Patient {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// In E.164 where the clinic could read it; empty when not given.
    pub phone: String,
    pub created_at: DateTime<Utc>,
}

/// A patient to add. A patient whose email address the clinic already has is that record
/// (their phone filled in when the record had none).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewPatient {
    #[schema(example = "Ana")]
    pub first_name: String,
    #[schema(example = "Ruiz")]
    pub last_name: String,
    #[schema(example = "ana.ruiz@example.com")]
    pub email: String,
    /// Optional; with its country code, or as written in the clinic's country.
    #[schema(example = "+44 7700 900123")]
    pub phone: String,
}

/// A booking to make: the time (one `GET /treatments/{slug}/availability` offers) and the
/// patient. The patient gets a record of their own, as a guest booking on the site does;
/// staff merge it with an older one of the same person.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBooking {
    #[schema(example = "chemical-peel")]
    pub treatment: String,
    pub start: DateTime<Utc>,
    /// One practitioner; without it, whoever is free (in the clinic's order).
    #[serde(default)]
    pub provider_id: Option<Uuid>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// Needed when the treatment is offered both in person and by video.
    #[serde(default)]
    pub mode: Option<Mode>,
    /// For the clinic, from the patient.
    #[serde(default)]
    pub notes: String,
}

/// A booking just made, and the patient's private link to manage it (given this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingMade {
    pub booking: Appointment,
    pub manage_url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveBooking {
    pub start: DateTime<Utc>,
    /// Another practitioner; without it, the same one.
    #[serde(default)]
    pub provider_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelBooking {
    pub by: Whose,
    /// Email the patient that it is cancelled (default true).
    #[serde(default = "yes")]
    pub tell_patient: bool,
}

fn yes() -> bool {
    true
}

/// Whose cancellation it is.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Whose {
    Patient,
    Clinic,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Payment {
    pub id: Uuid,
    /// The booking it is for.
    pub appointment_id: Uuid,
    /// `stripe`, `razorpay`, `cash` or `card_terminal`.
    pub processor: String,
    /// `booking` (a deposit or the price, online), `at_desk`, `late_cancel_fee` or `no_show_fee`.
    pub purpose: String,
    pub amount: Money,
    /// What has gone back to the patient so far.
    pub refunded: Money,
    /// `open` (waiting for the patient), `paid`, `expired` or `failed`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentPage {
    pub data: Vec<Payment>,
    /// Pass as `cursor` (with the same `from` and `to`) for the next page; null on the last.
    pub next_cursor: Option<String>,
}
