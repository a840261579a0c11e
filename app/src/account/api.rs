//! Server functions for signing in and out and for a person's own account.

#[cfg(feature = "ssr")]
use super::types::MyMessage;
use super::types::{Me, MyAccount};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::audit,
    backend::auth::{password, principal, session},
    backend::throttle::{self, per_address},
    backend::{state::app_state, store},
    domain::access::{Action, Role},
    domain::rate_limit::Limit,
    domain::url::percent_encode,
};

/// Guessing passwords for one account: five tries per quarter hour, then a pause.
#[cfg(feature = "ssr")]
const PER_ACCOUNT: Limit = Limit {
    attempts: 5,
    window: chrono::Duration::minutes(15),
};
/// Trying many accounts from one address. Generous, because a clinic's staff (or a family)
/// may share one address.
#[cfg(feature = "ssr")]
const PER_ADDRESS: Limit = Limit {
    attempts: 50,
    window: chrono::Duration::minutes(15),
};

/// Where to go after signing in: the page the person came from if it is one of ours,
/// otherwise their role's home. Never another site (an open redirect).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    next.and_then(crate::domain::url::local_path)
        .map(str::to_owned)
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let state = app_state()?;
    let email = email.trim().to_lowercase();
    let now = state.clock.now();
    let (account_bucket, _) = throttle::per_email("sign_in", state.clinic_id, &email, PER_ACCOUNT);
    let buckets: Vec<_> = per_address("sign_in", PER_ADDRESS)
        .into_iter()
        .chain([(account_bucket.clone(), PER_ACCOUNT)])
        .collect();
    if let Err(error) = throttle::attempt(&buckets).await {
        audit::record_for_request(None, "sign_in_throttled", "user", None).await?;
        return Err(error);
    }
    let account = store::accounts::find_for_sign_in(&state.pool, state.clinic_id, &email).await?;
    let (user_id, role, hash, confirmed, totp_enabled) = match account {
        Some(a) => (
            Some(a.user_id),
            Some(a.role),
            a.password_hash,
            a.email_confirmed,
            a.totp_enabled,
        ),
        None => (None, None, None, false, false),
    };
    let matches = password::verify(password, hash).await;
    let (Some(user_id), Some(role), true) = (user_id, role, matches) else {
        audit::record_for_request(None, "sign_in_failed", "user", user_id).await?;
        // The same words whether the email is unknown or the password wrong.
        let error = AppError::Invalid(
            "That email and password don't match an account here. Check both and try again."
                .to_owned(),
        );
        crate::ui::status::set_http_status(error.status());
        return Err(error);
    };
    // Only the person who can read the password may learn the account is unconfirmed.
    if !confirmed {
        store::registration::resend_confirmation(
            &state.pool,
            state.clinic_id,
            user_id,
            &state.public_url,
            now,
        )
        .await?;
        let error = AppError::Invalid(format!(
            "Please confirm your email address first: we've sent a new link to {email}. It works for 48 hours."
        ));
        crate::ui::status::set_http_status(error.status());
        return Err(error);
    }
    // A new session for every sign-in; any session the browser already had ends.
    if let Some(old) = principal::request_token() {
        session::end(&state.pool, &old).await?;
    }
    store::rate_limits::clear(&state.pool, &account_bucket).await?;
    let second_step = role.needs_second_factor();
    let token = session::start(&state.pool, user_id, role, now, !second_step).await?;
    principal::give_cookie(&token)?;
    let actor = principal::Principal {
        user_id,
        clinic_id: Some(state.clinic_id),
        role,
        display_name: String::new(),
        email: email.clone(),
    };
    let home = if role.is_staff() {
        "/admin"
    } else {
        "/account"
    };
    let next = safe_next(next.as_deref()).unwrap_or_else(|| home.to_owned());
    if second_step {
        // The password was right; the session reaches nothing until the second factor.
        audit::record_for_request(Some(&actor), "sign_in_password", "user", Some(user_id)).await?;
        let page = if totp_enabled {
            "/sign-in/verify"
        } else {
            // The set-up page only shows the secret; it is made here, by the POST.
            store::second_factor::begin(&state.pool, &state.secret_keys, state.clinic_id, user_id)
                .await?;
            "/sign-in/set-up"
        };
        leptos_axum::redirect(&format!("{page}?next={}", percent_encode(&next)));
        return Ok(());
    }
    tracing::info!(%user_id, role = role.as_str(), "signed in");
    audit::record_for_request(Some(&actor), "sign_in", "user", Some(user_id)).await?;
    leptos_axum::redirect(&next);
    Ok(())
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = app_state()?;
    let me = principal::current().await?;
    if let Some(token) = principal::request_token() {
        session::end(&state.pool, &token).await?;
    }
    if let Some(me) = &me {
        audit::record_for_request(Some(me), "sign_out", "user", Some(me.user_id)).await?;
    }
    principal::clear_cookie()?;
    // The pages kept for reading offline include the account's: they go with the session.
    expect_context::<leptos_axum::ResponseOptions>().append_header(
        http::HeaderName::from_static("clear-site-data"),
        http::HeaderValue::from_static("\"storage\""),
    );
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "me")]
pub async fn fetch_me() -> Result<Option<Me>, AppError> {
    Ok(principal::current().await?.map(|p| Me {
        display_name: p.display_name,
        role: p.role,
    }))
}

#[server(endpoint = "my_account")]
pub async fn fetch_my_account() -> Result<MyAccount, AppError> {
    let me = principal::require(Action::UseOwnAccount).await?;
    let state = app_state()?;
    audit::record_for_request(Some(&me), "read", "own_account", Some(me.user_id)).await?;
    let mut account = store::accounts::profile(&state.pool, state.clinic_id, me.user_id).await?;
    if me.role == Role::Patient {
        account.profile =
            store::own_account::profile(&state.pool, state.clinic_id, me.user_id).await?;
        (account.upcoming, account.past) = store::accounts::my_appointments(
            &state.pool,
            state.clinic_id,
            me.user_id,
            state.clock.now(),
        )
        .await?;
        account.messages = my_messages(&state, me.user_id).await?;
        account.receipts = store::receipts::of_account(&state.pool, state.clinic_id, me.user_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
    }
    Ok(account)
}

/// What the clinic sent this patient, in the clinic's time.
#[cfg(feature = "ssr")]
async fn my_messages(
    state: &crate::backend::state::AppState,
    user_id: uuid::Uuid,
) -> Result<Vec<MyMessage>, AppError> {
    use crate::domain::message_log::{channel_words, kind_words};
    let zone = store::booking::rules(&state.pool, state.clinic_id)
        .await?
        .zone();
    let received =
        store::outbox::received_by(&state.pool, state.clinic_id, user_id, state.clock.now(), 50)
            .await?;
    Ok(received
        .into_iter()
        .map(|m| MyMessage {
            at: m
                .at
                .with_timezone(&zone)
                .format("%a %-d %b %Y, %H:%M")
                .to_string(),
            channel: channel_words(&m.channel).to_owned(),
            what: if m.subject.is_empty() {
                kind_words(&m.kind)
            } else {
                m.subject
            },
            state: match m.status.as_str() {
                "queued"
                    if !crate::backend::integrations::messaging::Channel::parse(&m.channel)
                        .is_some_and(|c| state.messaging.sends(c)) =>
                {
                    "Not sent: this clinic does not send messages yet"
                }
                "queued" => "Sending",
                "sent" => "Sent",
                "delivered" => "Delivered",
                "dead" => "Could not be sent",
                _ => "Did not arrive",
            }
            .to_owned(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_our_own_pages_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/account")), Some("/account".to_owned()));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
