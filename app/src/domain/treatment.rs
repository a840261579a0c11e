//! A treatment as staff write it: the form's text, and the checked values the store saves.
//! The browser checks the form with the same rules before sending it.

use super::form::{checkbox, ids, record_id, slug, text, FieldProblem};
use super::money::{format_amount, parse_amount, Currency};
use super::payment_policy::{charge_fields, parse_charge, Charge, ChargeNames};
use super::slug::Slug;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The treatment form as typed: every field text, so a wrong entry comes back unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TreatmentForm {
    /// Empty for a new treatment.
    pub id: String,
    pub name: String,
    /// The address of its public page; empty means "make one from the name".
    pub slug: String,
    pub category_id: String,
    pub summary: String,
    pub description: String,
    pub duration_minutes: String,
    pub price: String,
    /// The treatment's own payment rule; empty: the clinic's.
    pub payment_rule: String,
    /// The fixed deposit, for that rule.
    pub deposit: String,
    /// The deposit's share of the price in percent, for that rule.
    pub deposit_percent: String,
    pub buffer_before_minutes: String,
    pub buffer_after_minutes: String,
    #[serde(deserialize_with = "checkbox")]
    pub in_person: bool,
    #[serde(deserialize_with = "checkbox")]
    pub video: bool,
    #[serde(deserialize_with = "checkbox")]
    pub featured: bool,
    #[serde(deserialize_with = "checkbox")]
    pub active: bool,
    pub provider_ids: Vec<String>,
    /// The rooms or devices it can take place in (any one of them); none: it needs none.
    pub room_ids: Vec<String>,
    /// Hours before the start inside which patients must call to cancel; empty: the
    /// clinic's window.
    pub late_cancel_hours: String,
    /// Places at each session for a group treatment; empty: one patient at a time.
    pub capacity: String,
}

/// A treatment that passed every rule; the database's checks agree with these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreatmentDraft {
    pub id: Option<Uuid>,
    pub name: String,
    pub slug: Slug,
    pub category_id: Uuid,
    pub summary: String,
    pub description: String,
    pub duration_minutes: i32,
    pub price_minor: i64,
    /// What booking it takes online; `None`: the clinic's rule.
    pub payment: Option<Charge>,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub in_person: bool,
    pub video: bool,
    pub featured: bool,
    pub active: bool,
    pub provider_ids: Vec<Uuid>,
    pub room_ids: Vec<Uuid>,
    pub late_cancel_hours: Option<i32>,
    pub capacity: Option<i32>,
}

/// The treatment form's fields for its own payment rule.
pub const OWN_CHARGE: ChargeNames = ChargeNames {
    rule: "payment_rule",
    deposit: "deposit",
    percent: "deposit_percent",
};

pub const NAME_MAX: usize = 120;
pub const SUMMARY_MAX: usize = 300;
pub const DESCRIPTION_MAX: usize = 5_000;

impl TreatmentForm {
    /// The form filled in from a saved treatment, for editing; amounts in `currency`.
    pub fn from_draft(draft: &TreatmentDraft, currency: Currency) -> Self {
        let (payment_rule, deposit, deposit_percent) = charge_fields(draft.payment, currency);
        TreatmentForm {
            id: draft.id.map(|id| id.to_string()).unwrap_or_default(),
            name: draft.name.clone(),
            slug: draft.slug.to_string(),
            category_id: draft.category_id.to_string(),
            summary: draft.summary.clone(),
            description: draft.description.clone(),
            duration_minutes: draft.duration_minutes.to_string(),
            price: format_amount(draft.price_minor, currency),
            payment_rule,
            deposit,
            deposit_percent,
            buffer_before_minutes: draft.buffer_before_minutes.to_string(),
            buffer_after_minutes: draft.buffer_after_minutes.to_string(),
            in_person: draft.in_person,
            video: draft.video,
            featured: draft.featured,
            active: draft.active,
            provider_ids: draft.provider_ids.iter().map(Uuid::to_string).collect(),
            room_ids: draft.room_ids.iter().map(Uuid::to_string).collect(),
            late_cancel_hours: draft
                .late_cancel_hours
                .map(|h| h.to_string())
                .unwrap_or_default(),
            capacity: draft.capacity.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    /// A blank form for a new treatment, with the defaults most treatments have.
    pub fn blank() -> Self {
        TreatmentForm {
            duration_minutes: "30".to_owned(),
            buffer_before_minutes: "0".to_owned(),
            buffer_after_minutes: "0".to_owned(),
            in_person: true,
            active: true,
            ..TreatmentForm::default()
        }
    }
}

fn minutes(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    value: &str,
    range: std::ops::RangeInclusive<i32>,
    what: &str,
) -> i32 {
    match value.trim().parse::<i32>() {
        Ok(m) if range.contains(&m) => m,
        _ => {
            problems.push(FieldProblem::new(
                field,
                format!(
                    "Enter {what} in whole minutes, from {} to {}.",
                    range.start(),
                    range.end()
                ),
            ));
            0
        }
    }
}

/// A whole number within `range`, `None` when left empty, or `message` against `field`.
fn optional_whole(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    value: &str,
    range: std::ops::RangeInclusive<i32>,
    message: &str,
) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            problems.push(FieldProblem::new(field, message));
            None
        }
    }
}

fn amount(problems: &mut Vec<FieldProblem>, field: &str, value: &str, currency: Currency) -> i64 {
    parse_amount(value, currency).unwrap_or_else(|error| {
        problems.push(FieldProblem::new(field, error));
        0
    })
}

impl TreatmentForm {
    /// The checked treatment, with amounts read in the clinic's `currency`; or every
    /// problem at once, so the person can fix the whole form in one go.
    pub fn parse(&self, currency: Currency) -> Result<TreatmentDraft, Vec<FieldProblem>> {
        let form = self;
        let mut problems = Vec::new();
        let id = record_id(
            &mut problems,
            &form.id,
            "Open the treatment again from the list.",
        );
        let name = text(
            &mut problems,
            "name",
            &form.name,
            "the name",
            NAME_MAX,
            true,
        );
        let slug = slug(&mut problems, &form.slug, &name);
        let category_id = Uuid::parse_str(form.category_id.trim()).map_err(|_| {
            problems.push(FieldProblem::new("category_id", "Choose a category."));
        });
        let summary = text(
            &mut problems,
            "summary",
            &form.summary,
            "the short summary",
            SUMMARY_MAX,
            true,
        );
        let description = text(
            &mut problems,
            "description",
            &form.description,
            "the description",
            DESCRIPTION_MAX,
            false,
        );
        let duration_minutes = minutes(
            &mut problems,
            "duration_minutes",
            &form.duration_minutes,
            5..=720,
            "the duration",
        );
        let price_minor = amount(&mut problems, "price", &form.price, currency);
        let payment = parse_charge(
            &mut problems,
            OWN_CHARGE,
            (&form.payment_rule, &form.deposit, &form.deposit_percent),
            currency,
        );
        if let Some(Charge::Deposit(deposit)) = payment {
            if deposit > price_minor && !problems.iter().any(|p| p.field == "price") {
                problems.push(FieldProblem::new(
                    OWN_CHARGE.deposit,
                    "The deposit can't be more than the price.",
                ));
            }
        }
        let buffer_before_minutes = minutes(
            &mut problems,
            "buffer_before_minutes",
            &form.buffer_before_minutes,
            0..=240,
            "the preparation time",
        );
        let buffer_after_minutes = minutes(
            &mut problems,
            "buffer_after_minutes",
            &form.buffer_after_minutes,
            0..=240,
            "the clean-up time",
        );
        if !form.in_person && !form.video {
            problems.push(FieldProblem::new(
                "in_person",
                "Offer the treatment in person, by video, or both.",
            ));
        }
        let provider_ids = ids(
            &mut problems,
            "provider_ids",
            &form.provider_ids,
            "providers",
        );
        let room_ids = ids(
            &mut problems,
            "room_ids",
            &form.room_ids,
            "rooms or devices",
        );
        let late_cancel_hours = optional_whole(
            &mut problems,
            "late_cancel_hours",
            &form.late_cancel_hours,
            0..=336,
            "Enter a whole number of hours from 0 to 336, or leave it empty for the clinic's window.",
        );
        let capacity = optional_whole(
            &mut problems,
            "capacity",
            &form.capacity,
            2..=200,
            "Enter how many patients a session takes, from 2 to 200, or leave it empty for one at a time.",
        );
        match (slug, category_id) {
            (Some(slug), Ok(category_id)) if problems.is_empty() => Ok(TreatmentDraft {
                id,
                name,
                slug,
                category_id,
                summary,
                description,
                duration_minutes,
                price_minor,
                payment,
                buffer_before_minutes,
                buffer_after_minutes,
                in_person: form.in_person,
                video: form.video,
                featured: form.featured,
                active: form.active,
                provider_ids,
                room_ids,
                late_cancel_hours,
                capacity,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    const CATEGORY: &str = "6f1c1d7e-2b0a-4f43-9a52-0f4c2b1a9e10";
    const PROVIDER: &str = "0b5d9c43-55e1-4d71-8a3e-5a4f7f0c2d11";

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    const GBP: Currency = Currency::GBP;

    fn filled() -> TreatmentForm {
        TreatmentForm {
            name: "Lip & Cheek Filler".to_owned(),
            category_id: CATEGORY.to_owned(),
            summary: "Subtle volume.".to_owned(),
            price: "£350".to_owned(),
            payment_rule: "deposit".to_owned(),
            deposit: "50".to_owned(),
            provider_ids: vec![PROVIDER.to_owned(), PROVIDER.to_owned()],
            ..TreatmentForm::blank()
        }
    }

    #[test]
    fn booking_settings_are_optional_but_must_make_sense() {
        let draft = filled().parse(GBP).unwrap();
        assert_eq!((draft.late_cancel_hours, draft.capacity), (None, None));
        let set = TreatmentForm {
            late_cancel_hours: " 48 ".to_owned(),
            capacity: "12".to_owned(),
            room_ids: vec![PROVIDER.to_owned()],
            ..filled()
        }
        .parse(GBP)
        .unwrap();
        assert_eq!((set.late_cancel_hours, set.capacity), (Some(48), Some(12)));
        assert_eq!(set.room_ids.len(), 1);
        let problems = TreatmentForm {
            late_cancel_hours: "a day".to_owned(),
            capacity: "1".to_owned(),
            room_ids: vec!["nope".to_owned()],
            ..filled()
        }
        .parse(GBP)
        .unwrap_err();
        for field in ["late_cancel_hours", "capacity", "room_ids"] {
            assert!(problem_for(&problems, field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_complete_form_becomes_a_draft() {
        let draft = filled().parse(GBP).unwrap();
        assert_eq!(draft.slug.as_str(), "lip-cheek-filler");
        assert_eq!(draft.price_minor, 35_000);
        assert_eq!(draft.payment, Some(Charge::Deposit(5_000)));
        assert_eq!(draft.duration_minutes, 30);
        assert_eq!(draft.id, None);
        assert_eq!(
            draft.provider_ids.len(),
            1,
            "a provider ticked twice counts once"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_against_its_field() {
        let form = TreatmentForm {
            name: "  ".to_owned(),
            slug: "Not A Slug".to_owned(),
            category_id: String::new(),
            summary: String::new(),
            duration_minutes: "2".to_owned(),
            price: "eighty".to_owned(),
            buffer_after_minutes: "999".to_owned(),
            in_person: false,
            video: false,
            ..filled()
        };
        let problems = form.parse(GBP).unwrap_err();
        for field in [
            "name",
            "slug",
            "category_id",
            "summary",
            "duration_minutes",
            "price",
            "buffer_after_minutes",
            "in_person",
        ] {
            assert!(
                problem_for(&problems, field).is_some(),
                "{field}: {problems:?}"
            );
        }
        assert!(problem_for(&problems, "deposit").is_none());
    }

    #[test]
    fn the_deposit_cannot_exceed_the_price() {
        let form = TreatmentForm {
            price: "40".to_owned(),
            deposit: "50".to_owned(),
            ..filled()
        };
        let problems = form.parse(GBP).unwrap_err();
        assert_eq!(
            problem_for(&problems, "deposit"),
            Some("The deposit can't be more than the price.")
        );
    }

    #[test]
    fn a_treatment_follows_the_clinics_rule_unless_it_has_its_own() {
        let own = |rule: &str, deposit: &str, percent: &str| {
            TreatmentForm {
                payment_rule: rule.to_owned(),
                deposit: deposit.to_owned(),
                deposit_percent: percent.to_owned(),
                ..filled()
            }
            .parse(GBP)
        };
        assert_eq!(own("", "", "").unwrap().payment, None);
        assert_eq!(
            own("", "50", "").unwrap().payment,
            None,
            "a deposit alone is no rule"
        );
        assert_eq!(
            own("percent", "", "25").unwrap().payment,
            Some(Charge::Percent(25))
        );
        assert_eq!(own("full", "", "").unwrap().payment, Some(Charge::Full));
        assert_eq!(
            own("at_clinic", "", "").unwrap().payment,
            Some(Charge::AtClinic)
        );
        let problems = own("percent", "", "0").unwrap_err();
        assert!(problem_for(&problems, "deposit_percent").is_some());
    }

    #[test]
    fn amounts_are_read_in_the_clinics_currency() {
        let form = TreatmentForm {
            price: "35,000".to_owned(),
            deposit: "5000.5".to_owned(),
            ..filled()
        };
        let problems = form.parse(currency("JPY")).unwrap_err();
        assert_eq!(
            problem_for(&problems, "deposit"),
            Some("JPY has no smaller unit: enter a whole amount.")
        );
        let yen = TreatmentForm {
            deposit: "5000".to_owned(),
            ..form
        }
        .parse(currency("JPY"))
        .unwrap();
        assert_eq!(
            (yen.price_minor, yen.payment),
            (35_000, Some(Charge::Deposit(5_000)))
        );
        let form = TreatmentForm::from_draft(&yen, currency("JPY"));
        assert_eq!(
            (form.price.as_str(), form.deposit.as_str()),
            ("35000", "5000")
        );
    }

    #[test]
    fn a_saved_treatment_fills_the_form_it_came_from() {
        let mut draft = filled().parse(GBP).unwrap();
        draft.id = Some(Uuid::nil());
        let again = TreatmentForm::from_draft(&draft, GBP).parse(GBP).unwrap();
        assert_eq!(again, draft);
    }

    #[test]
    fn the_browsers_form_encoding_is_read_as_sent() {
        // The same decoder settings as Leptos server functions use for form posts.
        #[derive(Deserialize)]
        struct Args {
            form: TreatmentForm,
        }
        let body = format!(
            "form[name]=Peel&form[video]=on&form[provider_ids][]={PROVIDER}&form[provider_ids][]={CATEGORY}"
        );
        let form = serde_qs::Config::new(5, false)
            .deserialize_str::<Args>(&body)
            .unwrap()
            .form;
        assert_eq!(form.name, "Peel");
        assert!(form.video, "a ticked box");
        assert!(!form.in_person && !form.active, "unticked boxes are absent");
        assert_eq!(form.provider_ids, vec![PROVIDER, CATEGORY]);
        assert_eq!(form.price, "", "absent text fields are empty");

        let json = serde_json::to_string(&TreatmentForm::blank()).unwrap();
        let back: TreatmentForm = serde_json::from_str(&json).unwrap();
        assert_eq!(back, TreatmentForm::blank(), "JSON carries plain booleans");
    }
}
