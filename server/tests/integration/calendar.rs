//! The staff calendar through the real router against PostgreSQL: booking a patient in,
//! seeing it on the calendar, recording how it went, moving and cancelling with history
//! and audit rows, the same availability rules as online booking, and double-booking only
//! where the clinic allows it and staff ask for it. The clock is fixed at 08:00 on the
//! demo's Monday, 16 March 2026; London is on GMT, so local times are UTC times.

use crate::common;

use app::admin::calendar::types::{AppointmentDetail, CalendarData};
use app::admin::patients::types::{PatientDetail, PatientRow};
use app::backend::state::Clock;
use app::error::AppError;
use axum::http::StatusCode;
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use common::{app_error, emails_to, field_problems, form, post_as, signed_in, FRONT_DESK};
use sqlx::PgPool;
use uuid::Uuid;

const MOLE_CHECK: &str = "mole-check"; // 45 min + 10 after; only Lewis Grant
const NEW_PATIENT: &str = "noor.haddad@example.com";

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 17, h, m, 0).unwrap()
}

async fn desk(pool: &PgPool) -> (Router, String) {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap());
    let app = common::app_with_clock(pool, clock).await;
    let cookie = signed_in(&app, FRONT_DESK).await;
    (app, cookie)
}

async fn lewis_and_location(pool: &PgPool) -> (Uuid, Uuid) {
    sqlx::query_as(
        "SELECT p.id, s.location_id FROM providers p
         JOIN provider_schedules s ON s.provider_id = p.id
         WHERE p.slug = 'lewis-grant' LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Books `NEW_PATIENT` (new to the clinic) with Lewis on Tuesday at `time`.
async fn book_new_patient(
    app: &Router,
    cookie: &str,
    pool: &PgPool,
    time: &str,
    extra: &[(&str, &str)],
) -> common::Reply {
    let (lewis, location) = lewis_and_location(pool).await;
    let (lewis, location) = (lewis.to_string(), location.to_string());
    let mut fields = vec![
        ("form[patient]", ""),
        ("form[first_name]", "Noor"),
        ("form[last_name]", "Haddad"),
        ("form[email]", NEW_PATIENT),
        ("form[phone]", "020 7946 0111"),
        ("form[treatment]", MOLE_CHECK),
        ("form[provider]", lewis.as_str()),
        ("form[location]", location.as_str()),
        ("form[date]", "2026-03-17"),
        ("form[time]", time),
        ("form[mode]", "in_person"),
        ("form[notes]", "Referred by her GP"),
    ];
    fields.extend_from_slice(extra);
    post_as(
        app,
        "admin/create_appointment",
        Some(cookie),
        &form(&fields),
    )
    .await
}

fn booked_id(reply: &common::Reply) -> Uuid {
    let location = reply.headers["location"].to_str().unwrap();
    let rest = location
        .strip_prefix("/admin/appointments/")
        .unwrap_or_else(|| panic!("{location}: {}", reply.body));
    Uuid::parse_str(rest.strip_suffix("?saved=booked").unwrap()).unwrap()
}

/// The change went through: the reply sends the page on to its `?saved=` notice.
pub(crate) fn saved(reply: &common::Reply, what: &str) {
    let location = reply
        .headers
        .get("location")
        .unwrap_or_else(|| panic!("not saved ({}): {}", reply.status, reply.body));
    assert!(
        location
            .to_str()
            .unwrap()
            .ends_with(&format!("?saved={what}")),
        "{location:?}"
    );
}

async fn detail(app: &Router, cookie: &str, id: Uuid) -> AppointmentDetail {
    let reply = post_as(app, "admin/appointment", Some(cookie), &format!("id={id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn outcome(app: &Router, cookie: &str, id: Uuid, outcome: &str) -> common::Reply {
    post_as(
        app,
        "admin/record_outcome",
        Some(cookie),
        &format!("id={id}&outcome={outcome}"),
    )
    .await
}

async fn audited(pool: &PgPool, action: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = $1 AND subject_type = 'appointment'
           AND subject_id = $2 AND actor_role = 'front_desk'",
    )
    .bind(action)
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn front_desk_books_a_new_patient_sees_it_on_the_calendar_and_records_how_it_went(
    pool: PgPool,
) {
    let (app, cookie) = desk(&pool).await;
    let reply = book_new_patient(&app, &cookie, &pool, "10:00", &[]).await;
    let id = booked_id(&reply);

    // One transaction made the patient, the appointment, its history and its audit row,
    // and queued the confirmation with a link the patient can manage it from.
    let (status, starts, patient_email): (String, DateTime<Utc>, String) = sqlx::query_as(
        "SELECT a.status::text, lower(a.period), p.email FROM appointments a
         JOIN patients p ON p.id = a.patient_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), starts), ("confirmed", at(10, 0)));
    assert_eq!(patient_email, NEW_PATIENT);
    let (change, via, by_staff): (String, String, bool) = sqlx::query_as(
        "SELECT c.change, c.via, u.role = 'front_desk' FROM appointment_changes c
         JOIN users u ON u.id = c.changed_by WHERE c.appointment_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (change.as_str(), via.as_str(), by_staff),
        ("booked", "staff", true)
    );
    assert_eq!(audited(&pool, "booked", id).await, 1);
    let emails = emails_to(&pool, NEW_PATIENT).await;
    assert_eq!(emails.len(), 1);
    assert!(
        emails[0].1.contains("https://clinic.example/booking/"),
        "{}",
        emails[0].1
    );

    // The day view puts it in Lewis's column, 10:00 to 10:45, with the patient's name.
    let reply = post_as(
        &app,
        "admin/calendar",
        Some(&cookie),
        "day=2026-03-17&span=day&by=provider&chosen=",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let calendar: CalendarData = serde_json::from_str(&reply.body).unwrap();
    let lewis = calendar
        .columns
        .iter()
        .find(|c| c.heading == "Dr Lewis Grant")
        .expect("a column for Lewis");
    let block = lewis
        .blocks
        .iter()
        .find(|b| b.id == id.to_string())
        .expect("the new booking on Lewis's day");
    assert_eq!(block.time, "10:00–10:45");
    assert_eq!(block.patient, "Noor Haddad");
    assert_eq!(block.status, "confirmed");
    assert_eq!(block.height, 45);
    // The seeded 09:00 booking sits above it, an hour apart on the axis.
    let nine = lewis
        .blocks
        .iter()
        .find(|b| b.time.starts_with("09:00"))
        .unwrap();
    assert_eq!(block.top - nine.top, 60);
    // Nobody else's column has it.
    assert!(calendar
        .columns
        .iter()
        .filter(|c| c.heading != "Dr Lewis Grant")
        .all(|c| c.blocks.iter().all(|b| b.id != id.to_string())));

    // Arrived, then completed; each is history and audit, and neither can repeat.
    let before = detail(&app, &cookie, id).await;
    assert_eq!(
        before.outcomes,
        vec!["arrived", "completed"],
        "no-show waits for the time"
    );
    saved(&outcome(&app, &cookie, id, "arrived").await, "arrived");
    let arrived = outcome(&app, &cookie, id, "arrived").await;
    assert_eq!(arrived.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app_error(&arrived),
        AppError::Invalid("The patient is already marked as arrived.".to_owned())
    );
    saved(&outcome(&app, &cookie, id, "completed").await, "completed");
    let after = detail(&app, &cookie, id).await;
    assert_eq!(after.status, "completed");
    assert!(after.arrived_at.is_some());
    assert!(after.outcomes.is_empty());
    assert!(!after.can_change);
    let history: Vec<&str> = after.history.iter().map(|h| h.what.as_str()).collect();
    assert_eq!(history, vec!["Booked", "Arrived", "Completed"]);
    assert_eq!(audited(&pool, "completed", id).await, 1);
    let again = outcome(&app, &cookie, id, "completed").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_bookings_keep_the_same_rules_and_double_booking_needs_the_clinic_and_the_tick(
    pool: PgPool,
) {
    let (app, cookie) = desk(&pool).await;
    // 09:00 is Lewis's seeded booking: refused beside the time, with free times near it.
    let taken = book_new_patient(&app, &cookie, &pool, "09:00", &[]).await;
    let problems = field_problems(&taken);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "time");
    assert!(
        problems[0].message.contains("is not free")
            && problems[0].message.contains("Tue 17 Mar 10:00"),
        "{}",
        problems[0].message
    );
    // Before opening hours is refused the same way.
    let early = field_problems(&book_new_patient(&app, &cookie, &pool, "06:00", &[]).await);
    assert_eq!(early[0].field, "time");
    // A form with nothing chosen names every missing choice.
    let empty = field_problems(
        &post_as(
            &app,
            "admin/create_appointment",
            Some(&cookie),
            "form[patient]=",
        )
        .await,
    );
    let fields: Vec<&str> = empty.iter().map(|p| p.field.as_str()).collect();
    assert!(
        fields.contains(&"first_name") && fields.contains(&"treatment") && fields.contains(&"time"),
        "{fields:?}"
    );

    // Ticking "double-book" is refused while the clinic does not allow it.
    let tick = [("form[double_book]", "on")];
    let refused = book_new_patient(&app, &cookie, &pool, "09:00", &tick).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        matches!(app_error(&refused), AppError::Invalid(m) if m.contains("does not allow double-booking"))
    );
    let appointments: i64 = sqlx::query_scalar("SELECT count(*) FROM appointments")
        .fetch_one(&pool)
        .await
        .unwrap();

    sqlx::query("UPDATE clinics SET allow_double_booking = true")
        .execute(&pool)
        .await
        .unwrap();
    // Allowed, but not ticked: still refused.
    assert_eq!(
        book_new_patient(&app, &cookie, &pool, "09:00", &[])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Allowed and ticked: booked over the 09:00, marked, and audited as staff.
    let id = booked_id(&book_new_patient(&app, &cookie, &pool, "09:00", &tick).await);
    let (double_booked, overlapping): (bool, i64) = sqlx::query_as(
        "SELECT a.double_booked,
                (SELECT count(*) FROM appointments o WHERE o.provider_id = a.provider_id
                   AND o.period && a.period AND o.status <> 'cancelled')
         FROM appointments a WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(double_booked);
    assert_eq!(overlapping, 2);
    assert_eq!(audited(&pool, "booked", id).await, 1);
    let now: i64 = sqlx::query_scalar("SELECT count(*) FROM appointments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(now, appointments + 1, "the refusals wrote nothing");

    // On the calendar both 09:00 bookings share Lewis's column side by side.
    let reply = post_as(&app, "admin/calendar", Some(&cookie), "day=2026-03-17").await;
    let calendar: CalendarData = serde_json::from_str(&reply.body).unwrap();
    let lewis = calendar
        .columns
        .iter()
        .find(|c| c.heading == "Dr Lewis Grant")
        .unwrap();
    let nine: Vec<_> = lewis
        .blocks
        .iter()
        .filter(|b| b.time.starts_with("09:00"))
        .collect();
    assert_eq!(nine.len(), 2);
    assert!(nine.iter().all(|b| b.lanes == 2));
    assert_ne!(nine[0].lane, nine[1].lane);
    assert!(nine.iter().any(|b| b.double_booked));
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_move_and_cancel_with_the_patient_told_and_every_step_kept(pool: PgPool) {
    let (app, cookie) = desk(&pool).await;
    let id = booked_id(&book_new_patient(&app, &cookie, &pool, "10:00", &[]).await);
    let (lewis, _) = lewis_and_location(&pool).await;
    let move_to = |time: &str| {
        form(&[
            ("id", &id.to_string()),
            ("form[provider]", &lewis.to_string()),
            ("form[date]", "2026-03-17"),
            ("form[time]", time),
        ])
    };
    // Into the seeded 09:00: refused, nothing changes.
    let refused = post_as(
        &app,
        "admin/move_appointment",
        Some(&cookie),
        &move_to("09:00"),
    )
    .await;
    assert_eq!(field_problems(&refused)[0].field, "time");
    // A quarter of an hour later: its own old time does not stand in the way.
    let moved = post_as(
        &app,
        "admin/move_appointment",
        Some(&cookie),
        &move_to("10:15"),
    )
    .await;
    saved(&moved, "moved");
    let starts: DateTime<Utc> =
        sqlx::query_scalar("SELECT lower(period) FROM appointments WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(starts, at(10, 15));
    assert_eq!(audited(&pool, "moved", id).await, 1);

    let cancelled = post_as(
        &app,
        "admin/cancel_appointment",
        Some(&cookie),
        &format!("id={id}&form[by]=clinic&form[tell_patient]=on"),
    )
    .await;
    saved(&cancelled, "cancelled");
    let after = detail(&app, &cookie, id).await;
    assert_eq!(after.status, "cancelled");
    let history: Vec<&str> = after.history.iter().map(|h| h.what.as_str()).collect();
    assert_eq!(history, vec!["Booked", "Moved", "Cancelled"]);
    let desk_name: String = sqlx::query_scalar("SELECT display_name FROM users WHERE email = $1")
        .bind(FRONT_DESK)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        after.history.iter().all(|h| h.by == desk_name),
        "{:?}",
        after.history
    );
    // The clock is fixed, so the outbox's order among them is not: compare the kinds.
    let mut kinds: Vec<String> = emails_to(&pool, NEW_PATIENT)
        .await
        .into_iter()
        .map(|(kind, _)| kind)
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec!["booking_cancelled", "booking_confirmed", "booking_moved"]
    );
    // A cancelled appointment cannot be moved, cancelled again or marked.
    let again = post_as(
        &app,
        "admin/move_appointment",
        Some(&cookie),
        &move_to("11:00"),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        outcome(&app, &cookie, id, "arrived").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Its time is free again: the next booking gets 10:00.
    let rebooked = book_new_patient(&app, &cookie, &pool, "10:00", &[]).await;
    booked_id(&rebooked);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_no_show_waits_for_the_appointments_time(pool: PgPool) {
    let (app, cookie) = desk(&pool).await;
    let id = booked_id(&book_new_patient(&app, &cookie, &pool, "10:00", &[]).await);
    let early = outcome(&app, &cookie, id, "no_show").await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        matches!(app_error(&early), AppError::Invalid(m) if m.contains("once the appointment's time has begun"))
    );
    let unknown = outcome(&app, &cookie, id, "vanished").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let status: String = sqlx::query_scalar("SELECT status::text FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "confirmed");
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_find_patients_see_their_appointments_and_keep_notes(pool: PgPool) {
    let (app, cookie) = desk(&pool).await;
    let id = booked_id(&book_new_patient(&app, &cookie, &pool, "10:00", &[]).await);
    let reply = post_as(&app, "admin/patients", Some(&cookie), "search=HADDAD").await;
    let found: Vec<PatientRow> = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].name, "Noor Haddad");
    assert_eq!(found[0].visits, 1);
    assert!(found[0]
        .next_visit
        .as_deref()
        .unwrap()
        .contains("17 Mar 2026, 10:00"));
    // A search pattern is text, not SQL LIKE syntax.
    let wildcard = post_as(&app, "admin/patients", Some(&cookie), "search=%25").await;
    let none: Vec<PatientRow> = serde_json::from_str(&wildcard.body).unwrap();
    assert!(none.is_empty(), "{none:?}");
    // Phones are kept international; staff find them typed the way people say them.
    assert_eq!(found[0].phone, "+442079460111");
    for typed in ["020+7946+0111", "%2B44+20+7946+0111", "7946+0111"] {
        let reply = post_as(
            &app,
            "admin/patients",
            Some(&cookie),
            &format!("search={typed}"),
        )
        .await;
        let by_phone: Vec<PatientRow> = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(by_phone.len(), 1, "{typed}: {by_phone:?}");
        assert_eq!(by_phone[0].id, found[0].id, "{typed}");
    }

    let patient = &found[0].id;
    let empty = post_as(
        &app,
        "admin/add_patient_note",
        Some(&cookie),
        &format!("patient_id={patient}&body=+"),
    )
    .await;
    assert_eq!(field_problems(&empty)[0].field, "body");
    let added = post_as(
        &app,
        "admin/add_patient_note",
        Some(&cookie),
        &format!("patient_id={patient}&body=Prefers+afternoon+appointments"),
    )
    .await;
    assert!(
        added.headers["location"]
            .to_str()
            .unwrap()
            .ends_with("?saved=note"),
        "{}",
        added.body
    );
    let unknown = post_as(
        &app,
        "admin/add_patient_note",
        Some(&cookie),
        &format!("patient_id={}&body=Hello", Uuid::new_v4()),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let reply = post_as(
        &app,
        "admin/patient",
        Some(&cookie),
        &format!("id={patient}"),
    )
    .await;
    let record: PatientDetail = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(record.visits.len(), 1);
    assert_eq!(record.visits[0].id, id.to_string());
    assert_eq!(record.notes.len(), 1);
    assert_eq!(record.notes[0].body, "Prefers afternoon appointments");
    let reads: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'read' AND subject_type = 'patient'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(reads, 1, "reading a patient's record is audited");
}
