//! Reminders through the real booking pages: written with the booking at the right
//! moments, moved with it, removed when it is cancelled, never late, never to a patient
//! who turned them off, and for each place at a group session; handed to a real SMTP
//! server when due. The exact instants across clock changes and quiet hours are
//! `domain::reminders`' tests.

use crate::booking::{
    at, book, confirm, details, held_link, lewis, link_in, move_booking, save_details,
    CONSULTATION, GUEST, MOLE_CHECK,
};
use crate::common::smtp::SmtpServer;
use crate::common::{self, form, post_as};
use app::backend::integrations::messaging::{Messaging, Smtp};
use app::backend::state::Clock;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

fn monday(h: u32, m: u32) -> DateTime<Utc> {
    // London is on GMT in March until the 29th: local times are UTC times.
    Utc.with_ymd_and_hms(2026, 3, 16, h, m, 0).unwrap()
}

/// The queued reminders: (recipient, when due), soonest first.
async fn reminders(pool: &PgPool) -> Vec<(String, DateTime<Utc>)> {
    sqlx::query_as(
        "SELECT recipient, next_attempt_at FROM outbox_messages
         WHERE kind = 'reminder' AND status = 'queued' ORDER BY next_attempt_at, recipient",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booking_gets_reminders_a_day_and_two_hours_before_and_they_go_when_due(pool: PgPool) {
    let server = SmtpServer::start();
    let clock = Clock::fixed(monday(8, 0));
    let (app, state) = common::app_with_state(
        &pool,
        clock.clone(),
        common::media(),
        Messaging::development()
            .with_email(Smtp::from_url(&server.url(), "bookings@juniper-clinic.example").unwrap()),
    )
    .await;
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    assert_eq!(
        reminders(&pool).await,
        [
            (GUEST.to_owned(), at(10, 0) - Duration::hours(24)),
            (GUEST.to_owned(), at(8, 0)),
        ]
    );

    let deliverer = state.deliverer();
    deliverer.deliver_due(monday(9, 59), 10).await.unwrap();
    let received = |kind: &str| {
        server
            .received()
            .into_iter()
            .filter(|r| r.header("Subject").starts_with(kind))
            .collect::<Vec<_>>()
    };
    assert!(received("Reminder").is_empty(), "not before its time");
    deliverer.deliver_due(monday(10, 0), 10).await.unwrap();
    let sent = received("Reminder");
    assert_eq!(sent.len(), 1);
    let text = sent[0].text_of("text/plain");
    assert!(
        text.contains("Tuesday 17 March 2026, 10:00–10:45 (Europe/London)"),
        "{text}"
    );
    assert!(
        text.contains("Mole and skin check with Dr Lewis Grant"),
        "{text}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn moving_a_booking_moves_its_reminders_and_cancelling_removes_them(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(monday(8, 0))).await;
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let moved = move_booking(&app, &manage, at(14, 0)).await;
    assert!(moved.status.is_success(), "{}", moved.body);
    assert_eq!(
        reminders(&pool).await,
        [
            (GUEST.to_owned(), at(14, 0) - Duration::hours(24)),
            (GUEST.to_owned(), at(12, 0)),
        ],
        "only the new time's reminders"
    );
    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    assert!(reminders(&pool).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booking_made_inside_a_reminders_window_does_not_get_it_late(pool: PgPool) {
    // Booked on Monday at 12:00 for Tuesday 10:00: the day-before reminder's moment has
    // passed, so only the one two hours before is written.
    let app = common::app_with_clock(&pool, Clock::fixed(monday(12, 0))).await;
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    assert_eq!(reminders(&pool).await, [(GUEST.to_owned(), at(8, 0))]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reminder_due_in_quiet_hours_goes_when_they_end(pool: PgPool) {
    // Quiet until 09:00: 2 hours before Tuesday 10:00 is 08:00, so it goes at 09:00.
    let app = common::app_with_clock(&pool, Clock::fixed(monday(8, 0))).await;
    sqlx::query("UPDATE clinics SET quiet_hours_end = '09:00'")
        .execute(&pool)
        .await
        .unwrap();
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let due: Vec<DateTime<Utc>> = reminders(&pool).await.into_iter().map(|r| r.1).collect();
    assert_eq!(due, [monday(10, 0), at(9, 0)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_who_turned_reminders_off_gets_none_and_the_clinics_rules_decide_the_times(
    pool: PgPool,
) {
    let app = common::app_with_clock(&pool, Clock::fixed(monday(8, 0))).await;
    let lewis = lewis(&pool).await;
    sqlx::query("UPDATE reminder_rules SET by_email = false WHERE hours_before = 2")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO reminder_rules (clinic_id, hours_before) SELECT id, 48 FROM clinics")
        .execute(&pool)
        .await
        .unwrap();
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    // 48 hours before is already past; 2 hours before is off: only the day before.
    assert_eq!(
        reminders(&pool).await,
        [(GUEST.to_owned(), at(10, 0) - Duration::hours(24))]
    );

    sqlx::query("UPDATE patients SET remind_by_email = false WHERE email = $1")
        .bind(GUEST)
        .execute(&pool)
        .await
        .unwrap();
    let moved = move_booking(&app, &manage, at(14, 0)).await;
    assert!(moved.status.is_success(), "{}", moved.body);
    assert!(
        reminders(&pool).await.is_empty(),
        "they turned reminders off"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn each_place_at_a_group_session_gets_its_reminders(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(monday(8, 0))).await;
    let (session, starts): (Uuid, DateTime<Utc>) = sqlx::query_as(
        "SELECT a.id, lower(a.period) FROM appointments a JOIN treatments t ON t.id = a.treatment_id
         WHERE t.slug = 'skin-health-workshop' AND lower(a.period) > $1
         ORDER BY lower(a.period) LIMIT 1",
    )
    .bind(monday(8, 0) + Duration::days(2))
    .fetch_one(&pool)
    .await
    .unwrap();
    for (first, email) in [("Ana", "ana@example.com"), ("Rui", "rui@example.com")] {
        let booked = post_as(
            &app,
            "booking/book_seat",
            None,
            &form(&[
                ("session", &session.to_string()),
                ("details[first_name]", first),
                ("details[last_name]", "Costa"),
                ("details[email]", email),
                ("details[phone]", "07700 900123"),
            ]),
        )
        .await;
        assert!(booked.status.is_success(), "{}", booked.body);
    }
    let due: Vec<(String, DateTime<Utc>)> = reminders(&pool).await;
    assert_eq!(due.len(), 4, "two each: {due:?}");
    for email in ["ana@example.com", "rui@example.com"] {
        let mine: Vec<DateTime<Utc>> = due
            .iter()
            .filter(|(to, _)| to == email)
            .map(|(_, at)| *at)
            .collect();
        assert_eq!(mine.len(), 2, "{email}");
        assert!(mine.iter().all(|at| *at < starts));
    }
}

/// The bodies of the queued emails of `kind`, oldest first.
async fn emails_of(pool: &PgPool, kind: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT body FROM outbox_messages WHERE kind = $1 AND channel = 'email'
         ORDER BY next_attempt_at",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_video_visits_confirmation_and_reminders_carry_the_way_in_and_no_address(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(monday(8, 0))).await;
    let lewis = lewis(&pool).await;
    let hold = held_link(&app, CONSULTATION, lewis, at(10, 0)).await;
    let mut fields = details(GUEST);
    fields.push(("details[mode]", "video".to_owned()));
    let saved = save_details(&app, &hold, &fields).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let confirmed = confirm(&app, &hold).await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    let manage = link_in(&confirmed, "/booking/");
    let visit = format!("/booking/{manage}/visit");

    let confirmation = &emails_of(&pool, "booking_confirmed").await[0];
    assert!(
        confirmation.contains("This is a video visit"),
        "{confirmation}"
    );
    assert!(confirmation.contains(&visit), "{confirmation}");
    assert!(!confirmation.contains("Where:"), "{confirmation}");
    let reminders = emails_of(&pool, "reminder").await;
    assert_eq!(reminders.len(), 2);
    for body in &reminders {
        assert!(body.contains("by video"), "{body}");
        assert!(body.contains(&visit), "{body}");
        assert!(!body.contains("Edinburgh"), "{body}");
    }

    // Moved by the patient through the link: the new reminders still carry it.
    let moved = move_booking(&app, &manage, at(14, 0)).await;
    assert!(moved.status.is_success(), "{}", moved.body);
    let reminders = emails_of(&pool, "reminder").await;
    assert_eq!(reminders.len(), 2);
    assert!(reminders.iter().all(|body| body.contains(&visit)));

    // An appointment in person still says where.
    book(&app, MOLE_CHECK, lewis, at(16, 0), "rui@example.com").await;
    let confirmation = &emails_of(&pool, "booking_confirmed").await[1];
    assert!(confirmation.contains("Where: "), "{confirmation}");
    assert!(!confirmation.contains("video"), "{confirmation}");
}

/// The settings form as the screen would post it, from what `admin/settings` holds, with
/// `changes` made.
#[sqlx::test(migrations = "../migrations")]
async fn an_admin_sets_when_reminders_go_and_a_bad_value_changes_nothing(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(monday(8, 0))).await;
    let admin = common::signed_in(&app, common::ADMIN).await;
    let shown = post_as(&app, "admin/settings", Some(&admin), "").await;
    assert!(
        shown.body.contains("\"reminder_hours\":\"24, 2\""),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("\"quiet_hours_start\":\"21:00\""));

    let bad = common::settings_with(
        &app,
        &admin,
        &[("reminder_hours", "soon"), ("quiet_hours_end", "7")],
    )
    .await;
    let refused = post_as(&app, "admin/save_settings", Some(&admin), &bad).await;
    assert_eq!(refused.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("reminder_hours") && refused.body.contains("quiet_hours_end"));

    let good = common::settings_with(
        &app,
        &admin,
        &[
            ("reminder_hours", "48, 3"),
            ("quiet_hours_end", "07:00"),
            ("remind_by_sms", ""),
        ],
    )
    .await;
    let saved = post_as(&app, "admin/save_settings", Some(&admin), &good).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let rules: Vec<(i32, bool, bool)> = sqlx::query_as(
        "SELECT hours_before, by_email, by_sms FROM reminder_rules ORDER BY hours_before DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rules, [(48, true, false), (3, true, false)]);

    // The next booking follows them: 48 hours before is past, 3 hours before is 07:00,
    // which is no longer quiet.
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    assert_eq!(reminders(&pool).await, [(GUEST.to_owned(), at(7, 0))]);
}
