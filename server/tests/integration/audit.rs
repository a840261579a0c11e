//! The audit log: written for sign-ins and reads of patient data, append-only, and
//! tamper-evident.

use crate::common;

use app::backend::audit::{self, Verdict};
use axum::body::Body;
use axum::http::Request;
use sqlx::PgPool;

async fn sign_in_and_open_dashboard(pool: &PgPool) {
    let app = common::app(pool).await;
    let cookie = common::signed_in(&app, common::ADMIN).await;
    let page = common::send(
        &app,
        Request::get("/admin")
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, 200);
    // A failed attempt is recorded too, without the email that was typed.
    common::send(
        &app,
        Request::post("/api/sign_in")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(Body::from(
                "email=someone%40else.example&password=guess-guess",
            ))
            .unwrap(),
    )
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_ins_and_reads_of_patient_data_are_recorded_without_the_data(pool: PgPool) {
    sign_in_and_open_dashboard(&pool).await;
    let rows: Vec<(String, String, String, Option<uuid::Uuid>, String)> = sqlx::query_as(
        "SELECT actor_role, action, subject_type, actor_user_id, request_id FROM audit_log ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let actions: Vec<(&str, &str)> = rows.iter().map(|r| (r.1.as_str(), r.2.as_str())).collect();
    assert_eq!(
        actions,
        vec![
            ("sign_in_password", "user"),
            ("sign_in", "user"),
            ("read", "dashboard"),
            ("sign_in_failed", "user")
        ]
    );
    assert_eq!(rows[1].0, "clinic_admin");
    assert!(rows[1].3.is_some(), "who did it");
    assert!(
        !rows[2].4.is_empty(),
        "the request id links the row to the log"
    );
    assert_eq!(rows[3].0, "anonymous");

    let everything: String =
        sqlx::query_scalar("SELECT string_agg(audit_log::text, ' ') FROM audit_log")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        !everything.contains("@"),
        "an email address reached the audit log"
    );
    assert!(
        !everything.contains("Isla"),
        "a patient's name reached the audit log"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_audit_log_refuses_changes(pool: PgPool) {
    sign_in_and_open_dashboard(&pool).await;
    for sql in [
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let error = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(error.to_string().contains("append-only"), "{sql}: {error}");
    }
    assert_eq!(
        audit::verify(&pool).await.unwrap(),
        Verdict::Intact { rows: 4 }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn verify_finds_an_altered_row(pool: PgPool) {
    sign_in_and_open_dashboard(&pool).await;
    // Someone with the power to switch the trigger off rewrites history…
    sqlx::raw_sql(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
         UPDATE audit_log SET action = 'nothing to see' WHERE action = 'read';
         ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;",
    )
    .execute(&pool)
    .await
    .unwrap();
    // …and the chain shows where.
    let altered: i64 =
        sqlx::query_scalar("SELECT seq FROM audit_log WHERE action = 'nothing to see'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        audit::verify(&pool).await.unwrap(),
        Verdict::BrokenAt { seq: altered }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn verify_finds_a_deleted_row(pool: PgPool) {
    sign_in_and_open_dashboard(&pool).await;
    sqlx::raw_sql(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
         DELETE FROM audit_log WHERE action = 'read';
         ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(matches!(
        audit::verify(&pool).await.unwrap(),
        Verdict::BrokenAt { .. }
    ));
}
