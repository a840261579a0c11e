//! Reading the audit log for the admin screen (appending and verifying are in
//! `backend::audit`).

use crate::admin::types::{AuditEntry, AuditFilter, AuditPage};
use sqlx::PgPool;
use uuid::Uuid;

/// One page of the clinic's entries matching `filter`, newest first.
pub async fn page(
    pool: &PgPool,
    clinic_id: Uuid,
    filter: AuditFilter,
    size: i64,
) -> Result<AuditPage, sqlx::Error> {
    let rows = sqlx::query_as!(
        AuditEntry,
        r#"SELECT a.seq,
                  to_char(a.at AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI:SS') AS "at!",
                  coalesce(u.display_name, 'API key “' || k.name || '”', 'Someone not signed in') AS "actor!",
                  a.actor_role AS role, a.action,
                  a.subject_type || coalesce(' ' || a.subject_id::text, '') AS "subject!",
                  a.request_id
           FROM audit_log a
           JOIN clinics c ON c.id = a.clinic_id
           LEFT JOIN users u ON u.id = a.actor_user_id
           -- Requests made with an API key name the key as their actor.
           LEFT JOIN api_keys k ON a.actor_role = 'api_key' AND k.id = a.actor_user_id
           WHERE a.clinic_id = $1
             AND ($2 = '' OR a.action = $2)
             AND ($3 = '' OR a.subject_type = $3)
             AND ($4 = '' OR lower(u.email) = lower($4))
             AND ($5::bigint IS NULL OR a.seq < $5)
           ORDER BY a.seq DESC
           LIMIT $6"#,
        clinic_id,
        filter.action.trim(),
        filter.subject_type.trim(),
        filter.actor.trim(),
        filter.before_seq,
        size + 1
    )
    .fetch_all(pool)
    .await?;
    let mut entries = rows;
    let older = if entries.len() as i64 > size {
        entries.truncate(size as usize);
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(AuditPage {
        filter,
        entries,
        older,
    })
}
