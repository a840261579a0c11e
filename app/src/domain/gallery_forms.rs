//! What staff type into the gallery's admin forms, checked into what may be stored: a
//! gallery or album, a case's details, and the patient's consent.

use super::form::{checkbox, record_id, slug, text, FieldProblem};
use super::gallery::AGE_RANGES;
use super::slug::Slug;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A gallery ("Plastic surgery") or an album in one ("Face").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CollectionForm {
    /// Empty for a new one.
    pub id: String,
    /// For an album: the gallery it belongs to.
    pub parent_id: String,
    pub title: String,
    pub slug: String,
    pub description: String,
    #[serde(deserialize_with = "checkbox")]
    pub published: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionDraft {
    pub id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub title: String,
    pub slug: Slug,
    pub description: String,
    pub published: bool,
}

impl CollectionForm {
    pub fn parse(&self) -> Result<CollectionDraft, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let id = record_id(
            &mut problems,
            &self.id,
            "Open it again from the gallery list.",
        );
        let parent_id = record_id(
            &mut problems,
            &self.parent_id,
            "Open it again from the gallery list.",
        );
        let title = text(&mut problems, "title", &self.title, "a title", 80, true);
        let slug = slug(&mut problems, &self.slug, &title);
        let description = text(
            &mut problems,
            "description",
            &self.description,
            "the description",
            1_000,
            false,
        );
        match slug {
            Some(slug) if problems.is_empty() => Ok(CollectionDraft {
                id,
                parent_id,
                title,
                slug,
                description,
                published: self.published,
            }),
            _ => Err(problems),
        }
    }
}

/// A case's details (its pictures and consent have forms of their own).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseForm {
    pub id: String,
    pub album_id: String,
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub notes: String,
    pub treatment_id: String,
    pub provider_id: String,
    pub age_range: String,
    pub sessions: String,
    pub days_after: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDraft {
    pub id: Option<Uuid>,
    pub album_id: Uuid,
    pub title: String,
    pub slug: Slug,
    pub summary: String,
    pub notes: String,
    pub treatment_id: Option<Uuid>,
    pub provider_id: Option<Uuid>,
    pub age_range: Option<String>,
    pub sessions: Option<i16>,
    pub days_after: Option<i32>,
}

fn optional_number<T: std::str::FromStr + PartialOrd>(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<T>,
    message: &str,
) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<T>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            problems.push(FieldProblem::new(field, message));
            None
        }
    }
}

fn optional_id(problems: &mut Vec<FieldProblem>, field: &str, raw: &str) -> Option<Uuid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let id = raw.parse().ok();
    if id.is_none() {
        problems.push(FieldProblem::new(field, "Choose one from the list."));
    }
    id
}

impl CaseForm {
    pub fn parse(&self) -> Result<CaseDraft, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let id = record_id(
            &mut problems,
            &self.id,
            "Open the case again from the gallery list.",
        );
        let album_id = optional_id(&mut problems, "album_id", &self.album_id);
        if album_id.is_none() && !problems.iter().any(|p| p.field == "album_id") {
            problems.push(FieldProblem::new(
                "album_id",
                "Choose the album this case belongs in.",
            ));
        }
        let title = text(&mut problems, "title", &self.title, "a title", 120, true);
        let slug = slug(&mut problems, &self.slug, &title);
        let summary = text(
            &mut problems,
            "summary",
            &self.summary,
            "the summary",
            300,
            false,
        );
        let notes = text(
            &mut problems,
            "notes",
            &self.notes,
            "the notes",
            5_000,
            false,
        );
        let treatment_id = optional_id(&mut problems, "treatment_id", &self.treatment_id);
        let provider_id = optional_id(&mut problems, "provider_id", &self.provider_id);
        let age_range = match self.age_range.trim() {
            "" => None,
            range if AGE_RANGES.contains(&range) => Some(range.to_owned()),
            _ => {
                problems.push(FieldProblem::new(
                    "age_range",
                    "Choose an age range from the list.",
                ));
                None
            }
        };
        let sessions = optional_number(
            &mut problems,
            "sessions",
            &self.sessions,
            1..=50,
            "Enter the number of sessions, from 1 to 50, or leave it empty.",
        );
        let days_after = optional_number(&mut problems, "days_after", &self.days_after, 0..=3650, "Enter how many days after the treatment the photos were taken (0 to 3650), or leave it empty.");
        match (slug, album_id) {
            (Some(slug), Some(album_id)) if problems.is_empty() => Ok(CaseDraft {
                id,
                album_id,
                title,
                slug,
                summary,
                notes,
                treatment_id,
                provider_id,
                age_range,
                sessions,
                days_after,
            }),
            _ => Err(problems),
        }
    }
}

/// The patient's consent as staff record it from the signed form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentForm {
    pub case_id: String,
    #[serde(deserialize_with = "checkbox")]
    pub website: bool,
    #[serde(deserialize_with = "checkbox")]
    pub social_media: bool,
    #[serde(deserialize_with = "checkbox")]
    pub consultation: bool,
    pub given_on: String,
    pub expires_on: String,
    pub document_ref: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub case_id: Uuid,
    pub website: bool,
    pub social_media: bool,
    pub consultation: bool,
    pub given_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub document_ref: String,
}

fn date(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    raw: &str,
    message: &str,
) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
    if day.is_none() {
        problems.push(FieldProblem::new(field, message));
    }
    day
}

impl ConsentForm {
    /// Checked against `today`: consent cannot be dated in the future, nor recorded
    /// already expired.
    pub fn parse(&self, today: NaiveDate) -> Result<ConsentRecord, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let case_id = record_id(
            &mut problems,
            &self.case_id,
            "Open the case again from the gallery list.",
        );
        if !(self.website || self.social_media || self.consultation) {
            problems.push(FieldProblem::new(
                "scope",
                "Tick where the patient agreed their pictures may be shown.",
            ));
        }
        let given_on = date(
            &mut problems,
            "given_on",
            &self.given_on,
            "Enter the date the patient signed, like 2026-03-14.",
        );
        if given_on.is_none() && !problems.iter().any(|p| p.field == "given_on") {
            problems.push(FieldProblem::new(
                "given_on",
                "Enter the date the patient signed the consent form.",
            ));
        }
        if given_on.is_some_and(|d| d > today) {
            problems.push(FieldProblem::new(
                "given_on",
                "The date the patient signed can't be in the future.",
            ));
        }
        let expires_on = date(
            &mut problems,
            "expires_on",
            &self.expires_on,
            "Enter the date consent ends, like 2028-03-14, or leave it empty.",
        );
        if let (Some(given), Some(expires)) = (given_on, expires_on) {
            if expires < given {
                problems.push(FieldProblem::new(
                    "expires_on",
                    "Consent can't end before the patient gave it.",
                ));
            } else if expires < today {
                problems.push(FieldProblem::new(
                    "expires_on",
                    "That consent has already ended; pictures can't be shown under it.",
                ));
            }
        }
        let document_ref = text(
            &mut problems,
            "document_ref",
            &self.document_ref,
            "the consent form's reference",
            120,
            true,
        );
        match (case_id, given_on) {
            (Some(case_id), Some(given_on)) if problems.is_empty() => Ok(ConsentRecord {
                case_id,
                website: self.website,
                social_media: self.social_media,
                consultation: self.consultation,
                given_on,
                expires_on,
                document_ref,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    fn today() -> NaiveDate {
        "2026-03-16".parse().unwrap()
    }

    fn consent() -> ConsentForm {
        ConsentForm {
            case_id: Uuid::nil().to_string(),
            website: true,
            given_on: "2026-03-01".into(),
            expires_on: "2028-03-01".into(),
            document_ref: "CONSENT-0042".into(),
            ..ConsentForm::default()
        }
    }

    #[test]
    fn signed_consent_is_recorded() {
        let record = consent().parse(today()).unwrap();
        assert!(record.website && !record.social_media);
        assert_eq!(record.expires_on, Some("2028-03-01".parse().unwrap()));
    }

    #[test]
    fn consent_needs_a_scope_a_date_and_its_form() {
        let blank = ConsentForm {
            case_id: Uuid::nil().to_string(),
            ..ConsentForm::default()
        };
        let problems = blank.parse(today()).unwrap_err();
        assert!(problem_for(&problems, "scope").is_some());
        assert!(problem_for(&problems, "given_on").is_some());
        assert!(problem_for(&problems, "document_ref").is_some());
    }

    #[test]
    fn consent_dates_must_make_sense() {
        let future = ConsentForm {
            given_on: "2026-04-01".into(),
            ..consent()
        };
        assert!(problem_for(&future.parse(today()).unwrap_err(), "given_on").is_some());
        let backwards = ConsentForm {
            expires_on: "2026-02-01".into(),
            ..consent()
        };
        assert!(problem_for(&backwards.parse(today()).unwrap_err(), "expires_on").is_some());
        let ended = ConsentForm {
            given_on: "2025-01-01".into(),
            expires_on: "2026-03-15".into(),
            ..consent()
        };
        assert!(problem_for(&ended.parse(today()).unwrap_err(), "expires_on").is_some());
        let garbled = ConsentForm {
            given_on: "14/03/2026".into(),
            ..consent()
        };
        assert!(
            problem_for(&garbled.parse(today()).unwrap_err(), "given_on")
                .unwrap()
                .contains("2026-03-14")
        );
    }

    #[test]
    fn a_case_keeps_its_attributes_within_range() {
        let form = CaseForm {
            album_id: Uuid::nil().to_string(),
            title: "Softer frown lines".into(),
            age_range: "30-39".into(),
            sessions: "2".into(),
            days_after: "90".into(),
            ..CaseForm::default()
        };
        let draft = form.parse().unwrap();
        assert_eq!(draft.slug.to_string(), "softer-frown-lines");
        assert_eq!((draft.sessions, draft.days_after), (Some(2), Some(90)));
        let wrong = CaseForm {
            age_range: "12".into(),
            sessions: "0".into(),
            days_after: "soon".into(),
            ..form
        };
        let problems = wrong.parse().unwrap_err();
        for field in ["age_range", "sessions", "days_after"] {
            assert!(problem_for(&problems, field).is_some(), "{field}");
        }
    }
}
