use serde::{Deserialize, Serialize};

pub use crate::domain::assistant::knowledge::Faq;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRow {
    pub id: String,
    /// "Waiting for the team", "With the assistant" or "Closed".
    pub status: String,
    pub open: bool,
    pub urgent: bool,
    /// The patient's name when they were signed in; otherwise a visitor.
    pub who: String,
    pub started: String,
    pub last: String,
    pub messages: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    pub conversation: ConversationRow,
    pub lines: Vec<TranscriptLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    pub who: String,
    pub body: String,
    /// What the safety layer found in the patient's words: "Red flag: sight".
    pub flagged: Option<String>,
    pub at: String,
}
