//! Staff's second factor: codes from an authenticator app (RFC 6238) at a time the tests
//! set, recovery codes, and setting the app up for the first time.

use crate::common;

use app::account::second_factor::types::SetUp;
use app::backend::auth::sealing::SecretKeys;
use app::backend::auth::{password, totp};
use app::backend::state::Clock;
use app::backend::store::second_factor;
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

    // What is stored gives neither the key nor the codes away: the key is sealed, and
    // only the codes' hashes are left once the app is on.
    let row = sqlx::query_as::<_, (Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, String)>(
        "SELECT totp_secret, totp_sealed, recovery_codes_sealed, u::text
         FROM users u WHERE email = 'noor@juniper-clinic.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((&row.0, &row.2), (&None, &None));
    let sealed = row.1.expect("the key is kept, sealed");
    assert!(!sealed
        .windows(key.as_bytes().len())
        .any(|w| w == key.as_bytes()));
    for code in &set_up.recovery_codes {
        let letters = totp::normalise_recovery_code(code);
        assert_eq!(letters.len(), 16, "80 random bits: {code}");
        assert!(!row.3.contains(&letters) && !row.3.contains(code.as_str()));
    }
    assert_eq!(
        common::count_rows(
            &pool,
            "recovery_codes r JOIN users u ON u.id = r.user_id \
             WHERE u.email = 'noor@juniper-clinic.example'"
        )
        .await,
        10
    );
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
            "SELECT totp_sealed FROM users WHERE email = 'noor@juniper-clinic.example'",
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
    sqlx::query("UPDATE users SET totp_sealed = NULL WHERE email = 'noor@juniper-clinic.example'")
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

/// The app the tests use, sealing with `keys` instead of the development key.
fn app_sealing_with(
    app_state: &app::backend::state::AppState,
    keys: SecretKeys,
    clock: &Clock,
) -> Router {
    lumen::http::router(app::backend::state::AppState {
        secret_keys: keys.into(),
        assistant: Default::default(),
        clock: clock.clone(),
        ..app_state.clone()
    })
}

/// A secret key of the tests' own, and the published development key, in base64.
pub(crate) const NEW_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
pub(crate) const DEVELOPMENT_KEY_BASE64: &str = "bHVtZW4gZGV2ZWxvcG1lbnQga2V5LCBwdWJsaXNoZWQ=";

#[sqlx::test(migrations = "../migrations")]
async fn keys_stored_in_the_clear_are_sealed_at_start_and_a_rotated_key_takes_over(pool: PgPool) {
    let clock = clock();
    let (_, state) = common::app_with_state(
        &pool,
        clock.clone(),
        common::media(),
        app::backend::integrations::messaging::Messaging::development(),
    )
    .await;
    let staff = common::count_rows(&pool, "users WHERE totp_enabled_at IS NOT NULL").await as u64;
    assert!(staff >= 3);
    // A key stored before sealing existed: in the clear.
    sqlx::query("UPDATE users SET totp_sealed = NULL, totp_secret = $1 WHERE email = $2")
        .bind(demo_key().as_bytes())
        .bind(ADMIN)
        .execute(&pool)
        .await
        .unwrap();
    let development = SecretKeys::development();
    assert_eq!(
        second_factor::seal_all(&pool, &development).await.unwrap(),
        1
    );
    assert_eq!(
        second_factor::seal_all(&pool, &development).await.unwrap(),
        0,
        "once"
    );
    assert_eq!(
        common::count_rows(&pool, "users WHERE totp_secret IS NOT NULL").await,
        0
    );
    let app = app_sealing_with(&state, SecretKeys::development(), &clock);
    let cookie = password_step(&app, ADMIN).await;
    session_cookie(&verify(&app, &cookie, &code_at(&demo_key(), &clock)).await);

    // Rotation: the new key opens the old seals and seals everything again at start.
    let rotated = SecretKeys::from_base64(NEW_KEY, &[DEVELOPMENT_KEY_BASE64]).unwrap();
    assert_eq!(
        second_factor::seal_all(&pool, &rotated).await.unwrap(),
        staff
    );
    let later = Clock::fixed(clock.now() + Duration::minutes(5));
    let only_new = SecretKeys::from_base64(NEW_KEY, &[]).unwrap();
    let app = app_sealing_with(&state, only_new, &later);
    let cookie = password_step(&app, "frontdesk@juniper-clinic.example").await;
    session_cookie(&verify(&app, &cookie, &code_at(&demo_key(), &later)).await);

    // The old key alone no longer opens them: the server says it is unavailable rather
    // than letting anyone in.
    let app = app_sealing_with(&state, SecretKeys::development(), &later);
    let cookie = password_step(&app, "amara@juniper-clinic.example").await;
    let refused = verify(&app, &cookie, &code_at(&demo_key(), &later)).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.body
    );
}

#[test]
fn the_development_key_is_the_published_one() {
    assert!(SecretKeys::from_base64(DEVELOPMENT_KEY_BASE64, &[])
        .unwrap()
        .is_development());
}
