//! Weekly hours: a location's opening hours and a provider's working hours. Staff type a
//! week as one line per day ("09:00–13:00, 14:00–17:30"); people read it summarised
//! ("Mon–Fri 09:00–19:00", "Sun Closed").

use super::form::FieldProblem;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// One range of hours on one ISO weekday (1 = Monday … 7 = Sunday).
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

/// The days of a week form, Monday first: the field name and its label.
pub const WEEK_DAYS: [(&str, &str); 7] = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
];

/// A week as staff type it: each day's ranges as text, empty for a day off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeekForm {
    pub monday: String,
    pub tuesday: String,
    pub wednesday: String,
    pub thursday: String,
    pub friday: String,
    pub saturday: String,
    pub sunday: String,
}

impl WeekForm {
    /// Each day's text, Monday first.
    pub fn days(&self) -> [&str; 7] {
        [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ]
    }

    /// The form filled in from stored ranges.
    pub fn from_ranges(ranges: &[OpeningRange]) -> Self {
        let day = |weekday: u8| day_text(ranges, weekday);
        WeekForm {
            monday: day(1),
            tuesday: day(2),
            wednesday: day(3),
            thursday: day(4),
            friday: day(5),
            saturday: day(6),
            sunday: day(7),
        }
    }

    /// Every day's ranges, or a problem for each day that can't be read.
    pub fn parse(&self) -> Result<Vec<OpeningRange>, Vec<FieldProblem>> {
        let mut ranges = Vec::new();
        let mut problems = Vec::new();
        for (index, text) in self.days().into_iter().enumerate() {
            let weekday = index as u8 + 1;
            match parse_day(text) {
                Ok(day) => ranges.extend(day.into_iter().map(|(opens, closes)| OpeningRange {
                    weekday,
                    opens,
                    closes,
                })),
                Err(message) => problems.push(FieldProblem::new(WEEK_DAYS[index].0, message)),
            }
        }
        if problems.is_empty() {
            Ok(ranges)
        } else {
            Err(problems)
        }
    }
}

/// One day's ranges as typed: "09:00–13:00, 14:00–17:30" (a hyphen or a dash between the
/// times, commas between ranges), or nothing (or "closed") for a day off. Returned sorted.
pub fn parse_day(text: &str) -> Result<Vec<(NaiveTime, NaiveTime)>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("closed") || text.eq_ignore_ascii_case("off") {
        return Ok(Vec::new());
    }
    let mut ranges = Vec::new();
    for part in text.split([',', ';']) {
        let part = part.trim();
        let Some((start, end)) = part.split_once(['-', '–', '—']) else {
            return Err(format!(
                "Write “{part}” as a start and end time, like 09:00–17:00."
            ));
        };
        let (Some(start), Some(end)) = (clock_time(start), clock_time(end)) else {
            return Err(format!(
                "“{part}” has a time we can't read. Use 24-hour times like 09:00–17:30."
            ));
        };
        if end <= start {
            return Err(format!("In “{part}” the end comes before the start."));
        }
        ranges.push((start, end));
    }
    ranges.sort();
    if ranges.windows(2).any(|pair| pair[1].0 < pair[0].1) {
        return Err("Two of these ranges overlap. Merge them into one.".to_owned());
    }
    Ok(ranges)
}

/// "9:00", "09:00" or "9" (on the hour).
fn clock_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let (hours, minutes) = text.split_once([':', '.']).unwrap_or((text, "00"));
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)
}

/// One day's ranges in order, as `09:00–13:00, 14:00–18:00`; empty when there are none.
fn day_text(ranges: &[OpeningRange], weekday: u8) -> String {
    let mut today: Vec<&OpeningRange> = ranges.iter().filter(|r| r.weekday == weekday).collect();
    today.sort_by_key(|r| r.opens);
    today
        .iter()
        .map(|r| format!("{}–{}", r.opens.format("%H:%M"), r.closes.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Groups consecutive days with identical hours; days without a range are "Closed".
pub fn summarise(ranges: &[OpeningRange]) -> Vec<HoursLine> {
    let per_day: Vec<String> = (1..=7u8)
        .map(|day| match day_text(ranges, day) {
            text if text.is_empty() => "Closed".to_owned(),
            text => text,
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

    type HourMinute = (u32, u32);

    fn times(ranges: &[(HourMinute, HourMinute)]) -> Vec<(NaiveTime, NaiveTime)> {
        ranges
            .iter()
            .map(|&(a, b)| {
                (
                    NaiveTime::from_hms_opt(a.0, a.1, 0).unwrap(),
                    NaiveTime::from_hms_opt(b.0, b.1, 0).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn a_day_is_read_however_staff_type_the_dash() {
        let expected = times(&[((9, 0), (13, 0)), ((14, 0), (17, 30))]);
        assert_eq!(parse_day("09:00–13:00, 14:00–17:30").unwrap(), expected);
        assert_eq!(parse_day("14:00 - 17:30;9-13").unwrap(), expected);
        assert_eq!(parse_day(" ").unwrap(), vec![]);
        assert_eq!(parse_day("Closed").unwrap(), vec![]);
    }

    #[test]
    fn a_day_that_cannot_be_read_says_which_part() {
        assert!(parse_day("9 to 5").unwrap_err().contains("“9 to 5”"));
        assert!(parse_day("09:00–25:00").unwrap_err().contains("can't read"));
        assert!(parse_day("09:0–17:00").unwrap_err().contains("can't read"));
        assert!(parse_day("17:00–09:00")
            .unwrap_err()
            .contains("end comes before"));
        assert!(parse_day("09:00–13:00, 12:00–15:00")
            .unwrap_err()
            .contains("overlap"));
    }

    #[test]
    fn a_week_round_trips_through_its_form() {
        let ranges = vec![
            range(1, (9, 0), (13, 0)),
            range(1, (14, 0), (18, 0)),
            range(5, (10, 0), (16, 0)),
        ];
        let form = WeekForm::from_ranges(&ranges);
        assert_eq!(form.monday, "09:00–13:00, 14:00–18:00");
        assert_eq!(form.tuesday, "");
        assert_eq!(form.parse().unwrap(), ranges);
    }

    #[test]
    fn a_week_names_every_day_it_cannot_read() {
        let form = WeekForm {
            tuesday: "nine".into(),
            sunday: "10-9".into(),
            ..WeekForm::default()
        };
        let fields: Vec<String> = form
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["tuesday", "sunday"]);
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
