//! The clinic's settings: reading them for the form, and saving them with their audit row.

use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::clinic_settings::{Settings, SettingsForm};
use crate::domain::form::FieldProblem;
use crate::error::AppError;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub const UNKNOWN_TIME_ZONE: &str =
    "That isn't a time zone we know. Use a name such as Europe/London or America/New_York.";

/// Whether PostgreSQL knows the IANA zone `name`. The database carries the zone list that
/// every page and email renders through, so it is the one to ask.
pub async fn known_time_zone(conn: &mut PgConnection, name: &str) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS "known!""#,
        name
    )
    .fetch_one(conn)
    .await?)
}

pub async fn load(pool: &PgPool, clinic_id: Uuid) -> Result<SettingsForm, AppError> {
    let form = sqlx::query_as!(
        SettingsForm,
        r#"SELECT name, tagline, tax_id, email, phone, time_zone, currency,
                  late_cancel_hours::text AS "late_cancel_hours!", cancellation_policy,
                  hold_minutes::text AS "hold_minutes!", slot_minutes::text AS "slot_minutes!",
                  (min_notice_minutes / 60)::text AS "min_notice_hours!",
                  horizon_days::text AS "horizon_days!", allow_double_booking,
                  assistant_retention_days::text AS "assistant_retention_days!",
                  video_relay_only,
                  coalesce((SELECT string_agg(r.hours_before::text, ', ' ORDER BY r.hours_before DESC)
                            FROM reminder_rules r WHERE r.clinic_id = c.id), '') AS "reminder_hours!",
                  coalesce((SELECT bool_or(r.by_email) FROM reminder_rules r WHERE r.clinic_id = c.id), true) AS "remind_by_email!",
                  coalesce((SELECT bool_or(r.by_sms) FROM reminder_rules r WHERE r.clinic_id = c.id), false) AS "remind_by_sms!",
                  coalesce((SELECT bool_or(r.by_whatsapp) FROM reminder_rules r WHERE r.clinic_id = c.id), false) AS "remind_by_whatsapp!",
                  to_char(quiet_hours_start, 'HH24:MI') AS "quiet_hours_start!",
                  to_char(quiet_hours_end, 'HH24:MI') AS "quiet_hours_end!",
                  -- Filled from the policy below: its amounts need the currency's decimals.
                  '' AS "payment_processor!", '' AS "payment_rule!", '' AS "payment_deposit!",
                  '' AS "payment_percent!", '' AS "first_visit_rule!",
                  '' AS "first_visit_deposit!", '' AS "first_visit_percent!",
                  false AS "keep_card_on_file!", false AS "refund_on_time_cancellation!",
                  '' AS "pay_within_minutes!"
           FROM clinics c WHERE id = $1"#,
        clinic_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let currency = super::clinic::stored_currency(&form.currency)?;
    let policy = super::payment_policy::load(pool, clinic_id).await?;
    Ok(form.with_payments(&policy, currency))
}

pub async fn save(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
    settings: &Settings,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    if !known_time_zone(&mut tx, &settings.time_zone).await? {
        return Err(AppError::Rejected(vec![FieldProblem::new(
            "time_zone",
            UNKNOWN_TIME_ZONE,
        )]));
    }
    sqlx::query!(
        "UPDATE clinics SET name = $2, tagline = $3, email = $4, phone = $5, time_zone = $6,
                late_cancel_hours = $7, cancellation_policy = $8, currency = $9,
                hold_minutes = $10, slot_minutes = $11, min_notice_minutes = $12,
                horizon_days = $13, allow_double_booking = $14,
                quiet_hours_start = $15, quiet_hours_end = $16, tax_id = $17,
                assistant_retention_days = $18, video_relay_only = $19
         WHERE id = $1",
        clinic_id,
        settings.name,
        settings.tagline,
        settings.email.as_str(),
        settings.phone,
        settings.time_zone,
        settings.late_cancel_hours,
        settings.cancellation_policy,
        settings.currency.code(),
        settings.booking.hold_minutes,
        settings.booking.slot_minutes,
        settings.booking.min_notice_minutes,
        settings.booking.horizon_days,
        settings.booking.allow_double_booking,
        settings.reminders.quiet.start,
        settings.reminders.quiet.end,
        settings.tax_id,
        settings.assistant_retention_days,
        settings.video_relay_only
    )
    .execute(&mut *tx)
    .await?;
    // Applies to reminders written from now on; those already waiting keep their times.
    let rules = &settings.reminders;
    sqlx::query!("DELETE FROM reminder_rules WHERE clinic_id = $1", clinic_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO reminder_rules (clinic_id, hours_before, by_email, by_sms, by_whatsapp)
         SELECT $1, hours, $3, $4, $5 FROM unnest($2::int[]) AS hours",
        clinic_id,
        &rules.hours_before,
        rules.by_email,
        rules.by_sms,
        rules.by_whatsapp
    )
    .execute(&mut *tx)
    .await?;
    super::payment_policy::save(&mut tx, clinic_id, &settings.payments).await?;
    audit::append_for_request(&mut tx, me, "update", "clinic_settings", Some(clinic_id)).await?;
    tx.commit().await?;
    Ok(())
}
