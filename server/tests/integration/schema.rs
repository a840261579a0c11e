//! The invariants the schema itself guarantees, checked against a real PostgreSQL.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::postgres::types::PgRange;
use sqlx::PgPool;
use std::ops::Bound;
use uuid::Uuid;

struct Fixture {
    clinic: Uuid,
    location: Uuid,
    provider: Uuid,
    other_provider: Uuid,
    third_provider: Uuid,
    treatment: Uuid,
    patient: Uuid,
    room: Uuid,
}

async fn fixture(pool: &PgPool) -> Fixture {
    let report = common::seeded(pool).await;
    let id = |sql: &'static str| async move {
        sqlx::query_scalar::<_, Uuid>(sql)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    Fixture {
        clinic: report.clinic_id,
        location: id("SELECT id FROM locations ORDER BY position LIMIT 1").await,
        provider: id("SELECT id FROM providers WHERE slug = 'amara-okafor'").await,
        other_provider: id("SELECT id FROM providers WHERE slug = 'sofia-marques'").await,
        third_provider: id("SELECT id FROM providers WHERE slug = 'hannah-price'").await,
        treatment: id("SELECT id FROM treatments WHERE slug = 'lip-enhancement'").await,
        patient: id("SELECT id FROM patients ORDER BY email LIMIT 1").await,
        room: id("SELECT r.id FROM rooms r JOIN locations l ON l.id = r.location_id ORDER BY l.position, r.name LIMIT 1").await,
    }
}

/// A Sunday far from the seeded appointments.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 6, 1, hour, minute, 0).unwrap()
}

fn period(start: DateTime<Utc>, minutes: i64) -> PgRange<DateTime<Utc>> {
    PgRange {
        start: Bound::Included(start),
        end: Bound::Excluded(start + Duration::minutes(minutes)),
    }
}

async fn book(
    pool: &PgPool,
    f: &Fixture,
    provider: Uuid,
    room: Option<Uuid>,
    status: &str,
    when: PgRange<DateTime<Utc>>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id, room_id, status, period, hold_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::appointment_status, $8,
                 CASE WHEN $7 IN ('held', 'pending_payment') THEN now() + interval '10 minutes' END) RETURNING id",
    )
    .bind(f.clinic)
    .bind(f.location)
    .bind(provider)
    .bind(f.treatment)
    .bind(f.patient)
    .bind(room)
    .bind(status)
    .bind(when)
    .fetch_one(pool)
    .await
}

fn constraint(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.constraint())
        .map(str::to_owned)
}

#[sqlx::test(migrations = "../migrations")]
async fn overlapping_active_appointments_for_one_provider_are_refused(pool: PgPool) {
    let f = fixture(&pool).await;
    book(
        &pool,
        &f,
        f.provider,
        None,
        "confirmed",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();

    for status in ["held", "pending_payment", "confirmed"] {
        let error = book(&pool, &f, f.provider, None, status, period(at(9, 30), 45))
            .await
            .unwrap_err();
        assert_eq!(
            error.as_database_error().unwrap().code().as_deref(),
            Some("23P01"),
            "{status}"
        );
        assert_eq!(
            constraint(&error).as_deref(),
            Some("appointments_provider_no_overlap")
        );
    }
}

/// Lip enhancement takes 45 minutes and 10 to clear up after: the next may start when the
/// clearing up ends.
#[sqlx::test(migrations = "../migrations")]
async fn back_to_back_appointments_are_accepted_once_the_buffer_is_over(pool: PgPool) {
    let f = fixture(&pool).await;
    for start in [at(9, 0), at(9, 55), at(8, 5)] {
        book(&pool, &f, f.provider, None, "confirmed", period(start, 45))
            .await
            .unwrap();
    }
}

/// Two bookings racing past the application's check cannot squeeze into each other's
/// buffers: the database guards the blocked period, buffers included, and keeps the one
/// each appointment was placed with.
#[sqlx::test(migrations = "../migrations")]
async fn an_appointment_cannot_start_inside_anothers_buffer(pool: PgPool) {
    let f = fixture(&pool).await;
    let first = book(
        &pool,
        &f,
        f.provider,
        None,
        "confirmed",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();
    for (start, status) in [(at(9, 50), "held"), (at(8, 10), "confirmed")] {
        let error = book(&pool, &f, f.provider, None, status, period(start, 45))
            .await
            .unwrap_err();
        assert_eq!(
            constraint(&error).as_deref(),
            Some("appointments_provider_no_overlap"),
            "{start}"
        );
    }
    let blocked: PgRange<DateTime<Utc>> =
        sqlx::query_scalar("SELECT blocked FROM appointments WHERE id = $1")
            .bind(first)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(blocked, period(at(9, 0), 55));
    // A later change to the treatment's buffer leaves booked appointments as they were.
    sqlx::query("UPDATE treatments SET buffer_after_minutes = 30 WHERE id = $1")
        .bind(f.treatment)
        .execute(&pool)
        .await
        .unwrap();
    book(
        &pool,
        &f,
        f.provider,
        None,
        "confirmed",
        period(at(9, 55), 45),
    )
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cancelled_appointment_frees_its_time(pool: PgPool) {
    let f = fixture(&pool).await;
    let first = book(
        &pool,
        &f,
        f.provider,
        None,
        "confirmed",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE appointments SET status = 'cancelled' WHERE id = $1")
        .bind(first)
        .execute(&pool)
        .await
        .unwrap();
    book(
        &pool,
        &f,
        f.provider,
        None,
        "confirmed",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn reactivating_a_cancelled_appointment_into_a_taken_slot_is_refused(pool: PgPool) {
    let f = fixture(&pool).await;
    let first = book(
        &pool,
        &f,
        f.provider,
        None,
        "cancelled",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();
    book(
        &pool,
        &f,
        f.provider,
        None,
        "confirmed",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();
    let error = sqlx::query("UPDATE appointments SET status = 'confirmed' WHERE id = $1")
        .bind(first)
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        constraint(&error).as_deref(),
        Some("appointments_provider_no_overlap")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_providers_may_work_at_the_same_time_but_not_in_one_room(pool: PgPool) {
    let f = fixture(&pool).await;
    book(
        &pool,
        &f,
        f.provider,
        Some(f.room),
        "confirmed",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();
    book(
        &pool,
        &f,
        f.other_provider,
        None,
        "confirmed",
        period(at(9, 0), 45),
    )
    .await
    .unwrap();
    let error = book(
        &pool,
        &f,
        f.third_provider,
        Some(f.room),
        "confirmed",
        period(at(9, 15), 30),
    )
    .await
    .unwrap_err();
    assert_eq!(
        constraint(&error).as_deref(),
        Some("appointments_room_no_overlap")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_appointment_cannot_point_at_another_clinics_provider(pool: PgPool) {
    let f = fixture(&pool).await;
    let other_clinic: Uuid = sqlx::query_scalar(
        "INSERT INTO clinics (slug, name, time_zone, currency, email, phone)
         VALUES ('other', 'Other Clinic', 'Europe/Paris', 'EUR', 'a@b.example', '1') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let foreign_provider: Uuid = sqlx::query_scalar(
        "INSERT INTO providers (clinic_id, slug, display_name, title) VALUES ($1, 'x', 'X', 'Nurse') RETURNING id",
    )
    .bind(other_clinic)
    .fetch_one(&pool)
    .await
    .unwrap();
    let error = book(
        &pool,
        &f,
        foreign_provider,
        None,
        "confirmed",
        period(at(9, 0), 30),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.as_database_error().unwrap().code().as_deref(),
        Some("23503")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn appointments_need_a_real_time_range_and_a_patient_unless_held(pool: PgPool) {
    let f = fixture(&pool).await;
    let empty = PgRange {
        start: Bound::Included(at(9, 0)),
        end: Bound::Excluded(at(9, 0)),
    };
    assert!(book(&pool, &f, f.provider, None, "confirmed", empty)
        .await
        .is_err());

    let no_patient = sqlx::query(
        "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, status, period)
         VALUES ($1, $2, $3, $4, 'confirmed', tstzrange(now(), now() + interval '1 hour'))",
    )
    .bind(f.clinic)
    .bind(f.location)
    .bind(f.provider)
    .bind(f.treatment)
    .execute(&pool)
    .await;
    assert!(no_patient.is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_case_cannot_be_published_without_website_consent(pool: PgPool) {
    common::seeded(&pool).await;
    let result = sqlx::query(
        "UPDATE cases SET published = true, consent_website = false WHERE slug = 'anti-wrinkle-1'",
    )
    .execute(&pool)
    .await;
    assert_eq!(
        result
            .unwrap_err()
            .as_database_error()
            .unwrap()
            .code()
            .as_deref(),
        Some("23514")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_clinic_owned_table_carries_clinic_id(pool: PgPool) {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND table_name NOT IN ('clinics', '_sqlx_migrations', 'sessions', 'rate_limit_hits')
           AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                           WHERE c.table_schema = 'public' AND c.table_name = tables.table_name
                             AND c.column_name = 'clinic_id')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // Sessions belong to a user (whose row carries the clinic); rate-limit counters are the
    // platform's (an address is limited across clinics); users are the one table where
    // clinic_id may be NULL, for platform operators.
    assert!(tables.is_empty(), "tables without clinic_id: {tables:?}");
}
