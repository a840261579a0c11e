//! Appending to the hash-chained audit log, and checking the chain.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::backend::auth::principal::Principal;
use crate::backend::state::app_state;
use crate::error::AppError;

/// One thing that happened. Identifiers only: never names, contact details or notes.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub at: DateTime<Utc>,
    pub clinic_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: &'a str,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<Uuid>,
    pub request_id: &'a str,
}

const GENESIS: [u8; 32] = [0; 32];

fn chain_hash(prev: &[u8], e: &Entry<'_>) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    // Fields are length-prefixed so no two different entries hash the same bytes.
    for field in [
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.clinic_id.map(|u| u.to_string()).unwrap_or_default(),
        e.actor_user_id.map(|u| u.to_string()).unwrap_or_default(),
        e.actor_role.to_owned(),
        e.action.to_owned(),
        e.subject_type.to_owned(),
        e.subject_id.map(|u| u.to_string()).unwrap_or_default(),
        e.request_id.to_owned(),
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().to_vec()
}

/// Appends `entry` on its own.
pub async fn record(pool: &PgPool, entry: Entry<'_>) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    append(&mut tx, entry).await?;
    tx.commit().await
}

/// Appends `entry` inside the caller's transaction, so a change and its audit row are
/// stored together or not at all. Appends are serialised by a transaction-scoped advisory
/// lock so the chain has exactly one "previous" row at every step; keep the transaction
/// short after calling this.
pub async fn append(tx: &mut PgConnection, entry: Entry<'_>) -> Result<(), sqlx::Error> {
    // Postgres keeps microseconds; hash what will be stored.
    let entry = Entry {
        at: entry
            .at
            .duration_trunc(TimeDelta::microseconds(1))
            .unwrap_or(entry.at),
        ..entry
    };
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('lumen.audit_log'))")
        .execute(&mut *tx)
        .await?;
    // Through a function: under row-level security the app sees only its clinic's rows,
    // while the chain runs through every clinic's.
    let prev = sqlx::query_scalar!(r#"SELECT audit_log_last_hash() AS "hash""#)
        .fetch_one(&mut *tx)
        .await?
        .unwrap_or_else(|| GENESIS.to_vec());
    let hash = chain_hash(&prev, &entry);
    sqlx::query!(
        "INSERT INTO audit_log (at, clinic_id, actor_user_id, actor_role, action, subject_type, subject_id, request_id, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        entry.at,
        entry.clinic_id,
        entry.actor_user_id,
        entry.actor_role,
        entry.action,
        entry.subject_type,
        entry.subject_id,
        entry.request_id,
        prev,
        hash
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        rows: u64,
    },
    /// The first row whose stored hashes do not follow from the rows before it.
    BrokenAt {
        seq: i64,
    },
}

/// Recomputes the whole chain.
pub async fn verify(pool: &PgPool) -> Result<Verdict, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT seq, at, clinic_id, actor_user_id, actor_role, action, subject_type, subject_id, request_id, prev_hash, hash
         FROM audit_log ORDER BY seq"
    )
    .fetch_all(pool)
    .await?;
    let mut prev = GENESIS.to_vec();
    for row in &rows {
        let entry = Entry {
            at: row.at,
            clinic_id: row.clinic_id,
            actor_user_id: row.actor_user_id,
            actor_role: &row.actor_role,
            action: &row.action,
            subject_type: &row.subject_type,
            subject_id: row.subject_id,
            request_id: &row.request_id,
        };
        if row.prev_hash != prev || row.hash != chain_hash(&prev, &entry) {
            return Ok(Verdict::BrokenAt { seq: row.seq });
        }
        prev = row.hash.clone();
    }
    Ok(Verdict::Intact {
        rows: rows.len() as u64,
    })
}

/// The current request's id, so a log line and an audit row can be matched.
fn request_id() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// Records what the signed-in (or signing-in) person did during the current request.
pub async fn record_for_request(
    actor: Option<&Principal>,
    action: &str,
    subject_type: &str,
    subject_id: Option<Uuid>,
) -> Result<(), AppError> {
    let state = app_state()?;
    let request_id = request_id();
    record(
        &state.pool,
        Entry {
            at: state.clock.now(),
            clinic_id: Some(state.clinic_id),
            actor_user_id: actor.map(|a| a.user_id),
            actor_role: actor.map(|a| a.role.as_str()).unwrap_or("anonymous"),
            action,
            subject_type,
            subject_id,
            request_id: &request_id,
        },
    )
    .await?;
    Ok(())
}

/// Like `record_for_request`, inside the transaction that makes the change.
pub async fn append_for_request(
    tx: &mut PgConnection,
    actor: &Principal,
    action: &str,
    subject_type: &str,
    subject_id: Option<Uuid>,
) -> Result<(), AppError> {
    let state = app_state()?;
    let request_id = request_id();
    append(
        tx,
        Entry {
            at: state.clock.now(),
            clinic_id: Some(state.clinic_id),
            actor_user_id: Some(actor.user_id),
            actor_role: actor.role.as_str(),
            action,
            subject_type,
            subject_id,
            request_id: &request_id,
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> Entry<'_> {
        Entry {
            at: DateTime::parse_from_rfc3339("2026-03-16T09:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            clinic_id: None,
            actor_user_id: None,
            actor_role: "clinic_admin",
            action,
            subject_type: "patient",
            subject_id: None,
            request_id: "r1",
        }
    }

    #[test]
    fn each_hash_depends_on_the_previous_one_and_on_every_field() {
        let a = chain_hash(&GENESIS, &entry("read"));
        assert_ne!(a, chain_hash(&[1; 32], &entry("read")));
        assert_ne!(a, chain_hash(&GENESIS, &entry("update")));
        assert_eq!(a, chain_hash(&GENESIS, &entry("read")));
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let mut one = entry("read");
        one.subject_type = "patientx";
        one.request_id = "";
        let mut two = entry("read");
        two.subject_type = "patient";
        two.request_id = "x";
        assert_ne!(chain_hash(&GENESIS, &one), chain_hash(&GENESIS, &two));
    }
}
