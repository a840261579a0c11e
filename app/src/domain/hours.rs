//! Weekly opening hours, summarised for people: "Mon–Fri 09:00–19:00", "Sun Closed".

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// One opening range on one ISO weekday (1 = Monday … 7 = Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningRange {
    pub weekday: u8,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// A line of the summary: a run of days that share the same hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursLine {
    pub days: String,
    pub hours: String,
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Groups consecutive days with identical hours; days without a range are "Closed".
pub fn summarise(ranges: &[OpeningRange]) -> Vec<HoursLine> {
    let per_day: Vec<String> = (1..=7u8)
        .map(|day| {
            let mut today: Vec<&OpeningRange> =
                ranges.iter().filter(|r| r.weekday == day).collect();
            today.sort_by_key(|r| r.opens);
            if today.is_empty() {
                "Closed".to_owned()
            } else {
                today
                    .iter()
                    .map(|r| format!("{}–{}", r.opens.format("%H:%M"), r.closes.format("%H:%M")))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        })
        .collect();

    let mut lines = Vec::new();
    let mut start = 0;
    for day in 1..=7 {
        if day == 7 || per_day[day] != per_day[start] {
            let days = if start == day - 1 {
                DAY_NAMES[start].to_owned()
            } else {
                format!("{}–{}", DAY_NAMES[start], DAY_NAMES[day - 1])
            };
            lines.push(HoursLine {
                days,
                hours: per_day[start].clone(),
            });
            start = day;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(weekday: u8, opens: (u32, u32), closes: (u32, u32)) -> OpeningRange {
        OpeningRange {
            weekday,
            opens: NaiveTime::from_hms_opt(opens.0, opens.1, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(closes.0, closes.1, 0).unwrap(),
        }
    }

    fn line(days: &str, hours: &str) -> HoursLine {
        HoursLine {
            days: days.into(),
            hours: hours.into(),
        }
    }

    #[test]
    fn weekdays_with_equal_hours_are_one_line() {
        let mut ranges: Vec<_> = (1..=5).map(|d| range(d, (9, 0), (19, 0))).collect();
        ranges.push(range(6, (10, 0), (16, 0)));
        assert_eq!(
            summarise(&ranges),
            vec![
                line("Mon–Fri", "09:00–19:00"),
                line("Sat", "10:00–16:00"),
                line("Sun", "Closed"),
            ]
        );
    }

    #[test]
    fn a_lunch_closure_shows_both_ranges_in_order() {
        let ranges = [range(1, (14, 0), (18, 0)), range(1, (9, 0), (13, 0))];
        assert_eq!(
            summarise(&ranges)[0],
            line("Mon", "09:00–13:00, 14:00–18:00")
        );
    }

    #[test]
    fn no_ranges_means_closed_all_week() {
        assert_eq!(summarise(&[]), vec![line("Mon–Sun", "Closed")]);
    }

    #[test]
    fn a_day_off_in_the_middle_splits_the_week() {
        let ranges: Vec<_> = [1, 2, 4, 5]
            .iter()
            .map(|&d| range(d, (9, 0), (17, 0)))
            .collect();
        assert_eq!(
            summarise(&ranges),
            vec![
                line("Mon–Tue", "09:00–17:00"),
                line("Wed", "Closed"),
                line("Thu–Fri", "09:00–17:00"),
                line("Sat–Sun", "Closed"),
            ]
        );
    }
}
