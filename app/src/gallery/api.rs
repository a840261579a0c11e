//! Server functions behind the public gallery pages. Thin: parse, ask the store.

use super::types::{CaseDetail, CasePage, FilterOptions, GalleryNav};
use crate::domain::gallery::CaseFilter;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::backend::{state::app_state, store};

/// What a gallery page shows: the galleries to move between, the one (and album) in view,
/// the filters' choices and a page of cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryView {
    pub galleries: Vec<GalleryNav>,
    pub options: FilterOptions,
    pub cases: CasePage,
}

/// `gallery` and the filter's album come from the address; an unknown gallery or album is
/// "not found" rather than an empty page, so search engines drop dead links.
#[server(endpoint = "gallery")]
pub async fn fetch_gallery(
    gallery: Option<String>,
    filter: CaseFilter,
) -> Result<GalleryView, AppError> {
    let state = app_state()?;
    let galleries = store::gallery::galleries(&state.pool, state.clinic_id).await?;
    if let Some(slug) = &gallery {
        let found = galleries
            .iter()
            .find(|g| &g.slug == slug)
            .ok_or(AppError::NotFound)?;
        if let Some(album) = &filter.album {
            found
                .albums
                .iter()
                .find(|a| &a.slug == album)
                .ok_or(AppError::NotFound)?;
        }
    }
    let options =
        store::gallery::filter_options(&state.pool, state.clinic_id, gallery.as_deref()).await?;
    let cases = store::gallery::case_page(
        &state.pool,
        &state.media,
        state.clinic_id,
        gallery.as_deref(),
        &filter,
    )
    .await?;
    Ok(GalleryView {
        galleries,
        options,
        cases,
    })
}

#[server(endpoint = "case")]
pub async fn fetch_case(slug: String) -> Result<CaseDetail, AppError> {
    let state = app_state()?;
    store::gallery::public_case(&state.pool, &state.media, state.clinic_id, &slug)
        .await?
        .ok_or(AppError::NotFound)
}
