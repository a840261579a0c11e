//! Server functions for managing categories. Each starts with the authorization check.

use super::types::CategoryRow;
use crate::domain::category::CategoryForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::auth::principal::require,
    backend::{state::app_state, store},
    domain::access::Action,
    ui::status::answer,
};

#[server(endpoint = "admin/categories")]
pub async fn fetch_category_list() -> Result<Vec<CategoryRow>, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(store::categories::list(&state.pool, state.clinic_id).await)
}

/// The form for category `id`, or a blank one when `id` is `new`.
#[server(endpoint = "admin/category")]
pub async fn fetch_category(id: String) -> Result<CategoryForm, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let Some(id) = AppError::record_id_or_new(&id)? else {
                return Ok(CategoryForm::default());
            };
            let draft = store::categories::load(&state.pool, state.clinic_id, id).await?;
            draft
                .map(|draft| CategoryForm::from_draft(&draft))
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

#[server(endpoint = "admin/save_category")]
pub async fn save_category(#[server(default)] form: CategoryForm) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let draft = answer(form.parse().map_err(AppError::Rejected))?;
    let state = app_state()?;
    let id = answer(store::categories::save(&state.pool, state.clinic_id, &draft, &me).await)?;
    leptos_axum::redirect(&format!("/admin/categories?saved={id}"));
    Ok(())
}

/// Moves a category one place `up` or `down` in the public site's order.
#[server(endpoint = "admin/move_category")]
pub async fn move_category(id: String, direction: String) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id(&id)?;
            let up = match direction.as_str() {
                "up" => true,
                "down" => false,
                _ => return Err(AppError::Invalid("Move a category up or down.".to_owned())),
            };
            store::categories::move_one(&state.pool, state.clinic_id, id, up, &me).await
        }
        .await,
    )?;
    leptos_axum::redirect("/admin/categories");
    Ok(())
}

/// Removes an empty category.
#[server(endpoint = "admin/remove_category")]
pub async fn remove_category(id: String) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id(&id)?;
            store::categories::remove(&state.pool, state.clinic_id, id, &me).await
        }
        .await,
    )?;
    leptos_axum::redirect("/admin/categories?removed=1");
    Ok(())
}
