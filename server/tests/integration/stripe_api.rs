//! Lumen's Stripe client against the local stand-in, which checks what Stripe checks: the
//! key, Stripe's nested form encoding, and idempotency keys (a repeat replays the first
//! answer; the same key with other parameters is refused).

use crate::common::stripe::{form_value, FakeStripe};
use app::backend::integrations::payments::stripe::{NewCheckout, StripeError};
use app::domain::money::Currency;
use chrono::{DateTime, Duration, Utc};
use std::sync::OnceLock;

/// One expiry for every checkout these tests open: a request sent again must be the same
/// request, even when a second ticks over between the two. The stand-in checks it against
/// its own clock, as Stripe does (30 minutes to a day ahead); an hour leaves the test run
/// half an hour.
fn expiry() -> DateTime<Utc> {
    static AT: OnceLock<DateTime<Utc>> = OnceLock::new();
    *AT.get_or_init(|| Utc::now() + Duration::minutes(60))
}

fn checkout(amount_minor: i64) -> NewCheckout<'static> {
    NewCheckout {
        amount_minor,
        currency: Currency::GBP,
        description: "Deposit: HydraFacial, Tuesday 17 March at 10:00",
        customer_email: Some("ana.ruiz@example.com"),
        success_url: "https://clinic.example/book/paid?session={CHECKOUT_SESSION_ID}",
        cancel_url: "https://clinic.example/book/review?hold=abc",
        expires_at: expiry(),
        payment_id: "0b5d9c43-55e1-4d71-8a3e-5a4f7f0c2d11",
        keep_card: true,
    }
}

#[tokio::test]
async fn a_checkout_session_is_created_with_stripes_nested_parameters_and_a_key() {
    let stripe = FakeStripe::start(None);
    let session = stripe
        .client()
        .create_checkout("checkout-1", &checkout(3_000))
        .await
        .unwrap();
    assert!(session.id.starts_with("cs_test_"));
    assert_eq!(session.status.as_deref(), Some("open"));
    assert!(!session.is_paid());
    assert_eq!(session.amount_total, Some(3_000));
    assert_eq!(
        session.url.as_deref(),
        Some(format!("{}/pay/{}", stripe.url, session.id).as_str())
    );

    let requests = stripe.requests().await;
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent["idempotency_key"], "checkout-1");
    for (name, value) in [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "gbp"),
        ("line_items[0][price_data][unit_amount]", "3000"),
        ("line_items[0][quantity]", "1"),
        (
            "client_reference_id",
            "0b5d9c43-55e1-4d71-8a3e-5a4f7f0c2d11",
        ),
        ("payment_intent_data[setup_future_usage]", "off_session"),
        ("customer_email", "ana.ruiz@example.com"),
    ] {
        assert_eq!(form_value(sent, name), Some(value), "{name}");
    }

    let fetched = stripe.client().checkout_session(&session.id).await.unwrap();
    assert_eq!(fetched, session);
}

#[tokio::test]
async fn a_repeated_key_replays_the_first_answer_and_other_parameters_are_refused() {
    let stripe = FakeStripe::start(None);
    let client = stripe.client();
    let first = client
        .create_checkout("checkout-2", &checkout(3_000))
        .await
        .unwrap();
    let again = client
        .create_checkout("checkout-2", &checkout(3_000))
        .await
        .unwrap();
    assert_eq!(again.id, first.id, "one session, not two");

    let changed = client
        .create_checkout("checkout-2", &checkout(9_000))
        .await
        .unwrap_err();
    match changed {
        StripeError::Refused { status, kind, .. } => {
            assert_eq!((status, kind.as_str()), (400, "idempotency_error"))
        }
        other => panic!("expected Stripe's idempotency error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_retry_after_an_unanswered_request_finds_the_session_made_the_first_time() {
    let stripe = FakeStripe::start(None);
    let client = stripe.client();
    stripe.drop_answers(1).await;
    let lost = client
        .create_checkout("checkout-3", &checkout(3_000))
        .await
        .unwrap_err();
    assert!(matches!(lost, StripeError::Unavailable(_)), "{lost:?}");

    let retried = client
        .create_checkout("checkout-3", &checkout(3_000))
        .await
        .unwrap();
    // The stand-in made the session on the first attempt; the retry is answered with it.
    let requests = stripe.requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0]["replayed"], false);
    assert_eq!(
        requests[1]["replayed"], true,
        "the retry made no second session"
    );
    assert!(client.checkout_session(&retried.id).await.is_ok());
}

#[tokio::test]
async fn stripe_refuses_a_wrong_key_and_a_session_outside_its_expiry_window() {
    let stripe = FakeStripe::start(None);
    let refused = stripe
        .client_with_key("sk_test_wrong")
        .create_checkout("checkout-4", &checkout(3_000))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, StripeError::Refused { status: 401, .. }),
        "{refused:?}"
    );
    assert!(!refused.to_string().contains("sk_test_wrong"));

    let too_soon = NewCheckout {
        expires_at: Utc::now() + Duration::minutes(5),
        ..checkout(3_000)
    };
    let refused = stripe
        .client()
        .create_checkout("checkout-5", &too_soon)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, StripeError::Refused { status: 400, message, .. } if message.contains("expires_at")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_hosted_page_takes_the_payment_and_returns_to_the_clinic() {
    let stripe = FakeStripe::start(None);
    let client = stripe.client();
    let session = client
        .create_checkout("checkout-6", &checkout(3_000))
        .await
        .unwrap();
    let url = session.url.clone().unwrap();
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains("Deposit: HydraFacial"));
    assert!(
        page.contains("saved for future payments"),
        "told before paying"
    );

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let paid = no_redirects
        .post(&url)
        .form(&[("card", "4242424242424242")])
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 303);
    assert_eq!(
        paid.headers()["location"],
        format!("https://clinic.example/book/paid?session={}", session.id).as_str()
    );
    let now = client.checkout_session(&session.id).await.unwrap();
    assert!(now.is_paid());
    assert!(now.payment_intent.unwrap().starts_with("pi_"));
    assert!(now.customer.is_some(), "the card was kept for a customer");
}
