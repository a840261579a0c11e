//! The assistant's tables: the clinic's content read as the assistant's knowledge, staff's
//! questions and answers, and conversations with their messages.

use crate::backend::store::clinic::stored_currency;
use crate::backend::store::payment_policy::{self, stored_charge};
use crate::domain::assistant::knowledge::{
    Faq, Knowledge, LocationFacts, ProviderFacts, Source, TreatmentFacts,
};
use crate::domain::assistant::offer::Offer;
use crate::domain::hours::OpeningRange;
use crate::domain::money::Money;
use crate::domain::payment_policy::Processor;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Everything the assistant may answer from, as the database has it now.
pub async fn knowledge(pool: &PgPool, clinic_id: Uuid) -> Result<Knowledge, AppError> {
    let clinic = sqlx::query!(
        "SELECT name, phone, email, currency, cancellation_policy, late_cancel_hours
         FROM clinics WHERE id = $1",
        clinic_id
    )
    .fetch_one(pool)
    .await?;
    let currency = stored_currency(&clinic.currency)?;
    let policy = payment_policy::load(pool, clinic_id).await?;

    let treatments = sqlx::query!(
        r#"SELECT t.slug, t.name, t.summary, t.description, t.duration_minutes, t.price_minor,
                  t.payment_rule, t.deposit_minor, t.deposit_percent, t.offers_in_person,
                  t.offers_video,
                  coalesce(array_agg(p.display_name || ', ' || p.title ORDER BY p.position, p.display_name)
                           FILTER (WHERE p.id IS NOT NULL), '{}') AS "providers!"
           FROM treatments t
           LEFT JOIN provider_treatments pt ON pt.treatment_id = t.id
           LEFT JOIN providers p ON p.id = pt.provider_id AND p.active
           WHERE t.clinic_id = $1 AND t.active
           GROUP BY t.id
           ORDER BY t.position, t.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let mut facts = Vec::with_capacity(treatments.len());
    for t in treatments {
        let own = stored_charge(
            t.payment_rule.as_deref(),
            t.deposit_minor,
            t.deposit_percent,
        )?;
        let due = policy.due_online(t.price_minor, own, false);
        facts.push(TreatmentFacts {
            slug: t.slug,
            name: t.name,
            summary: t.summary,
            description: t.description,
            duration: format!("{} minutes", t.duration_minutes),
            price: Money::new(t.price_minor, currency).to_string(),
            deposit: (due > 0).then(|| Money::new(due, currency).to_string()),
            providers: t.providers,
            in_person: t.offers_in_person,
            by_video: t.offers_video,
        });
    }

    let providers = sqlx::query!(
        r#"SELECT p.display_name, p.title, p.bio,
                  coalesce(array_agg(t.slug ORDER BY t.position, t.name)
                           FILTER (WHERE t.id IS NOT NULL), '{}') AS "treatments!"
           FROM providers p
           LEFT JOIN provider_treatments pt ON pt.provider_id = p.id
           LEFT JOIN treatments t ON t.id = pt.treatment_id AND t.active
           WHERE p.clinic_id = $1 AND p.active
           GROUP BY p.id
           ORDER BY p.position, p.display_name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| ProviderFacts {
        name: p.display_name,
        title: p.title,
        bio: p.bio,
        treatments: p.treatments,
    })
    .collect();

    let hours = sqlx::query!(
        "SELECT location_id, weekday, opens, closes FROM opening_hours WHERE clinic_id = $1
         ORDER BY weekday, opens",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let locations = sqlx::query!(
        "SELECT id, name, address_line1, address_line2, city, postcode, phone
         FROM locations WHERE clinic_id = $1 AND active ORDER BY position, name",
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|l| LocationFacts {
        address: [
            l.address_line1,
            l.address_line2,
            format!("{} {}", l.city, l.postcode),
        ]
        .into_iter()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", "),
        name: l.name,
        phone: l.phone,
        hours: hours
            .iter()
            .filter(|h| h.location_id == l.id)
            .map(|h| OpeningRange {
                weekday: h.weekday as u8,
                opens: h.opens,
                closes: h.closes,
            })
            .collect(),
    })
    .collect();

    let payment_policy = match policy.processor {
        Processor::Offline => {
            "You pay at the clinic on the day; nothing is taken online when you book.".to_owned()
        }
        _ => format!(
            "When you book online we take: {}. The rest is paid at the clinic.",
            policy.usual.summary(currency).to_lowercase()
        ),
    };
    Ok(Knowledge {
        clinic: clinic.name,
        phone: clinic.phone.clone(),
        email: clinic.email,
        treatments: facts,
        providers,
        locations,
        // The rule the booking pages enforce, then whatever staff wrote beside it.
        cancellation_policy: format!(
            "You can cancel or move a booking online up to {} hours before it; closer to the \
             time, please call the clinic on {}. {}",
            clinic.late_cancel_hours,
            clinic.phone,
            clinic.cancellation_policy.trim()
        )
        .trim_end()
        .to_owned(),
        payment_policy,
        faqs: faqs(pool, clinic_id).await?,
    })
}

pub async fn faqs(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<Faq>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, question, answer FROM assistant_faqs WHERE clinic_id = $1
         ORDER BY position, question",
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|f| Faq {
        id: f.id.to_string(),
        question: f.question,
        answer: f.answer,
    })
    .collect())
}

#[derive(Debug, Clone)]
pub struct Conversation {
    pub id: Uuid,
    pub status: String,
    pub urgent: bool,
    pub started_at: DateTime<Utc>,
    /// A model's tokens the conversation has used.
    pub model_tokens: i32,
}

/// The conversation whose secret hashes to `token_hash`.
pub async fn by_token(
    db: impl sqlx::PgExecutor<'_>,
    clinic_id: Uuid,
    token_hash: &[u8],
) -> Result<Option<Conversation>, sqlx::Error> {
    sqlx::query_as!(
        Conversation,
        "SELECT id, status, urgent, started_at, model_tokens FROM assistant_conversations
         WHERE clinic_id = $1 AND token_hash = $2",
        clinic_id,
        token_hash
    )
    .fetch_optional(db)
    .await
}

pub async fn start(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    token_hash: &[u8],
    patient_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Conversation, sqlx::Error> {
    sqlx::query_as!(
        Conversation,
        "INSERT INTO assistant_conversations (clinic_id, token_hash, patient_id, started_at, last_message_at)
         VALUES ($1, $2, $3, $4, $4)
         RETURNING id, status, urgent, started_at, model_tokens",
        clinic_id,
        token_hash,
        patient_id,
        now
    )
    .fetch_one(&mut *tx)
    .await
}

/// A message as stored; `screening` is what the safety layer found in a patient's words.
pub struct NewMessage<'a> {
    pub author: &'a str,
    pub body: &'a str,
    pub sources: &'a [Source],
    pub offers: &'a [Offer],
    pub screening: Option<&'a str>,
    pub staff_user_id: Option<Uuid>,
}

pub async fn add_message(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    conversation_id: Uuid,
    message: NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sources = serde_json::to_value(message.sources).unwrap_or_default();
    let offers = serde_json::to_value(message.offers).unwrap_or_default();
    sqlx::query!(
        "INSERT INTO assistant_messages (clinic_id, conversation_id, author, body, sources,
                                         offers, screening, staff_user_id, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        clinic_id,
        conversation_id,
        message.author,
        message.body,
        sources,
        offers,
        message.screening,
        message.staff_user_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE assistant_conversations SET last_message_at = $3 WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        conversation_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks a conversation urgent, or hands it to staff; answers whether it changed (so staff
/// are alerted once).
pub async fn escalate(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    conversation_id: Uuid,
    urgent: bool,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query!(
        "UPDATE assistant_conversations
         SET urgent = urgent OR $3, status = 'handed_over'
         WHERE clinic_id = $1 AND id = $2
           AND (status <> 'handed_over' OR (urgent = false AND $3))",
        clinic_id,
        conversation_id,
        urgent
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

pub struct StoredMessage {
    pub author: String,
    pub body: String,
    pub sources: serde_json::Value,
    pub offers: serde_json::Value,
    pub sent_at: DateTime<Utc>,
}

/// A model's tokens the conversations from the address hashed to `address_hash` used on
/// `day`.
pub async fn address_tokens(
    pool: &PgPool,
    clinic_id: Uuid,
    address_hash: &[u8],
    day: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let tokens = sqlx::query_scalar!(
        "SELECT tokens FROM assistant_address_usage
         WHERE clinic_id = $1 AND address_hash = $2 AND day = $3",
        clinic_id,
        address_hash,
        day
    )
    .fetch_optional(pool)
    .await?;
    Ok(tokens.map_or(0, i64::from))
}

/// Counts `tokens` of a model against the conversation and the address.
pub async fn spend_tokens(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    conversation_id: Uuid,
    address_hash: Option<&[u8]>,
    day: NaiveDate,
    tokens: u32,
) -> Result<(), sqlx::Error> {
    let tokens = i32::try_from(tokens).unwrap_or(i32::MAX);
    sqlx::query!(
        "UPDATE assistant_conversations
         SET model_tokens = LEAST(model_tokens::bigint + $3, 2147483647)::integer
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        conversation_id,
        i64::from(tokens)
    )
    .execute(&mut *tx)
    .await?;
    if let Some(address_hash) = address_hash {
        sqlx::query!(
            "INSERT INTO assistant_address_usage (clinic_id, address_hash, day, tokens)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (clinic_id, address_hash, day) DO UPDATE
             SET tokens = LEAST(assistant_address_usage.tokens::bigint + EXCLUDED.tokens, 2147483647)::integer",
            clinic_id,
            address_hash,
            day,
            tokens
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// How many messages the conversation `token_hash` opens has: a cheap look for a reply.
pub async fn length(pool: &PgPool, clinic_id: Uuid, token_hash: &[u8]) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(m.id) AS "count!" FROM assistant_conversations c
           JOIN assistant_messages m ON m.conversation_id = c.id AND m.clinic_id = c.clinic_id
           WHERE c.clinic_id = $1 AND c.token_hash = $2"#,
        clinic_id,
        token_hash
    )
    .fetch_one(pool)
    .await
}

pub async fn messages(
    pool: &PgPool,
    clinic_id: Uuid,
    conversation_id: Uuid,
) -> Result<Vec<StoredMessage>, sqlx::Error> {
    sqlx::query_as!(
        StoredMessage,
        "SELECT author, body, sources, offers, sent_at FROM assistant_messages
         WHERE clinic_id = $1 AND conversation_id = $2 ORDER BY id",
        clinic_id,
        conversation_id
    )
    .fetch_all(pool)
    .await
}

/// How many messages the patient has written in this conversation.
pub async fn patient_messages(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    conversation_id: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM assistant_messages
           WHERE clinic_id = $1 AND conversation_id = $2 AND author = 'patient'"#,
        clinic_id,
        conversation_id
    )
    .fetch_one(&mut *tx)
    .await
}

/// The patient record of a signed-in patient's account.
pub async fn patient_of_user(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM patients WHERE clinic_id = $1 AND user_id = $2 LIMIT 1",
        clinic_id,
        user_id
    )
    .fetch_optional(pool)
    .await
}

/// The clinic's name and the address its staff read.
pub async fn clinic_inbox(
    db: impl sqlx::PgExecutor<'_>,
    clinic_id: Uuid,
) -> Result<(String, String), sqlx::Error> {
    let row = sqlx::query!("SELECT name, email FROM clinics WHERE id = $1", clinic_id)
        .fetch_one(db)
        .await?;
    Ok((row.name, row.email))
}

/// A conversation as the staff list shows it: no message text.
pub struct InboxRow {
    pub id: Uuid,
    pub status: String,
    pub urgent: bool,
    pub started_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
    pub patient: Option<String>,
    pub messages: i64,
}

/// Open conversations first, urgent ones first among them, then the most recent.
pub async fn inbox(
    pool: &PgPool,
    clinic_id: Uuid,
    limit: i64,
) -> Result<Vec<InboxRow>, sqlx::Error> {
    sqlx::query_as!(
        InboxRow,
        r#"SELECT c.id, c.status, c.urgent, c.started_at, c.last_message_at,
                  p.first_name || ' ' || p.last_name AS patient,
                  (SELECT count(*) FROM assistant_messages m WHERE m.conversation_id = c.id) AS "messages!"
           FROM assistant_conversations c
           LEFT JOIN patients p ON p.id = c.patient_id
           WHERE c.clinic_id = $1
           ORDER BY c.status = 'closed', c.urgent DESC, c.status = 'assistant', c.last_message_at DESC
           LIMIT $2"#,
        clinic_id,
        limit
    )
    .fetch_all(pool)
    .await
}

pub async fn conversation(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<InboxRow>, sqlx::Error> {
    sqlx::query_as!(
        InboxRow,
        r#"SELECT c.id, c.status, c.urgent, c.started_at, c.last_message_at,
                  p.first_name || ' ' || p.last_name AS patient,
                  (SELECT count(*) FROM assistant_messages m WHERE m.conversation_id = c.id) AS "messages!"
           FROM assistant_conversations c
           LEFT JOIN patients p ON p.id = c.patient_id
           WHERE c.clinic_id = $1 AND c.id = $2"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
}

pub struct TranscriptLine {
    pub author: String,
    pub body: String,
    pub screening: Option<String>,
    pub staff: Option<String>,
    pub sent_at: DateTime<Utc>,
}

pub async fn transcript(
    pool: &PgPool,
    clinic_id: Uuid,
    conversation_id: Uuid,
) -> Result<Vec<TranscriptLine>, sqlx::Error> {
    sqlx::query_as!(
        TranscriptLine,
        r#"SELECT m.author, m.body, m.screening, u.display_name AS "staff?", m.sent_at
           FROM assistant_messages m
           LEFT JOIN users u ON u.id = m.staff_user_id
           WHERE m.clinic_id = $1 AND m.conversation_id = $2 ORDER BY m.id"#,
        clinic_id,
        conversation_id
    )
    .fetch_all(pool)
    .await
}

/// Staff's reply in the conversation, which stays with staff; `false` when there is no
/// such conversation, or it is closed.
pub async fn staff_reply(
    pool: &PgPool,
    clinic_id: Uuid,
    conversation_id: Uuid,
    staff_user_id: Uuid,
    body: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let open = sqlx::query_scalar!(
        "UPDATE assistant_conversations SET status = 'handed_over'
         WHERE clinic_id = $1 AND id = $2 AND status <> 'closed' RETURNING id",
        clinic_id,
        conversation_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_none() {
        return Ok(false);
    }
    add_message(
        &mut tx,
        clinic_id,
        conversation_id,
        NewMessage {
            author: "staff",
            body,
            sources: &[],
            offers: &[],
            screening: None,
            staff_user_id: Some(staff_user_id),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn close(
    pool: &PgPool,
    clinic_id: Uuid,
    conversation_id: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE assistant_conversations SET status = 'closed' WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        conversation_id
    )
    .execute(pool)
    .await?
    .rows_affected()
        > 0)
}

/// Saves a question and answer: a new one when `id` is `None`. `false` when `id` names none.
pub async fn save_faq(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Option<Uuid>,
    question: &str,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let saved = match id {
        Some(id) => sqlx::query!(
            "UPDATE assistant_faqs SET question = $3, answer = $4, updated_at = $5
             WHERE clinic_id = $1 AND id = $2",
            clinic_id,
            id,
            question,
            answer,
            now
        )
        .execute(pool)
        .await?
        .rows_affected(),
        None => sqlx::query!(
            "INSERT INTO assistant_faqs (clinic_id, question, answer, position, updated_at)
             VALUES ($1, $2, $3,
                     (SELECT coalesce(max(position) + 1, 0) FROM assistant_faqs WHERE clinic_id = $1),
                     $4)",
            clinic_id,
            question,
            answer,
            now
        )
        .execute(pool)
        .await?
        .rows_affected(),
    };
    Ok(saved > 0)
}

pub async fn delete_faq(pool: &PgPool, clinic_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM assistant_faqs WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id
    )
    .execute(pool)
    .await?
    .rows_affected()
        > 0)
}

/// A patient's first and last names, which never leave for a model.
pub async fn patient_names(
    pool: &PgPool,
    clinic_id: Uuid,
    patient_id: Uuid,
) -> Result<Vec<String>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT first_name, last_name FROM patients WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        patient_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map_or_else(Vec::new, |r| vec![r.first_name, r.last_name]))
}
