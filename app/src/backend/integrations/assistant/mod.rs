//! The assistant's engines behind one interface. The built-in one composes answers from the
//! clinic's content with no network; a model behind an OpenAI-compatible API is the other,
//! with the built-in one answering whenever the model's answer cannot be used. Whichever
//! answers, the safety layer has screened the message first and its answers stand
//! (`domain::assistant`).

pub mod model;

use crate::assistant::types::Said;
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

impl Engine {
    /// The reply to `message`. `names` are the patient's own, masked before anything leaves.
    pub async fn reply(
        &self,
        state: &AppState,
        message: &str,
        names: &[&str],
        knowledge: &Knowledge,
        reach: &Reach,
        listener: &Listener,
    ) -> Reply {
        let model = match self {
            Engine::Builtin => return builtin::reply(message, knowledge, reach),
            Engine::Model(model) => model,
        };
        // Red flags and refusals are answered by the rules, never by a model.
        if screen(message) != Screening::Clear {
            return builtin::reply(message, knowledge, reach);
        }
        match model
            .reply(state, message, names, knowledge, listener)
            .await
        {
            Ok(reply) => reply,
            Err(failure) => {
                // The failure names what went wrong, never what the patient wrote.
                tracing::warn!(
                    ?failure,
                    "the model's answer was not used; the built-in engine answered"
                );
                builtin::reply(message, knowledge, reach)
            }
        }
    }
}
