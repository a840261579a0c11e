//! Server functions of the assistant's page. A conversation is reached only through the
//! secret in this browser's cookie, so one patient never reads another's.

use super::types::ChatView;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, StreamingText, TextStream};

#[cfg(feature = "ssr")]
use {
    super::types::ChatMessage,
    super::types::Said,
    crate::backend::assistant::{self, Asker},
    crate::backend::auth::{principal, session::Token},
    crate::backend::integrations::assistant::Listener,
    crate::backend::state::app_state,
    crate::backend::store::assistant as store,
    crate::backend::throttle::{self, per_address},
    crate::domain::access::Role,
    crate::domain::assistant::offer::Offer,
    crate::domain::rate_limit::Limit,
    crate::ui::status::answer,
};

/// The conversation this browser has, with the clinic's questions and answers and policies.
#[server(endpoint = "assistant/chat")]
pub async fn fetch_chat() -> Result<ChatView, AppError> {
    answer(server::chat().await)
}

/// How many messages this browser's conversation has: the page looks every few seconds,
/// while staff have the conversation, to show their reply when it comes.
#[server(endpoint = "assistant/length")]
pub async fn fetch_chat_length() -> Result<usize, AppError> {
    answer(server::length().await)
}

/// Sends the patient's message and stores the reply, then shows the conversation again.
/// The form's way without JavaScript; with it, the page streams the answer instead.
#[server(endpoint = "assistant/ask")]
pub async fn ask_assistant(#[server(default)] message: String) -> Result<(), AppError> {
    answer(server::ask(&message).await)?;
    leptos_axum::redirect("/assistant#latest");
    Ok(())
}

/// Sends the patient's message, and streams the answer back as it is written: lines of
/// [`super::types::Said`], ending once the answer is stored (the page then loads the
/// conversation again, with the answer's sources and free times).
#[server(endpoint = "assistant/stream", output = StreamingText)]
pub async fn stream_answer(
    #[server(default)] message: String,
) -> Result<TextStream<AppError>, AppError> {
    answer(server::stream(message).await)
}

/// Where a patient goes on from a time the assistant held for them: the details step of
/// that hold, reached through this browser's conversation (a plain link: the hold's own
/// secret is never written in the conversation, where staff read it).
#[server(endpoint = "assistant/held", input = GetUrl)]
pub async fn go_to_held() -> Result<(), AppError> {
    let next = answer(server::held().await)?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// Holds a time the assistant offered, through the booking steps' own hold (the same rules
/// as the picker), then opens the details step. A time taken meanwhile gets the nearest
/// free ones, said in the conversation.
#[server(endpoint = "assistant/hold")]
pub async fn hold_offer(
    #[server(default)] treatment: String,
    #[server(default)] provider: String,
    #[server(default)] start: String,
) -> Result<(), AppError> {
    let next = answer(server::hold(&treatment, &provider, &start).await)?;
    leptos_axum::redirect(&next);
    Ok(())
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;

    /// Enough for a real conversation, too few to run up a bill or flood staff.
    const PER_ADDRESS: Limit = Limit {
        attempts: 40,
        window: chrono::Duration::minutes(10),
    };
    const CHAT_COOKIE: &str = "lumen_chat";
    /// How long a browser keeps its conversation.
    const CHAT_DAYS: i64 = 30;

    fn browser_chat() -> Option<Token> {
        principal::request_secret(CHAT_COOKIE)
    }

    fn remember_chat(token: &Token) {
        principal::keep_secret(CHAT_COOKIE, token, CHAT_DAYS * 24 * 60 * 60);
    }

    pub async fn chat() -> Result<ChatView, AppError> {
        let state = app_state()?;
        let knowledge = store::knowledge(&state.pool, state.clinic_id).await?;
        let reach = assistant::reach(&knowledge);
        let conversation = match browser_chat() {
            Some(token) => store::by_token(&state.pool, state.clinic_id, &token.hash()).await?,
            None => None,
        };
        let messages = match &conversation {
            Some(c) => store::messages(&state.pool, state.clinic_id, c.id)
                .await?
                .into_iter()
                .map(|m| ChatMessage {
                    author: m.author,
                    body: m.body,
                    sources: serde_json::from_value(m.sources).unwrap_or_default(),
                    offers: serde_json::from_value(m.offers).unwrap_or_default(),
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(ChatView {
            emergency: reach.emergency_number().to_owned(),
            clinic: knowledge.clinic,
            phone: knowledge.phone,
            messages,
            with_staff: conversation.is_some_and(|c| c.status != "assistant"),
            faqs: knowledge.faqs,
            cancellation_policy: knowledge.cancellation_policy,
            payment_policy: knowledge.payment_policy,
        })
    }

    pub async fn length() -> Result<usize, AppError> {
        let state = app_state()?;
        let Some(token) = browser_chat() else {
            return Ok(0);
        };
        let length = store::length(&state.pool, state.clinic_id, &token.hash()).await?;
        Ok(usize::try_from(length).unwrap_or_default())
    }

    pub async fn held() -> Result<String, AppError> {
        Ok(match browser_chat() {
            Some(token) => {
                let asker = Asker {
                    token,
                    patient_id: None,
                    address: None,
                };
                format!("/book/details?hold={}", asker.hold_link().as_str())
            }
            None => "/assistant".to_owned(),
        })
    }

    pub async fn ask(typed: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let asker = asker(typed).await?;
        assistant::ask(&state, &asker, typed, &Listener::default()).await?;
        Ok(())
    }

    pub async fn stream(typed: String) -> Result<TextStream<AppError>, AppError> {
        let state = app_state()?;
        let asker = asker(&typed).await?;
        let (listener, said) = Listener::channel();
        // The answer is written and stored whether or not the patient stays to read it.
        tokio::spawn(async move {
            let last = match assistant::ask(&state, &asker, &typed, &listener).await {
                Ok(_) => Said::Done,
                Err(error) => Said::Failed(error.to_string()),
            };
            listener.send(last);
        });
        let lines = futures::stream::unfold(said, |mut said| async move {
            let next = said.recv().await?;
            Some((Ok(next.line()), said))
        });
        Ok(TextStream::new(lines))
    }

    /// Who is asking, once the message is one that may be sent: this browser's
    /// conversation (started now if it has none), the signed-in patient if any, and the
    /// address.
    async fn asker(typed: &str) -> Result<Asker, AppError> {
        let state = app_state()?;
        assistant::message(typed)?;
        throttle::attempt(
            &per_address("assistant", PER_ADDRESS)
                .into_iter()
                .collect::<Vec<_>>(),
        )
        .await?;
        let token = match browser_chat() {
            Some(token) => token,
            None => {
                let token = Token::generate();
                remember_chat(&token);
                token
            }
        };
        let patient = match principal::current().await? {
            Some(who) if who.role == Role::Patient => {
                store::patient_of_user(&state.pool, state.clinic_id, who.user_id).await?
            }
            _ => None,
        };
        Ok(Asker {
            token,
            patient_id: patient,
            address: throttle::client_address(),
        })
    }

    /// Where the patient goes next: the details step, or back to the conversation.
    pub async fn hold(treatment: &str, provider: &str, start: &str) -> Result<String, AppError> {
        match crate::booking::api::server::hold(treatment, provider, start, "").await {
            Ok(link) => Ok(format!("/book/details?hold={}", link.as_str())),
            Err(AppError::Taken(nearest)) => {
                let state = app_state()?;
                let offers = nearest
                    .into_iter()
                    .map(|choice| Offer {
                        treatment: treatment.trim().to_owned(),
                        provider: choice.provider_id,
                        start: choice.start,
                        label: choice.label,
                    })
                    .collect();
                if let Some(token) = browser_chat() {
                    assistant::taken(&state, &token, treatment.trim(), offers).await?;
                }
                Ok("/assistant#latest".to_owned())
            }
            Err(other) => Err(other),
        }
    }
}
