//! Limits on booking, so nobody can hold a clinic's free times or make it send email to
//! anyone: a browser holds one time at once, an address holds and confirms only so many,
//! an email address is sent only so many confirmations, and behind a trusted proxy each
//! visitor counts as themselves (and a forged `X-Forwarded-For` counts for nothing).

use crate::booking::{
    at, book, confirm, details, held_link, lewis, link_in, save_details, GUEST, MOLE_CHECK,
};
use crate::common::{self, emails_to, form, send, Reply};
use app::backend::state::Clock;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::PgPool;
use std::net::{IpAddr, SocketAddr};
use uuid::Uuid;

async fn app(pool: &PgPool) -> Router {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    common::app_with_clock(pool, Clock::fixed(monday)).await
}

/// A hold asked for by the browser at `peer` (with `cookie`, and `forwarded` as a proxy
/// would add it).
async fn hold_from(
    app: &Router,
    provider: Uuid,
    start: DateTime<Utc>,
    peer: &str,
    forwarded: Option<&str>,
    cookie: Option<&str>,
) -> Reply {
    let mut request = Request::post("/api/booking/hold")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let mut request = request
        .body(Body::from(form(&[
            ("treatment", MOLE_CHECK),
            ("provider", &provider.to_string()),
            ("start", &start.to_rfc3339()),
            ("hold", ""),
        ])))
        .unwrap();
    let peer: IpAddr = peer.parse().unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(peer, 40000)));
    send(app, request).await
}

/// The `lumen_hold=…` pair a reply set.
fn hold_cookie(reply: &Reply) -> String {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lumen_hold="))
        .and_then(|c| c.split(';').next())
        .expect("the hold's cookie")
        .to_owned()
}

async fn live_holds(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM appointments WHERE status = 'held'")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_browser_holds_one_time_at_once(pool: PgPool) {
    let app = app(&pool).await;
    let lewis = lewis(&pool).await;
    let first = hold_from(&app, lewis, at(10, 0), "203.0.113.5", None, None).await;
    let link = link_in(&first, "/book/details?hold=");
    let cookie = hold_cookie(&first);
    assert!(cookie.ends_with(&link));

    // Choosing another time in the same browser moves its hold.
    let second = hold_from(&app, lewis, at(14, 0), "203.0.113.5", None, Some(&cookie)).await;
    assert_eq!(link_in(&second, "/book/details?hold="), link);
    assert_eq!(live_holds(&pool).await, 1);
    let starts: DateTime<Utc> =
        sqlx::query_scalar("SELECT lower(period) FROM appointments WHERE status = 'held'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(starts, at(14, 0));

    // Another browser holds a time of its own.
    let other = hold_from(&app, lewis, at(10, 0), "203.0.113.5", None, None).await;
    assert_ne!(link_in(&other, "/book/details?hold="), link);
    assert_eq!(live_holds(&pool).await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_address_holds_only_so_many_times_and_a_forged_forwarded_for_changes_nothing(
    pool: PgPool,
) {
    let app = app(&pool).await;
    let lewis = lewis(&pool).await;
    // Thirty tries in ten minutes (one holds; the rest find the time taken)…
    for n in 0..30 {
        let tried = hold_from(
            &app,
            lewis,
            at(10, 0),
            "203.0.113.5",
            Some(&format!("198.51.100.{n}")),
            None,
        )
        .await;
        assert_ne!(tried.status, StatusCode::TOO_MANY_REQUESTS, "try {n}");
    }
    // …and the next is refused, whatever the visitor writes in X-Forwarded-For.
    let refused = hold_from(
        &app,
        lewis,
        at(11, 0),
        "203.0.113.5",
        Some("198.51.100.99"),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
    // Another address is not held back.
    let elsewhere = hold_from(&app, lewis, at(11, 0), "203.0.113.6", None, None).await;
    assert!(
        elsewhere.status.is_redirection() || elsewhere.status.is_success(),
        "{}",
        elsewhere.status
    );
    assert_eq!(live_holds(&pool).await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn behind_a_trusted_proxy_each_visitor_counts_as_themselves(pool: PgPool) {
    let proxied = app(&pool).await.layer(axum::middleware::from_fn({
        let trusted: std::sync::Arc<[IpAddr]> = vec!["10.0.0.2".parse().unwrap()].into();
        move |request, next| lumen::client::resolve_visitor(trusted.clone(), request, next)
    }));
    let lewis = lewis(&pool).await;
    for n in 0..30 {
        let tried = hold_from(
            &proxied,
            lewis,
            at(10, 0),
            "10.0.0.2",
            Some("198.51.100.1"),
            None,
        )
        .await;
        assert_ne!(tried.status, StatusCode::TOO_MANY_REQUESTS, "try {n}");
    }
    let same = hold_from(
        &proxied,
        lewis,
        at(11, 0),
        "10.0.0.2",
        Some("198.51.100.1"),
        None,
    )
    .await;
    assert_eq!(
        same.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the visitor's thirty-first"
    );
    // A forged entry before the proxy's own is not believed: the proxy's is read.
    let forged = hold_from(
        &proxied,
        lewis,
        at(11, 0),
        "10.0.0.2",
        Some("198.51.100.7, 198.51.100.1"),
        None,
    )
    .await;
    assert_eq!(forged.status, StatusCode::TOO_MANY_REQUESTS);
    let another = hold_from(
        &proxied,
        lewis,
        at(11, 0),
        "10.0.0.2",
        Some("198.51.100.2"),
        None,
    )
    .await;
    assert_ne!(
        another.status,
        StatusCode::TOO_MANY_REQUESTS,
        "another visitor"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn one_email_address_is_sent_only_so_many_confirmations(pool: PgPool) {
    let app = app(&pool).await;
    let lewis = lewis(&pool).await;
    for hour in [10, 11, 12] {
        book(&app, MOLE_CHECK, lewis, at(hour, 0), GUEST).await;
    }
    let sent = emails_to(&pool, GUEST).await.len();
    let link = held_link(&app, MOLE_CHECK, lewis, at(14, 0)).await;
    assert!(save_details(&app, &link, &details(GUEST))
        .await
        .status
        .is_success());
    let refused = confirm(&app, &link).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    assert_eq!(
        emails_to(&pool, GUEST).await.len(),
        sent,
        "no fourth confirmation"
    );
    let still_held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments WHERE status = 'held' AND lower(period) = $1",
    )
    .bind(at(14, 0))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(still_held, 1, "the hold waits; nothing half-done");
}
