//! The clinic's numbers for a range of its days: what each provider, treatment and
//! location did (bookings, visits, cancellations, no-shows, new and returning patients, and
//! for those who may see money, what it earned), when the clinic is busiest, and every
//! table as CSV that a spreadsheet opens without running anything in it.

use super::money::{format_amount, Currency};
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
    /// Money taken for these appointments (deposits, payments at the desk, fees), and
    /// returned, in the clinic's currency's minor units; `None` for those who may not see
    /// money.
    pub taken_minor: Option<i64>,
    pub refunded_minor: Option<i64>,
}

impl Figures {
    /// No-shows over the visits that were due (attended or not), in whole percent; `None`
    /// when none were.
    pub fn no_show_percent(&self) -> Option<i64> {
        let due = self.attended + self.no_shows;
        (due > 0).then(|| (self.no_shows * 100 + due / 2) / due)
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

/// A report's table as CSV: a header naming each column (money in `currency`, when the
/// rows carry money), then a row for each name, amounts as plain decimals.
pub fn table_csv(by: By, rows: &[Figures], currency: Currency) -> String {
    let money = rows.iter().any(|row| row.taken_minor.is_some());
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
    if money {
        let code = currency.code();
        header.extend([
            format!("taken_{code}"),
            format!("refunded_{code}"),
            format!("net_{code}"),
        ]);
    }
    let mut lines = vec![header];
    for row in rows {
        let mut line = vec![
            row.name.clone(),
            row.booked.to_string(),
            row.attended.to_string(),
            row.cancelled.to_string(),
            row.late_cancelled.to_string(),
            row.no_shows.to_string(),
            row.no_show_percent()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            row.new_patients.to_string(),
            row.returning.to_string(),
        ];
        if let (true, Some(taken), Some(refunded)) = (money, row.taken_minor, row.refunded_minor) {
            line.extend([
                format_amount(taken, currency),
                format_amount(refunded, currency),
                format_amount(taken - refunded, currency),
            ]);
        }
        lines.push(line);
    }
    csv(&lines)
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
    fn a_tables_csv_has_money_only_when_its_rows_carry_it() {
        let gbp = Currency::parse("GBP").unwrap();
        let row = Figures {
            name: "=Dr Grant".into(),
            booked: 3,
            attended: 1,
            no_shows: 1,
            taken_minor: Some(5000),
            refunded_minor: Some(1250),
            ..Figures::default()
        };
        assert_eq!(
            table_csv(By::Provider, std::slice::from_ref(&row), gbp),
            "provider,booked,attended,cancelled,late_cancellations,no_shows,no_show_percent,new_patients,returning_patients,taken_GBP,refunded_GBP,net_GBP\r\n\
             '=Dr Grant,3,1,0,0,1,50,0,0,50.00,12.50,37.50\r\n"
        );
        let without = Figures {
            taken_minor: None,
            refunded_minor: None,
            ..row
        };
        let csv = table_csv(By::Provider, &[without], gbp);
        assert!(!csv.contains("GBP") && !csv.contains("50.00"), "{csv}");
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
}
