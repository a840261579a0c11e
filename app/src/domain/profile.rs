//! A patient's own details as they edit them: names, phone and how to be reminded.

use super::form::{checkbox, patient_phone, person_name, FieldProblem};
use super::phone::CallingCode;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    #[serde(deserialize_with = "checkbox")]
    pub remind_by_email: bool,
    #[serde(deserialize_with = "checkbox")]
    pub remind_by_sms: bool,
    #[serde(deserialize_with = "checkbox")]
    pub remind_by_whatsapp: bool,
}

/// Details that passed every rule. The phone is kept as typed (trimmed), once it has the
/// digits a phone number needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub remind_by_email: bool,
    pub remind_by_sms: bool,
    pub remind_by_whatsapp: bool,
}

impl ProfileForm {
    /// `home` is the clinic's country, for a phone number written without its code.
    pub fn parse(&self, home: Option<CallingCode>) -> Result<Profile, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let (first_name, last_name) = person_name(&mut problems, &self.first_name, &self.last_name);
        let phone = patient_phone(
            &mut problems,
            "phone",
            &self.phone,
            false,
            home,
            "+44 7700 900123",
        );
        if phone.is_empty() && (self.remind_by_sms || self.remind_by_whatsapp) {
            problems.push(FieldProblem::new(
                "phone",
                "Add a phone number for reminders by text or WhatsApp.",
            ));
        }
        if problems.is_empty() {
            Ok(Profile {
                first_name,
                last_name,
                phone,
                remind_by_email: self.remind_by_email,
                remind_by_sms: self.remind_by_sms,
                remind_by_whatsapp: self.remind_by_whatsapp,
            })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    const UK: Option<CallingCode> = Some(CallingCode::of_known(44));

    fn form() -> ProfileForm {
        ProfileForm {
            first_name: " Isla ".to_owned(),
            last_name: "Morrison".to_owned(),
            phone: "+44 (0)131 496-0000".to_owned(),
            remind_by_email: true,
            remind_by_sms: true,
            remind_by_whatsapp: false,
        }
    }

    #[test]
    fn good_details_are_trimmed_and_the_phone_made_international() {
        let profile = form().parse(UK).unwrap();
        assert_eq!(profile.first_name, "Isla");
        assert_eq!(profile.phone, "+441314960000");
        assert!(profile.remind_by_sms);
    }

    #[test]
    fn a_phone_needs_the_digits_of_one() {
        for bad in ["12345", "call me", "+44 131 496 0000 0000 1"] {
            let problems = ProfileForm {
                phone: bad.to_owned(),
                ..form()
            }
            .parse(UK)
            .unwrap_err();
            assert!(problem_for(&problems, "phone").is_some(), "{bad}");
        }
    }

    #[test]
    fn texts_need_a_phone_number_and_names_are_required() {
        let problems = ProfileForm {
            first_name: String::new(),
            phone: String::new(),
            ..form()
        }
        .parse(UK)
        .unwrap_err();
        assert!(problem_for(&problems, "first_name").is_some());
        assert!(problem_for(&problems, "phone")
            .unwrap()
            .contains("text or WhatsApp"));
        let email_only = ProfileForm {
            phone: String::new(),
            remind_by_sms: false,
            ..form()
        };
        assert!(email_only.parse(UK).is_ok());
    }
}
