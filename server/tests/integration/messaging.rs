//! Messages leaving the server: the delivery worker hands the outbox to a real SMTP server
//! (aiosmtpd, started per test) through Lumen's own SMTP client, and the tests read what
//! that server received. Faults come from the server itself: temporary refusals, refusals
//! for good, and the server being down.

use crate::booking::{at, book, lewis, move_booking, GUEST, MOLE_CHECK};
use crate::common::smtp::{Received, SmtpServer};
use crate::common::{self, form, post_as, signed_in, ADMIN};
use app::backend::delivery::{Deliverer, Round};
use app::backend::integrations::messaging::{Messaging, Smtp};
use app::backend::state::{AppState, Clock};
use app::backend::store::outbox;
use axum::http::StatusCode;
use axum::Router;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::PgPool;
use std::collections::HashSet;
use uuid::Uuid;

const FROM: &str = "bookings@juniper-clinic.example";

fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap()
}

fn messaging(server: &SmtpServer) -> Messaging {
    Messaging::development().with_email(Smtp::from_url(&server.url(), FROM).unwrap())
}

/// The demo clinic's app with email going to `server`, and its state.
pub(crate) async fn app_sending_to(pool: &PgPool, server: &SmtpServer) -> (Router, AppState) {
    common::app_with_state(
        pool,
        Clock::fixed(monday_morning()),
        common::media(),
        messaging(server),
    )
    .await
}

/// Runs the worker until a round finds nothing due at `now`.
pub(crate) async fn deliver_all(deliverer: &Deliverer, now: DateTime<Utc>) -> Round {
    let mut total = Round::default();
    loop {
        let round = deliverer.deliver_due(now, 50).await.unwrap();
        if round.handled() == 0 {
            return total;
        }
        total.sent += round.sent;
        total.retrying += round.retrying;
        total.dead += round.dead;
    }
}

/// Writes plain emails straight into the outbox, as any change would.
async fn enqueue(state: &AppState, recipients: &[String]) -> Vec<Uuid> {
    let mut tx = state.pool.begin().await.unwrap();
    let mut ids = Vec::new();
    for to in recipients {
        let id = outbox::enqueue_email(
            &mut tx,
            state.clinic_id,
            outbox::Email {
                kind: "test",
                to,
                subject: "Hello",
                body: "A message for you.",
            },
            state.clock.now(),
        )
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

async fn message_state(pool: &PgPool, id: Uuid) -> (String, i32, Option<DateTime<Utc>>) {
    sqlx::query_as("SELECT status, attempts, next_attempt_at FROM outbox_messages WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Each try of a message: (attempt, outcome, at, next try).
async fn attempts(
    pool: &PgPool,
    id: Uuid,
) -> Vec<(i32, String, DateTime<Utc>, Option<DateTime<Utc>>)> {
    sqlx::query_as(
        "SELECT attempt, outcome, at, next_attempt_at FROM outbox_attempts
         WHERE message_id = $1 ORDER BY attempt",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

pub(crate) fn to(received: &[Received], address: &str) -> Vec<Received> {
    received
        .iter()
        .filter(|r| r.to() == [address])
        .cloned()
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booking_email_reaches_the_smtp_server_with_text_html_and_its_calendar_invitation(
    pool: PgPool,
) {
    let server = SmtpServer::start();
    let (app, state) = app_sending_to(&pool, &server).await;
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let round = deliver_all(&state.deliverer(), state.clock.now()).await;
    assert_eq!(round.sent, 1, "{round:?}");

    let received = server.received();
    assert_eq!(received.len(), 1);
    let email = &received[0];
    assert_eq!(email.to(), [GUEST]);
    assert_eq!(
        email.0["authenticated_as"], "lumen",
        "it signed in to the server"
    );
    let from = email.header("From");
    assert!(
        from.contains("Juniper Skin & Aesthetics") && from.ends_with(&format!("<{FROM}>")),
        "{from}"
    );
    assert_eq!(email.header("Reply-To"), "hello@juniper-clinic.example");
    assert_eq!(email.0["content_type"], "multipart/mixed");
    let link = format!("{}/booking/{manage}", common::PUBLIC_URL);
    assert!(email.text_of("text/plain").contains(&link));
    assert!(email
        .text_of("text/html")
        .contains(&format!("<a href=\"{link}\">")));
    let invitation = email.part("text/calendar");
    assert_eq!(invitation["filename"], "appointment.ics");
    assert_eq!(invitation["params"]["method"], "REQUEST");
    let ics = email.text_of("text/calendar");
    assert!(ics.contains("METHOD:REQUEST\n"), "{ics}");
    assert!(ics.contains("SEQUENCE:0\n"), "{ics}");
    assert!(ics.contains("DTSTART:20260317T100000Z\n"), "{ics}");
    assert!(ics.contains(&format!("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{GUEST}")));
    let uid = ics
        .lines()
        .find(|l| l.starts_with("UID:"))
        .unwrap()
        .to_owned();

    // What is stored now: sent, the Message-ID recorded, the private link gone.
    let (status, provider_id, body, redacted): (String, String, String, bool) = sqlx::query_as(
        "SELECT status, provider_message_id, body, redacted FROM outbox_messages
         WHERE kind = 'booking_confirmed'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "sent");
    assert_eq!(provider_id, email.header("Message-ID"));
    assert!(redacted && !body.contains(&manage), "{body}");

    // Moved: the same event, a higher sequence. Cancelled: a CANCEL for it.
    let moved = move_booking(&app, &manage, at(11, 0)).await;
    assert!(moved.status.is_success(), "{}", moved.body);
    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    deliver_all(&state.deliverer(), state.clock.now()).await;
    let received = server.received();
    assert_eq!(received.len(), 3);
    let moved = received[1].text_of("text/calendar");
    assert!(
        moved.contains(&uid) && moved.contains("SEQUENCE:1\n"),
        "{moved}"
    );
    assert!(moved.contains("METHOD:REQUEST\n") && moved.contains("DTSTART:20260317T110000Z"));
    assert_eq!(
        received[2].part("text/calendar")["filename"],
        "cancelled.ics"
    );
    let cancel = received[2].text_of("text/calendar");
    assert!(
        cancel.contains(&uid) && cancel.contains("SEQUENCE:2\n"),
        "{cancel}"
    );
    assert!(cancel.contains("METHOD:CANCEL\n") && cancel.contains("STATUS:CANCELLED\n"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_name_with_markup_is_escaped_in_the_html_part(pool: PgPool) {
    let server = SmtpServer::start();
    let (app, state) = app_sending_to(&pool, &server).await;
    let registered = post_as(
        &app,
        "register",
        None,
        &form(&[
            ("form[first_name]", "<script>alert(1)</script>"),
            ("form[last_name]", "Ruiz"),
            ("form[email]", GUEST),
            ("form[password]", "a long and unusual passphrase"),
        ]),
    )
    .await;
    assert!(registered.status.is_success(), "{}", registered.body);
    deliver_all(&state.deliverer(), state.clock.now()).await;
    let received = server.received();
    let email = to(&received, GUEST).pop().expect("the confirmation email");
    let html = email.text_of("text/html");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_temporary_refusal_is_tried_again_later_each_wait_longer_and_goes_once(pool: PgPool) {
    let server = SmtpServer::start();
    let (_, state) = app_sending_to(&pool, &server).await;
    let address = "ana+fail3@example.com".to_owned();
    let id = enqueue(&state, std::slice::from_ref(&address)).await[0];
    let deliverer = state.deliverer();

    let mut now = state.clock.now();
    for attempt in 1..=4 {
        let round = deliverer.deliver_due(now, 10).await.unwrap();
        assert_eq!(round.handled(), 1, "try {attempt}: {round:?}");
        // Not due again until its next try.
        assert_eq!(deliverer.deliver_due(now, 10).await.unwrap().handled(), 0);
        let (status, tries, next) = message_state(&pool, id).await;
        assert_eq!(tries, attempt);
        if attempt < 4 {
            assert_eq!(status, "queued");
            now = next.unwrap();
        } else {
            assert_eq!(status, "sent");
        }
    }
    assert_eq!(
        to(&server.received(), &address).len(),
        1,
        "received exactly once"
    );

    let tries = attempts(&pool, id).await;
    let outcomes: Vec<&str> = tries.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(outcomes, ["retry", "retry", "retry", "sent"]);
    let waits: Vec<Duration> = tries[..3]
        .iter()
        .map(|(_, _, at, next)| next.unwrap() - *at)
        .collect();
    // 30 s doubling, each drawn from the upper half of its ceiling.
    for (n, wait) in waits.iter().enumerate() {
        let ceiling = Duration::seconds(30 << n);
        assert!(
            *wait >= ceiling / 2 && *wait <= ceiling,
            "wait {n}: {wait:?}"
        );
    }
    assert!(waits[0] <= waits[1] && waits[1] <= waits[2], "{waits:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_address_is_a_dead_letter_at_once_and_staff_can_send_it_again(pool: PgPool) {
    let server = SmtpServer::start();
    let (app, state) = app_sending_to(&pool, &server).await;
    let id = enqueue(&state, &["nobody+reject@example.com".to_owned()]).await[0];
    let round = state
        .deliverer()
        .deliver_due(state.clock.now(), 10)
        .await
        .unwrap();
    assert_eq!(round.dead, 1);
    assert_eq!(message_state(&pool, id).await.0, "dead");
    let tries = attempts(&pool, id).await;
    assert_eq!(tries.len(), 1, "one try, no retries");
    let error: String = sqlx::query_scalar("SELECT last_error FROM outbox_messages WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(error.contains("No such mailbox"), "{error}");

    // The log shows it with its error; an admin sends it again.
    let admin = signed_in(&app, ADMIN).await;
    let log = post_as(&app, "admin/mailbox", Some(&admin), "").await;
    assert!(log.body.contains("No such mailbox"), "{}", log.body);
    let retried = post_as(
        &app,
        "admin/mailbox/retry",
        Some(&admin),
        &form(&[("id", &id.to_string())]),
    )
    .await;
    assert!(retried.status.is_success(), "{}", retried.body);
    let (status, tries, _) = message_state(&pool, id).await;
    assert_eq!((status.as_str(), tries), ("queued", 0));
    // Front desk may not.
    let desk = signed_in(&app, common::FRONT_DESK).await;
    let refused = post_as(
        &app,
        "admin/mailbox/retry",
        Some(&desk),
        &form(&[("id", &id.to_string())]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dead_letter_that_carried_a_private_link_keeps_it_redacted_and_is_not_resent(
    pool: PgPool,
) {
    let server = SmtpServer::start();
    let (app, state) = app_sending_to(&pool, &server).await;
    let lewis = lewis(&pool).await;
    let address = "ana+reject@example.com";
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), address).await;
    deliver_all(&state.deliverer(), state.clock.now()).await;
    let (id, status, body): (Uuid, String, String) = sqlx::query_as(
        "SELECT id, status, body FROM outbox_messages
             WHERE recipient = $1 AND kind = 'booking_confirmed'",
    )
    .bind(address)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "dead");
    assert!(!body.contains(&manage), "{body}");
    let admin = signed_in(&app, ADMIN).await;
    let log = post_as(&app, "admin/mailbox", Some(&admin), "").await;
    assert!(!log.body.contains(&manage));
    let retried = post_as(
        &app,
        "admin/mailbox/retry",
        Some(&admin),
        &form(&[("id", &id.to_string())]),
    )
    .await;
    assert_eq!(
        retried.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        retried.body
    );
    assert!(retried.body.contains("private link"), "{}", retried.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn with_the_provider_down_the_breaker_opens_and_messages_wait_then_each_goes_once(
    pool: PgPool,
) {
    let mut server = SmtpServer::start();
    let (_, state) = app_sending_to(&pool, &server).await;
    let deliverer = state
        .deliverer()
        .with_cool_off(std::time::Duration::from_millis(300));
    server.stop();
    let recipients: Vec<String> = (0..8).map(|n| format!("patient{n}@example.com")).collect();
    let ids = enqueue(&state, &recipients).await;
    let now = state.clock.now();

    let round = deliverer.deliver_due(now, 50).await.unwrap();
    assert_eq!(
        round.retrying, 5,
        "five failures open the breaker: {round:?}"
    );
    assert_eq!(round.waiting, 3, "the rest were not tried");
    let mut untried = 0;
    for id in &ids {
        let (status, tries, _) = message_state(&pool, *id).await;
        assert_eq!(status, "queued");
        untried += usize::from(tries == 0);
    }
    assert_eq!(untried, 3, "waiting spends no tries");
    // While open, nothing is even claimed.
    assert_eq!(
        deliverer.deliver_due(now, 50).await.unwrap(),
        Round::default()
    );

    server.restart();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let round = deliver_all(&deliverer, now + Duration::hours(1)).await;
    assert_eq!(round.sent, 8, "{round:?}");
    let received = server.received();
    assert_eq!(received.len(), 8);
    let addresses: HashSet<String> = received.iter().flat_map(|r| r.to()).collect();
    assert_eq!(addresses.len(), 8, "each once");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_workers_racing_over_a_thousand_due_messages_send_each_exactly_once(pool: PgPool) {
    let server = SmtpServer::start();
    let (_, state) = app_sending_to(&pool, &server).await;
    let recipients: Vec<String> = (0..1000).map(|n| format!("p{n}@example.com")).collect();
    enqueue(&state, &recipients).await;
    let now = state.clock.now();
    // Two senders, each with its own SMTP connections, as two server processes would be.
    let first = Deliverer::new(state.pool.clone(), state.clinic_id, messaging(&server));
    let second = Deliverer::new(state.pool.clone(), state.clinic_id, messaging(&server));
    let (a, b) = tokio::join!(deliver_all(&first, now), deliver_all(&second, now));
    assert_eq!(a.sent + b.sent, 1000, "{a:?} {b:?}");
    assert!(a.sent > 0 && b.sent > 0, "both took a share: {a:?} {b:?}");
    let received = server.received();
    assert_eq!(received.len(), 1000);
    let addresses: HashSet<String> = received.iter().flat_map(|r| r.to()).collect();
    assert_eq!(addresses.len(), 1000, "no address twice");
    let sent: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_messages WHERE status = 'sent'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(sent, 1000);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_change_never_writes_its_email_twice(pool: PgPool) {
    let (app, _) = common::app_with_state(
        &pool,
        Clock::fixed(monday_morning()),
        common::media(),
        Messaging::development(),
    )
    .await;
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let (clinic_id, appointment_id, cause): (Uuid, Uuid, String) = sqlx::query_as(
        "SELECT m.clinic_id, a.id, m.cause FROM outbox_messages m
         JOIN appointments a ON m.cause LIKE 'appointment:' || a.id || ':%'
         WHERE m.kind = 'booking_confirmed'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        cause,
        format!("appointment:{appointment_id}:booking_confirmed:0")
    );
    let mut tx = pool.begin().await.unwrap();
    let again = outbox::enqueue_email_for(
        &mut tx,
        clinic_id,
        outbox::Email {
            kind: "booking_confirmed",
            to: GUEST,
            subject: "again",
            body: "again",
        },
        Some(&cause),
        None,
        outbox::Timing::at_once(monday_morning()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        again, None,
        "the second write is refused by the cause's key"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_committed_message_wakes_the_worker_without_waiting_for_its_next_look(pool: PgPool) {
    let server = SmtpServer::start();
    let (_, state) = app_sending_to(&pool, &server).await;
    // Its next look is an hour away: only the outbox's announcement can bring it sooner.
    let worker =
        lumen::workers::deliver_messages(state.deliverer(), std::time::Duration::from_secs(3600));
    let started = std::time::Instant::now();
    loop {
        let listening: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if listening == 1 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the worker never listened"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    enqueue(&state, &["woken@example.com".to_owned()]).await;
    let queued = std::time::Instant::now();
    while to(&server.received(), "woken@example.com").is_empty() {
        assert!(
            queued.elapsed() < std::time::Duration::from_secs(30),
            "the message waited for the worker's next look"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    worker.abort();
    let _ = worker.await;
}

/// Every private link's secret in the outbox as written: runs of 64 hex digits.
async fn secrets_written(pool: &PgPool) -> Vec<(String, String)> {
    let bodies: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, channel, body FROM outbox_messages")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut secrets = Vec::new();
    for (kind, channel, body) in bodies {
        for word in body.split(|c: char| !c.is_ascii_hexdigit()) {
            if word.len() >= 64 {
                secrets.push((format!("{kind} by {channel}"), word.to_owned()));
            }
        }
    }
    secrets
}

/// With a provider set up, no private link can be read in the staff area: not a
/// colleague's password reset (which would hand an admin their account), an invitation,
/// an email change or a patient's booking link, even while the message waits, and not on
/// a channel that has no provider of its own. The development mailbox still shows them.
#[sqlx::test(migrations = "../migrations")]
async fn staff_read_no_private_link_once_messages_really_leave(pool: PgPool) {
    let server = SmtpServer::start();
    let (app, state) = app_sending_to(&pool, &server).await;
    let admin = signed_in(&app, ADMIN).await;
    let patient = signed_in(&app, common::PATIENT).await;
    let asked = [
        (
            "forgot_password",
            None,
            "email=frontdesk%40juniper-clinic.example",
        ),
        (
            "admin/invite_staff",
            Some(&admin),
            "form[name]=Noor+Haddad&form[email]=noor%40example.com&form[role]=front_desk",
        ),
        (
            "account/email",
            Some(&patient),
            "new_email=isla.m%40example.org&current_password=juniper-demo-2026",
        ),
    ];
    for (endpoint, cookie, body) in asked {
        let reply = post_as(&app, endpoint, cookie.map(String::as_str), body).await;
        assert!(reply.status.is_success(), "{endpoint}: {}", reply.body);
    }
    let manage = book(&app, MOLE_CHECK, lewis(&pool).await, at(10, 0), GUEST).await;
    // A text, with no provider for texts, carrying the booking's link.
    let mut tx = state.pool.begin().await.unwrap();
    let text = format!("Your booking: {}/booking/{manage}", common::PUBLIC_URL);
    outbox::enqueue_text(
        &mut tx,
        state.clinic_id,
        outbox::Text {
            channel: "sms",
            kind: "test",
            to: "+447700900123",
            body: &text,
            variables: &serde_json::json!({}),
        },
        "test:text",
        outbox::Timing::at_once(state.clock.now()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let secrets = secrets_written(&pool).await;
    for kind in [
        "reset_password by email",
        "staff_invite by email",
        "change_email by email",
        "test by sms",
    ] {
        assert!(
            secrets.iter().any(|(k, _)| k == kind),
            "{kind}: {secrets:?}"
        );
    }
    assert!(secrets.iter().any(|(_, s)| *s == manage), "{secrets:?}");
    let everything = post_as(&app, "admin/mailbox", Some(&admin), "").await;
    assert!(everything.status.is_success(), "{}", everything.body);
    for (kind, secret) in &secrets {
        assert!(!everything.body.contains(secret.as_str()), "{kind}");
    }
    assert!(everything.body.contains("[link removed once sent]"));

    assert!(everything.body.contains("\"development\":false"));

    // The development mailbox (no provider at all) is the one place links show, and says
    // so: it is how they reach anyone.
    let development = lumen::http::router(AppState {
        messaging: Messaging::development(),
        ..state
    });
    let admin = signed_in(&development, ADMIN).await;
    let mailbox = post_as(&development, "admin/mailbox", Some(&admin), "").await;
    assert!(mailbox.body.contains("\"development\":true"));
    for (kind, secret) in &secrets {
        assert!(mailbox.body.contains(secret.as_str()), "{kind}");
    }
}
