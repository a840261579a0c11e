//! Closed days as they cross to the browser: dates as text, written on the server, so the
//! staff area's code carries no date handling of its own.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The closed-days screen: what is closed from today on, and what staff choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosuresScreen {
    pub closures: Vec<ClosureRow>,
    /// The clinic's locations, for closing one of them.
    pub locations: Vec<(Uuid, String)>,
    /// Public holiday calendars to load from: (key, label).
    pub calendars: Vec<(String, String)>,
    /// The clinic's year today, the first a holiday calendar offers.
    pub this_year: i32,
    /// The clinic's date today, `YYYY-MM-DD`: the earliest a closure may start.
    pub today: String,
}

/// One closure from today on, with the bookings that fall on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureRow {
    pub id: Uuid,
    /// `YYYY-MM-DD`.
    pub first_day: String,
    /// "Fri 25 Dec 2026", or "Thu 24 Dec – Sat 26 Dec 2026" for several days.
    pub days: String,
    /// `None`: every location.
    pub location: Option<String>,
    pub reason: String,
    pub bookings: Vec<BookingOnClosedDay>,
}

/// A booking still standing on a closed day, for staff to move or cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingOnClosedDay {
    pub appointment_id: Uuid,
    /// Local to the appointment's location, such as "Fri 25 Dec 2026, 10:00".
    pub when: String,
    pub treatment: String,
    pub provider: String,
    /// The patient's name; empty for a group session.
    pub patient: String,
}
