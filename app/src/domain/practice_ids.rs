//! What a clinic's practice system calls its treatments (services) and providers
//! (therapists), and which location is its centre, as clinic admins type them on the
//! settings screen: each id checked and tied to one row only, before anything is saved.

use super::form::{text, FieldProblem};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// As long as the database lets an id be.
pub const ID_MAX: usize = 200;

/// The form as posted: `service[n][row]` (a treatment's id) with `service[n][id]` (the
/// system's), the same for `therapist`, and `centre` (a location's id, or empty for none).
/// An empty id leaves its row unmapped. (Lists rather than maps keyed by row: a form
/// decoder reads a key that starts with a digit as a list index.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeIdsForm {
    #[serde(default)]
    pub service: Vec<Entry>,
    #[serde(default)]
    pub therapist: Vec<Entry>,
    #[serde(default)]
    pub centre: String,
}

/// One row of the form and the id typed for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub row: String,
    #[serde(default)]
    pub id: String,
}

/// The mapping to store: every id trimmed, none given twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeIds {
    pub services: Vec<(Uuid, String)>,
    pub therapists: Vec<(Uuid, String)>,
    pub centre: Option<Uuid>,
}

/// The form field of a treatment's service or a provider's therapist id.
pub fn service_field(treatment_id: &str) -> String {
    format!("service-{treatment_id}")
}

pub fn therapist_field(provider_id: &str) -> String {
    format!("therapist-{provider_id}")
}

/// Checks the form. A row key that is not an id (only a crafted form has one) is a problem
/// of the whole form; whether each id is the clinic's own row is the store's to check.
pub fn check(form: &PracticeIdsForm) -> Result<PracticeIds, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let services = ids(
        &mut problems,
        &form.service,
        service_field,
        "the service's id",
        "treatment",
    );
    let therapists = ids(
        &mut problems,
        &form.therapist,
        therapist_field,
        "the therapist's id",
        "provider",
    );
    let centre = match form.centre.trim() {
        "" => None,
        id => match Uuid::parse_str(id) {
            Ok(id) => Some(id),
            Err(_) => {
                problems.push(FieldProblem::new("centre", "Choose one of the locations."));
                None
            }
        },
    };
    if problems.is_empty() {
        Ok(PracticeIds {
            services,
            therapists,
            centre,
        })
    } else {
        Err(problems)
    }
}

/// The rows given an id, each id on one row only: the system's answers name a service or a
/// therapist, and Lumen must know which treatment or provider that is.
fn ids(
    problems: &mut Vec<FieldProblem>,
    rows: &[Entry],
    field: fn(&str) -> String,
    label: &str,
    row: &str,
) -> Vec<(Uuid, String)> {
    let mut kept: Vec<(Uuid, String)> = Vec::new();
    let mut seen = Vec::new();
    for entry in rows {
        let field = field(&entry.row);
        let Ok(id) = Uuid::parse_str(&entry.row) else {
            problems.push(FieldProblem::new(
                &field,
                format!("This {row} is not one of the clinic's: reload the page."),
            ));
            continue;
        };
        if seen.contains(&id) {
            problems.push(FieldProblem::new(
                &field,
                format!("This {row} is on the form twice: reload the page."),
            ));
            continue;
        }
        seen.push(id);
        let value = text(problems, &field, &entry.id, label, ID_MAX, false);
        if value.is_empty() {
            continue;
        }
        if value.chars().any(char::is_control) {
            problems.push(FieldProblem::new(
                &field,
                format!("Type {label} on one line, as the system shows it."),
            ));
        } else if kept.iter().any(|(_, other)| *other == value) {
            problems.push(FieldProblem::new(
                &field,
                format!("“{value}” is already given to another {row}: each {row} has its own."),
            ));
        } else {
            kept.push((id, value));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOLE: &str = "6f1c2d0e-0000-4000-8000-000000000001";
    const PEEL: &str = "6f1c2d0e-0000-4000-8000-000000000002";
    const LEWIS: &str = "6f1c2d0e-0000-4000-8000-000000000003";

    fn entry(row: &str, id: &str) -> Entry {
        Entry {
            row: row.to_owned(),
            id: id.to_owned(),
        }
    }

    fn form(services: &[(&str, &str)], centre: &str) -> PracticeIdsForm {
        PracticeIdsForm {
            service: services.iter().map(|(row, id)| entry(row, id)).collect(),
            therapist: vec![entry(LEWIS, " th-lewis ")],
            centre: centre.to_owned(),
        }
    }

    fn fields(problems: Vec<FieldProblem>) -> Vec<String> {
        problems.into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn ids_are_trimmed_and_empty_rows_stay_unmapped() {
        let ids = check(&form(&[(MOLE, "svc-mole"), (PEEL, "  ")], MOLE)).unwrap();
        assert_eq!(
            ids.services,
            [(Uuid::parse_str(MOLE).unwrap(), "svc-mole".to_owned())]
        );
        assert_eq!(
            ids.therapists,
            [(Uuid::parse_str(LEWIS).unwrap(), "th-lewis".to_owned())]
        );
        assert_eq!(ids.centre, Some(Uuid::parse_str(MOLE).unwrap()));
        assert_eq!(check(&form(&[], " ")).unwrap().centre, None);
    }

    #[test]
    fn one_id_belongs_to_one_row() {
        let problems = check(&form(&[(MOLE, "svc-1"), (PEEL, " svc-1")], "")).unwrap_err();
        assert_eq!(fields(problems.clone()), [service_field(PEEL)]);
        assert!(problems[0]
            .message
            .contains("already given to another treatment"));
    }

    #[test]
    fn a_line_break_a_long_id_or_a_made_up_or_repeated_row_is_refused() {
        let long = "x".repeat(ID_MAX + 1);
        let problems = check(&form(
            &[
                (MOLE, "svc\n1"),
                (PEEL, &long),
                ("not-an-id", "svc-2"),
                (PEEL, "svc-3"),
            ],
            "somewhere",
        ))
        .unwrap_err();
        assert_eq!(
            fields(problems),
            [
                service_field(MOLE),
                service_field(PEEL),
                service_field("not-an-id"),
                service_field(PEEL),
                "centre".to_owned()
            ]
        );
    }
}
