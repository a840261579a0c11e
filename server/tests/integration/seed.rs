//! The demo clinic that a fresh database receives on first start.

use crate::common;

use chrono::{Datelike, NaiveTime, Timelike};
use chrono_tz::Tz;
use lumen::seed;
use sqlx::PgPool;

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_empty_database_receives_a_credible_clinic(pool: PgPool) {
    assert!(seed::database_is_empty(&pool).await.unwrap());
    let report = common::seeded(&pool).await;
    assert!(!seed::database_is_empty(&pool).await.unwrap());

    assert_eq!(report.locations, 2);
    assert_eq!(report.providers, 6);
    assert_eq!(report.treatments, 16);
    assert_eq!(report.sessions, 3);
    assert_eq!(report.cases, 20);
    assert_eq!(report.images, 40);
    assert!(
        report.appointments >= 10,
        "only {} appointments",
        report.appointments
    );

    assert_eq!(
        count(&pool, "SELECT count(*) FROM treatment_categories").await,
        4
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM galleries WHERE published").await,
        3
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM providers WHERE length(bio) > 80"
        )
        .await,
        6
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(DISTINCT location_id) FROM provider_schedules"
        )
        .await,
        2
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM treatments t WHERE NOT EXISTS (SELECT 1 FROM provider_treatments pt WHERE pt.treatment_id = t.id)").await,
        0,
        "every treatment has someone who performs it"
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM appointments WHERE status = 'completed'"
        )
        .await
            > 0,
        "no completed appointments"
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM appointments WHERE status = 'confirmed'"
        )
        .await
            > 0,
        "no confirmed appointments"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn seeded_appointments_fall_inside_the_providers_working_hours(pool: PgPool) {
    common::seeded(&pool).await;
    let rows: Vec<(
        String,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        uuid::Uuid,
    )> = sqlx::query_as(
        "SELECT c.time_zone, lower(a.period), upper(a.period), a.provider_id
         FROM appointments a JOIN clinics c ON c.id = a.clinic_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (zone, start, end, provider) in rows {
        let zone: Tz = zone.parse().unwrap();
        let (start, end) = (start.with_timezone(&zone), end.with_timezone(&zone));
        let weekday = start.weekday().number_from_monday() as i16;
        let inside: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM provider_schedules
                            WHERE provider_id = $1 AND weekday = $2 AND starts <= $3 AND ends >= $4)",
        )
        .bind(provider)
        .bind(weekday)
        .bind(NaiveTime::from_hms_opt(start.hour(), start.minute(), 0).unwrap())
        .bind(NaiveTime::from_hms_opt(end.hour(), end.minute(), 0).unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(
            inside,
            "appointment {start}–{end} is outside the provider's hours"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn only_cases_with_current_website_consent_are_public(pool: PgPool) {
    common::seeded(&pool).await;
    assert_eq!(count(&pool, "SELECT count(*) FROM cases").await, 20);
    assert_eq!(count(&pool, "SELECT count(*) FROM public_cases").await, 18);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM public_cases WHERE NOT consent_website OR consent_expires_on < current_date").await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_seed_leaves_nothing_behind(pool: PgPool) {
    common::seeded(&pool).await;
    let before = count(&pool, "SELECT count(*) FROM treatments").await;
    // The demo clinic's slug is taken now, so a second seed fails on its first insert
    // and its transaction leaves the database as it was.
    assert!(seed::seed_demo_clinic(
        &pool,
        &common::media(),
        &common::secret_keys(),
        common::today()
    )
    .await
    .is_err());
    assert_eq!(count(&pool, "SELECT count(*) FROM clinics").await, 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM treatments").await,
        before
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn reseeding_replaces_everything_with_a_fresh_demo(pool: PgPool) {
    common::seeded(&pool).await;
    sqlx::query("INSERT INTO clinics (slug, name, time_zone, currency, email, phone) VALUES ('extra', 'Extra', 'UTC', 'EUR', 'x@y.example', '1')")
        .execute(&pool)
        .await
        .unwrap();
    seed::reset_schema(&pool).await.unwrap();
    assert!(seed::database_is_empty(&pool).await.unwrap());
    common::seeded(&pool).await;
    assert_eq!(count(&pool, "SELECT count(*) FROM clinics").await, 1);
}
