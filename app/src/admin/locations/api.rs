//! Server functions for managing locations. Each starts with the authorization check.

use super::types::{LocationEditor, LocationRow};
use crate::domain::hours::WeekForm;
use crate::domain::location::{LocationForm, RoomForm};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::auth::principal::require,
    backend::{state::app_state, store},
    domain::access::Action,
    ui::status::answer,
};

#[server(endpoint = "admin/locations")]
pub async fn fetch_location_list() -> Result<Vec<LocationRow>, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(store::locations::list(&state.pool, state.clinic_id).await)
}

/// The page for location `id`, or for a new location when `id` is `new`.
#[server(endpoint = "admin/location_editor")]
pub async fn fetch_location_editor(id: String) -> Result<LocationEditor, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id_or_new(&id)?;
            store::locations::editor(&state.pool, state.clinic_id, id)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

#[server(endpoint = "admin/save_location")]
pub async fn save_location(#[server(default)] form: LocationForm) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let draft = answer(form.parse().map_err(AppError::Rejected))?;
    let state = app_state()?;
    let id = answer(store::locations::save(&state.pool, state.clinic_id, &draft, &me).await)?;
    leptos_axum::redirect(&format!("/admin/locations/{id}?saved=location"));
    Ok(())
}

#[server(endpoint = "admin/save_opening_hours")]
pub async fn save_opening_hours(
    location_id: String,
    #[server(default)] week: WeekForm,
) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let location = AppError::record_id(&location_id)?;
            let ranges = week.parse().map_err(AppError::Rejected)?;
            store::locations::save_hours(&state.pool, state.clinic_id, location, &ranges, &me).await
        }
        .await,
    )?;
    leptos_axum::redirect(&format!("/admin/locations/{location_id}?saved=hours"));
    Ok(())
}

#[server(endpoint = "admin/save_room")]
pub async fn save_room(
    location_id: String,
    #[server(default)] room: RoomForm,
) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let location = AppError::record_id(&location_id)?;
            let draft = room.parse().map_err(AppError::Rejected)?;
            store::locations::save_room(&state.pool, state.clinic_id, location, &draft, &me).await
        }
        .await,
    )?;
    leptos_axum::redirect(&format!("/admin/locations/{location_id}?saved=room"));
    Ok(())
}
