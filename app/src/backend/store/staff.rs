//! The clinic's staff accounts: the list, invitations (an account without a password and
//! an emailed single-use link to set one), role changes and deactivation.

use super::account_tokens::{self, Purpose};
use super::templates;
use crate::admin::types::StaffMember;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::backend::auth::session::{self, Token};
use crate::backend::templates::Values;
use crate::domain::access::Role;
use crate::domain::form::FieldProblem;
use crate::domain::staff::Invite;
use crate::domain::templates::{SECOND_FACTOR_RESET, STAFF_INVITE};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

pub async fn list(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<StaffMember>, AppError> {
    Ok(sqlx::query_as!(
        StaffMember,
        r#"SELECT id, display_name AS name, email, role::text AS "role!", active,
                  password_hash IS NULL AS "invited!", totp_enabled_at IS NOT NULL AS "second_factor!"
           FROM users
           WHERE clinic_id = $1 AND role IN ('clinic_admin', 'front_desk', 'provider')
           ORDER BY NOT active, display_name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?)
}

/// Creates the account and emails the invitation, in one transaction with the audit row.
pub async fn invite(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
    invite: &Invite,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let user_id = sqlx::query_scalar!(
        "INSERT INTO users (clinic_id, role, email, display_name, created_at)
         VALUES ($1, ($2::text)::user_role, $3, $4, $5)
         ON CONFLICT DO NOTHING
         RETURNING id",
        clinic_id,
        invite.role.as_str(),
        invite.email.as_str(),
        invite.name,
        now
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Rejected(vec![FieldProblem::new(
            "email",
            "Someone with this email address already has an account here.",
        )])
    })?;
    let token = account_tokens::issue(&mut tx, clinic_id, user_id, Purpose::Invite, now).await?;
    let values = Values::from([
        ("name", invite.name.clone()),
        ("inviter", me.display_name.clone()),
        ("role", invite.role.label().to_lowercase()),
        ("clinic", super::clinic::name(&mut *tx, clinic_id).await?),
        (
            "invite_link",
            format!("{public_url}/accept-invite?token={}", token.as_str()),
        ),
    ]);
    templates::enqueue_email(
        &mut tx,
        clinic_id,
        &STAFF_INVITE,
        invite.email.as_str(),
        &values,
        now,
    )
    .await?;
    audit::append_for_request(&mut tx, me, "invite", "user", Some(user_id)).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// The email of the account a live invitation belongs to.
pub async fn invitation_email(
    pool: &PgPool,
    clinic_id: Uuid,
    token: &Token,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    Ok(account_tokens::owner_email(pool, clinic_id, token, Purpose::Invite, now).await?)
}

/// Sets the invited person's password and uses up the invitation.
pub async fn accept(
    pool: &PgPool,
    clinic_id: Uuid,
    token: &Token,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let Some(user_id) =
        account_tokens::consume(&mut tx, clinic_id, token, Purpose::Invite, now).await?
    else {
        return Ok(None);
    };
    sqlx::query!(
        "UPDATE users SET password_hash = $3, email_verified_at = $4
         WHERE id = $1 AND clinic_id = $2 AND active",
        user_id,
        clinic_id,
        password_hash,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

/// Changes a member of staff's role and whether they may sign in; turning an account off
/// ends its sessions at once. Admins cannot change their own account here, so a clinic is
/// never left without one by accident.
pub async fn update(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
    user_id: Uuid,
    role: Role,
    active: bool,
) -> Result<(), AppError> {
    if user_id == me.user_id {
        return Err(AppError::Invalid(
            "You can't change your own role or turn off your own account. Ask another admin."
                .to_owned(),
        ));
    }
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE users SET role = ($3::text)::user_role, active = $4
         WHERE clinic_id = $1 AND id = $2 AND role IN ('clinic_admin', 'front_desk', 'provider')",
        clinic_id,
        user_id,
        role.as_str(),
        active
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    if !active {
        session::end_all(&mut tx, user_id).await?;
    }
    audit::append_for_request(&mut tx, me, "update", "staff_account", Some(user_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Resets another member of staff's authenticator (a lost phone, no recovery codes left):
/// their sessions end, and their next sign-in sets up a new one. They are told by email.
pub async fn reset_second_factor(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if user_id == me.user_id {
        return Err(AppError::Invalid(
            "To replace your own authenticator, use your account page.".to_owned(),
        ));
    }
    let mut tx = pool.begin().await?;
    if !super::second_factor::reset(&mut tx, clinic_id, user_id).await? {
        return Err(AppError::NotFound);
    }
    let person = sqlx::query!(
        "SELECT u.email, c.name AS clinic FROM users u JOIN clinics c ON c.id = u.clinic_id
         WHERE u.id = $1",
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let values = Values::from([("clinic", person.clinic)]);
    templates::enqueue_email(
        &mut tx,
        clinic_id,
        &SECOND_FACTOR_RESET,
        &person.email,
        &values,
        now,
    )
    .await?;
    audit::append_for_request(
        &mut tx,
        me,
        "second_factor_reset",
        "staff_account",
        Some(user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
