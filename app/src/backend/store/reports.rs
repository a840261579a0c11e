//! The reports' figures, counted by PostgreSQL over the appointments of a range (through
//! the clinic-and-period index), never by loading rows into the server.

use crate::domain::days::Days;
use crate::domain::forecast::WeekGrid;
use crate::domain::reports::{By, Figures, Money, Time, Week};
use sqlx::PgPool;
use uuid::Uuid;

/// Each provider's, treatment's and location's figures for the appointments patients booked
/// that start in `days`, by name within each: providers and locations with their working
/// time (those who worked but had nothing booked too); money only when `with_money`.
pub async fn figures(
    pool: &PgPool,
    clinic_id: Uuid,
    days: &Days,
    with_money: bool,
) -> Result<Vec<(By, Figures)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH
           -- Each patient's first booking with the clinic (cancelled ones aside), in one pass.
           firsts AS (
               SELECT DISTINCT ON (patient_id) id
               FROM appointments
               WHERE clinic_id = $1 AND patient_id IS NOT NULL
                 AND status IN ('confirmed', 'completed', 'no_show')
               ORDER BY patient_id, lower(period), id),
           paid AS (
               SELECT appointment_id,
                      sum(amount_minor) FILTER (WHERE purpose = 'booking') AS deposits,
                      sum(amount_minor) FILTER (WHERE purpose = 'at_desk') AS at_desk,
                      sum(amount_minor) FILTER (WHERE purpose IN ('late_cancel_fee', 'no_show_fee')) AS fees
               FROM payments WHERE clinic_id = $1 AND status = 'paid'
               GROUP BY appointment_id),
           returned AS (
               SELECT pay.appointment_id, sum(r.amount_minor) AS refunded
               FROM refunds r JOIN payments pay ON pay.id = r.payment_id
               WHERE r.clinic_id = $1 AND r.status IN ('pending', 'succeeded')
               GROUP BY pay.appointment_id),
           booked AS (
               SELECT a.provider_id, a.treatment_id, a.location_id, a.status::text AS status,
                      a.status = 'cancelled'
                        AND a.status_changed_at > lower(a.period) - make_interval(
                              hours => coalesce(t.late_cancel_hours, c.late_cancel_hours)) AS late,
                      a.id IN (SELECT id FROM firsts) AS first_booking,
                      coalesce(paid.deposits, 0) AS deposits, coalesce(paid.at_desk, 0) AS at_desk,
                      coalesce(paid.fees, 0) AS fees, coalesce(returned.refunded, 0) AS refunded
               FROM appointments a
               JOIN treatments t ON t.id = a.treatment_id
               JOIN clinics c ON c.id = a.clinic_id
               LEFT JOIN paid ON paid.appointment_id = a.id
               LEFT JOIN returned ON returned.appointment_id = a.id
               WHERE a.clinic_id = $1 AND a.patient_id IS NOT NULL
                 AND a.status IN ('confirmed', 'completed', 'no_show', 'cancelled')
                 AND a.period && tstzrange($2, $3) AND lower(a.period) >= $2 AND lower(a.period) < $3)
           SELECT CASE WHEN GROUPING(p.id) = 0 THEN 'provider'
                       WHEN GROUPING(t.id) = 0 THEN 'treatment'
                       ELSE 'location' END AS "by!",
                  coalesce(p.id, t.id, l.id) AS "id!",
                  CASE WHEN GROUPING(p.id) = 0 THEN p.display_name
                       WHEN GROUPING(t.id) = 0 THEN t.name
                       ELSE l.name END AS "name!",
                  count(*) AS "booked!",
                  count(*) FILTER (WHERE b.status = 'completed') AS "attended!",
                  count(*) FILTER (WHERE b.status = 'cancelled') AS "cancelled!",
                  count(*) FILTER (WHERE b.late) AS "late_cancelled!",
                  count(*) FILTER (WHERE b.status = 'no_show') AS "no_shows!",
                  count(*) FILTER (WHERE b.status <> 'cancelled' AND b.first_booking) AS "new_patients!",
                  count(*) FILTER (WHERE b.status <> 'cancelled' AND NOT b.first_booking) AS "returning!",
                  sum(b.deposits)::bigint AS "deposits!",
                  sum(b.at_desk)::bigint AS "at_desk!",
                  sum(b.fees)::bigint AS "fees!",
                  sum(b.refunded)::bigint AS "refunded!"
           FROM booked b
           JOIN providers p ON p.id = b.provider_id
           JOIN treatments t ON t.id = b.treatment_id
           JOIN locations l ON l.id = b.location_id
           GROUP BY GROUPING SETS ((p.id, p.display_name), (t.id, t.name), (l.id, l.name))"#,
        clinic_id,
        days.starts,
        days.ends
    )
    .fetch_all(pool)
    .await?;
    let mut figures: Vec<(By, Uuid, Figures)> = rows
        .into_iter()
        .filter_map(|r| {
            let by = By::parse(&r.by)?;
            let money = Money {
                deposits_minor: r.deposits,
                at_desk_minor: r.at_desk,
                fees_minor: r.fees,
                refunded_minor: r.refunded,
            };
            Some((
                by,
                r.id,
                Figures {
                    name: r.name,
                    booked: r.booked,
                    attended: r.attended,
                    cancelled: r.cancelled,
                    late_cancelled: r.late_cancelled,
                    no_shows: r.no_shows,
                    new_patients: r.new_patients,
                    returning: r.returning,
                    time: None,
                    money: with_money.then_some(money),
                },
            ))
        })
        .collect();
    for (by, id, name, time) in working_time(pool, clinic_id, days).await? {
        match figures
            .iter_mut()
            .find(|(of, row, _)| *of == by && *row == id)
        {
            Some((_, _, row)) => row.time = Some(time),
            None => figures.push((
                by,
                id,
                Figures {
                    name,
                    time: Some(time),
                    money: with_money.then_some(Money::default()),
                    ..Figures::default()
                },
            )),
        }
    }
    figures.sort_by(|(a, _, x), (b, _, y)| (a.code(), &x.name).cmp(&(b.code(), &y.name)));
    Ok(figures.into_iter().map(|(by, _, row)| (by, row)).collect())
}

/// Each provider's and location's booked and working minutes in `days`: working hours are
/// laid on each day in the location's own time (so a day the clocks change has its true
/// length), less time off, counted once where time off overlaps.
async fn working_time(
    pool: &PgPool,
    clinic_id: Uuid,
    days: &Days,
) -> Result<Vec<(By, Uuid, String, Time)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH shifts AS (
               SELECT s.provider_id, s.location_id,
                      tstzrange((d.day + s.starts) AT TIME ZONE coalesce(l.time_zone, c.time_zone),
                                (d.day + s.ends) AT TIME ZONE coalesce(l.time_zone, c.time_zone)) AS period
               FROM provider_schedules s
               JOIN locations l ON l.id = s.location_id
               JOIN clinics c ON c.id = s.clinic_id
               JOIN LATERAL (SELECT g::date AS day FROM generate_series($4::date, $5::date, interval '1 day') g) d
                 ON extract(isodow FROM d.day) = s.weekday
                AND (s.valid_from IS NULL OR d.day >= s.valid_from)
                AND (s.valid_until IS NULL OR d.day <= s.valid_until)
               WHERE s.clinic_id = $1
                 -- A closed day is no working time, whatever the week says.
                 AND NOT closed_on(s.clinic_id, s.location_id, d.day)),
           worked AS (
               SELECT sh.provider_id, sh.location_id,
                      (SELECT coalesce(sum(extract(epoch FROM upper(r) - lower(r))), 0)
                       FROM unnest(tstzmultirange(sh.period) - coalesce(
                           (SELECT range_agg(o.period) FROM time_off o
                            WHERE o.provider_id = sh.provider_id AND o.period && sh.period),
                           '{}'::tstzmultirange)) r) / 60 AS minutes
               FROM shifts sh),
           occupied AS (
               SELECT a.provider_id, a.location_id,
                      extract(epoch FROM upper(a.period) - lower(a.period)) / 60 AS minutes
               FROM appointments a
               WHERE a.clinic_id = $1
                 AND a.status IN ('confirmed', 'completed', 'no_show')
                 AND (a.patient_id IS NOT NULL OR EXISTS (
                      SELECT 1 FROM session_seats seat
                      WHERE seat.appointment_id = a.id AND seat.status = 'booked'))
                 AND a.period && tstzrange($2, $3) AND lower(a.period) >= $2 AND lower(a.period) < $3),
           time AS (
               SELECT provider_id, location_id, 0 AS booked, minutes AS working FROM worked
               UNION ALL
               SELECT provider_id, location_id, minutes, 0 FROM occupied)
           SELECT CASE WHEN GROUPING(p.id) = 0 THEN 'provider' ELSE 'location' END AS "by!",
                  coalesce(p.id, l.id) AS "id!",
                  CASE WHEN GROUPING(p.id) = 0 THEN p.display_name ELSE l.name END AS "name!",
                  round(sum(time.booked))::bigint AS "booked!",
                  round(sum(time.working))::bigint AS "working!"
           FROM time
           JOIN providers p ON p.id = time.provider_id
           JOIN locations l ON l.id = time.location_id
           GROUP BY GROUPING SETS ((p.id, p.display_name), (l.id, l.name))"#,
        clinic_id,
        days.starts,
        days.ends,
        days.from,
        days.to
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some((
                By::parse(&r.by)?,
                r.id,
                r.name,
                Time {
                    booked_minutes: r.booked,
                    working_minutes: r.working,
                },
            ))
        })
        .collect())
}

/// Each week's appointments patients booked that start in `days`, Monday to Sunday in the
/// clinic's time; weeks with none are there too, so a line shows the quiet weeks.
pub async fn weeks(pool: &PgPool, clinic_id: Uuid, days: &Days) -> Result<Vec<Week>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH zone AS (SELECT time_zone FROM clinics WHERE id = $1),
           mondays AS (
               SELECT g::date AS monday
               FROM generate_series(date_trunc('week', $4::date), $5::date, interval '1 week') g),
           counted AS (
               SELECT date_trunc('week', lower(a.period) AT TIME ZONE zone.time_zone)::date AS monday,
                      count(*) AS booked,
                      count(*) FILTER (WHERE a.status = 'completed') AS attended
               FROM appointments a, zone
               WHERE a.clinic_id = $1 AND a.patient_id IS NOT NULL
                 AND a.status IN ('confirmed', 'completed', 'no_show', 'cancelled')
                 AND a.period && tstzrange($2, $3) AND lower(a.period) >= $2 AND lower(a.period) < $3
               GROUP BY 1)
           SELECT m.monday AS "monday!", coalesce(c.booked, 0) AS "booked!",
                  coalesce(c.attended, 0) AS "attended!"
           FROM mondays m LEFT JOIN counted c USING (monday)
           ORDER BY 1"#,
        clinic_id,
        days.starts,
        days.ends,
        days.from,
        days.to
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Week {
            starts: r.monday,
            booked: r.booked,
            attended: r.attended,
        })
        .collect())
}

/// How many visits start in each hour of each weekday, in the location's own time: rows
/// Monday to Sunday, columns 00:00 to 23:00. Cancelled bookings are not visits.
pub async fn peak_times(
    pool: &PgPool,
    clinic_id: Uuid,
    days: &Days,
) -> Result<[[i64; 24]; 7], sqlx::Error> {
    let counts = sqlx::query!(
        r#"SELECT extract(isodow FROM lower(a.period) AT TIME ZONE coalesce(l.time_zone, c.time_zone))::int AS "weekday!",
                  extract(hour FROM lower(a.period) AT TIME ZONE coalesce(l.time_zone, c.time_zone))::int AS "hour!",
                  count(*) AS "visits!"
           FROM appointments a
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.patient_id IS NOT NULL
             AND a.status IN ('confirmed', 'completed', 'no_show')
             AND a.period && tstzrange($2, $3) AND lower(a.period) >= $2 AND lower(a.period) < $3
           GROUP BY 1, 2"#,
        clinic_id,
        days.starts,
        days.ends
    )
    .fetch_all(pool)
    .await?;
    let mut grid = [[0; 24]; 7];
    for count in counts {
        let (Ok(day), Ok(hour)) = (
            usize::try_from(count.weekday - 1),
            usize::try_from(count.hour),
        ) else {
            continue;
        };
        if let Some(cell) = grid.get_mut(day).and_then(|row| row.get_mut(hour)) {
            *cell = count.visits;
        }
    }
    Ok(grid)
}

/// Visits asked for (every booking patients made, cancelled ones too: the time was
/// wanted) of `treatment` (or any) in each hour of each weekday of the `weeks` whole weeks
/// before `this_monday`, oldest first, in each location's own time.
pub async fn demand_history(
    pool: &PgPool,
    clinic_id: Uuid,
    treatment: Option<Uuid>,
    this_monday: chrono::NaiveDate,
    weeks: i64,
) -> Result<Vec<WeekGrid>, sqlx::Error> {
    let counts = sqlx::query!(
        r#"SELECT ($2::date - (lower(a.period) AT TIME ZONE coalesce(l.time_zone, c.time_zone))::date + 6) / 7 AS "weeks_ago!",
                  extract(isodow FROM lower(a.period) AT TIME ZONE coalesce(l.time_zone, c.time_zone))::int AS "weekday!",
                  extract(hour FROM lower(a.period) AT TIME ZONE coalesce(l.time_zone, c.time_zone))::int AS "hour!",
                  count(*) AS "visits!"
           FROM appointments a
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.patient_id IS NOT NULL
             AND a.status IN ('confirmed', 'completed', 'no_show', 'cancelled')
             AND a.period && tstzrange(($2::date - $3::int * 7)::timestamp AT TIME ZONE c.time_zone,
                                       $2::date::timestamp AT TIME ZONE c.time_zone)
             AND lower(a.period) >= ($2::date - $3::int * 7)::timestamp AT TIME ZONE c.time_zone
             AND lower(a.period) < $2::date::timestamp AT TIME ZONE c.time_zone
             AND ($4::uuid IS NULL OR a.treatment_id = $4)
           GROUP BY 1, 2, 3"#,
        clinic_id,
        this_monday,
        weeks as i32,
        treatment
    )
    .fetch_all(pool)
    .await?;
    let mut history = vec![[[0.0; 24]; 7]; usize::try_from(weeks).unwrap_or(0)];
    let len = history.len();
    for count in counts {
        let (Ok(ago), Ok(day), Ok(hour)) = (
            usize::try_from(count.weeks_ago),
            usize::try_from(count.weekday - 1),
            usize::try_from(count.hour),
        ) else {
            continue;
        };
        if let Some(cell) = ago
            .checked_sub(1)
            .and_then(|ago| len.checked_sub(ago + 1))
            .and_then(|week| history.get_mut(week))
            .and_then(|week| week.get_mut(day))
            .and_then(|hours| hours.get_mut(hour))
        {
            *cell = count.visits as f64;
        }
    }
    Ok(history)
}

/// Provider-hours of work in each hour of each weekday of the week starting `monday`, by
/// the working hours that apply that week (none on a closed day), of the providers who perform `treatment` (or
/// all); and the visit's length in minutes (the treatment's, or the mean of the clinic's),
/// for what an hour of work holds.
pub async fn supply(
    pool: &PgPool,
    clinic_id: Uuid,
    treatment: Option<Uuid>,
    monday: chrono::NaiveDate,
) -> Result<(WeekGrid, f64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT s.weekday::int AS "weekday!", h AS "hour!",
                  (sum(least(extract(epoch FROM s.ends), (h + 1) * 3600)
                       - greatest(extract(epoch FROM s.starts), h * 3600)) / 3600)::float8 AS "hours!"
           FROM provider_schedules s
           JOIN providers p ON p.id = s.provider_id AND p.active
           CROSS JOIN generate_series(0, 23) h
           WHERE s.clinic_id = $1
             AND extract(epoch FROM s.starts) < (h + 1) * 3600 AND extract(epoch FROM s.ends) > h * 3600
             AND (s.valid_from IS NULL OR s.valid_from <= $2::date + s.weekday - 1)
             AND (s.valid_until IS NULL OR s.valid_until >= $2::date + s.weekday - 1)
             AND NOT closed_on(s.clinic_id, s.location_id, $2::date + s.weekday - 1)
             AND ($3::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM provider_treatments pt
                  WHERE pt.provider_id = s.provider_id AND pt.treatment_id = $3))
           GROUP BY 1, 2"#,
        clinic_id,
        monday,
        treatment
    )
    .fetch_all(pool)
    .await?;
    let mut grid = [[0.0; 24]; 7];
    for row in rows {
        let (Ok(day), Ok(hour)) = (usize::try_from(row.weekday - 1), usize::try_from(row.hour))
        else {
            continue;
        };
        if let Some(cell) = grid.get_mut(day).and_then(|hours| hours.get_mut(hour)) {
            *cell = row.hours;
        }
    }
    let visit = sqlx::query_scalar!(
        r#"SELECT coalesce(avg(duration_minutes), 45)::float8 AS "minutes!"
           FROM treatments WHERE clinic_id = $1 AND active AND capacity IS NULL
             AND ($2::uuid IS NULL OR id = $2)"#,
        clinic_id,
        treatment
    )
    .fetch_one(pool)
    .await?;
    Ok((grid, visit))
}

/// The clinic's treatments booked one patient at a time, by name: id, slug and name.
pub async fn treatments(
    pool: &PgPool,
    clinic_id: Uuid,
) -> Result<Vec<(Uuid, String, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, slug, name FROM treatments
         WHERE clinic_id = $1 AND active AND capacity IS NULL ORDER BY name",
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|t| (t.id, t.slug, t.name))
    .collect())
}
