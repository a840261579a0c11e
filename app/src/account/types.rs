//! Account data as it crosses to the browser.

use crate::domain::access::Role;
use crate::domain::profile::ProfileForm;
use serde::{Deserialize, Serialize};

/// Who is signed in, as the header needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAppointment {
    pub starts: String,
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAccount {
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub upcoming: Vec<MyAppointment>,
    /// The latest past ones, newest first (cancelled and missed ones too).
    pub past: Vec<MyAppointment>,
    /// A patient's own details, ready for the form; staff have none here.
    pub profile: Option<ProfileForm>,
    /// What the clinic sent them, newest first (patients only).
    pub messages: Vec<MyMessage>,
    /// A receipt for each payment they made online, newest first.
    pub receipts: Vec<super::receipts::ReceiptLink>,
}

/// A message the clinic sent a patient, as their account lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyMessage {
    pub at: String,
    /// `Email`, `Text` or `WhatsApp`.
    pub channel: String,
    /// Its subject, or what kind of message it was.
    pub what: String,
    /// Whether it arrived, in words.
    pub state: String,
}

/// Everything the clinic holds about a person, as "download my data" hands it over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyData {
    pub email: String,
    pub name: String,
    pub account_created: String,
    pub patient_records: Vec<MyPatientRecord>,
    pub appointments: Vec<MyAppointmentRecord>,
    /// Conversations with the assistant (and staff) had while signed in.
    #[serde(default)]
    pub conversations: Vec<MyConversation>,
    /// Times waited for on the waitlist.
    #[serde(default)]
    pub waitlist: Vec<MyWaitlistEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyWaitlistEntry {
    pub treatment: String,
    pub waiting_for: String,
    /// `waiting`, `taken`, `left` or `removed`.
    pub status: String,
    pub joined: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyConversation {
    pub started: String,
    pub messages: Vec<MyChatLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyChatLine {
    /// `patient`, `assistant` or `staff`.
    pub author: String,
    pub body: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPatientRecord {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub date_of_birth: Option<String>,
    pub remind_by_email: bool,
    pub remind_by_sms: bool,
    pub remind_by_whatsapp: bool,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAppointmentRecord {
    pub starts: String,
    pub ends: String,
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub mode: String,
    pub status: String,
}
