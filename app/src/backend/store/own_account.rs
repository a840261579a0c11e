//! What people do with their own account: edit their details, change their password,
//! take their data, and erase the account. Every query is keyed by the signed-in user's
//! id, so nobody reaches another person's rows.

use crate::account::types::{
    MyAppointmentRecord, MyChatLine, MyConversation, MyData, MyPatientRecord, MyWaitlistEntry,
};
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::profile::{Profile, ProfileForm};
use crate::error::AppError;
use sqlx::PgPool;
use uuid::Uuid;

/// A patient's details for the form: their newest patient record.
pub async fn profile(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<Option<ProfileForm>, AppError> {
    Ok(sqlx::query_as!(
        ProfileForm,
        "SELECT first_name, last_name, phone, remind_by_email, remind_by_sms, remind_by_whatsapp
         FROM patients WHERE clinic_id = $1 AND user_id = $2
         ORDER BY created_at DESC LIMIT 1",
        clinic_id,
        user_id
    )
    .fetch_optional(pool)
    .await?)
}

/// Saves a patient's details on every patient record of theirs, with the audit row.
pub async fn update_profile(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
    profile: &Profile,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE patients SET first_name = $3, last_name = $4, phone = $5, remind_by_email = $6,
                remind_by_sms = $7, remind_by_whatsapp = $8
         WHERE clinic_id = $1 AND user_id = $2",
        clinic_id,
        me.user_id,
        profile.first_name,
        profile.last_name,
        profile.phone,
        profile.remind_by_email,
        profile.remind_by_sms,
        profile.remind_by_whatsapp
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query!(
        "UPDATE users SET display_name = $3 WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        me.user_id,
        format!("{} {}", profile.first_name, profile.last_name)
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, me, "update", "own_profile", Some(me.user_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The stored password hash, for checking the current password before a change.
pub async fn password_hash(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar!(
        "SELECT password_hash FROM users WHERE clinic_id = $1 AND id = $2 AND active",
        clinic_id,
        user_id
    )
    .fetch_optional(pool)
    .await?
    .flatten())
}

/// Sets a new password and ends every other session of the account (a thief's included);
/// `keep` is the session in use.
pub async fn set_password(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
    hash: &str,
    keep: &[u8],
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE users SET password_hash = $3 WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        me.user_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
        me.user_id,
        keep
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, me, "change_password", "user", Some(me.user_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Everything held about the signed-in person.
pub async fn export(pool: &PgPool, clinic_id: Uuid, user_id: Uuid) -> Result<MyData, AppError> {
    let account = sqlx::query!(
        r#"SELECT u.email, u.display_name,
                  to_char(u.created_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI') AS "created!"
           FROM users u JOIN clinics c ON c.id = u.clinic_id
           WHERE u.clinic_id = $1 AND u.id = $2"#,
        clinic_id,
        user_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let patient_records = sqlx::query_as!(
        MyPatientRecord,
        r#"SELECT first_name, last_name, email, phone, date_of_birth::text AS date_of_birth,
                  remind_by_email, remind_by_sms, remind_by_whatsapp,
                  to_char(created_at, 'YYYY-MM-DD') AS "created!"
           FROM patients WHERE clinic_id = $1 AND user_id = $2 ORDER BY created_at"#,
        clinic_id,
        user_id
    )
    .fetch_all(pool)
    .await?;
    let appointments = sqlx::query_as!(
        MyAppointmentRecord,
        r#"SELECT to_char(lower(a.period) AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI') AS "starts!",
                  to_char(upper(a.period) AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI') AS "ends!",
                  t.name AS treatment, p.display_name AS provider, l.name AS location,
                  a.mode::text AS "mode!", a.status::text AS "status!"
           FROM appointments a
           JOIN patients pa ON pa.id = a.patient_id
           JOIN clinics c ON c.id = a.clinic_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           WHERE a.clinic_id = $1 AND pa.user_id = $2
           ORDER BY lower(a.period)"#,
        clinic_id,
        user_id
    )
    .fetch_all(pool)
    .await?;
    let waitlist = sqlx::query!(
        r#"SELECT t.name AS treatment, w.provider_id, w.weekdays, w.earliest, w.latest, w.last_day,
                  w.status, to_char(w.created_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI') AS "joined!"
           FROM waitlist_entries w
           JOIN patients p ON p.id = w.patient_id
           JOIN treatments t ON t.id = w.treatment_id
           JOIN clinics c ON c.id = w.clinic_id
           WHERE w.clinic_id = $1 AND p.user_id = $2
           ORDER BY w.created_at"#,
        clinic_id,
        user_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|w| MyWaitlistEntry {
        treatment: w.treatment,
        waiting_for: crate::domain::waitlist::Wish {
            provider: w.provider_id,
            weekdays: w.weekdays.iter().filter_map(|d| u8::try_from(*d).ok()).collect(),
            earliest: w.earliest,
            latest: w.latest,
            last_day: w.last_day,
        }
        .describe(),
        status: w.status,
        joined: w.joined,
    })
    .collect();
    let lines = sqlx::query!(
        r#"SELECT m.conversation_id,
                  to_char(c.started_at AT TIME ZONE k.time_zone, 'YYYY-MM-DD"T"HH24:MI') AS "started!",
                  m.author, m.body,
                  to_char(m.sent_at AT TIME ZONE k.time_zone, 'YYYY-MM-DD"T"HH24:MI') AS "at!"
           FROM assistant_messages m
           JOIN assistant_conversations c ON c.id = m.conversation_id
           JOIN patients p ON p.id = c.patient_id
           JOIN clinics k ON k.id = c.clinic_id
           WHERE c.clinic_id = $1 AND p.user_id = $2
           ORDER BY c.started_at, c.id, m.id"#,
        clinic_id,
        user_id
    )
    .fetch_all(pool)
    .await?;
    let mut conversations: Vec<(Uuid, MyConversation)> = Vec::new();
    for line in lines {
        if conversations
            .last()
            .is_none_or(|(id, _)| *id != line.conversation_id)
        {
            conversations.push((
                line.conversation_id,
                MyConversation {
                    started: line.started,
                    messages: Vec::new(),
                },
            ));
        }
        if let Some((_, conversation)) = conversations.last_mut() {
            conversation.messages.push(MyChatLine {
                author: line.author,
                body: line.body,
                at: line.at,
            });
        }
    }
    Ok(MyData {
        email: account.email,
        name: account.display_name,
        account_created: account.created,
        patient_records,
        appointments,
        conversations: conversations.into_iter().map(|(_, c)| c).collect(),
        waitlist,
    })
}

/// Erases a patient's account: names and contact details are replaced on their patient
/// records and account, the messages sent to them lose address and text, and sign-ins,
/// links and codes go. Appointments stay (without a name) because the clinic must keep its
/// treatment records.
pub async fn erase(pool: &PgPool, clinic_id: Uuid, me: &Principal) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let emails: Vec<String> = sqlx::query_scalar!(
        "SELECT email FROM patients WHERE clinic_id = $1 AND user_id = $2
         UNION SELECT email FROM users WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        me.user_id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .flatten()
    .collect();
    // What they waited for goes too: nobody is offered times in their name.
    sqlx::query!(
        "DELETE FROM waitlist_entries
         WHERE clinic_id = $1
           AND patient_id IN (SELECT id FROM patients WHERE clinic_id = $1 AND user_id = $2)",
        clinic_id,
        me.user_id
    )
    .execute(&mut *tx)
    .await?;
    // Conversations with the assistant are the patient's words: they go, messages and all.
    sqlx::query!(
        "DELETE FROM assistant_conversations
         WHERE clinic_id = $1
           AND patient_id IN (SELECT id FROM patients WHERE clinic_id = $1 AND user_id = $2)",
        clinic_id,
        me.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE patients SET first_name = 'Deleted', last_name = 'patient',
                email = 'deleted-' || id || '@deleted.invalid', phone = '', date_of_birth = NULL,
                remind_by_email = false, remind_by_sms = false, remind_by_whatsapp = false,
                user_id = NULL
         WHERE clinic_id = $1 AND user_id = $2",
        clinic_id,
        me.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE users SET email = 'deleted-' || id || '@deleted.invalid',
                display_name = 'Deleted account', password_hash = NULL, totp_secret = NULL,
                totp_sealed = NULL, recovery_codes_sealed = NULL,
                totp_enabled_at = NULL, active = false
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        me.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE outbox_messages SET recipient = 'deleted', subject = '(removed)',
                body = '(removed when the account was deleted)'
         WHERE clinic_id = $1 AND lower(recipient) = ANY($2)",
        clinic_id,
        &emails.iter().map(|e| e.to_lowercase()).collect::<Vec<_>>()
    )
    .execute(&mut *tx)
    .await?;
    crate::backend::auth::session::end_all(&mut tx, me.user_id).await?;
    sqlx::query!("DELETE FROM account_tokens WHERE user_id = $1", me.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM recovery_codes WHERE user_id = $1", me.user_id)
        .execute(&mut *tx)
        .await?;
    audit::append_for_request(&mut tx, me, "delete_account", "user", Some(me.user_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets the signed-in member of staff's authenticator (the password was asked first)
/// and ends all their sessions, this one too: they sign in again and set up the new one.
pub async fn reset_second_factor(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    if !super::second_factor::reset(&mut tx, clinic_id, me.user_id).await? {
        return Err(AppError::Forbidden);
    }
    audit::append_for_request(&mut tx, me, "second_factor_reset", "user", Some(me.user_id)).await?;
    tx.commit().await?;
    Ok(())
}
