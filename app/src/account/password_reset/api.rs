//! Server functions for a forgotten password.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::audit,
    backend::auth::{password, session},
    backend::throttle::{self, per_address},
    backend::{state::app_state, store},
    domain::email::Email,
    domain::form::FieldProblem,
    domain::rate_limit::Limit,
    ui::status::answer,
};

/// Reset emails to one address: enough to retry, too few to flood someone's inbox.
#[cfg(feature = "ssr")]
const PER_EMAIL: Limit = Limit {
    attempts: 3,
    window: chrono::Duration::hours(1),
};
#[cfg(feature = "ssr")]
const PER_ADDRESS: Limit = Limit {
    attempts: 10,
    window: chrono::Duration::hours(1),
};

#[cfg(feature = "ssr")]
fn link_expired() -> AppError {
    AppError::Invalid(
        "This link has expired or was already used. Ask for a new one below; it works for an hour."
            .to_owned(),
    )
}

/// Sends a reset link if the address has an account. The answer never says whether it has.
#[server(endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let state = app_state()?;
    let email = answer(
        Email::parse(&email)
            .map_err(|error| AppError::Rejected(vec![FieldProblem::new("email", error)])),
    )?;
    let buckets: Vec<_> = per_address("forgot_password", PER_ADDRESS)
        .into_iter()
        .chain([(
            format!(
                "forgot_password:email:{}:{}",
                state.clinic_id,
                email.as_str()
            ),
            PER_EMAIL,
        )])
        .collect();
    throttle::attempt(&buckets).await?;
    let user = store::password_reset::request(
        &state.pool,
        state.clinic_id,
        email.as_str(),
        &state.public_url,
        state.clock.now(),
    )
    .await?;
    audit::record_for_request(None, "password_reset_requested", "user", user).await?;
    leptos_axum::redirect("/forgot-password/sent");
    Ok(())
}

/// Sets a new password from an emailed link, then sends the person to sign in with it.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = app_state()?;
    let now = state.clock.now();
    let token = answer(session::Token::parse(token.trim()).ok_or_else(link_expired))?;
    let owner = store::account_tokens::owner_email(
        &state.pool,
        state.clinic_id,
        &token,
        store::account_tokens::Purpose::ResetPassword,
        now,
    )
    .await?;
    let email = answer(owner.ok_or_else(link_expired))?;
    // Checked before the link is used up, so a refused password leaves it working.
    let hash = password::accept_new(password, &email, "password").await?;
    let user = answer(
        store::password_reset::complete(&state.pool, state.clinic_id, &token, &hash, now)
            .await?
            .ok_or_else(link_expired),
    )?;
    audit::record_for_request(None, "password_reset", "user", Some(user)).await?;
    leptos_axum::redirect("/sign-in?reset=done");
    Ok(())
}
