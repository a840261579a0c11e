//! What forms share: a problem tied to one field, and HTML checkboxes as booleans.

use super::money::Currency;
use super::phone::{CallingCode, PhoneProblem, E164};
use super::slug::Slug;
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

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

/// A text field, trimmed; a problem for `field` when it is required and empty, or longer
/// than `max` characters. `label` names it in the message with its article ("your first
/// name", "the summary").
pub fn text(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    value: &str,
    label: &str,
    max: usize,
    required: bool,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        problems.push(FieldProblem::new(field, format!("Enter {label}.")));
    } else if value.chars().count() > max {
        problems.push(FieldProblem::new(
            field,
            format!("Keep {label} to {max} characters or fewer."),
        ));
    }
    value.to_owned()
}

/// A phone number as people write it (digits, spaces, `+-().`), with 7 to 15 digits;
/// `message` (which says what number is wanted) when it is not. Empty passes when the
/// number is optional.
pub fn phone(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    value: &str,
    required: bool,
    message: &str,
) -> String {
    let value = value.trim();
    if value.is_empty() && !required {
        return String::new();
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !(7..=15).contains(&digits) || !allowed {
        problems.push(FieldProblem::new(field, message));
    }
    value.to_owned()
}

/// The clinic's own phone number, kept as typed for patients to read, with its country
/// code: patients' numbers written without one are read as of the clinic's country.
pub fn clinic_phone(problems: &mut Vec<FieldProblem>, field: &str, value: &str) -> String {
    let before = problems.len();
    let typed = phone(
        problems,
        field,
        value,
        true,
        "Enter the phone number patients should call, like +44 131 496 0000.",
    );
    if problems.len() == before && CallingCode::of(&typed).is_none() {
        problems.push(FieldProblem::new(
            field,
            "Start the number with its country code, like +44 131 496 0000: patients' numbers \
             written without one are read as from the same country.",
        ));
    }
    typed
}

/// A patient's phone number, made E.164 (`+447700900123`) so texts and WhatsApp can reach
/// it; a number written the national way is read as one of `home`'s country. `example`
/// shows how to write one. Empty passes when the number is optional.
pub fn patient_phone(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    value: &str,
    required: bool,
    home: Option<CallingCode>,
    example: &str,
) -> String {
    if value.trim().is_empty() && !required {
        return String::new();
    }
    match E164::parse(value, home) {
        Ok(number) => number.as_str().to_owned(),
        Err(PhoneProblem::NeedsCountryCode) => {
            problems.push(FieldProblem::new(
                field,
                format!("Add the country code to the number, such as {example}."),
            ));
            value.trim().to_owned()
        }
        Err(PhoneProblem::NotANumber) => {
            problems.push(FieldProblem::new(
                field,
                format!("Enter a phone number, such as {example}."),
            ));
            value.trim().to_owned()
        }
    }
}

/// The id of the record a form edits: `None` (a new record) when empty. A problem on `id`
/// when it is not an id, which only an old or altered form sends.
pub fn record_id(problems: &mut Vec<FieldProblem>, raw: &str, reopen: &str) -> Option<Uuid> {
    match raw.trim() {
        "" => None,
        raw => Uuid::parse_str(raw)
            .map_err(|_| {
                problems.push(FieldProblem::new(
                    "id",
                    format!("This form is out of date. {reopen}"),
                ))
            })
            .ok(),
    }
}

/// The web address of a public page: as typed, or made from `name` when left empty.
pub fn slug(problems: &mut Vec<FieldProblem>, typed: &str, name: &str) -> Option<Slug> {
    let typed = typed.trim();
    let slug = if typed.is_empty() {
        Slug::from_title(name)
    } else {
        Slug::parse(typed)
    };
    slug.map_err(|error| problems.push(FieldProblem::new("slug", format!("Web address: {error}."))))
        .ok()
}

/// Ticked ids (each once), or a problem for `field` when one is not an id.
pub fn ids(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    raws: &[String],
    what: &str,
) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for raw in raws {
        match Uuid::parse_str(raw.trim()) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => {
                problems.push(FieldProblem::new(
                    field,
                    format!(
                        "One of the chosen {what} is not known. Reload the page and choose again."
                    ),
                ));
                break;
            }
        }
    }
    ids
}

/// An IANA time zone name such as `Europe/London`, as far as its shape goes; the database,
/// which renders every time through it, says whether it exists.
pub fn time_zone(problems: &mut Vec<FieldProblem>, field: &str, value: &str) -> String {
    let value = value.trim();
    if value.is_empty() || value.contains(char::is_whitespace) {
        problems.push(FieldProblem::new(
            field,
            "Enter a time zone such as Europe/London.",
        ));
    }
    value.to_owned()
}

/// A currency's three-letter code in capitals, such as GBP.
pub fn currency(problems: &mut Vec<FieldProblem>, field: &str, value: &str) -> Option<Currency> {
    Currency::parse(value.trim())
        .map_err(|_| {
            problems.push(FieldProblem::new(
                field,
                "Enter the currency's three-letter code in capitals, such as GBP or EUR.",
            ))
        })
        .ok()
}

/// The longest first or last name a form takes.
pub const NAME_MAX: usize = 100;

/// A person's first and last names (fields `first_name`, `last_name`), both required.
pub fn person_name(problems: &mut Vec<FieldProblem>, first: &str, last: &str) -> (String, String) {
    (
        text(
            problems,
            "first_name",
            first,
            "your first name",
            NAME_MAX,
            true,
        ),
        text(
            problems,
            "last_name",
            last,
            "your last name",
            NAME_MAX,
            true,
        ),
    )
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
