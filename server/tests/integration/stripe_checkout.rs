//! Paying a deposit while booking, through the real router and Lumen's Stripe client against
//! the local stand-in, which serves the checkout page and signs its webhooks as Stripe does.
//! The server's clock is fixed at 08:00 on the demo's Monday and the stand-in's starts there.

use crate::booking::{at, confirm, details, held_link, lewis, save_details, GUEST, MOLE_CHECK};
use crate::common::stripe::{FakeStripe, SECRET_KEY, WEBHOOK_SECRET};
use crate::common::{self, emails_to, form, get, post_as, send};
use app::backend::integrations::messaging::Messaging;
use app::backend::integrations::payments::stripe_signature;
use app::backend::integrations::payments::{Payments, Stripe, StripeConfig};
use app::backend::state::Clock;
use app::booking::types::HeldBooking;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{Duration, TimeZone, Utc};
use sqlx::PgPool;

pub(crate) fn clock() -> Clock {
    Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap())
}

/// The demo clinic taking payments through the stand-in; its mole check asks a £50 deposit.
/// The app also listens on a local port, where the stand-in sends its webhooks.
pub(crate) async fn paying_clinic(pool: &PgPool, webhooks: bool) -> (Router, FakeStripe) {
    let (listener, address) = common::listener().await;
    let hooks = format!("{address}/webhooks/stripe");
    let stripe = FakeStripe::start_at(webhooks.then_some(hooks.as_str()), Some(clock().now()));
    let app = app_with(pool, stripe.payments()).await;
    common::serve(listener, app.clone());
    (app, stripe)
}

pub(crate) async fn app_with(pool: &PgPool, payments: Payments) -> Router {
    let (app, _) = common::app_with_payments(
        pool,
        clock(),
        common::media(),
        Messaging::development(),
        payments,
    )
    .await;
    sqlx::query("UPDATE clinics SET payment_processor = 'stripe'")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE treatments SET payment_rule = 'deposit', deposit_minor = 5000
         WHERE slug = 'mole-check'",
    )
    .execute(pool)
    .await
    .unwrap();
    app
}

/// Holds the mole check at 10:00 on Tuesday, fills in the details and confirms: the
/// hold's link and where confirming sent the patient.
pub(crate) async fn confirm_with_deposit(app: &Router, pool: &PgPool) -> (String, String) {
    let link = held_link(app, MOLE_CHECK, lewis(pool).await, at(10, 0)).await;
    let saved = save_details(app, &link, &details(GUEST)).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let confirmed = confirm(app, &link).await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    let next = confirmed.headers["location"].to_str().unwrap().to_owned();
    (link, next)
}

/// The status of the booking the payment is for.
pub(crate) async fn status(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "SELECT a.status::text FROM appointments a JOIN payments p ON p.appointment_id = a.id",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

pub(crate) async fn confirmations(pool: &PgPool) -> usize {
    emails_to(pool, GUEST)
        .await
        .iter()
        .filter(|(kind, _)| kind == "booking_confirmed")
        .count()
}

pub(crate) fn session_in(return_url: &str) -> String {
    let prefix = format!("{}/book/paid?session=", common::PUBLIC_URL);
    assert!(return_url.starts_with(&prefix), "{return_url}");
    return_url[prefix.len()..].to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deposit_is_paid_at_the_checkout_and_the_booking_confirmed_once(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    let link = held_link(&app, MOLE_CHECK, lewis(&pool).await, at(10, 0)).await;
    save_details(&app, &link, &details(GUEST)).await;
    let held = post_as(&app, "booking/held", None, &form(&[("hold", &link)])).await;
    let held: HeldBooking = serde_json::from_str(&held.body).unwrap();
    assert_eq!(
        held.pay_now.as_deref(),
        Some("£50 deposit when you book, part of the price")
    );

    let confirmed = confirm(&app, &link).await;
    let checkout = confirmed.headers["location"].to_str().unwrap().to_owned();
    assert!(
        checkout.starts_with(&format!("{}/pay/cs_test_", stripe.url)),
        "{checkout}"
    );
    // Waiting for the money: the time is kept, nothing is confirmed, nobody is told yet.
    assert_eq!(status(&pool).await, "pending_payment");
    assert_eq!(confirmations(&pool).await, 0);
    let requests = stripe.requests().await;
    let sent = &requests[0];
    let field = |name: &str| {
        sent["form"]
            .as_array()
            .unwrap()
            .iter()
            .find(|pair| pair[0] == name)
            .map(|pair| pair[1].as_str().unwrap().to_owned())
    };
    assert!(sent["idempotency_key"]
        .as_str()
        .unwrap()
        .starts_with("lumen-checkout-"));
    assert_eq!(
        field("line_items[0][price_data][unit_amount]").as_deref(),
        Some("5000")
    );
    assert_eq!(
        field("expires_at"),
        Some(
            (clock().now() + Duration::minutes(30))
                .timestamp()
                .to_string()
        ),
        "the checkout expires when the booking stops waiting"
    );

    // The stand-in sends its webhook before sending the patient back.
    let back = stripe.pay(&checkout).await;
    let session = session_in(&back);
    assert_eq!(status(&pool).await, "confirmed");
    assert_eq!(confirmations(&pool).await, 1);
    let page = get(&app, &format!("/book/paid?session={session}")).await;
    assert!(
        page.body.contains("You&#x27;re booked") || page.body.contains("You're booked"),
        "{}",
        page.body
    );

    // The same event five more times at once changes nothing and tells nobody again.
    let events = stripe.events().await;
    assert_eq!(events.len(), 1);
    let statuses = stripe.resend(events[0]["id"].as_str().unwrap(), 5).await;
    assert_eq!(statuses, [200; 5]);
    assert_eq!(confirmations(&pool).await, 1);
    let paid: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE status = 'paid'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(paid, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn back_before_the_webhook_the_booking_is_confirmed_from_stripes_own_word(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, false).await;
    let (_, checkout) = confirm_with_deposit(&app, &pool).await;
    let back = stripe.pay(&checkout).await;
    assert_eq!(status(&pool).await, "pending_payment", "no webhook yet");

    let session = session_in(&back);
    let page = get(&app, &format!("/book/paid?session={session}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(status(&pool).await, "confirmed");
    assert_eq!(confirmations(&pool).await, 1);

    // The webhook, late, finds the work done.
    let reply = webhook(
        &app,
        &completed_event("evt_late", &session),
        Some(WEBHOOK_SECRET),
        0,
    )
    .await;
    assert_eq!(reply, StatusCode::OK);
    assert_eq!(confirmations(&pool).await, 1);
}

pub(crate) fn completed_event(id: &str, session: &str) -> String {
    serde_json::json!({
        "id": id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": {
            "id": session,
            "object": "checkout.session",
            "payment_status": "paid",
            "status": "complete",
            "payment_intent": "pi_test_late",
        }},
    })
    .to_string()
}

/// Posts `body` to the webhook endpoint signed with `secret` (`None`: unsigned),
/// `seconds_ago` before the server's now.
pub(crate) async fn webhook(
    app: &Router,
    body: &str,
    secret: Option<&str>,
    seconds_ago: i64,
) -> StatusCode {
    let mut request = Request::post("/webhooks/stripe").header("content-type", "application/json");
    if let Some(secret) = secret {
        let signed_at = clock().now().timestamp() - seconds_ago;
        request = request.header(
            "stripe-signature",
            stripe_signature::header(secret, signed_at, body.as_bytes()),
        );
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap())
        .await
        .status
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unsigned_forged_or_stale_webhook_is_refused_and_changes_nothing(pool: PgPool) {
    // The endpoint accepts the new secret and the old one while it is rotated.
    let stripe = FakeStripe::start_at(None, Some(clock().now()));
    let rotated = Payments::default().with_stripe(Stripe::new(StripeConfig {
        api: stripe.url.clone(),
        secret_key: SECRET_KEY.to_owned(),
        webhook_secrets: vec!["whsec_new_secret".to_owned(), WEBHOOK_SECRET.to_owned()],
    }));
    let app = app_with(&pool, rotated).await;
    let (_, checkout) = confirm_with_deposit(&app, &pool).await;
    let session = session_in(&stripe.pay(&checkout).await);
    let event = completed_event("evt_1", &session);

    assert_eq!(
        webhook(&app, &event, None, 0).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        webhook(&app, &event, Some("whsec_forged"), 0).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        webhook(&app, &event, Some(WEBHOOK_SECRET), 301).await,
        StatusCode::BAD_REQUEST,
        "older than five minutes"
    );
    // A body changed after signing.
    let signed_at = clock().now().timestamp();
    let altered = send(
        &app,
        Request::post("/webhooks/stripe")
            .header(
                "stripe-signature",
                stripe_signature::header(WEBHOOK_SECRET, signed_at, event.as_bytes()),
            )
            .body(Body::from(event.replace("pi_test_late", "pi_test_other")))
            .unwrap(),
    )
    .await;
    assert_eq!(altered.status, StatusCode::BAD_REQUEST);
    assert_eq!(status(&pool).await, "pending_payment");
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM payment_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(recorded, 0);

    // Two v1 values, the first from a secret this endpoint no longer has, the second from
    // the old one it still accepts.
    let header = format!(
        "{},{}",
        stripe_signature::header("whsec_retired", signed_at, event.as_bytes()),
        stripe_signature::header(WEBHOOK_SECRET, signed_at, event.as_bytes())
            .split(',')
            .nth(1)
            .unwrap()
    );
    let accepted = send(
        &app,
        Request::post("/webhooks/stripe")
            .header("stripe-signature", header)
            .body(Body::from(event.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK);
    assert_eq!(status(&pool).await, "confirmed");
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_at_the_checkout_comes_back_with_the_time_held_and_the_details_kept(
    pool: PgPool,
) {
    let (app, stripe) = paying_clinic(&pool, false).await;
    let (link, checkout) = confirm_with_deposit(&app, &pool).await;
    let page = reqwest::get(&checkout).await.unwrap().text().await.unwrap();
    let cancel = format!("{}/book/review?hold={link}", common::PUBLIC_URL);
    assert!(page.contains(&cancel), "the checkout's way back: {page}");

    let review = get(&app, &format!("/book/review?hold={link}")).await;
    assert!(review.body.contains("ana.ruiz@example.com"), "details kept");
    assert!(review.body.contains("Confirm and pay"));
    assert_eq!(status(&pool).await, "pending_payment");

    // Confirming again goes back to the same checkout: no second session.
    let again = confirm(&app, &link).await;
    assert_eq!(again.headers["location"].to_str().unwrap(), checkout);
    let posts = stripe
        .requests()
        .await
        .iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unpaid_booking_is_released_at_its_limit_and_a_late_payment_books_nothing(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    let (_, checkout) = confirm_with_deposit(&app, &pool).await;
    let clinic = common::seeded_clinic_id(&pool).await;
    let released = app::backend::store::booking::release_expired_holds(
        &pool,
        clinic,
        clock().now() + Duration::minutes(31),
    )
    .await
    .unwrap();
    assert_eq!(released, 1);
    assert_eq!(status(&pool).await, "cancelled");
    let payment: String = sqlx::query_scalar("SELECT status FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(payment, "expired");
    // The time is bookable again.
    held_link(&app, MOLE_CHECK, lewis(&pool).await, at(10, 0)).await;

    // A payment that still goes through books nothing and says so.
    let back = stripe.pay(&checkout).await;
    assert_eq!(confirmations(&pool).await, 0);
    let page = get(&app, &format!("/book/paid?session={}", session_in(&back))).await;
    assert!(
        page.body.contains("Your payment arrived too late"),
        "{}",
        page.body
    );
}
