//! What every request can reach: the pool, the Leptos options, which clinic this site is.

use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    /// The clinic whose public site this server shows.
    pub clinic_id: Uuid,
}

/// The one accessor server functions use to reach the state the server provided.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to the Leptos context");
        AppError::Unavailable
    })
}
