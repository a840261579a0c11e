//! Signing in and out, sessions, and who may reach what: through the real router, with the
//! demo clinic's accounts and a clock the tests move.

use crate::common;

use app::backend::auth::password;
use app::backend::state::Clock;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, TimeZone, Utc};
use common::{
    call_as, complete_second_factor, get_as, send, session_cookie, sign_in_as, signed_in, Reply,
    ADMIN, FRONT_DESK, PASSWORD, PATIENT,
};
use sqlx::PgPool;

fn clock() -> Clock {
    Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_sets_a_protected_cookie_and_goes_to_the_right_home(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let reply = sign_in_as(&app, ADMIN, PASSWORD, None).await;
    assert!(reply.status.is_redirection(), "status {}", reply.status);
    // Staff go on to their second factor, then home.
    assert_eq!(reply.headers["location"], "/sign-in/verify?next=%2Fadmin");
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap();
    for flag in [
        "__Host-lumen_session=",
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
    ] {
        assert!(set_cookie.contains(flag), "{flag} missing: {set_cookie}");
    }

    let patient = sign_in_as(&app, PATIENT, PASSWORD, None).await;
    assert_eq!(patient.headers["location"], "/account");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let wrong_password = sign_in_as(&app, ADMIN, "not-the-password", None).await;
    let unknown_email = sign_in_as(&app, "nobody@juniper-clinic.example", PASSWORD, None).await;
    assert_eq!(wrong_password.status, unknown_email.status);
    assert!(wrong_password.headers.get("set-cookie").is_none());
    let location = |r: &Reply| {
        r.headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(location(&wrong_password), location(&unknown_email));
    assert_eq!(wrong_password.body, unknown_email.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn who_may_reach_what(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let patient = signed_in(&app, PATIENT).await;
    let front_desk = signed_in(&app, FRONT_DESK).await;
    let admin = signed_in(&app, ADMIN).await;

    // (caller, admin page, admin API, account page, account API)
    type Expectation<'a> = (&'a str, Option<&'a str>, u16, u16, u16, u16);
    let cases: [Expectation; 4] = [
        ("anonymous", None, 401, 401, 401, 401),
        ("patient", Some(&patient), 403, 403, 200, 200),
        ("front desk", Some(&front_desk), 200, 200, 200, 200),
        ("admin", Some(&admin), 200, 200, 200, 200),
    ];
    for (who, cookie, admin_page, admin_api, account_page, account_api) in cases {
        assert_eq!(
            get_as(&app, "/admin", cookie).await.status.as_u16(),
            admin_page,
            "{who}: /admin"
        );
        assert_eq!(
            call_as(&app, "admin/dashboard", cookie)
                .await
                .status
                .as_u16(),
            admin_api,
            "{who}: admin API"
        );
        assert_eq!(
            get_as(&app, "/account", cookie).await.status.as_u16(),
            account_page,
            "{who}: /account"
        );
        assert_eq!(
            call_as(&app, "my_account", cookie).await.status.as_u16(),
            account_api,
            "{who}: account API"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dashboard_shows_today_in_the_clinics_time_zone(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let admin = signed_in(&app, ADMIN).await;
    let page = get_as(&app, "/admin", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Monday 16 March 2026"),
        "date heading missing"
    );
    assert!(
        page.body.contains("Today&#x27;s appointments")
            || page.body.contains("Today's appointments")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_sees_only_their_own_appointments(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let patient = signed_in(&app, PATIENT).await;
    let reply = call_as(&app, "my_account", Some(&patient)).await;
    let account: app::account::types::MyAccount = serde_json::from_str(&reply.body).unwrap();
    let own: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE p.email = $1 AND upper(a.period) > $2 AND a.status <> 'cancelled'",
    )
    .bind(PATIENT)
    .bind(Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(own > 0, "the demo patient has upcoming appointments");
    assert_eq!(account.upcoming.len() as i64, own.min(20));
    let past: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE p.email = $1 AND upper(a.period) <= $2 AND a.status <> 'held'",
    )
    .bind(PATIENT)
    .bind(Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(past > 0, "the demo patient has past appointments");
    assert_eq!(account.past.len() as i64, past.min(20));
    assert!(
        account.past.iter().all(|a| a.status == "Completed"),
        "{:?}",
        account.past
    );

    // A place at a group session is theirs too, among the upcoming ones.
    let session: uuid::Uuid = sqlx::query_scalar(
        "SELECT id FROM appointments WHERE capacity IS NOT NULL ORDER BY lower(period) LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO session_seats (clinic_id, appointment_id, patient_id, booked_at)
         SELECT p.clinic_id, $1, p.id, now() FROM patients p WHERE p.email = $2",
    )
    .bind(session)
    .bind(PATIENT)
    .execute(&pool)
    .await
    .unwrap();
    let reply = call_as(&app, "my_account", Some(&patient)).await;
    let account: app::account::types::MyAccount = serde_json::from_str(&reply.body).unwrap();
    assert!(
        account
            .upcoming
            .iter()
            .any(|a| a.treatment == "Skin health workshop"),
        "{:?}",
        account.upcoming
    );
    let page = get_as(&app, "/account", Some(&patient)).await;
    assert!(
        !page.body.contains("Callum Reid"),
        "another patient's name on the page"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_again_replaces_the_old_session(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let first = signed_in(&app, ADMIN).await;
    let pending = session_cookie(&sign_in_as(&app, ADMIN, PASSWORD, Some(&first)).await);
    let second = complete_second_factor(&app, &pending).await;
    assert_ne!(first, second);
    assert_ne!(pending, second);
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&second)).await.status,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_out_ends_the_session_on_the_server(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let admin = signed_in(&app, ADMIN).await;
    let reply = send(
        &app,
        Request::post("/api/sign_out")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &admin)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(reply.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    // The pages the browser kept for reading offline (the account's among them) go too.
    assert_eq!(reply.headers["clear-site-data"], "\"storage\"");
    // Replaying the old cookie does not work: the session is gone, not just forgotten by the browser.
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&admin)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn idle_sessions_end_sooner_for_staff_than_for_patients(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let staff = signed_in(&app, FRONT_DESK).await;
    let patient = signed_in(&app, PATIENT).await;

    clock.advance(Duration::minutes(29));
    assert_eq!(
        call_as(&app, "my_account", Some(&staff)).await.status,
        StatusCode::OK,
        "activity at 29 minutes"
    );
    clock.advance(Duration::minutes(31));
    assert_eq!(
        call_as(&app, "my_account", Some(&staff)).await.status,
        StatusCode::UNAUTHORIZED,
        "31 idle minutes"
    );
    assert_eq!(
        call_as(&app, "my_account", Some(&patient)).await.status,
        StatusCode::OK,
        "a patient idle for an hour"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn no_session_outlives_twelve_hours_however_busy(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let staff = signed_in(&app, ADMIN).await;
    for _ in 0..35 {
        clock.advance(Duration::minutes(20));
        assert_eq!(
            call_as(&app, "my_account", Some(&staff)).await.status,
            StatusCode::OK
        );
    }
    clock.advance(Duration::minutes(20)); // 12 h in all
    assert_eq!(
        call_as(&app, "my_account", Some(&staff)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn disabling_a_user_ends_their_sessions(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let staff = signed_in(&app, FRONT_DESK).await;
    let admin = signed_in(&app, ADMIN).await;
    let user_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(FRONT_DESK)
        .fetch_one(&pool)
        .await
        .unwrap();
    let turned_off = common::post_as(
        &app,
        "admin/update_staff",
        Some(&admin),
        &format!("user_id={user_id}&role=front_desk&active=false"),
    )
    .await;
    assert!(turned_off.status.is_success(), "{}", turned_off.body);
    assert_eq!(
        call_as(&app, "my_account", Some(&staff)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = sign_in_as(&app, FRONT_DESK, PASSWORD, None).await;
    assert!(
        again.headers.get("set-cookie").is_none(),
        "a disabled account cannot sign in"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn passwords_are_stored_as_argon2id_with_the_asvs_parameters(pool: PgPool) {
    common::seeded(&pool).await;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
        .bind(ADMIN)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(!stored.contains(PASSWORD));
    assert!(password::verify(PASSWORD.to_owned(), Some(stored.clone())).await);
    assert!(!password::verify("Juniper-demo-2026".to_owned(), Some(stored)).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn after_sign_in_only_our_own_pages_are_followed(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let form = |email: &str, next: &str| {
        Request::post("/api/sign_in")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(Body::from(format!(
                "email={}&password={PASSWORD}&next={next}",
                email.replace('@', "%40")
            )))
            .unwrap()
    };
    assert_eq!(
        send(&app, form(PATIENT, "%2Ftreatments")).await.headers["location"],
        "/treatments"
    );
    // The browser's own normalisation turns each of these into another site's address.
    for other in [
        "%2F%2Fevil.example",
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil.example",
        "%2F%5Cevil.example",
        "%2F%252F%2Fevil.example",
        "%2F%255Cevil.example",
        "%09%2F%2Fevil.example",
    ] {
        assert_eq!(
            send(&app, form(PATIENT, other)).await.headers["location"],
            "/account",
            "{other}"
        );
    }
    // Staff carry the page through their second step, where it is checked again.
    let staff = send(&app, form(ADMIN, "%2F%2Fevil.example")).await;
    assert_eq!(staff.headers["location"], "/sign-in/verify?next=%2Fadmin");
    let pending = session_cookie(&staff);
    let verified = common::post_as(
        &app,
        "second_factor/verify",
        Some(&pending),
        &format!(
            "code={}&next=%2F%2Fevil.example",
            common::recovery_codes()[0]
        ),
    )
    .await;
    assert_eq!(verified.headers["location"], "/admin");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_form_posted_from_another_site_is_refused(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let post = |origin: &str| {
        Request::post("/api/sign_in")
            .header("host", "clinic.example")
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email=admin%40juniper-clinic.example&password={PASSWORD}"
            )))
            .unwrap()
    };
    let foreign = send(&app, post("https://evil.example")).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert!(foreign.headers.get("set-cookie").is_none());
    // Saying nowhere (neither Origin nor Referer) is refused as well.
    let nowhere = common::send_as_is(
        &app,
        Request::post("/api/sign_in")
            .header("host", "clinic.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email=admin%40juniper-clinic.example&password={PASSWORD}"
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(nowhere.status, StatusCode::FORBIDDEN);
    assert!(nowhere.headers.get("set-cookie").is_none());
    let ours = send(&app, post("https://clinic.example")).await;
    assert!(
        ours.status.is_success() || ours.status.is_redirection(),
        "{}",
        ours.status
    );
    session_cookie(&ours);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_cannot_be_framed_and_signed_in_pages_are_not_stored(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let public = get_as(&app, "/", None).await;
    assert_eq!(public.headers["x-frame-options"], "DENY");
    assert!(public.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(public.headers["x-content-type-options"], "nosniff");

    let admin = signed_in(&app, ADMIN).await;
    let page = get_as(&app, "/admin", Some(&admin)).await;
    assert_eq!(page.headers["cache-control"], "no-store");
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_one_accounts_password_is_slowed_down(pool: PgPool) {
    let clock = clock();
    let app = common::app_with_clock(&pool, clock.clone()).await;
    for _ in 0..5 {
        let reply = common::sign_in_by_api(&app, ADMIN, "a-wrong-guess").await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
    }
    // The sixth try is refused even with the right password, and says when to come back.
    let refused = common::sign_in_by_api(&app, ADMIN, PASSWORD).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    let retry_after: i64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    assert!(refused.headers.get("set-cookie").is_none());
    let error: app::error::AppError = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(error, app::error::AppError::TooManyAttempts(15));
    assert!(error.to_string().contains("wait 15 minutes"), "{error}");

    // Without JavaScript the browser is sent back to the form, which shows the message.
    let form_post = sign_in_as(&app, ADMIN, PASSWORD, None).await;
    assert!(form_post.status.is_redirection(), "{}", form_post.status);
    assert!(form_post.headers.get("set-cookie").is_none());
    assert!(form_post.headers.contains_key("retry-after"));

    // Other accounts are not affected.
    session_cookie(&sign_in_as(&app, FRONT_DESK, PASSWORD, None).await);

    clock.advance(Duration::minutes(16));
    session_cookie(&sign_in_as(&app, ADMIN, PASSWORD, None).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn trying_many_accounts_from_one_address_is_slowed_down(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let from =
        |email: String| {
            let mut request = Request::post("/api/sign_in")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body(Body::from(format!("email={email}&password=guess-guess")))
                .unwrap();
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from(([203, 0, 113, 7], 50000)),
            ));
            request
        };
    for n in 0..50 {
        let reply = send(&app, from(format!("person{n}%40example.com"))).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {n}"
        );
    }
    let refused = send(&app, from("person-new%40example.com".to_owned())).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_allow_only_their_own_scripts(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let first = get_as(&app, "/", None).await;
    let policy = first.headers["content-security-policy"].to_str().unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names a nonce");
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    // Every inline script of the page carries the nonce; none runs without it. Structured
    // data (JSON-LD) is a data block, which browsers never run.
    let data_blocks = first
        .body
        .matches("<script type=\"application/ld+json\">")
        .count();
    assert_eq!(data_blocks, 1, "the home page's MedicalClinic data");
    let scripts = first.body.matches("<script").count() - data_blocks;
    assert!(scripts > 0);
    assert_eq!(
        first
            .body
            .matches(&format!("<script nonce=\"{nonce}\""))
            .count()
            + first
                .body
                .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count(),
        scripts,
        "a script without the nonce"
    );
    // A new nonce for every response.
    let second = get_as(&app, "/", None).await;
    assert_ne!(
        second.headers["content-security-policy"],
        first.headers["content-security-policy"]
    );
    // The 404 page is a page too.
    let missing = get_as(&app, "/no-such-page", None).await;
    assert!(missing.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("'nonce-"));
}

#[sqlx::test(migrations = "../migrations")]
async fn browsers_that_came_over_https_are_told_to_stay_on_it(pool: PgPool) {
    let app = common::app_with_clock(&pool, clock()).await;
    let plain = get_as(&app, "/", None).await;
    assert!(plain.headers.get("strict-transport-security").is_none());
    let behind_proxy = send(
        &app,
        Request::get("/")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        behind_proxy.headers["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(
        behind_proxy.headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
}
