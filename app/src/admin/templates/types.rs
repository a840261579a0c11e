//! Message wording as it crosses to the browser.

use crate::domain::form::FieldProblem;
use serde::{Deserialize, Serialize};

/// One kind of message on one channel, in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub kind: String,
    pub channel: String,
    pub title: String,
    /// Who reads it: bookings, accounts or staff.
    pub group: String,
    pub channel_label: String,
    /// When the clinic last reworded it; `None` while it uses the built-in wording.
    pub edited: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateVariable {
    pub name: String,
    pub meaning: String,
    /// The wording must keep it (a booking's link): without it the message fails its purpose.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEditor {
    pub kind: String,
    pub channel: String,
    pub title: String,
    pub channel_label: String,
    pub variables: Vec<TemplateVariable>,
    /// Emails only.
    pub subject: String,
    pub body: String,
    /// Whether this is the clinic's own wording (so it can go back to the built-in one).
    pub edited: bool,
}

/// The wording rendered with sample values, or what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplatePreview {
    pub subject: String,
    pub body: String,
    pub problems: Vec<FieldProblem>,
}
