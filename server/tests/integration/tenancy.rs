//! Row-level security, the second wall between clinics: the app's connections see and
//! change only their own clinic's rows, whatever a query forgets to filter.

use crate::common;

use sqlx::{PgPool, Row};
use uuid::Uuid;

/// Every table whose rows belong to a clinic.
async fn tenant_tables(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND c.column_name = 'clinic_id'
           AND t.table_type = 'BASE TABLE'
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn other_clinic(pool: &PgPool) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO clinics (slug, name, time_zone, currency, email, phone)
         VALUES ('other', 'Other Clinic', 'Europe/Paris', 'EUR', 'a@b.example', '1') RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn every_clinic_owned_table_has_row_level_security(pool: PgPool) {
    let unprotected: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r'
           AND (c.relname IN (SELECT table_name FROM information_schema.columns
                              WHERE table_schema = 'public' AND column_name = 'clinic_id')
                OR c.relname = 'clinics')
           AND NOT (c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(unprotected.is_empty(), "without RLS: {unprotected:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_clinics_connections_see_no_row_of_another_clinic(pool: PgPool) {
    // The demo clinic fills every table; the other clinic has nothing but its own row and
    // the reminder rules every new clinic starts with.
    let demo = common::seeded(&pool).await.clinic_id;
    let other = other_clinic(&pool).await;
    let as_other = common::request_pool(&pool, 2, other).await;
    let as_demo = common::request_pool(&pool, 2, demo).await;

    let mut checked = 0;
    for table in tenant_tables(&pool).await {
        // No filter at all, as a careless query would be written.
        let everything = format!("SELECT count(*) FROM {table}");
        let of_other: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE clinic_id = $1"
        ))
        .bind(other)
        .fetch_one(&pool)
        .await
        .unwrap();
        let stored: i64 = sqlx::query_scalar::<_, i64>(&everything)
            .fetch_one(&pool)
            .await
            .unwrap()
            - of_other;
        let seen: i64 = sqlx::query_scalar::<_, i64>(&everything)
            .fetch_one(&as_other)
            .await
            .unwrap()
            - of_other;
        assert_eq!(
            seen, 0,
            "{table}: the other clinic saw {seen} of the demo clinic's {stored} rows"
        );
        let own: i64 = sqlx::query_scalar(&everything)
            .fetch_one(&as_demo)
            .await
            .unwrap();
        assert_eq!(
            own, stored,
            "{table}: the demo clinic sees all of its own rows"
        );
        if stored > 0 {
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} tables held rows to hide");
    let clinics: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM clinics")
        .fetch_all(&as_other)
        .await
        .unwrap();
    assert_eq!(clinics, vec![other]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_clinics_connections_cannot_change_another_clinics_rows(pool: PgPool) {
    let demo = common::seeded(&pool).await.clinic_id;
    let other = other_clinic(&pool).await;
    let as_other = common::request_pool(&pool, 2, other).await;

    let changed = sqlx::query("UPDATE treatments SET price_minor = 1")
        .execute(&as_other)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 0);
    let deleted = sqlx::query("DELETE FROM patients")
        .execute(&as_other)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 0);
    let category: Uuid = sqlx::query_scalar("SELECT id FROM treatment_categories LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let planted = sqlx::query(
        "INSERT INTO treatments (clinic_id, category_id, slug, name, summary, duration_minutes, price_minor)
         VALUES ($1, $2, 'planted', 'Planted', 'x', 30, 100)",
    )
    .bind(demo)
    .bind(category)
    .execute(&as_other)
    .await
    .unwrap_err();
    assert_eq!(
        planted.as_database_error().unwrap().code().as_deref(),
        Some("42501"),
        "{planted}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_apps_role_cannot_bypass_row_level_security_or_rewrite_the_audit_log(pool: PgPool) {
    let demo = common::seeded(&pool).await.clinic_id;
    let app = common::request_pool(&pool, 1, demo).await;
    let role = sqlx::query(
        "SELECT current_user::text AS who, rolsuper, rolbypassrls
         FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(&app)
    .await
    .unwrap();
    assert_eq!(role.get::<String, _>("who"), "lumen_app");
    assert!(!role.get::<bool, _>("rolsuper"));
    assert!(!role.get::<bool, _>("rolbypassrls"));
    for sql in ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"] {
        let error = sqlx::query(sql).execute(&app).await.unwrap_err();
        assert_eq!(
            error.as_database_error().unwrap().code().as_deref(),
            Some("42501"),
            "{sql}: {error}"
        );
    }

    // Requests log in as lumen_app itself: there is no owner to switch back to.
    let owner: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut connection = app.acquire().await.unwrap();
    sqlx::raw_sql("RESET ROLE")
        .execute(&mut *connection)
        .await
        .unwrap();
    let after_reset: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    assert_eq!(after_reset, "lumen_app");
    for sql in [
        format!("SET ROLE \"{owner}\""),
        "SET SESSION AUTHORIZATION DEFAULT; ALTER TABLE audit_log DISABLE TRIGGER ALL".to_owned(),
        "ALTER TABLE audit_log DISABLE TRIGGER ALL".to_owned(),
        "ALTER TABLE patients DISABLE ROW LEVEL SECURITY".to_owned(),
    ] {
        let error = sqlx::raw_sql(&sql)
            .execute(&mut *connection)
            .await
            .unwrap_err();
        assert_eq!(
            error.as_database_error().unwrap().code().as_deref(),
            Some("42501"),
            "{sql}: {error}"
        );
    }
    drop(connection);

    // A request pool that would log in as the owner is refused before it serves anything.
    let as_owner = lumen::database::tenant_pool((*pool.connect_options()).clone(), 1, demo)
        .await
        .unwrap_err();
    assert!(
        as_owner
            .to_string()
            .contains("can bypass row-level security"),
        "{as_owner}"
    );
}
