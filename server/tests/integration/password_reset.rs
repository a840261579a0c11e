//! Resetting a forgotten password by an emailed link, read from the outbox as a mail relay
//! would read it.

use crate::common;

use app::backend::state::Clock;
use axum::http::StatusCode;
use axum::Router;
use chrono::{Duration, TimeZone, Utc};
use common::{
    call_as, emails_to, post_as, session_cookie, token_in_email, Reply, PASSWORD, PATIENT,
};
use sqlx::PgPool;

const NEW_PASSWORD: &str = "lantern+orchard+violet";

fn clock() -> Clock {
    Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap())
}

async fn forgot(app: &Router, email: &str) -> Reply {
    post_as(
        app,
        "forgot_password",
        None,
        &format!("email={}", email.replace('@', "%40")),
    )
    .await
}

async fn reset(app: &Router, token: &str, password: &str) -> Reply {
    post_as(
        app,
        "reset_password",
        None,
        &format!("token={token}&password={password}"),
    )
    .await
}

async fn reset_token(pool: &PgPool) -> String {
    token_in_email(pool, PATIENT, "reset_password", "/reset-password?token=").await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forgotten_password_is_replaced_from_the_emailed_link(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let earlier_session = common::signed_in(&app, PATIENT).await;

    let asked = forgot(&app, PATIENT).await;
    assert!(asked.status.is_success(), "{}", asked.body);
    assert_eq!(asked.headers["location"], "/forgot-password/sent");
    let token = reset_token(&pool).await;

    // A weak password is refused and the link keeps working.
    let weak = reset(&app, &token, "sunshine").await;
    assert_eq!(common::field_problems(&weak)[0].field, "password");

    let done = reset(&app, &token, NEW_PASSWORD).await;
    assert!(done.status.is_success(), "{}", done.body);
    assert_eq!(done.headers["location"], "/sign-in?reset=done");
    assert_eq!(
        call_as(&app, "my_account", Some(&earlier_session))
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "sessions from before the reset end"
    );
    assert_eq!(
        common::sign_in_by_api(&app, PATIENT, PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old password is gone"
    );
    session_cookie(&common::sign_in_by_api(&app, PATIENT, NEW_PASSWORD).await);
    assert_eq!(
        reset(&app, &token, "another+long+passphrase").await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the link works once"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_address_gets_the_same_answer_and_no_email(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let known = forgot(&app, PATIENT).await;
    let unknown = forgot(&app, "nobody.here@example.com").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.headers["location"], unknown.headers["location"]);
    assert_eq!(known.body, unknown.body);
    assert!(emails_to(&pool, "nobody.here@example.com").await.is_empty());
    assert_eq!(emails_to(&pool, PATIENT).await.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_lasts_an_hour(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    forgot(&app, PATIENT).await;
    let token = reset_token(&pool).await;
    clock.advance(Duration::minutes(61));
    let late = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::app_error(&late).to_string().contains("expired"));
    session_cookie(&common::sign_in_by_api(&app, PATIENT, PASSWORD).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_inbox_is_not_flooded_with_reset_emails(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    for _ in 0..3 {
        assert!(forgot(&app, PATIENT).await.status.is_success());
    }
    let refused = forgot(&app, PATIENT).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(emails_to(&pool, PATIENT).await.len(), 3);
}
