//! The server function behind the invitation link.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::audit,
    backend::auth::{password, session},
    backend::{state::app_state, store},
    ui::status::answer,
};

/// Sets the invited person's password, then sends them to sign in (and, there, to set up
/// their authenticator app).
#[server(endpoint = "accept_invite")]
pub async fn accept_invite(token: String, password: String) -> Result<(), AppError> {
    let state = app_state()?;
    let now = state.clock.now();
    let expired = || {
        AppError::Invalid(
            "This invitation has expired or was already used. Ask your clinic's admin to invite you again."
                .to_owned(),
        )
    };
    let token = answer(session::Token::parse(token.trim()).ok_or_else(expired))?;
    let email = answer(
        store::staff::invitation_email(&state.pool, state.clinic_id, &token, now)
            .await?
            .ok_or_else(expired),
    )?;
    let hash = password::accept_new(password, &email, "password").await?;
    let user = answer(
        store::staff::accept(&state.pool, state.clinic_id, &token, &hash, now)
            .await?
            .ok_or_else(expired),
    )?;
    audit::record_for_request(None, "accept_invite", "user", Some(user)).await?;
    leptos_axum::redirect("/sign-in?invited=done");
    Ok(())
}
