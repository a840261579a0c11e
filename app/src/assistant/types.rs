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

/// What the assistant's answer stream says, one line each: the answer's text as it is
/// written, then that it is complete (the conversation is then loaded again, with the
/// answer's sources and free times).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Said {
    Text(String),
    /// What was shown so far is taken back: the text that follows replaces it.
    Withdrawn,
    Done,
    /// The answer could not be stored; what the patient can do.
    Failed(String),
}

impl Said {
    /// The line on the wire: JSON with every non-ASCII character escaped, so a line cut
    /// anywhere by the network is still valid UTF-8 on both sides of the cut.
    pub fn line(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut line = String::with_capacity(json.len() + 1);
        for c in json.chars() {
            if c.is_ascii() {
                line.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    line.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        line.push('\n');
        line
    }

    /// The complete lines in `buffer`, taken out of it; a partial last line stays.
    pub fn take_lines(buffer: &mut String) -> Vec<Said> {
        let Some(end) = buffer.rfind('\n') else {
            return Vec::new();
        };
        let rest = buffer.split_off(end + 1);
        let complete = std::mem::replace(buffer, rest);
        complete
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_cut_anywhere_read_back_whole() {
        let said = [
            Said::Text("It costs £165 — “with” a deposit 🙂.\nThen".to_owned()),
            Said::Withdrawn,
            Said::Done,
        ];
        let wire: String = said.iter().map(Said::line).collect();
        assert!(wire.is_ascii());
        for cut in 0..wire.len() {
            let mut buffer = wire[..cut].to_owned();
            let mut read = Said::take_lines(&mut buffer);
            buffer.push_str(&wire[cut..]);
            read.extend(Said::take_lines(&mut buffer));
            assert_eq!(read, said, "cut at {cut}");
            assert!(buffer.is_empty());
        }
    }
}
