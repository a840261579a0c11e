use crate::domain::days::DaysFilter;
use crate::domain::form::FieldProblem;
use crate::domain::reports::{By, Figures};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    /// The range as typed, filled in when none was given.
    pub filter: DaysFilter,
    /// A range that could not be read; nothing is counted until it is fixed.
    pub problems: Vec<FieldProblem>,
    pub tables: Vec<Table>,
    /// Visits starting in each hour (columns, 00 to 23) of each weekday (rows, Monday
    /// first), in each location's own time.
    pub peaks: Vec<Vec<i64>>,
    /// The clinic's currency code, for the money columns (shown to clinic admins only).
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub by: By,
    pub rows: Vec<Figures>,
}
