//! Server functions of the staff area.

use super::types::DashboardData;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::audit,
    backend::auth::principal::require,
    backend::{state::app_state, store},
    domain::access::Action,
};

#[server(endpoint = "admin/dashboard")]
pub async fn fetch_dashboard() -> Result<DashboardData, AppError> {
    let me = require(Action::ViewAdmin).await?;
    // The dashboard lists patients' names: reading it is reading patient data.
    audit::record_for_request(Some(&me), "read", "dashboard", None).await?;
    let state = app_state()?;
    store::admin::dashboard(&state.pool, state.clinic_id, state.clock.now()).await
}
