//! A patient's turn with the assistant: the message and its reply are stored together, and
//! a red flag or a request for a person marks the conversation and alerts staff through
//! the outbox in the same transaction.

use crate::backend::auth::session::Token;
use crate::backend::integrations::assistant::Engine;
use crate::backend::state::AppState;
use crate::backend::store::assistant::{self as store, Conversation, NewMessage};
use crate::backend::store::templates;
use crate::backend::templates::Values;
use crate::domain::assistant::builtin::{Outcome, Reply};
use crate::domain::assistant::knowledge::Knowledge;
use crate::domain::assistant::safety::{screen, Screening};
use crate::domain::assistant::urgent::Reach;
use crate::domain::form::FieldProblem;
use crate::domain::phone::CallingCode;
use crate::domain::templates::ASSISTANT_ALERT;
use crate::error::AppError;
use uuid::Uuid;

/// The longest message a patient may send, in characters.
pub const MESSAGE_LIMIT: usize = 1000;
/// Messages a patient may write in one conversation; past it, the clinic is the way on.
pub const MESSAGES_PER_CONVERSATION: i64 = 100;

/// How a patient reaches help from this clinic: its own number, and its country's.
pub fn reach(knowledge: &Knowledge) -> Reach {
    Reach {
        urgent_line: knowledge.phone.clone(),
        country: CallingCode::of(&knowledge.phone),
    }
}

/// What the patient typed, or why it cannot be sent.
pub fn message(typed: &str) -> Result<&str, AppError> {
    let message = typed.trim();
    let problem = if message.is_empty() {
        "Type your question first."
    } else if message.chars().count() > MESSAGE_LIMIT {
        "That is longer than 1,000 characters. Please ask one thing at a time."
    } else {
        return Ok(message);
    };
    Err(AppError::Rejected(vec![FieldProblem::new(
        "message", problem,
    )]))
}

/// Stores the patient's message in the conversation `token` opens (starting one if there
/// is none yet) with the assistant's reply, and answers the reply. Once staff have the
/// conversation the assistant stays quiet, except that red flags are always answered.
pub async fn ask(
    state: &AppState,
    engine: &Engine,
    token: &Token,
    patient_id: Option<Uuid>,
    typed: &str,
) -> Result<Option<Reply>, AppError> {
    let message = message(typed)?;
    let now = state.clock.now();
    let knowledge = store::knowledge(&state.pool, state.clinic_id).await?;
    let reach = reach(&knowledge);
    let existing = store::by_token(&state.pool, state.clinic_id, &token.hash()).await?;
    let with_staff = existing.as_ref().is_some_and(|c| c.status != "assistant");
    let screening = screen(message);
    let reply = if with_staff && !matches!(screening, Screening::RedFlag(_)) {
        None
    } else {
        Some(engine.reply(message, &knowledge, &reach).await)
    };

    let mut tx = state.pool.begin().await?;
    let conversation = match existing {
        Some(conversation) => conversation,
        None => store::start(&mut tx, state.clinic_id, &token.hash(), patient_id, now).await?,
    };
    if store::patient_messages(&mut tx, state.clinic_id, conversation.id).await?
        >= MESSAGES_PER_CONVERSATION
    {
        return Err(AppError::Invalid(format!(
            "This conversation has reached its limit. Please call the clinic on {}.",
            knowledge.phone
        )));
    }
    let screened = match screening {
        Screening::RedFlag(flag) => Some(format!("red_flag:{}", flag.code())),
        Screening::Refuse(refusal) => Some(format!("refusal:{}", refusal.code())),
        Screening::Clear => None,
    };
    store::add_message(
        &mut tx,
        state.clinic_id,
        conversation.id,
        NewMessage {
            author: "patient",
            body: message,
            sources: &[],
            screening: screened.as_deref(),
            staff_user_id: None,
        },
        now,
    )
    .await?;
    if let Some(reply) = &reply {
        store::add_message(
            &mut tx,
            state.clinic_id,
            conversation.id,
            NewMessage {
                author: "assistant",
                body: &reply.text,
                sources: &reply.sources,
                screening: None,
                staff_user_id: None,
            },
            now,
        )
        .await?;
        let escalation = match &reply.outcome {
            Outcome::RedFlag(flag) => Some((
                true,
                format!(
                    "URGENT: a patient using the assistant described {}. They were told to call \
                     the clinic's urgent line or emergency services now.",
                    flag.for_staff()
                ),
            )),
            Outcome::HandOver => Some((
                false,
                "A patient using the assistant asked to talk to a person.".to_owned(),
            )),
            _ => None,
        };
        if let Some((urgent, reason)) = escalation {
            if store::escalate(&mut tx, state.clinic_id, conversation.id, urgent).await? {
                alert_staff(state, &mut tx, &conversation, &reason, now).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(reply)
}

/// Emails the clinic's own address: why, and where to read the conversation. The patient's
/// words stay in the staff area, where reading them is audited.
async fn alert_staff(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    conversation: &Conversation,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let (name, email) = store::clinic_inbox(&mut *tx, state.clinic_id).await?;
    let link = format!("{}/admin/assistant/{}", state.public_url, conversation.id);
    let values = Values::from([
        ("reason", reason.to_owned()),
        ("conversation_link", link),
        ("clinic", name),
    ]);
    templates::enqueue_email(tx, state.clinic_id, &ASSISTANT_ALERT, &email, &values, now).await?;
    Ok(())
}
