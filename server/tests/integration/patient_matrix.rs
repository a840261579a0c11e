//! Patient A and patient B: every server function and page that takes an id or a token,
//! tried by B (signed in, with bookings of her own) with A's ids and with tokens made to
//! look like A's. B never sees or changes anything of A's; A, asking the same, does, so
//! each refusal is a refusal and not a broken route.
//!
//! Booking links, holds and email links are bearer secrets by design (a patient without an
//! account manages a booking from the email): whoever holds one may use it. What is tested
//! for them is that nothing near one works: a changed character, another case, a cut or
//! lengthened token, and a signed-in session adds no reach to someone else's.

use crate::booking::{at, held_link, lewis, link_in, MOLE_CHECK};
use crate::common::{self, form, get_as, post_as, signed_in, Reply, FRONT_DESK, PATIENT};
use axum::http::StatusCode;
use axum::Router;
use sqlx::PgPool;
use uuid::Uuid;

const B_EMAIL: &str = "bea.lindqvist@example.com";
/// What would give A away on a page meant for B.
const A_MARKS: [&str; 3] = [PATIENT, "Morrison", "07700 900456"];

fn shows_nothing_of_a(reply: &Reply, what: &str) {
    for mark in A_MARKS {
        assert!(
            !reply.body.contains(mark),
            "{what} shows {mark}: {}",
            reply.body
        );
    }
}

/// Books `start` with Lewis as the signed-in patient `cookie`; returns the manage token.
async fn book_signed_in(
    app: &Router,
    pool: &PgPool,
    cookie: &str,
    start: chrono::DateTime<chrono::Utc>,
    (first, last, email, phone): (&str, &str, &str, &str),
) -> String {
    let hold = held_link(app, MOLE_CHECK, lewis(pool).await, start).await;
    let saved = post_as(
        app,
        "booking/details",
        Some(cookie),
        &form(&[
            ("hold", &hold),
            ("details[first_name]", first),
            ("details[last_name]", last),
            ("details[email]", email),
            ("details[phone]", phone),
            ("details[notes]", ""),
        ]),
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let confirmed = post_as(
        app,
        "booking/confirm",
        Some(cookie),
        &form(&[("hold", &hold)]),
    )
    .await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    link_in(&confirmed, "/booking/")
}

/// B: registered, confirmed and signed in.
async fn patient_b(app: &Router, pool: &PgPool) -> String {
    let registered = post_as(
        app,
        "register",
        None,
        &form(&[
            ("form[first_name]", "Bea"),
            ("form[last_name]", "Lindqvist"),
            ("form[email]", B_EMAIL),
            ("form[password]", common::PASSWORD),
        ]),
    )
    .await;
    assert!(registered.status.is_success(), "{}", registered.body);
    let token =
        common::token_in_email(pool, B_EMAIL, "verify_email", "/confirm-email?token=").await;
    let confirmed = post_as(app, "confirm_email", None, &form(&[("token", &token)])).await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    signed_in(app, B_EMAIL).await
}

/// Tokens that are nearly `token`: none of them may work.
fn near_misses(token: &str) -> Vec<String> {
    let mut changed = token.to_owned();
    let last = changed.pop().unwrap();
    changed.push(if last == 'A' { 'B' } else { 'A' });
    let mut first_changed: Vec<char> = token.chars().collect();
    first_changed[0] = if first_changed[0] == 'x' { 'y' } else { 'x' };
    vec![
        changed,
        first_changed.into_iter().collect(),
        token.to_uppercase(),
        token.to_lowercase(),
        token[..token.len() - 1].to_owned(),
        format!("{token}A"),
        format!("{token}%00"),
        String::new(),
    ]
    .into_iter()
    .filter(|t| t != token)
    .collect()
}

/// What a signed-in person's own page asks for: the export is a download (GET).
async fn own_view(app: &Router, endpoint: &str, cookie: &str) -> Reply {
    if endpoint == "account/my_data" {
        get_as(app, &format!("/api/{endpoint}"), Some(cookie)).await
    } else {
        post_as(app, endpoint, Some(cookie), "").await
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn patient_b_reaches_nothing_of_patient_as(pool: PgPool) {
    let clock = app::backend::state::Clock::fixed(at(8, 0) - chrono::Duration::days(1));
    let app = common::app_with_clock(&pool, clock).await;
    let a = signed_in(&app, PATIENT).await;
    let b = patient_b(&app, &pool).await;
    let a_token = book_signed_in(
        &app,
        &pool,
        &a,
        at(10, 0),
        ("Isla", "Morrison", PATIENT, "07700 900456"),
    )
    .await;
    let b_token = book_signed_in(
        &app,
        &pool,
        &b,
        at(11, 0),
        ("Bea", "Lindqvist", B_EMAIL, "07700 900789"),
    )
    .await;
    let a_appointment: Uuid = sqlx::query_scalar(
        "SELECT a.id FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE p.email = $1 AND lower(a.period) = $2",
    )
    .bind(PATIENT)
    .bind(at(10, 0))
    .fetch_one(&pool)
    .await
    .unwrap();
    let a_patient: Uuid = sqlx::query_scalar("SELECT patient_id FROM appointments WHERE id = $1")
        .bind(a_appointment)
        .fetch_one(&pool)
        .await
        .unwrap();
    // A pays at the desk: a receipt in her account.
    let desk = signed_in(&app, FRONT_DESK).await;
    let paid = post_as(
        &app,
        "admin/take_payment",
        Some(&desk),
        &format!("id={a_appointment}&form[amount]=40&form[method]=card_terminal"),
    )
    .await;
    assert!(paid.status.is_success(), "{}", paid.body);
    let a_payment: Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE appointment_id = $1")
        .bind(a_appointment)
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut tried = 0;

    // Ids: A's receipt, by server function and by page.
    let receipt = format!("id={a_payment}");
    assert_eq!(
        post_as(&app, "my_receipt", Some(&a), &receipt).await.status,
        StatusCode::OK
    );
    let refused = post_as(&app, "my_receipt", Some(&b), &receipt).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    shows_nothing_of_a(&refused, "my_receipt");
    let page = format!("/account/receipts/{a_payment}");
    assert_eq!(get_as(&app, &page, Some(&a)).await.status, StatusCode::OK);
    let refused = get_as(&app, &page, Some(&b)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    shows_nothing_of_a(&refused, "the receipt page");
    tried += 2;

    // Ids: staff functions that take A's records refuse a patient outright.
    for (endpoint, fields) in [
        ("admin/patient", format!("id={a_patient}")),
        ("admin/appointment", format!("id={a_appointment}")),
        ("admin/cancel_appointment", format!("id={a_appointment}")),
        (
            "admin/take_payment",
            format!("id={a_appointment}&form[amount]=1&form[method]=cash"),
        ),
    ] {
        let refused = post_as(&app, endpoint, Some(&b), &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            refused.body
        );
        shows_nothing_of_a(&refused, endpoint);
        tried += 1;
    }

    // B's own pages hold nothing of A's.
    for (endpoint, what) in [
        ("my_account", "her account"),
        ("account/my_data", "her data"),
    ] {
        let own = own_view(&app, endpoint, &b).await;
        assert_eq!(own.status, StatusCode::OK, "{endpoint}: {}", own.body);
        assert!(own.body.contains(B_EMAIL), "{endpoint}: {}", own.body);
        shows_nothing_of_a(&own, what);
        assert!(!own.body.contains(&a_payment.to_string()), "{endpoint}");
        let a_own = own_view(&app, endpoint, &a).await;
        assert!(
            a_own.body.contains("Morrison"),
            "{endpoint}: {}",
            a_own.body
        );
        tried += 1;
    }

    // Tokens: B's reaches B's booking only; nothing near A's reaches A's.
    let managed = post_as(
        &app,
        "booking/managed",
        Some(&b),
        &form(&[("token", &b_token)]),
    )
    .await;
    assert_eq!(managed.status, StatusCode::OK);
    shows_nothing_of_a(&managed, "B's own booking");
    for forged in near_misses(&a_token) {
        let token = [("token", forged.as_str())];
        for endpoint in ["booking/managed", "booking/cancel"] {
            let refused = post_as(&app, endpoint, Some(&b), &form(&token)).await;
            assert!(
                refused.status.is_client_error(),
                "{endpoint} with {forged:?}: {}",
                refused.status
            );
            shows_nothing_of_a(&refused, endpoint);
            tried += 1;
        }
        let moved = post_as(
            &app,
            "booking/reschedule",
            Some(&b),
            &form(&[
                ("token", forged.as_str()),
                ("provider", ""),
                ("start", &at(12, 0).to_rfc3339()),
            ]),
        )
        .await;
        assert!(moved.status.is_client_error(), "reschedule with {forged:?}");
        for path in [
            format!("/booking/{forged}"),
            format!("/booking/{forged}/calendar.ics"),
        ] {
            let refused = get_as(&app, &path, Some(&b)).await;
            assert!(
                refused.status.is_client_error(),
                "{path}: {}",
                refused.status
            );
            shows_nothing_of_a(&refused, &path);
            tried += 1;
        }
        tried += 1;
    }
    // A's booking is as she left it, and her own link still shows it to her.
    let status: String = sqlx::query_scalar("SELECT status::text FROM appointments WHERE id = $1")
        .bind(a_appointment)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "confirmed");
    let starts: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT lower(period) FROM appointments WHERE id = $1")
            .bind(a_appointment)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(starts, at(10, 0));
    let own = get_as(&app, &format!("/booking/{a_token}"), Some(&a)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Mole"), "{}", own.body);
    println!("patient A/B matrix: {tried} requests by B refused");
}
