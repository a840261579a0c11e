//! A patient's consent to show their before/after images, and what it allows.
//! The database view `public_cases` applies the same rule to queries; keep them in step.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub website: bool,
    pub social_media: bool,
    pub consultation_only: bool,
    pub given_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Recorded, covers the website, not revoked, and not past its expiry date.
    pub fn allows_website(&self, today: NaiveDate) -> bool {
        self.website
            && self.given_on.is_some()
            && self.revoked_at.is_none()
            && self.expires_on.is_none_or(|expiry| expiry >= today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn website_consent() -> Consent {
        Consent {
            website: true,
            social_media: false,
            consultation_only: false,
            given_on: Some(day("2026-01-10")),
            expires_on: Some(day("2027-01-10")),
            revoked_at: None,
        }
    }

    #[test]
    fn recorded_website_consent_allows_the_website() {
        assert!(website_consent().allows_website(day("2026-06-01")));
    }

    #[test]
    fn consent_still_holds_on_its_expiry_day_and_not_after() {
        assert!(website_consent().allows_website(day("2027-01-10")));
        assert!(!website_consent().allows_website(day("2027-01-11")));
    }

    #[test]
    fn revoked_consent_allows_nothing() {
        let consent = Consent {
            revoked_at: Some(Utc::now()),
            ..website_consent()
        };
        assert!(!consent.allows_website(day("2026-06-01")));
    }

    #[test]
    fn consultation_only_consent_keeps_images_off_the_website() {
        let consent = Consent {
            website: false,
            consultation_only: true,
            ..website_consent()
        };
        assert!(!consent.allows_website(day("2026-06-01")));
    }

    #[test]
    fn consent_without_a_date_is_not_recorded_consent() {
        let consent = Consent {
            given_on: None,
            ..website_consent()
        };
        assert!(!consent.allows_website(day("2026-06-01")));
    }
}
