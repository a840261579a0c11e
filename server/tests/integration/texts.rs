//! Texts and WhatsApp through Lumen's real Twilio client against a local stand-in that
//! checks what Twilio checks, with signed status callbacks and inbound messages sent back
//! through the real router: reminders by text, reports that move a message's state on and
//! never back, STOP honoured at once, C confirming, replies reaching the staff inbox, and
//! every unsigned or altered callback refused.

use crate::booking::{at, book, lewis, move_booking, GUEST, MOLE_CHECK};
use crate::common::twilio::{FakeTwilio, Taken, REMINDER_TEMPLATE, SMS_FROM};
use crate::common::{self, post_as, send, signed_in, ADMIN, PUBLIC_URL};
use app::backend::integrations::messaging::{Messaging, Twilio};
use app::backend::state::{AppState, Clock};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::PgPool;

const PHONE: &str = "+447700900123"; // typed "07700 900123" by the booking helper

fn monday(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, h, m, 0).unwrap()
}

async fn texting_app(pool: &PgPool, twilio: &FakeTwilio) -> (Router, AppState) {
    common::app_with_state(
        pool,
        Clock::fixed(monday(8, 0)),
        common::media(),
        Messaging::development().with_texts(Twilio::new(twilio.config())),
    )
    .await
}

/// Books Tuesday 10:00 for the guest, who then asks for reminders by text and WhatsApp
/// and moves the booking to 14:00 (which writes its reminders again). Returns its link.
async fn booked_with_texts(app: &Router, pool: &PgPool) -> String {
    let lewis = lewis(pool).await;
    let manage = book(app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    sqlx::query(
        "UPDATE patients SET remind_by_sms = true, remind_by_whatsapp = true WHERE email = $1",
    )
    .bind(GUEST)
    .execute(pool)
    .await
    .unwrap();
    let moved = move_booking(app, &manage, at(14, 0)).await;
    assert!(moved.status.is_success(), "{}", moved.body);
    manage
}

/// (channel, status, delivery error) of each text, by channel.
async fn texts(pool: &PgPool) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT channel, status, delivery_error FROM outbox_messages
         WHERE channel <> 'email' ORDER BY channel, next_attempt_at",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn by_channel(taken: &[Taken], whatsapp: bool) -> Taken {
    taken
        .iter()
        .find(|t| t.get("To").unwrap().starts_with("whatsapp:") == whatsapp)
        .expect("a message on that channel")
        .clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_go_by_text_and_whatsapp_as_twilio_checks_and_its_reports_come_back(
    pool: PgPool,
) {
    let twilio = FakeTwilio::start().await;
    let (app, state) = texting_app(&pool, &twilio).await;
    booked_with_texts(&app, &pool).await;
    let phone: String = sqlx::query_scalar("SELECT phone FROM patients WHERE email = $1")
        .bind(GUEST)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(phone, PHONE, "stored as E.164 at input");
    // 24 h and 2 h before, by text and by WhatsApp.
    assert_eq!(texts(&pool).await.len(), 4);

    let round = state
        .deliverer()
        .deliver_due(at(14, 0) - Duration::hours(24), 10)
        .await
        .unwrap();
    assert_eq!(round.sent, 2, "the day-before reminders only: {round:?}");
    let taken = twilio.taken();
    let sms = by_channel(&taken, false);
    assert_eq!(sms.get("To"), Some(PHONE));
    assert_eq!(sms.get("From"), Some(SMS_FROM));
    let words = sms.get("Body").unwrap();
    assert!(
        words.contains("Mole and skin check with Dr Lewis Grant"),
        "{words}"
    );
    assert!(words.contains("Reply C to confirm"), "{words}");
    assert!(words.contains("Reply STOP to opt out"), "{words}");
    assert_eq!(
        sms.get("StatusCallback"),
        Some(format!("{PUBLIC_URL}/webhooks/twilio/status").as_str())
    );
    // Nobody wrote to the clinic on WhatsApp, so the approved template goes, filled in.
    let whatsapp = by_channel(&taken, true);
    assert_eq!(
        whatsapp.get("To"),
        Some(format!("whatsapp:{PHONE}").as_str())
    );
    assert_eq!(whatsapp.get("Body"), None);
    assert_eq!(whatsapp.get("ContentSid"), Some(REMINDER_TEMPLATE));
    let variables: serde_json::Value =
        serde_json::from_str(whatsapp.get("ContentVariables").unwrap()).unwrap();
    assert_eq!(variables["1"], "Ana");
    assert_eq!(variables["2"], "Mole and skin check");
    assert!(
        variables["3"].as_str().unwrap().contains("14:00"),
        "{variables}"
    );
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT provider_message_id FROM outbox_messages WHERE status = 'sent' ORDER BY provider_message_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut sids = vec![sms.sid.clone(), whatsapp.sid.clone()];
    sids.sort();
    assert_eq!(stored, sids, "Twilio's ids are recorded");

    // Reports arrive in any order; a late "sent" does not undo "delivered".
    for status in ["delivered", "sent", "queued"] {
        let reply = send(&app, FakeTwilio::report(&sms, status, None)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let reply = send(
        &app,
        FakeTwilio::report(&whatsapp, "undelivered", Some("30003")),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let states = texts(&pool).await;
    let sent: Vec<_> = states.iter().filter(|t| t.1 != "queued").collect();
    assert_eq!(sent[0].0, "sms");
    assert_eq!(sent[0].1, "delivered");
    assert_eq!(sent[1].0, "whatsapp");
    assert_eq!(sent[1].1, "undelivered");
    let error = sent[1].2.as_deref().unwrap();
    assert!(
        error.contains("30003") && error.contains("out of reach"),
        "{error}"
    );

    // Staff see it in the log with Twilio's words.
    let admin = signed_in(&app, ADMIN).await;
    let log = post_as(&app, "admin/mailbox", Some(&admin), "").await;
    assert!(log.body.contains("out of reach"), "{}", log.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_report_that_comes_before_the_sender_records_the_id_is_not_lost(pool: PgPool) {
    let twilio = FakeTwilio::start().await;
    let (app, state) = texting_app(&pool, &twilio).await;
    booked_with_texts(&app, &pool).await;
    // Twilio's first id will be this one; its report arrives before anything is sent.
    let early = Taken {
        sid: format!("SM{:032x}", 1),
        form: vec![
            ("To".into(), PHONE.into()),
            (
                "StatusCallback".into(),
                format!("{PUBLIC_URL}/webhooks/twilio/status"),
            ),
        ],
    };
    let reply = send(&app, FakeTwilio::report(&early, "delivered", None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    state
        .deliverer()
        .deliver_due(at(14, 0) - Duration::hours(24), 1)
        .await
        .unwrap();
    assert_eq!(twilio.taken()[0].sid, early.sid);
    let delivered: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_messages WHERE status = 'delivered'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(delivered, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn callbacks_without_twilios_signature_are_refused_and_change_nothing(pool: PgPool) {
    let twilio = FakeTwilio::start().await;
    let (app, state) = texting_app(&pool, &twilio).await;
    booked_with_texts(&app, &pool).await;
    state
        .deliverer()
        .deliver_due(at(14, 0) - Duration::hours(24), 10)
        .await
        .unwrap();
    let sms = by_channel(&twilio.taken(), false);
    let path = "/webhooks/twilio/status";
    let params = [
        ("AccountSid", crate::common::twilio::ACCOUNT_SID),
        ("MessageSid", sms.sid.as_str()),
        ("MessageStatus", "delivered"),
    ];
    let body = serde_urlencoded::to_string(params).unwrap();
    let post = |signature: Option<String>, body: String| {
        let mut request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "attacker.example");
        if let Some(signature) = signature {
            request = request.header("x-twilio-signature", signature);
        }
        request.body(Body::from(body)).unwrap()
    };
    let right_url = format!("{PUBLIC_URL}{path}");
    let altered = serde_urlencoded::to_string([
        ("AccountSid", crate::common::twilio::ACCOUNT_SID),
        ("MessageSid", sms.sid.as_str()),
        ("MessageStatus", "failed"),
    ])
    .unwrap();
    for (what, request) in [
        ("no signature", post(None, body.clone())),
        (
            "a made-up signature",
            post(Some("bm9wZQ==".into()), body.clone()),
        ),
        (
            "signed over the request's Host header",
            post(
                Some(FakeTwilio::sign(
                    &format!("http://attacker.example{path}"),
                    &params,
                )),
                body.clone(),
            ),
        ),
        (
            "an altered field",
            post(Some(FakeTwilio::sign(&right_url, &params)), altered),
        ),
    ] {
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{what}");
    }
    let inbound = FakeTwilio::inbound("SMforged", PHONE, "STOP");
    let (parts, _) = inbound.into_parts();
    let forged = Request::from_parts(
        parts,
        Body::from(
            serde_urlencoded::to_string([
                ("MessageSid", "SMforged"),
                ("From", PHONE),
                ("Body", "C"),
            ])
            .unwrap(),
        ),
    );
    assert_eq!(send(&app, forged).await.status, StatusCode::FORBIDDEN);
    let states: Vec<String> = texts(&pool).await.into_iter().map(|t| t.1).collect();
    assert!(
        !states.iter().any(|s| s == "delivered" || s == "failed"),
        "{states:?}"
    );
    let inbound: i64 = sqlx::query_scalar("SELECT count(*) FROM inbound_messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(inbound, 0);

    // Without Twilio configured there is nothing there.
    let plain = lumen::http::router(AppState {
        messaging: Messaging::development(),
        ..state
    });
    let reply = send(&plain, FakeTwilio::report(&sms, "delivered", None)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn stop_opts_the_number_out_at_once_and_start_opts_it_back_in(pool: PgPool) {
    let twilio = FakeTwilio::start().await;
    let (app, state) = texting_app(&pool, &twilio).await;
    let manage = booked_with_texts(&app, &pool).await;

    let reply = send(&app, FakeTwilio::inbound("SMin1", PHONE, "Stop")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "text/xml; charset=utf-8");
    assert!(
        reply.body.contains("<Message>You won't get any more texts"),
        "{}",
        reply.body
    );
    // Twilio delivers a webhook again when unsure: it is handled once.
    let again = send(&app, FakeTwilio::inbound("SMin1", PHONE, "Stop")).await;
    assert!(again.body.ends_with("<Response/>"), "{}", again.body);
    let channels: Vec<String> = texts(&pool).await.into_iter().map(|t| t.0).collect();
    assert_eq!(
        channels,
        ["whatsapp", "whatsapp"],
        "queued texts are gone, WhatsApp stays"
    );

    // Moving the booking writes no new texts; a text already written is never sent.
    move_booking(&app, &manage, at(15, 0)).await;
    let channels: Vec<String> = texts(&pool).await.into_iter().map(|t| t.0).collect();
    assert_eq!(channels, ["whatsapp", "whatsapp"]);
    sqlx::query(
        "INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, body, created_at, next_attempt_at)
         SELECT id, 'sms', 'reminder', $1, 'written just before the STOP', $2, $2 FROM clinics",
    )
    .bind(PHONE)
    .bind(monday(8, 0))
    .execute(&pool)
    .await
    .unwrap();
    let round = state
        .deliverer()
        .deliver_due(monday(8, 0), 10)
        .await
        .unwrap();
    assert_eq!(round.dead, 1);
    assert_eq!(twilio.requests(), 0, "nothing went to Twilio");

    // START: texts again.
    let reply = send(&app, FakeTwilio::inbound("SMin2", PHONE, "START")).await;
    assert!(reply.body.contains("again"), "{}", reply.body);
    move_booking(&app, &manage, at(16, 0)).await;
    let sms = texts(&pool)
        .await
        .into_iter()
        .filter(|t| t.0 == "sms" && t.1 == "queued")
        .count();
    assert_eq!(sms, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn c_confirms_the_next_appointment_and_other_words_reach_the_staff_inbox(pool: PgPool) {
    let twilio = FakeTwilio::start().await;
    let (app, state) = texting_app(&pool, &twilio).await;
    booked_with_texts(&app, &pool).await;

    let reply = send(&app, FakeTwilio::inbound("SMin1", PHONE, "c")).await;
    assert!(
        reply
            .body
            .contains("your Mole and skin check on Tuesday 17 March 2026, 14:00"),
        "{}",
        reply.body
    );
    let confirmed: Option<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT a.patient_confirmed_at FROM appointments a
         JOIN patients p ON p.id = a.patient_id WHERE p.email = $1",
    )
    .bind(GUEST)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(confirmed, Some(monday(8, 0)));

    let words = "Can I bring my <daughter> along?";
    let reply = send(
        &app,
        FakeTwilio::inbound("SMin2", &format!("whatsapp:{PHONE}"), words),
    )
    .await;
    assert!(
        reply.body.contains("has gone to the team"),
        "{}",
        reply.body
    );
    let stranger = send(&app, FakeTwilio::inbound("SMin3", "+447700900999", "C")).await;
    assert!(
        stranger
            .body
            .contains("couldn't find an upcoming appointment"),
        "{}",
        stranger.body
    );

    // The front desk reads them, tied to the patient where the number is known.
    let admin = signed_in(&app, ADMIN).await;
    let log = post_as(&app, "admin/mailbox", Some(&admin), "").await;
    assert!(log.status.is_success(), "{}", log.body);
    let mailbox: serde_json::Value = serde_json::from_str(&log.body).unwrap();
    let inbox = mailbox["inbox"].as_array().unwrap();
    assert_eq!(inbox.len(), 3);
    let reply = inbox.iter().find(|m| m["body"] == words).unwrap();
    assert_eq!(reply["patient_name"], "Ana Ruiz");
    assert_eq!(reply["channel"], "whatsapp");
    assert_eq!(reply["handled_as"], "inbox");
    let unknown = inbox
        .iter()
        .find(|m| m["from_phone"] == "+447700900999")
        .unwrap();
    assert_eq!(unknown["patient_id"], serde_json::Value::Null);
    // The appointment's page says the patient confirmed.
    let id: uuid::Uuid = sqlx::query_scalar(
        "SELECT a.id FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE p.email = $1",
    )
    .bind(GUEST)
    .fetch_one(&pool)
    .await
    .unwrap();
    let detail = post_as(&app, "admin/appointment", Some(&admin), &format!("id={id}")).await;
    let detail: serde_json::Value = serde_json::from_str(&detail.body).unwrap();
    assert_eq!(detail["patient_confirmed"], "Mon 16 Mar, 08:00");
    // The page escapes what patients write.
    let page = common::get_as(&app, "/admin/mailbox", Some(&admin)).await;
    assert!(
        page.body.contains("Can I bring my &lt;daughter&gt; along?"),
        "{}",
        page.body
    );

    // Having written on WhatsApp, the patient is within its 24-hour window: words go,
    // not the template.
    state
        .deliverer()
        .deliver_due(at(14, 0) - Duration::hours(24), 10)
        .await
        .unwrap();
    let whatsapp = by_channel(&twilio.taken(), true);
    assert_eq!(whatsapp.get("ContentSid"), None);
    assert!(whatsapp.get("Body").unwrap().contains("Reply C to confirm"));
}

#[sqlx::test(migrations = "../migrations")]
async fn twilio_failures_are_retried_or_dead_lettered_as_they_deserve(pool: PgPool) {
    let twilio = FakeTwilio::start().await;
    let (app, state) = texting_app(&pool, &twilio).await;
    booked_with_texts(&app, &pool).await;
    // Only the SMS this time.
    sqlx::query("DELETE FROM outbox_messages WHERE channel = 'whatsapp'")
        .execute(&pool)
        .await
        .unwrap();
    let deliverer = state.deliverer();
    let mut now = at(14, 0) - Duration::hours(24);

    // Three 500s, then accepted: one message taken, four tries with growing waits.
    twilio.answer_next(&[500, 500, 500]);
    let mut waits = Vec::new();
    for _ in 0..4 {
        deliverer.deliver_due(now, 1).await.unwrap();
        let next: DateTime<Utc> = sqlx::query_scalar(
            "SELECT next_attempt_at FROM outbox_messages WHERE channel = 'sms' ORDER BY next_attempt_at LIMIT 1",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        waits.push(next - now);
        now = now.max(next);
    }
    assert_eq!(twilio.requests(), 4);
    assert_eq!(twilio.taken().len(), 1, "exactly one message taken");
    assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");

    // Too many requests: Twilio's Retry-After is a floor for the wait.
    twilio.answer_next(&[429]);
    let second: DateTime<Utc> = sqlx::query_scalar(
        "SELECT next_attempt_at FROM outbox_messages WHERE channel = 'sms' AND status = 'queued'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    deliverer.deliver_due(second, 1).await.unwrap();
    let retry: DateTime<Utc> = sqlx::query_scalar(
        "SELECT next_attempt_at FROM outbox_messages WHERE channel = 'sms' AND status = 'queued'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        retry - second >= Duration::seconds(120),
        "{}",
        retry - second
    );

    // A number Twilio cannot use (kept from before numbers were made E.164): dead at once.
    sqlx::query("UPDATE outbox_messages SET recipient = '0131 496' WHERE channel = 'sms' AND status = 'queued'")
        .execute(&pool)
        .await
        .unwrap();
    let round = deliverer.deliver_due(retry, 1).await.unwrap();
    assert_eq!(round.dead, 1);
    let error: String = sqlx::query_scalar(
        "SELECT last_error FROM outbox_messages WHERE channel = 'sms' AND status = 'dead'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(error.contains("Twilio error 21211"), "{error}");
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_reply_to_a_patients_message_on_the_channel_it_came_by(pool: PgPool) {
    let twilio = FakeTwilio::start().await;
    let (app, state) = texting_app(&pool, &twilio).await;
    booked_with_texts(&app, &pool).await;
    let whatsapp = format!("whatsapp:{PHONE}");
    send(
        &app,
        FakeTwilio::inbound("SMq1", &whatsapp, "Is there parking?"),
    )
    .await;
    send(
        &app,
        FakeTwilio::inbound("SMq2", PHONE, "Running 5 min late"),
    )
    .await;
    let inbound = |sid: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, uuid::Uuid>(
                "SELECT id FROM inbound_messages WHERE provider_message_id = $1",
            )
            .bind(sid)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let question = inbound("SMq1").await;
    let late = inbound("SMq2").await;
    let desk = signed_in(&app, crate::common::FRONT_DESK).await;
    let reply = |id: uuid::Uuid, body: &str| {
        let form = crate::common::form(&[("id", &id.to_string()), ("body", body)]);
        let (app, desk) = (app.clone(), desk.clone());
        async move { post_as(&app, "admin/mailbox/reply", Some(&desk), &form).await }
    };

    let empty = reply(question, "  ").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(crate::common::field_problems(&empty)[0].field, "body");

    // The front desk answers; the same words sent twice go once.
    for _ in 0..2 {
        let sent = reply(question, "Yes: free parking behind the clinic.").await;
        assert!(
            sent.status.is_success() || sent.status.is_redirection(),
            "{}",
            sent.body
        );
    }
    let replies: Vec<(String, String, String)> =
        sqlx::query_as("SELECT channel, recipient, body FROM outbox_messages WHERE kind = 'reply'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        replies,
        [(
            "whatsapp".to_owned(),
            PHONE.to_owned(),
            "Yes: free parking behind the clinic.".to_owned()
        )]
    );
    state
        .deliverer()
        .deliver_due(monday(8, 0), 10)
        .await
        .unwrap();
    let taken = twilio.taken();
    let went = taken
        .iter()
        .find(|t| t.get("Body") == Some("Yes: free parking behind the clinic."))
        .expect("Twilio took the reply");
    assert_eq!(went.get("To"), Some(whatsapp.as_str()));

    // Not to a number that said STOP, and not on WhatsApp once its 24 hours have passed.
    send(&app, FakeTwilio::inbound("SMq3", PHONE, "STOP")).await;
    let stopped = reply(late, "No problem, see you soon.").await;
    assert_eq!(
        stopped.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        stopped.body
    );
    assert!(stopped.body.contains("replied STOP"), "{}", stopped.body);
    sqlx::query("UPDATE inbound_messages SET received_at = received_at - interval '25 hours'")
        .execute(&pool)
        .await
        .unwrap();
    let closed = reply(question, "And one more thing").await;
    assert!(closed.body.contains("within 24 hours"), "{}", closed.body);
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_messages WHERE kind = 'reply'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(count, 1);
}
