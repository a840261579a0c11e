//! Email addresses as people type them: trimmed, compared without case, checked for the
//! shape every deliverable address has. Whether it exists is for the confirmation email.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    #[error("Enter your email address.")]
    Empty,
    #[error("Enter an email address like name@example.com.")]
    Shape,
    #[error("That email address is too long.")]
    TooLong,
}

impl Email {
    /// The longest address SMTP can carry.
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(InvalidEmail::Empty);
        }
        if email.len() > Self::MAX_LEN {
            return Err(InvalidEmail::TooLong);
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(InvalidEmail::Shape);
        };
        let shaped = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if shaped {
            Ok(Email(email))
        } else {
            Err(InvalidEmail::Shape)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Isla.Morrison@Example.COM ")
                .unwrap()
                .as_str(),
            "isla.morrison@example.com"
        );
    }

    #[test]
    fn what_cannot_be_delivered_is_refused() {
        assert_eq!(Email::parse("   "), Err(InvalidEmail::Empty));
        for bad in [
            "isla",
            "isla@",
            "@example.com",
            "isla@example",
            "isla@@example.com",
            "isla morrison@example.com",
            "isla@example..com",
            "isla@.example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(InvalidEmail::Shape), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(InvalidEmail::TooLong));
    }
}
