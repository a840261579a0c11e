//! Server functions of the staff area.

use super::types::{DashboardData, MailboxMessage};
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

/// The newest messages the clinic has sent or is holding. Admins only: they carry patients'
/// addresses and, until a mail provider delivers them, their confirmation links.
#[server(endpoint = "admin/mailbox")]
pub async fn fetch_mailbox() -> Result<Vec<MailboxMessage>, AppError> {
    let me = require(Action::ManageClinic).await?;
    audit::record_for_request(Some(&me), "read", "mailbox", None).await?;
    let state = app_state()?;
    Ok(store::outbox::recent(&state.pool, state.clinic_id, 50).await?)
}
