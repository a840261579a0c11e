//! Staff's second factor: codes from an authenticator app (RFC 6238) at a time the tests
//! set, recovery codes, and setting the app up for the first time.

use crate::common;

use app::account::second_factor::types::SetUp;
use app::backend::auth::{password, totp};
use app::backend::state::Clock;
use axum::http::StatusCode;
use axum::Router;
use chrono::{Duration, TimeZone, Utc};
use common::{call_as, get_as, post_as, session_cookie, sign_in_as, Reply, ADMIN, PASSWORD};
use sqlx::PgPool;

fn clock() -> Clock {
    Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap())
}

fn demo_key() -> totp::Secret {
    totp::Secret::from_base32(lumen::seed::data::DEMO_TOTP_KEY).unwrap()
}

fn code_at(key: &totp::Secret, clock: &Clock) -> String {
    totp::code_at_step(key, totp::step_at(clock.now()))
}

/// Signs in with the password only: the cookie of a session that owes its second factor.
async fn password_step(app: &Router, email: &str) -> String {
    session_cookie(&sign_in_as(app, email, PASSWORD, None).await)
}

async fn verify(app: &Router, cookie: &str, code: &str) -> Reply {
    post_as(
        app,
        "second_factor/verify",
        Some(cookie),
        &format!("code={code}&next=%2Fadmin"),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn after_the_password_a_staff_session_reaches_nothing_until_the_code(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let pending = password_step(&app, ADMIN).await;
    assert_eq!(
        get_as(&app, "/admin", Some(&pending)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&pending))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call_as(&app, "my_account", Some(&pending)).await.status,
        StatusCode::UNAUTHORIZED
    );

    let verified = verify(&app, &pending, &code_at(&demo_key(), &clock)).await;
    assert!(verified.status.is_success(), "{}", verified.body);
    assert_eq!(verified.headers["location"], "/admin");
    let full = session_cookie(&verified);
    assert_ne!(
        full, pending,
        "a new session id once the second factor is given"
    );
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&full)).await.status,
        StatusCode::OK
    );
    // The half-signed-in session is gone.
    assert_eq!(
        verify(&app, &pending, "000000").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_code_works_once_and_only_near_its_time(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let key = demo_key();
    let code = code_at(&key, &clock);
    session_cookie(&verify(&app, &password_step(&app, ADMIN).await, &code).await);

    // Seen by someone over a shoulder, it is already spent.
    let replay = verify(&app, &password_step(&app, ADMIN).await, &code).await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(replay.headers.get("set-cookie").is_none());

    let stale = totp::code_at_step(&key, totp::step_at(clock.now()) - 2);
    let refused = verify(&app, &password_step(&app, ADMIN).await, &stale).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    clock.advance(Duration::seconds(30));
    let next = verify(
        &app,
        &password_step(&app, ADMIN).await,
        &code_at(&key, &clock),
    )
    .await;
    session_cookie(&next);
}

#[sqlx::test(migrations = "../migrations")]
async fn each_recovery_code_signs_in_once(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let code = common::recovery_codes()[3].to_uppercase();
    session_cookie(&verify(&app, &password_step(&app, ADMIN).await, &code).await);
    let again = verify(&app, &password_step(&app, ADMIN).await, &code).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_codes_is_slowed_down(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let pending = password_step(&app, ADMIN).await;
    for guess in ["111111", "222222", "333333", "444444", "555555"] {
        assert_eq!(
            verify(&app, &pending, guess).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let refused = verify(&app, &pending, &code_at(&demo_key(), &clock)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
}

/// A new front-desk account, Noor's, with her password and no authenticator yet.
async fn add_new_staff(pool: &PgPool) {
    let hash = password::hash(PASSWORD.to_owned()).await.unwrap();
    sqlx::query(
        "INSERT INTO users (clinic_id, role, email, display_name, password_hash, email_verified_at)
         SELECT id, 'front_desk', 'noor@juniper-clinic.example', 'Noor Haddad', $1, now()
         FROM clinics LIMIT 1",
    )
    .bind(hash)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn new_staff_set_up_their_authenticator_before_anything_else(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    add_new_staff(&pool).await;

    let first = sign_in_as(&app, "noor@juniper-clinic.example", PASSWORD, None).await;
    assert_eq!(first.headers["location"], "/sign-in/set-up?next=%2Fadmin");
    let pending = session_cookie(&first);
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&pending))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let set_up = call_as(&app, "second_factor/set_up", Some(&pending)).await;
    assert_eq!(set_up.status, StatusCode::OK, "{}", set_up.body);
    let set_up: SetUp = serde_json::from_str(&set_up.body).unwrap();
    assert!(set_up.qr_code.starts_with("data:image/svg+xml;base64,"));
    assert_eq!(set_up.recovery_codes.len(), 10);
    // The page shows the same key until it is confirmed: the person may have scanned it.
    let shown_again: SetUp = serde_json::from_str(
        &call_as(&app, "second_factor/set_up", Some(&pending))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(shown_again, set_up);
    let key = totp::Secret::from_base32(&set_up.secret).unwrap();

    let wrong = post_as(&app, "second_factor/enable", Some(&pending), "code=123456").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let enabled = post_as(
        &app,
        "second_factor/enable",
        Some(&pending),
        &format!("code={}", code_at(&key, &clock)),
    )
    .await;
    assert!(enabled.status.is_success(), "{}", enabled.body);
    let full = session_cookie(&enabled);
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&full)).await.status,
        StatusCode::OK
    );

    // From now on: the code step, and the recovery codes that were shown work.
    let later = sign_in_as(&app, "noor@juniper-clinic.example", PASSWORD, None).await;
    assert_eq!(later.headers["location"], "/sign-in/verify?next=%2Fadmin");
    let recovered = verify(&app, &session_cookie(&later), &set_up.recovery_codes[9]).await;
    session_cookie(&recovered);
}

#[test]
fn the_readme_lists_the_demo_staffs_real_recovery_codes() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    assert!(readme.contains(lumen::seed::data::DEMO_TOTP_KEY));
    for code in common::recovery_codes() {
        assert!(readme.contains(&format!("`{code}`")), "{code} missing");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_authenticator_key_is_made_by_the_sign_in_post_and_never_by_showing_a_page(
    pool: PgPool,
) {
    let app = common::app_with_clock(&pool, clock()).await;
    add_new_staff(&pool).await;
    let key = || async {
        sqlx::query_scalar::<_, Option<Vec<u8>>>(
            "SELECT totp_secret FROM users WHERE email = 'noor@juniper-clinic.example'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };

    let first = sign_in_as(&app, "noor@juniper-clinic.example", PASSWORD, None).await;
    let made = key().await.expect("the sign-in's POST made the key");
    let pending = session_cookie(&first);
    let page = common::get_as(&app, "/sign-in/set-up?next=%2Fadmin", Some(&pending)).await;
    assert!(page.status.is_success(), "{}", page.status);
    assert_eq!(key().await, Some(made), "showing it changed nothing");

    // Without a key (forgotten in between), the page says what to do and makes none.
    sqlx::query("UPDATE users SET totp_secret = NULL WHERE email = 'noor@juniper-clinic.example'")
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..2 {
        let page = common::get_as(&app, "/sign-in/set-up?next=%2Fadmin", Some(&pending)).await;
        assert!(
            page.body.contains("Sign in again with your password"),
            "{}",
            page.body
        );
    }
    assert_eq!(key().await, None);
    sign_in_as(&app, "noor@juniper-clinic.example", PASSWORD, None).await;
    assert!(key().await.is_some());
}
