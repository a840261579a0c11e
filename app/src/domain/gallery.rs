//! What patients filter before/after cases by, how long after treatment a picture was
//! taken (in words), and pages of results. Pure: the pages and the store both use it.

use serde::{Deserialize, Serialize};

/// Cases on one page of results.
pub const CASES_PER_PAGE: u32 = 12;

/// Age ranges a clinic records for a case (never an age, which could help identify).
pub const AGE_RANGES: [&str; 5] = ["18-29", "30-39", "40-49", "50-59", "60+"];

pub fn age_range_label(range: &str) -> String {
    match range {
        "60+" => "60 and over".to_owned(),
        other => other.replace('-', "–"),
    }
}

/// How long after treatment, as patients filter it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeSince {
    UnderAMonth,
    OneToThreeMonths,
    ThreeToSixMonths,
    SixMonthsOrMore,
}

impl TimeSince {
    pub const ALL: [TimeSince; 4] = [
        TimeSince::UnderAMonth,
        TimeSince::OneToThreeMonths,
        TimeSince::ThreeToSixMonths,
        TimeSince::SixMonthsOrMore,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TimeSince::UnderAMonth => "under-1m",
            TimeSince::OneToThreeMonths => "1-3m",
            TimeSince::ThreeToSixMonths => "3-6m",
            TimeSince::SixMonthsOrMore => "6m-plus",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            TimeSince::UnderAMonth => "Under a month",
            TimeSince::OneToThreeMonths => "1 to 3 months",
            TimeSince::ThreeToSixMonths => "3 to 6 months",
            TimeSince::SixMonthsOrMore => "6 months or more",
        }
    }

    /// The days after treatment it covers: from, and up to but not including.
    pub fn days(self) -> (i32, i32) {
        match self {
            TimeSince::UnderAMonth => (0, 28),
            TimeSince::OneToThreeMonths => (28, 91),
            TimeSince::ThreeToSixMonths => (91, 182),
            TimeSince::SixMonthsOrMore => (182, i32::MAX),
        }
    }
}

/// "2 weeks after", "3 months after": how a case says when its after pictures were taken.
pub fn time_after_label(days: i32) -> String {
    fn plural(n: i32, unit: &str) -> String {
        if n == 1 {
            format!("1 {unit} after")
        } else {
            format!("{n} {unit}s after")
        }
    }
    match days {
        ..=0 => "Straight after".to_owned(),
        1..=13 => plural(days, "day"),
        14..=59 => plural((days + 3) / 7, "week"),
        60..=729 => plural((days + 15) / 30, "month"),
        _ => plural((days + 182) / 365, "year"),
    }
}

/// Sessions as a filter: one, or a few, or a course.
pub fn sessions_label(sessions: i16) -> String {
    match sessions {
        1 => "1 session".to_owned(),
        n => format!("{n} sessions"),
    }
}

/// The filters in a gallery page's address. Anything unrecognised is ignored rather than
/// refused: an old or hand-edited link still shows cases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    pub treatment: Option<String>,
    pub album: Option<String>,
    pub age_range: Option<String>,
    pub sessions: Option<i16>,
    pub time_since: Option<TimeSince>,
    /// 1-based.
    pub page: u32,
}

impl CaseFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let word = |name: &str| get(name).filter(|v| crate::domain::slug::Slug::parse(v).is_ok());
        CaseFilter {
            treatment: word("treatment"),
            album: word("album"),
            age_range: get("age").filter(|v| AGE_RANGES.contains(&v.as_str())),
            sessions: get("sessions")
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=50).contains(n)),
            time_since: get("after").and_then(|v| TimeSince::parse(&v)),
            page: get("page")
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=10_000).contains(n))
                .unwrap_or(1),
        }
    }

    /// The address of this filter on `path`, at `page`: what "next" and "previous" link to.
    pub fn query_for_page(&self, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(v) = &self.treatment {
            pairs.push(("treatment", v.clone()));
        }
        if let Some(v) = &self.album {
            pairs.push(("album", v.clone()));
        }
        if let Some(v) = &self.age_range {
            pairs.push(("age", v.clone()));
        }
        if let Some(v) = self.sessions {
            pairs.push(("sessions", v.to_string()));
        }
        if let Some(v) = self.time_since {
            pairs.push(("after", v.code().to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::domain::url::percent_encode(&v)))
            .collect();
        if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        }
    }

    pub fn is_filtered(&self) -> bool {
        self.treatment.is_some()
            || self.album.is_some()
            || self.age_range.is_some()
            || self.sessions.is_some()
            || self.time_since.is_some()
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(CASES_PER_PAGE)
    }
}

/// How many pages `total` cases fill (at least one, so "page 1 of 1" reads right).
pub fn page_count(total: i64) -> u32 {
    let per = i64::from(CASES_PER_PAGE);
    u32::try_from((total + per - 1) / per)
        .unwrap_or(u32::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn filter(pairs: &[(&str, &str)]) -> CaseFilter {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        CaseFilter::from_query(|name| map.get(name).cloned())
    }

    #[test]
    fn time_after_reads_as_people_say_it() {
        assert_eq!(time_after_label(0), "Straight after");
        assert_eq!(time_after_label(1), "1 day after");
        assert_eq!(time_after_label(14), "2 weeks after");
        assert_eq!(time_after_label(90), "3 months after");
        assert_eq!(time_after_label(365 * 2), "2 years after");
    }

    #[test]
    fn every_time_bucket_survives_its_code_and_the_buckets_meet() {
        for t in TimeSince::ALL {
            assert_eq!(TimeSince::parse(t.code()), Some(t));
        }
        for pair in TimeSince::ALL.windows(2) {
            assert_eq!(pair[0].days().1, pair[1].days().0);
        }
    }

    #[test]
    fn unknown_filter_values_are_ignored_not_refused() {
        let f = filter(&[
            ("treatment", "Lip Filler!"),
            ("age", "12-17"),
            ("sessions", "0"),
            ("after", "forever"),
            ("page", "-3"),
        ]);
        assert_eq!(
            f,
            CaseFilter {
                page: 1,
                ..CaseFilter::default()
            }
        );
        assert!(!f.is_filtered());
    }

    #[test]
    fn a_filter_round_trips_through_its_address() {
        let f = filter(&[
            ("treatment", "lip-filler"),
            ("age", "30-39"),
            ("sessions", "3"),
            ("after", "1-3m"),
            ("page", "2"),
        ]);
        assert_eq!(f.offset(), 12);
        let query = f.query_for_page(3);
        assert_eq!(
            query,
            "?treatment=lip-filler&age=30-39&sessions=3&after=1-3m&page=3"
        );
        let again: HashMap<String, String> = query[1..]
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let parsed = CaseFilter::from_query(|name| again.get(name).cloned());
        assert_eq!(
            parsed,
            CaseFilter {
                page: 3,
                ..f.clone()
            }
        );
        assert_eq!(
            f.query_for_page(1),
            "?treatment=lip-filler&age=30-39&sessions=3&after=1-3m"
        );
    }

    #[test]
    fn pages_round_up_and_there_is_always_one() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(12), 1);
        assert_eq!(page_count(13), 2);
    }
}
