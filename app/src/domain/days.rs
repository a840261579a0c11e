//! A range of the clinic's days, as the payments and reports screens take it: typed as
//! `YYYY-MM-DD`, checked, and turned into the instants the clinic's days begin and end.

use super::form::FieldProblem;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A range of the clinic's days as typed (`YYYY-MM-DD`); empty: the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DaysFilter {
    pub from: String,
    pub to: String,
}

/// A range of whole days in the clinic's time zone, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The first instant of `from` and the first after `to`, in the clinic's zone.
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
}

impl DaysFilter {
    /// The range for a clinic in `zone` on `today`: `default_days` ending today when none is
    /// given, at most `max_days` long.
    pub fn parse(
        &self,
        today: NaiveDate,
        zone: Tz,
        default_days: i64,
        max_days: i64,
    ) -> Result<Days, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut day = |field: &str, raw: &str, empty: NaiveDate| match raw.trim() {
            "" => empty,
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| {
                problems.push(FieldProblem::new(
                    field,
                    "Enter a date as year-month-day, such as 2026-03-16.",
                ));
                empty
            }),
        };
        let to = day("to", &self.to, today);
        let from = day("from", &self.from, to - Duration::days(default_days - 1));
        if to < from {
            problems.push(FieldProblem::new(
                "to",
                "Choose an end on or after the start.",
            ));
        } else if (to - from).num_days() >= max_days {
            problems.push(FieldProblem::new(
                "from",
                format!("Choose at most {max_days} days at a time."),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Days {
            from,
            to,
            starts: start_of(from, zone),
            ends: start_of(to + Duration::days(1), zone),
        })
    }
}

/// When `day` begins in `zone` (its first instant, even on a day that skips midnight).
pub fn start_of(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists as a time");
    match zone.from_local_datetime(&midnight).earliest() {
        Some(start) => start.with_timezone(&Utc),
        // Midnight skipped by a clock change: the day begins an hour later.
        None => zone
            .from_local_datetime(&(midnight + Duration::hours(1)))
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_range_is_whole_days_of_the_clinics_zone_and_four_weeks_by_default() {
        let london: Tz = "Europe/London".parse().unwrap();
        let days = DaysFilter::default()
            .parse(day("2026-07-31"), london, 28, 731)
            .unwrap();
        assert_eq!((days.from, days.to), (day("2026-07-04"), day("2026-07-31")));
        // Summer time: the clinic's day starts an hour before UTC's.
        assert_eq!(days.starts.to_rfc3339(), "2026-07-03T23:00:00+00:00");
        assert_eq!(days.ends.to_rfc3339(), "2026-07-31T23:00:00+00:00");
        let refused = DaysFilter {
            from: "2026-08-02".into(),
            to: "2026-08-01".into(),
        }
        .parse(day("2026-07-31"), london, 28, 731)
        .unwrap_err();
        assert_eq!(refused[0].field, "to");
        let too_long = DaysFilter {
            from: "2020-01-01".into(),
            to: "2026-01-01".into(),
        }
        .parse(day("2026-07-31"), london, 28, 731)
        .unwrap_err();
        assert_eq!(too_long[0].field, "from");
        let unreadable = DaysFilter {
            from: "last week".into(),
            to: String::new(),
        }
        .parse(day("2026-07-31"), london, 28, 731)
        .unwrap_err();
        assert!(unreadable[0].message.contains("2026-03-16"));
    }
}
