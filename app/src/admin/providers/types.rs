//! Provider management data as it crosses to the browser.

use crate::admin::types::Choice;
use crate::domain::hours::WeekForm;
use crate::domain::provider::ProviderForm;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of the provider list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub id: Uuid,
    pub display_name: String,
    pub title: String,
    pub active: bool,
    pub treatments: i64,
    /// Scheduled minutes in a week, over every location.
    pub weekly_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderEditor {
    pub form: ProviderForm,
    pub treatments: Vec<Choice>,
    /// The provider's week at each of the clinic's locations (none for a new provider).
    pub weeks: Vec<LocationWeek>,
    pub time_off: Vec<TimeOffRow>,
    /// Booked appointments still to come, so deactivating says what it leaves behind.
    pub upcoming_appointments: i64,
    /// The clinic's zone, in which hours and time off are entered.
    pub time_zone: String,
    /// Where the current portrait is served, if there is one.
    pub photo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationWeek {
    pub location_id: String,
    pub location: String,
    pub week: WeekForm,
}

/// A stretch of time off, in the clinic's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeOffRow {
    pub id: Uuid,
    pub starts: String,
    pub ends: String,
    pub reason: String,
}
