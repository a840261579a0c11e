//! Server functions behind the catalogue pages. Thin: find the clinic, ask the store.

use super::types::{Category, ClinicInfo, HomeData, TreatmentDetail};
#[cfg(feature = "ssr")]
use crate::domain::slug::Slug;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{state::app_state, store};

/// How many featured treatments and gallery cases the home page shows.
pub const HOME_FEATURED: i64 = 6;
pub const HOME_CASES: usize = 4;

#[server(endpoint = "clinic")]
pub async fn fetch_clinic_info() -> Result<ClinicInfo, AppError> {
    let state = app_state()?;
    let info = store::clinic::info(&state.pool, state.clinic_id).await?;
    Ok(ClinicInfo {
        site_url: state.public_url.clone(),
        ..info
    })
}

#[server(endpoint = "home")]
pub async fn fetch_home_data() -> Result<HomeData, AppError> {
    let state = app_state()?;
    let featured = store::catalog::featured(&state.pool, state.clinic_id, HOME_FEATURED).await?;
    let cases =
        store::gallery::recent_public_cases(&state.pool, &state.media, state.clinic_id, HOME_CASES)
            .await?;
    Ok(HomeData { featured, cases })
}

#[server(endpoint = "treatments")]
pub async fn fetch_treatment_categories() -> Result<Vec<Category>, AppError> {
    let state = app_state()?;
    store::catalog::categories(&state.pool, state.clinic_id).await
}

#[server(endpoint = "treatment")]
pub async fn fetch_treatment_detail(slug: String) -> Result<TreatmentDetail, AppError> {
    // An address that cannot be a slug cannot name a treatment: no need to ask the database.
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let state = app_state()?;
    store::catalog::treatment(&state.pool, &state.media, state.clinic_id, &slug)
        .await?
        .ok_or(AppError::NotFound)
}
