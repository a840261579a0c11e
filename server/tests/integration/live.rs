//! Live updates of staff screens, on real sockets and real notifications: two servers on
//! one database (each with its own listener, as two processes have), a booking made
//! through one reaching a staff screen's stream on the other; nothing for another clinic or
//! for a role that may not see it; and a listener whose connection is killed coming back
//! and telling its screens to reload.

use crate::booking::{at, book, lewis, GUEST, MOLE_CHECK};
use crate::common::{self, get_as, signed_in, FRONT_DESK, PATIENT};
use app::backend::integrations::messaging::Messaging;
use app::backend::live::{Heard, Live};
use app::backend::state::{AppState, Clock};
use app::domain::access::Role;
use app::domain::live::Topic;
use chrono::{TimeZone, Utc};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// Longer than any change should take; the time it does take is measured by
/// `scripts/bench`, not here.
const PATIENCE: Duration = Duration::from_secs(10);

/// The demo clinic's server, its clock on the demo's Monday morning, listening for changes.
async fn server(pool: &PgPool) -> (axum::Router, AppState) {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap());
    let (app, state) =
        common::app_with_state(pool, clock, common::media(), Messaging::development()).await;
    state.live.listen(state.pool.clone());
    (app, state)
}

/// Another process on the same database: its own rooms, its own listener.
fn second_process(state: &AppState) -> AppState {
    let other = AppState {
        live: Live::default(),
        ..state.clone()
    };
    other.live.listen(other.pool.clone());
    other
}

/// Waits until `count` listeners are connected: a change committed before would not be
/// heard, as it would not be by a process that is still starting.
async fn listening(pool: &PgPool, count: i64) {
    for _ in 0..200 {
        let connected: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN \"lumen_live\"%'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if connected >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{count} listeners never connected");
}

async fn latest_booking(pool: &PgPool) -> Uuid {
    sqlx::query_scalar(
        "SELECT id FROM appointments WHERE booked_at IS NOT NULL ORDER BY booked_at DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A staff screen's stream of live changes, read as a browser's `EventSource` does.
struct Events {
    response: reqwest::Response,
    unread: String,
}

impl Events {
    async fn open(address: &str, cookie: &str) -> Events {
        let response = reqwest::Client::new()
            .get(format!("{address}/api/live"))
            .header("cookie", cookie)
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Events {
            response,
            unread: String::new(),
        }
    }

    /// The next event's name and data (keep-alive comments skipped).
    async fn next(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.unread.find("\n\n") {
                let block: String = self.unread.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|line| line.strip_prefix(name))
                        .map(|value| value.trim_start().to_owned())
                };
                if let Some(event) = field("event:") {
                    return (event, field("data:").unwrap_or_default());
                }
                continue;
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .expect("an event in time")
                .unwrap()
                .expect("the stream stays open");
            self.unread.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads until `event` with `data` arrives; what came before is returned.
    async fn until(&mut self, event: &str, data: &str) -> Vec<(String, String)> {
        let mut before = Vec::new();
        loop {
            let next = self.next().await;
            if next.0 == event && next.1 == data {
                return before;
            }
            before.push(next);
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booking_through_one_process_reaches_a_staff_screen_of_the_other(pool: PgPool) {
    let (app, state) = server(&pool).await;
    let other = second_process(&state);
    let (socket, address) = common::listener().await;
    let other_app = lumen::http::router(other.clone());
    common::serve(socket, other_app.clone());
    let desk = signed_in(&other_app, FRONT_DESK).await;
    let mut screen = Events::open(&address, &desk).await;
    listening(&pool, 2).await;

    // A patient books online through the first process.
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let booked = latest_booking(&pool).await;
    let before = screen.until("appointment", &booked.to_string()).await;
    // Ids only: every event names a row or asks for a reload, and carries nothing else.
    for (event, data) in before {
        assert!(
            event == "reload" || (event == "appointment" && data == booked.to_string()),
            "{event}: {data}"
        );
    }

    // A patient's session, or none: no stream.
    let patient = signed_in(&other_app, PATIENT).await;
    assert_eq!(
        get_as(&other_app, "/api/live", Some(&patient)).await.status,
        403
    );
    assert_eq!(get_as(&other_app, "/api/live", None).await.status, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn another_clinic_and_a_role_that_may_not_see_a_change_hear_nothing_of_it(pool: PgPool) {
    let (app, state) = server(&pool).await;
    let mut desk = state.live.follow(state.clinic_id, Role::FrontDesk);
    let mut other_clinic = state.live.follow(Uuid::new_v4(), Role::ClinicAdmin);
    let mut patient = state.live.follow(state.clinic_id, Role::Patient);
    listening(&pool, 1).await;

    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let booked = latest_booking(&pool).await;
    loop {
        match tokio::time::timeout(PATIENCE, desk.next()).await.unwrap() {
            Some(Heard::Change(change)) if change.id == booked => {
                assert_eq!(change.topic, Topic::Appointment);
                break;
            }
            Some(_) => continue,
            None => panic!("the stream ended"),
        }
    }
    // The desk has heard it, so the others have been handed it too, and passed it over.
    for (who, following) in [
        ("another clinic", &mut other_clinic),
        ("a patient", &mut patient),
    ] {
        loop {
            match tokio::time::timeout(Duration::from_millis(500), following.next()).await {
                Err(_) => break,
                Ok(Some(Heard::Gap)) => continue,
                Ok(heard) => panic!("{who} heard {heard:?}"),
            }
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_listener_whose_connection_is_killed_comes_back_and_screens_reload(pool: PgPool) {
    let (app, state) = server(&pool).await;
    let mut screen = state.live.follow(state.clinic_id, Role::ClinicAdmin);
    listening(&pool, 1).await;
    while let Ok(Some(Heard::Gap)) =
        tokio::time::timeout(Duration::from_millis(200), screen.next()).await
    {}

    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN \"lumen_live\"%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(killed, [true]);
    assert_eq!(
        tokio::time::timeout(PATIENCE, screen.next()).await.unwrap(),
        Some(Heard::Gap),
        "changes may have been missed: reload"
    );

    // Listening again: the next booking is heard.
    listening(&pool, 1).await;
    let lewis = lewis(&pool).await;
    book(&app, MOLE_CHECK, lewis, at(10, 0), GUEST).await;
    let booked = latest_booking(&pool).await;
    loop {
        match tokio::time::timeout(PATIENCE, screen.next()).await.unwrap() {
            Some(Heard::Change(change)) if change.id == booked => break,
            Some(_) => continue,
            None => panic!("the stream ended"),
        }
    }
}
