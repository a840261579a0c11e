//! The reports' figures, counted by PostgreSQL over the appointments of a range (through
//! the clinic-and-period index), never by loading rows into the server.

use crate::domain::days::Days;
use crate::domain::reports::{By, Figures};
use sqlx::PgPool;
use uuid::Uuid;

/// Each provider's, treatment's and location's figures for the appointments patients booked
/// that start in `days`, by name within each; money only when `with_money`.
pub async fn figures(
    pool: &PgPool,
    clinic_id: Uuid,
    days: &Days,
    with_money: bool,
) -> Result<Vec<(By, Figures)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH booked AS (
               SELECT a.provider_id, a.treatment_id, a.location_id, a.status::text AS status,
                      a.status = 'cancelled'
                        AND a.status_changed_at > lower(a.period) - make_interval(
                              hours => coalesce(t.late_cancel_hours, c.late_cancel_hours)) AS late,
                      -- The patient's first booking with the clinic (cancelled ones aside).
                      NOT EXISTS (
                          SELECT 1 FROM appointments e
                          WHERE e.clinic_id = a.clinic_id AND e.patient_id = a.patient_id
                            AND e.id <> a.id AND e.status IN ('confirmed', 'completed', 'no_show')
                            AND (lower(e.period), e.id) < (lower(a.period), a.id)) AS first_booking,
                      (SELECT coalesce(sum(pay.amount_minor), 0) FROM payments pay
                       WHERE pay.appointment_id = a.id AND pay.status = 'paid') AS taken,
                      (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r
                       JOIN payments pay ON pay.id = r.payment_id
                       WHERE pay.appointment_id = a.id AND r.status IN ('pending', 'succeeded')) AS refunded
               FROM appointments a
               JOIN treatments t ON t.id = a.treatment_id
               JOIN clinics c ON c.id = a.clinic_id
               WHERE a.clinic_id = $1 AND a.patient_id IS NOT NULL
                 AND a.status IN ('confirmed', 'completed', 'no_show', 'cancelled')
                 AND a.period && tstzrange($2, $3) AND lower(a.period) >= $2 AND lower(a.period) < $3)
           SELECT CASE WHEN GROUPING(p.id) = 0 THEN 'provider'
                       WHEN GROUPING(t.id) = 0 THEN 'treatment'
                       ELSE 'location' END AS "by!",
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
                  sum(b.taken)::bigint AS "taken!",
                  sum(b.refunded)::bigint AS "refunded!"
           FROM booked b
           JOIN providers p ON p.id = b.provider_id
           JOIN treatments t ON t.id = b.treatment_id
           JOIN locations l ON l.id = b.location_id
           GROUP BY GROUPING SETS ((p.id, p.display_name), (t.id, t.name), (l.id, l.name))
           ORDER BY 1, 2"#,
        clinic_id,
        days.starts,
        days.ends
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let by = By::parse(&r.by)?;
            Some((
                by,
                Figures {
                    name: r.name,
                    booked: r.booked,
                    attended: r.attended,
                    cancelled: r.cancelled,
                    late_cancelled: r.late_cancelled,
                    no_shows: r.no_shows,
                    new_patients: r.new_patients,
                    returning: r.returning,
                    taken_minor: with_money.then_some(r.taken),
                    refunded_minor: with_money.then_some(r.refunded),
                },
            ))
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
