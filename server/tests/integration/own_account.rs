//! A person's own account: their details, password, a copy of their data, and deleting it;
//! each reaching only their own rows.

use crate::common;

use app::account::types::{MyAccount, MyData};
use app::domain::form::problem_for;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::{
    call_as, emails_to, post_as, send, session_cookie, signed_in, Reply, ADMIN, PASSWORD, PATIENT,
};
use sqlx::PgPool;

const NEW_PASSWORD: &str = "lantern+orchard+violet";

async fn my_data(app: &Router, cookie: Option<&str>) -> Reply {
    let mut request = Request::get("/api/account/my_data").header("accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_edits_their_details_and_no_one_elses(pool: PgPool) {
    let app = common::app(&pool).await;
    let me = signed_in(&app, PATIENT).await;
    let account: MyAccount =
        serde_json::from_str(&call_as(&app, "my_account", Some(&me)).await.body).unwrap();
    let profile = account.profile.expect("a patient has details to edit");
    assert_eq!(profile.first_name, "Isla");
    assert!(profile.remind_by_email);

    let bad = post_as(
        &app,
        "account/profile",
        Some(&me),
        "form[first_name]=&form[last_name]=Morrison&form[phone]=&form[remind_by_sms]=on",
    )
    .await;
    let bad = common::field_problems(&bad);
    assert!(problem_for(&bad, "first_name").is_some());
    assert!(problem_for(&bad, "phone").is_some());

    let others_before: Vec<(String, String)> = sqlx::query_as(
        "SELECT first_name, phone FROM patients WHERE lower(email) <> $1 ORDER BY id",
    )
    .bind(PATIENT)
    .fetch_all(&pool)
    .await
    .unwrap();
    let saved = post_as(
        &app,
        "account/profile",
        Some(&me),
        "form[first_name]=Isla+Rose&form[last_name]=Morrison&form[phone]=07700+900123&form[remind_by_sms]=on",
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let (first, phone, sms, email): (String, String, bool, bool) = sqlx::query_as(
        "SELECT first_name, phone, remind_by_sms, remind_by_email FROM patients WHERE lower(email) = $1",
    )
    .bind(PATIENT)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (first.as_str(), phone.as_str(), sms, email),
        // Typed as at home; kept with the clinic's country code, as texts need it.
        ("Isla Rose", "+447700900123", true, false)
    );
    let others_after: Vec<(String, String)> = sqlx::query_as(
        "SELECT first_name, phone FROM patients WHERE lower(email) <> $1 ORDER BY id",
    )
    .bind(PATIENT)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(others_before, others_after);

    // Staff have no patient details here.
    let admin = signed_in(&app, ADMIN).await;
    let refused = post_as(
        &app,
        "account/profile",
        Some(&admin),
        "form[first_name]=A&form[last_name]=B",
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_needs_the_current_one_and_signs_out_elsewhere(pool: PgPool) {
    let app = common::app(&pool).await;
    let here = signed_in(&app, PATIENT).await;
    let elsewhere = signed_in(&app, PATIENT).await;
    let form = |current: &str, new: &str| format!("current_password={current}&new_password={new}");

    let wrong = post_as(
        &app,
        "account/password",
        Some(&here),
        &form("not-it", NEW_PASSWORD),
    )
    .await;
    assert!(problem_for(&common::field_problems(&wrong), "current_password").is_some());
    let weak = post_as(
        &app,
        "account/password",
        Some(&here),
        &form(PASSWORD, "password1"),
    )
    .await;
    assert!(problem_for(&common::field_problems(&weak), "new_password").is_some());

    let changed = post_as(
        &app,
        "account/password",
        Some(&here),
        &form(PASSWORD, NEW_PASSWORD),
    )
    .await;
    assert!(changed.status.is_success(), "{}", changed.body);
    assert_eq!(
        call_as(&app, "my_account", Some(&here)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call_as(&app, "my_account", Some(&elsewhere)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        common::sign_in_by_api(&app, PATIENT, PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    session_cookie(&common::sign_in_by_api(&app, PATIENT, NEW_PASSWORD).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_downloads_everything_held_about_them_and_only_that(pool: PgPool) {
    let app = common::app(&pool).await;
    assert_eq!(my_data(&app, None).await.status, StatusCode::UNAUTHORIZED);
    let me = signed_in(&app, PATIENT).await;
    let reply = my_data(&app, Some(&me)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.headers["content-disposition"],
        "attachment; filename=\"my-data.json\""
    );
    let data: MyData = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(data.email, PATIENT);
    assert_eq!(data.patient_records.len(), 1);
    assert_eq!(data.patient_records[0].first_name, "Isla");
    let held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE lower(p.email) = $1",
    )
    .bind(PATIENT)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(held > 0);
    assert_eq!(data.appointments.len() as i64, held);
    let other_patient: String =
        sqlx::query_scalar("SELECT first_name FROM patients WHERE lower(email) <> $1 LIMIT 1")
            .bind(PATIENT)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!reply.body.contains(&other_patient));
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'export'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_an_account_erases_the_person_and_keeps_the_clinics_records(pool: PgPool) {
    let app = common::app(&pool).await;
    let me = signed_in(&app, PATIENT).await;
    // A message to them, to see it go too.
    post_as(
        &app,
        "forgot_password",
        None,
        "email=isla.morrison%40example.com",
    )
    .await;
    assert_eq!(emails_to(&pool, PATIENT).await.len(), 1);
    let appointments_before: i64 = sqlx::query_scalar("SELECT count(*) FROM appointments")
        .fetch_one(&pool)
        .await
        .unwrap();

    let wrong = post_as(&app, "account/delete", Some(&me), "current_password=nope").await;
    assert!(problem_for(&common::field_problems(&wrong), "current_password").is_some());
    assert_eq!(
        call_as(&app, "my_account", Some(&me)).await.status,
        StatusCode::OK,
        "nothing changed"
    );

    let deleted = post_as(
        &app,
        "account/delete",
        Some(&me),
        &format!("current_password={PASSWORD}"),
    )
    .await;
    assert!(deleted.status.is_success(), "{}", deleted.body);
    assert_eq!(deleted.headers["location"], "/account-deleted");
    assert!(deleted.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        call_as(&app, "my_account", Some(&me)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        common::sign_in_by_api(&app, PATIENT, PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    for (table, column) in [
        ("patients", "first_name || last_name || email || phone"),
        ("users", "display_name || email"),
        ("outbox_messages", "recipient || subject || body"),
    ] {
        let left: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE lower({column}) LIKE '%isla%'
                OR lower({column}) LIKE '%morrison%'"
        ))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(left, 0, "{table} still names the person");
    }
    let appointments_after: i64 = sqlx::query_scalar("SELECT count(*) FROM appointments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(appointments_before, appointments_after);

    // Staff accounts belong to the clinic and cannot delete themselves.
    let admin = signed_in(&app, ADMIN).await;
    let refused = post_as(
        &app,
        "account/delete",
        Some(&admin),
        &format!("current_password={PASSWORD}"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
