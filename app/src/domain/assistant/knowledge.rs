//! What the assistant may answer from: the clinic's own content as the database has it at
//! the moment of the question (prices and hours are never copied into text).

use super::words::words;
use crate::domain::hours::OpeningRange;
use serde::{Deserialize, Serialize};

/// A page of the clinic's site an answer came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub title: String,
    pub href: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Knowledge {
    pub clinic: String,
    pub phone: String,
    pub email: String,
    pub treatments: Vec<TreatmentFacts>,
    pub providers: Vec<ProviderFacts>,
    pub locations: Vec<LocationFacts>,
    /// The clinic's cancellation policy as staff wrote it.
    pub cancellation_policy: String,
    /// What the clinic asks patients to pay when booking, in words.
    pub payment_policy: String,
    pub faqs: Vec<Faq>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentFacts {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub description: String,
    /// "45 minutes", "90 minutes".
    pub duration: String,
    /// "£165".
    pub price: String,
    /// The deposit taken when booking, when the treatment has one.
    pub deposit: Option<String>,
    /// Who performs it: "Dr Amara Okafor, Medical director".
    pub providers: Vec<String>,
    pub in_person: bool,
    pub by_video: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderFacts {
    pub name: String,
    pub title: String,
    pub bio: String,
    /// Slugs of the treatments they perform.
    pub treatments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LocationFacts {
    pub name: String,
    /// One line: "14 Hanover Lane, First floor, Edinburgh EH2 4AB".
    pub address: String,
    pub phone: String,
    pub hours: Vec<OpeningRange>,
}

/// A question and answer staff wrote for the assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faq {
    pub id: String,
    pub question: String,
    pub answer: String,
}

impl TreatmentFacts {
    pub fn source(&self) -> Source {
        Source {
            title: self.name.clone(),
            href: format!("/treatments/{}", self.slug),
        }
    }
}

impl Faq {
    /// Staff's questions and answers are listed on the assistant's own page.
    pub fn source(&self) -> Source {
        Source {
            title: self.question.clone(),
            href: format!("/assistant#faq-{}", self.id),
        }
    }
}

impl Knowledge {
    /// Where the site shows each location's address and opening hours (every page's footer).
    pub fn visit_source(&self) -> Source {
        Source {
            title: "Visit us: addresses and opening hours".to_owned(),
            href: "/#visit".to_owned(),
        }
    }

    pub fn treatment(&self, slug: &str) -> Option<&TreatmentFacts> {
        self.treatments.iter().find(|t| t.slug == slug)
    }
}

/// Sentences of a text, for answering with the one that says what was asked.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if matches!(c, '.' | '!' | '?' | '\n') {
            push_sentence(&mut out, &mut current);
        }
    }
    push_sentence(&mut out, &mut current);
    out
}

fn push_sentence(out: &mut Vec<String>, current: &mut String) {
    let sentence = current.trim();
    if !words(sentence).is_empty() {
        out.push(sentence.to_owned());
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_trimmed_and_blank_ones_dropped() {
        assert_eq!(
            sentences("There is no downtime. You can go back to your day!\n\nA course helps."),
            [
                "There is no downtime.",
                "You can go back to your day!",
                "A course helps."
            ]
        );
    }
}
