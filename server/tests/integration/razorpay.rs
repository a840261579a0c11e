//! Paying a deposit through Razorpay, through the real router and Lumen's Razorpay client
//! against the local stand-in, which signs the checkout's answer, the payment link's return
//! and its webhooks as Razorpay does. The clinic takes rupees here, so amounts are paise.

use crate::booking::{at, confirm, details, held_link, lewis, save_details, GUEST, MOLE_CHECK};
use crate::common::razorpay::{FakeRazorpay, KEY_ID, KEY_SECRET, WEBHOOK_SECRET};
use crate::common::{self, form, get, post_as, send, PUBLIC_URL};
use crate::refunds::until_refunds_are;
use crate::stripe_checkout::{app_with, clock, confirmations, status};
use app::backend::integrations::payments::razorpay_signature;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::Duration;
use serde_json::Value;
use sqlx::PgPool;

/// The demo clinic taking rupees through the stand-in; its mole check asks a ₹50 deposit.
/// With `webhooks`, the app also listens on a local port, where the stand-in sends them.
async fn razorpay_clinic(pool: &PgPool, webhooks: bool) -> (Router, FakeRazorpay) {
    let (listener, address) = common::listener().await;
    let hooks = format!("{address}/webhooks/razorpay");
    let razorpay = FakeRazorpay::start(webhooks.then_some(hooks.as_str()), clock().now());
    let app = app_with(pool, razorpay.payments()).await;
    sqlx::query("UPDATE clinics SET payment_processor = 'razorpay', currency = 'INR'")
        .execute(pool)
        .await
        .unwrap();
    common::serve(listener, app.clone());
    (app, razorpay)
}

/// Confirms the mole check at 10:00 on Tuesday: the order the pay page is for.
async fn confirm_to_pay(app: &Router, pool: &PgPool) -> String {
    let link = held_link(app, MOLE_CHECK, lewis(pool).await, at(10, 0)).await;
    save_details(app, &link, &details(GUEST)).await;
    let confirmed = confirm(app, &link).await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    let next = confirmed.headers["location"].to_str().unwrap();
    let prefix = format!("{PUBLIC_URL}/book/pay?order=");
    assert!(next.starts_with(&prefix), "{next}");
    next[prefix.len()..].to_owned()
}

/// Posts the checkout's answer as the pay page's script does.
async fn post_answer(app: &Router, order: &str, payment: &str, signature: &str) -> common::Reply {
    let body = form(&[
        ("razorpay_order_id", order),
        ("razorpay_payment_id", payment),
        ("razorpay_signature", signature),
    ]);
    send(
        app,
        Request::post("/book/pay/done")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", PUBLIC_URL)
            .header("host", PUBLIC_URL.trim_start_matches("https://"))
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Posts `body` to the webhook endpoint signed with `secret` (`None`: unsigned).
async fn webhook(app: &Router, id: &str, body: &str, secret: Option<&str>) -> StatusCode {
    let mut request = Request::post("/webhooks/razorpay")
        .header("content-type", "application/json")
        .header("x-razorpay-event-id", id);
    if let Some(secret) = secret {
        request = request.header(
            "x-razorpay-signature",
            razorpay_signature::sign(secret, body.as_bytes()),
        );
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap())
        .await
        .status
}

fn captured_event(order: &str, payment: &str) -> String {
    serde_json::json!({
        "entity": "event",
        "event": "payment.captured",
        "contains": ["payment"],
        "payload": {"payment": {"entity": {
            "id": payment, "entity": "payment", "amount": 5000, "currency": "INR",
            "status": "captured", "order_id": order, "notes": [],
        }}},
    })
    .to_string()
}

async fn paid_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM payments WHERE status = 'paid'")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn calls_to<'a>(requests: &'a [Value], path: &str) -> Vec<&'a Value> {
    requests.iter().filter(|r| r["path"] == path).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deposit_is_paid_in_razorpays_checkout_on_the_clinics_page_and_confirmed_once(
    pool: PgPool,
) {
    let (app, razorpay) = razorpay_clinic(&pool, true).await;
    let order = confirm_to_pay(&app, &pool).await;
    assert_eq!(status(&pool).await, "pending_payment");
    let requests = razorpay.requests().await;
    let opened = calls_to(&requests, "/v1/orders");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0]["body"]["amount"], 5000, "₹50 in paise");
    assert_eq!(opened[0]["body"]["currency"], "INR");
    assert_eq!(opened[0]["key_id"], KEY_ID);

    // The clinic's own page opens Razorpay's checkout for the order; its script and frame
    // are the only ones the page allows beside its own.
    let page = get(&app, &format!("/book/pay?order={order}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("data-order=\"{order}\"")));
    assert!(page.body.contains(&format!("data-key=\"{KEY_ID}\"")));
    assert!(page.body.contains(">Pay ₹50<"), "{}", page.body);
    assert!(!page.body.contains(KEY_SECRET));
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains(&format!("'wasm-unsafe-eval' {};", razorpay.url)),
        "{policy}"
    );
    assert!(
        policy.contains(&format!("frame-src 'self' {};", razorpay.url)),
        "{policy}"
    );

    // Razorpay's webhooks arrive before its answer reaches the page.
    let answer = razorpay.pay_order(&order).await;
    assert_eq!(status(&pool).await, "confirmed");
    assert_eq!(confirmations(&pool).await, 1);
    let back = post_answer(
        &app,
        &order,
        answer["razorpay_payment_id"].as_str().unwrap(),
        answer["razorpay_signature"].as_str().unwrap(),
    )
    .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(
        back.headers["location"],
        format!("/book/paid?session={order}").as_str()
    );
    let paid = get(&app, &format!("/book/paid?session={order}")).await;
    assert!(paid.body.contains("booked"), "{}", paid.body);

    // Each event five more times at once changes nothing and tells nobody again.
    let events = razorpay.events().await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["payment.captured", "order.paid"]);
    for event in &events {
        let statuses = razorpay.resend(event["id"].as_str().unwrap(), 5).await;
        assert_eq!(statuses, [200; 5]);
    }
    assert_eq!(confirmations(&pool).await, 1);
    assert_eq!(paid_count(&pool).await, 1);
    let stored: Option<String> = sqlx::query_scalar("SELECT payment_intent_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), answer["razorpay_payment_id"].as_str());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forged_checkout_answer_or_webhook_is_refused_and_changes_nothing(pool: PgPool) {
    let (app, razorpay) = razorpay_clinic(&pool, false).await;
    let order = confirm_to_pay(&app, &pool).await;
    let answer = razorpay.pay_order(&order).await;
    let payment = answer["razorpay_payment_id"].as_str().unwrap();

    let forged = razorpay_signature::sign_checkout("another_secret", &order, payment);
    assert_eq!(
        post_answer(&app, &order, payment, &forged).await.status,
        StatusCode::BAD_REQUEST
    );
    // Razorpay's genuine signature for another payment does not pay this order.
    let other = razorpay_signature::sign_checkout(KEY_SECRET, &order, "pay_someoneelse1");
    assert_eq!(
        post_answer(&app, &order, payment, &other).await.status,
        StatusCode::BAD_REQUEST
    );
    // An order Lumen never opened is nobody's.
    let unknown = razorpay_signature::sign_checkout(KEY_SECRET, "order_notlumens01", payment);
    assert_eq!(
        post_answer(&app, "order_notlumens01", payment, &unknown)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let event = captured_event(&order, payment);
    assert_eq!(
        webhook(&app, "evt_forged", &event, None).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        webhook(&app, "evt_forged", &event, Some("forged_secret")).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(status(&pool).await, "pending_payment");
    assert_eq!(paid_count(&pool).await, 0);
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM payment_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(recorded, 0, "a refused delivery is not even recorded");

    // The genuine webhook confirms; the genuine answer after it finds the work done.
    assert_eq!(
        webhook(&app, "evt_genuine", &event, Some(WEBHOOK_SECRET)).await,
        StatusCode::OK
    );
    assert_eq!(status(&pool).await, "confirmed");
    let back = post_answer(
        &app,
        &order,
        payment,
        answer["razorpay_signature"].as_str().unwrap(),
    )
    .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(confirmations(&pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn without_javascript_a_payment_link_takes_the_payment_and_its_signed_return_confirms(
    pool: PgPool,
) {
    let (app, razorpay) = razorpay_clinic(&pool, false).await;
    let order = confirm_to_pay(&app, &pool).await;
    let payment_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();

    let to_link = get(&app, &format!("/book/pay/link?order={order}")).await;
    assert_eq!(to_link.status, StatusCode::SEE_OTHER, "{}", to_link.body);
    let short_url = to_link.headers["location"].to_str().unwrap().to_owned();
    assert!(
        short_url.starts_with(&format!("{}/i/plink_", razorpay.url)),
        "{short_url}"
    );
    // Pressing it again (back, then the button) goes to the same link.
    let again = get(&app, &format!("/book/pay/link?order={order}")).await;
    assert_eq!(again.headers["location"], short_url.as_str());
    let requests = razorpay.requests().await;
    let made = calls_to(&requests, "/v1/payment_links");
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["body"]["reference_id"], payment_id.to_string());
    assert_eq!(made[0]["body"]["amount"], 5000);
    assert_eq!(
        made[0]["body"]["callback_url"],
        format!("{PUBLIC_URL}/book/pay/back")
    );
    assert_eq!(
        made[0]["body"]["expire_by"],
        (clock().now() + Duration::minutes(30)).timestamp(),
        "the link stops with the booking's wait"
    );

    let link = short_url.rsplit('/').next().unwrap();
    let callback = razorpay.pay_link(link).await;
    let back_path = callback.strip_prefix(PUBLIC_URL).unwrap().to_owned();
    // The same return with its status changed is not Razorpay's.
    let tampered = back_path.replace("status=paid", "status=partially_paid");
    assert_ne!(tampered, back_path);
    assert_eq!(get(&app, &tampered).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(status(&pool).await, "pending_payment");

    let back = get(&app, &back_path).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(
        back.headers["location"],
        format!("/book/paid?session={order}").as_str()
    );
    assert_eq!(status(&pool).await, "confirmed");
    assert_eq!(confirmations(&pool).await, 1);
    // Coming back twice (a reload) changes nothing.
    get(&app, &back_path).await;
    assert_eq!(confirmations(&pool).await, 1);
    assert_eq!(paid_count(&pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_goes_to_razorpay_once_with_its_idempotency_key(pool: PgPool) {
    let (app, razorpay) = razorpay_clinic(&pool, true).await;
    let order = confirm_to_pay(&app, &pool).await;
    let answer = razorpay.pay_order(&order).await;
    assert_eq!(status(&pool).await, "confirmed");
    let manage = common::token_in_email(&pool, GUEST, "booking_confirmed", "/booking/").await;

    // Cancelled in good time: the clinic refunds the deposit.
    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    until_refunds_are(&pool, &[("cancelled_in_time", 5000, "succeeded")]).await;
    let requests = razorpay.requests().await;
    let path = format!(
        "/v1/payments/{}/refund",
        answer["razorpay_payment_id"].as_str().unwrap()
    );
    let refunds = calls_to(&requests, &path);
    assert_eq!(refunds.len(), 1, "{requests:?}");
    assert_eq!(refunds[0]["body"]["amount"], 5000);
    assert!(refunds[0]["idempotency_key"]
        .as_str()
        .unwrap()
        .starts_with("lumen-refund-"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booking_paid_in_the_checkout_and_by_its_link_has_the_second_payment_refunded(
    pool: PgPool,
) {
    let (app, razorpay) = razorpay_clinic(&pool, true).await;
    let order = confirm_to_pay(&app, &pool).await;
    // The patient opened the payment link (no JavaScript), then paid in the checkout too.
    let to_link = get(&app, &format!("/book/pay/link?order={order}")).await;
    let short_url = to_link.headers["location"].to_str().unwrap().to_owned();
    razorpay.pay_order(&order).await;
    assert_eq!(status(&pool).await, "confirmed");

    let callback = razorpay
        .pay_link(short_url.rsplit('/').next().unwrap())
        .await;
    let second = callback
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("razorpay_payment_id="))
        .unwrap()
        .to_owned();
    until_refunds_are(&pool, &[("paid_twice", 5000, "succeeded")]).await;
    let requests = razorpay.requests().await;
    let refunded = calls_to(&requests, &format!("/v1/payments/{second}/refund"));
    assert_eq!(
        refunded.len(),
        1,
        "the second payment, in full: {requests:?}"
    );
    assert_eq!(refunded[0]["body"]["amount"], 5000);

    // Coming back from the link reports the same second payment again: nothing more.
    let back = get(&app, callback.strip_prefix(PUBLIC_URL).unwrap()).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    until_refunds_are(&pool, &[("paid_twice", 5000, "succeeded")]).await;
    assert_eq!(confirmations(&pool).await, 1);
    assert_eq!(paid_count(&pool).await, 2, "each payment once");
    let kept: String =
        sqlx::query_scalar("SELECT status FROM payments WHERE payment_intent_id = $1")
            .bind(&second)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        kept, "paid",
        "the second payment is on the books, with its refund"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_made_in_razorpays_dashboard_is_learnt_and_counted(pool: PgPool) {
    let (app, razorpay) = razorpay_clinic(&pool, true).await;
    let order = confirm_to_pay(&app, &pool).await;
    let answer = razorpay.pay_order(&order).await;
    let payment = answer["razorpay_payment_id"].as_str().unwrap();
    let manage = common::token_in_email(&pool, GUEST, "booking_confirmed", "/booking/").await;

    // The clinic returns ₹20 in Razorpay's own dashboard.
    let made = reqwest::Client::new()
        .post(format!("{}/v1/payments/{payment}/refund", razorpay.url))
        .basic_auth(KEY_ID, Some(KEY_SECRET))
        .header("X-Refund-Idempotency", "dashboard-refund-1")
        .json(&serde_json::json!({"amount": 2000}))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success());
    until_refunds_are(&pool, &[("at_processor", 2000, "succeeded")]).await;

    // Cancelled in good time, the patient gets back what is left, not the whole deposit.
    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    until_refunds_are(
        &pool,
        &[
            ("at_processor", 2000, "succeeded"),
            ("cancelled_in_time", 3000, "succeeded"),
        ],
    )
    .await;
}
