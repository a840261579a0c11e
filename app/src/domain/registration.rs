//! A patient's registration form and the account it becomes once every rule holds.

use super::email::Email;
use super::form::{person_name, FieldProblem};
use super::password;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrationForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
}

/// A registration that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub password: String,
}

impl RegistrationForm {
    /// Checks every field. `is_common` looks the password up in the breached-password
    /// list, which only the server carries; the browser passes `|_| false`.
    pub fn parse(
        &self,
        is_common: impl Fn(&str) -> bool,
    ) -> Result<Registration, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let (first_name, last_name) = person_name(&mut problems, &self.first_name, &self.last_name);
        let email = Email::parse(&self.email)
            .map_err(|error| problems.push(FieldProblem::new("email", error)));
        let email_text = email.as_ref().map(Email::as_str).unwrap_or("");
        if let Err(weak) = password::check(&self.password, email_text, is_common) {
            problems.push(FieldProblem::new("password", weak));
        }
        match email {
            Ok(email) if problems.is_empty() => Ok(Registration {
                first_name,
                last_name,
                email,
                password: self.password.clone(),
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    fn form() -> RegistrationForm {
        RegistrationForm {
            first_name: " Maya ".to_owned(),
            last_name: "Lindqvist".to_owned(),
            email: "Maya@Example.com".to_owned(),
            password: "copper kettle morning".to_owned(),
        }
    }

    #[test]
    fn a_good_form_becomes_a_registration() {
        let r = form().parse(|_| false).unwrap();
        assert_eq!(r.first_name, "Maya");
        assert_eq!(r.email.as_str(), "maya@example.com");
        assert_eq!(
            r.password, "copper kettle morning",
            "passwords are never trimmed"
        );
    }

    #[test]
    fn each_problem_is_told_against_its_field() {
        let bad = RegistrationForm {
            first_name: String::new(),
            email: "maya".to_owned(),
            password: "short".to_owned(),
            ..form()
        };
        let problems = bad.parse(|_| false).unwrap_err();
        assert!(problem_for(&problems, "first_name").is_some());
        assert!(problem_for(&problems, "email").is_some());
        assert!(problem_for(&problems, "password")
            .unwrap()
            .contains("at least 8"));
        assert!(problem_for(&problems, "last_name").is_none());
    }

    #[test]
    fn a_breached_password_is_refused() {
        let problems = form().parse(|p| p == "copper kettle morning").unwrap_err();
        assert!(problem_for(&problems, "password")
            .unwrap()
            .contains("most common"));
    }
}
