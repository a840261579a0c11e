//! Server functions for registering and confirming an email address.

use crate::domain::registration::RegistrationForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::audit,
    backend::auth::{
        password,
        principal::{self, Principal},
        session,
    },
    backend::throttle::{self, per_address},
    backend::{state::app_state, store},
    domain::rate_limit::Limit,
    ui::status::answer,
};

/// Creating accounts from one address: enough for a household, too few for a script.
#[cfg(feature = "ssr")]
const PER_ADDRESS: Limit = Limit {
    attempts: 10,
    window: chrono::Duration::hours(1),
};

/// Registers a patient and sends the confirmation link. Whether or not the address already
/// had an account, the answer is the same "check your email".
#[server(endpoint = "register")]
pub async fn register(#[server(default)] form: RegistrationForm) -> Result<(), AppError> {
    let state = app_state()?;
    let buckets: Vec<_> = per_address("register", PER_ADDRESS).into_iter().collect();
    throttle::attempt(&buckets).await?;
    let registration = answer(form.parse(password::is_common).map_err(AppError::Rejected))?;
    let hash = password::hash_new(registration.password.clone()).await?;
    let user_id = store::registration::register(
        &state.pool,
        state.clinic_id,
        &registration,
        &hash,
        &state.public_url,
        state.clock.now(),
    )
    .await?;
    audit::record_for_request(None, "register", "user", user_id).await?;
    leptos_axum::redirect("/register/check-email");
    Ok(())
}

/// Confirms the address from the emailed link, then signs the person in.
#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    let state = app_state()?;
    let expired = || {
        AppError::Invalid(
            "This link has expired or was already used. Sign in with your email and password and we'll send a fresh one."
                .to_owned(),
        )
    };
    let token = answer(session::Token::parse(token.trim()).ok_or_else(expired))?;
    let now = state.clock.now();
    let (user_id, role) = answer(
        store::registration::confirm(&state.pool, state.clinic_id, &token, now)
            .await?
            .ok_or_else(expired),
    )?;
    // Only patients register, and patients have no second factor to give.
    let session = session::start(&state.pool, user_id, role, now, true).await?;
    principal::give_cookie(&session)?;
    let me = Principal {
        user_id,
        clinic_id: Some(state.clinic_id),
        role,
        display_name: String::new(),
        email: String::new(),
    };
    audit::record_for_request(Some(&me), "confirm_email", "user", Some(user_id)).await?;
    tracing::info!(%user_id, "email confirmed");
    leptos_axum::redirect("/account");
    Ok(())
}
