//! What the assistant's page shows.

pub use crate::domain::assistant::knowledge::{Faq, Source};
pub use crate::domain::assistant::offer::Offer;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatView {
    pub clinic: String,
    pub phone: String,
    /// The emergency number of the clinic's country.
    pub emergency: String,
    pub messages: Vec<ChatMessage>,
    /// Staff have the conversation: the assistant no longer answers.
    pub with_staff: bool,
    pub faqs: Vec<Faq>,
    pub cancellation_policy: String,
    pub payment_policy: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// `patient`, `assistant` or `staff`.
    pub author: String,
    pub body: String,
    pub sources: Vec<Source>,
    /// Free times offered: each holds its time when chosen.
    pub offers: Vec<Offer>,
}
