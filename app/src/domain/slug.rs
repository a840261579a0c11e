//! URL slugs: lowercase ASCII words joined by single hyphens.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSlug {
    #[error("the address part is empty")]
    Empty,
    #[error("the address part is longer than {max} characters", max = Slug::MAX_LEN)]
    TooLong,
    #[error("use lowercase letters, digits and single hyphens between words, like `lip-filler`")]
    BadCharacters,
}

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, InvalidSlug> {
        if raw.is_empty() {
            return Err(InvalidSlug::Empty);
        }
        if raw.len() > Self::MAX_LEN {
            return Err(InvalidSlug::TooLong);
        }
        let words_ok = raw.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if words_ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidSlug::BadCharacters)
        }
    }

    /// Turns a title into a slug: "Lip & Cheek Filler" becomes `lip-cheek-filler`.
    pub fn from_title(title: &str) -> Result<Self, InvalidSlug> {
        let mut out = String::new();
        for ch in title.chars().flat_map(char::to_lowercase) {
            if ch.is_ascii_alphanumeric() {
                out.push(ch);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        // Only ASCII was pushed, so any byte index is a character boundary.
        out.truncate(Self::MAX_LEN);
        Self::parse(out.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hyphenated_lowercase_words() {
        assert_eq!(
            Slug::parse("lip-filler-2").unwrap().as_str(),
            "lip-filler-2"
        );
    }

    #[test]
    fn refuses_what_would_make_an_ugly_or_ambiguous_url() {
        assert_eq!(Slug::parse(""), Err(InvalidSlug::Empty));
        for bad in [
            "Lip",
            "lip filler",
            "lip--filler",
            "-lip",
            "lip-",
            "lip/filler",
            "café",
        ] {
            assert_eq!(Slug::parse(bad), Err(InvalidSlug::BadCharacters), "{bad}");
        }
        assert_eq!(Slug::parse(&"a".repeat(81)), Err(InvalidSlug::TooLong));
    }

    #[test]
    fn titles_become_slugs() {
        assert_eq!(
            Slug::from_title("Lip & Cheek Filler").unwrap().as_str(),
            "lip-cheek-filler"
        );
        assert_eq!(
            Slug::from_title("  HydraFacial™ ").unwrap().as_str(),
            "hydrafacial"
        );
        assert_eq!(Slug::from_title("!!!"), Err(InvalidSlug::Empty));
    }
}
