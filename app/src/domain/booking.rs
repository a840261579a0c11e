//! A booking as the patient makes it: the details they give, how a day's times are grouped
//! for them, and the clinic's late-cancel rule.

use super::email::Email;
use super::form::{patient_phone, person_name, text, FieldProblem};
use super::phone::CallingCode;
use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// Where the appointment happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    InPerson,
    Video,
}

impl Mode {
    /// Must match the database's `appointment_mode`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InPerson => "in_person",
            Mode::Video => "video",
        }
    }

    pub fn parse(raw: &str) -> Option<Mode> {
        [Mode::InPerson, Mode::Video]
            .into_iter()
            .find(|m| m.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::InPerson => "At the clinic",
            Mode::Video => "Video visit",
        }
    }
}

/// The patient's details as typed; kept with the hold so nothing is lost between steps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
    /// `in_person` or `video`; empty when the treatment offers only one.
    pub mode: String,
}

/// Details that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub phone: String,
    pub notes: String,
    pub mode: Mode,
}

impl Details {
    /// The guest these details describe: a record of their own in the clinic's books.
    pub fn as_guest(&self) -> crate::domain::calendar::PatientChoice {
        crate::domain::calendar::PatientChoice::Guest(crate::domain::calendar::NewPatient {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
        })
    }
}

/// Which ways of meeting a treatment offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offers {
    pub in_person: bool,
    pub video: bool,
}

impl Offers {
    /// The way chosen when the patient is not asked (only one is offered).
    pub fn only(self) -> Option<Mode> {
        match (self.in_person, self.video) {
            (true, false) => Some(Mode::InPerson),
            (false, true) => Some(Mode::Video),
            _ => None,
        }
    }
}

pub const NOTES_MAX: usize = 1000;

impl DetailsForm {
    /// `home` is the clinic's country, for a phone number written without its code.
    pub fn parse(
        &self,
        offers: Offers,
        home: Option<CallingCode>,
    ) -> Result<Details, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let (first_name, last_name) = person_name(&mut problems, &self.first_name, &self.last_name);
        let email = Email::parse(&self.email)
            .map_err(|error| problems.push(FieldProblem::new("email", error)));
        let phone = patient_phone(
            &mut problems,
            "phone",
            &self.phone,
            true,
            home,
            "+44 7700 900123",
        );
        let notes = text(
            &mut problems,
            "notes",
            &self.notes,
            "your notes",
            NOTES_MAX,
            false,
        );
        let mode = match offers.only() {
            Some(only) => Some(only),
            None => Mode::parse(self.mode.trim()).or_else(|| {
                problems.push(FieldProblem::new(
                    "mode",
                    "Choose whether you'll come to the clinic or meet by video.",
                ));
                None
            }),
        };
        match (email, mode) {
            (Ok(email), Some(mode)) if problems.is_empty() => Ok(Details {
                first_name,
                last_name,
                email,
                phone,
                notes,
                mode,
            }),
            _ => Err(problems),
        }
    }
}

/// How a day's times are grouped in the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DayPart {
    Morning,
    Afternoon,
    Evening,
}

impl DayPart {
    /// The part of the day a local start time falls in.
    pub fn of(local: NaiveTime) -> DayPart {
        match local.hour() {
            0..=11 => DayPart::Morning,
            12..=16 => DayPart::Afternoon,
            _ => DayPart::Evening,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DayPart::Morning => "Morning",
            DayPart::Afternoon => "Afternoon",
            DayPart::Evening => "Evening",
        }
    }
}

/// Whether a patient may still cancel or move an appointment online: not once it is
/// closer than the late-cancel window (then they call the clinic), nor after it began.
pub fn may_change_online(start: DateTime<Utc>, now: DateTime<Utc>, window_hours: i32) -> bool {
    now + Duration::hours(i64::from(window_hours.max(0))) <= start
}

/// A booking's time, as the patient reads it everywhere (pages, emails, reminders).
pub fn when(start: DateTime<Utc>, end: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    let (start, end) = (start.with_timezone(&zone), end.with_timezone(&zone));
    format!(
        "{}, {}–{} ({})",
        start.format("%A %-d %B %Y"),
        start.format("%H:%M"),
        end.format("%H:%M"),
        zone.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;
    use chrono::TimeZone;

    fn form() -> DetailsForm {
        DetailsForm {
            first_name: " Ana ".to_owned(),
            last_name: "Ruiz".to_owned(),
            email: "Ana@Example.com".to_owned(),
            phone: "07700 900123".to_owned(),
            notes: "Allergic to latex".to_owned(),
            mode: "video".to_owned(),
        }
    }

    const UK: Option<CallingCode> = Some(crate::domain::phone::CallingCode::of_known(44));

    const BOTH: Offers = Offers {
        in_person: true,
        video: true,
    };

    #[test]
    fn good_details_are_accepted_and_trimmed() {
        let details = form().parse(BOTH, UK).unwrap();
        assert_eq!(details.first_name, "Ana");
        assert_eq!(details.email.as_str(), "ana@example.com");
        assert_eq!(details.mode, Mode::Video);
        assert_eq!(
            details.phone, "+447700900123",
            "made E.164 in the clinic's country"
        );
    }

    #[test]
    fn every_missing_field_is_named() {
        let problems = DetailsForm::default().parse(BOTH, UK).unwrap_err();
        for field in ["first_name", "last_name", "email", "phone", "mode"] {
            assert!(problem_for(&problems, field).is_some(), "{field}");
        }
        assert!(problem_for(&problems, "notes").is_none());
    }

    #[test]
    fn a_treatment_offered_one_way_needs_no_choice() {
        let mut typed = form();
        typed.mode = String::new();
        let in_person_only = Offers {
            in_person: true,
            video: false,
        };
        assert_eq!(
            typed.parse(in_person_only, UK).unwrap().mode,
            Mode::InPerson
        );
        // A mode the treatment does not offer is never taken from the form.
        typed.mode = "video".to_owned();
        assert_eq!(
            typed.parse(in_person_only, UK).unwrap().mode,
            Mode::InPerson
        );
    }

    #[test]
    fn notes_are_limited() {
        let mut typed = form();
        typed.notes = "x".repeat(NOTES_MAX + 1);
        let problems = typed.parse(BOTH, UK).unwrap_err();
        assert!(problem_for(&problems, "notes").is_some());
    }

    #[test]
    fn times_fall_into_parts_of_the_day() {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(DayPart::of(at(9, 0)), DayPart::Morning);
        assert_eq!(DayPart::of(at(11, 59)), DayPart::Morning);
        assert_eq!(DayPart::of(at(12, 0)), DayPart::Afternoon);
        assert_eq!(DayPart::of(at(16, 45)), DayPart::Afternoon);
        assert_eq!(DayPart::of(at(17, 0)), DayPart::Evening);
    }

    #[test]
    fn the_late_cancel_window_closes_online_changes() {
        let start = Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap();
        assert!(may_change_online(start, start - Duration::hours(25), 24));
        assert!(may_change_online(start, start - Duration::hours(24), 24));
        assert!(!may_change_online(start, start - Duration::hours(23), 24));
        assert!(!may_change_online(start, start + Duration::minutes(1), 0));
        assert!(may_change_online(start, start, 0));
    }
}
