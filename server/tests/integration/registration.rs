//! Patients registering, confirming their address from the emailed link and signing in:
//! through the real router, reading the emails from the outbox as a mail relay would.

use crate::common;

use app::backend::state::Clock;
use app::domain::form::problem_for;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{Duration, TimeZone, Utc};
use common::{call_as, emails_to, post_as, send, session_cookie, Reply, PATIENT, PUBLIC_URL};
use sqlx::PgPool;

const NEW_EMAIL: &str = "maya.lindqvist@example.com";
const NEW_PASSWORD: &str = "copper kettle morning";

fn clock() -> Clock {
    Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap())
}

fn form(email: &str, password: &str) -> String {
    format!(
        "form[first_name]=Maya&form[last_name]=Lindqvist&form[email]={}&form[password]={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    )
}

async fn register(app: &Router, email: &str, password: &str) -> Reply {
    post_as(app, "register", None, &form(email, password)).await
}

/// The token in the newest confirmation email to `to`.
async fn confirmation_token(pool: &PgPool, to: &str) -> String {
    common::token_in_email(pool, to, "verify_email", "/confirm-email?token=").await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_registers_confirms_their_address_and_is_signed_in(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let reply = register(&app, NEW_EMAIL, NEW_PASSWORD).await;
    assert!(
        reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(reply.headers["location"], "/register/check-email");

    // Not before the address is confirmed; asking again sends a fresh link.
    let early = common::sign_in_by_api(&app, NEW_EMAIL, NEW_PASSWORD).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::app_error(&early)
        .to_string()
        .contains("confirm your email"));
    assert!(early.headers.get("set-cookie").is_none());
    assert_eq!(emails_to(&pool, NEW_EMAIL).await.len(), 2);

    let token = confirmation_token(&pool, NEW_EMAIL).await;
    let confirmed = post_as(&app, "confirm_email", None, &format!("token={token}")).await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    assert_eq!(confirmed.headers["location"], "/account");
    let cookie = session_cookie(&confirmed);

    let account = call_as(&app, "my_account", Some(&cookie)).await;
    assert_eq!(account.status, StatusCode::OK);
    let account: app::account::types::MyAccount = serde_json::from_str(&account.body).unwrap();
    assert_eq!(account.display_name, "Maya Lindqvist");
    assert_eq!(account.email, NEW_EMAIL);
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&cookie)).await.status,
        StatusCode::FORBIDDEN
    );

    // The link works once; the password works from now on.
    let again = post_as(&app, "confirm_email", None, &format!("token={token}")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let signed_in = common::sign_in_by_api(&app, NEW_EMAIL, NEW_PASSWORD).await;
    session_cookie(&signed_in);

    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
        .bind(NEW_EMAIL)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn registering_an_address_that_has_an_account_reveals_nothing(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let fresh = register(&app, NEW_EMAIL, NEW_PASSWORD).await;
    let known = register(&app, PATIENT, NEW_PASSWORD).await;
    assert_eq!(known.status, fresh.status);
    assert_eq!(known.headers["location"], fresh.headers["location"]);
    assert_eq!(known.body, fresh.body);

    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(email) = $1")
        .bind(PATIENT)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(accounts, 1, "no second account");
    let emails = emails_to(&pool, PATIENT).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].0, "already_registered");
    assert!(emails[0].1.contains(&format!("{PUBLIC_URL}/sign-in")));
    // The existing account's password is untouched.
    session_cookie(&common::sign_in_by_api(&app, PATIENT, common::PASSWORD).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn weak_passwords_and_bad_addresses_are_refused_against_their_fields(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    for (email, password, field) in [
        (NEW_EMAIL, "iloveyou", "password"),
        (NEW_EMAIL, "short", "password"),
        (NEW_EMAIL, NEW_EMAIL, "password"),
        ("not-an-address", NEW_PASSWORD, "email"),
    ] {
        let reply = register(&app, email, password).await;
        let problems = common::field_problems(&reply);
        assert!(problem_for(&problems, field).is_some(), "{problems:?}");
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE email = $1")
        .bind(NEW_EMAIL)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
    assert!(emails_to(&pool, NEW_EMAIL).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn confirming_claims_bookings_made_as_a_guest_and_nothing_sooner(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let guest: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO patients (clinic_id, first_name, last_name, email)
         SELECT id, 'Maya', 'Lindqvist', $1 FROM clinics LIMIT 1 RETURNING id",
    )
    .bind("Maya.Lindqvist@Example.com")
    .fetch_one(&pool)
    .await
    .unwrap();
    let owner = || async {
        sqlx::query_scalar::<_, Option<uuid::Uuid>>("SELECT user_id FROM patients WHERE id = $1")
            .bind(guest)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    register(&app, NEW_EMAIL, NEW_PASSWORD).await;
    assert_eq!(owner().await, None, "an unproven address claims nothing");

    let token = confirmation_token(&pool, NEW_EMAIL).await;
    post_as(&app, "confirm_email", None, &format!("token={token}")).await;
    let user: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(NEW_EMAIL)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(owner().await, Some(user));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_confirmation_link_expires_after_two_days(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    register(&app, NEW_EMAIL, NEW_PASSWORD).await;
    let token = confirmation_token(&pool, NEW_EMAIL).await;
    clock.advance(Duration::hours(49));
    let late = post_as(&app, "confirm_email", None, &format!("token={token}")).await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::app_error(&late).to_string().contains("expired"));
    assert!(late.headers.get("set-cookie").is_none());
    let garbage = post_as(&app, "confirm_email", None, "token=not-a-token").await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_address_cannot_register_accounts_by_the_hundred(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let from =
        |n: usize| {
            let mut request = Request::post("/api/register")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body(Body::from(form(
                    &format!("person{n}@example.com"),
                    NEW_PASSWORD,
                )))
                .unwrap();
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from(([198, 51, 100, 9], 40000)),
            ));
            request
        };
    for n in 0..10 {
        let reply = send(&app, from(n)).await;
        assert!(
            reply.status.is_success(),
            "registration {n}: {}",
            reply.status
        );
    }
    let refused = send(&app, from(10)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
}

#[sqlx::test(migrations = "../migrations")]
async fn only_clinic_admins_read_the_mailbox(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    register(&app, NEW_EMAIL, NEW_PASSWORD).await;
    let admin = common::signed_in(&app, common::ADMIN).await;
    let page = common::get_as(&app, "/admin/mailbox", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(NEW_EMAIL));
    assert!(page.body.contains("/confirm-email?token="));

    let front_desk = common::signed_in(&app, common::FRONT_DESK).await;
    let patient = common::signed_in(&app, PATIENT).await;
    for (who, cookie, status) in [
        ("anonymous", None, StatusCode::UNAUTHORIZED),
        ("patient", Some(patient.as_str()), StatusCode::FORBIDDEN),
        (
            "front desk",
            Some(front_desk.as_str()),
            StatusCode::FORBIDDEN,
        ),
    ] {
        assert_eq!(
            call_as(&app, "admin/mailbox", cookie).await.status,
            status,
            "{who}"
        );
        let page = common::get_as(&app, "/admin/mailbox", cookie).await;
        assert_eq!(page.status, status, "{who}: page");
        assert!(!page.body.contains(NEW_EMAIL), "{who} saw the mailbox");
    }
}
