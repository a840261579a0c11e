//! Lumen's second booking backend: the clinic's practice-management system keeps the
//! calendar (`integrations::practice`), here a local stand-in for one
//! (`practice_stand_in`). The same patient's booking runs on both backends with the same
//! outcome; then what only the system can do: bookings made at its own desk, its refusals,
//! and a wrong key.

use crate::booking::{
    at, book, email_kinds, hold, move_booking, offered, picker, status_at, GUEST, MOLE_CHECK,
};
use crate::common::stripe::FakeStripe;
use crate::common::{self, form, post_as, ADMIN, FRONT_DESK};
use crate::practice_stand_in::{StandIn, API_KEY, CENTER};
use crate::stripe_checkout;
use app::admin::calendar::types::CalendarData;
use app::admin::practice::types::PracticeIdsScreen;
use app::backend::integrations::booking::{BookingBackend, BookingSystem};
use app::backend::integrations::messaging::Messaging;
use app::backend::integrations::payments::Payments;
use app::backend::integrations::practice::{PracticeConfig, PracticeSystem};
use app::backend::state::{AppState, Clock};
use app::backend::store::booking as store;
use axum::http::StatusCode;
use axum::Router;
use chrono::{Duration, TimeZone, Utc};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

/// Which calendar the clinic books through.
#[derive(Clone, Copy)]
pub(crate) enum Backend {
    Lumen,
    Practice,
}

pub(crate) struct Clinic {
    pub app: Router,
    pub state: AppState,
    pub lewis: Uuid,
    /// The practice system, when the clinic books through one.
    pub system: Option<StandIn>,
}

const SERVICE: &str = "svc-mole-check";
const THERAPIST: &str = "th-lewis";

/// The demo clinic on the demo's Monday at 08:00, booking through `backend`. The practice
/// system knows the mole check, Lewis Grant and the demo's 09:00 booking with him on
/// Tuesday, as the clinic's own calendar does.
pub(crate) async fn clinic(pool: &PgPool, backend: Backend, api_key: &str) -> Clinic {
    clinic_taking(pool, backend, api_key, Payments::default()).await
}

/// The same, with payments through `payments`.
async fn clinic_taking(
    pool: &PgPool,
    backend: Backend,
    api_key: &str,
    payments: Payments,
) -> Clinic {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap());
    let (_, mut state) = common::app_with_payments(
        pool,
        clock,
        common::media(),
        Messaging::development(),
        payments,
    )
    .await;
    let lewis = crate::booking::lewis(pool).await;
    let system = match backend {
        Backend::Lumen => None,
        Backend::Practice => {
            let system = StandIn::default();
            system.keeping_time(state.clock.clone());
            system.offer(SERVICE, 45, 10);
            system.employ(THERAPIST);
            system.book_at_desk(SERVICE, THERAPIST, at(9, 0));
            let api = system.start().await;
            let mole_check: Uuid = sqlx::query_scalar("SELECT id FROM treatments WHERE slug = $1")
                .bind(MOLE_CHECK)
                .fetch_one(pool)
                .await
                .unwrap();
            let location: Uuid = sqlx::query_scalar(
                "SELECT location_id FROM provider_schedules WHERE provider_id = $1 LIMIT 1",
            )
            .bind(lewis)
            .fetch_one(pool)
            .await
            .unwrap();
            state.booking =
                BookingBackend::Practice(Arc::new(PracticeSystem::new(PracticeConfig {
                    api,
                    api_key: api_key.to_owned(),
                    center: CENTER.to_owned(),
                })));
            let admin = common::signed_in(&lumen::http::router(state.clone()), ADMIN).await;
            let saved = save_ids(
                &lumen::http::router(state.clone()),
                &admin,
                &[(&mole_check.to_string(), SERVICE)],
                &[(&lewis.to_string(), THERAPIST)],
                &location.to_string(),
            )
            .await;
            assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
            Some(system)
        }
    };
    Clinic {
        app: lumen::http::router(state.clone()),
        state,
        lewis,
        system,
    }
}

/// Saves the practice system's ids as a clinic admin would on the settings screen: each
/// treatment's service and each provider's therapist id (rows by Lumen id), and the centre.
async fn save_ids(
    app: &Router,
    cookie: &str,
    services: &[(&str, &str)],
    therapists: &[(&str, &str)],
    centre: &str,
) -> common::Reply {
    let mut fields = vec![("form[centre]".to_owned(), centre.to_owned())];
    for (key, rows) in [("service", services), ("therapist", therapists)] {
        for (n, (row, id)) in rows.iter().enumerate() {
            fields.push((format!("form[{key}][{n}][row]"), row.to_string()));
            fields.push((format!("form[{key}][{n}][id]"), id.to_string()));
        }
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post_as(app, "admin/save_practice_ids", Some(cookie), &form(&fields)).await
}

/// The settings screen's practice section, as `cookie` sees it.
async fn practice_screen(app: &Router, cookie: &str) -> Option<PracticeIdsScreen> {
    let reply = post_as(app, "admin/practice_ids", Some(cookie), "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// The guest's appointments in the system: when each starts, and whether it was cancelled.
fn guests_bookings(system: &StandIn) -> Vec<(chrono::DateTime<Utc>, bool)> {
    system
        .diary()
        .bookings
        .iter()
        .filter(|b| b.guest_email == GUEST)
        .map(|b| (b.start, b.cancelled))
        .collect()
}

/// A patient books a mole check, the time is gone for the next patient, they move it and
/// then cancel it: what they see, what Lumen stores and what they are sent are the same
/// whichever calendar the clinic books through.
async fn a_patient_books_moves_and_cancels(pool: PgPool, backend: Backend) {
    let Clinic {
        app, lewis, system, ..
    } = clinic(&pool, backend, API_KEY).await;

    let before = picker(&app, MOLE_CHECK, lewis, "2026-03-17").await;
    assert!(!offered(&before, at(9, 0)));
    assert_eq!(before.slots[0].start, at(10, 0).to_rfc3339());

    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    assert_eq!(status_at(&pool, lewis, at(10, 0)).await, ["confirmed"]);
    let after = picker(&app, MOLE_CHECK, lewis, "2026-03-17").await;
    assert!(!offered(&after, at(10, 0)));
    // 45 minutes and the 10 after: the next start is 11:00.
    assert!(!offered(&after, at(10, 45)));
    assert!(offered(&after, at(11, 0)));
    let next_patient = hold(&app, MOLE_CHECK, lewis, at(10, 0), "").await;
    assert_eq!(
        next_patient.status,
        StatusCode::CONFLICT,
        "{}",
        next_patient.body
    );

    let moved = move_booking(&app, &manage, at(14, 0)).await;
    assert!(moved.status.is_success(), "{}", moved.body);
    assert_eq!(status_at(&pool, lewis, at(14, 0)).await, ["confirmed"]);
    let later = picker(&app, MOLE_CHECK, lewis, "2026-03-17").await;
    assert!(offered(&later, at(10, 0)));
    assert!(!offered(&later, at(14, 0)));

    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    assert_eq!(status_at(&pool, lewis, at(14, 0)).await, ["cancelled"]);
    assert!(offered(
        &picker(&app, MOLE_CHECK, lewis, "2026-03-17").await,
        at(14, 0)
    ));
    assert_eq!(
        email_kinds(&pool).await,
        ["booking_cancelled", "booking_confirmed", "booking_moved"]
    );

    if let Some(system) = system {
        // The system saw each change under the patient's name, and holds nothing more.
        let (theirs, last) = {
            let diary = system.diary();
            let theirs: Vec<_> = diary
                .bookings
                .iter()
                .filter(|b| b.guest_email == GUEST)
                .map(|b| (b.start, b.therapist.clone(), b.service.clone(), b.cancelled))
                .collect();
            (theirs, diary.bookings.last().unwrap().clone())
        };
        let (therapist, service) = (THERAPIST.to_owned(), SERVICE.to_owned());
        // Moved there in one step, then cancelled.
        assert_eq!(theirs, [(at(14, 0), therapist, service, true)]);
        // The patient's phone as Lumen keeps it, in international form.
        assert_eq!(last.guest_phone, "+447700900123");
        let kept: String = sqlx::query_scalar(
            "SELECT m.practice_appointment_id FROM practice_appointments m
             JOIN appointments a ON a.id = m.appointment_id
             WHERE a.provider_id = $1 AND lower(a.period) = $2",
        )
        .bind(lewis)
        .bind(at(14, 0))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(kept, last.id);
        assert_eq!(system.live_reservations(), 0);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_books_moves_and_cancels_on_lumens_own_calendar(pool: PgPool) {
    a_patient_books_moves_and_cancels(pool, Backend::Lumen).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_books_moves_and_cancels_through_the_practice_system(pool: PgPool) {
    a_patient_books_moves_and_cancels(pool, Backend::Practice).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_practice_systems_own_diary_decides_what_is_free(pool: PgPool) {
    let Clinic {
        app, lewis, system, ..
    } = clinic(&pool, Backend::Practice, API_KEY).await;
    let system = system.unwrap();
    // Booked at the clinic's desk in the system: Lumen never saw it, and never offers it.
    system.book_at_desk(SERVICE, THERAPIST, at(11, 0));
    let shown = picker(&app, MOLE_CHECK, lewis, "2026-03-17").await;
    assert!(offered(&shown, at(10, 0)));
    assert!(!offered(&shown, at(11, 0)));
    let refused = hold(&app, MOLE_CHECK, lewis, at(11, 0), "").await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(status_at(&pool, lewis, at(11, 0)).await.is_empty());

    // Ten patients at once for one time: the system gives it to one, and Lumen holds one.
    let attempts: Vec<_> = (0..10)
        .map(|_| hold(&app, MOLE_CHECK, lewis, at(15, 0), ""))
        .collect();
    let replies = futures::future::join_all(attempts).await;
    let won = replies.iter().filter(|r| r.status.is_success()).count();
    let lost = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, lost), (1, 9));
    assert_eq!(status_at(&pool, lewis, at(15, 0)).await, ["held"]);
    assert_eq!(system.live_reservations(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_practice_system_that_refuses_lumens_key_books_nothing(pool: PgPool) {
    let Clinic {
        app, lewis, system, ..
    } = clinic(&pool, Backend::Practice, "a-revoked-key").await;
    let shown = post_as(
        &app,
        "booking/picker",
        None,
        &form(&[
            ("treatment", MOLE_CHECK),
            ("provider", &lewis.to_string()),
            ("day", "2026-03-17"),
        ]),
    )
    .await;
    assert_eq!(
        shown.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        shown.body
    );
    let held = hold(&app, MOLE_CHECK, lewis, at(10, 0), "").await;
    assert_eq!(
        held.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        held.body
    );
    assert!(status_at(&pool, lewis, at(10, 0)).await.is_empty());
    assert!(system
        .unwrap()
        .diary()
        .bookings
        .iter()
        .all(|b| b.guest_email != GUEST));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booking_not_paid_in_time_is_cancelled_in_the_practice_system_too(pool: PgPool) {
    let stripe = FakeStripe::start_at(None, Some(stripe_checkout::clock().now()));
    let Clinic {
        app,
        state,
        lewis,
        system,
    } = clinic_taking(&pool, Backend::Practice, API_KEY, stripe.payments()).await;
    let system = system.unwrap();
    sqlx::query("UPDATE clinics SET payment_processor = 'stripe'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE treatments SET payment_rule = 'deposit', deposit_minor = 5000
         WHERE slug = $1",
    )
    .bind(MOLE_CHECK)
    .execute(&pool)
    .await
    .unwrap();

    // Confirming books the time in the system; Lumen waits for the deposit.
    stripe_checkout::confirm_with_deposit(&app, &pool).await;
    assert_eq!(
        status_at(&pool, lewis, at(10, 0)).await,
        ["pending_payment"]
    );
    let booked_there = || {
        system
            .diary()
            .bookings
            .iter()
            .filter(|b| b.guest_email == GUEST)
            .map(|b| b.cancelled)
            .collect::<Vec<_>>()
    };
    assert_eq!(booked_there(), [false]);

    // The deposit never comes: the worker's round lets the booking go, there too.
    state.clock.advance(Duration::hours(2));
    let rules = store::rules(&state.pool, state.clinic_id).await.unwrap();
    let calendar = state.calendar(state.clock.now(), &rules);
    assert_eq!(calendar.release_expired().await.ok(), Some(1));
    assert_eq!(status_at(&pool, lewis, at(10, 0)).await, ["cancelled"]);
    assert_eq!(booked_there(), [true]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_staff_calendar_shows_what_was_booked_in_the_practice_system_itself(pool: PgPool) {
    let Clinic {
        app, lewis, system, ..
    } = clinic(&pool, Backend::Practice, API_KEY).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    system.unwrap().book_at_desk(SERVICE, THERAPIST, at(11, 0));
    let cookie = common::signed_in(&app, common::FRONT_DESK).await;

    let reply = post_as(&app, "admin/calendar", Some(&cookie), "day=2026-03-17").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let calendar: CalendarData = serde_json::from_str(&reply.body).unwrap();
    let column = calendar
        .columns
        .iter()
        .find(|c| c.heading == "Dr Lewis Grant")
        .unwrap();
    let at = |start: &str| -> Vec<(&str, &str, &str, &str)> {
        column
            .blocks
            .iter()
            .filter(|b| b.time.starts_with(start))
            .map(|b| {
                (
                    b.patient.as_str(),
                    b.treatment.as_str(),
                    b.status.as_str(),
                    b.status_label.as_str(),
                )
            })
            .collect()
    };
    // Lumen's own booking once, not again as the system's.
    assert_eq!(
        at("10:00"),
        [("Ana Ruiz", "Mole and skin check", "confirmed", "Confirmed")]
    );
    assert_eq!(
        at("11:00"),
        [(
            "Booked in the practice system",
            "Mole and skin check",
            "elsewhere",
            "Not booked through Lumen"
        )]
    );

    // On the page it is a block with nothing to open.
    let page = common::get_as(&app, "/admin/calendar?day=2026-03-17", Some(&cookie)).await;
    let time = page
        .body
        .find(">11:00–11:45<")
        .expect("the block is on the page");
    let start = page.body[..time].rfind("<a").unwrap();
    let block = &page.body[start..start + page.body[start..].find("</a>").unwrap()];
    let tag = &block[..block.find('>').unwrap()];
    assert!(tag.contains("data-status=\"elsewhere\""), "{tag}");
    assert!(!tag.contains("href"), "{tag}");
    assert!(block.contains(">Booked in the practice system<"), "{block}");
}

/// A clinic admin keeps the system's ids on the settings screen: what is saved is what
/// bookings use, a refused form changes nothing, and only clinic admins may do either.
#[sqlx::test(migrations = "../migrations")]
async fn clinic_admins_keep_the_practice_systems_ids_on_the_settings_screen(pool: PgPool) {
    let Clinic { app, lewis, .. } = clinic(&pool, Backend::Practice, API_KEY).await;
    let admin = common::signed_in(&app, ADMIN).await;
    let screen = practice_screen(&app, &admin).await.unwrap();
    assert_eq!(screen.centre, CENTER);
    let mole_check = screen
        .treatments
        .iter()
        .find(|t| t.name == "Mole and skin check")
        .unwrap();
    assert_eq!(mole_check.practice_id, SERVICE);
    let mapped: Vec<_> = screen
        .treatments
        .iter()
        .filter(|t| !t.practice_id.is_empty())
        .collect();
    assert_eq!(mapped.len(), 1);
    let lewis_row = screen
        .providers
        .iter()
        .find(|p| p.id == lewis.to_string())
        .unwrap();
    assert_eq!(lewis_row.practice_id, THERAPIST);
    let centre: Vec<_> = screen
        .locations
        .iter()
        .filter(|l| !l.practice_id.is_empty())
        .collect();
    assert_eq!(centre.len(), 1);
    assert_eq!(centre[0].practice_id, CENTER);
    let other = screen
        .treatments
        .iter()
        .find(|t| t.practice_id.is_empty())
        .unwrap();

    // The same service for two treatments: refused beside the second, nothing changed.
    let (mole, lewis_id) = (mole_check.id.as_str(), lewis.to_string());
    let refused = save_ids(
        &app,
        &admin,
        &[(mole, SERVICE), (&other.id, SERVICE)],
        &[(&lewis_id, "")],
        "",
    )
    .await;
    let problems = common::field_problems(&refused);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, format!("service-{}", other.id));
    assert_eq!(practice_screen(&app, &admin).await.unwrap(), screen);

    // A row that is not the clinic's (deleted since the page loaded): nothing changed.
    let stranger = Uuid::new_v4().to_string();
    let refused = save_ids(
        &app,
        &admin,
        &[(mole, "svc-other"), (&stranger, "svc-x")],
        &[],
        "",
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("reload the page"), "{}", refused.body);
    assert_eq!(practice_screen(&app, &admin).await.unwrap(), screen);

    // The front desk may not read or change them.
    let desk = common::signed_in(&app, FRONT_DESK).await;
    let read = post_as(&app, "admin/practice_ids", Some(&desk), "").await;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    let changed = save_ids(&app, &desk, &[(mole, "")], &[], "").await;
    assert_eq!(changed.status, StatusCode::FORBIDDEN);
    assert_eq!(practice_screen(&app, &admin).await.unwrap(), screen);

    // Without its service the mole check is not offered online; with it, it is again.
    let centre_id = centre[0].id.clone();
    let unmapped = save_ids(
        &app,
        &admin,
        &[(mole, " ")],
        &[(&lewis_id, THERAPIST)],
        &centre_id,
    )
    .await;
    assert_eq!(unmapped.status, StatusCode::OK, "{}", unmapped.body);
    assert!(picker(&app, MOLE_CHECK, lewis, "2026-03-17")
        .await
        .slots
        .is_empty());
    let mapped = save_ids(
        &app,
        &admin,
        &[(mole, SERVICE)],
        &[(&lewis_id, THERAPIST)],
        &centre_id,
    )
    .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.body);
    assert!(offered(
        &picker(&app, MOLE_CHECK, lewis, "2026-03-17").await,
        at(10, 0)
    ));
    assert_eq!(practice_screen(&app, &admin).await.unwrap(), screen);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE subject_type = 'practice_ids' AND action = 'update'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // The setup's save and the two above; the refused ones left no trace.
    assert_eq!(audited, 3);
}

/// A clinic on Lumen's own calendar has no practice section and nothing to save.
#[sqlx::test(migrations = "../migrations")]
async fn without_a_practice_system_there_are_no_ids_to_keep(pool: PgPool) {
    let Clinic { app, lewis, .. } = clinic(&pool, Backend::Lumen, API_KEY).await;
    let admin = common::signed_in(&app, ADMIN).await;
    assert_eq!(practice_screen(&app, &admin).await, None);
    let refused = save_ids(&app, &admin, &[], &[(&lewis.to_string(), "th-1")], "").await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Lumen's own calendar"),
        "{}",
        refused.body
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM practice_ids")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

/// When Lumen cannot record a move the system took, the system's appointment is moved back,
/// so the two calendars never disagree about where the patient is.
#[sqlx::test(migrations = "../migrations")]
async fn a_move_lumen_cannot_record_is_moved_back_in_the_practice_system(pool: PgPool) {
    let Clinic {
        app,
        state,
        lewis,
        system,
    } = clinic(&pool, Backend::Practice, API_KEY).await;
    let system = system.unwrap();
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    // 14:00 is free in the system but taken in Lumen: a hold Lumen kept on its own calendar
    // (made before the system was connected), which the system never heard of.
    let (treatment, location): (Uuid, Uuid) = sqlx::query_as(
        "SELECT treatment_id, location_id FROM appointments
         WHERE provider_id = $1 AND lower(period) = $2",
    )
    .bind(lewis)
    .bind(at(10, 0))
    .fetch_one(&pool)
    .await
    .unwrap();
    let now = state.clock.now();
    let placement = store::Placement {
        treatment_id: treatment,
        provider_id: lewis,
        location_id: location,
        room_id: None,
        start: at(14, 0),
        end: at(14, 45),
        double_booked: false,
    };
    store::hold(
        &state.pool,
        state.clinic_id,
        &placement,
        &[7; 32],
        now + Duration::minutes(10),
        now,
    )
    .await
    .unwrap();

    let refused = move_booking(&app, &manage, at(14, 0)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(status_at(&pool, lewis, at(10, 0)).await, ["confirmed"]);
    assert_eq!(guests_bookings(&system), [(at(10, 0), false)]);
}

/// A booking made on Lumen's own calendar before the system was connected: moving it books
/// the new time in the system, and from then on it is the system's like any other.
#[sqlx::test(migrations = "../migrations")]
async fn a_booking_from_before_the_system_was_connected_moves_into_it(pool: PgPool) {
    let Clinic {
        app,
        state,
        lewis,
        system,
    } = clinic(&pool, Backend::Practice, API_KEY).await;
    let system = system.unwrap();
    let before_connecting = lumen::http::router(AppState {
        booking: BookingBackend::Lumen,
        ..state.clone()
    });
    let manage = book(&before_connecting, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    assert!(guests_bookings(&system).is_empty());

    let moved = move_booking(&app, &manage, at(14, 0)).await;
    assert!(moved.status.is_success(), "{}", moved.body);
    assert_eq!(status_at(&pool, lewis, at(14, 0)).await, ["confirmed"]);
    assert_eq!(guests_bookings(&system), [(at(14, 0), false)]);

    let cancelled = post_as(&app, "booking/cancel", None, &form(&[("token", &manage)])).await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);
    assert_eq!(guests_bookings(&system), [(at(14, 0), true)]);
}
