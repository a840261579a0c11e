//! The reports' data. Bookings need `ManageAppointments` (everyone who works the calendar);
//! the money in them needs `ManageClinic` (clinic admins). Reading them is audited: the
//! figures are the clinic's business, though no patient is named.

use super::types::ReportPage;
use crate::domain::days::DaysFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "admin/reports")]
pub async fn fetch_report(#[server(default)] filter: DaysFilter) -> Result<ReportPage, AppError> {
    use crate::backend::auth::principal::require;
    use crate::domain::access::Action;
    let me = require(Action::ManageAppointments).await?;
    crate::backend::audit::record_for_request(Some(&me), "read", "reports", None).await?;
    let state = crate::backend::state::app_state()?;
    crate::ui::status::answer(server::report(&state, me.role, filter).await)
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::super::types::{ReportPage, Table};
    use crate::backend::state::AppState;
    use crate::backend::store::{booking, clinic, reports};
    use crate::domain::access::{allows, Action, Role};
    use crate::domain::days::{Days, DaysFilter};
    use crate::domain::form::FieldProblem;
    use crate::domain::money::Currency;
    use crate::domain::reports::{By, DEFAULT_DAYS, MAX_DAYS};
    use crate::error::AppError;

    /// The days `filter` asks for in the clinic's time (or what is wrong with it), and the
    /// clinic's currency.
    pub async fn range(
        state: &AppState,
        filter: &DaysFilter,
    ) -> Result<(Result<Days, Vec<FieldProblem>>, Currency), AppError> {
        let zone = booking::rules(&state.pool, state.clinic_id).await?.zone();
        let currency = clinic::currency(&state.pool, state.clinic_id).await?;
        let today = state.clock.now().with_timezone(&zone).date_naive();
        Ok((filter.parse(today, zone, DEFAULT_DAYS, MAX_DAYS), currency))
    }

    /// A table for each grouping, for someone of `role`: money only when the role may see it.
    pub async fn tables(state: &AppState, role: Role, days: &Days) -> Result<Vec<Table>, AppError> {
        let with_money = allows(role, Action::ManageClinic);
        let figures = reports::figures(&state.pool, state.clinic_id, days, with_money).await?;
        Ok(By::ALL
            .into_iter()
            .map(|by| Table {
                by,
                rows: figures
                    .iter()
                    .filter(|(of, _)| *of == by)
                    .map(|(_, row)| row.clone())
                    .collect(),
            })
            .collect())
    }

    /// The screen's whole report: the tables and the busy hours.
    pub async fn report(
        state: &AppState,
        role: Role,
        mut filter: DaysFilter,
    ) -> Result<ReportPage, AppError> {
        let (days, currency) = range(state, &filter).await?;
        let currency = currency.code().to_owned();
        let days = match days {
            Ok(days) => days,
            Err(problems) => {
                return Ok(ReportPage {
                    filter,
                    problems,
                    tables: Vec::new(),
                    peaks: Vec::new(),
                    currency,
                })
            }
        };
        filter.from = days.from.to_string();
        filter.to = days.to.to_string();
        let peaks = reports::peak_times(&state.pool, state.clinic_id, &days)
            .await?
            .iter()
            .map(|hours| hours.to_vec())
            .collect();
        Ok(ReportPage {
            filter,
            problems: Vec::new(),
            tables: tables(state, role, &days).await?,
            peaks,
            currency,
        })
    }
}
