//! Group sessions through the real router against PostgreSQL: the demo's skin health
//! workshop (eight places, Tuesdays 17:30–19:00 with Hannah Price) is booked by the place,
//! never beyond its capacity however many press "book" at once; staff schedule sessions
//! with the same availability rules, see who is coming, and cancelling one tells them all.
//! The clock is fixed at 08:00 on the demo's Monday, 16 March 2026 (London is on GMT).

use crate::common;

use app::admin::calendar::types::{AppointmentDetail, CalendarData};
use app::backend::state::Clock;
use app::booking::types::{Picker, SeatScreen};
use app::error::AppError;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use common::{
    app_error, emails_to, encode, field_problems, form, get, post_as, signed_in, FRONT_DESK,
};
use sqlx::PgPool;
use uuid::Uuid;

const WORKSHOP: &str = "skin-health-workshop";

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 17, h, m, 0).unwrap()
}

async fn sessions_app(pool: &PgPool) -> Router {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap());
    common::app_with_clock(pool, clock).await
}

/// The workshop on Tuesday 17 March.
pub(crate) async fn first_session(pool: &PgPool) -> Uuid {
    sqlx::query_scalar(
        "SELECT a.id FROM appointments a JOIN treatments t ON t.id = a.treatment_id
         WHERE t.slug = $1 AND lower(a.period) = $2",
    )
    .bind(WORKSHOP)
    .bind(at(17, 30))
    .fetch_one(pool)
    .await
    .unwrap()
}

pub(crate) fn seat_form(session: Uuid, first: &str, email: &str) -> String {
    form(&[
        ("session", &session.to_string()),
        ("details[first_name]", first),
        ("details[last_name]", "Lindqvist"),
        ("details[email]", email),
        ("details[phone]", "07700 900555"),
    ])
}

async fn places_taken(pool: &PgPool, session: Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM session_seats WHERE appointment_id = $1 AND status = 'booked'",
    )
    .bind(session)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn thirty_people_race_for_twelve_places_and_exactly_twelve_get_one(pool: PgPool) {
    let app = sessions_app(&pool).await;
    let session = first_session(&pool).await;
    sqlx::query("UPDATE appointments SET capacity = 12 WHERE id = $1")
        .bind(session)
        .execute(&pool)
        .await
        .unwrap();
    let attempts: Vec<_> = (0..30)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let form = seat_form(session, "Runner", &format!("racer{n}@example.com"));
                post_as(&app, "booking/book_seat", None, &form).await
            })
        })
        .collect();
    let (mut booked, mut full) = (0, 0);
    for attempt in attempts {
        let reply = attempt.await.unwrap();
        if reply.headers.contains_key("location") {
            booked += 1;
            continue;
        }
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        match app_error(&reply) {
            AppError::Invalid(message) if message.contains("just filled up") => full += 1,
            other => panic!("unexpected answer: {other:?}"),
        }
    }
    assert_eq!((booked, full), (12, 18));
    assert_eq!(places_taken(&pool, session).await, 12);
    let confirmations: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_messages WHERE kind = 'seat_booked'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        confirmations, 12,
        "one confirmation per place, none for the refused"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_takes_a_place_with_plain_forms_and_cannot_take_two(pool: PgPool) {
    let app = sessions_app(&pool).await;
    let session = first_session(&pool).await;

    // The picker of a group treatment lists its sessions, with the places left.
    let reply = post_as(
        &app,
        "booking/picker",
        None,
        &format!("treatment={WORKSHOP}"),
    )
    .await;
    let picker: Picker = serde_json::from_str(&reply.body).unwrap();
    let sessions = picker.sessions.expect("a group treatment lists sessions");
    assert_eq!(sessions.len(), 3, "three Tuesdays ahead");
    assert_eq!(sessions[0].id, session.to_string());
    assert_eq!((sessions[0].seats_left, sessions[0].capacity), (8, 8));
    assert!(
        sessions[0]
            .when
            .starts_with("Tuesday 17 March 2026, 17:30–19:00"),
        "{}",
        sessions[0].when
    );
    assert!(picker.days.is_empty() && picker.slots.is_empty());
    let page = get(&app, &format!("/book?treatment={WORKSHOP}")).await;
    assert!(page.body.contains(&format!("/book/seat?session={session}")));
    assert!(page.body.contains("8 of 8 places left"));

    // A plain form post, as a browser without JavaScript sends it.
    let post = |body: String| {
        let app = app.clone();
        async move {
            common::send(
                &app,
                Request::post("/api/booking/book_seat")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("accept", "text/html")
                    .header("host", "clinic.example")
                    .header("referer", "https://clinic.example/book/seat")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    let booked = post(seat_form(session, "Freya", "freya@example.com")).await;
    let location = booked.headers["location"].to_str().unwrap();
    assert_eq!(
        location,
        format!("/book/seat?session={session}&done=booked")
    );
    let page = get(&app, location).await;
    assert!(page.body.contains("Your place is booked"));
    assert!(page.body.contains("7 of 8 places left"));
    let emails = emails_to(&pool, "freya@example.com").await;
    assert_eq!(emails.len(), 1);
    assert!(
        emails[0]
            .1
            .contains("Skin health workshop on Tuesday 17 March 2026, 17:30–19:00"),
        "{}",
        emails[0].1
    );

    // The same person again: refused, still one place.
    let again = post_as(
        &app,
        "booking/book_seat",
        None,
        &seat_form(session, "Freya", "FREYA@example.com"),
    )
    .await;
    assert!(
        matches!(app_error(&again), AppError::Invalid(m) if m.contains("already have a place"))
    );
    assert_eq!(places_taken(&pool, session).await, 1);
    // A form with problems names them and books nothing.
    let bad = post_as(
        &app,
        "booking/book_seat",
        None,
        &seat_form(session, "", "nope"),
    )
    .await;
    let fields: Vec<String> = field_problems(&bad).into_iter().map(|p| p.field).collect();
    assert_eq!(fields, vec!["first_name", "email"]);
    // No one can hold a one-to-one time for a group treatment, nor book an unknown session.
    let hold = post_as(
        &app,
        "booking/hold",
        None,
        &format!(
            "treatment={WORKSHOP}&provider=&start={}&hold=",
            encode(&at(17, 30).to_rfc3339())
        ),
    )
    .await;
    assert_eq!(
        hold.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        hold.body
    );
    assert!(matches!(app_error(&hold), AppError::Invalid(m) if m.contains("choose a session")));
    let unknown = post_as(
        &app,
        "booking/seat",
        None,
        &format!("session={}", Uuid::new_v4()),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let screen = post_as(&app, "booking/seat", None, &format!("session={session}")).await;
    let screen: SeatScreen = serde_json::from_str(&screen.body).unwrap();
    assert_eq!(screen.session.seats_left, 7);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_schedule_sessions_see_who_is_coming_and_cancelling_tells_everyone(pool: PgPool) {
    let app = sessions_app(&pool).await;
    let cookie = signed_in(&app, FRONT_DESK).await;
    let session = first_session(&pool).await;
    for (name, email) in [
        ("Freya", "freya@example.com"),
        ("Oskar", "oskar@example.com"),
    ] {
        let reply = post_as(
            &app,
            "booking/book_seat",
            None,
            &seat_form(session, name, email),
        )
        .await;
        assert!(reply.headers.contains_key("location"), "{}", reply.body);
    }

    // The calendar shows the session as a group with its places; its page lists who comes.
    let reply = post_as(&app, "admin/calendar", Some(&cookie), "day=2026-03-17").await;
    let calendar: CalendarData = serde_json::from_str(&reply.body).unwrap();
    let hannah = calendar
        .columns
        .iter()
        .find(|c| c.heading == "Hannah Price")
        .unwrap();
    let block = hannah
        .blocks
        .iter()
        .find(|b| b.id == session.to_string())
        .unwrap();
    assert_eq!(block.patient, "Group: 2 of 8 places");
    let reply = post_as(
        &app,
        "admin/appointment",
        Some(&cookie),
        &format!("id={session}"),
    )
    .await;
    let detail: AppointmentDetail = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(detail.seats.as_deref(), Some("2 of 8 places booked"));
    let names: Vec<&str> = detail
        .seat_holders
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, vec!["Freya Lindqvist", "Oskar Lindqvist"]);
    assert_eq!(
        detail.outcomes,
        vec!["completed"],
        "a session is completed as a whole"
    );

    // Scheduling: the same rules as any booking.
    let (hannah_id, location): (Uuid, Uuid) = sqlx::query_as(
        "SELECT p.id, a.location_id FROM providers p JOIN appointments a ON a.provider_id = p.id
         WHERE a.id = $1",
    )
    .bind(session)
    .fetch_one(&pool)
    .await
    .unwrap();
    let schedule = |treatment: &str, time: &str| {
        format!(
            "form[treatment]={treatment}&form[provider]={hannah_id}&form[location]={location}&form[date]=2026-03-17&form[time]={time}"
        )
    };
    let clash = post_as(
        &app,
        "admin/schedule_session",
        Some(&cookie),
        &schedule(WORKSHOP, "18:00"),
    )
    .await;
    assert_eq!(field_problems(&clash)[0].field, "session_time");
    let one_to_one = post_as(
        &app,
        "admin/schedule_session",
        Some(&cookie),
        &schedule("hydrafacial", "14:00"),
    )
    .await;
    assert_eq!(field_problems(&one_to_one)[0].field, "session_treatment");
    let scheduled = post_as(
        &app,
        "admin/schedule_session",
        Some(&cookie),
        &schedule(WORKSHOP, "14:00"),
    )
    .await;
    let location_header = scheduled.headers["location"].to_str().unwrap();
    assert!(
        location_header.ends_with("?saved=scheduled"),
        "{location_header}"
    );
    let (capacity, starts): (Option<i32>, DateTime<Utc>) = sqlx::query_as(
        "SELECT capacity, lower(period) FROM appointments WHERE treatment_id = (SELECT id FROM treatments WHERE slug = $1) AND lower(period) = $2",
    )
    .bind(WORKSHOP)
    .bind(at(14, 0))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((capacity, starts), (Some(8), at(14, 0)));
    // A group treatment is not booked for one patient.
    let hannah = hannah_id.to_string();
    let location = location.to_string();
    let single = post_as(
        &app,
        "admin/create_appointment",
        Some(&cookie),
        &form(&[
            ("form[first_name]", "Ada"),
            ("form[last_name]", "Byron"),
            ("form[email]", "ada@example.com"),
            ("form[treatment]", WORKSHOP),
            ("form[provider]", hannah.as_str()),
            ("form[location]", location.as_str()),
            ("form[date]", "2026-03-17"),
            ("form[time]", "12:00"),
            ("form[mode]", "in_person"),
        ]),
    )
    .await;
    assert_eq!(field_problems(&single)[0].field, "treatment");

    // Cancelling the session frees its places and emails everyone who had one.
    let cancelled = post_as(
        &app,
        "admin/cancel_appointment",
        Some(&cookie),
        &format!("id={session}&form[tell_patient]=on"),
    )
    .await;
    assert!(
        cancelled.headers.contains_key("location"),
        "{}",
        cancelled.body
    );
    assert_eq!(places_taken(&pool, session).await, 0);
    // Each hears it by their own name.
    for (name, email) in [
        ("Freya", "freya@example.com"),
        ("Oskar", "oskar@example.com"),
    ] {
        let emails = emails_to(&pool, email).await;
        let cancellation = emails
            .iter()
            .find(|(kind, _)| kind == "booking_cancelled")
            .unwrap_or_else(|| panic!("{email}: {emails:?}"));
        assert!(
            cancellation.1.starts_with(&format!("Hello {name},")),
            "{}",
            cancellation.1
        );
    }
    // It no longer takes bookings.
    let late = post_as(
        &app,
        "booking/book_seat",
        None,
        &seat_form(session, "Ida", "ida@example.com"),
    )
    .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
}
