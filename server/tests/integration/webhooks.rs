//! Outbound webhooks as a receiver meets them: a local endpoint records every request, and
//! each signature is checked the way the README tells receivers to, by code of the test's
//! own (not Lumen's signing code).

use crate::api::{api, booking_body, free_time, make_key};
use crate::booking::at;
use crate::common::{self, form, post_as, signed_in, ADMIN};
use app::admin::webhooks::types::{ShownSecret, WebhooksScreen};
use app::backend::state::{AppState, Clock};
use app::backend::webhooks::Webhooks;
use axum::http::{HeaderMap, StatusCode};
use axum::Router;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use sqlx::PgPool;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

/// What the receiver heard: each request's headers and body, in order.
type Heard = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on a free local port answering `status` (changeable) with a short body.
async fn receiver() -> (String, Heard, Arc<AtomicU16>) {
    let heard: Heard = Arc::default();
    let status = Arc::new(AtomicU16::new(200));
    let router = Router::new().route(
        "/hooks",
        axum::routing::post({
            let (heard, status) = (heard.clone(), status.clone());
            move |headers: HeaderMap, body: String| async move {
                heard.lock().unwrap().push((headers, body));
                let code = StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap();
                (code, format!("receiver said {}", code.as_u16()))
            }
        }),
    );
    let (listener, address) = common::listener().await;
    common::serve(listener, router);
    (format!("{address}/hooks"), heard, status)
}

/// Registers `url` for `events` as the clinic's admin; the secret shown once.
async fn add_endpoint(app: &Router, cookie: &str, url: &str, events: &[&str]) -> ShownSecret {
    let mut fields = vec![("form[url]", url)];
    let names: Vec<String> = events.iter().map(|e| format!("form[{e}]")).collect();
    fields.extend(names.iter().map(|n| (n.as_str(), "on")));
    let reply = post_as(app, "admin/add_webhook", Some(cookie), &form(&fields)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// Checks the signature as the README's scheme says: HMAC-SHA256 under the secret (all of
/// it, `whsec_` included) over `<t>.<body>`, in hex, against each `v1`. Returns the `v1`s
/// that `secret` signed, so a test can tell which secrets signed.
fn signed_by(headers: &HeaderMap, body: &str, secret: &str) -> usize {
    let header = headers["lumen-signature"].to_str().unwrap();
    let mut parts = header.split(',');
    let t = parts.next().unwrap().strip_prefix("t=").unwrap();
    let age = Utc::now().timestamp() - t.parse::<i64>().unwrap();
    assert!(age.abs() < 300, "signed {age} s ago");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    parts
        .filter(|p| p.strip_prefix("v1=") == Some(expected.as_str()))
        .count()
}

/// The demo clinic on `clock`, its deliveries allowed to reach this machine.
async fn clinic(pool: &PgPool, clock: Clock) -> (Router, AppState) {
    let messaging = app::backend::integrations::messaging::Messaging::development();
    common::app_with_state(pool, clock, common::media(), messaging).await
}

/// A patient added through the API with `key`: a `patient.created` event.
async fn add_patient(app: &Router, key: &str, first_name: &str, email: &str) {
    let patient = serde_json::json!({
        "first_name": first_name,
        "last_name": "Ode",
        "email": email,
        "phone": "07700 900123",
    });
    let body = patient.to_string();
    let reply = api(app, "POST", "/api/v1/patients", Some(key), Some(&body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

async fn deliver(state: &AppState, at: chrono::DateTime<Utc>) -> app::backend::delivery::Round {
    state.dispatcher().deliver_due(at, 100).await.unwrap()
}

async fn screen(app: &Router, cookie: &str) -> WebhooksScreen {
    let reply = post_as(app, "admin/webhooks", Some(cookie), "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn bookings_made_moved_and_cancelled_reach_the_endpoint_signed_by_every_live_secret(
    pool: PgPool,
) {
    let clock = Clock::fixed(at(8, 0));
    let (app, state) = clinic(&pool, clock.clone()).await;
    let admin = signed_in(&app, ADMIN).await;
    let (url, heard, _) = receiver().await;
    let events = [
        "booking_created",
        "booking_moved",
        "booking_cancelled",
        "patient_created",
    ];
    let first = add_endpoint(&app, &admin, &url, &events).await;
    assert!(first.secret.starts_with("whsec_"));
    let key = make_key(&app, &admin, "Practice system", "write").await;

    // Booked, moved and cancelled through the API, for a patient new to the clinic.
    let time = free_time(&app, "chemical-peel", "2026-03-18", 0).await;
    let body = booking_body(&time, "webhook.patient@example.com");
    let reply = api(&app, "POST", "/api/v1/bookings", Some(&key), Some(&body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = serde_json::from_str::<Value>(&reply.body).unwrap()["booking"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let later = free_time(&app, "chemical-peel", "2026-03-19", 0).await;
    let to = serde_json::json!({"start": later["start"], "provider_id": later["provider_id"]});
    let path = format!("/api/v1/bookings/{id}/move");
    let reply = api(&app, "POST", &path, Some(&key), Some(&to.to_string())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    clock.advance(Duration::minutes(1));
    let path = format!("/api/v1/bookings/{id}/cancel");
    let reply = api(&app, "POST", &path, Some(&key), Some(r#"{"by":"patient"}"#)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let round = deliver(&state, Utc::now()).await;
    assert_eq!((round.sent, round.retrying, round.dead), (4, 0, 0));
    let heard_now = heard.lock().unwrap().clone();
    let body_of = |kind: &str| {
        heard_now
            .iter()
            .find(|(headers, _)| headers["lumen-event"] == kind)
            .unwrap_or_else(|| panic!("no {kind} was delivered"))
            .clone()
    };
    for kind in [
        "patient.created",
        "booking.created",
        "booking.moved",
        "booking.cancelled",
    ] {
        body_of(kind);
    }
    for (headers, body) in &heard_now {
        assert_eq!(signed_by(headers, body, &first.secret), 1, "{body}");
        assert_eq!(headers["content-type"], "application/json");
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(headers["lumen-event"], event["type"].as_str().unwrap());
        // Ids and facts only: the patient's name and address are read through the API.
        assert!(
            !body.contains("webhook.patient") && !body.contains("Ruiz"),
            "{body}"
        );
    }
    let moved: Value = serde_json::from_str(&body_of("booking.moved").1).unwrap();
    assert_eq!(moved["data"]["booking_id"], id.as_str());
    assert_eq!(moved["data"]["starts_at"], later["start"]);
    // A body changed on the way, or checked with another secret, does not verify.
    let (headers, body) = body_of("booking.created");
    let forged = body.replace("booking.created", "booking.cancelled");
    assert_eq!(signed_by(&headers, &forged, &first.secret), 0);
    assert_eq!(signed_by(&headers, &body, "whsec_not-the-secret"), 0);

    // A new secret: for a day, deliveries carry a signature by each.
    let endpoint = screen(&app, &admin).await.endpoints[0].id.clone();
    let reply = post_as(
        &app,
        "admin/rotate_webhook_secret",
        Some(&admin),
        &form(&[("id", &endpoint)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let second: ShownSecret = serde_json::from_str(&reply.body).unwrap();
    assert_ne!(second.secret, first.secret);
    let other = free_time(&app, "chemical-peel", "2026-03-20", 0).await;
    let body = booking_body(&other, "webhook.patient@example.com");
    let reply = api(&app, "POST", "/api/v1/bookings", Some(&key), Some(&body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    // The booking, and the guest record the API keeps for each booking.
    assert_eq!(deliver(&state, Utc::now()).await.sent, 2);
    for (headers, body) in heard.lock().unwrap().iter().skip(4) {
        assert_eq!(signed_by(headers, body, &first.secret), 1);
        assert_eq!(signed_by(headers, body, &second.secret), 1);
    }

    // The log shows each delivery, its body and the receiver's answer.
    let log = screen(&app, &admin).await;
    assert_eq!(log.deliveries.len(), 6);
    let newest = &log.deliveries[0];
    assert_eq!(newest.event, "booking.created");
    assert_eq!(newest.status, "Delivered");
    assert_eq!(newest.attempts.len(), 1);
    assert_eq!(newest.attempts[0].response_status, Some(200));
    assert_eq!(
        newest.attempts[0].response_body.as_deref(),
        Some("receiver said 200")
    );
    assert!(log.endpoints[0]
        .secrets
        .iter()
        .any(|s| s.contains("old, signs until")));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failing_endpoint_is_retried_with_backoff_then_dead_lettered_and_can_be_replayed(
    pool: PgPool,
) {
    let (app, state) = clinic(&pool, Clock::fixed(at(8, 0))).await;
    let admin = signed_in(&app, ADMIN).await;
    let (url, heard, status) = receiver().await;
    add_endpoint(&app, &admin, &url, &["patient_created"]).await;
    let key = make_key(&app, &admin, "Marketing", "write").await;
    add_patient(&app, &key, "Ana", "ana.hooks@example.com").await;

    status.store(503, Ordering::SeqCst);
    let mut now = Utc::now();
    let first = deliver(&state, now).await;
    assert_eq!((first.sent, first.retrying, first.dead), (0, 1, 0));
    // Not again at once: the next try waits for its backoff.
    assert_eq!(deliver(&state, now).await.handled(), 0);
    let log = screen(&app, &admin).await;
    assert!(
        log.deliveries[0].status.starts_with("Retrying at"),
        "{:?}",
        log.deliveries[0]
    );
    let mut tries = 1;
    loop {
        now += Duration::days(1);
        let round = deliver(&state, now).await;
        assert_eq!(round.handled(), 1);
        tries += 1;
        if round.dead == 1 {
            break;
        }
        assert!(tries < 20, "never gave up");
    }
    assert_eq!(heard.lock().unwrap().len(), tries);
    let log = screen(&app, &admin).await;
    let dead = &log.deliveries[0];
    assert_eq!(dead.status, "Gave up");
    assert_eq!(dead.attempts.len(), tries);
    assert!(dead.attempts.iter().all(|a| a.response_status == Some(503)));
    assert_eq!(dead.attempts.last().unwrap().outcome, "Failed, gave up");
    assert!(dead.replayable);

    // The receiver is back: staff send it again, the same event with the same body.
    status.store(200, Ordering::SeqCst);
    let reply = post_as(
        &app,
        "admin/replay_webhook",
        Some(&admin),
        &form(&[("id", &dead.id)]),
    )
    .await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}",
        reply.body
    );
    let round = deliver(&state, Utc::now()).await;
    assert_eq!(round.sent, 1);
    let heard_now = heard.lock().unwrap().clone();
    assert_eq!(heard_now.last().unwrap().1, heard_now[0].1);
    let log = screen(&app, &admin).await;
    assert_eq!(log.deliveries[0].status, "Delivered");
    assert_eq!(log.deliveries[0].attempts.len(), tries + 1);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'replay' AND subject_type = 'webhook_delivery'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Removed: what was still waiting is given up, and nothing new is written for it.
    add_patient(&app, &key, "Ben", "ben.hooks@example.com").await;
    let endpoint = log.endpoints[0].id.clone();
    let reply = post_as(
        &app,
        "admin/remove_webhook",
        Some(&admin),
        &form(&[("id", &endpoint)]),
    )
    .await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}",
        reply.body
    );
    let round = deliver(&state, Utc::now()).await;
    assert_eq!((round.sent, round.dead), (0, 1));
    add_patient(&app, &key, "Cy", "cy.hooks@example.com").await;
    let log = screen(&app, &admin).await;
    assert_eq!(log.deliveries.len(), 2);
    // Nothing can be sent again to a removed endpoint.
    assert!(log.deliveries.iter().all(|d| !d.replayable), "{log:?}");
    assert_eq!(heard.lock().unwrap().len(), tries + 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn private_and_loopback_endpoints_are_refused_unless_the_operator_allows_them(pool: PgPool) {
    let (allowing, state) = clinic(&pool, Clock::fixed(at(8, 0))).await;
    let strict = AppState {
        webhooks: Webhooks::new(false),
        ..state.clone()
    };
    let app = lumen::http::router(strict.clone());
    let admin = signed_in(&app, ADMIN).await;
    for refused in [
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.0.0.5/hooks",
        "https://192.168.1.20/hooks",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://169.254.169.254/latest/meta-data",
        "http://93.184.216.34/hooks",
        "https://user:pass@93.184.216.34/hooks",
        "not an address",
    ] {
        let reply = post_as(
            &app,
            "admin/add_webhook",
            Some(&admin),
            &form(&[("form[url]", refused), ("form[patient_created]", "on")]),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{refused}: {}",
            reply.body
        );
        let problems = common::field_problems(&reply);
        assert_eq!(problems.len(), 1, "{refused}");
        assert_eq!(problems[0].field, "url");
    }
    assert_eq!(common::count_rows(&pool, "webhook_endpoints").await, 0);

    // Registered while the operator allowed it (or pointed there later by DNS): when
    // deliveries may not go there, the address check (a literal address), the resolver (a
    // name) and the scheme refuse at sending, and nothing reaches the receiver.
    let allowing_admin = signed_in(&allowing, ADMIN).await;
    // Cloud metadata answers on link-local addresses: never, whatever the operator allows.
    let metadata = form(&[
        ("form[url]", "http://169.254.169.254/latest/meta-data"),
        ("form[patient_created]", "on"),
    ]);
    let reply = post_as(
        &allowing,
        "admin/add_webhook",
        Some(&allowing_admin),
        &metadata,
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let (url, heard, _) = receiver().await;
    let literal = url.replace("http://", "https://");
    let by_name = literal.replace("127.0.0.1", "localhost");
    for endpoint in [&literal, &by_name, &url] {
        add_endpoint(&allowing, &allowing_admin, endpoint, &["patient_created"]).await;
    }
    let key = make_key(&allowing, &allowing_admin, "Marketing", "write").await;
    add_patient(&allowing, &key, "Ana", "ana.ssrf@example.com").await;
    let round = deliver(&strict, Utc::now()).await;
    assert_eq!((round.sent, round.dead), (0, 3));
    assert!(heard.lock().unwrap().is_empty());
    let mut errors: Vec<(String, String)> = screen(&app, &admin)
        .await
        .deliveries
        .into_iter()
        .map(|d| (d.url, d.attempts[0].error.clone().unwrap()))
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        [
            (url.clone(), "The address must start https://, so deliveries are encrypted.".to_owned()),
            (
                literal.clone(),
                "127.0.0.1 is not on the public internet; Lumen sends only to public addresses.".to_owned()
            ),
            (
                by_name.clone(),
                "localhost leads to an address that is not on the public internet; Lumen sends only to public addresses.".to_owned()
            ),
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_server_worker_sends_an_event_as_it_commits_and_counts_it(pool: PgPool) {
    use crate::metrics::{sample, scrape, TOKEN};
    let (app, state) = clinic(&pool, Clock::fixed(at(8, 0))).await;
    let app = app.merge(lumen::metrics::router(state.clone(), Some(TOKEN)));
    let admin = signed_in(&app, ADMIN).await;
    let (url, heard, _) = receiver().await;
    add_endpoint(&app, &admin, &url, &["patient_created"]).await;
    let key = make_key(&app, &admin, "Marketing", "write").await;
    let delivered = [r#"outcome="delivered""#];
    let before = sample(
        &scrape(&app, Some(TOKEN)).await.body,
        "lumen_webhook_deliveries_total",
        &delivered,
    );
    // Its next look is an hour away: only the outbox's announcement can bring it sooner.
    let worker =
        lumen::workers::deliver_webhooks(state.dispatcher(), std::time::Duration::from_secs(3600));
    // Let it start listening before the event is committed.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    add_patient(&app, &key, "Ana", "ana.worker@example.com").await;
    let started = std::time::Instant::now();
    while heard.lock().unwrap().is_empty() {
        assert!(started.elapsed().as_secs() < 10, "the worker never sent it");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The counter moves once the delivery is recorded, just after the receiver answers.
    let mut after = before;
    while after < before + 1.0 && started.elapsed().as_secs() < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let text = scrape(&app, Some(TOKEN)).await.body;
        after = sample(&text, "lumen_webhook_deliveries_total", &delivered);
    }
    worker.abort();
    assert!(after >= before + 1.0, "{before} → {after}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deposit_paid_and_refunded_is_told_as_payment_events(pool: PgPool) {
    use crate::common::FRONT_DESK;
    use crate::refunds::{paid_booking, until_refunds_are};
    let (app, stripe) = crate::stripe_checkout::paying_clinic(&pool, true).await;
    let admin = signed_in(&app, ADMIN).await;
    let (url, heard, _) = receiver().await;
    add_endpoint(
        &app,
        &admin,
        &url,
        &["payment_succeeded", "payment_refunded"],
    )
    .await;

    paid_booking(&app, &pool, &stripe).await;
    let (id, payment): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT appointment_id, id FROM payments")
            .fetch_one(&pool)
            .await
            .unwrap();
    let desk = signed_in(&app, FRONT_DESK).await;
    let by_clinic = format!("id={id}&form[by]=clinic&form[tell_patient]=on");
    let cancelled = post_as(&app, "admin/cancel_appointment", Some(&desk), &by_clinic).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    until_refunds_are(&pool, &[("cancelled_by_clinic", 5000, "succeeded")]).await;

    let dispatcher = app::backend::webhooks::Dispatcher {
        pool: pool.clone(),
        clinic_id: common::seeded_clinic_id(&pool).await,
        webhooks: Webhooks::new(true),
        secret_keys: common::secret_keys().into(),
    };
    let round = dispatcher.deliver_due(Utc::now(), 100).await.unwrap();
    assert_eq!(round.sent, 2);
    let events: Vec<Value> = heard
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| serde_json::from_str(body).unwrap())
        .collect();
    let of = |kind: &str| {
        events
            .iter()
            .find(|e| e["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {events:?}"))["data"]
            .clone()
    };
    let paid = of("payment.succeeded");
    assert_eq!(paid["payment_id"], payment.to_string());
    assert_eq!(paid["booking_id"], id.to_string());
    assert_eq!(
        (paid["amount_minor"].as_i64(), paid["currency"].as_str()),
        (Some(5000), Some("GBP"))
    );
    let refunded = of("payment.refunded");
    assert_eq!(refunded["payment_id"], payment.to_string());
    assert_eq!(refunded["amount_minor"], 5000);
    assert_eq!(refunded["reason"], "cancelled_by_clinic");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_place_at_a_group_session_is_told_as_a_booking_and_so_is_the_session_cancelled(
    pool: PgPool,
) {
    use crate::sessions::{first_session, seat_form};
    let (app, state) = clinic(&pool, Clock::fixed(at(8, 0))).await;
    let admin = signed_in(&app, ADMIN).await;
    let (url, heard, _) = receiver().await;
    add_endpoint(
        &app,
        &admin,
        &url,
        &["booking_created", "booking_cancelled"],
    )
    .await;
    let session = first_session(&pool).await;
    let seat = seat_form(session, "Freya", "freya.hooks@example.com");
    let booked = post_as(&app, "booking/book_seat", None, &seat).await;
    assert!(booked.status.is_success(), "{}", booked.body);
    let cancel = format!("id={session}&form[tell_patient]=on");
    let cancelled = post_as(&app, "admin/cancel_appointment", Some(&admin), &cancel).await;
    assert!(
        cancelled.headers.contains_key("location"),
        "{}",
        cancelled.body
    );

    assert_eq!(deliver(&state, Utc::now()).await.sent, 2);
    let events: Vec<Value> = heard
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| serde_json::from_str(body).unwrap())
        .collect();
    let mut types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    types.sort();
    assert_eq!(types, ["booking.cancelled", "booking.created"]);
    for event in &events {
        let data = &event["data"];
        assert_eq!(data["booking_id"], session.to_string());
        assert_eq!(data["group_session"], true);
        assert!(
            data["seat_id"].is_string() && data["patient_id"].is_string(),
            "{data}"
        );
        assert_eq!(data["seat_id"], events[0]["data"]["seat_id"]);
    }
}
