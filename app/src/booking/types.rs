//! What the booking pages receive from the server.

use crate::domain::booking::{DayPart, DetailsForm, Mode, Offers};
use serde::{Deserialize, Serialize};

/// A provider the patient can choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderChoice {
    pub id: String,
    pub name: String,
}

/// One day in the picker: a link when it has a free time, greyed out when not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCell {
    /// `YYYY-MM-DD`, the day in the clinic's calendar.
    pub date: String,
    pub weekday: String,
    pub day_of_month: u32,
    pub month: String,
    pub free: bool,
}

/// A free start time to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotChoice {
    /// The instant, RFC 3339 in UTC: what the form sends back.
    pub start: String,
    /// The provider who would see the patient (for "any available", the first free).
    pub provider_id: String,
    /// `10:30`, local to the location.
    pub time: String,
    /// `Tue 17 Mar, 10:30 with Dr Amara Okafor`, for lists of alternatives.
    pub label: String,
    pub part: DayPart,
}

/// The booking picker: the treatment, who, which day, which time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picker {
    pub treatment_slug: String,
    pub treatment_name: String,
    /// `45 min · £120`.
    pub treatment_facts: String,
    pub providers: Vec<ProviderChoice>,
    /// The chosen provider's id, or empty for "any available".
    pub provider: String,
    /// Five weeks, Monday first; days before today and after the horizon are not free.
    pub days: Vec<DayCell>,
    /// The first day of the previous and next five weeks, when they hold bookable days.
    pub earlier: Option<String>,
    pub later: Option<String>,
    /// The day whose times are listed (the one asked for, or the first free one).
    pub day: Option<String>,
    /// `Tuesday 17 March`.
    pub day_label: String,
    pub slots: Vec<SlotChoice>,
    pub time_zone: String,
    /// For a group treatment: its sessions, booked by the seat, instead of days and times.
    pub sessions: Option<Vec<SessionChoice>>,
}

/// A group session a patient can take a seat at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionChoice {
    pub id: String,
    /// `Tuesday 24 March 2026, 17:30–19:00 (Europe/London)`.
    pub when: String,
    /// `Hannah Price at New Town`.
    pub with: String,
    pub seats_left: i64,
    pub capacity: i32,
}

/// The page for taking a seat at a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatScreen {
    pub treatment_slug: String,
    pub treatment_name: String,
    pub treatment_facts: String,
    pub session: SessionChoice,
    /// Filled in for a signed-in patient.
    pub details: DetailsForm,
    /// Whether the confirmation is really emailed (an email provider is configured).
    pub emailed: bool,
}

/// A booking on its way: the held time and what the patient has typed so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldBooking {
    pub treatment_slug: String,
    pub treatment_name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub location: String,
    /// `Tuesday 17 March 2026, 10:30–11:15 (Europe/London)`.
    pub when: String,
    pub price: String,
    /// `10:42`: until when the time is kept; past it the booking still goes through if
    /// nobody else took the time.
    pub held_until: String,
    pub expired: bool,
    pub offers: Offers,
    pub details: DetailsForm,
    /// The details have been checked and saved, so the review step can show them.
    pub details_complete: bool,
    /// What confirming asks online (`£30 deposit when you book, part of the price`);
    /// `None`: nothing until the visit.
    pub pay_now: Option<String>,
    /// Paying keeps the card for late-cancellation and no-show fees.
    pub keeps_card: bool,
}

/// Where a booking stands when the patient comes back from the checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaidState {
    /// Paid, and booked: the confirmation is on its way.
    Confirmed,
    /// The payment service has not said yet that it was paid.
    Waiting,
    /// Paid after the time was released: the money goes back.
    PaidAfterRelease,
    /// Not paid in time, or given up.
    NotPaid,
}

/// The page the checkout returns to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidBooking {
    pub treatment_name: String,
    pub when: String,
    /// What was (or is to be) paid, as the patient reads it.
    pub amount: String,
    pub state: PaidState,
}

/// The clinic's page for paying a booking through Razorpay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RazorpayPay {
    pub treatment_name: String,
    pub when: String,
    pub amount: String,
    /// The time is kept for the patient until then (the location's clock).
    pub kept_until: String,
    /// Still waiting for the payment (neither paid nor released).
    pub open: bool,
    pub checkout: RazorpayCheckout,
}

/// What Razorpay's checkout script is opened with; the key id is public by design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RazorpayCheckout {
    pub script: String,
    pub key: String,
    pub order_id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub description: String,
    pub email: String,
}

/// A made booking as its manage link shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedBooking {
    pub treatment_slug: String,
    pub treatment_name: String,
    pub provider_name: String,
    pub location: String,
    pub address: String,
    pub when: String,
    pub mode: Mode,
    /// `confirmed`, `cancelled`, `completed`, …, as words.
    pub status: String,
    pub cancelled: bool,
    /// Whether the patient may still move or cancel it here.
    pub may_change: bool,
    /// Why not, with the number to call, when they may not.
    pub call_instead: Option<String>,
    pub late_cancel_hours: i32,
    pub clinic_phone: String,
    /// Whether its emails really leave (an email provider is configured).
    pub emailed: bool,
    /// What the patient paid for it and what went back, a line each: `£20 paid on 16 March
    /// 2026, 08:05 (Card, through Stripe)`, `£5 refunded on 16 March 2026, 09:10`.
    pub payments: Vec<String>,
}
