//! Which messages the delivery log shows: the filter staff chose (in the page's address),
//! read and checked, and the words for a message's state that staff and patients read.

use super::form::FieldProblem;
use chrono::NaiveDate;
use uuid::Uuid;

/// A message's states, as stored, with what staff read.
pub const STATES: [(&str, &str); 6] = [
    ("queued", "Waiting to be sent"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("undelivered", "Not delivered"),
    ("failed", "Could not be sent to the phone"),
    ("dead", "Failed for good"),
];

pub const CHANNELS: [(&str, &str); 3] = [
    ("email", "Email"),
    ("sms", "Text"),
    ("whatsapp", "WhatsApp"),
];

/// What a person reads for a message of `kind`, when there is no subject to show.
pub fn kind_words(kind: &str) -> String {
    if let Some(known) = crate::domain::templates::kind(kind) {
        return known.title.to_owned();
    }
    let words = kind.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn channel_words(channel: &str) -> &'static str {
    CHANNELS
        .iter()
        .find(|(c, _)| *c == channel)
        .map_or("Message", |(_, words)| words)
}

/// The filter as typed: every field may be empty (no filter on it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedFilter<'a> {
    pub status: &'a str,
    pub channel: &'a str,
    pub kind: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub patient: &'a str,
    pub appointment: &'a str,
}

/// The filter, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    pub status: Option<String>,
    pub channel: Option<String>,
    pub kind: Option<String>,
    /// Created on or after `from` and on or before `to`, in the clinic's time zone.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Messages to this patient (their email address or phone number).
    pub patient: Option<Uuid>,
    /// Messages about this appointment: its confirmation, changes and reminders, and its
    /// session places' emails.
    pub appointment: Option<Uuid>,
}

impl LogQuery {
    pub fn parse(typed: &TypedFilter) -> Result<LogQuery, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let known = |field: &str, value: &str, known: &[(&str, &str)], what: &str| {
            let value = value.trim();
            if value.is_empty() {
                Ok(None)
            } else if known.iter().any(|(k, _)| *k == value) {
                Ok(Some(value.to_owned()))
            } else {
                Err(FieldProblem::new(
                    field,
                    format!("Choose {what} from the list."),
                ))
            }
        };
        let status = known("status", typed.status, &STATES, "a state").unwrap_or_else(|p| {
            problems.push(p);
            None
        });
        let channel = known("channel", typed.channel, &CHANNELS, "a channel").unwrap_or_else(|p| {
            problems.push(p);
            None
        });
        let kind = typed.kind.trim();
        let kind = if kind.is_empty() {
            None
        } else if kind.len() <= 40 && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            Some(kind.to_owned())
        } else {
            problems.push(FieldProblem::new(
                "kind",
                "Choose a kind of message from the list.",
            ));
            None
        };
        let mut date = |field: &str, value: &str| {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(FieldProblem::new(
                        field,
                        "Enter a date as year-month-day, such as 2026-03-16.",
                    ));
                    None
                }
            }
        };
        let from = date("from", typed.from);
        let to = date("to", typed.to);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                problems.push(FieldProblem::new(
                    "to",
                    "Choose an end on or after the start.",
                ));
            }
        }
        let mut id = |field: &str, value: &str| {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            Uuid::parse_str(value).ok().or_else(|| {
                problems.push(FieldProblem::new(field, "This link is not one Lumen made."));
                None
            })
        };
        let patient = id("patient", typed.patient);
        let appointment = id("appointment", typed.appointment);
        if problems.is_empty() {
            Ok(LogQuery {
                status,
                channel,
                kind,
                from,
                to,
                patient,
                appointment,
            })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_filter_shows_everything() {
        assert_eq!(
            LogQuery::parse(&TypedFilter::default()),
            Ok(LogQuery::default())
        );
    }

    #[test]
    fn a_full_filter_is_read() {
        let id = Uuid::new_v4().to_string();
        let query = LogQuery::parse(&TypedFilter {
            status: "dead",
            channel: " sms ",
            kind: "reminder",
            from: "2026-03-01",
            to: "2026-03-31",
            patient: &id,
            appointment: "",
        })
        .unwrap();
        assert_eq!(query.status.as_deref(), Some("dead"));
        assert_eq!(query.channel.as_deref(), Some("sms"));
        assert_eq!(query.kind.as_deref(), Some("reminder"));
        assert_eq!(query.from, NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(query.patient.map(|p| p.to_string()), Some(id));
    }

    #[test]
    fn each_bad_field_is_named() {
        let problems = LogQuery::parse(&TypedFilter {
            status: "lost",
            channel: "fax",
            kind: "'; drop",
            from: "16/03/2026",
            to: "",
            patient: "nobody",
            appointment: "",
        })
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["status", "channel", "kind", "from", "patient"]);
        let backwards = LogQuery::parse(&TypedFilter {
            from: "2026-03-31",
            to: "2026-03-01",
            ..TypedFilter::default()
        })
        .unwrap_err();
        assert_eq!(backwards[0].field, "to");
    }

    #[test]
    fn kinds_read_as_words() {
        assert_eq!(kind_words("reminder"), "Appointment reminder");
        assert_eq!(kind_words("password_reset"), "Password reset");
        assert_eq!(channel_words("whatsapp"), "WhatsApp");
    }
}
