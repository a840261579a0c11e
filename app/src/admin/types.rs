//! Staff-area data as it crosses to the browser.

use serde::{Deserialize, Serialize};

/// Something to pick in a form: a category, a provider, a treatment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardAppointment {
    pub time: String,
    pub patient: String,
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    pub date_label: String,
    pub today: Vec<DashboardAppointment>,
    pub next_seven_days: i64,
    pub patients: i64,
    pub active_treatments: i64,
}

/// A message in the clinic's outbox, as the staff mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxMessage {
    pub id: uuid::Uuid,
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed` or `dead`.
    pub status: String,
    /// What the provider said when a sent message did not arrive.
    pub delivery_error: Option<String>,
    pub created: String,
    /// Tries so far.
    pub attempts: i32,
    /// When a failed message is tried next.
    pub next_attempt: Option<String>,
    pub attachment_name: Option<String>,
    /// A dead letter staff may send again (one that carried no private link).
    pub retryable: bool,
    /// Every try so far, oldest first.
    pub tries: Vec<Try>,
}

/// One try at handing a message to its provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Try {
    pub number: i32,
    pub at: String,
    /// `sent`, `retry` or `dead`.
    pub outcome: String,
    pub error: Option<String>,
}

/// The mailbox screen: the messages, and whether it is the development mailbox (no
/// provider configured: nothing leaves the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub development: bool,
    /// The filter as typed (kept in the form), and what was wrong with it.
    pub filter: MessageFilter,
    pub problems: Vec<crate::domain::form::FieldProblem>,
    /// The kinds of message the clinic has sent, for the filter's list.
    pub kinds: Vec<String>,
    /// Whose or which messages these are, when the log looks at one patient or appointment:
    /// "to Noor Haddad", "about Noor Haddad's appointment on Tue 17 Mar, 10:00".
    pub scope: Option<String>,
    /// Whether the reader may see every message and send a dead letter again.
    pub can_manage: bool,
    pub messages: Vec<MailboxMessage>,
    /// What patients texted back, newest first.
    pub inbox: Vec<InboxMessage>,
}

/// Which messages the log shows; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub kind: String,
    /// Dates as `YYYY-MM-DD`, in the clinic's time zone.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub patient: String,
    #[serde(default)]
    pub appointment: String,
}

impl MessageFilter {
    pub fn typed(&self) -> crate::domain::message_log::TypedFilter<'_> {
        crate::domain::message_log::TypedFilter {
            status: &self.status,
            channel: &self.channel,
            kind: &self.kind,
            from: &self.from,
            to: &self.to,
            patient: &self.patient,
            appointment: &self.appointment,
        }
    }
}

/// A text or WhatsApp message from a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMessage {
    pub id: uuid::Uuid,
    pub channel: String,
    pub from_phone: String,
    pub patient_id: Option<uuid::Uuid>,
    pub patient_name: Option<String>,
    pub body: String,
    pub received: String,
    /// `opt_out`, `opt_in`, `confirmed` or `inbox`.
    pub handled_as: String,
}

/// What the audit log screen is filtered by; empty strings match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub action: String,
    pub subject_type: String,
    /// The email of the person who acted.
    pub actor: String,
    /// Show entries older than this one (the next page).
    pub before_seq: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    /// The person's name, or "Someone not signed in".
    pub actor: String,
    pub role: String,
    pub action: String,
    /// The kind of record and its id, such as `treatment 4f1c…`.
    pub subject: String,
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub filter: AuditFilter,
    pub entries: Vec<AuditEntry>,
    /// Where the next, older page starts, when there is one.
    pub older: Option<i64>,
}

/// A staff account as the staff screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
    /// Invited and not yet accepted: no password is set.
    pub invited: bool,
    pub second_factor: bool,
}
