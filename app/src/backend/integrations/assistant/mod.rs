//! The assistant's engines behind one interface. The built-in one composes answers from the
//! clinic's content with no network; a model behind an OpenAI-compatible API is the other.
//! Whichever answers, the safety layer has screened the message first and its answers
//! stand (`domain::assistant`).

use crate::domain::assistant::builtin::{self, Reply};
use crate::domain::assistant::knowledge::Knowledge;
use crate::domain::assistant::urgent::Reach;

#[derive(Debug, Clone, Default)]
pub enum Engine {
    /// Answers from the clinic's own facts, offline.
    #[default]
    Builtin,
}

impl Engine {
    pub async fn reply(&self, message: &str, knowledge: &Knowledge, reach: &Reach) -> Reply {
        match self {
            Engine::Builtin => builtin::reply(message, knowledge, reach),
        }
    }
}
