//! Reports against hand-counted answers: two weeks of October 2026 across the UK's clock
//! change, with a completed visit that was paid and partly refunded, a no-show that paid its
//! fee, a payment at the desk, a late and an early cancellation, new and returning patients,
//! a group session, working hours and time off; the money for clinic admins only; the CSV as
//! a spreadsheet should read it.

use crate::booking::lewis;
use crate::common::{self, get_as, post_as, signed_in, ADMIN, FRONT_DESK, PATIENT};
use app::admin::reports::types::ReportPage;
use app::domain::reports::{By, Figures, Money, Time, Week};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
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
    let missed = visit(pool, ana, utc(27, 10, 9), "no_show", None).await;
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
    let coming = visit(pool, cat, utc(29, 10, 9), "confirmed", None).await;
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
    // Ana paid the £25 no-show fee; Cat paid £30 at the desk ahead of her visit. An
    // unpaid fee is no money.
    for (appointment, processor, amount, purpose, status, key) in [
        (missed, "stripe", 2500, "no_show_fee", "paid", "report-fee"),
        (
            missed,
            "stripe",
            9900,
            "no_show_fee",
            "failed",
            "report-failed-fee",
        ),
        (coming, "cash", 3000, "at_desk", "paid", "report-desk"),
    ] {
        sqlx::query(
            "INSERT INTO payments (clinic_id, appointment_id, processor, amount_minor, currency, status,
                                   idempotency_key, paid_at, purpose)
             SELECT clinic_id, id, $2, $3, 'GBP', $5,
                    $6, CASE WHEN $5 = 'paid' THEN lower(period) END, $4
             FROM appointments WHERE id = $1",
        )
        .bind(appointment)
        .bind(processor)
        .bind(amount)
        .bind(purpose)
        .bind(status)
        .bind(key)
        .execute(pool)
        .await
        .unwrap();
    }
    working_hours(pool, ana).await;
}

/// Dr Grant alone works, at New Town: weekdays 09:00 to 17:00, and (to put the clock change
/// in the sums) Sundays from midnight to 04:00, which is five hours on the 25th when the
/// clocks go back. Friday the 23rd he is off from 13:00, written as two overlapping
/// entries that must count once. A workshop he runs with a seat taken is booked time; a
/// cancelled seat's session is not.
async fn working_hours(pool: &PgPool, seated: Uuid) {
    sqlx::query("DELETE FROM provider_schedules")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO provider_schedules (clinic_id, provider_id, location_id, weekday, starts, ends)
         SELECT p.clinic_id, p.id, l.id, d.weekday, d.starts::time, d.ends::time
         FROM providers p
         JOIN locations l ON l.clinic_id = p.clinic_id AND l.slug = 'new-town'
         CROSS JOIN (VALUES (1, '09:00', '17:00'), (2, '09:00', '17:00'), (3, '09:00', '17:00'),
                            (4, '09:00', '17:00'), (5, '09:00', '17:00'), (7, '00:00', '04:00'))
                    AS d(weekday, starts, ends)
         WHERE p.slug = 'lewis-grant'",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO time_off (clinic_id, provider_id, period)
         SELECT clinic_id, id, tstzrange($1, $2) FROM providers WHERE slug = 'lewis-grant'
         UNION ALL
         SELECT clinic_id, id, tstzrange($3, $4) FROM providers WHERE slug = 'lewis-grant'",
    )
    // 13:00 to 16:00 and 14:00 to 17:00 in London (British Summer Time, UTC+1).
    .bind(utc(23, 10, 12))
    .bind(utc(23, 10, 15))
    .bind(utc(23, 10, 13))
    .bind(utc(23, 10, 16))
    .execute(pool)
    .await
    .unwrap();
    for (starts, seat) in [(utc(22, 10, 14), "booked"), (utc(28, 10, 14), "cancelled")] {
        let session: Uuid = sqlx::query_scalar(
            "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, capacity,
                                       status, mode, period)
             SELECT c.id, l.id, p.id, t.id, 6, 'confirmed', 'in_person', tstzrange($1, $1 + interval '1 hour')
             FROM clinics c
             JOIN providers p ON p.clinic_id = c.id AND p.slug = 'lewis-grant'
             JOIN treatments t ON t.clinic_id = c.id AND t.slug = 'skin-health-workshop'
             JOIN locations l ON l.clinic_id = c.id AND l.slug = 'new-town'
             RETURNING appointments.id",
        )
        .bind(starts)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO session_seats (clinic_id, appointment_id, patient_id, status, booked_at)
             SELECT clinic_id, id, $2, $3, now() FROM appointments WHERE id = $1",
        )
        .bind(session)
        .bind(seated)
        .bind(seat)
        .execute(pool)
        .await
        .unwrap();
    }
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
        // Ten weekdays of eight hours, less Friday afternoon's four; Sundays of five hours
        // (the 25th) and four (1 November). Booked: three visits of 45 minutes and the
        // workshop's hour.
        time: Some(Time {
            booked_minutes: 3 * 45 + 60,
            working_minutes: 10 * 480 - 240 + 300 + 240,
        }),
        money: Some(Money {
            deposits_minor: 5000,
            at_desk_minor: 3000,
            fees_minor: 2500,
            refunded_minor: 2000,
        }),
    };
    assert_eq!(rows(&page, By::Provider), std::slice::from_ref(&expected));
    assert_eq!(expected.time.unwrap().percent(), Some(4));
    // Treatments have no working hours of their own.
    assert_eq!(
        rows(&page, By::Treatment),
        [Figures {
            name: "Mole and skin check".into(),
            time: None,
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
    let week = |day, booked, attended| Week {
        starts: NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
        booked,
        attended,
    };
    assert_eq!(page.weeks, [week(19, 2, 1), week(26, 3, 0)]);
    // Visits by the hour they started in London: all at 09:00, whether in summer time
    // (Monday the 19th, 08:00 UTC) or after the clocks went back; cancellations are not.
    let mut peaks = vec![vec![0; 24]; 7];
    peaks[0][9] = 1;
    peaks[1][9] = 1;
    peaks[3][9] = 1;
    assert_eq!(page.peaks, peaks);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_closed_day_is_no_working_time_where_it_is_closed(pool: PgPool) {
    let app = common::app(&pool).await;
    fortnight(&pool).await;
    // New Town shut on Tuesday 20 October; the other locations on Wednesday the 21st.
    sqlx::query(
        "INSERT INTO closures (clinic_id, location_id, first_day, last_day, reason)
         SELECT clinic_id, id, CASE WHEN slug = 'new-town' THEN date '2026-10-20'
                                    ELSE date '2026-10-21' END,
                CASE WHEN slug = 'new-town' THEN date '2026-10-20' ELSE date '2026-10-21' END,
                'Closed'
         FROM locations",
    )
    .execute(&pool)
    .await
    .unwrap();
    let admin = signed_in(&app, ADMIN).await;
    let page = report(&app, &admin).await;
    let lewis = &rows(&page, By::Provider)[0];
    // The hand count above, less Tuesday's eight hours at New Town, where Lewis works.
    assert_eq!(
        lewis.time.unwrap().working_minutes,
        10 * 480 - 240 + 300 + 240 - 480
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_front_desk_sees_bookings_not_money_and_patients_see_nothing(pool: PgPool) {
    let app = common::app(&pool).await;
    fortnight(&pool).await;
    let desk = signed_in(&app, FRONT_DESK).await;
    let page = report(&app, &desk).await;
    let row = &rows(&page, By::Provider)[0];
    assert_eq!((row.booked, row.money), (5, None));
    assert_eq!(row.time.unwrap().booked_minutes, 195);
    let csv = get_as(
        &app,
        "/admin/reports/provider.csv?from=2026-10-19&to=2026-11-01",
        Some(&desk),
    )
    .await;
    assert_eq!(csv.status, 200);
    assert!(
        !csv.body.contains("deposits") && !csv.body.contains("50.00"),
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

    let lines = get_as(
        &app,
        "/admin/reports/weeks.svg?from=2026-10-19&to=2026-11-01",
        Some(&desk),
    )
    .await;
    assert_eq!(lines.status, 200);
    assert!(
        lines.body.contains(
            "<desc id=\"d\">19 Oct: Booked 2, Attended 1; 26 Oct: Booked 3, Attended 0</desc>"
        ),
        "{}",
        lines.body
    );

    // The busy hours as a heatmap and as CSV: the 19th, 27th and 29th at 09:00 in London.
    let heat = get_as(
        &app,
        "/admin/reports/peaks.svg?from=2026-10-19&to=2026-11-01",
        Some(&desk),
    )
    .await;
    assert!(
        heat.body
            .contains("<desc id=\"d\">Monday 09:00: 1; Tuesday 09:00: 1; Thursday 09:00: 1</desc>"),
        "{}",
        heat.body
    );
    let peaks = get_as(
        &app,
        "/admin/reports/peaks.csv?from=2026-10-19&to=2026-11-01",
        Some(&desk),
    )
    .await;
    assert_eq!(
        peaks.body.lines().nth(1).unwrap(),
        format!("Monday,{}1{}", "0,".repeat(9), ",0".repeat(14))
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
        "provider,booked,attended,cancelled,late_cancellations,no_shows,no_show_percent,new_patients,returning_patients,\
         booked_minutes,working_minutes,utilisation_percent,deposits_GBP,at_desk_GBP,fees_GBP,refunded_GBP,net_GBP\r\n\
         \"'=HYPERLINK(\"\"x\"\", \"\"Grant\"\")\",5,1,2,1,1,50,1,2,195,5100,4,50.00,30.00,25.00,20.00,85.00\r\n"
    );
    let weeks = get_as(
        &app,
        "/admin/reports/weeks.csv?from=2026-10-19&to=2026-11-01",
        Some(&admin),
    )
    .await;
    assert_eq!(
        weeks.body,
        "week_starting,booked,attended\r\n2026-10-19,2,1\r\n2026-10-26,3,0\r\n"
    );
    assert_eq!(
        weeks.headers["content-disposition"],
        "attachment; filename=\"report-weeks-2026-10-19-to-2026-11-01.csv\""
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

#[sqlx::test(migrations = "../migrations")]
async fn demand_ahead_recovers_a_weekly_pattern_and_reports_its_back_test(pool: PgPool) {
    // Monday 7 June 2027: the sixteen weeks before are clear of the demo's bookings.
    let clock =
        app::backend::state::Clock::fixed(Utc.with_ymd_and_hms(2027, 6, 7, 8, 0, 0).unwrap());
    let app = common::app_with_clock(&pool, clock).await;
    let ana = patient(&pool, "ana").await;
    // Every Monday at 10:00 in London, across the clocks going forward on 28 March, and
    // every other Thursday at 15:00: one mole check each.
    sqlx::query(
        "INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id,
                                   status, mode, period, booked_at, created_at, status_changed_at)
         SELECT c.id, l.id, p.id, t.id, $1, 'completed', 'in_person',
                tstzrange(s, s + interval '45 minutes'), s, s, s
         FROM clinics c
         JOIN providers p ON p.clinic_id = c.id AND p.slug = 'lewis-grant'
         JOIN treatments t ON t.clinic_id = c.id AND t.slug = 'mole-check'
         JOIN locations l ON l.clinic_id = c.id AND l.slug = 'new-town'
         CROSS JOIN LATERAL (
             SELECT (d::date + time '10:00') AT TIME ZONE 'Europe/London' AS s
             FROM generate_series(date '2027-02-15', date '2027-05-31', interval '7 days') d
             UNION ALL
             SELECT (d::date + time '15:00') AT TIME ZONE 'Europe/London'
             FROM generate_series(date '2027-02-18', date '2027-06-03', interval '14 days') d) starts",
    )
    .bind(ana)
    .execute(&pool)
    .await
    .unwrap();
    let admin = signed_in(&app, ADMIN).await;
    let reply = post_as(&app, "admin/reports", Some(&admin), "demand=mole-check").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let page: ReportPage = serde_json::from_str(&reply.body).unwrap();
    let demand = page.demand;
    assert_eq!(
        (demand.week.as_str(), demand.treatment.as_str()),
        ("2027-06-14", "mole-check")
    );
    assert_eq!(demand.history_weeks, 16);
    // One visit every Monday at 10:00; half a visit (one every other week) on Thursdays.
    assert_eq!(demand.forecast_tenths[0][10], 10);
    assert_eq!(demand.forecast_tenths[3][15], 5);
    assert_eq!(demand.forecast_tenths.iter().flatten().sum::<i64>(), 15);
    // Held-out weeks: the steady Mondays cost nothing; the alternate Thursdays cost the
    // mean half a visit, where "last week" is wrong by a whole one every week.
    let (weeks, error, naive) = demand.score.unwrap();
    assert_eq!(weeks, 4);
    assert!(error < naive, "{error} vs {naive}");
    // Monday 10:00 asks for room exactly when Dr Grant's hours there hold a visit less.
    let short = demand.forecast_tenths[0][10] >= demand.capacity_tenths[0][10] + 10;
    assert_eq!(
        demand
            .suggestions
            .iter()
            .any(|(text, more)| *more && text.starts_with("Monday 10:00")),
        short,
        "{:?}",
        demand.suggestions
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_closed_day_offers_no_supply_in_the_weeks_ahead(pool: PgPool) {
    common::seeded(&pool).await;
    let clinic = common::seeded_clinic_id(&pool).await;
    // A week of the demo's working hours with no bank holiday in it.
    let monday = NaiveDate::from_ymd_opt(2026, 3, 23).unwrap();
    let tuesday_hours = |grid: &[[f64; 24]; 7]| grid[1].iter().sum::<f64>();
    let (before, _) = app::backend::store::reports::supply(&pool, clinic, None, monday)
        .await
        .unwrap();
    assert!(tuesday_hours(&before) > 0.0);
    sqlx::query(
        "INSERT INTO closures (clinic_id, first_day, last_day, reason)
         VALUES ($1, '2026-03-24', '2026-03-24', 'Training')",
    )
    .bind(clinic)
    .execute(&pool)
    .await
    .unwrap();
    let (after, _) = app::backend::store::reports::supply(&pool, clinic, None, monday)
        .await
        .unwrap();
    assert_eq!(tuesday_hours(&after), 0.0);
    assert_eq!(after[2], before[2], "Wednesday is as it was");
}
