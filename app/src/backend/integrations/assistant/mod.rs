//! The assistant's engines behind one interface. The built-in one composes answers from the
//! clinic's content with no network; a model behind an OpenAI-compatible API is the other,
//! with the built-in one answering whenever the model's answer cannot be used. Whichever
//! answers, the safety layer has screened the message first and its answers stand
//! (`domain::assistant`).

pub mod model;

use crate::assistant::types::Said;
use crate::backend::auth::session::Token;
use crate::backend::state::AppState;
use crate::domain::assistant::builtin::{self, Reply};
use crate::domain::assistant::knowledge::Knowledge;
use crate::domain::assistant::safety::{screen, Screening};
use crate::domain::assistant::urgent::Reach;
use model::Model;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Where an answer goes while it is written: the patient's open stream, or nowhere (a
/// plain form post waits for the whole answer). It remembers what it let out, so that
/// the answer as finally stored can be told apart from what was shown.
#[derive(Debug, Clone, Default)]
pub struct Listener {
    to: Option<UnboundedSender<Said>>,
    shown: Arc<Mutex<String>>,
}

impl Listener {
    /// A listener, and the stream its words come out of.
    pub fn channel() -> (Listener, UnboundedReceiver<Said>) {
        let (to, from) = unbounded_channel();
        let listener = Listener {
            to: Some(to),
            shown: Arc::default(),
        };
        (listener, from)
    }

    /// Shows `text` after what was shown before.
    pub fn text(&self, text: &str) {
        self.shown.lock().expect("not poisoned").push_str(text);
        self.send(Said::Text(text.to_owned()));
    }

    /// Shows the answer as stored: what was not shown yet, or, when the answer is not the
    /// one being shown (a model's answer failed its check and the built-in one replaced
    /// it), the shown text withdrawn and the whole answer instead.
    pub fn settle(&self, answer: &str) {
        let shown = std::mem::take(&mut *self.shown.lock().expect("not poisoned"));
        match answer.strip_prefix(shown.trim_end()) {
            Some(rest) if !rest.is_empty() => self.send(Said::Text(rest.to_owned())),
            Some(_) => {}
            None => {
                self.send(Said::Withdrawn);
                self.send(Said::Text(answer.to_owned()));
            }
        }
    }

    pub fn send(&self, said: Said) {
        if let Some(to) = &self.to {
            // A patient who closed the page does not stop the answer being stored.
            let _ = to.send(said);
        }
    }
}

#[derive(Debug, Clone, Default)]
pub enum Engine {
    /// Answers from the clinic's own facts, offline.
    #[default]
    Builtin,
    Model(Arc<Model>),
}

/// One message to answer, and what answering it may use.
pub struct Turn<'a> {
    pub message: &'a str,
    /// The signed-in patient's own names, masked before anything leaves.
    pub names: &'a [&'a str],
    pub knowledge: &'a Knowledge,
    pub reach: &'a Reach,
    pub listener: &'a Listener,
    /// False once the conversation or the address has used its share of the model.
    pub model_allowed: bool,
    /// The link of the one hold this conversation may have (the model may place it).
    pub hold_link: &'a Token,
}

/// A reply, and the model's tokens it cost (none from the built-in engine).
pub struct Answer {
    pub reply: Reply,
    pub model_tokens: u32,
}

impl Engine {
    pub async fn reply(&self, state: &AppState, turn: &Turn<'_>) -> Answer {
        let builtin = || Answer {
            reply: builtin::reply(turn.message, turn.knowledge, turn.reach),
            model_tokens: 0,
        };
        let model = match self {
            Engine::Model(model) if turn.model_allowed => model,
            _ => return builtin(),
        };
        // Red flags and refusals are answered by the rules, never by a model.
        if screen(turn.message) != Screening::Clear {
            return builtin();
        }
        let (result, model_tokens) = model.reply(state, turn).await;
        match result {
            Ok(reply) => Answer {
                reply,
                model_tokens,
            },
            Err(failure) => {
                // The failure names what went wrong, never what the patient wrote.
                tracing::warn!(
                    ?failure,
                    "the model's answer was not used; the built-in engine answered"
                );
                Answer {
                    model_tokens,
                    ..builtin()
                }
            }
        }
    }
}
