//! Server functions for closed days. Each starts with the authorization check.

use super::types::ClosuresScreen;
use crate::domain::closures::ClosureForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::auth::principal::require,
    backend::{state::app_state, store},
    domain::access::Action,
    domain::form::FieldProblem,
    domain::public_holidays::HolidayCalendar,
    ui::status::answer,
};

#[server(endpoint = "admin/closures")]
pub async fn fetch_closures() -> Result<ClosuresScreen, AppError> {
    require(Action::ManageCatalogue).await?;
    answer(server::screen().await)
}

#[server(endpoint = "admin/add_closure")]
pub async fn add_closure(#[server(default)] form: ClosureForm) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    let today = answer(server::today().await)?;
    let closure = answer(form.parse(today).map_err(AppError::Rejected))?;
    answer(store::closures::add(&state.pool, state.clinic_id, &closure, &me).await)?;
    leptos_axum::redirect("/admin/locations?closed=added#closed-days");
    Ok(())
}

/// Closes the clinic (or `location_id`) on `calendar`'s public holidays of `year`.
#[server(endpoint = "admin/load_holidays")]
pub async fn load_holidays(
    calendar: String,
    year: String,
    #[server(default)] location_id: String,
) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    let today = answer(server::today().await)?;
    let (calendar, year, location) = answer(server::holidays_wanted(
        &calendar,
        &year,
        &location_id,
        today,
    ))?;
    // Holidays already past are not closures any more.
    let holidays: Vec<_> = calendar
        .holidays(year)
        .into_iter()
        .filter(|h| h.day >= today)
        .collect();
    let added = answer(
        store::closures::add_holidays(&state.pool, state.clinic_id, location, &holidays, &me).await,
    )?;
    leptos_axum::redirect(&format!(
        "/admin/locations?closed=holidays&added={added}#closed-days"
    ));
    Ok(())
}

#[server(endpoint = "admin/remove_closure")]
pub async fn remove_closure(id: String) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    let id = answer(AppError::record_id(&id))?;
    answer(store::closures::remove(&state.pool, state.clinic_id, id, &me).await)?;
    leptos_axum::redirect("/admin/locations?closed=removed#closed-days");
    Ok(())
}

/// Cancels every booking standing on closure `id`, as the clinic's cancellation: each
/// patient gets one message saying so, and whatever they paid goes back.
#[server(endpoint = "admin/cancel_closed_day_bookings")]
pub async fn cancel_closed_day_bookings(id: String) -> Result<(), AppError> {
    require(Action::ManageCatalogue).await?;
    let me = require(Action::ManageAppointments).await?;
    let id = answer(AppError::record_id(&id))?;
    let cancelled = answer(server::cancel_bookings_on(&me, id).await)?;
    leptos_axum::redirect(&format!(
        "/admin/locations?closed=cancelled&cancelled={cancelled}#closed-days"
    ));
    Ok(())
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::admin::calendar::api::server::cancel;
    use crate::backend::auth::principal::Principal;
    use crate::backend::store::booking as booking_store;
    use crate::domain::calendar::CancelForm;
    use chrono::{Datelike, NaiveDate};
    use uuid::Uuid;

    /// The clinic's date today, in its own zone.
    pub async fn today() -> Result<NaiveDate, AppError> {
        let state = app_state()?;
        let zone = booking_store::rules(&state.pool, state.clinic_id)
            .await?
            .zone();
        Ok(state.clock.now().with_timezone(&zone).date_naive())
    }

    pub async fn screen() -> Result<ClosuresScreen, AppError> {
        let state = app_state()?;
        let today = today().await?;
        Ok(ClosuresScreen {
            closures: store::closures::upcoming(&state.pool, state.clinic_id, today).await?,
            locations: store::calendar::locations(&state.pool, state.clinic_id).await?,
            calendars: HolidayCalendar::ALL
                .iter()
                .map(|c| (c.key().to_owned(), c.label().to_owned()))
                .collect(),
            this_year: today.year(),
            today: today.to_string(),
        })
    }

    /// Which holidays to load: a known calendar, this year or one of the next two.
    pub fn holidays_wanted(
        calendar: &str,
        year: &str,
        location_id: &str,
        today: NaiveDate,
    ) -> Result<(HolidayCalendar, i32, Option<Uuid>), AppError> {
        let mut problems = Vec::new();
        let calendar = HolidayCalendar::parse(calendar);
        if calendar.is_none() {
            problems.push(FieldProblem::new(
                "calendar",
                "Choose whose public holidays to load.",
            ));
        }
        let year = year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (today.year()..=today.year() + 2).contains(y));
        if year.is_none() {
            problems.push(FieldProblem::new(
                "year",
                format!(
                    "Choose a year from {} to {}.",
                    today.year(),
                    today.year() + 2
                ),
            ));
        }
        let location = match location_id.trim() {
            "" => None,
            raw => Some(AppError::record_id(raw).map_err(|_| {
                AppError::Rejected(vec![FieldProblem::new(
                    "holiday_location",
                    "Choose one of the clinic's locations.",
                )])
            })?),
        };
        match (calendar, year) {
            (Some(calendar), Some(year)) => Ok((calendar, year, location)),
            _ => Err(AppError::Rejected(problems)),
        }
    }

    /// Cancels each booking on the closure's days through the clinic's calendar, telling
    /// each patient. How many were cancelled.
    pub async fn cancel_bookings_on(me: &Principal, closure: Uuid) -> Result<usize, AppError> {
        let state = app_state()?;
        let today = today().await?;
        let bookings =
            store::closures::bookings_on_closure(&state.pool, state.clinic_id, closure, today)
                .await?;
        let form = CancelForm {
            by: "clinic".to_owned(),
            tell_patient: true,
        };
        for appointment in &bookings {
            cancel(me, *appointment, &form).await?;
        }
        Ok(bookings.len())
    }
}
