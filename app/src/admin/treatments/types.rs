//! Treatment management data as it crosses to the browser.

use crate::admin::types::Choice;
use crate::domain::money::Money;
use crate::domain::treatment::TreatmentForm;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of the staff treatment list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub category: String,
    pub duration_minutes: u32,
    pub price: Money,
    /// What booking it takes online, in a few words.
    pub payment: String,
    pub active: bool,
    pub featured: bool,
    pub providers: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentEditor {
    pub form: TreatmentForm,
    pub categories: Vec<Choice>,
    pub providers: Vec<Choice>,
    /// Active rooms and devices, named with their location.
    pub rooms: Vec<Choice>,
    /// The clinic's currency code, shown beside the amounts.
    pub currency: String,
    /// Where the public can see it, when it is active.
    pub public_slug: Option<String>,
}
