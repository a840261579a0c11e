//! A new clinic on the platform, as an operator describes it: the clinic and the person
//! who will run it (invited as its first clinic admin).

use super::email::Email;
use super::form::{clinic_phone, currency, text, time_zone, FieldProblem};
use super::money::Currency;
use super::slug::Slug;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewClinicForm {
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub currency: String,
    pub email: String,
    pub phone: String,
    pub admin_name: String,
    pub admin_email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClinic {
    pub name: String,
    pub slug: Slug,
    /// Checked against the database's zones when the clinic is created.
    pub time_zone: String,
    pub currency: Currency,
    pub email: Email,
    pub phone: String,
    pub admin_name: String,
    pub admin_email: Email,
}

impl NewClinicForm {
    pub fn parse(&self) -> Result<NewClinic, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let p = &mut problems;
        let name = text(p, "name", &self.name, "the clinic's name", 120, true);
        let slug = Slug::parse(self.slug.trim())
            .map_err(|error| p.push(FieldProblem::new("slug", format!("Short name: {error}."))));
        let time_zone = time_zone(p, "time_zone", &self.time_zone);
        let currency = currency(p, "currency", &self.currency);
        let email =
            Email::parse(&self.email).map_err(|error| p.push(FieldProblem::new("email", error)));
        let phone = clinic_phone(p, "phone", &self.phone);
        let admin_name = text(
            p,
            "admin_name",
            &self.admin_name,
            "the admin's name",
            100,
            true,
        );
        let admin_email = Email::parse(&self.admin_email)
            .map_err(|error| p.push(FieldProblem::new("admin_email", error)));
        match (slug, currency, email, admin_email) {
            (Ok(slug), Some(currency), Ok(email), Ok(admin_email)) if problems.is_empty() => {
                Ok(NewClinic {
                    name,
                    slug,
                    time_zone,
                    currency,
                    email,
                    phone,
                    admin_name,
                    admin_email,
                })
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    fn filled() -> NewClinicForm {
        NewClinicForm {
            name: "Birch Aesthetics".into(),
            slug: "birch".into(),
            time_zone: "Europe/Dublin".into(),
            currency: "EUR".into(),
            email: "hello@birch.example".into(),
            phone: "+353 1 555 0100".into(),
            admin_name: "Aoife Byrne".into(),
            admin_email: "aoife@birch.example".into(),
        }
    }

    #[test]
    fn a_complete_description_is_a_new_clinic() {
        let clinic = filled().parse().unwrap();
        assert_eq!(clinic.currency.code(), "EUR");
        assert_eq!(clinic.slug.as_str(), "birch");
    }

    #[test]
    fn each_problem_names_its_field() {
        let form = NewClinicForm {
            slug: "Birch Clinic".into(),
            currency: "euro".into(),
            admin_email: "aoife".into(),
            ..filled()
        };
        let problems = form.parse().unwrap_err();
        for field in ["slug", "currency", "admin_email"] {
            assert!(
                problem_for(&problems, field).is_some(),
                "{field}: {problems:?}"
            );
        }
        assert!(problem_for(&problems, "name").is_none());
    }
}
