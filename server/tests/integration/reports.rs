//! Reports against hand-counted answers: two weeks of October 2026 across the UK's clock
//! change, with a completed visit that was paid and partly refunded, a no-show, a late and
//! an early cancellation, and new and returning patients; the money for clinic admins only;
//! the CSV as a spreadsheet should read it.

use crate::booking::lewis;
use crate::common::{self, get_as, post_as, signed_in, ADMIN, FRONT_DESK, PATIENT};
use app::admin::reports::types::ReportPage;
use app::domain::reports::{By, Figures};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

const RANGE: &str = "filter[from]=2026-10-19&filter[to]=2026-11-01";

fn utc(day: u32, month: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0).unwrap()
}

async fn patient(pool: &PgPool, name: &str) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO patients (clinic_id, first_name, last_name, email)
         SELECT id, $1, 'Report', $1 || '@example.com' FROM clinics RETURNING id",
    )
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A mole check with Dr Grant for `patient` from `starts`, in `status`, booked a month
/// before; a cancellation `notice` before its start.
async fn visit(
    pool: &PgPool,
    patient: Uuid,
    starts: DateTime<Utc>,
    status: &str,
    notice: Option<Duration>,
) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id,
                                   status, mode, period, booked_at, created_at, status_changed_at)
         SELECT c.id, l.id, p.id, t.id, $1, $2::appointment_status, 'in_person',
                tstzrange($3, $3 + interval '45 minutes'), $3 - interval '30 days',
                $3 - interval '30 days', $4
         FROM clinics c
         JOIN providers p ON p.clinic_id = c.id AND p.slug = 'lewis-grant'
         JOIN treatments t ON t.clinic_id = c.id AND t.slug = 'mole-check'
         JOIN locations l ON l.clinic_id = c.id AND l.slug = 'new-town'
         RETURNING appointments.id",
    )
    .bind(patient)
    .bind(status)
    .bind(starts)
    .bind(starts - notice.unwrap_or(Duration::days(30)))
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The fortnight: Monday 19 October is British Summer Time (09:00 there is 08:00 UTC); the
/// clocks go back on Sunday the 25th.
async fn fortnight(pool: &PgPool) {
    let (ana, ben, cat) = (
        patient(pool, "ana").await,
        patient(pool, "ben").await,
        patient(pool, "cat").await,
    );
    let seen = visit(pool, ana, utc(19, 10, 8), "completed", None).await;
    visit(pool, ana, utc(27, 10, 9), "no_show", None).await;
    visit(
        pool,
        ben,
        utc(21, 10, 9),
        "cancelled",
        Some(Duration::hours(2)),
    )
    .await;
    visit(
        pool,
        ben,
        utc(30, 10, 9),
        "cancelled",
        Some(Duration::days(7)),
    )
    .await;
    // Cat came in September, so her October visit is a return.
    visit(pool, cat, utc(1, 9, 9), "completed", None).await;
    visit(pool, cat, utc(29, 10, 9), "confirmed", None).await;
    // Ana paid £50 when booking and was given £20 back.
    let payment: Uuid = sqlx::query_scalar(
        "INSERT INTO payments (clinic_id, appointment_id, processor, amount_minor, currency, status,
                               idempotency_key, expires_at, paid_at, purpose)
         SELECT clinic_id, id, 'stripe', 5000, 'GBP', 'paid', 'report-test', lower(period), lower(period) - interval '30 days', 'booking'
         FROM appointments WHERE id = $1 RETURNING id",
    )
    .bind(seen)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO refunds (clinic_id, payment_id, amount_minor, reason, status, idempotency_key, created_at, updated_at)
         SELECT clinic_id, id, 2000, 'at_processor', 'succeeded', 'report-refund', now(), now()
         FROM payments WHERE id = $1",
    )
    .bind(payment)
    .execute(pool)
    .await
    .unwrap();
}

async fn report(app: &axum::Router, cookie: &str) -> ReportPage {
    let reply = post_as(app, "admin/reports", Some(cookie), RANGE).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn rows(page: &ReportPage, by: By) -> Vec<Figures> {
    page.tables
        .iter()
        .find(|t| t.by == by)
        .unwrap()
        .rows
        .clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fortnights_figures_match_the_hand_count_across_the_clock_change(pool: PgPool) {
    let app = common::app(&pool).await;
    fortnight(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let page = report(&app, &admin).await;
    assert!(page.problems.is_empty(), "{:?}", page.problems);
    let expected = Figures {
        name: "Dr Lewis Grant".into(),
        booked: 5,
        attended: 1,
        cancelled: 2,
        late_cancelled: 1,
        no_shows: 1,
        new_patients: 1,
        returning: 2,
        taken_minor: Some(5000),
        refunded_minor: Some(2000),
    };
    assert_eq!(rows(&page, By::Provider), std::slice::from_ref(&expected));
    assert_eq!(
        rows(&page, By::Treatment),
        [Figures {
            name: "Mole and skin check".into(),
            ..expected.clone()
        }]
    );
    assert_eq!(
        rows(&page, By::Location),
        [Figures {
            name: "New Town".into(),
            ..expected.clone()
        }]
    );
    assert_eq!(expected.no_show_percent(), Some(50));
    // Visits by the hour they started in London: all at 09:00, whether in summer time
    // (Monday the 19th, 08:00 UTC) or after the clocks went back; cancellations are not.
    let mut peaks = vec![vec![0; 24]; 7];
    peaks[0][9] = 1;
    peaks[1][9] = 1;
    peaks[3][9] = 1;
    assert_eq!(page.peaks, peaks);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_front_desk_sees_bookings_not_money_and_patients_see_nothing(pool: PgPool) {
    let app = common::app(&pool).await;
    fortnight(&pool).await;
    let desk = signed_in(&app, FRONT_DESK).await;
    let page = report(&app, &desk).await;
    let row = &rows(&page, By::Provider)[0];
    assert_eq!(
        (row.booked, row.taken_minor, row.refunded_minor),
        (5, None, None)
    );
    let csv = get_as(
        &app,
        "/admin/reports/provider.csv?from=2026-10-19&to=2026-11-01",
        Some(&desk),
    )
    .await;
    assert_eq!(csv.status, 200);
    assert!(
        !csv.body.contains("taken") && !csv.body.contains("50.00"),
        "{}",
        csv.body
    );

    // The chart beside the table: a picture drawn on the server, its numbers in its text.
    let chart = get_as(
        &app,
        "/admin/reports/treatment.svg?from=2026-10-19&to=2026-11-01",
        Some(&desk),
    )
    .await;
    assert_eq!(chart.status, 200);
    assert_eq!(chart.headers["content-type"], "image/svg+xml");
    assert_eq!(
        chart.headers["content-security-policy"],
        "default-src 'none'"
    );
    assert!(
        chart
            .body
            .contains("<desc id=\"d\">Mole and skin check: 5</desc>"),
        "{}",
        chart.body
    );

    let patient = signed_in(&app, PATIENT).await;
    assert_eq!(
        get_as(&app, "/admin/reports/treatment.svg", Some(&patient))
            .await
            .status,
        403
    );
    assert_eq!(
        post_as(&app, "admin/reports", Some(&patient), RANGE)
            .await
            .status,
        403
    );
    let refused = get_as(&app, "/admin/reports/provider.csv", Some(&patient)).await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        get_as(&app, "/admin/reports/provider.csv", None)
            .await
            .status,
        401
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tables_csv_opens_in_a_spreadsheet_without_running_anything(pool: PgPool) {
    let app = common::app(&pool).await;
    fortnight(&pool).await;
    // A name a spreadsheet would take for a formula.
    let lewis = lewis(&pool).await;
    sqlx::query("UPDATE providers SET display_name = '=HYPERLINK(\"x\", \"Grant\")' WHERE id = $1")
        .bind(lewis)
        .execute(&pool)
        .await
        .unwrap();
    let admin = signed_in(&app, ADMIN).await;
    let csv = get_as(
        &app,
        "/admin/reports/provider.csv?from=2026-10-19&to=2026-11-01",
        Some(&admin),
    )
    .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers["content-disposition"],
        "attachment; filename=\"report-provider-2026-10-19-to-2026-11-01.csv\""
    );
    assert_eq!(
        csv.body,
        "provider,booked,attended,cancelled,late_cancellations,no_shows,no_show_percent,new_patients,returning_patients,taken_GBP,refunded_GBP,net_GBP\r\n\
         \"'=HYPERLINK(\"\"x\"\", \"\"Grant\"\")\",5,1,2,1,1,50,1,2,50.00,20.00,30.00\r\n"
    );
    let bad = get_as(
        &app,
        "/admin/reports/provider.csv?from=2026-11-02&to=2026-11-01",
        Some(&admin),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(
        get_as(&app, "/admin/reports/patients.csv", Some(&admin))
            .await
            .status,
        404
    );
}
