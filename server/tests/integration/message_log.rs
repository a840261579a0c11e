//! The delivery log: staff filter it, look at one patient's or one appointment's messages,
//! and patients see what was sent to them.

use crate::booking::{at, book, lewis, GUEST, MOLE_CHECK};
use crate::common::{self, post_as, signed_in, ADMIN, FRONT_DESK, PATIENT};
use app::account::types::MyAccount;
use app::admin::types::Mailbox;
use app::backend::state::Clock;
use axum::http::StatusCode;
use axum::Router;
use chrono::{TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Two bookings on Tuesday, made on Monday morning: the guest's at 10:00 and the
/// demo patient's at 14:00.
async fn two_bookings(pool: &PgPool) -> Router {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let app = common::app_with_clock(pool, Clock::fixed(monday)).await;
    let lewis = lewis(pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    book(&app, MOLE_CHECK, lewis, at(14, 0), PATIENT).await;
    app
}

async fn log(app: &Router, cookie: &str, form: &str) -> Mailbox {
    let reply = post_as(app, "admin/mailbox", Some(cookie), form).await;
    assert!(reply.status.is_success(), "{form}: {}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn recipients(mailbox: &Mailbox) -> Vec<&str> {
    let mut to: Vec<&str> = mailbox
        .messages
        .iter()
        .map(|m| m.recipient.as_str())
        .collect();
    to.sort();
    to.dedup();
    to
}

async fn guest_and_appointment(pool: &PgPool) -> (Uuid, Uuid) {
    sqlx::query_as(
        "SELECT p.id, a.id FROM patients p JOIN appointments a ON a.patient_id = p.id
         WHERE p.email = $1",
    )
    .bind(GUEST)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_filter_the_log_by_state_channel_kind_and_date(pool: PgPool) {
    let app = two_bookings(&pool).await;
    let admin = signed_in(&app, ADMIN).await;

    let everything = log(&app, &admin, "").await;
    assert!(everything.can_manage);
    assert!(everything.kinds.contains(&"booking_confirmed".to_owned()));
    assert!(everything.kinds.contains(&"reminder".to_owned()));

    let confirmations = log(&app, &admin, "filter[kind]=booking_confirmed").await;
    assert_eq!(
        confirmations.messages.len(),
        2,
        "{:?}",
        confirmations.messages
    );
    assert!(confirmations
        .messages
        .iter()
        .all(|m| m.kind == "booking_confirmed"));
    assert_eq!(recipients(&confirmations), [GUEST, PATIENT]);

    let reminders = log(&app, &admin, "filter[kind]=reminder&filter[channel]=email").await;
    assert!(!reminders.messages.is_empty());
    assert!(reminders
        .messages
        .iter()
        .all(|m| m.kind == "reminder" && m.channel == "email"));
    let texts = log(&app, &admin, "filter[channel]=sms").await;
    assert!(texts.messages.is_empty(), "{:?}", texts.messages);

    // Written on Monday 16 March, in the clinic's time.
    let monday = log(
        &app,
        &admin,
        "filter[from]=2026-03-16&filter[to]=2026-03-16",
    )
    .await;
    assert_eq!(monday.messages.len(), everything.messages.len());
    let later = log(&app, &admin, "filter[from]=2026-03-17").await;
    assert!(later.messages.is_empty());
    let dead = log(&app, &admin, "filter[status]=dead").await;
    assert!(dead.messages.is_empty());
    let waiting = log(&app, &admin, "filter[status]=queued").await;
    assert_eq!(waiting.messages.len(), everything.messages.len());

    // What cannot be read is named beside its field, and kept as typed.
    let bad = log(
        &app,
        &admin,
        "filter[status]=lost&filter[from]=16%2F03%2F2026&filter[kind]=reminder",
    )
    .await;
    let fields: Vec<&str> = bad.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["status", "from"]);
    assert!(bad.messages.is_empty());
    assert_eq!(bad.filter.from, "16/03/2026");
    assert_eq!(bad.filter.kind, "reminder");

    // The page is a GET form: the filter lives in the address.
    let page = common::get_as(
        &app,
        "/admin/mailbox?kind=booking_confirmed&from=2026-03-16",
        Some(&admin),
    )
    .await;
    assert!(page.status.is_success());
    assert!(page.body.contains(r#"value="2026-03-16""#), "{}", page.body);
    assert_eq!(page.body.matches(" is confirmed to ").count(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_front_desk_sees_one_patients_or_appointments_messages_and_no_more(pool: PgPool) {
    let app = two_bookings(&pool).await;
    let (guest, appointment) = guest_and_appointment(&pool).await;
    let desk = signed_in(&app, FRONT_DESK).await;

    // The whole log carries everyone's addresses: admins only.
    let all = post_as(&app, "admin/mailbox", Some(&desk), "").await;
    assert_eq!(all.status, StatusCode::FORBIDDEN);

    let theirs = log(&app, &desk, &format!("filter[patient]={guest}")).await;
    assert!(!theirs.can_manage);
    assert_eq!(recipients(&theirs), [GUEST]);
    assert_eq!(theirs.scope.as_deref(), Some("to Ana Ruiz"));
    assert!(theirs
        .messages
        .iter()
        .any(|m| m.kind == "booking_confirmed"));

    let about = log(&app, &desk, &format!("filter[appointment]={appointment}")).await;
    assert_eq!(recipients(&about), [GUEST]);
    let mut kinds: Vec<&str> = about.messages.iter().map(|m| m.kind.as_str()).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds, ["booking_confirmed", "reminder"]);
    assert!(
        about
            .scope
            .as_deref()
            .unwrap()
            .starts_with("about Ana Ruiz's Mole and skin check on Tue 17 Mar 2026, 10:00"),
        "{:?}",
        about.scope
    );
    assert!(about.inbox.is_empty());

    // Someone else's patient or appointment is not found; a broken link is named.
    let unknown = post_as(
        &app,
        "admin/mailbox",
        Some(&desk),
        &format!("filter[appointment]={}", Uuid::new_v4()),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let broken = log(&app, &desk, "filter[patient]=nobody").await;
    assert_eq!(broken.problems[0].field, "patient");
    assert!(broken.messages.is_empty());

    // The links from the patient's and the appointment's pages.
    let page = common::get_as(&app, &format!("/admin/patients/{guest}"), Some(&desk)).await;
    assert!(page
        .body
        .contains(&format!("/admin/mailbox?patient={guest}")));
}

#[sqlx::test(migrations = "../migrations")]
async fn patients_see_what_was_sent_to_them_and_only_that(pool: PgPool) {
    let app = two_bookings(&pool).await;
    let me = signed_in(&app, PATIENT).await;
    let reply = post_as(&app, "my_account", Some(&me), "").await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let account: MyAccount = serde_json::from_str(&reply.body).unwrap();
    // Their confirmation; not the guest's, and not reminders that are not due yet.
    assert_eq!(account.messages.len(), 1, "{:?}", account.messages);
    let message = &account.messages[0];
    assert_eq!(message.channel, "Email");
    assert!(message.what.contains("is confirmed"), "{message:?}");
    assert_eq!(message.at, "Mon 16 Mar 2026, 08:00");
    // Nothing leaves the demo, and the list says so.
    assert!(message.state.starts_with("Not sent"), "{message:?}");

    let page = common::get_as(&app, "/account", Some(&me)).await;
    assert!(page.body.contains("Messages we sent you"), "{}", page.body);
}
