//! A provider (a practitioner patients book) as staff write them: the public profile, the
//! treatments they perform, and time away from the clinic.

use super::form::{checkbox, ids, record_id, slug, text, FieldProblem};
use super::slug::Slug;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderForm {
    /// Empty for a new provider.
    pub id: String,
    pub display_name: String,
    /// What patients read under the name, such as "Aesthetic nurse practitioner".
    pub title: String,
    pub slug: String,
    pub bio: String,
    #[serde(deserialize_with = "checkbox")]
    pub active: bool,
    pub treatment_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDraft {
    pub id: Option<Uuid>,
    pub display_name: String,
    pub title: String,
    pub slug: Slug,
    pub bio: String,
    pub active: bool,
    pub treatment_ids: Vec<Uuid>,
}

pub const NAME_MAX: usize = 100;
pub const TITLE_MAX: usize = 120;
pub const BIO_MAX: usize = 3_000;

impl ProviderForm {
    pub fn blank() -> Self {
        ProviderForm {
            active: true,
            ..ProviderForm::default()
        }
    }

    pub fn from_draft(draft: &ProviderDraft) -> Self {
        ProviderForm {
            id: draft.id.map(|id| id.to_string()).unwrap_or_default(),
            display_name: draft.display_name.clone(),
            title: draft.title.clone(),
            slug: draft.slug.to_string(),
            bio: draft.bio.clone(),
            active: draft.active,
            treatment_ids: draft.treatment_ids.iter().map(Uuid::to_string).collect(),
        }
    }

    pub fn parse(&self) -> Result<ProviderDraft, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let id = record_id(
            &mut problems,
            &self.id,
            "Open the provider again from the list.",
        );
        let display_name = text(
            &mut problems,
            "display_name",
            &self.display_name,
            "the name patients see",
            NAME_MAX,
            true,
        );
        let title = text(
            &mut problems,
            "title",
            &self.title,
            "the title",
            TITLE_MAX,
            true,
        );
        let slug = slug(&mut problems, &self.slug, &display_name);
        let bio = text(
            &mut problems,
            "bio",
            &self.bio,
            "the biography",
            BIO_MAX,
            false,
        );
        let treatment_ids = ids(
            &mut problems,
            "treatment_ids",
            &self.treatment_ids,
            "treatments",
        );
        match slug {
            Some(slug) if problems.is_empty() => Ok(ProviderDraft {
                id,
                display_name,
                title,
                slug,
                bio,
                active: self.active,
                treatment_ids,
            }),
            _ => Err(problems),
        }
    }
}

/// Time off as typed into two date-and-time fields (the browser's `datetime-local`
/// format, `2026-03-30T09:00`), in the clinic's local time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeOffForm {
    pub starts: String,
    pub ends: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOff {
    /// Local wall-clock times; the store places them in the clinic's time zone.
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    pub reason: String,
}

pub const REASON_MAX: usize = 200;

/// `2026-03-30T09:00` (what `datetime-local` sends) or `2026-03-30 09:00`.
fn local_time(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    raw: &str,
    what: &str,
) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
        .or_else(|| {
            problems.push(FieldProblem::new(
                field,
                format!("Enter when it {what} as a date and time, like 2026-03-30 09:00."),
            ));
            None
        })
}

impl TimeOffForm {
    pub fn parse(&self) -> Result<TimeOff, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let starts = local_time(&mut problems, "starts", &self.starts, "starts");
        let ends = local_time(&mut problems, "ends", &self.ends, "ends");
        let reason = text(
            &mut problems,
            "reason",
            &self.reason,
            "the reason",
            REASON_MAX,
            false,
        );
        match (starts, ends) {
            (Some(starts), Some(ends)) if ends <= starts => {
                problems.push(FieldProblem::new(
                    "ends",
                    "The end must come after the start.",
                ));
                Err(problems)
            }
            (Some(starts), Some(ends)) if problems.is_empty() => Ok(TimeOff {
                starts,
                ends,
                reason,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    const TREATMENT: &str = "6f1c1d7e-2b0a-4f43-9a52-0f4c2b1a9e10";

    #[test]
    fn a_profile_form_becomes_a_draft_and_back() {
        let form = ProviderForm {
            display_name: "Dr Amara Okafor".into(),
            title: "Medical director".into(),
            bio: "Twelve years in aesthetic medicine.".into(),
            treatment_ids: vec![TREATMENT.into(), TREATMENT.into()],
            ..ProviderForm::blank()
        };
        let draft = form.parse().unwrap();
        assert_eq!(draft.slug.as_str(), "dr-amara-okafor");
        assert!(draft.active);
        assert_eq!(
            draft.treatment_ids.len(),
            1,
            "a treatment ticked twice counts once"
        );
        assert_eq!(ProviderForm::from_draft(&draft).parse().unwrap(), draft);
    }

    #[test]
    fn a_profile_without_name_or_title_is_refused_field_by_field() {
        let form = ProviderForm {
            treatment_ids: vec!["nonsense".into()],
            ..ProviderForm::blank()
        };
        let problems = form.parse().unwrap_err();
        for field in ["display_name", "title", "slug", "treatment_ids"] {
            assert!(
                problem_for(&problems, field).is_some(),
                "{field}: {problems:?}"
            );
        }
    }

    #[test]
    fn time_off_reads_the_browsers_format() {
        let time_off = TimeOffForm {
            starts: "2026-03-30T09:00".into(),
            ends: "2026-04-03 17:30".into(),
            reason: " Conference ".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(time_off.starts.to_string(), "2026-03-30 09:00:00");
        assert_eq!(time_off.ends.to_string(), "2026-04-03 17:30:00");
        assert_eq!(time_off.reason, "Conference");
    }

    #[test]
    fn time_off_must_end_after_it_starts() {
        let problems = TimeOffForm {
            starts: "2026-03-30T09:00".into(),
            ends: "2026-03-30T09:00".into(),
            reason: String::new(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            problem_for(&problems, "ends"),
            Some("The end must come after the start.")
        );
        let problems = TimeOffForm::default().parse().unwrap_err();
        assert!(problem_for(&problems, "starts").is_some());
        assert!(problem_for(&problems, "ends").is_some());
    }
}
