//! What forms share: a problem tied to one field, and HTML checkboxes as booleans.

use serde::{Deserialize, Deserializer, Serialize};

/// A problem with one field of a form, worded so the person can fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field's name in the form, so the page can show the message beside it.
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &str, message: impl ToString) -> Self {
        FieldProblem {
            field: field.to_owned(),
            message: message.to_string(),
        }
    }
}

/// The message for `field` among `problems`, if there is one.
pub fn problem_for<'a>(problems: &'a [FieldProblem], field: &str) -> Option<&'a str> {
    problems
        .iter()
        .find(|p| p.field == field)
        .map(|p| p.message.as_str())
}

/// A checkbox: a browser sends it (usually as `on`) when ticked and leaves it out when not.
/// JSON carries a plain boolean, so both shapes are read.
pub fn checkbox<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ticked {
        Bool(bool),
        Text(String),
    }
    Ok(match Ticked::deserialize(deserializer)? {
        Ticked::Bool(b) => b,
        Ticked::Text(text) => !matches!(text.as_str(), "" | "false" | "off"),
    })
}
