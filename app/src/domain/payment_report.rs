//! The staff payments screen's question: which payments, taken or tried between two days
//! of the clinic's calendar, in what state, how, for whom. Filters live in the address (a
//! GET form), so a filtered view can be shared and works without JavaScript.

use super::days::DaysFilter;
use super::form::FieldProblem;
use super::payments::DeskMethod;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The longest range one screen covers: a year of a busy clinic's payments.
pub const MAX_DAYS: i64 = 366;

/// How many days the screen shows when no range is given, ending today.
pub const DEFAULT_DAYS: i64 = 7;

/// The payments screen's filters as typed; empty strings match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentsFilter {
    /// First and last day, `YYYY-MM-DD` in the clinic's time zone.
    pub from: String,
    pub to: String,
    /// A payment's stored status: `paid`, `open`, `failed`, `expired`.
    pub status: String,
    /// How it was taken: `stripe`, `razorpay`, `cash`, `card_terminal`.
    pub method: String,
    pub provider: String,
    pub treatment: String,
}

pub const STATUSES: [(&str, &str); 4] = [
    ("paid", "Paid"),
    ("open", "Waiting for the patient or the service"),
    ("failed", "Refused"),
    ("expired", "Not paid in time"),
];

/// The ways money is taken, as the screen offers them.
pub fn methods() -> Vec<(&'static str, &'static str)> {
    let mut all = vec![("stripe", "Stripe"), ("razorpay", "Razorpay")];
    all.extend(DeskMethod::ALL.map(|m| (m.code(), m.label())));
    all
}

/// The filters, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// From the start of `from` to the end of `to` in the clinic's time zone.
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub status: Option<String>,
    pub method: Option<String>,
    pub provider: Option<Uuid>,
    pub treatment: Option<Uuid>,
}

impl PaymentsFilter {
    /// Reads the filters for a clinic in `zone` on `today`: the last week when no range is
    /// given.
    pub fn parse(&self, today: NaiveDate, zone: Tz) -> Result<PaymentsQuery, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let days = DaysFilter {
            from: self.from.clone(),
            to: self.to.clone(),
        }
        .parse(today, zone, DEFAULT_DAYS, MAX_DAYS)
        .map_err(|refused| problems.extend(refused))
        .ok();
        let known =
            |field: &str, raw: &str, codes: &[&str], problems: &mut Vec<FieldProblem>| match raw
                .trim()
            {
                "" => None,
                code if codes.contains(&code) => Some(code.to_owned()),
                _ => {
                    problems.push(FieldProblem::new(field, "Choose one from the list."));
                    None
                }
            };
        let statuses: Vec<&str> = STATUSES.iter().map(|(code, _)| *code).collect();
        let status = known("status", &self.status, &statuses, &mut problems);
        let codes: Vec<&str> = methods().into_iter().map(|(code, _)| code).collect();
        let method = known("method", &self.method, &codes, &mut problems);
        let mut id = |field: &str, raw: &str| match raw.trim() {
            "" => None,
            text => Uuid::parse_str(text).ok().or_else(|| {
                problems.push(FieldProblem::new(field, "Choose one from the list."));
                None
            }),
        };
        let provider = id("provider", &self.provider);
        let treatment = id("treatment", &self.treatment);
        let Some(days) = days.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        Ok(PaymentsQuery {
            from: days.from,
            to: days.to,
            starts: days.starts,
            ends: days.ends,
            status,
            method,
            provider,
            treatment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn no_range_is_the_last_week_in_the_clinics_days() {
        let london: Tz = "Europe/London".parse().unwrap();
        let query = PaymentsFilter::default()
            .parse(day("2026-07-16"), london)
            .unwrap();
        assert_eq!(
            (query.from, query.to),
            (day("2026-07-10"), day("2026-07-16"))
        );
        // Summer time: the clinic's day starts at 23:00 UTC the evening before.
        assert_eq!(query.starts.to_rfc3339(), "2026-07-09T23:00:00+00:00");
        assert_eq!(query.ends.to_rfc3339(), "2026-07-16T23:00:00+00:00");
        assert_eq!(query.status, None);
    }

    #[test]
    fn bad_filters_are_said_beside_their_fields() {
        let utc: Tz = "UTC".parse().unwrap();
        let typed = PaymentsFilter {
            from: "2026-03-20".to_owned(),
            to: "2026-03-10".to_owned(),
            status: "stolen".to_owned(),
            method: "cheque".to_owned(),
            provider: "someone".to_owned(),
            treatment: String::new(),
        };
        let fields: Vec<String> = typed
            .parse(day("2026-03-16"), utc)
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["to", "status", "method", "provider"]);
        let too_long = PaymentsFilter {
            from: "2024-01-01".to_owned(),
            to: "2026-03-10".to_owned(),
            ..PaymentsFilter::default()
        };
        assert_eq!(
            too_long.parse(day("2026-03-16"), utc).unwrap_err()[0].field,
            "from"
        );
        let unreadable = PaymentsFilter {
            from: "16/03/2026".to_owned(),
            ..PaymentsFilter::default()
        };
        assert_eq!(
            unreadable.parse(day("2026-03-16"), utc).unwrap_err()[0].field,
            "from"
        );
    }

    #[test]
    fn known_statuses_and_methods_pass() {
        let utc: Tz = "UTC".parse().unwrap();
        let typed = PaymentsFilter {
            status: "paid".to_owned(),
            method: "card_terminal".to_owned(),
            ..PaymentsFilter::default()
        };
        let query = typed.parse(day("2026-03-16"), utc).unwrap();
        assert_eq!(query.status.as_deref(), Some("paid"));
        assert_eq!(query.method.as_deref(), Some("card_terminal"));
    }
}
