//! `/metrics`: the operator's counters move with the requests and the outbox, are labelled
//! by route pattern (a booking link's secret never appears), and only the token reads them.

use crate::common::{self, get, send_as_is};
use app::backend::integrations::messaging::Messaging;
use app::backend::state::Clock;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use sqlx::PgPool;

pub(crate) const TOKEN: &str = "scrape-secret-for-tests";

pub(crate) async fn scrape(app: &Router, token: Option<&str>) -> common::Reply {
    let mut request = Request::get("/metrics");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    send_as_is(app, request.body(Body::empty()).unwrap()).await
}

/// The value of the sample of `name` whose labels include all of `labels`; 0 when none.
pub(crate) fn sample(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .map(|line| line.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

#[sqlx::test(migrations = "../migrations")]
async fn requests_and_the_outbox_are_counted_by_pattern_for_the_token_only(pool: PgPool) {
    let (app, state) = common::app_with_state(
        &pool,
        Clock::system(),
        common::media(),
        Messaging::development(),
    )
    .await;
    let app = app.merge(lumen::metrics::router(state.clone(), Some(TOKEN)));

    for token in [None, Some("wrong")] {
        let refused = scrape(&app, token).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(!refused.body.contains("http_requests_total"));
    }
    let before = scrape(&app, Some(TOKEN)).await;
    assert_eq!(before.status, StatusCode::OK);
    let treatments = [
        r#"route="/api/v1/treatments""#,
        r#"status="200""#,
        r#"method="GET""#,
    ];
    let counted = sample(&before.body, "http_requests_total", &treatments);

    get(&app, "/api/v1/treatments").await;
    get(&app, "/api/v1/treatments").await;
    // A booking's private link: the secret is in the path.
    let secret = "5e".repeat(32);
    get(&app, &format!("/booking/{secret}")).await;
    // A new patient's email waits in the outbox (no provider is set up here).
    let email_waiting = [r#"channel="email""#];
    let waiting = sample(&before.body, "lumen_outbox_waiting", &email_waiting);
    sqlx::query(
        "INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, subject, body, created_at, next_attempt_at, status)
         SELECT id, 'email', 'test', 'someone@example.com', 'Hello', 'Hello', now() - interval '5 minutes', now(), 'queued'
         FROM clinics",
    )
    .execute(&pool)
    .await
    .unwrap();

    let after = scrape(&app, Some(TOKEN)).await;
    assert_eq!(
        sample(&after.body, "http_requests_total", &treatments),
        counted + 2.0
    );
    assert!(
        sample(
            &after.body,
            "http_request_duration_seconds_count",
            &[r#"route="/api/v1/treatments""#]
        ) >= 2.0,
        "latencies are recorded"
    );
    assert!(
        after.body.contains(r#"route="/booking/{token}""#),
        "the booking page is counted by its pattern:\n{}",
        after.body
    );
    assert!(!after.body.contains(&secret), "no secret in any label");
    assert_eq!(
        sample(&after.body, "lumen_outbox_waiting", &email_waiting),
        waiting + 1.0
    );
    assert!(sample(&after.body, "lumen_outbox_oldest_seconds", &email_waiting) >= 300.0);
    assert!(sample(&after.body, "lumen_db_pool_connections", &[]) >= 1.0);

    // Without a token set, there is no such page.
    let plain = lumen::http::router(state.clone()).merge(lumen::metrics::router(state, None));
    assert_eq!(
        scrape(&plain, Some(TOKEN)).await.status,
        StatusCode::NOT_FOUND
    );
}
