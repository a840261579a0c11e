use crate::domain::calendar::{AppointmentForm, SessionForm};
use serde::{Deserialize, Serialize};

/// One appointment on the calendar, placed on its column's time axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarBlock {
    pub id: String,
    /// Minutes from the top of the axis, and how long it lasts.
    pub top: u32,
    pub height: u32,
    pub lane: usize,
    pub lanes: usize,
    pub time: String,
    pub patient: String,
    pub treatment: String,
    /// The provider (room view) or the room (provider view), when there is one.
    pub aside: String,
    pub status: String,
    pub status_label: String,
    pub arrived: bool,
    pub double_booked: bool,
    /// A video visit whose patient is in its waiting room now.
    pub video_waiting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarColumn {
    pub heading: String,
    pub blocks: Vec<CalendarBlock>,
}

/// A provider or room the calendar can be shown by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarData {
    pub title: String,
    pub time_zone: String,
    /// `day` or `week`, and `provider` or `room`.
    pub span: String,
    pub by: String,
    pub day: String,
    pub previous: String,
    pub next: String,
    pub today: String,
    /// The axis, in minutes from local midnight.
    pub axis_start: u32,
    pub axis_end: u32,
    pub columns: Vec<CalendarColumn>,
    /// For the week view: whose week (one provider or room), and who else can be chosen.
    pub choices: Vec<Choice>,
    pub chosen: String,
}

/// A line in an appointment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub at: String,
    pub what: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentDetail {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub patient_email: String,
    pub patient_phone: String,
    pub treatment: String,
    pub provider_id: String,
    pub provider: String,
    pub location: String,
    pub room: String,
    pub when: String,
    pub date: String,
    pub time: String,
    pub mode: String,
    pub status: String,
    pub status_label: String,
    pub arrived_at: Option<String>,
    /// When the patient confirmed they are coming (a `C` reply to a reminder).
    pub patient_confirmed: Option<String>,
    pub double_booked: bool,
    /// A video visit whose patient is in its waiting room now.
    pub video_waiting: bool,
    pub notes: String,
    /// `arrived`, `completed`, `no_show`: what may be recorded now.
    pub outcomes: Vec<String>,
    pub can_change: bool,
    pub allow_double_booking: bool,
    pub providers: Vec<Choice>,
    pub history: Vec<HistoryLine>,
    /// For a group session: `3 of 12 places booked`, and who holds them.
    pub seats: Option<String>,
    pub seat_holders: Vec<Choice>,
    /// Money taken online for it, and what went back.
    pub payments: Vec<PaymentLine>,
    /// Whoever is looking may refund by hand.
    pub may_refund: bool,
    /// The fee whoever is looking may charge to the kept card (`No-show fee`), when the
    /// appointment ended that way and a card was kept.
    pub fee: Option<String>,
    /// Where its money stands; for a patient's appointment.
    pub balance: Option<BalanceLine>,
    /// Whoever is looking may record money taken at the desk for it.
    pub may_take_payment: bool,
}

/// An appointment's money as staff read it: amounts in the clinic's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceLine {
    pub price: String,
    pub paid: String,
    pub refunded: String,
    pub left_to_pay: String,
    /// The amount left, in plain digits, to fill in the desk payment's field; none when
    /// nothing is left.
    pub left_to_pay_typed: Option<String>,
}

/// A payment on the staff appointment page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub id: String,
    pub amount: String,
    /// `Paid online with Stripe, Mon 16 Mar 08:05`, or still waiting.
    pub summary: String,
    /// What has gone back (or is on its way), when anything has.
    pub refunded: Option<String>,
    /// What may still be refunded; `None` when nothing may.
    pub left: Option<String>,
    /// When the patient's bank disputes it: what staff should do.
    pub dispute: Option<String>,
    pub refunds: Vec<RefundLine>,
    /// Staff's note on a fee.
    pub note: Option<String>,
}

/// A refund of a payment, as staff read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLine {
    pub amount: String,
    pub why: String,
    pub state: String,
    /// The payment service's reason, when it refused.
    pub failure: Option<String>,
    /// Staff's words, for a refund made by hand.
    pub note: Option<String>,
    /// `Mon 16 Mar 09:10 · Rosa Fields`.
    pub when_by: String,
}

/// A treatment staff can book, with what it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentChoice {
    pub slug: String,
    pub name: String,
    pub minutes: i32,
    pub capacity: Option<i32>,
}

/// The new-appointment screen: the form (prefilled from the address), the patient chosen
/// or found, and the choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAppointment {
    pub form: AppointmentForm,
    pub patient_name: Option<String>,
    pub search: String,
    pub found: Vec<Choice>,
    pub treatments: Vec<TreatmentChoice>,
    pub providers: Vec<Choice>,
    pub locations: Vec<Choice>,
    pub allow_double_booking: bool,
    pub time_zone: String,
    /// The form that schedules a group session, prefilled like the appointment form.
    pub session: SessionForm,
}
