//! Server functions of the staff's assistant screens. Reading a transcript is audited, as
//! reading a patient's record is; the questions and answers are the clinic's content.

use super::types::{ConversationRow, Faq, Transcript};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::types::TranscriptLine,
    crate::backend::audit,
    crate::backend::auth::principal::require,
    crate::backend::state::{app_state, AppState},
    crate::backend::store::assistant::{self as store, InboxRow},
    crate::domain::access::Action,
    crate::domain::form::text,
    crate::ui::status::answer,
    chrono::{DateTime, Utc},
    chrono_tz::Tz,
};

/// The longest reply staff may write (a patient's message has the same limit).
pub const REPLY_MAX: usize = 1000;
pub const QUESTION_MAX: usize = 300;
pub const ANSWER_MAX: usize = 4000;

#[cfg(feature = "ssr")]
async fn zone(state: &AppState) -> Result<Tz, AppError> {
    let rules = crate::backend::store::booking::rules(&state.pool, state.clinic_id).await?;
    Ok(rules.zone())
}

#[cfg(feature = "ssr")]
fn row(c: InboxRow, zone: Tz) -> ConversationRow {
    let local = |at: DateTime<Utc>| {
        at.with_timezone(&zone)
            .format("%a %-d %b, %H:%M")
            .to_string()
    };
    ConversationRow {
        id: c.id.to_string(),
        status: match c.status.as_str() {
            "handed_over" => "Waiting for the team",
            "closed" => "Closed",
            _ => "With the assistant",
        }
        .to_owned(),
        open: c.status != "closed",
        urgent: c.urgent,
        who: c
            .patient
            .unwrap_or_else(|| "A visitor (not signed in)".to_owned()),
        started: local(c.started_at),
        last: local(c.last_message_at),
        messages: c.messages,
    }
}

#[server(endpoint = "admin/assistant/conversations")]
pub async fn fetch_conversations() -> Result<Vec<ConversationRow>, AppError> {
    let me = require(Action::ViewPatients).await?;
    audit::record_for_request(Some(&me), "read", "assistant_conversations", None).await?;
    let state = app_state()?;
    answer(
        async {
            let zone = zone(&state).await?;
            Ok(store::inbox(&state.pool, state.clinic_id, 200)
                .await?
                .into_iter()
                .map(|c| row(c, zone))
                .collect())
        }
        .await,
    )
}

#[server(endpoint = "admin/assistant/conversation")]
pub async fn fetch_transcript(id: String) -> Result<Transcript, AppError> {
    let me = require(Action::ViewPatients).await?;
    let id = answer(AppError::record_id(&id))?;
    audit::record_for_request(Some(&me), "read", "assistant_conversation", Some(id)).await?;
    let state = app_state()?;
    answer(
        async {
            let zone = zone(&state).await?;
            let conversation = store::conversation(&state.pool, state.clinic_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let lines = store::transcript(&state.pool, state.clinic_id, id)
                .await?
                .into_iter()
                .map(|line| TranscriptLine {
                    who: match line.author.as_str() {
                        "patient" => "Patient".to_owned(),
                        "staff" => line.staff.unwrap_or_else(|| "Staff".to_owned()),
                        _ => "Assistant".to_owned(),
                    },
                    body: line.body,
                    flagged: line.screening.map(|s| {
                        let (kind, what) = s.split_once(':').unwrap_or(("", &s));
                        let kind = if kind == "red_flag" {
                            "Red flag"
                        } else {
                            "Refused"
                        };
                        format!("{kind}: {}", what.replace('_', " "))
                    }),
                    at: line
                        .sent_at
                        .with_timezone(&zone)
                        .format("%H:%M")
                        .to_string(),
                })
                .collect();
            Ok(Transcript {
                conversation: row(conversation, zone),
                lines,
            })
        }
        .await,
    )
}

/// Staff's reply: the patient sees it in the conversation.
#[server(endpoint = "admin/assistant/reply")]
pub async fn reply_to_patient(
    conversation: String,
    #[server(default)] message: String,
) -> Result<(), AppError> {
    let me = require(Action::ViewPatients).await?;
    let id = answer(AppError::record_id(&conversation))?;
    let mut problems = Vec::new();
    let message = text(
        &mut problems,
        "message",
        &message,
        "your reply",
        REPLY_MAX,
        true,
    );
    if !problems.is_empty() {
        return answer(Err(AppError::Rejected(problems)));
    }
    let state = app_state()?;
    let now = state.clock.now();
    let sent = answer(
        store::staff_reply(&state.pool, state.clinic_id, id, me.user_id, &message, now)
            .await
            .map_err(AppError::from),
    )?;
    if !sent {
        return answer(Err(AppError::Invalid(
            "This conversation is closed, so the patient would not see a reply.".to_owned(),
        )));
    }
    audit::record_for_request(Some(&me), "reply", "assistant_conversation", Some(id)).await?;
    leptos_axum::redirect(&format!("/admin/assistant/{id}?saved=reply"));
    Ok(())
}

#[server(endpoint = "admin/assistant/close")]
pub async fn close_conversation(conversation: String) -> Result<(), AppError> {
    let me = require(Action::ViewPatients).await?;
    let id = answer(AppError::record_id(&conversation))?;
    let state = app_state()?;
    let closed = answer(
        store::close(&state.pool, state.clinic_id, id)
            .await
            .map_err(AppError::from),
    )?;
    if !closed {
        return answer(Err(AppError::NotFound));
    }
    audit::record_for_request(Some(&me), "close", "assistant_conversation", Some(id)).await?;
    leptos_axum::redirect("/admin/assistant?saved=closed");
    Ok(())
}

#[server(endpoint = "admin/assistant/answers")]
pub async fn fetch_faqs() -> Result<Vec<Faq>, AppError> {
    require(Action::ManageCatalogue).await?;
    let state = app_state()?;
    answer(
        store::faqs(&state.pool, state.clinic_id)
            .await
            .map_err(AppError::from),
    )
}

/// Saves a question and its answer; `id` empty for a new one.
#[server(endpoint = "admin/assistant/save_answer")]
pub async fn save_faq(
    #[server(default)] id: String,
    #[server(default)] question: String,
    #[server(default)] answer_text: String,
) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let id = match id.trim() {
        "" => None,
        raw => Some(answer(AppError::record_id(raw))?),
    };
    let mut problems = Vec::new();
    let question = text(
        &mut problems,
        "question",
        &question,
        "the question",
        QUESTION_MAX,
        true,
    );
    let reply = text(
        &mut problems,
        "answer_text",
        &answer_text,
        "the answer",
        ANSWER_MAX,
        true,
    );
    if question.chars().count() < 3 && !question.is_empty() {
        problems.push(crate::domain::form::FieldProblem::new(
            "question",
            "Write the question as a patient would ask it.",
        ));
    }
    if !problems.is_empty() {
        return answer(Err(AppError::Rejected(problems)));
    }
    let state = app_state()?;
    let saved = answer(
        store::save_faq(
            &state.pool,
            state.clinic_id,
            id,
            &question,
            &reply,
            state.clock.now(),
        )
        .await
        .map_err(AppError::from),
    )?;
    if !saved {
        return answer(Err(AppError::NotFound));
    }
    audit::record_for_request(Some(&me), "save", "assistant_answer", id).await?;
    leptos_axum::redirect("/admin/assistant/answers?saved=answer");
    Ok(())
}

#[server(endpoint = "admin/assistant/delete_answer")]
pub async fn delete_faq(id: String) -> Result<(), AppError> {
    let me = require(Action::ManageCatalogue).await?;
    let id = answer(AppError::record_id(&id))?;
    let state = app_state()?;
    let deleted = answer(
        store::delete_faq(&state.pool, state.clinic_id, id)
            .await
            .map_err(AppError::from),
    )?;
    if !deleted {
        return answer(Err(AppError::NotFound));
    }
    audit::record_for_request(Some(&me), "delete", "assistant_answer", Some(id)).await?;
    leptos_axum::redirect("/admin/assistant/answers?saved=deleted");
    Ok(())
}
