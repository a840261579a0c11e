//! Money staff take. Late-cancellation and no-show fees charged to the card a patient let
//! the clinic keep: through Lumen's own Stripe client against the local stand-in, which
//! saves the card at the checkout and checks the off-session charge (customer, card,
//! idempotency key), declining it as Stripe does when told to. Payments taken at the desk,
//! which balance the appointment's books. And the payments screen with each day's totals.

use crate::booking::GUEST;
use crate::common::stripe::{self, FakeStripe};
use crate::common::{self, app_error, emails_to, field_problems, post_as, signed_in, FRONT_DESK};
use crate::refunds::paid_booking;
use crate::stripe_checkout::paying_clinic;
use app::admin::calendar::types::AppointmentDetail;
use app::admin::payments::types::PaymentsPage;
use app::backend::charging::{self, Charged};
use app::error::AppError;
use axum::http::StatusCode;
use axum::Router;
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration as Wait;
use uuid::Uuid;

/// A clinic that keeps the card for fees, and a patient who paid the £50 deposit for the
/// mole check (26 hours away) and then phoned to cancel inside the 48-hour late window.
/// The appointment, and the front desk's cookie.
async fn late_cancellation(pool: &PgPool) -> (Router, FakeStripe, Uuid, String) {
    let (app, stripe) = paying_clinic(pool, true).await;
    sqlx::query("UPDATE clinics SET keep_card_on_file = true, late_cancel_hours = 48")
        .execute(pool)
        .await
        .unwrap();
    paid_booking(&app, pool, &stripe).await;
    let id: Uuid = sqlx::query_scalar("SELECT appointment_id FROM payments")
        .fetch_one(pool)
        .await
        .unwrap();
    let desk = signed_in(&app, FRONT_DESK).await;
    let cancelled = post_as(
        &app,
        "admin/cancel_appointment",
        Some(&desk),
        &format!("id={id}&form[by]=patient"),
    )
    .await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    (app, stripe, id, desk)
}

async fn charge_fee(app: &Router, cookie: &str, id: Uuid, amount: &str) -> common::Reply {
    post_as(
        app,
        "admin/charge_fee",
        Some(cookie),
        &format!("id={id}&form[amount]={amount}&form[note]=Phoned+an+hour+before"),
    )
    .await
}

async fn appointment_page(app: &Router, cookie: &str, id: Uuid) -> AppointmentDetail {
    let reply = post_as(app, "admin/appointment", Some(cookie), &format!("id={id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// The fees Lumen holds: (purpose, amount, status, failure), oldest first.
async fn fees(pool: &PgPool) -> Vec<(String, i64, String, Option<String>)> {
    sqlx::query_as(
        "SELECT purpose, amount_minor, status, failure FROM payments
         WHERE purpose <> 'booking' ORDER BY created_at",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn charge_calls(stripe: &FakeStripe) -> Vec<Value> {
    stripe
        .requests()
        .await
        .into_iter()
        .filter(|r| r["path"] == "/v1/payment_intents" && r["method"] == "POST")
        .collect()
}

fn receipts(emails: &[(String, String)]) -> Vec<&String> {
    emails
        .iter()
        .filter(|(kind, _)| kind == "payment_receipt")
        .map(|(_, body)| body)
        .collect()
}

/// Waits (up to five seconds) until Stripe's `kind` event about the charge has arrived and
/// been handled.
async fn until_handled(pool: &PgPool, kind: &str) {
    for _ in 0..100 {
        let handled: i64 =
            sqlx::query_scalar("SELECT count(*) FROM payment_events WHERE kind = $1")
                .bind(kind)
                .fetch_one(pool)
                .await
                .unwrap();
        if handled > 0 {
            return;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    panic!("Stripe's {kind} event was never handled");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_late_cancellation_fee_is_charged_to_the_kept_card_once_with_a_receipt(pool: PgPool) {
    let (app, stripe, id, desk) = late_cancellation(&pool).await;
    let checkout = stripe
        .requests()
        .await
        .into_iter()
        .find(|r| r["path"] == "/v1/checkout/sessions")
        .unwrap();
    assert_eq!(
        stripe::form_value(&checkout, "payment_intent_data[setup_future_usage]"),
        Some("off_session"),
        "the checkout kept the card"
    );
    let customer: String = sqlx::query_scalar("SELECT customer_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(customer.starts_with("cus_"), "{customer}");

    // Clinicians see the appointment but may not charge it.
    let provider = signed_in(&app, "amara@juniper-clinic.example").await;
    assert_eq!(appointment_page(&app, &provider, id).await.fee, None);
    let refused = charge_fee(&app, &provider, id, "25").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let page = appointment_page(&app, &desk, id).await;
    assert_eq!(page.fee.as_deref(), Some("Late-cancellation fee"));
    let unsaid = charge_fee(&app, &desk, id, "").await;
    assert_eq!(field_problems(&unsaid)[0].field, "amount");
    assert!(fees(&pool).await.is_empty(), "nothing stored");

    let charged = charge_fee(&app, &desk, id, "25").await;
    assert!(charged.status.is_success(), "{}", charged.body);
    assert_eq!(
        charged.headers["location"],
        format!("/admin/appointments/{id}?saved=fee_charged")
    );
    assert_eq!(
        fees(&pool).await,
        [("late_cancel_fee".to_owned(), 2500, "paid".to_owned(), None)]
    );
    let fee_id: Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE purpose <> 'booking'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let calls = charge_calls(&stripe).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call["idempotency_key"], format!("lumen-fee-{fee_id}"));
    for (name, value) in [
        ("amount", "2500"),
        ("currency", "gbp"),
        ("customer", customer.as_str()),
        ("off_session", "true"),
        ("confirm", "true"),
        ("metadata[payment_id]", fee_id.to_string().as_str()),
    ] {
        assert_eq!(stripe::form_value(call, name), Some(value), "{name}");
    }
    assert!(stripe::form_value(call, "payment_method")
        .unwrap()
        .starts_with("pm_"));
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'charged_fee' AND subject_id = $1
           AND actor_role = 'front_desk'",
    )
    .bind(fee_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Stripe's own event about the charge changes nothing more, and a second press is
    // refused: an appointment is charged one fee.
    until_handled(&pool, "payment_intent.succeeded").await;
    let again = charge_fee(&app, &desk, id, "25").await;
    assert!(
        matches!(app_error(&again), AppError::Invalid(m) if m.contains("charged already")),
        "{}",
        again.body
    );
    assert_eq!(charge_calls(&stripe).await.len(), 1);
    let emails = emails_to(&pool, GUEST).await;
    let receipts = receipts(&emails);
    assert_eq!(receipts.len(), 2, "the deposit's and the fee's: {emails:?}");
    // Both were made at the same moment of the tests' clock: found by what they say.
    let fee_receipt = receipts
        .iter()
        .find(|body| body.contains("Late-cancellation fee for Mole and skin check"))
        .unwrap_or_else(|| panic!("{receipts:?}"));
    assert!(fee_receipt.contains("£25"), "{fee_receipt}");
    assert!(
        !fee_receipt.contains("hour before"),
        "staff's note stays theirs"
    );

    let page = appointment_page(&app, &desk, id).await;
    assert_eq!(page.fee, None, "charged");
    let line = page.payments.last().unwrap();
    assert_eq!(line.amount, "£25");
    assert!(
        line.summary
            .starts_with("Late-cancellation fee: charged to the kept card"),
        "{}",
        line.summary
    );
    assert_eq!(line.note.as_deref(), Some("Phoned an hour before"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_declined_card_is_shown_in_stripes_words_and_nothing_is_marked_paid(pool: PgPool) {
    let (app, stripe, id, desk) = late_cancellation(&pool).await;
    let customer: String = sqlx::query_scalar("SELECT customer_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    stripe
        .decline_cards_of(&customer, "insufficient_funds")
        .await;

    let declined = charge_fee(&app, &desk, id, "25").await;
    match app_error(&declined) {
        AppError::Invalid(message) => assert_eq!(
            message,
            "The card was declined, and nothing was taken: Your card has insufficient funds. (insufficient funds)"
        ),
        other => panic!("{other:?}"),
    }
    until_handled(&pool, "payment_intent.payment_failed").await;
    assert_eq!(
        fees(&pool).await,
        [(
            "late_cancel_fee".to_owned(),
            2500,
            "failed".to_owned(),
            Some("Your card has insufficient funds. (insufficient funds)".to_owned())
        )]
    );
    assert_eq!(
        receipts(&emails_to(&pool, GUEST).await).len(),
        1,
        "only the deposit's"
    );
    let page = appointment_page(&app, &desk, id).await;
    let line = page.payments.last().unwrap();
    assert!(
        line.summary.contains("the card was declined") && line.summary.contains("insufficient"),
        "{}",
        line.summary
    );
    // A refused fee may be tried again (a new charge, with its own key).
    assert_eq!(page.fee.as_deref(), Some("Late-cancellation fee"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fee_stripe_did_not_answer_waits_and_charging_again_takes_it_once(pool: PgPool) {
    let (app, stripe, id, desk) = late_cancellation(&pool).await;
    // Stripe takes the money but the answer is lost, and its event is late.
    stripe.hold_events(true).await;
    stripe.drop_answer_to("/v1/payment_intents").await;
    let first = charge_fee(&app, &desk, id, "25").await;
    assert!(first.status.is_success(), "{}", first.body);
    assert_eq!(
        first.headers["location"],
        format!("/admin/appointments/{id}?saved=fee_waiting")
    );
    assert_eq!(fees(&pool).await[0].2, "open");
    let page = appointment_page(&app, &desk, id).await;
    assert!(
        page.payments
            .last()
            .unwrap()
            .summary
            .contains("waiting for Stripe"),
        "{:?}",
        page.payments
    );

    // Pressed again, even with another amount: the same request goes, and Stripe answers
    // it from its key.
    let second = charge_fee(&app, &desk, id, "30").await;
    assert!(second.status.is_success(), "{}", second.body);
    assert_eq!(
        second.headers["location"],
        format!("/admin/appointments/{id}?saved=fee_charged")
    );
    let calls = charge_calls(&stripe).await;
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["idempotency_key"], calls[1]["idempotency_key"]);
    assert_eq!(calls[1]["replayed"], true, "Stripe charged once");
    assert_eq!(
        fees(&pool).await,
        [("late_cancel_fee".to_owned(), 2500, "paid".to_owned(), None)]
    );

    // The late event changes nothing more.
    stripe.hold_events(false).await;
    for event in stripe.events().await {
        if event["type"] == "payment_intent.succeeded" {
            let statuses = stripe.resend(event["id"].as_str().unwrap(), 1).await;
            assert_eq!(statuses, [200]);
        }
    }
    assert_eq!(receipts(&emails_to(&pool, GUEST).await).len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn stripes_event_settles_a_fee_whose_answer_was_lost(pool: PgPool) {
    let (app, stripe, id, desk) = late_cancellation(&pool).await;
    stripe.drop_answer_to("/v1/payment_intents").await;
    let first = charge_fee(&app, &desk, id, "25").await;
    assert!(first.status.is_success(), "{}", first.body);
    // The payment_intent.succeeded event arrives on its own and settles it.
    until_handled(&pool, "payment_intent.succeeded").await;
    assert_eq!(
        fees(&pool).await,
        [("late_cancel_fee".to_owned(), 2500, "paid".to_owned(), None)]
    );
    assert_eq!(receipts(&emails_to(&pool, GUEST).await).len(), 2);
    let again = charge_fee(&app, &desk, id, "25").await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    assert_eq!(charge_calls(&stripe).await.len(), 1);
}

async fn take_payment(
    app: &Router,
    cookie: &str,
    id: Uuid,
    amount: &str,
    method: &str,
) -> common::Reply {
    post_as(
        app,
        "admin/take_payment",
        Some(cookie),
        &format!("id={id}&form[amount]={amount}&form[method]={method}"),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn money_taken_at_the_desk_balances_the_appointment_and_is_receipted(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    paid_booking(&app, &pool, &stripe).await;
    let id: Uuid = sqlx::query_scalar("SELECT appointment_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();

    let provider = signed_in(&app, "amara@juniper-clinic.example").await;
    assert!(!appointment_page(&app, &provider, id).await.may_take_payment);
    let refused = take_payment(&app, &provider, id, "150", "cash").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let desk = signed_in(&app, FRONT_DESK).await;
    let page = appointment_page(&app, &desk, id).await;
    assert!(page.may_take_payment);
    let balance = page.balance.unwrap();
    assert_eq!(
        (
            balance.price.as_str(),
            balance.paid.as_str(),
            balance.refunded.as_str(),
            balance.left_to_pay.as_str(),
            balance.left_to_pay_typed.as_deref()
        ),
        ("£200", "£50", "£0", "£150", Some("150.00"))
    );

    let unsaid = take_payment(&app, &desk, id, "", "cheque").await;
    let fields: Vec<String> = field_problems(&unsaid)
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(fields, ["amount", "method"]);

    let taken = take_payment(&app, &desk, id, "150", "card_terminal").await;
    assert!(taken.status.is_success(), "{}", taken.body);
    assert_eq!(
        taken.headers["location"],
        format!("/admin/appointments/{id}?saved=paid_at_desk")
    );
    let page = appointment_page(&app, &desk, id).await;
    let balance = page.balance.unwrap();
    assert_eq!(
        (balance.paid.as_str(), balance.left_to_pay.as_str()),
        ("£200", "£0")
    );
    assert_eq!(balance.left_to_pay_typed, None, "nothing to fill in");
    let line = page.payments.last().unwrap();
    assert_eq!(line.amount, "£150");
    assert!(
        line.summary
            .starts_with("Paid at the desk: Card, on the clinic's terminal"),
        "{}",
        line.summary
    );
    assert_eq!(
        line.left, None,
        "handed back at the desk, not through Stripe"
    );
    let payment: Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE purpose = 'at_desk'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'took_payment' AND subject_id = $1",
    )
    .bind(payment)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    let emails = emails_to(&pool, GUEST).await;
    let receipts = receipts(&emails);
    assert_eq!(receipts.len(), 2, "{emails:?}");
    assert!(
        receipts.iter().any(|body| body.contains("£150")),
        "{receipts:?}"
    );
    // Stripe heard nothing of it.
    assert!(charge_calls(&stripe).await.is_empty());

    // A cancelled appointment takes no money at the desk.
    let cancelled = post_as(
        &app,
        "admin/cancel_appointment",
        Some(&desk),
        &format!("id={id}&form[by]=clinic"),
    )
    .await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    let late = take_payment(&app, &desk, id, "10", "cash").await;
    assert!(
        matches!(app_error(&late), AppError::Invalid(_)),
        "{}",
        late.body
    );
    assert!(!appointment_page(&app, &desk, id).await.may_take_payment);
}

async fn payments_screen(app: &Router, cookie: &str, filter: &str) -> PaymentsPage {
    let reply = post_as(app, "admin/payments", Some(cookie), filter).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_payments_screen_lists_each_payment_and_each_days_money(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    paid_booking(&app, &pool, &stripe).await;
    let id: Uuid = sqlx::query_scalar("SELECT appointment_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let desk = signed_in(&app, FRONT_DESK).await;
    let taken = take_payment(&app, &desk, id, "150", "cash").await;
    assert!(taken.status.is_success(), "{}", taken.body);
    let deposit: Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE purpose = 'booking'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let refunded = post_as(
        &app,
        "admin/refund_payment",
        Some(&desk),
        &format!("id={id}&form[payment]={deposit}&form[amount]=20&form[note]=Goodwill"),
    )
    .await;
    assert!(refunded.status.is_success(), "{}", refunded.body);
    crate::refunds::until_refunds_are(&pool, &[("staff", 2000, "succeeded")]).await;

    // No range: the last week, up to the clinic's today (Monday 16 March).
    let page = payments_screen(&app, &desk, "").await;
    assert!(page.problems.is_empty(), "{:?}", page.problems);
    assert_eq!(
        (page.filter.from.as_str(), page.filter.to.as_str()),
        ("2026-03-10", "2026-03-16")
    );
    let rows: Vec<(&str, &str, &str, Option<&str>)> = page
        .rows
        .iter()
        .map(|r| {
            (
                r.what.as_str(),
                r.method.as_str(),
                r.amount.as_str(),
                r.refunded.as_deref(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.contains(&(
        "Paid when booking",
        "Card, through Stripe",
        "£50",
        Some("£20")
    )));
    assert!(rows.contains(&("Paid at the desk", "Cash", "£150", None)));
    let online = page
        .rows
        .iter()
        .find(|r| r.method == "Card, through Stripe")
        .unwrap();
    let intent: String = sqlx::query_scalar("SELECT payment_intent_id FROM payments WHERE id = $1")
        .bind(deposit)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        online.dashboard_href.as_deref(),
        Some(format!("https://dashboard.stripe.com/test/payments/{intent}").as_str())
    );
    assert_eq!(online.appointment_href, format!("/admin/appointments/{id}"));
    let days: Vec<(&str, &str, &str, &str)> = page
        .days
        .iter()
        .chain(page.total.iter())
        .map(|d| {
            (
                d.day.as_str(),
                d.taken.as_str(),
                d.refunded.as_str(),
                d.net.as_str(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("Mon 16 Mar", "£200", "£20", "£180"),
            ("Total", "£200", "£20", "£180")
        ]
    );

    // Filtered: cash only; a range before any payment; and filters that cannot be read.
    let cash = payments_screen(&app, &desk, "filter[method]=cash").await;
    assert_eq!(cash.rows.len(), 1);
    assert_eq!(cash.total.unwrap().taken, "£150");
    let earlier =
        payments_screen(&app, &desk, "filter[from]=2026-03-01&filter[to]=2026-03-15").await;
    assert!(earlier.rows.is_empty() && earlier.days.is_empty());
    let bad = payments_screen(&app, &desk, "filter[from]=yesterday&filter[status]=stolen").await;
    let fields: Vec<&str> = bad.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["from", "status"]);
    assert_eq!(bad.filter.from, "yesterday", "what was typed is kept");
    assert!(bad.rows.is_empty());
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'read' AND subject_type = 'payments'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fee_left_waiting_is_charged_again_by_the_retry_round_once(pool: PgPool) {
    let (app, stripe, id, desk) = late_cancellation(&pool).await;
    stripe.hold_events(true).await;
    stripe.drop_answer_to("/v1/payment_intents").await;
    let first = charge_fee(&app, &desk, id, "25").await;
    assert!(first.status.is_success(), "{}", first.body);
    assert_eq!(fees(&pool).await[0].2, "open");
    let clinic = common::seeded_clinic_id(&pool).await;
    let now = crate::stripe_checkout::clock().now();

    // Too soon: the press beside it may still be waiting for its answer.
    let soon = charging::charge_waiting(&pool, clinic, &stripe.payments(), now)
        .await
        .unwrap();
    assert!(soon.is_empty(), "{soon:?}");
    let later = now + chrono::Duration::minutes(2);
    let again = charging::charge_waiting(&pool, clinic, &stripe.payments(), later)
        .await
        .unwrap();
    assert_eq!(again, [Charged::Paid]);
    let calls = charge_calls(&stripe).await;
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["idempotency_key"], calls[1]["idempotency_key"]);
    assert_eq!(calls[1]["replayed"], true, "Stripe charged once");
    assert_eq!(fees(&pool).await[0].2, "paid");
    // Nothing is left waiting.
    let none = charging::charge_waiting(&pool, clinic, &stripe.payments(), later)
        .await
        .unwrap();
    assert!(none.is_empty());
}
