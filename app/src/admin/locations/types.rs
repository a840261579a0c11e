//! Location management data as it crosses to the browser.

use crate::domain::hours::WeekForm;
use crate::domain::location::{LocationForm, RoomForm};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRow {
    pub id: Uuid,
    pub name: String,
    pub city: String,
    pub active: bool,
    pub rooms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationEditor {
    pub form: LocationForm,
    pub hours: WeekForm,
    pub rooms: Vec<RoomForm>,
    /// Used when the location names no zone of its own.
    pub clinic_time_zone: String,
}
