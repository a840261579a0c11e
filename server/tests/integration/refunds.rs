//! Money going back: a payment that arrives after its booking was released, a booking
//! cancelled in time or by the clinic, refunds made in Stripe's dashboard, and retries that
//! never refund twice. Lumen's own Stripe client talks to the local stand-in, which checks
//! every refund against what is left of its payment and sends the webhooks Stripe sends.

use crate::booking::{at, details, held_link, lewis, GUEST, MOLE_CHECK};
use crate::common::stripe::{self, FakeStripe};
use crate::common::{
    self, emails_to, field_problems, form, get, post_as, signed_in, ADMIN, FRONT_DESK, PATIENT,
};
use crate::stripe_checkout::{
    clock, completed_event, confirm_with_deposit, paying_clinic, session_in, status, webhook,
};
use app::account::receipts::ReceiptView;
use app::account::types::MyAccount;
use app::admin::calendar::types::AppointmentDetail;
use app::backend::refunding;
use app::backend::store::refunds::{self, Asked, NotRequested};
use app::domain::refunds::{RefundReason, RefundRefused};
use axum::http::StatusCode;
use axum::Router;
use chrono::Duration;
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration as Wait;
use uuid::Uuid;

/// Every refund Lumen holds: (reason, amount, status), oldest first, and (the tests' clock
/// being fixed) by reason and amount among those made at the same moment.
async fn refunds(pool: &PgPool) -> Vec<(String, i64, String)> {
    sqlx::query_as("SELECT reason, amount_minor, status FROM refunds ORDER BY created_at, reason, amount_minor")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Waits (up to five seconds) for the refunds sent beside a request to be answered.
pub(crate) async fn until_refunds_are(pool: &PgPool, wanted: &[(&str, i64, &str)]) {
    let wanted: Vec<(String, i64, String)> = wanted
        .iter()
        .map(|(r, a, s)| (r.to_string(), *a, s.to_string()))
        .collect();
    for _ in 0..100 {
        if refunds(pool).await == wanted {
            return;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    assert_eq!(refunds(pool).await, wanted);
}

/// The refund calls the stand-in received.
async fn refund_calls(stripe: &FakeStripe) -> Vec<Value> {
    stripe
        .requests()
        .await
        .into_iter()
        .filter(|r| r["path"] == "/v1/refunds")
        .collect()
}

fn form_value<'a>(call: &'a Value, name: &str) -> &'a str {
    stripe::form_value(call, name).unwrap_or_else(|| panic!("{name} in {call}"))
}

fn refund_emails(emails: &[(String, String)]) -> Vec<&String> {
    emails
        .iter()
        .filter(|(kind, _)| kind == "payment_refunded")
        .map(|(_, body)| body)
        .collect()
}

/// Books the mole check at 10:00 on Tuesday and pays its £50 deposit at the checkout;
/// the webhook confirms it. The manage link from the confirmation.
pub(crate) async fn paid_booking(app: &Router, pool: &PgPool, stripe: &FakeStripe) -> String {
    let (_, checkout) = confirm_with_deposit(app, pool).await;
    stripe.pay(&checkout).await;
    assert_eq!(status(pool).await, "confirmed");
    common::token_in_email(pool, GUEST, "booking_confirmed", "/booking/").await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_payment_after_release_is_refunded_in_full_and_the_patient_told(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    let (_, checkout) = confirm_with_deposit(&app, &pool).await;
    let clinic = common::seeded_clinic_id(&pool).await;
    app::backend::store::booking::release_expired_holds(
        &pool,
        clinic,
        clock().now() + Duration::minutes(31),
    )
    .await
    .unwrap();
    // Someone else takes the time meanwhile.
    held_link(&app, MOLE_CHECK, lewis(&pool).await, at(10, 0)).await;

    let back = stripe.pay(&checkout).await;
    until_refunds_are(&pool, &[("paid_late", 5000, "succeeded")]).await;
    let calls = refund_calls(&stripe).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let refund_id: Uuid = sqlx::query_scalar("SELECT id FROM refunds")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        calls[0]["idempotency_key"],
        format!("lumen-refund-{refund_id}")
    );
    assert_eq!(form_value(&calls[0], "amount"), "5000");
    assert_eq!(
        form_value(&calls[0], "metadata[refund_id]"),
        refund_id.to_string()
    );
    let paid_intent: String = sqlx::query_scalar("SELECT payment_intent_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(form_value(&calls[0], "payment_intent"), paid_intent);

    // Told once, though Stripe's own refund events arrive too.
    let emails = emails_to(&pool, GUEST).await;
    let told = refund_emails(&emails);
    assert_eq!(told.len(), 1, "{emails:?}");
    assert!(
        told[0].contains("refunded £50 for your Mole and skin check"),
        "{}",
        told[0]
    );
    assert!(told[0].contains("released"), "{}", told[0]);
    assert!(!emails.iter().any(|(kind, _)| kind == "booking_confirmed"));

    let page = get(&app, &format!("/book/paid?session={}", session_in(&back))).await;
    assert!(
        page.body.contains("We are refunding it in full"),
        "{}",
        page.body
    );
    // Coming back to that page sends nothing more.
    assert_eq!(refund_calls(&stripe).await.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_whose_answer_was_lost_is_sent_again_with_its_key_and_made_once(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, false).await;
    let manage = paid_booking_by_return(&app, &pool, &stripe).await;
    let clinic = common::seeded_clinic_id(&pool).await;
    let payments = stripe.payments();

    // The stand-in makes the refund and the answer never arrives: Lumen keeps it to send.
    stripe.drop_answers(1).await;
    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    until_requests(&stripe, 1).await;
    let round = refunding::send_due(&pool, clinic, &payments, clock().now())
        .await
        .unwrap();
    assert_eq!(round.taken, 1, "sent again");
    let calls = refund_calls(&stripe).await;
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["idempotency_key"], calls[1]["idempotency_key"]);
    assert_eq!(
        calls[1]["replayed"], true,
        "Stripe answered from the key: one refund"
    );
    assert_eq!(
        refunds(&pool).await,
        [("cancelled_in_time".to_owned(), 5000, "succeeded".to_owned())]
    );

    // Nothing is left to send.
    let round = refunding::send_due(&pool, clinic, &payments, clock().now())
        .await
        .unwrap();
    assert_eq!(round, refunding::Round::default());
}

/// Waits for the stand-in to have received `n` refund calls.
async fn until_requests(stripe: &FakeStripe, n: usize) {
    for _ in 0..100 {
        if refund_calls(stripe).await.len() >= n {
            return;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    panic!(
        "the stand-in received {} refund calls",
        refund_calls(stripe).await.len()
    );
}

/// As `paid_booking`, confirmed by the patient's return (no webhooks from this stand-in).
async fn paid_booking_by_return(app: &Router, pool: &PgPool, stripe: &FakeStripe) -> String {
    let (_, checkout) = confirm_with_deposit(app, pool).await;
    let back = stripe.pay(&checkout).await;
    get(app, &format!("/book/paid?session={}", session_in(&back))).await;
    assert_eq!(status(pool).await, "confirmed");
    common::token_in_email(pool, GUEST, "booking_confirmed", "/booking/").await
}

/// The demo clinic taking deposits, which keeps them when a patient cancels in time.
async fn clinic_keeping_deposits(pool: &PgPool) -> (Router, FakeStripe) {
    let (app, stripe) = paying_clinic(pool, true).await;
    sqlx::query("UPDATE clinics SET refund_on_time_cancellation = false")
        .execute(pool)
        .await
        .unwrap();
    (app, stripe)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patients_cancellation_refunds_only_when_the_clinic_says_so(pool: PgPool) {
    let (app, stripe) = clinic_keeping_deposits(&pool).await;
    let manage = paid_booking(&app, &pool, &stripe).await;
    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    assert_eq!(status(&pool).await, "cancelled");
    assert!(
        refunds(&pool).await.is_empty(),
        "this clinic keeps the deposit"
    );
    assert!(refund_calls(&stripe).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cancellation_by_the_clinic_always_refunds(pool: PgPool) {
    let (app, stripe) = clinic_keeping_deposits(&pool).await;
    paid_booking(&app, &pool, &stripe).await;
    let desk = signed_in(&app, FRONT_DESK).await;
    let id: Uuid = sqlx::query_scalar("SELECT appointment_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let by_clinic = post_as(
        &app,
        "admin/cancel_appointment",
        Some(&desk),
        &format!("id={id}&form[by]=clinic&form[tell_patient]=on"),
    )
    .await;
    assert!(by_clinic.status.is_success(), "{}", by_clinic.body);
    until_refunds_are(&pool, &[("cancelled_by_clinic", 5000, "succeeded")]).await;
    let emails = emails_to(&pool, GUEST).await;
    let told = refund_emails(&emails);
    assert_eq!(told.len(), 1, "{emails:?}");
    assert!(told[0].contains("We cancelled your booking"), "{}", told[0]);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_say_whose_cancellation_it_is_and_a_patients_late_one_keeps_the_deposit(
    pool: PgPool,
) {
    // This clinic refunds a patient's cancellation made in time.
    let (app, stripe) = paying_clinic(&pool, true).await;
    paid_booking(&app, &pool, &stripe).await;
    let desk = signed_in(&app, FRONT_DESK).await;
    let id: Uuid = sqlx::query_scalar("SELECT appointment_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let cancel = |by: &str| format!("id={id}&form[by]={by}&form[tell_patient]=on");

    let unsaid = post_as(&app, "admin/cancel_appointment", Some(&desk), &cancel("")).await;
    let problems = field_problems(&unsaid);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "by");
    assert_eq!(status(&pool).await, "confirmed", "nothing changed");

    // The booking is 26 hours away and the clinic's late-cancel window is now 48 hours:
    // the patient phoning to cancel is cancelling late.
    sqlx::query("UPDATE clinics SET late_cancel_hours = 48")
        .execute(&pool)
        .await
        .unwrap();
    let by_patient = post_as(
        &app,
        "admin/cancel_appointment",
        Some(&desk),
        &cancel("patient"),
    )
    .await;
    assert!(by_patient.status.is_success(), "{}", by_patient.body);
    assert_eq!(status(&pool).await, "cancelled");
    tokio::time::sleep(Wait::from_millis(300)).await;
    assert!(refunds(&pool).await.is_empty(), "the deposit stays");
    assert!(refund_calls(&stripe).await.is_empty());
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'cancelled' AND subject_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1, "staff's change is audited as theirs");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_never_returns_more_than_is_left(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    paid_booking(&app, &pool, &stripe).await;
    let clinic = common::seeded_clinic_id(&pool).await;
    let payment: Uuid = sqlx::query_scalar("SELECT id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let staff: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(FRONT_DESK)
        .fetch_one(&pool)
        .await
        .unwrap();
    let part = |amount| Asked {
        reason: RefundReason::Staff,
        amount_minor: Some(amount),
        note: Some("Goodwill: the room was cold"),
        by: Some(staff),
    };
    let mut tx = pool.begin().await.unwrap();
    refunds::request(&mut tx, clinic, payment, &part(2000), clock().now())
        .await
        .unwrap();
    let too_much = refunds::request(&mut tx, clinic, payment, &part(3001), clock().now()).await;
    assert!(
        matches!(
            too_much,
            Err(NotRequested::Refused(RefundRefused::TooMuch {
                left_minor: 3000
            }))
        ),
        "{too_much:?}"
    );
    refunds::request(&mut tx, clinic, payment, &part(3000), clock().now())
        .await
        .unwrap();
    let nothing = refunds::request(&mut tx, clinic, payment, &part(1), clock().now()).await;
    assert!(matches!(
        nothing,
        Err(NotRequested::Refused(RefundRefused::NothingLeft))
    ));
    tx.commit().await.unwrap();
    let round = refunding::send_due(&pool, clinic, &stripe.payments(), clock().now())
        .await
        .unwrap();
    assert_eq!(round.taken, 2);
    let amounts: Vec<String> = refund_calls(&stripe)
        .await
        .iter()
        .map(|call| form_value(call, "amount").to_owned())
        .collect();
    assert_eq!(amounts, ["2000", "3000"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_stripe_refuses_is_marked_failed_with_its_reason_and_nothing_is_told(
    pool: PgPool,
) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    paid_booking(&app, &pool, &stripe).await;
    let clinic = common::seeded_clinic_id(&pool).await;
    let intent: String = sqlx::query_scalar("SELECT payment_intent_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Refunded in full in the dashboard, and that news has not arrived yet.
    stripe.hold_events(true).await;
    stripe.refund_in_dashboard(&intent, 5000).await;
    let payment: Uuid = sqlx::query_scalar("SELECT id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let whole = Asked {
        reason: RefundReason::CancelledByClinic,
        amount_minor: None,
        note: None,
        by: None,
    };
    refunds::request(&mut tx, clinic, payment, &whole, clock().now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let round = refunding::send_due(&pool, clinic, &stripe.payments(), clock().now())
        .await
        .unwrap();
    assert_eq!(round.refused, 1);
    let failure: Option<String> = sqlx::query_scalar("SELECT failure FROM refunds")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        failure
            .as_deref()
            .unwrap_or_default()
            .contains("already been refunded"),
        "{failure:?}"
    );
    assert!(refund_emails(&emails_to(&pool, GUEST).await).is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_reported_before_its_payment_still_ends_paid_booked_and_refunded(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    stripe.hold_events(true).await;
    let (_, checkout) = confirm_with_deposit(&app, &pool).await;
    stripe.pay(&checkout).await;
    let events = stripe.events().await;
    let intent = events[0]["data"]["object"]["payment_intent"]
        .as_str()
        .unwrap()
        .to_owned();
    stripe.refund_in_dashboard(&intent, 1500).await;
    // Stripe's refund events are sent a moment after its answer.
    let mut events = stripe.events().await;
    for _ in 0..100 {
        if events.len() == 3 {
            break;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
        events = stripe.events().await;
    }
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "checkout.session.completed",
            "refund.created",
            "charge.refunded"
        ]
    );

    // Delivered backwards: the refund first, the payment last.
    for event in events.iter().rev() {
        let statuses = stripe.resend(event["id"].as_str().unwrap(), 1).await;
        assert_eq!(statuses, [200]);
    }
    assert_eq!(status(&pool).await, "confirmed");
    let paid: String = sqlx::query_scalar("SELECT status FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(paid, "paid");
    assert_eq!(
        refunds(&pool).await,
        [("at_processor".to_owned(), 1500, "succeeded".to_owned())]
    );
    // Each again, five at once: nothing more.
    for event in &events {
        let statuses = stripe.resend(event["id"].as_str().unwrap(), 5).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    }
    assert_eq!(refunds(&pool).await.len(), 1);
    let emails = emails_to(&pool, GUEST).await;
    assert_eq!(
        emails
            .iter()
            .filter(|(k, _)| k == "booking_confirmed")
            .count(),
        1
    );
    assert_eq!(refund_emails(&emails).len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forged_refund_event_changes_nothing(pool: PgPool) {
    let (app, _stripe) = paying_clinic(&pool, false).await;
    let body = serde_json::json!({
        "id": "evt_forged",
        "type": "charge.refunded",
        "data": {"object": {"amount_refunded": 5000, "currency": "gbp", "metadata": {}}},
    })
    .to_string();
    assert_eq!(
        webhook(&app, &body, Some("whsec_forged"), 0).await,
        StatusCode::BAD_REQUEST
    );
    // And a genuine completion for a session this clinic never opened is harmless.
    assert_eq!(
        webhook(
            &app,
            &completed_event("evt_x", "cs_test_unknown"),
            Some(crate::common::stripe::WEBHOOK_SECRET),
            0
        )
        .await,
        StatusCode::OK
    );
    assert!(refunds(&pool).await.is_empty());
}

/// The staff appointment page's data for `id`.
async fn appointment_page(app: &Router, cookie: &str, id: Uuid) -> AppointmentDetail {
    let reply = post_as(app, "admin/appointment", Some(cookie), &format!("id={id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn refund_by_hand(
    app: &Router,
    cookie: &str,
    id: Uuid,
    payment: &str,
    amount: &str,
    note: &str,
) -> common::Reply {
    post_as(
        app,
        "admin/refund_payment",
        Some(cookie),
        &form(&[
            ("id", &id.to_string()),
            ("form[payment]", payment),
            ("form[amount]", amount),
            ("form[note]", note),
        ]),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn the_front_desk_refunds_part_of_a_deposit_with_a_reason_and_it_is_audited(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    let manage = paid_booking(&app, &pool, &stripe).await;
    let (id, payment): (Uuid, Uuid) = sqlx::query_as("SELECT appointment_id, id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let payment = payment.to_string();

    // Clinicians see the payment but may not give money back.
    let provider = signed_in(&app, "amara@juniper-clinic.example").await;
    let seen = appointment_page(&app, &provider, id).await;
    assert_eq!(seen.payments.len(), 1);
    assert!(!seen.may_refund);
    let refused = refund_by_hand(&app, &provider, id, &payment, "10", "Goodwill").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let desk = signed_in(&app, FRONT_DESK).await;
    let page = appointment_page(&app, &desk, id).await;
    assert!(page.may_refund);
    assert_eq!(page.payments[0].amount, "£50");
    assert_eq!(page.payments[0].left.as_deref(), Some("£50"));

    // More than was paid, and no reason: each said beside its field, nothing stored.
    let too_much = refund_by_hand(&app, &desk, id, &payment, "60", " ").await;
    let problems: Vec<(String, String)> = field_problems(&too_much)
        .into_iter()
        .map(|p| (p.field, p.message))
        .collect();
    assert_eq!(
        problems,
        [
            (
                "amount".to_owned(),
                "At most £50 is left to refund.".to_owned()
            ),
            (
                "note".to_owned(),
                "Say why, for the clinic's books: the patient is not shown it.".to_owned()
            )
        ]
    );
    assert!(refunds(&pool).await.is_empty());

    // Another appointment's id with this payment finds nothing.
    let elsewhere = refund_by_hand(&app, &desk, Uuid::new_v4(), &payment, "10", "Goodwill").await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    let part = refund_by_hand(&app, &desk, id, &payment, "20", "The room was too cold").await;
    assert!(part.status.is_success(), "{}", part.body);
    until_refunds_are(&pool, &[("staff", 2000, "succeeded")]).await;
    let calls = refund_calls(&stripe).await;
    assert_eq!(form_value(&calls[0], "amount"), "2000");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'refunded' AND subject_type = 'payment'
           AND subject_id = $1 AND actor_role = 'front_desk'",
    )
    .bind(payment.parse::<Uuid>().unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    let page = appointment_page(&app, &desk, id).await;
    let line = &page.payments[0];
    assert_eq!(line.refunded.as_deref(), Some("£20"));
    assert_eq!(line.left.as_deref(), Some("£30"));
    assert_eq!(line.refunds[0].amount, "£20");
    assert_eq!(line.refunds[0].state, "Refunded");
    assert_eq!(
        line.refunds[0].note.as_deref(),
        Some("The room was too cold")
    );
    // The patient is told the amount, never staff's words.
    let emails = emails_to(&pool, GUEST).await;
    let told = refund_emails(&emails);
    assert_eq!(told.len(), 1);
    assert!(told[0].contains("£20"), "{}", told[0]);
    assert!(!told[0].contains("cold"), "{}", told[0]);

    // The guest's own page for the booking shows what they paid and what came back.
    let managed = post_as(&app, "booking/managed", None, &form(&[("token", &manage)])).await;
    let managed: app::booking::types::ManagedBooking = serde_json::from_str(&managed.body).unwrap();
    assert_eq!(
        managed.payments,
        [
            "£50 paid on 16 March 2026, 08:00 (Card, through Stripe)",
            "£20 refunded on 16 March 2026, 08:00"
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_finds_the_receipt_in_their_account_and_it_shows_a_refund(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    let isla = signed_in(&app, PATIENT).await;
    let link = held_link(&app, MOLE_CHECK, lewis(&pool).await, at(10, 0)).await;
    // Her details are filled in from her account.
    let held = post_as(&app, "booking/held", Some(&isla), &form(&[("hold", &link)])).await;
    let held: app::booking::types::HeldBooking = serde_json::from_str(&held.body).unwrap();
    assert_eq!(held.details.email, PATIENT);
    let mut fields: Vec<(&str, &str)> = vec![("hold", &link)];
    let typed = details(PATIENT);
    fields.extend(typed.iter().map(|(k, v)| (*k, v.as_str())));
    let saved = post_as(&app, "booking/details", Some(&isla), &form(&fields)).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let confirmed = post_as(
        &app,
        "booking/confirm",
        Some(&isla),
        &form(&[("hold", &link)]),
    )
    .await;
    let checkout = confirmed.headers["location"].to_str().unwrap().to_owned();
    stripe.pay(&checkout).await;
    assert_eq!(status(&pool).await, "confirmed");

    let account: MyAccount =
        serde_json::from_str(&post_as(&app, "my_account", Some(&isla), "").await.body).unwrap();
    assert_eq!(account.receipts.len(), 1, "{:?}", account.receipts);
    let payment: Uuid = sqlx::query_scalar("SELECT id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        account.receipts[0].href,
        format!("/account/receipts/{payment}")
    );
    let receipt = |cookie: String| {
        let app = app.clone();
        async move { post_as(&app, "my_receipt", Some(&cookie), &format!("id={payment}")).await }
    };
    let shown: ReceiptView = serde_json::from_str(&receipt(isla.clone()).await.body).unwrap();
    assert_eq!(shown.amount, "£50");
    assert!(
        shown
            .item
            .starts_with("Mole and skin check, Tuesday 17 March 2026, 10:00"),
        "{}",
        shown.item
    );
    assert_eq!(shown.method, "Card, through Stripe");
    assert!(shown.address.contains("Edinburgh"), "{}", shown.address);
    assert!(shown.refunds.is_empty() && shown.net.is_none());
    assert_eq!(shown.tax_id, None, "the clinic has given no tax number");
    // Emailed once, though the payment was learnt twice (webhook and return).
    let emailed: Vec<(String, String)> = emails_to(&pool, PATIENT)
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "payment_receipt")
        .collect();
    assert_eq!(emailed.len(), 1);
    assert!(
        emailed[0].1.contains(&format!("Receipt {}", shown.number)),
        "{}",
        emailed[0].1
    );

    // Anyone else's account finds no such receipt.
    let admin = signed_in(&app, ADMIN).await;
    let refused = receipt(admin).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);

    let desk = signed_in(&app, FRONT_DESK).await;
    let id: Uuid = sqlx::query_scalar("SELECT appointment_id FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let part = refund_by_hand(&app, &desk, id, &payment.to_string(), "20", "Goodwill").await;
    assert!(part.status.is_success(), "{}", part.body);
    until_refunds_are(&pool, &[("staff", 2000, "succeeded")]).await;
    sqlx::query("UPDATE clinics SET tax_id = 'GB 123 4567 89'")
        .execute(&pool)
        .await
        .unwrap();
    let shown: ReceiptView = serde_json::from_str(&receipt(isla).await.body).unwrap();
    assert_eq!(shown.tax_id.as_deref(), Some("GB 123 4567 89"));
    assert_eq!(shown.refunds.len(), 1);
    assert_eq!(shown.refunds[0].amount, "£20");
    assert_eq!(shown.refunds[0].state, "Refunded");
    assert_eq!(shown.net.as_deref(), Some("£30"));
}

fn dispute_event(id: &str, payment_intent: &str) -> String {
    serde_json::json!({
        "id": id,
        "object": "event",
        "type": "charge.dispute.created",
        "data": {"object": {
            "id": "dp_test_1",
            "object": "dispute",
            "amount": 5000,
            "currency": "gbp",
            "payment_intent": payment_intent,
            "reason": "product_not_received",
            "status": "needs_response",
        }},
    })
    .to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_disputed_payment_is_shown_to_staff_with_what_to_do(pool: PgPool) {
    let (app, stripe) = paying_clinic(&pool, true).await;
    paid_booking(&app, &pool, &stripe).await;
    let (id, intent): (Uuid, String) =
        sqlx::query_as("SELECT appointment_id, payment_intent_id FROM payments")
            .fetch_one(&pool)
            .await
            .unwrap();
    let secret = Some(crate::common::stripe::WEBHOOK_SECRET);
    // A dispute of a payment this clinic never took changes nothing.
    let elsewhere = webhook(&app, &dispute_event("evt_d0", "pi_test_other"), secret, 0).await;
    assert_eq!(elsewhere, StatusCode::OK);
    let desk = signed_in(&app, FRONT_DESK).await;
    assert_eq!(
        appointment_page(&app, &desk, id).await.payments[0].dispute,
        None
    );

    for event in ["evt_d1", "evt_d1", "evt_d2"] {
        let reply = webhook(&app, &dispute_event(event, &intent), secret, 0).await;
        assert_eq!(reply, StatusCode::OK);
    }
    let dispute = appointment_page(&app, &desk, id).await.payments[0]
        .dispute
        .clone()
        .expect("the dispute is shown");
    assert!(dispute.contains("product not received"), "{dispute}");
    assert!(dispute.contains("Stripe's dashboard"), "{dispute}");
}
