//! Inviting a member of staff: who they are and what role they get.

use super::access::Role;
use super::email::Email;
use super::form::FieldProblem;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub name: String,
    pub email: String,
    /// `clinic_admin`, `front_desk` or `provider`.
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub name: String,
    pub email: Email,
    pub role: Role,
}

/// Reads a role a clinic admin may give: a staff role, never patient or platform operator.
pub fn staff_role(raw: &str) -> Option<Role> {
    Role::parse(raw).filter(|role| role.is_staff())
}

impl InviteForm {
    pub fn parse(&self) -> Result<Invite, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(FieldProblem::new(
                "name",
                "Enter their name, up to 100 characters.",
            ));
        }
        let email = Email::parse(&self.email)
            .map_err(|error| problems.push(FieldProblem::new("email", error)));
        let role = staff_role(&self.role);
        if role.is_none() {
            problems.push(FieldProblem::new("role", "Choose a role."));
        }
        match (email, role) {
            (Ok(email), Some(role)) if problems.is_empty() => Ok(Invite { name, email, role }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    #[test]
    fn only_staff_roles_can_be_given() {
        assert_eq!(staff_role("front_desk"), Some(Role::FrontDesk));
        assert_eq!(staff_role("patient"), None);
        assert_eq!(staff_role("platform_operator"), None);
        assert_eq!(staff_role("root"), None);
    }

    #[test]
    fn an_invite_needs_a_name_an_address_and_a_role() {
        let invite = InviteForm {
            name: " Noor Haddad ".to_owned(),
            email: "Noor@Juniper.example".to_owned(),
            role: "provider".to_owned(),
        }
        .parse()
        .unwrap();
        assert_eq!(invite.name, "Noor Haddad");
        assert_eq!(invite.email.as_str(), "noor@juniper.example");
        let problems = InviteForm::default().parse().unwrap_err();
        for field in ["name", "email", "role"] {
            assert!(problem_for(&problems, field).is_some(), "{field}");
        }
    }
}
