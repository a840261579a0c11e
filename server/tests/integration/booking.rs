//! Booking through the real router against PostgreSQL: the steps a patient takes, what the
//! database holds after each, races for one time, expired holds, manage links and the
//! late-cancel window. The clock is fixed at 08:00 on the demo's Monday, 16 March 2026.
//! Each scenario runs twice: on Lumen's own calendar, and through a practice system that
//! keeps the calendar (`practice_system`), with the same outcome.

use crate::common;

use crate::practice_stand_in::API_KEY;
use crate::practice_system::{self, Backend, Clinic};
use app::backend::state::AppState;
use app::backend::store::booking::{self as store, Placement, Refusal};
use app::booking::types::{HeldBooking, ManagedBooking, Picker};
use app::error::AppError;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{app_error, emails_to, form, get, post_as, Reply};
use sqlx::PgPool;
use uuid::Uuid;

pub(crate) const MOLE_CHECK: &str = "mole-check"; // 45 min + 10 min after; only Lewis Grant
pub(crate) const CONSULTATION: &str = "dermatology-consultation"; // 30 min + 5 min after
pub(crate) const GUEST: &str = "ana.ruiz@example.com";

pub(crate) fn at(h: u32, m: u32) -> DateTime<Utc> {
    // Tuesday 17 March: London is on GMT, so local times are UTC times.
    Utc.with_ymd_and_hms(2026, 3, 17, h, m, 0).unwrap()
}

/// The demo clinic booking through `backend`, and its clock.
async fn booking_app(pool: &PgPool, backend: Backend) -> (Router, AppState) {
    let Clinic { app, state, .. } = practice_system::clinic(pool, backend, API_KEY).await;
    (app, state)
}

/// Each scenario as two tests: on Lumen's own calendar and through a practice system.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            use super::*;

            #[sqlx::test(migrations = "../migrations")]
            async fn on_lumens_own_calendar(pool: PgPool) {
                super::$scenario(pool, Backend::Lumen).await
            }

            #[sqlx::test(migrations = "../migrations")]
            async fn through_a_practice_system(pool: PgPool) {
                super::$scenario(pool, Backend::Practice).await
            }
        }
    )*};
}
pub(crate) use on_both_backends;

on_both_backends!(
    a_guest_books_a_time_in_three_steps_and_it_is_gone_for_the_next_patient,
    fifty_patients_race_for_one_time_and_exactly_one_gets_it,
    an_expired_hold_never_blocks_and_its_patient_keeps_their_details,
    a_late_but_untaken_hold_is_still_booked_and_the_worker_releases_the_rest,
    a_cancelled_time_can_be_booked_again_and_its_link_changes_nothing_more,
    a_booking_moves_to_a_free_time_but_not_onto_a_taken_one,
    inside_the_late_cancel_window_the_patient_is_asked_to_call,
    links_that_are_wrong_or_forged_open_nothing,
    without_javascript_the_same_booking_works_with_form_posts_and_pages,
);

pub(crate) async fn lewis(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT id FROM providers WHERE slug = 'lewis-grant'")
        .fetch_one(pool)
        .await
        .unwrap()
}

pub(crate) async fn hold(
    app: &Router,
    treatment: &str,
    provider: Uuid,
    start: DateTime<Utc>,
    hold: &str,
) -> Reply {
    post_as(
        app,
        "booking/hold",
        None,
        &form(&[
            ("treatment", treatment),
            ("provider", &provider.to_string()),
            ("start", &start.to_rfc3339()),
            ("hold", hold),
        ]),
    )
    .await
}

/// The link's secret from a redirect such as `/book/details?hold=…`.
pub(crate) fn link_in(reply: &Reply, prefix: &str) -> String {
    let location = reply.headers["location"].to_str().unwrap();
    assert!(location.starts_with(prefix), "{location}");
    location[prefix.len()..prefix.len() + 64].to_owned()
}

pub(crate) async fn held_link(
    app: &Router,
    treatment: &str,
    provider: Uuid,
    start: DateTime<Utc>,
) -> String {
    let reply = hold(app, treatment, provider, start, "").await;
    assert!(
        reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );
    link_in(&reply, "/book/details?hold=")
}

pub(crate) fn details(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("details[first_name]", "Ana".to_owned()),
        ("details[last_name]", "Ruiz".to_owned()),
        ("details[email]", email.to_owned()),
        ("details[phone]", "07700 900123".to_owned()),
        ("details[notes]", "First visit".to_owned()),
    ]
}

pub(crate) async fn save_details(app: &Router, link: &str, fields: &[(&str, String)]) -> Reply {
    let mut all: Vec<(&str, &str)> = vec![("hold", link)];
    all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    post_as(app, "booking/details", None, &form(&all)).await
}

pub(crate) async fn confirm(app: &Router, link: &str) -> Reply {
    post_as(app, "booking/confirm", None, &form(&[("hold", link)])).await
}

/// Holds, fills in and confirms; returns the manage link's secret.
pub(crate) async fn book(
    app: &Router,
    treatment: &str,
    provider: Uuid,
    start: DateTime<Utc>,
    email: &str,
) -> String {
    let link = held_link(app, treatment, provider, start).await;
    let saved = save_details(app, &link, &details(email)).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let confirmed = confirm(app, &link).await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    link_in(&confirmed, "/booking/")
}

/// Moves the booking with link `manage` to `start`, as its page does.
pub(crate) async fn move_booking(app: &Router, manage: &str, start: DateTime<Utc>) -> Reply {
    post_as(
        app,
        "booking/reschedule",
        None,
        &form(&[
            ("token", manage),
            ("provider", ""),
            ("start", &start.to_rfc3339()),
        ]),
    )
    .await
}

pub(crate) async fn picker(app: &Router, treatment: &str, provider: Uuid, day: &str) -> Picker {
    let reply = post_as(
        app,
        "booking/picker",
        None,
        &form(&[
            ("treatment", treatment),
            ("provider", &provider.to_string()),
            ("day", day),
        ]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

pub(crate) fn offered(picker: &Picker, start: DateTime<Utc>) -> bool {
    picker.slots.iter().any(|s| s.start == start.to_rfc3339())
}

async fn managed(app: &Router, token: &str) -> Reply {
    post_as(app, "booking/managed", None, &form(&[("token", token)])).await
}

pub(crate) async fn status_at(pool: &PgPool, provider: Uuid, start: DateTime<Utc>) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT status::text FROM appointments WHERE provider_id = $1 AND lower(period) = $2
         ORDER BY created_at",
    )
    .bind(provider)
    .bind(start)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The kinds of email the guest was sent, sorted (the fixed clock gives them one time).
pub(crate) async fn email_kinds(pool: &PgPool) -> Vec<String> {
    let mut kinds: Vec<String> = emails_to(pool, GUEST)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    kinds.sort();
    kinds
}

async fn a_guest_books_a_time_in_three_steps_and_it_is_gone_for_the_next_patient(
    pool: PgPool,
    backend: Backend,
) {
    let (app, _) = booking_app(&pool, backend).await;
    let lewis = lewis(&pool).await;

    let before = picker(&app, MOLE_CHECK, lewis, "2026-03-17").await;
    // The demo has Lewis booked at 09:00 for 45 minutes plus 10 after: 10:00 is first.
    assert!(!offered(&before, at(9, 0)));
    assert!(!offered(&before, at(9, 45)));
    assert_eq!(before.slots[0].start, at(10, 0).to_rfc3339());
    assert!(before.days.iter().any(|d| d.date == "2026-03-17" && d.free));
    // Monday's hours are not Lewis's: the day is greyed out.
    assert!(before
        .days
        .iter()
        .any(|d| d.date == "2026-03-16" && !d.free));

    let link = held_link(&app, MOLE_CHECK, lewis, at(10, 0)).await;
    assert_eq!(status_at(&pool, lewis, at(10, 0)).await, ["held"]);

    // A refused form keeps what was typed, with the hold.
    let mut typed = details("not-an-email");
    typed[3].1 = String::new();
    let refused = save_details(&app, &link, &typed).await;
    let problems = common::field_problems(&refused);
    assert!(problems.iter().any(|p| p.field == "email"));
    assert!(problems.iter().any(|p| p.field == "phone"));
    let held: HeldBooking = serde_json::from_str(
        &post_as(&app, "booking/held", None, &form(&[("hold", &link)]))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(held.details.email, "not-an-email");
    assert_eq!(held.details.notes, "First visit");
    assert!(!held.details_complete);

    let saved = save_details(&app, &link, &details(GUEST)).await;
    assert_eq!(
        saved.headers["location"].to_str().unwrap(),
        format!("/book/review?hold={link}")
    );
    let confirmed = confirm(&app, &link).await;
    let manage = link_in(&confirmed, "/booking/");
    assert!(confirmed.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("?done=booked"));

    let row: (String, String, String, Option<String>) = sqlx::query_as(
        "SELECT a.status::text, p.email, a.notes, a.draft::text FROM appointments a
         JOIN patients p ON p.id = a.patient_id
         WHERE a.provider_id = $1 AND lower(a.period) = $2",
    )
    .bind(lewis)
    .bind(at(10, 0))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        ("confirmed".into(), GUEST.into(), "First visit".into(), None)
    );
    let history: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.change, c.via FROM appointment_changes c JOIN appointments a ON a.id = c.appointment_id
         WHERE a.provider_id = $1 AND lower(a.period) = $2",
    )
    .bind(lewis)
    .bind(at(10, 0))
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(history, [("booked".to_owned(), "manage_link".to_owned())]);

    // The confirmation email carries the manage link; the hold's link stops working.
    let emails = emails_to(&pool, GUEST).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].0, "booking_confirmed");
    assert!(emails[0]
        .1
        .contains(&format!("{}/booking/{manage}", common::PUBLIC_URL)));
    assert!(emails[0]
        .1
        .contains("Tuesday 17 March 2026, 10:00–10:45 (Europe/London)"));
    let old = post_as(&app, "booking/held", None, &form(&[("hold", &link)])).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert_eq!(managed(&app, &link).await.status, StatusCode::NOT_FOUND);

    let shown: ManagedBooking = serde_json::from_str(&managed(&app, &manage).await.body).unwrap();
    assert_eq!(shown.status, "Confirmed");
    assert!(shown.may_change);

    let after = picker(&app, MOLE_CHECK, lewis, "2026-03-17").await;
    assert!(!offered(&after, at(10, 0)));
    // 45 minutes and the 10 after: the next start is 11:00.
    assert!(!offered(&after, at(10, 45)));
    assert!(offered(&after, at(11, 0)));

    let ics = get(&app, &format!("/booking/{manage}/calendar.ics")).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    assert!(ics.body.contains("DTSTART:20260317T100000Z\r\n"));
    assert!(ics.body.contains("DTEND:20260317T104500Z\r\n"));
    assert_eq!(
        get(&app, &format!("/booking/{}/calendar.ics", "0".repeat(64)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn fifty_patients_race_for_one_time_and_exactly_one_gets_it(pool: PgPool, backend: Backend) {
    let (app, _) = booking_app(&pool, backend).await;
    let lewis = lewis(&pool).await;
    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { hold(&app, MOLE_CHECK, lewis, at(14, 0), "").await })
        })
        .collect();
    let mut won = 0;
    let mut taken = 0;
    for attempt in attempts {
        let reply = attempt.await.unwrap();
        match reply.status {
            StatusCode::OK => won += 1,
            StatusCode::CONFLICT => {
                taken += 1;
                let AppError::Taken(alternatives) = app_error(&reply) else {
                    panic!("not a taken answer: {}", reply.body);
                };
                assert!(!alternatives.is_empty(), "nearest free times are offered");
                assert!(alternatives
                    .iter()
                    .all(|a| a.start != at(14, 0).to_rfc3339()));
            }
            other => panic!("unexpected {other}: {}", reply.body),
        }
    }
    assert_eq!((won, taken), (1, 49));
    assert_eq!(status_at(&pool, lewis, at(14, 0)).await, ["held"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_refuses_an_overlapping_longer_time_and_accepts_the_adjacent_one(
    pool: PgPool,
) {
    // Lumen's own constraint: a practice system keeps its own calendar.
    let (app, _) = booking_app(&pool, Backend::Lumen).await;
    let lewis = lewis(&pool).await;
    held_link(&app, MOLE_CHECK, lewis, at(11, 0)).await; // 11:00–11:45

    // Through the app: the picker's rules refuse a consultation at 11:30.
    let overlapping = hold(&app, CONSULTATION, lewis, at(11, 30), "").await;
    assert_eq!(
        overlapping.status,
        StatusCode::CONFLICT,
        "{}",
        overlapping.body
    );

    // Past the app's rules, the constraint alone decides over each appointment's time and
    // its treatment's buffer (a mole check blocks 11:00–11:55, a consultation 5 minutes
    // after its end): one minute of overlap is refused, back-to-back is accepted.
    let clinic_id = common::seeded_clinic_id(&pool).await;
    let (treatment, location): (Uuid, Uuid) = sqlx::query_as(
        "SELECT t.id, a.location_id FROM treatments t, appointments a
         WHERE t.slug = $1 AND a.provider_id = $2 AND lower(a.period) = $3",
    )
    .bind(CONSULTATION)
    .bind(lewis)
    .bind(at(11, 0))
    .fetch_one(&pool)
    .await
    .unwrap();
    let placement = |start: DateTime<Utc>, minutes: i64| Placement {
        treatment_id: treatment,
        provider_id: lewis,
        location_id: location,
        room_id: None,
        start,
        end: start + Duration::minutes(minutes),
        double_booked: false,
    };
    let now = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let expires = now + Duration::minutes(10);
    let longer = store::hold(
        &pool,
        clinic_id,
        &placement(at(10, 0), 56),
        &[1; 32],
        expires,
        now,
    )
    .await;
    assert!(matches!(longer, Err(Refusal::Taken)), "{longer:?}");
    let adjacent = store::hold(
        &pool,
        clinic_id,
        &placement(at(11, 55), 30),
        &[2; 32],
        expires,
        now,
    )
    .await;
    assert!(adjacent.is_ok(), "{adjacent:?}");
    let before = store::hold(
        &pool,
        clinic_id,
        &placement(at(10, 0), 55),
        &[3; 32],
        expires,
        now,
    )
    .await;
    assert!(before.is_ok(), "{before:?}");
}

async fn an_expired_hold_never_blocks_and_its_patient_keeps_their_details(
    pool: PgPool,
    backend: Backend,
) {
    let (app, state) = booking_app(&pool, backend).await;
    let clock = &state.clock;
    let lewis = lewis(&pool).await;
    let first = held_link(&app, MOLE_CHECK, lewis, at(15, 0)).await;
    save_details(&app, &first, &details(GUEST)).await;

    // While the hold lasts, nobody else gets the time.
    assert_eq!(
        hold(&app, MOLE_CHECK, lewis, at(15, 0), "").await.status,
        StatusCode::CONFLICT
    );
    assert!(!offered(
        &picker(&app, MOLE_CHECK, lewis, "2026-03-17").await,
        at(15, 0)
    ));

    // Ten minutes on, with no worker run, the time is free again and another patient takes it.
    clock.advance(Duration::minutes(11));
    assert!(offered(
        &picker(&app, MOLE_CHECK, lewis, "2026-03-17").await,
        at(15, 0)
    ));
    let second = held_link(&app, MOLE_CHECK, lewis, at(15, 0)).await;
    assert_ne!(first, second);

    // The first patient confirms too late: "just taken", with other times, details kept.
    let late = confirm(&app, &first).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let AppError::Taken(alternatives) = app_error(&late) else {
        panic!("{}", late.body)
    };
    assert!(!alternatives.is_empty());
    let held: HeldBooking = serde_json::from_str(
        &post_as(&app, "booking/held", None, &form(&[("hold", &first)]))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(held.details.email, GUEST);
    assert!(held.expired);

    // Choosing an alternative moves the same hold; the details come along to the review.
    let start: DateTime<Utc> = alternatives[0].start.parse().unwrap();
    let moved = hold(&app, MOLE_CHECK, lewis, start, &first).await;
    assert_eq!(link_in(&moved, "/book/details?hold="), first);
    let booked = confirm(&app, &first).await;
    assert!(booked.status.is_success(), "{}", booked.body);
    assert_eq!(status_at(&pool, lewis, start).await, ["confirmed"]);
}

async fn a_late_but_untaken_hold_is_still_booked_and_the_worker_releases_the_rest(
    pool: PgPool,
    backend: Backend,
) {
    let (app, state) = booking_app(&pool, backend).await;
    let clock = &state.clock;
    let lewis = lewis(&pool).await;
    let slow = held_link(&app, MOLE_CHECK, lewis, at(12, 0)).await;
    save_details(&app, &slow, &details(GUEST)).await;
    held_link(&app, MOLE_CHECK, lewis, at(13, 0)).await;
    clock.advance(Duration::minutes(20));

    let released = lumen::workers::release_once(&state).await.unwrap();
    assert_eq!(released, 2);
    assert_eq!(status_at(&pool, lewis, at(13, 0)).await, ["cancelled"]);
    // Nobody took 12:00 meanwhile, so the slow patient's booking still goes through.
    let booked = confirm(&app, &slow).await;
    assert!(booked.status.is_success(), "{}", booked.body);
    assert_eq!(status_at(&pool, lewis, at(12, 0)).await, ["confirmed"]);
}

async fn a_cancelled_time_can_be_booked_again_and_its_link_changes_nothing_more(
    pool: PgPool,
    backend: Backend,
) {
    let (app, _) = booking_app(&pool, backend).await;
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(16, 0), GUEST).await;

    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    assert_eq!(status_at(&pool, lewis, at(16, 0)).await, ["cancelled"]);
    assert_eq!(
        email_kinds(&pool).await,
        ["booking_cancelled", "booking_confirmed"]
    );

    // The link still shows the booking, but cancelling or moving again is refused.
    let shown: ManagedBooking = serde_json::from_str(&managed(&app, &manage).await.body).unwrap();
    assert!(shown.cancelled && !shown.may_change);
    let again = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app_error(&again),
        AppError::Invalid("This booking has already been cancelled.".into())
    );
    let moved = post_as(
        &app,
        "booking/reschedule",
        None,
        &form(&[("token", &manage), ("start", &at(11, 0).to_rfc3339())]),
    )
    .await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);

    book(&app, MOLE_CHECK, lewis, at(16, 0), "second@example.com").await;
    assert_eq!(
        status_at(&pool, lewis, at(16, 0)).await,
        ["cancelled", "confirmed"]
    );
}

async fn a_booking_moves_to_a_free_time_but_not_onto_a_taken_one(pool: PgPool, backend: Backend) {
    let (app, _) = booking_app(&pool, backend).await;
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    held_link(&app, MOLE_CHECK, lewis, at(14, 0)).await;

    let onto_hold = move_booking(&app, &manage, at(14, 0)).await;
    assert_eq!(onto_hold.status, StatusCode::CONFLICT, "{}", onto_hold.body);
    // Moving by a quarter of an hour overlaps its own old time, which must not block it.
    let nudged = move_booking(&app, &manage, at(10, 15)).await;
    assert!(nudged.status.is_success(), "{}", nudged.body);
    assert_eq!(status_at(&pool, lewis, at(10, 15)).await, ["confirmed"]);
    assert!(status_at(&pool, lewis, at(10, 0)).await.is_empty());
    assert_eq!(
        email_kinds(&pool).await,
        ["booking_confirmed", "booking_moved"]
    );
}

async fn inside_the_late_cancel_window_the_patient_is_asked_to_call(
    pool: PgPool,
    backend: Backend,
) {
    let (app, state) = booking_app(&pool, backend).await;
    let clock = &state.clock;
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(16, 0), GUEST).await;

    // 25 hours before: still possible online (the clinic's window is 24 hours).
    clock.advance(Duration::hours(7));
    let shown: ManagedBooking = serde_json::from_str(&managed(&app, &manage).await.body).unwrap();
    assert!(shown.may_change);

    clock.advance(Duration::hours(2));
    let shown: ManagedBooking = serde_json::from_str(&managed(&app, &manage).await.body).unwrap();
    assert!(!shown.may_change);
    let call = shown
        .call_instead
        .expect("the clinic's number instead of the buttons");
    assert!(call.contains("24 hours"), "{call}");
    assert!(call.contains(&shown.clinic_phone));
    let refused = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_at(&pool, lewis, at(16, 0)).await, ["confirmed"]);

    // A treatment's own window overrides the clinic's.
    sqlx::query("UPDATE treatments SET late_cancel_hours = 2 WHERE slug = $1")
        .bind(MOLE_CHECK)
        .execute(&pool)
        .await
        .unwrap();
    let shown: ManagedBooking = serde_json::from_str(&managed(&app, &manage).await.body).unwrap();
    assert!(shown.may_change);
}

async fn links_that_are_wrong_or_forged_open_nothing(pool: PgPool, backend: Backend) {
    let (app, _) = booking_app(&pool, backend).await;
    let lewis = lewis(&pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let mut wrong = manage.clone().into_bytes();
    wrong[0] = if wrong[0] == b'a' { b'b' } else { b'a' };
    let wrong = String::from_utf8(wrong).unwrap();
    for token in [wrong.as_str(), "short", ""] {
        assert_eq!(
            managed(&app, token).await.status,
            StatusCode::NOT_FOUND,
            "{token}"
        );
        let cancel = post_as(&app, "booking/cancel", None, &form(&[("token", token)])).await;
        assert_eq!(cancel.status, StatusCode::NOT_FOUND, "{token}");
    }
    // Only a hash is stored: the link itself appears nowhere in the database.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT access_token_hash FROM appointments WHERE access_token_hash IS NOT NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    use sha2::Digest;
    let hashed = sha2::Sha256::digest(manage.as_bytes()).to_vec();
    assert!(
        stored.contains(&hashed),
        "the link's hash identifies the booking"
    );
    let rows_as_text: Vec<String> = sqlx::query_scalar("SELECT a::text FROM appointments a")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(rows_as_text.iter().all(|row| !row.contains(&manage)));
    // A made time cannot be picked as a hold by a forged start either.
    let off_grid = hold(&app, MOLE_CHECK, lewis, at(10, 7), "").await;
    assert_eq!(off_grid.status, StatusCode::CONFLICT);
}

async fn without_javascript_the_same_booking_works_with_form_posts_and_pages(
    pool: PgPool,
    backend: Backend,
) {
    let (app, _) = booking_app(&pool, backend).await;
    let lewis = lewis(&pool).await;
    let post = |endpoint: &'static str, body: String| {
        let app = app.clone();
        async move {
            common::send(
                &app,
                Request::post(format!("/api/{endpoint}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("accept", "text/html")
                    .header("host", "clinic.example")
                    .header(
                        "referer",
                        "https://clinic.example/book?treatment=mole-check",
                    )
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    let page = get(
        &app,
        &format!("/book?treatment={MOLE_CHECK}&provider={lewis}&day=2026-03-17"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("action=\"/api/booking/hold\""),
        "time buttons are forms"
    );
    assert!(
        page.body
            .contains(&at(10, 0).to_rfc3339().replace('+', "&#x2B;"))
            || page.body.contains(&at(10, 0).to_rfc3339())
    );

    let held = post(
        "booking/hold",
        form(&[
            ("treatment", MOLE_CHECK),
            ("provider", &lewis.to_string()),
            ("start", &at(10, 0).to_rfc3339()),
            ("hold", ""),
        ]),
    )
    .await;
    assert_eq!(held.status, StatusCode::FOUND, "{}", held.body);
    let link = link_in(&held, "/book/details?hold=");
    let details_page = get(&app, &format!("/book/details?hold={link}")).await;
    assert!(details_page.body.contains("Your details"));
    assert!(details_page
        .body
        .contains("Tuesday 17 March 2026, 10:00–10:45"));

    let mut fields = vec![("hold", link.clone())];
    fields.extend(details(GUEST));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = form(&fields);
    let saved = post("booking/details", body).await;
    assert_eq!(saved.status, StatusCode::FOUND);
    let review = get(&app, &format!("/book/review?hold={link}")).await;
    assert!(review.body.contains("Confirm booking"));
    assert!(review.body.contains(GUEST));

    let confirmed = post("booking/confirm", form(&[("hold", &link)])).await;
    assert_eq!(confirmed.status, StatusCode::FOUND);
    let manage = link_in(&confirmed, "/booking/");
    let shown = get(&app, &format!("/booking/{manage}?done=booked")).await;
    assert!(shown.body.contains("You&#x27;re booked") || shown.body.contains("You're booked"));
    assert!(shown
        .body
        .contains(&format!("/booking/{manage}/calendar.ics")));

    // A time someone else has: the browser goes back to the picker, told why.
    let lost = post(
        "booking/hold",
        form(&[
            ("treatment", MOLE_CHECK),
            ("provider", &lewis.to_string()),
            ("start", &at(10, 0).to_rfc3339()),
            ("hold", ""),
        ]),
    )
    .await;
    assert_eq!(lost.status, StatusCode::FOUND);
    let back = lost.headers["location"].to_str().unwrap().to_owned();
    assert!(
        back.starts_with("https://clinic.example/book?treatment=mole-check"),
        "{back}"
    );
    let path = back.trim_start_matches("https://clinic.example");
    let told = get(&app, path).await;
    assert!(
        told.body.contains("that time was just taken"),
        "{}",
        told.body
    );
}
