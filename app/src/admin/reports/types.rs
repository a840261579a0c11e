use crate::domain::days::DaysFilter;
use crate::domain::form::FieldProblem;
use crate::domain::reports::{By, Figures, Week};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    /// The range as typed, filled in when none was given.
    pub filter: DaysFilter,
    /// A range that could not be read; nothing is counted until it is fixed.
    pub problems: Vec<FieldProblem>,
    pub tables: Vec<Table>,
    /// What was booked and attended in each week of the range.
    pub weeks: Vec<Week>,
    /// Visits starting in each hour (columns, 00 to 23) of each weekday (rows, Monday
    /// first), in each location's own time.
    pub peaks: Vec<Vec<i64>>,
    /// The clinic's currency code, for the money columns (shown to clinic admins only).
    pub currency: String,
    pub demand: Demand,
}

/// Next week's likely demand beside the working hours, and what to do about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// The treatment it is for (its slug), or empty for all.
    pub treatment: String,
    /// Treatments to choose from: slug and name.
    pub treatments: Vec<(String, String)>,
    /// The Monday of the week forecast, `YYYY-MM-DD`.
    pub week: String,
    /// Likely visits in each hour (columns 00–23) of each weekday (rows, Monday first), in
    /// tenths of a visit.
    pub forecast_tenths: Vec<Vec<i64>>,
    /// Visits the working hours hold, in tenths.
    pub capacity_tenths: Vec<Vec<i64>>,
    /// Hours worth acting on, in words; `true` when more room is needed.
    pub suggestions: Vec<(String, bool)>,
    /// Weeks of history the forecast read.
    pub history_weeks: usize,
    /// The back-test: weeks held out, then the mean absolute error per hour of the week of
    /// the method and of "the same hour last week", in hundredths of a visit.
    pub score: Option<(usize, i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub by: By,
    pub rows: Vec<Figures>,
}
