//! Keys for the REST API: what a key may do, how its secret is written, and the form a
//! clinic admin fills in to make one.

use super::form::{text, FieldProblem};
use serde::{Deserialize, Serialize};

/// What every key's secret starts with, so a leaked one is recognisable (secret scanners
/// look for such prefixes) and a pasted session token is not mistaken for a key.
pub const KEY_START: &str = "lumen_";

/// How many characters of a secret the staff's list shows beside the key's name.
const SHOWN: usize = KEY_START.len() + 8;

pub const NAME_MAX: usize = 80;

/// What a key may do: read, or read and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn parse(value: &str) -> Option<Scope> {
        match value {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Read => "Read only",
            Scope::Write => "Read and write",
        }
    }

    /// A key of this scope may make a request that needs `needed`.
    pub fn allows(self, needed: Scope) -> bool {
        self == Scope::Write || needed == Scope::Read
    }
}

/// The secret as the integrator sends it (`lumen_` and 64 hex digits): the part after the
/// start, or `None` for anything else.
pub fn secret_part(presented: &str) -> Option<&str> {
    let secret = presented.strip_prefix(KEY_START)?;
    (secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit())).then_some(secret)
}

/// The beginning of a key's secret as the staff's list shows it (`lumen_1a2b3c4d…`).
pub fn shown_start(key: &str) -> String {
    key.chars().take(SHOWN).collect()
}

/// A new key as a clinic admin asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewKeyForm {
    pub name: String,
    pub scope: String,
}

/// A key to make: its name and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    pub name: String,
    pub scope: Scope,
}

pub fn check(form: &NewKeyForm) -> Result<NewKey, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let name = text(
        &mut problems,
        "name",
        &form.name,
        "a name for the key",
        NAME_MAX,
        true,
    );
    let scope = Scope::parse(form.scope.trim());
    if scope.is_none() {
        problems.push(FieldProblem::new(
            "scope",
            "Choose whether the key may only read or may also change things.",
        ));
    }
    match scope {
        Some(scope) if problems.is_empty() => Ok(NewKey { name, scope }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_key_may_read_and_a_read_key_may_not_write() {
        assert!(Scope::Write.allows(Scope::Read));
        assert!(Scope::Write.allows(Scope::Write));
        assert!(Scope::Read.allows(Scope::Read));
        assert!(!Scope::Read.allows(Scope::Write));
    }

    #[test]
    fn only_the_lumen_start_and_sixty_four_hex_digits_are_a_secret() {
        let hex = "0123456789abcdef".repeat(4);
        assert_eq!(secret_part(&format!("lumen_{hex}")), Some(hex.as_str()));
        assert_eq!(secret_part(&hex), None, "a session token is not a key");
        assert_eq!(secret_part(&format!("lumen_{}", &hex[1..])), None);
        assert_eq!(secret_part(&format!("lumen_{}g", &hex[1..])), None);
        assert_eq!(shown_start(&format!("lumen_{hex}")), "lumen_01234567");
    }

    #[test]
    fn a_key_needs_a_name_and_a_scope() {
        let form = NewKeyForm {
            name: "  Practice system ".to_owned(),
            scope: "write".to_owned(),
        };
        assert_eq!(
            check(&form),
            Ok(NewKey {
                name: "Practice system".to_owned(),
                scope: Scope::Write
            })
        );
        let problems = check(&NewKeyForm::default()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "scope"]);
    }
}
