//! Days the clinic is closed: public holidays and one-off closures, for the whole clinic or
//! one location. A closure names local dates at the location, both ends included; nothing
//! is offered on them in any channel.

use super::form::{record_id, text, FieldProblem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A closure as typed on the staff screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClosureForm {
    pub first_day: String,
    /// Empty: the same day as the first.
    pub last_day: String,
    /// Empty: every location.
    pub location_id: String,
    pub reason: String,
}

/// A closure, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub days: ClosedDays,
    pub reason: String,
}

/// Local dates at a location (or every location), both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedDays {
    pub location_id: Option<Uuid>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl ClosedDays {
    pub fn covers(&self, location_id: Uuid, day: NaiveDate) -> bool {
        self.location_id.is_none_or(|only| only == location_id)
            && self.first_day <= day
            && day <= self.last_day
    }
}

/// Whether any of `closures` keeps `location_id` closed on its local `day`.
pub fn closed_on(closures: &[ClosedDays], location_id: Uuid, day: NaiveDate) -> bool {
    closures.iter().any(|c| c.covers(location_id, day))
}

/// The local dates among `first..=last` on which `location_id` is closed: what the
/// availability engine leaves out.
pub fn closed_dates(
    closures: &[ClosedDays],
    location_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<NaiveDate> {
    first
        .iter_days()
        .take_while(|day| *day <= last)
        .filter(|day| closed_on(closures, location_id, *day))
        .collect()
}

pub const REASON_MAX: usize = 200;
/// Longer than this is a mistyped year, not a closure (the schema says so too).
pub const LONGEST_DAYS: i64 = 366;

fn date(problems: &mut Vec<FieldProblem>, field: &str, raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| {
            problems.push(FieldProblem::new(
                field,
                "Enter a date as year-month-day, such as 2027-12-25.",
            ))
        })
        .ok()
}

impl ClosureForm {
    /// The closure, or what to mend. Days before `today` cannot be closed: nothing could
    /// be booked on them any more.
    pub fn parse(&self, today: NaiveDate) -> Result<Closure, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let first_day = date(&mut problems, "first_day", &self.first_day);
        let last_day = match self.last_day.trim() {
            "" => first_day,
            raw => date(&mut problems, "last_day", raw),
        };
        let location_id = record_id(
            &mut problems,
            &self.location_id,
            "Open the closed days again and choose the location.",
        );
        let reason = text(
            &mut problems,
            "reason",
            &self.reason,
            "why the clinic is closed (patients do not see it)",
            REASON_MAX,
            true,
        );
        if let (Some(first), Some(last)) = (first_day, last_day) {
            if first < today {
                problems.push(FieldProblem::new(
                    "first_day",
                    "Choose today or a later day: earlier days are already past.",
                ));
            }
            if last < first {
                problems.push(FieldProblem::new(
                    "last_day",
                    "Choose a last day on or after the first.",
                ));
            } else if (last - first).num_days() >= LONGEST_DAYS {
                problems.push(FieldProblem::new(
                    "last_day",
                    "Close at most a year at a time.",
                ));
            }
        }
        match (first_day, last_day) {
            (Some(first_day), Some(last_day)) if problems.is_empty() => Ok(Closure {
                days: ClosedDays {
                    location_id,
                    first_day,
                    last_day,
                },
                reason,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn form(first: &str, last: &str, reason: &str) -> ClosureForm {
        ClosureForm {
            first_day: first.into(),
            last_day: last.into(),
            location_id: String::new(),
            reason: reason.into(),
        }
    }

    #[test]
    fn one_day_closes_when_the_last_is_left_empty() {
        let closure = form("2027-12-25", "", "Christmas Day")
            .parse(day(2027, 12, 1))
            .unwrap();
        assert_eq!(closure.days.first_day, day(2027, 12, 25));
        assert_eq!(closure.days.last_day, day(2027, 12, 25));
        assert_eq!(closure.days.location_id, None);
    }

    #[test]
    fn a_closure_says_what_to_mend() {
        let problems = form("25/12/2027", "", "")
            .parse(day(2027, 12, 1))
            .unwrap_err();
        assert!(problem_for(&problems, "first_day").is_some());
        assert!(problem_for(&problems, "reason").is_some());
        let problems = form("2027-12-27", "2027-12-24", "Works")
            .parse(day(2027, 12, 1))
            .unwrap_err();
        assert_eq!(
            problem_for(&problems, "last_day"),
            Some("Choose a last day on or after the first.")
        );
        let problems = form("2027-11-30", "", "Too late")
            .parse(day(2027, 12, 1))
            .unwrap_err();
        assert!(problem_for(&problems, "first_day").is_some());
        let problems = form("2027-12-01", "2029-01-01", "Typo")
            .parse(day(2027, 12, 1))
            .unwrap_err();
        assert_eq!(
            problem_for(&problems, "last_day"),
            Some("Close at most a year at a time.")
        );
        let mut elsewhere = form("2027-12-01", "", "Flood");
        elsewhere.location_id = "not-an-id".into();
        assert!(elsewhere.parse(day(2027, 12, 1)).is_err());
    }

    #[test]
    fn a_location_closure_leaves_the_other_locations_open() {
        let (here, there) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let closures = [
            ClosedDays {
                location_id: Some(here),
                first_day: day(2027, 3, 1),
                last_day: day(2027, 3, 3),
            },
            ClosedDays {
                location_id: None,
                first_day: day(2027, 12, 25),
                last_day: day(2027, 12, 26),
            },
        ];
        assert!(closed_on(&closures, here, day(2027, 3, 2)));
        assert!(!closed_on(&closures, there, day(2027, 3, 2)));
        assert!(closed_on(&closures, there, day(2027, 12, 26)));
        assert_eq!(
            closed_dates(&closures, here, day(2027, 2, 28), day(2027, 3, 10)),
            vec![day(2027, 3, 1), day(2027, 3, 2), day(2027, 3, 3)]
        );
    }
}
