//! Server functions of the second sign-in step. They serve only a session that has passed
//! the password and still owes the second factor.

use super::types::SetUp;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    account::api::safe_next,
    backend::audit,
    backend::auth::{principal, session, totp},
    backend::throttle,
    backend::{state::app_state, store},
    domain::rate_limit::Limit,
    ui::status::answer,
};

/// Guessing codes: five tries per quarter hour per account, as for passwords.
#[cfg(feature = "ssr")]
const PER_ACCOUNT: Limit = Limit {
    attempts: 5,
    window: chrono::Duration::minutes(15),
};

#[cfg(feature = "ssr")]
fn wrong_code() -> AppError {
    AppError::Invalid(
        "That code didn't work. Enter the 6-digit code your app shows now, or one of your recovery codes.".to_owned(),
    )
}

/// The session that owes its second factor, or the status that says to sign in again.
#[cfg(feature = "ssr")]
async fn pending() -> Result<principal::Principal, AppError> {
    answer(principal::pending().await?.ok_or(AppError::SignInRequired))
}

/// Ends the half-signed-in session and starts a full one: a new session id whenever the
/// session gains privileges. Then on to where the person was going.
#[cfg(feature = "ssr")]
async fn finish(
    me: &principal::Principal,
    action: &str,
    next: Option<String>,
) -> Result<(), AppError> {
    let state = app_state()?;
    if let Some(old) = principal::request_token() {
        session::end(&state.pool, &old).await?;
    }
    let token = session::start(&state.pool, me.user_id, me.role, state.clock.now(), true).await?;
    principal::give_cookie(&token)?;
    audit::record_for_request(Some(me), action, "user", Some(me.user_id)).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()).unwrap_or_else(|| "/admin".to_owned()));
    Ok(())
}

#[server(endpoint = "second_factor/set_up")]
pub async fn fetch_set_up() -> Result<SetUp, AppError> {
    let me = pending().await?;
    let state = app_state()?;
    match store::second_factor::state(&state.pool, &state.secret_keys, state.clinic_id, me.user_id).await? {
        store::second_factor::State::Enabled => Err(AppError::Invalid(
            "Your authenticator app is already set up. Sign in with a code from it.".to_owned(),
        )),
        store::second_factor::State::NotStarted => Err(AppError::Invalid(
            "There is no authenticator set-up waiting for this sign-in. Sign in again with your password to start one.".to_owned(),
        )),
        store::second_factor::State::Pending {
            secret,
            recovery_codes,
        } => {
            let clinic = store::clinic::name(&state.pool, state.clinic_id).await?;
            let uri = totp::otpauth_uri(&secret, &clinic, &me.email);
            Ok(SetUp {
                secret: secret
                    .to_base32()
                    .as_bytes()
                    .chunks(4)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(" "),
                qr_code: crate::backend::qr::svg_data_url(&uri),
                recovery_codes,
            })
        }
    }
}

/// Confirms the authenticator with its first code, turning the second factor on.
#[server(endpoint = "second_factor/enable")]
pub async fn enable_second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    let me = pending().await?;
    let state = app_state()?;
    let enabled = store::second_factor::enable(
        &state.pool,
        &state.secret_keys,
        state.clinic_id,
        me.user_id,
        &code,
        state.clock.now(),
    )
    .await?;
    if !enabled {
        return answer(Err(AppError::Invalid(
            "That code didn't match. Check the app shows the account for this clinic, and enter the code it shows now.".to_owned(),
        )));
    }
    finish(&me, "second_factor_enabled", next).await
}

/// The second step of every staff sign-in.
#[server(endpoint = "second_factor/verify")]
pub async fn verify_second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    let me = pending().await?;
    let state = app_state()?;
    let bucket = format!("second_factor:account:{}", me.user_id);
    throttle::attempt(&[(bucket.clone(), PER_ACCOUNT)]).await?;
    let good = store::second_factor::check(
        &state.pool,
        &state.secret_keys,
        state.clinic_id,
        me.user_id,
        &code,
        state.clock.now(),
    )
    .await?;
    if !good {
        audit::record_for_request(Some(&me), "second_factor_failed", "user", Some(me.user_id))
            .await?;
        return answer(Err(wrong_code()));
    }
    store::rate_limits::clear(&state.pool, &bucket).await?;
    finish(&me, "sign_in", next).await
}
