//! The waitlist through the real router against PostgreSQL: four patients wait for Dr
//! Grant's Tuesday 10:00 mole check, which someone else has booked. The clock is fixed at
//! 08:00 on Monday 16 March 2026; rounds are run as the server's worker runs them.

use crate::booking::{at, book, confirm, lewis, MOLE_CHECK};
use crate::common::{
    self, app_error, emails_to, field_problems, form, get_as, post_as, signed_in, token_in_email,
    FRONT_DESK, PATIENT,
};
use app::admin::waitlist::types::WaitingRow;
use app::backend::integrations::messaging::Messaging;
use app::backend::state::{AppState, Clock};
use app::backend::waitlist::{offer_free_times, Round};
use app::error::AppError;
use axum::Router;
use chrono::{Duration, TimeZone, Utc};
use sqlx::PgPool;

const WAITING: [&str; 4] = ["ana", "ben", "cat", "dan"];

fn email(name: &str) -> String {
    format!("{name}.wait@example.com")
}

async fn join(app: &Router, name: &str) -> common::Reply {
    let email = email(name);
    // Dan asks for texts too.
    let (phone, by_sms) = if name == "dan" {
        ("07700 900777", "on")
    } else {
        ("", "")
    };
    post_as(
        app,
        "waitlist/join",
        None,
        &form(&[
            ("form[treatment]", MOLE_CHECK),
            ("form[provider]", ""),
            ("form[tuesday]", "on"),
            ("form[earliest]", "10:00"),
            ("form[latest]", "10:45"),
            ("form[last_day]", "2026-03-17"),
            ("form[first_name]", name),
            ("form[last_name]", "Wait"),
            ("form[email]", &email),
            ("form[phone]", phone),
            ("form[by_sms]", by_sms),
        ]),
    )
    .await
}

/// The four waiting, in order, for a time someone else has booked; its manage link.
async fn waiting_for_a_taken_time(pool: &PgPool) -> (Router, AppState, Clock, String) {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap());
    let (app, state) = common::app_with_state(
        pool,
        clock.clone(),
        common::media(),
        Messaging::development(),
    )
    .await;
    let lewis = lewis(pool).await;
    let manage = book(&app, MOLE_CHECK, lewis, at(10, 0), "holder@example.com").await;
    for name in WAITING {
        let joined = join(&app, name).await;
        assert_eq!(
            joined.headers["location"], "/waitlist/joined",
            "{}",
            joined.body
        );
        clock.advance(Duration::seconds(1));
    }
    (app, state, clock, manage)
}

async fn offer_token(pool: &PgPool, name: &str) -> String {
    token_in_email(
        pool,
        &email(name),
        "waitlist_offer",
        "/waitlist/offer?token=",
    )
    .await
}

async fn kinds(pool: &PgPool, name: &str) -> Vec<String> {
    emails_to(pool, &email(name))
        .await
        .into_iter()
        .map(|(kind, _)| kind)
        .collect()
}

async fn take(app: &Router, token: &str) -> common::Reply {
    post_as(app, "waitlist/take", None, &form(&[("token", token)])).await
}

/// Cancels the booking in the way and runs a round: the time goes to the first three.
async fn cancel_and_offer(app: &Router, state: &AppState, clock: &Clock, manage: &str) {
    cancel_and_offer_to(app, state, clock, manage, 3).await;
}

/// Cancels the booking in the way and runs a round, which offers the time to `offers`.
async fn cancel_and_offer_to(
    app: &Router,
    state: &AppState,
    clock: &Clock,
    manage: &str,
    offers: usize,
) {
    let nothing = offer_free_times(state, clock.now()).await.unwrap();
    assert_eq!(
        nothing,
        Round::default(),
        "no time suits them while it is booked"
    );
    let cancelled = post_as(app, "booking/cancel", None, &form(&[("token", manage)])).await;
    assert!(
        cancelled.status.is_redirection() || cancelled.status.is_success(),
        "{}",
        cancelled.body
    );
    let round = offer_free_times(state, clock.now()).await.unwrap();
    assert_eq!(
        round,
        Round {
            lapsed: 0,
            times: 1,
            offers
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cancelled_time_is_offered_to_the_first_three_waiting_and_the_first_to_take_it_books_it(
    pool: PgPool,
) {
    let (app, state, clock, manage) = waiting_for_a_taken_time(&pool).await;
    for name in WAITING {
        assert_eq!(kinds(&pool, name).await, ["waitlist_joined"], "{name}");
    }
    cancel_and_offer(&app, &state, &clock, &manage).await;
    for name in ["ana", "ben", "cat"] {
        assert_eq!(
            kinds(&pool, name).await,
            ["waitlist_joined", "waitlist_offer"],
            "{name}"
        );
    }
    assert_eq!(kinds(&pool, "dan").await, ["waitlist_joined"]);
    let (_, offer) = emails_to(&pool, &email("ana")).await.pop().unwrap();
    assert!(
        offer.contains("Tuesday 17 March 2026, 10:00–10:45")
            && offer.contains("held until 08:30 for you and 2 others"),
        "{offer}"
    );

    // Ben is first to take it, minutes later: the hold is his, his details filled in.
    clock.advance(Duration::minutes(4));
    let taken = take(&app, &offer_token(&pool, "ben").await).await;
    let hold = crate::booking::link_in(&taken, "/book/details?hold=");
    let held = post_as(&app, "booking/held", None, &form(&[("hold", &hold)])).await;
    assert!(held.body.contains("ben.wait@example.com"), "{}", held.body);
    // Ana is too late, and is told so on the page and by email, as is Cat.
    let late = take(&app, &offer_token(&pool, "ana").await).await;
    match app_error(&late) {
        AppError::Invalid(message) => {
            assert!(message.contains("took this time first"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    for name in ["ana", "cat"] {
        assert_eq!(
            kinds(&pool, name).await,
            ["waitlist_joined", "waitlist_offer", "waitlist_gone"],
            "{name}"
        );
    }
    assert_eq!(
        kinds(&pool, "ben").await,
        ["waitlist_joined", "waitlist_offer"]
    );
    // Ben gives the phone number booking asks for and confirms, and the time is his.
    let mut details = crate::booking::details(&email("ben"));
    details[0].1 = "ben".to_owned();
    let saved = crate::booking::save_details(&app, &hold, &details).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let confirmed = confirm(&app, &hold).await;
    assert!(confirmed.status.is_success(), "{}", confirmed.body);
    let booked: String = sqlx::query_scalar(
        "SELECT p.email FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE lower(a.period) = $1 AND a.provider_id = $2 AND a.status = 'confirmed'",
    )
    .bind(at(10, 0))
    .bind(lewis(&pool).await)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(booked, email("ben"));
    // Off the waitlist, Ben hears of no more times; the others still wait.
    let desk = signed_in(&app, FRONT_DESK).await;
    let list = post_as(&app, "admin/waitlist", Some(&desk), "").await;
    let rows: Vec<WaitingRow> = serde_json::from_str(&list.body).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.patient.as_str()).collect();
    assert_eq!(names, ["ana Wait", "cat Wait", "dan Wait"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_patients_taking_the_same_time_at_once_one_gets_it(pool: PgPool) {
    let (app, state, clock, manage) = waiting_for_a_taken_time(&pool).await;
    cancel_and_offer(&app, &state, &clock, &manage).await;
    let (ana, cat) = (
        offer_token(&pool, "ana").await,
        offer_token(&pool, "cat").await,
    );
    let (first, second) = tokio::join!(take(&app, &ana), take(&app, &cat));
    let won: Vec<bool> = [&first, &second]
        .iter()
        .map(|reply| {
            reply
                .headers
                .get("location")
                .is_some_and(|to| to.to_str().unwrap().starts_with("/book/details?hold="))
        })
        .collect();
    assert_eq!(
        won.iter().filter(|won| **won).count(),
        1,
        "{} / {}",
        first.body,
        second.body
    );
    let holds: i64 =
        sqlx::query_scalar("SELECT count(*) FROM waitlist_offers WHERE status = 'taken'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(holds, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_offer_nobody_takes_lapses_and_the_time_goes_to_the_next_in_line(pool: PgPool) {
    let (app, state, clock, manage) = waiting_for_a_taken_time(&pool).await;
    cancel_and_offer(&app, &state, &clock, &manage).await;
    clock.advance(Duration::minutes(31));
    let round = offer_free_times(&state, clock.now()).await.unwrap();
    assert_eq!(
        round,
        Round {
            lapsed: 3,
            times: 1,
            offers: 1
        }
    );
    assert_eq!(
        kinds(&pool, "dan").await,
        ["waitlist_joined", "waitlist_offer"]
    );
    let (_, offer) = emails_to(&pool, &email("dan")).await.pop().unwrap();
    assert!(!offer.contains("others"), "offered to Dan alone: {offer}");
    let lapsed = take(&app, &offer_token(&pool, "ana").await).await;
    match app_error(&lapsed) {
        AppError::Invalid(message) => assert!(message.contains("no longer open"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_who_takes_an_offer_but_never_books_it_waits_again(pool: PgPool) {
    let (app, state, clock, manage) = waiting_for_a_taken_time(&pool).await;
    cancel_and_offer(&app, &state, &clock, &manage).await;
    let taken = take(&app, &offer_token(&pool, "ana").await).await;
    assert!(taken.headers["location"]
        .to_str()
        .unwrap()
        .starts_with("/book/details?hold="));
    let desk = signed_in(&app, FRONT_DESK).await;
    let waiting = |body: &str| -> Vec<String> {
        serde_json::from_str::<Vec<WaitingRow>>(body)
            .unwrap()
            .into_iter()
            .map(|row| row.patient)
            .collect()
    };
    let list = post_as(&app, "admin/waitlist", Some(&desk), "").await;
    assert_eq!(waiting(&list.body), ["ben Wait", "cat Wait", "dan Wait"]);
    // Her hold runs out unbooked: she waits again, and the time goes to Dan, the only one
    // it was not offered to.
    clock.advance(Duration::hours(1));
    let round = offer_free_times(&state, clock.now()).await.unwrap();
    assert_eq!(
        round,
        Round {
            lapsed: 0,
            times: 1,
            offers: 1
        }
    );
    // (An hour idle signs staff out.)
    let desk = signed_in(&app, FRONT_DESK).await;
    let list = post_as(&app, "admin/waitlist", Some(&desk), "").await;
    assert_eq!(
        waiting(&list.body),
        ["ana Wait", "ben Wait", "cat Wait", "dan Wait"]
    );
    assert_eq!(
        kinds(&pool, "dan").await,
        ["waitlist_joined", "waitlist_offer"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn patients_leave_by_their_link_and_staff_take_people_off(pool: PgPool) {
    let (app, state, clock, manage) = waiting_for_a_taken_time(&pool).await;
    let leave = token_in_email(
        &pool,
        &email("ana"),
        "waitlist_joined",
        "/waitlist/leave?token=",
    )
    .await;
    let left = post_as(&app, "waitlist/leave", None, &form(&[("token", &leave)])).await;
    assert_eq!(left.headers["location"], "/waitlist/left");

    let desk = signed_in(&app, FRONT_DESK).await;
    let rows: Vec<WaitingRow> =
        serde_json::from_str(&post_as(&app, "admin/waitlist", Some(&desk), "").await.body).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].patient, "ben Wait");
    assert_eq!(
        rows[0].when,
        "Tuesdays, 10:00–10:45, until Tuesday 17 March 2026"
    );
    let removed = post_as(
        &app,
        "admin/remove_from_waitlist",
        Some(&desk),
        &form(&[("id", &rows[0].id)]),
    )
    .await;
    assert_eq!(removed.headers["location"], "/admin/waitlist?removed=1");
    let rows: Vec<WaitingRow> =
        serde_json::from_str(&post_as(&app, "admin/waitlist", Some(&desk), "").await.body).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.patient.as_str()).collect();
    assert_eq!(names, ["cat Wait", "dan Wait"]);

    // Patients never see the list.
    let patient = signed_in(&app, PATIENT).await;
    assert_eq!(
        post_as(&app, "admin/waitlist", Some(&patient), "")
            .await
            .status,
        403
    );
    assert_eq!(
        get_as(&app, "/admin/waitlist", Some(&patient)).await.status,
        403
    );
    // Nobody who left or was taken off is offered the freed time.
    cancel_and_offer_to(&app, &state, &clock, &manage, 2).await;
    for name in ["ana", "ben"] {
        assert_eq!(kinds(&pool, name).await, ["waitlist_joined"], "{name}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_form_says_what_to_fix_and_stores_nothing(pool: PgPool) {
    let app = common::app(&pool).await;
    let reply = post_as(
        &app,
        "waitlist/join",
        None,
        &form(&[
            ("form[treatment]", MOLE_CHECK),
            ("form[earliest]", "17:00"),
            ("form[latest]", "09:00"),
            ("form[first_name]", "Ana"),
            ("form[last_name]", "Wait"),
            ("form[email]", "not an address"),
        ]),
    )
    .await;
    let fields: Vec<String> = field_problems(&reply)
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(fields, ["monday", "latest", "email"]);
    assert_eq!(common::count_rows(&pool, "waitlist_entries").await, 0);
    // A group session's places are booked, not waited for.
    let group = post_as(
        &app,
        "waitlist/join",
        None,
        &form(&[("form[treatment]", "skin-health-workshop")]),
    )
    .await;
    assert!(
        matches!(app_error(&group), AppError::Invalid(_)),
        "{}",
        group.body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signed_in_patient_waits_on_their_own_record_sees_it_in_their_data_and_deleting_them_ends_it(
    pool: PgPool,
) {
    let app = common::app(&pool).await;
    let me = signed_in(&app, PATIENT).await;
    let joined = post_as(
        &app,
        "waitlist/join",
        Some(&me),
        &form(&[
            ("form[treatment]", MOLE_CHECK),
            ("form[friday]", "on"),
            ("form[earliest]", "13:00"),
            ("form[latest]", "17:00"),
            ("form[first_name]", "Isla"),
            ("form[last_name]", "Morrison"),
            ("form[email]", PATIENT),
        ]),
    )
    .await;
    assert_eq!(
        joined.headers["location"], "/waitlist/joined",
        "{}",
        joined.body
    );
    let (on_own_record, guests): (bool, i64) = sqlx::query_as(
        "SELECT p.user_id IS NOT NULL, (SELECT count(*) FROM patients WHERE booked_as_guest)
         FROM waitlist_entries w JOIN patients p ON p.id = w.patient_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(on_own_record);
    assert_eq!(guests, 0, "no guest record is made for a signed-in patient");

    let mut request = axum::http::Request::get("/api/account/my_data")
        .header("accept", "application/json")
        .header("cookie", &me);
    request = request.header("origin", common::PUBLIC_URL);
    let data = common::send(&app, request.body(axum::body::Body::empty()).unwrap()).await;
    let data: app::account::types::MyData = serde_json::from_str(&data.body).unwrap();
    assert_eq!(data.waitlist.len(), 1);
    assert_eq!(data.waitlist[0].treatment, "Mole and skin check");
    assert!(data.waitlist[0]
        .waiting_for
        .starts_with("Fridays, 13:00–17:00, until "));

    let deleted = post_as(
        &app,
        "account/delete",
        Some(&me),
        &format!("current_password={}", common::PASSWORD),
    )
    .await;
    assert!(deleted.status.is_success(), "{}", deleted.body);
    assert_eq!(common::count_rows(&pool, "waitlist_entries").await, 0);
}
