//! The clinic's numbers for a range of its days: what each provider, treatment and
//! location did (bookings, visits, cancellations, no-shows, new and returning patients, and
//! for those who may see money, what it earned), when the clinic is busiest, and every
//! table as CSV that a spreadsheet opens without running anything in it.

use super::hours::WEEK_DAYS;
use super::money::{format_amount, Currency};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest range one report covers: two years, as the clinics keep.
pub const MAX_DAYS: i64 = 731;
/// The days a report covers when none are given: the last four weeks, ending today.
pub const DEFAULT_DAYS: i64 = 28;

/// What a report's tables are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Provider,
    Treatment,
    Location,
}

impl By {
    pub const ALL: [By; 3] = [By::Provider, By::Treatment, By::Location];

    pub fn code(self) -> &'static str {
        match self {
            By::Provider => "provider",
            By::Treatment => "treatment",
            By::Location => "location",
        }
    }

    pub fn parse(code: &str) -> Option<By> {
        By::ALL.into_iter().find(|by| by.code() == code)
    }

    pub fn title(self) -> &'static str {
        match self {
            By::Provider => "By provider",
            By::Treatment => "By treatment",
            By::Location => "By location",
        }
    }
}

/// One row of a report: appointments booked by patients that start in the range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub name: String,
    pub booked: i64,
    /// Completed.
    pub attended: i64,
    pub cancelled: i64,
    /// Cancelled inside the treatment's late-cancellation window.
    pub late_cancelled: i64,
    pub no_shows: i64,
    /// Patients for whom this was their first booking with the clinic.
    pub new_patients: i64,
    pub returning: i64,
    /// How much of the working time was booked; providers and locations have working
    /// hours, treatments do not.
    pub time: Option<Time>,
    /// `None` for those who may not see money.
    pub money: Option<Money>,
}

impl Figures {
    /// No-shows over the visits that were due (attended or not), in whole percent; `None`
    /// when none were.
    pub fn no_show_percent(&self) -> Option<i64> {
        percent(self.no_shows, self.attended + self.no_shows)
    }
}

/// `part` of `whole` in whole percent, rounded half up; `None` of nothing.
fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

/// Minutes providers were booked (visits, and group sessions with a seat taken; not
/// cancelled) beside the minutes their working hours gave, less their time off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Time {
    pub booked_minutes: i64,
    pub working_minutes: i64,
}

impl Time {
    /// Utilisation in whole percent; `None` without working hours. Above 100 when
    /// appointments were booked outside the hours.
    pub fn percent(&self) -> Option<i64> {
        percent(self.booked_minutes, self.working_minutes)
    }
}

/// Money taken for a row's appointments and given back, in the clinic's currency's minor
/// units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Paid online when booking.
    pub deposits_minor: i64,
    /// Recorded by staff at the desk (cash, the card terminal).
    pub at_desk_minor: i64,
    /// Late-cancellation and no-show fees.
    pub fees_minor: i64,
    pub refunded_minor: i64,
}

impl Money {
    pub fn net_minor(&self) -> i64 {
        self.deposits_minor + self.at_desk_minor + self.fees_minor - self.refunded_minor
    }
}

/// A cell as a spreadsheet should read it: text that a spreadsheet would take for a formula
/// (it begins `=`, `+`, `-`, `@`, a tab or a carriage return) starts with an apostrophe, and
/// a cell with a comma, quote or line break is quoted (RFC 4180).
pub fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Rows as CSV, lines ending CRLF as RFC 4180 has them.
pub fn csv(rows: &[Vec<String>]) -> String {
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
            cells.join(",") + "\r\n"
        })
        .collect()
}

/// A report's table as CSV: a header naming each column, then a row for each name. The
/// time columns only when the rows have working hours; the money columns (in `currency`,
/// as plain decimals) only when the rows carry money.
pub fn table_csv(by: By, rows: &[Figures], currency: Currency) -> String {
    let time = rows.iter().any(|row| row.time.is_some());
    let money = rows.iter().any(|row| row.money.is_some());
    let mut header: Vec<String> = [
        by.code(),
        "booked",
        "attended",
        "cancelled",
        "late_cancellations",
        "no_shows",
        "no_show_percent",
        "new_patients",
        "returning_patients",
    ]
    .map(str::to_owned)
    .to_vec();
    if time {
        header.extend(
            ["booked_minutes", "working_minutes", "utilisation_percent"].map(str::to_owned),
        );
    }
    if money {
        let code = currency.code();
        header.extend(
            ["deposits", "at_desk", "fees", "refunded", "net"]
                .map(|column| format!("{column}_{code}")),
        );
    }
    let optional = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    let mut lines = vec![header];
    for row in rows {
        let mut line = vec![
            row.name.clone(),
            row.booked.to_string(),
            row.attended.to_string(),
            row.cancelled.to_string(),
            row.late_cancelled.to_string(),
            row.no_shows.to_string(),
            optional(row.no_show_percent()),
            row.new_patients.to_string(),
            row.returning.to_string(),
        ];
        if time {
            let t = row.time.unwrap_or_default();
            line.extend([
                t.booked_minutes.to_string(),
                t.working_minutes.to_string(),
                optional(t.percent()),
            ]);
        }
        if money {
            let m = row.money.unwrap_or_default();
            line.extend(
                [
                    m.deposits_minor,
                    m.at_desk_minor,
                    m.fees_minor,
                    m.refunded_minor,
                    m.net_minor(),
                ]
                .map(|minor| format_amount(minor, currency)),
            );
        }
        lines.push(line);
    }
    csv(&lines)
}

/// Appointments patients booked that start in one week of the range, for the range's
/// line chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// Its Monday, in the clinic's time.
    pub starts: NaiveDate,
    pub booked: i64,
    pub attended: i64,
}

/// The weeks as CSV: each week by its Monday (ISO 8601), what was booked and attended.
pub fn weeks_csv(weeks: &[Week]) -> String {
    let mut lines = vec![["week_starting", "booked", "attended"]
        .map(str::to_owned)
        .to_vec()];
    lines.extend(weeks.iter().map(|week| {
        vec![
            week.starts.to_string(),
            week.booked.to_string(),
            week.attended.to_string(),
        ]
    }));
    csv(&lines)
}

/// The busy hours as CSV: a row per weekday, Monday first, a column per hour 00 to 23.
pub fn peaks_csv(peaks: &[Vec<i64>]) -> String {
    let mut header = vec!["weekday".to_owned()];
    header.extend((0..24).map(|hour| format!("{hour:02}:00")));
    let mut lines = vec![header];
    for ((_, day), counts) in WEEK_DAYS.iter().zip(peaks) {
        let mut line = vec![(*day).to_owned()];
        line.extend(counts.iter().map(i64::to_string));
        lines.push(line);
    }
    csv(&lines)
}

/// Minutes as hours and minutes, `85:05`, as a timesheet has them.
pub fn hours_and_minutes(minutes: i64) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_neutralised_and_punctuation_quoted() {
        for formula in ["=1+1", "+44 131", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_cell(formula).trim_start_matches('"').starts_with('\''),
                "{formula:?}"
            );
        }
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("Grant, Lewis"), "\"Grant, Lewis\"");
        assert_eq!(csv_cell("Dr Lewis Grant"), "Dr Lewis Grant");
        assert_eq!(csv_cell("2026-03-16"), "2026-03-16");
        assert_eq!(
            csv(&[
                vec!["a".into(), "=b".into()],
                vec!["c".into(), String::new()]
            ]),
            "a,'=b\r\nc,\r\n"
        );
    }

    #[test]
    fn a_tables_csv_has_time_and_money_only_when_its_rows_carry_them() {
        let gbp = Currency::parse("GBP").unwrap();
        let row = Figures {
            name: "=Dr Grant".into(),
            booked: 3,
            attended: 1,
            no_shows: 1,
            time: Some(Time {
                booked_minutes: 90,
                working_minutes: 480,
            }),
            money: Some(Money {
                deposits_minor: 5000,
                at_desk_minor: 3000,
                fees_minor: 2500,
                refunded_minor: 1250,
            }),
            ..Figures::default()
        };
        assert_eq!(
            table_csv(By::Provider, std::slice::from_ref(&row), gbp),
            "provider,booked,attended,cancelled,late_cancellations,no_shows,no_show_percent,new_patients,returning_patients,\
             booked_minutes,working_minutes,utilisation_percent,deposits_GBP,at_desk_GBP,fees_GBP,refunded_GBP,net_GBP\r\n\
             '=Dr Grant,3,1,0,0,1,50,0,0,90,480,19,50.00,30.00,25.00,12.50,92.50\r\n"
        );
        let without = Figures {
            time: None,
            money: None,
            ..row
        };
        assert_eq!(
            table_csv(By::Treatment, &[without], gbp),
            "treatment,booked,attended,cancelled,late_cancellations,no_shows,no_show_percent,new_patients,returning_patients\r\n\
             '=Dr Grant,3,1,0,0,1,50,0,0\r\n"
        );
    }

    #[test]
    fn utilisation_is_booked_over_working_time_and_says_nothing_without_hours() {
        let time = |booked_minutes, working_minutes| Time {
            booked_minutes,
            working_minutes,
        };
        assert_eq!(time(195, 5100).percent(), Some(4));
        assert_eq!(time(240, 480).percent(), Some(50));
        // Booked outside the hours: said as it is, not capped.
        assert_eq!(time(600, 480).percent(), Some(125));
        assert_eq!(time(45, 0).percent(), None);
    }

    #[test]
    fn the_no_show_rate_counts_only_visits_that_were_due() {
        let figures = Figures {
            attended: 2,
            no_shows: 1,
            cancelled: 5,
            ..Figures::default()
        };
        assert_eq!(figures.no_show_percent(), Some(33));
        assert_eq!(Figures::default().no_show_percent(), None);
    }

    #[test]
    fn weeks_are_dated_as_iso_and_time_as_a_timesheet_has_it() {
        let week = |day, booked, attended| Week {
            starts: NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
            booked,
            attended,
        };
        assert_eq!(
            weeks_csv(&[week(19, 2, 1), week(26, 3, 0)]),
            "week_starting,booked,attended\r\n2026-10-19,2,1\r\n2026-10-26,3,0\r\n"
        );
        assert_eq!(hours_and_minutes(5100), "85:00");
        let mut peaks = vec![vec![0; 24]; 7];
        peaks[1][9] = 3;
        let csv = peaks_csv(&peaks);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 8);
        assert!(lines[0].starts_with("weekday,00:00,01:00,") && lines[0].ends_with(",23:00"));
        assert_eq!(
            lines[2],
            format!("Tuesday,{}3{}", "0,".repeat(9), ",0".repeat(14))
        );
        assert_eq!(hours_and_minutes(65), "1:05");
    }
}
