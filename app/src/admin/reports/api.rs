//! The reports' data. Bookings need `ManageAppointments` (everyone who works the calendar);
//! the money in them needs `ManageClinic` (clinic admins). Reading them is audited: the
//! figures are the clinic's business, though no patient is named.

use super::types::ReportPage;
use crate::domain::days::DaysFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "admin/reports")]
pub async fn fetch_report(
    #[server(default)] filter: DaysFilter,
    #[server(default)] demand: String,
) -> Result<ReportPage, AppError> {
    use crate::backend::auth::principal::require;
    use crate::domain::access::Action;
    let me = require(Action::ManageAppointments).await?;
    crate::backend::audit::record_for_request(Some(&me), "read", "reports", None).await?;
    let state = crate::backend::state::app_state()?;
    crate::ui::status::answer(server::report(&state, me.role, filter, &demand).await)
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::super::types::{Demand, ReportPage, Table};
    use crate::backend::state::AppState;
    use crate::backend::store::{booking, clinic, reports};
    use crate::domain::access::{allows, Action, Role};
    use crate::domain::days::{Days, DaysFilter};
    use crate::domain::forecast::{backtest, capacity, forecast, suggest, Advice, WeekGrid};
    use crate::domain::form::FieldProblem;
    use crate::domain::hours::WEEK_DAYS;
    use crate::domain::money::Currency;
    use crate::domain::reports::{By, DEFAULT_DAYS, MAX_DAYS};
    use crate::error::AppError;
    use chrono::Datelike;

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

    /// Weeks of history a forecast reads.
    const HISTORY_WEEKS: i64 = 16;
    /// Weeks a back-test holds out.
    const HELD_OUT: usize = 4;

    fn tenths(grid: &WeekGrid) -> Vec<Vec<i64>> {
        grid.iter()
            .map(|hours| hours.iter().map(|v| (v * 10.0).round() as i64).collect())
            .collect()
    }

    /// Next week's likely demand for `treatment` (a slug, or empty for all) beside its
    /// providers' working hours, the hours worth acting on, and how the method scored on
    /// the weeks it did not see.
    pub async fn demand(state: &AppState, treatment: &str) -> Result<Demand, AppError> {
        let (pool, clinic_id) = (&state.pool, state.clinic_id);
        let zone = booking::rules(pool, clinic_id).await?.zone();
        let today = state.clock.now().with_timezone(&zone).date_naive();
        let this_monday =
            today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let treatments = reports::treatments(pool, clinic_id).await?;
        let chosen = treatments
            .iter()
            .find(|(_, slug, _)| slug == treatment.trim());
        let id = chosen.map(|(id, _, _)| *id);
        let history =
            reports::demand_history(pool, clinic_id, id, this_monday, HISTORY_WEEKS).await?;
        let predicted = forecast(&history);
        let next_monday = this_monday + chrono::Duration::days(7);
        let (supply, visit_minutes) = reports::supply(pool, clinic_id, id, next_monday).await?;
        let room = capacity(&supply, visit_minutes);
        let suggestions = suggest(&predicted, &room)
            .into_iter()
            .map(|s| {
                let hours = format!(
                    "{} {:02}:00–{:02}:00",
                    WEEK_DAYS[usize::from(s.weekday - 1)].1,
                    s.hour,
                    s.hour + 1
                );
                match s.advice {
                    Advice::AddHours => (
                        format!(
                            "{hours}: about {:.1} visits likely asked for, room for {:.1}. Add a session or hours.",
                            s.demand, s.capacity
                        ),
                        true,
                    ),
                    Advice::Promote => (
                        format!(
                            "{hours}: room for {:.1} visits, about {:.1} likely asked for. Worth a promotion.",
                            s.capacity, s.demand
                        ),
                        false,
                    ),
                }
            })
            .collect();
        let score = backtest(&history, HELD_OUT).map(|score| {
            (
                score.weeks,
                (score.error * 100.0).round() as i64,
                (score.naive_error * 100.0).round() as i64,
            )
        });
        Ok(Demand {
            treatment: chosen.map(|(_, slug, _)| slug.clone()).unwrap_or_default(),
            treatments: treatments
                .into_iter()
                .map(|(_, slug, name)| (slug, name))
                .collect(),
            week: next_monday.to_string(),
            forecast_tenths: tenths(&predicted),
            capacity_tenths: tenths(&room),
            suggestions,
            history_weeks: history.len(),
            score,
        })
    }

    /// The screen's whole report: the tables, the weeks, the busy hours and the demand ahead.
    pub async fn report(
        state: &AppState,
        role: Role,
        mut filter: DaysFilter,
        demand_for: &str,
    ) -> Result<ReportPage, AppError> {
        let demand = demand(state, demand_for).await?;
        let (days, currency) = range(state, &filter).await?;
        let currency = currency.code().to_owned();
        let days = match days {
            Ok(days) => days,
            Err(problems) => {
                return Ok(ReportPage {
                    filter,
                    problems,
                    tables: Vec::new(),
                    weeks: Vec::new(),
                    peaks: Vec::new(),
                    currency,
                    demand,
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
            weeks: reports::weeks(&state.pool, state.clinic_id, &days).await?,
            peaks,
            currency,
            demand,
        })
    }
}
