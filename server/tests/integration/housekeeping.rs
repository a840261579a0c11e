//! The worker's tidying, run as the app's own database role: what is past its use goes,
//! and nothing still in use is touched.

use crate::common::{self, post_as, signed_in, ADMIN};
use app::backend::integrations::messaging::Messaging;
use app::backend::state::Clock;
use app::backend::store::housekeeping::{self, Retention, Swept};
use chrono::{Duration, TimeZone, Utc};
use sqlx::PgPool;

async fn count(pool: &PgPool, query: &str) -> i64 {
    sqlx::query_scalar(query).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sweep_removes_only_what_is_past_its_use(pool: PgPool) {
    let now = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let (app, state) = common::app_with_state(
        &pool,
        Clock::fixed(now),
        common::media(),
        Messaging::development(),
    )
    .await;
    // A live session, one past its end and one idle too long.
    signed_in(&app, ADMIN).await;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, idle_timeout, expires_at)
         SELECT sha256(token), u.id, $1, seen, interval '1 hour', ends
         FROM users u, (VALUES ('ended'::bytea, $2::timestamptz, $3::timestamptz),
                               ('idle'::bytea, $4::timestamptz, $5::timestamptz)) AS s(token, seen, ends)
         WHERE u.email = 'admin@juniper-clinic.example'",
    )
    .bind(now - Duration::days(40))
    .bind(now)
    .bind(now - Duration::minutes(1))
    .bind(now - Duration::days(1))
    .bind(now + Duration::days(1))
    .execute(&pool)
    .await
    .unwrap();
    // Rate-limit hits: one a week old, one now.
    sqlx::query("INSERT INTO rate_limit_hits (bucket, at) VALUES ('test', $1), ('test', $2)")
        .bind(now - Duration::days(7))
        .bind(now)
        .execute(&pool)
        .await
        .unwrap();
    // Registrations: one never confirmed for a fortnight, one made today.
    for email in ["old%40example.com", "new%40example.com"] {
        let reply = post_as(
            &app,
            "register",
            None,
            &format!("form[first_name]=Maya&form[last_name]=Lind&form[email]={email}&form[password]=lantern+orchard+violet"),
        )
        .await;
        assert!(reply.status.is_success(), "{}", reply.body);
    }
    sqlx::query("UPDATE users SET created_at = $1 WHERE email = 'old@example.com'")
        .bind(now - Duration::days(14))
        .execute(&pool)
        .await
        .unwrap();
    // Messages: everything so far is recent; one sent long ago, one still waiting.
    let messages = count(&pool, "SELECT count(*) FROM outbox_messages").await;
    sqlx::query(
        "INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, body, created_at,
                                      next_attempt_at, status, sent_at)
         VALUES ($1, 'email', 'test', 'a@example.com', 'Old', $2, $2, 'sent', $2),
                ($1, 'email', 'test', 'b@example.com', 'Waiting', $2, $2, 'queued', NULL)",
    )
    .bind(state.clinic_id)
    .bind(now - Duration::days(400))
    .execute(&pool)
    .await
    .unwrap();
    // Assistant conversations: the clinic keeps them 30 days after their last message.
    sqlx::query("UPDATE clinics SET assistant_retention_days = 30")
        .execute(&pool)
        .await
        .unwrap();
    for (token, last) in [
        ("stale", now - Duration::days(31)),
        ("kept", now - Duration::days(29)),
    ] {
        sqlx::query(
            "WITH c AS (
                 INSERT INTO assistant_conversations (clinic_id, token_hash, started_at, last_message_at)
                 VALUES ($1, sha256($2::bytea), $3, $3) RETURNING id)
             INSERT INTO assistant_messages (clinic_id, conversation_id, author, body, sent_at)
             SELECT $1, id, 'patient', 'Hello', $3 FROM c",
        )
        .bind(state.clinic_id)
        .bind(token.as_bytes())
        .bind(last)
        .execute(&pool)
        .await
        .unwrap();
    }
    // A model's use per address: yesterday's still counts somewhere on earth; older is gone.
    for days_ago in [1, 2] {
        sqlx::query(
            "INSERT INTO assistant_address_usage (clinic_id, address_hash, day, tokens)
             VALUES ($1, sha256('address'::bytea), ($2::timestamptz AT TIME ZONE 'UTC')::date, 500)",
        )
        .bind(state.clinic_id)
        .bind(now - Duration::days(days_ago))
        .execute(&pool)
        .await
        .unwrap();
    }
    // An API key's first answers are kept a day, for its idempotency keys.
    sqlx::query(
        "WITH k AS (INSERT INTO api_keys (clinic_id, name, scope, prefix, secret_hash, created_at)
                    VALUES ($1, 'Practice system', 'write', 'lumen_0', sha256('k'::bytea), $2)
                    RETURNING id)
         INSERT INTO api_idempotency (clinic_id, api_key_id, idempotency_key, request_hash, status, body, created_at)
         SELECT $1, k.id, key, sha256('r'::bytea), 201, '{}', at
         FROM k, (VALUES ('old', $2 - interval '25 hours'), ('new', $2 - interval '1 hour')) AS a (key, at)",
    )
    .bind(state.clinic_id)
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();
    let sessions = count(&pool, "SELECT count(*) FROM sessions").await;

    let retention = Retention {
        unconfirmed_accounts: Duration::days(7),
        sent_messages: Duration::days(365),
    };
    let swept = housekeeping::sweep(&state.pool, state.clinic_id, retention, now)
        .await
        .unwrap();
    assert_eq!(
        swept,
        Swept {
            sessions: 2,
            rate_limit_hits: 1,
            unconfirmed_accounts: 1,
            sent_messages: 1,
            assistant_conversations: 1,
            assistant_address_usage: 1,
            idempotent_answers: 1,
        }
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM api_idempotency WHERE idempotency_key = 'new'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM assistant_address_usage").await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM assistant_messages").await,
        1,
        "the stale one's messages went with it"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM sessions").await,
        sessions - 2
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rate_limit_hits WHERE bucket = 'test'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM users WHERE email IN ('old@example.com', 'new@example.com')"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM patients WHERE email = 'old@example.com'"
        )
        .await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM outbox_messages").await,
        messages + 1,
        "the waiting one stays"
    );
    // Nothing left to do the second time.
    let again = housekeeping::sweep(&state.pool, state.clinic_id, retention, now)
        .await
        .unwrap();
    assert_eq!(again.total(), 0);
}
