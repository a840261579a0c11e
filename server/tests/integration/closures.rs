//! Closed days through the real router: a closed day is offered in no channel (the booking
//! pages, the REST API, the assistant) on either booking backend; closing a day lists the
//! bookings standing on it and cancels them with one message to each patient; public
//! holidays load once. The clock is fixed at 08:00 on the demo's Monday, 16 March 2026.

use crate::api::api;
use crate::booking::{
    at, book, hold, lewis, offered, on_both_backends, picker, status_at, MOLE_CHECK,
};
use crate::common::{self, emails_to, field_problems, form, get_as, post_as, signed_in, ADMIN};
use crate::practice_stand_in::API_KEY;
use crate::practice_system::{self, Backend, Clinic};
use app::admin::closures::types::ClosuresScreen;
use app::backend::assistant;
use axum::http::StatusCode;
use axum::Router;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const TUESDAY: &str = "2026-03-17";

async fn screen(app: &Router, cookie: &str) -> ClosuresScreen {
    let reply = post_as(app, "admin/closures", Some(cookie), "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn close(app: &Router, cookie: &str, first: &str, last: &str, reason: &str) -> Uuid {
    let reply = post_as(
        app,
        "admin/add_closure",
        Some(cookie),
        &form(&[
            ("form[first_day]", first),
            ("form[last_day]", last),
            ("form[location_id]", ""),
            ("form[reason]", reason),
        ]),
    )
    .await;
    assert!(
        reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );
    screen(app, cookie)
        .await
        .closures
        .into_iter()
        .find(|c| c.reason == reason)
        .expect("the closure is listed")
        .id
}

/// The starts the REST API offers for `treatment` on `day`.
async fn api_starts(app: &Router, treatment: &str, day: &str) -> Vec<String> {
    let path = format!("/api/v1/treatments/{treatment}/availability?from={day}&to={day}");
    let reply = api(app, "GET", &path, None, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["start"].as_str().unwrap().to_owned())
        .collect()
}

on_both_backends!(a_closed_day_is_offered_in_no_channel_and_opens_again_when_removed);

async fn a_closed_day_is_offered_in_no_channel_and_opens_again_when_removed(
    pool: PgPool,
    backend: Backend,
) {
    let Clinic { app, state, .. } = practice_system::clinic(&pool, backend, API_KEY).await;
    let lewis = lewis(&pool).await;
    let cookie = signed_in(&app, ADMIN).await;
    assert!(offered(
        &picker(&app, MOLE_CHECK, lewis, TUESDAY).await,
        at(10, 0)
    ));
    assert!(!api_starts(&app, MOLE_CHECK, TUESDAY).await.is_empty());

    let closure = close(&app, &cookie, TUESDAY, "", "Staff training").await;

    // The booking pages: no time that day, the day greyed out, and a hold refused.
    let closed = picker(&app, MOLE_CHECK, lewis, TUESDAY).await;
    assert!(closed.slots.iter().all(|s| !s.start.starts_with(TUESDAY)));
    assert!(closed.days.iter().any(|d| d.date == TUESDAY && !d.free));
    let refused = hold(&app, MOLE_CHECK, lewis, at(10, 0), "").await;
    assert!(!refused.status.is_success(), "{}", refused.body);
    assert!(status_at(&pool, lewis, at(10, 0)).await.is_empty());
    // The REST API.
    assert_eq!(
        api_starts(&app, MOLE_CHECK, TUESDAY).await,
        Vec::<String>::new()
    );
    // The assistant: Lewis's next Tuesday instead.
    let offers = assistant::free_times(&state, MOLE_CHECK, Some(2))
        .await
        .unwrap();
    assert!(!offers.is_empty());
    assert!(
        offers.iter().all(|o| !o.start.starts_with(TUESDAY)),
        "{offers:?}"
    );
    assert!(offers.iter().any(|o| o.start.starts_with("2026-03-24")));
    // The next day is open as before.
    assert!(!api_starts(&app, MOLE_CHECK, "2026-03-19").await.is_empty());

    let reopened = post_as(
        &app,
        "admin/remove_closure",
        Some(&cookie),
        &form(&[("id", &closure.to_string())]),
    )
    .await;
    assert!(reopened.status.is_success(), "{}", reopened.body);
    assert!(offered(
        &picker(&app, MOLE_CHECK, lewis, TUESDAY).await,
        at(10, 0)
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn closing_a_day_lists_exactly_its_bookings_and_cancels_them_with_one_message_each(
    pool: PgPool,
) {
    let Clinic { app, .. } = practice_system::clinic(&pool, Backend::Lumen, API_KEY).await;
    let lewis = lewis(&pool).await;
    let cookie = signed_in(&app, ADMIN).await;
    let first = "first.patient@example.com";
    let second = "second.patient@example.com";
    let changed_mind = "changed.mind@example.com";
    let next_day = "next.day@example.com";
    book(&app, MOLE_CHECK, lewis, at(10, 0), first).await;
    book(&app, MOLE_CHECK, lewis, at(11, 0), second).await;
    let cancelled = book(&app, MOLE_CHECK, lewis, at(12, 0), changed_mind).await;
    let gone = post_as(
        &app,
        "booking/cancel",
        None,
        &form(&[("token", &cancelled)]),
    )
    .await;
    assert!(gone.status.is_success(), "{}", gone.body);
    // Thursday 19 March, at Lewis's other location.
    let thursday = at(13, 0) + chrono::Duration::days(2);
    book(&app, MOLE_CHECK, lewis, thursday, next_day).await;
    let standing: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM appointments
         WHERE status IN ('confirmed', 'pending_payment')
           AND lower(period) >= '2026-03-17T00:00:00Z' AND lower(period) < '2026-03-18T00:00:00Z'
         ORDER BY lower(period), id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mine: Vec<Uuid> = sqlx::query_scalar(
        "SELECT a.id FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE p.email = ANY($1) AND a.status = 'confirmed'",
    )
    .bind(vec![first, second])
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|id| standing.contains(id)));

    let closure = close(&app, &cookie, TUESDAY, "", "Boiler repair").await;
    let listed = screen(&app, &cookie).await;
    let row = listed.closures.iter().find(|c| c.id == closure).unwrap();
    let ids: Vec<Uuid> = row.bookings.iter().map(|b| b.appointment_id).collect();
    // Every confirmed booking that day, the demo's own included; not the cancelled one,
    // not Thursday's.
    assert_eq!(ids, standing);
    let first_line = row
        .bookings
        .iter()
        .find(|b| b.patient == "Ana Ruiz" && b.when == "Tue 17 Mar 2026, 10:00")
        .expect("the 10:00 booking, read in London time");
    assert_eq!(first_line.treatment, "Mole and skin check");
    assert_eq!(first_line.provider, "Dr Lewis Grant");

    let emails_before = emails_to(&pool, first).await.len();
    let reply = post_as(
        &app,
        "admin/cancel_closed_day_bookings",
        Some(&cookie),
        &form(&[("id", &closure.to_string())]),
    )
    .await;
    assert!(
        reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );
    let still: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments WHERE id = ANY($1) AND status <> 'cancelled'",
    )
    .bind(&standing)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(still, 0, "every booking on the closed day is cancelled");
    for patient in [first, second] {
        let kinds: Vec<String> = emails_to(&pool, patient)
            .await
            .into_iter()
            .map(|(kind, _)| kind)
            .collect();
        assert_eq!(
            kinds.iter().filter(|k| *k == "booking_cancelled").count(),
            1,
            "{patient}: {kinds:?}"
        );
    }
    assert_eq!(emails_to(&pool, first).await.len(), emails_before + 1);
    // Thursday's booking stands, and its patient heard nothing more.
    let thursday_status = status_at(&pool, lewis, thursday).await;
    assert_eq!(thursday_status, ["confirmed"]);
    assert!(!emails_to(&pool, next_day)
        .await
        .iter()
        .any(|(kind, _)| kind == "booking_cancelled"));
    let after = screen(&app, &cookie).await;
    let row = after.closures.iter().find(|c| c.id == closure).unwrap();
    assert!(row.bookings.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_demo_closes_on_bank_holidays_and_loading_a_year_twice_adds_nothing(pool: PgPool) {
    let Clinic { app, .. } = practice_system::clinic(&pool, Backend::Lumen, API_KEY).await;
    let cookie = signed_in(&app, ADMIN).await;
    let hannah: Uuid = sqlx::query_scalar("SELECT id FROM providers WHERE slug = 'hannah-price'")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Hannah works Fridays; Good Friday is closed, the Friday after is not.
    let good_friday = picker(&app, "hydrafacial", hannah, "2026-04-03").await;
    assert!(good_friday
        .slots
        .iter()
        .all(|s| !s.start.starts_with("2026-04-03")));
    assert!(good_friday
        .days
        .iter()
        .any(|d| d.date == "2026-04-03" && !d.free));
    let week_after = picker(&app, "hydrafacial", hannah, "2026-04-10").await;
    assert!(week_after
        .slots
        .iter()
        .any(|s| s.start.starts_with("2026-04-10")));

    // Staff find them under the locations, with the forms to close more.
    let page = get_as(&app, "/admin/locations", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        r#"<h2 id="closed-days-heading""#,
        "Fri 25 Dec 2026",
        "Christmas Day",
        "Close these days",
        "England and Wales (bank holidays)",
    ] {
        assert!(page.body.contains(shown), "{shown}");
    }

    let listed = screen(&app, &cookie).await;
    let christmas = listed
        .closures
        .iter()
        .find(|c| c.first_day == "2026-12-25")
        .expect("Christmas Day is closed in the demo");
    assert_eq!(christmas.reason, "Christmas Day");
    assert_eq!(christmas.days, "Fri 25 Dec 2026");
    assert_eq!(christmas.location, None);
    // New Year's Day 2026 was already past when the demo was made; 2027's is to come.
    assert!(listed.closures.iter().all(|c| c.first_day != "2026-01-01"));
    assert!(listed.closures.iter().any(|c| c.first_day == "2027-01-01"));

    let load = |calendar: &'static str, year: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            post_as(
                &app,
                "admin/load_holidays",
                Some(&cookie),
                &form(&[("calendar", calendar), ("year", year), ("location_id", "")]),
            )
            .await
        }
    };
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM closures")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let again = load("england-and-wales", "2026").await;
    assert!(again.status.is_success(), "{}", again.body);
    assert_eq!(
        count().await,
        before,
        "the demo's holidays were loaded already"
    );
    let spain = load("spain", "2026").await;
    assert!(spain.status.is_success(), "{}", spain.body);
    // Spain's 2026 days from 16 March on, less Good Friday and Christmas (closed already).
    assert_eq!(count().await, before + 6);

    let elsewhere = post_as(
        &app,
        "admin/load_holidays",
        Some(&cookie),
        &form(&[
            ("calendar", "spain"),
            ("year", "2026"),
            ("location_id", &Uuid::new_v4().to_string()),
        ]),
    )
    .await;
    assert_eq!(
        field_problems(&elsewhere)
            .iter()
            .map(|p| p.field.as_str())
            .collect::<Vec<_>>(),
        ["holiday_location"]
    );
    let refused = load("atlantis", "1999").await;
    let problems = field_problems(&refused);
    assert!(
        problems.iter().any(|p| p.field == "calendar"),
        "{problems:?}"
    );
    assert!(problems
        .iter()
        .any(|p| p.field == "year" && p.message == "Choose a year from 2026 to 2028."));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_closure_that_cannot_be_kept_says_why_and_stores_nothing(pool: PgPool) {
    let app = common::app_with_clock(&pool, app::backend::state::Clock::fixed(at(8, 0))).await;
    let cookie = signed_in(&app, ADMIN).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM closures")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let attempt = |first: &'static str, last: &'static str, location: String| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            post_as(
                &app,
                "admin/add_closure",
                Some(&cookie),
                &form(&[
                    ("form[first_day]", first),
                    ("form[last_day]", last),
                    ("form[location_id]", &location),
                    ("form[reason]", "Refurbishment"),
                ]),
            )
            .await
        }
    };
    let backwards = field_problems(&attempt("2026-03-20", "2026-03-18", String::new()).await);
    assert!(
        backwards.iter().any(|p| p.field == "last_day"),
        "{backwards:?}"
    );
    let past = field_problems(&attempt("2026-03-01", "", String::new()).await);
    assert!(past.iter().any(|p| p.field == "first_day"), "{past:?}");
    let elsewhere = field_problems(&attempt("2026-03-20", "", Uuid::new_v4().to_string()).await);
    assert_eq!(
        elsewhere
            .iter()
            .map(|p| p.field.as_str())
            .collect::<Vec<_>>(),
        ["location_id"]
    );
    assert_eq!(count().await, before);
    let closed = attempt("2026-03-20", "", String::new()).await;
    assert!(closed.status.is_success(), "{}", closed.body);
    let twice = field_problems(&attempt("2026-03-20", "", String::new()).await);
    assert_eq!(
        twice.iter().map(|p| p.message.as_str()).collect::<Vec<_>>(),
        ["These days are already closed there."]
    );
    assert_eq!(count().await, before + 1);
}
