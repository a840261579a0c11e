//! Server functions for managing treatments. Each starts with the authorization check.

use super::types::{TreatmentEditor, TreatmentRow};
use crate::domain::treatment::TreatmentForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::auth::principal::require,
    backend::{state::app_state, store},
    domain::access::Action,
    ui::status::answer,
};

#[server(endpoint = "admin/treatments")]
pub async fn fetch_treatment_list() -> Result<Vec<TreatmentRow>, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(store::catalog_admin::list(&state.pool, state.clinic_id).await)
}

/// The editor for treatment `id`, or for a new treatment when `id` is empty.
#[server(endpoint = "admin/treatment_editor")]
pub async fn fetch_treatment_editor(id: String) -> Result<TreatmentEditor, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id_or_new(&id)?;
            store::catalog_admin::editor(&state.pool, state.clinic_id, id)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Saves the treatment form, then returns to the list (which names what was saved).
#[server(endpoint = "admin/save_treatment")]
pub async fn save_treatment(#[server(default)] form: TreatmentForm) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    let id = answer(
        async {
            let currency = store::clinic::currency(&state.pool, state.clinic_id).await?;
            match form.parse(currency) {
                Ok(draft) => {
                    store::catalog_admin::save(&state.pool, state.clinic_id, &draft, &me).await
                }
                Err(problems) => Err(AppError::Rejected(problems)),
            }
        }
        .await,
    )?;
    tracing::info!(treatment_id = %id, "treatment saved");
    leptos_axum::redirect(&format!("/admin/treatments?saved={id}"));
    Ok(())
}
