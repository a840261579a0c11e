//! Server functions of the account page. Each acts only on the signed-in person's rows.

use crate::account::types::MyData;
use crate::domain::profile::ProfileForm;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::{
    backend::auth::{password, principal},
    backend::throttle,
    backend::{state::app_state, store},
    domain::access::{Action, Role},
    domain::email::Email,
    domain::form::FieldProblem,
    domain::rate_limit::Limit,
    ui::status::answer,
};

/// Guessing the current password through these forms is as slow as through sign-in.
#[cfg(feature = "ssr")]
const PER_ACCOUNT: Limit = Limit {
    attempts: 5,
    window: chrono::Duration::minutes(15),
};

/// Checks the current password: changing the password or deleting the account asks for it
/// again, so an unattended signed-in browser is not enough.
#[cfg(feature = "ssr")]
async fn reauthenticate(me: &principal::Principal, current: String) -> Result<(), AppError> {
    let state = app_state()?;
    throttle::attempt(&[(
        format!("reauthenticate:account:{}", me.user_id),
        PER_ACCOUNT,
    )])
    .await?;
    let stored =
        store::own_account::password_hash(&state.pool, state.clinic_id, me.user_id).await?;
    if password::verify(current, stored).await {
        Ok(())
    } else {
        answer(Err(AppError::Rejected(vec![FieldProblem::new(
            "current_password",
            "That isn't your current password.",
        )])))
    }
}

#[server(endpoint = "account/profile")]
pub async fn update_profile(#[server(default)] form: ProfileForm) -> Result<(), AppError> {
    let me = principal::require(Action::UseOwnAccount).await?;
    if me.role != Role::Patient {
        return answer(Err(AppError::Forbidden));
    }
    let state = app_state()?;
    let rules = answer(
        crate::backend::store::booking::rules(&state.pool, state.clinic_id)
            .await
            .map_err(AppError::from),
    )?;
    let profile = answer(form.parse(rules.home()).map_err(AppError::Rejected))?;
    answer(store::own_account::update_profile(&state.pool, state.clinic_id, &me, &profile).await)?;
    leptos_axum::redirect("/account?saved=details");
    Ok(())
}

#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let me = principal::require(Action::UseOwnAccount).await?;
    reauthenticate(&me, current_password).await?;
    let hash = password::accept_new(new_password, &me.email, "new_password").await?;
    let state = app_state()?;
    let keep = principal::request_token()
        .map(|t| t.hash())
        .unwrap_or_default();
    store::own_account::set_password(&state.pool, state.clinic_id, &me, &hash, &keep).await?;
    leptos_axum::redirect("/account?saved=password");
    Ok(())
}

/// Sends a confirmation link to the new address (after the password once more); the
/// account moves there when the link is followed.
#[server(endpoint = "account/email")]
pub async fn change_email(current_password: String, new_email: String) -> Result<(), AppError> {
    let me = principal::require(Action::UseOwnAccount).await?;
    let new_email = answer(
        Email::parse(&new_email)
            .map_err(|error| AppError::Rejected(vec![FieldProblem::new("new_email", error)])),
    )?;
    if new_email.as_str().eq_ignore_ascii_case(&me.email) {
        return answer(Err(AppError::Rejected(vec![FieldProblem::new(
            "new_email",
            "That is already your email address.",
        )])));
    }
    reauthenticate(&me, current_password).await?;
    let state = app_state()?;
    store::email_change::request(
        &state.pool,
        state.clinic_id,
        me.user_id,
        new_email.as_str(),
        &state.public_url,
        state.clock.now(),
    )
    .await?;
    crate::backend::audit::record_for_request(
        Some(&me),
        "email_change_requested",
        "user",
        Some(me.user_id),
    )
    .await?;
    leptos_axum::redirect("/account?saved=email_sent");
    Ok(())
}

/// From the link sent to the new address: moves the account there.
#[server(endpoint = "account/confirm_email_change")]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    let state = app_state()?;
    let expired = || {
        AppError::Invalid(
            "This link has expired or was already used. Ask for a new one from your account page."
                .to_owned(),
        )
    };
    let token =
        answer(crate::backend::auth::session::Token::parse(token.trim()).ok_or_else(expired))?;
    let changed = answer(
        store::email_change::complete(&state.pool, state.clinic_id, &token, state.clock.now())
            .await,
    )?;
    let Some(user_id) = changed else {
        return answer(Err(expired()));
    };
    crate::backend::audit::record_for_request(None, "email_changed", "user", Some(user_id)).await?;
    leptos_axum::redirect("/account?saved=email_changed");
    Ok(())
}

/// Replaces a member of staff's authenticator: after the password once more, the old one
/// and its recovery codes stop working and every session ends; signing in again sets up
/// the new one.
#[server(endpoint = "account/replace_authenticator")]
pub async fn replace_authenticator(current_password: String) -> Result<(), AppError> {
    let me = principal::require(Action::UseOwnAccount).await?;
    if !me.role.needs_second_factor() {
        return answer(Err(AppError::Forbidden));
    }
    reauthenticate(&me, current_password).await?;
    let state = app_state()?;
    store::own_account::reset_second_factor(&state.pool, state.clinic_id, &me).await?;
    principal::clear_cookie()?;
    leptos_axum::redirect("/sign-in?next=%2Fadmin&authenticator=reset");
    Ok(())
}

/// Everything held about the signed-in person, as a JSON file to download.
#[server(endpoint = "account/my_data", input = GetUrl)]
pub async fn export_my_data() -> Result<MyData, AppError> {
    let me = principal::require(Action::UseOwnAccount).await?;
    let state = app_state()?;
    crate::backend::audit::record_for_request(Some(&me), "export", "own_data", Some(me.user_id))
        .await?;
    let data = answer(store::own_account::export(&state.pool, state.clinic_id, me.user_id).await)?;
    expect_context::<leptos_axum::ResponseOptions>().insert_header(
        http::header::CONTENT_DISPOSITION,
        http::HeaderValue::from_static("attachment; filename=\"my-data.json\""),
    );
    Ok(data)
}

/// Deletes a patient's account (after the password once more) and signs them out.
#[server(endpoint = "account/delete")]
pub async fn delete_account(current_password: String) -> Result<(), AppError> {
    let me = principal::require(Action::UseOwnAccount).await?;
    if me.role != Role::Patient {
        // Staff accounts belong to the clinic: an admin deactivates them.
        return answer(Err(AppError::Forbidden));
    }
    reauthenticate(&me, current_password).await?;
    let state = app_state()?;
    store::own_account::erase(&state.pool, state.clinic_id, &me).await?;
    tracing::info!(user_id = %me.user_id, "account deleted at the person's request");
    principal::clear_cookie()?;
    leptos_axum::redirect("/account-deleted");
    Ok(())
}
