//! A guest's online booking never writes into the record (or the account) of the patient
//! whose email address they typed; staff merge the two records deliberately.

use crate::booking::{at, book, lewis, MOLE_CHECK};
use crate::common::{self, post_as, signed_in, FRONT_DESK, PATIENT};
use app::account::types::MyAccount;
use app::admin::patients::types::PatientDetail;
use app::backend::state::Clock;
use axum::http::StatusCode;
use axum::Router;
use chrono::{TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

async fn app(pool: &PgPool) -> Router {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    common::app_with_clock(pool, Clock::fixed(monday)).await
}

/// The demo patient's own record: (id, first name, last name, phone).
async fn islas_record(pool: &PgPool) -> (Uuid, String, String, String) {
    sqlx::query_as(
        "SELECT id, first_name, last_name, phone FROM patients
         WHERE email = $1 AND user_id IS NOT NULL",
    )
    .bind(PATIENT)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn appointments_of(pool: &PgPool, patient: Uuid) -> Vec<Uuid> {
    sqlx::query_scalar("SELECT id FROM appointments WHERE patient_id = $1 ORDER BY id")
        .bind(patient)
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn upcoming(app: &Router, cookie: &str) -> usize {
    let reply = post_as(app, "my_account", Some(cookie), "").await;
    assert!(reply.status.is_success(), "{}", reply.body);
    serde_json::from_str::<MyAccount>(&reply.body)
        .unwrap()
        .upcoming
        .len()
}

async fn record(app: &Router, cookie: &str, id: Uuid) -> PatientDetail {
    let reply = post_as(app, "admin/patient", Some(cookie), &format!("id={id}")).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn merge(app: &Router, cookie: &str, from: Uuid, into: Uuid) -> common::Reply {
    post_as(
        app,
        "admin/merge_patients",
        Some(cookie),
        &format!("from={from}&into={into}"),
    )
    .await
}

/// A guest books with Isla's address, another name, a phone and notes.
async fn guest_books_as_isla(pool: &PgPool, app: &Router) -> Uuid {
    book(app, MOLE_CHECK, lewis(pool).await, at(10, 0), PATIENT).await;
    sqlx::query_scalar(
        "SELECT a.id FROM appointments a JOIN patients p ON p.id = a.patient_id
         WHERE p.booked_as_guest AND lower(a.period) = $1",
    )
    .bind(at(10, 0))
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_guest_booking_with_a_patients_email_leaves_their_record_and_account_alone(pool: PgPool) {
    let app = app(&pool).await;
    let (isla, first, last, _) = islas_record(&pool).await;
    // A record without a phone: a guest's number must not fill it in.
    sqlx::query("UPDATE patients SET phone = '' WHERE id = $1")
        .bind(isla)
        .execute(&pool)
        .await
        .unwrap();
    let hers = appointments_of(&pool, isla).await;
    let me = signed_in(&app, PATIENT).await;
    let before = upcoming(&app, &me).await;

    let booked = guest_books_as_isla(&pool, &app).await;

    assert_eq!(
        islas_record(&pool).await,
        (isla, first, last, String::new())
    );
    assert_eq!(appointments_of(&pool, isla).await, hers);
    assert_eq!(upcoming(&app, &me).await, before, "not in her account");
    let (guest, name, phone, account, guest_mark): (Uuid, String, String, Option<Uuid>, bool) =
        sqlx::query_as(
            "SELECT p.id, p.first_name || ' ' || p.last_name, p.phone, p.user_id, p.booked_as_guest
             FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE a.id = $1",
        )
        .bind(booked)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(guest, isla);
    assert_eq!(
        (name.as_str(), phone.as_str(), account, guest_mark),
        ("Ana Ruiz", "+447700900123", None, true)
    );

    // A second guest booking with the address is a record of its own again.
    book(&app, MOLE_CHECK, lewis(&pool).await, at(14, 0), PATIENT).await;
    let records: i64 = sqlx::query_scalar("SELECT count(*) FROM patients WHERE email = $1")
        .bind(PATIENT)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(records, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_merge_a_guests_record_into_the_patients_own(pool: PgPool) {
    let app = app(&pool).await;
    let (isla, ..) = islas_record(&pool).await;
    let booked = guest_books_as_isla(&pool, &app).await;
    let guest: Uuid = sqlx::query_scalar("SELECT patient_id FROM appointments WHERE id = $1")
        .bind(booked)
        .fetch_one(&pool)
        .await
        .unwrap();
    let desk = signed_in(&app, FRONT_DESK).await;
    let noted = post_as(
        &app,
        "admin/add_patient_note",
        Some(&desk),
        &format!("patient_id={guest}&body=Called+to+check+the+booking"),
    )
    .await;
    assert!(noted.status.is_success(), "{}", noted.body);

    // Each record points at the other, the guest's marked as such.
    let hers = record(&app, &desk, isla).await;
    assert!(!hers.booked_as_guest);
    assert_eq!(hers.same_email.len(), 1);
    assert_eq!(hers.same_email[0].id, guest.to_string());
    assert!(hers.same_email[0].booked_as_guest);
    assert!(record(&app, &desk, guest).await.booked_as_guest);

    // Two records that each have an account are not merged; nor is one into itself.
    let other_account: Uuid = sqlx::query_scalar(
        "INSERT INTO users (clinic_id, role, email, display_name)
         SELECT clinic_id, 'patient', 'ana.r@example.org', 'Ana Ruiz' FROM patients WHERE id = $1
         RETURNING id",
    )
    .bind(guest)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE patients SET user_id = $2 WHERE id = $1")
        .bind(guest)
        .bind(other_account)
        .execute(&pool)
        .await
        .unwrap();
    let refused = merge(&app, &desk, guest, isla).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("own online account"),
        "{}",
        refused.body
    );
    assert_eq!(appointments_of(&pool, guest).await, [booked]);
    let same = merge(&app, &desk, isla, isla).await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    sqlx::query("UPDATE patients SET user_id = NULL WHERE id = $1")
        .bind(guest)
        .execute(&pool)
        .await
        .unwrap();

    let merged = merge(&app, &desk, guest, isla).await;
    assert!(merged.status.is_success(), "{}", merged.body);
    assert!(appointments_of(&pool, isla).await.contains(&booked));
    let gone: i64 = sqlx::query_scalar("SELECT count(*) FROM patients WHERE id = $1")
        .bind(guest)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(gone, 0);
    let hers = record(&app, &desk, isla).await;
    assert!(hers.same_email.is_empty());
    assert!(hers.visits.iter().any(|v| v.id == booked.to_string()));
    assert_eq!(hers.notes.len(), 1, "the guest record's note moved too");
    let me = signed_in(&app, PATIENT).await;
    let reply = post_as(&app, "my_account", Some(&me), "").await;
    let account: MyAccount = serde_json::from_str(&reply.body).unwrap();
    assert!(
        account.upcoming.iter().any(|a| a.starts.contains("10:00")),
        "{:?}",
        account.upcoming
    );
    let audited: Vec<(String, Uuid)> = sqlx::query_as(
        "SELECT action, subject_id FROM audit_log WHERE action LIKE 'merge%' ORDER BY action",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            ("merge_away".to_owned(), guest),
            ("merge_into".to_owned(), isla)
        ]
    );

    let again = merge(&app, &desk, guest, isla).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}
