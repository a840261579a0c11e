use crate::admin::calendar::types::Choice;
use crate::domain::form::FieldProblem;
use crate::domain::payment_report::PaymentsFilter;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsPage {
    /// The filters as typed, with the range filled in when none was given.
    pub filter: PaymentsFilter,
    /// Filters that could not be read; nothing is listed until they are fixed.
    pub problems: Vec<FieldProblem>,
    pub rows: Vec<PaymentRow>,
    /// More payments matched than are listed: narrow the range.
    pub more: bool,
    pub days: Vec<DayTotal>,
    pub total: Option<DayTotal>,
    pub providers: Vec<Choice>,
    pub treatments: Vec<Choice>,
}

/// A payment as the screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    /// `Mon 16 Mar 09:10`.
    pub when: String,
    pub patient: String,
    pub treatment: String,
    pub provider: String,
    /// `Paid when booking`, `No-show fee`, `Paid at the desk`.
    pub what: String,
    /// `Stripe`, `Cash`.
    pub method: String,
    pub amount: String,
    pub refunded: Option<String>,
    pub status: String,
    pub appointment_href: String,
    /// The payment in its service's dashboard.
    pub dashboard_href: Option<String>,
}

/// The money of one day (or of the whole range).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotal {
    /// `Mon 16 Mar`, or `Total`.
    pub day: String,
    pub taken: String,
    pub refunded: String,
    pub net: String,
}
