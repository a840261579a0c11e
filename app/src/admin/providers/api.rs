//! Server functions for managing providers. Each starts with the authorization check.

use super::types::{ProviderEditor, ProviderRow};
use crate::domain::hours::WeekForm;
use crate::domain::provider::{ProviderForm, TimeOffForm};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::{
    backend::auth::principal::require,
    backend::{state::app_state, store},
    domain::access::Action,
    ui::status::answer,
};

#[server(endpoint = "admin/providers")]
pub async fn fetch_provider_list() -> Result<Vec<ProviderRow>, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(store::providers::list(&state.pool, state.clinic_id).await)
}

/// The editor for provider `id`, or for a new provider when `id` is `new`.
#[server(endpoint = "admin/provider_editor")]
pub async fn fetch_provider_editor(id: String) -> Result<ProviderEditor, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id_or_new(&id)?;
            store::providers::editor(&state.pool, state.clinic_id, id, state.clock.now())
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Saves the profile, then shows the provider's page (where a new one gets their hours).
#[server(endpoint = "admin/save_provider")]
pub async fn save_provider(#[server(default)] form: ProviderForm) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let draft = answer(form.parse().map_err(AppError::Rejected))?;
    let state = app_state()?;
    let id = answer(store::providers::save(&state.pool, state.clinic_id, &draft, &me).await)?;
    tracing::info!(provider_id = %id, "provider saved");
    leptos_axum::redirect(&format!("/admin/providers/{id}?saved=profile"));
    Ok(())
}

/// Replaces the provider's week at one location.
#[server(endpoint = "admin/save_provider_week")]
pub async fn save_provider_week(
    provider_id: String,
    location_id: String,
    #[server(default)] week: WeekForm,
) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let provider = AppError::record_id(&provider_id)?;
            let location = AppError::record_id(&location_id)?;
            let ranges = week.parse().map_err(AppError::Rejected)?;
            store::providers::save_week(
                &state.pool,
                state.clinic_id,
                provider,
                location,
                &ranges,
                &me,
            )
            .await
        }
        .await,
    )?;
    leptos_axum::redirect(&format!("/admin/providers/{provider_id}?saved=hours"));
    Ok(())
}

#[server(endpoint = "admin/add_time_off")]
pub async fn add_time_off(
    provider_id: String,
    #[server(default)] time_off: TimeOffForm,
) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    let clashes = answer(
        async {
            let provider = AppError::record_id(&provider_id)?;
            let time_off = time_off.parse().map_err(AppError::Rejected)?;
            store::providers::add_time_off(&state.pool, state.clinic_id, provider, &time_off, &me)
                .await
        }
        .await,
    )?;
    leptos_axum::redirect(&format!(
        "/admin/providers/{provider_id}?saved=time_off&clashes={clashes}"
    ));
    Ok(())
}

#[server(endpoint = "admin/remove_time_off")]
pub async fn remove_time_off(provider_id: String, time_off_id: String) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let provider = AppError::record_id(&provider_id)?;
            let time_off = AppError::record_id(&time_off_id)?;
            store::providers::remove_time_off(&state.pool, state.clinic_id, provider, time_off, &me)
                .await
        }
        .await,
    )?;
    leptos_axum::redirect(&format!(
        "/admin/providers/{provider_id}?saved=time_off_removed"
    ));
    Ok(())
}

/// Receives a portrait from the provider page's upload form: a plain multipart form (so it
/// works without JavaScript) with the fields `provider_id` and `photo`. Whatever happens,
/// the answer is the provider's page again, saying so.
#[server(input = MultipartFormData, endpoint = "admin/provider_photo")]
pub async fn upload_provider_photo(data: MultipartData) -> Result<(), AppError> {
    use crate::backend::integrations::media::{self, UploadProblem, MAX_UPLOAD_BYTES};
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    let mut fields = data.into_inner().ok_or(AppError::Unavailable)?;
    let unreadable = || AppError::Invalid("The upload didn't arrive whole. Try again.".to_owned());
    let (mut provider_id, mut photo, mut too_large) = (String::new(), Vec::new(), false);
    while let Some(mut field) = fields.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("provider_id") => provider_id = field.text().await.map_err(|_| unreadable())?,
            Some("photo") => {
                // Counted as it arrives: a huge upload is stopped, not held in memory.
                while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                    if photo.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        too_large = true;
                        break;
                    }
                    photo.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
        if too_large {
            break;
        }
    }
    let provider = answer(AppError::record_id(&provider_id))?;
    let prepared = if too_large {
        Err(UploadProblem::TooLarge)
    } else {
        let owner = state.clinic_id.as_bytes().to_vec();
        tokio::task::spawn_blocking(move || media::portrait(&photo, &owner))
            .await
            .map_err(|_| AppError::Unavailable)?
    };
    let page = format!("/admin/providers/{provider}");
    match prepared {
        Ok(portrait) => {
            answer(
                store::providers::set_photo(
                    &state.pool,
                    &state.media,
                    state.clinic_id,
                    provider,
                    &portrait,
                    &me,
                )
                .await,
            )?;
            leptos_axum::redirect(&format!("{page}?saved=photo"));
        }
        Err(problem) => {
            tracing::info!(provider_id = %provider, problem = problem.code(), "photo refused");
            leptos_axum::redirect(&format!("{page}?photo_problem={}", problem.code()));
        }
    }
    Ok(())
}

#[server(endpoint = "admin/remove_provider_photo")]
pub async fn remove_provider_photo(provider_id: String) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        async {
            let provider = AppError::record_id(&provider_id)?;
            store::providers::remove_photo(&state.pool, state.clinic_id, provider, &me).await
        }
        .await,
    )?;
    leptos_axum::redirect(&format!(
        "/admin/providers/{provider_id}?saved=photo_removed"
    ));
    Ok(())
}
