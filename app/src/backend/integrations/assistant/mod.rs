//! The assistant's engines behind one interface. The built-in one composes answers from the
//! clinic's content with no network; a model behind an OpenAI-compatible API is the other,
//! with the built-in one answering whenever the model's answer cannot be used. Whichever
//! answers, the safety layer has screened the message first and its answers stand
//! (`domain::assistant`).

pub mod model;

use crate::backend::state::AppState;
use crate::domain::assistant::builtin::{self, Reply};
use crate::domain::assistant::knowledge::Knowledge;
use crate::domain::assistant::safety::{screen, Screening};
use crate::domain::assistant::urgent::Reach;
use model::Model;
use std::sync::Arc;

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
    ) -> Reply {
        let model = match self {
            Engine::Builtin => return builtin::reply(message, knowledge, reach),
            Engine::Model(model) => model,
        };
        // Red flags and refusals are answered by the rules, never by a model.
        if screen(message) != Screening::Clear {
            return builtin::reply(message, knowledge, reach);
        }
        match model.reply(state, message, names, knowledge).await {
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
