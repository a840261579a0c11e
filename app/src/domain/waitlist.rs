//! The waitlist's rules: what a patient may ask to wait for, whether a free time suits
//! them, and to whom a round of free times is offered: each time to the first few who wait
//! for it, in the order they joined, never the same time twice to the same patient.

use super::email::Email;
use super::form::{self, checkbox, FieldProblem};
use super::hours::WEEK_DAYS;
use super::phone::CallingCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How many waiting patients each free time is offered to at once: enough that one who
/// is busy does not waste it, few enough that most who are told are not disappointed.
pub const OFFERS_PER_TIME: usize = 3;
/// How long an offered time is held for the patients it was offered to.
pub const OFFER_MINUTES: i64 = 30;

/// The waitlist form as typed. Days are checkboxes; times are `HH:MM`; the last day is
/// optional (the clinic's booking horizon when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WaitlistForm {
    /// The treatment's slug.
    pub treatment: String,
    /// A provider's id, or empty for anyone who performs the treatment.
    pub provider: String,
    #[serde(deserialize_with = "checkbox")]
    pub monday: bool,
    #[serde(deserialize_with = "checkbox")]
    pub tuesday: bool,
    #[serde(deserialize_with = "checkbox")]
    pub wednesday: bool,
    #[serde(deserialize_with = "checkbox")]
    pub thursday: bool,
    #[serde(deserialize_with = "checkbox")]
    pub friday: bool,
    #[serde(deserialize_with = "checkbox")]
    pub saturday: bool,
    #[serde(deserialize_with = "checkbox")]
    pub sunday: bool,
    pub earliest: String,
    pub latest: String,
    pub last_day: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// Text me too when a time comes free.
    #[serde(deserialize_with = "checkbox")]
    pub by_sms: bool,
}

impl WaitlistForm {
    /// The days ticked, Monday first.
    pub fn days(&self) -> [bool; 7] {
        [
            self.monday,
            self.tuesday,
            self.wednesday,
            self.thursday,
            self.friday,
            self.saturday,
            self.sunday,
        ]
    }
}

/// When a patient can come: one provider or any, on some weekdays, between two times of
/// day (in the location's time), up to a last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wish {
    pub provider: Option<Uuid>,
    /// ISO weekdays, 1 = Monday.
    pub weekdays: Vec<u8>,
    pub earliest: NaiveTime,
    pub latest: NaiveTime,
    pub last_day: NaiveDate,
}

impl Wish {
    /// Whether a visit with `provider` from `start` to `end` (local times) suits them: on
    /// one of their days, inside their hours, by their last day.
    pub fn fits(&self, provider: Uuid, start: NaiveDateTime, end: NaiveDateTime) -> bool {
        let weekday = start.weekday().number_from_monday() as u8;
        self.provider.is_none_or(|wanted| wanted == provider)
            && self.weekdays.contains(&weekday)
            && start.date() <= self.last_day
            && start.time() >= self.earliest
            && end.date() == start.date()
            && end.time() <= self.latest
    }
}

impl Wish {
    /// In words, for the patient's emails and staff's list: "Mondays and Thursdays,
    /// 09:00–12:30, until Thursday 30 April 2026".
    pub fn describe(&self) -> String {
        let days = match self.weekdays.as_slice() {
            [1, 2, 3, 4, 5, 6, 7] => "Any day".to_owned(),
            [1, 2, 3, 4, 5] => "Weekdays".to_owned(),
            [6, 7] => "Weekends".to_owned(),
            days => {
                let names: Vec<String> = days
                    .iter()
                    .filter_map(|day| WEEK_DAYS.get(usize::from(*day).checked_sub(1)?))
                    .map(|(_, name)| format!("{name}s"))
                    .collect();
                match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => names.concat(),
                }
            }
        };
        format!(
            "{days}, {}–{}, until {}",
            self.earliest.format("%H:%M"),
            self.latest.format("%H:%M"),
            self.last_day.format("%A %-d %B %Y")
        )
    }
}

/// Who is waiting, as the form gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joining {
    pub wish: Wish,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    /// E.164, or empty.
    pub phone: String,
    /// A text goes with each offer's email.
    pub by_sms: bool,
}

fn time_of_day(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    typed: &str,
    label: &str,
) -> NaiveTime {
    NaiveTime::parse_from_str(typed.trim(), "%H:%M").unwrap_or_else(|_| {
        problems.push(FieldProblem::new(
            field,
            format!("Enter the {label} as hours and minutes, like 09:30."),
        ));
        NaiveTime::MIN
    })
}

/// The form checked, for a clinic whose bookings open `horizon_days` ahead of `today`:
/// every problem beside its field, so the page shows them all at once.
pub fn check(
    form: &WaitlistForm,
    provider: Option<Uuid>,
    today: NaiveDate,
    horizon_days: i64,
    home: Option<CallingCode>,
) -> Result<Joining, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let weekdays: Vec<u8> = (1..=7u8)
        .zip(form.days())
        .filter_map(|(day, ticked)| ticked.then_some(day))
        .collect();
    if weekdays.is_empty() {
        problems.push(FieldProblem::new(
            WEEK_DAYS[0].0,
            "Tick at least one day you can come.",
        ));
    }
    let earliest = time_of_day(&mut problems, "earliest", &form.earliest, "earliest start");
    let latest = time_of_day(&mut problems, "latest", &form.latest, "latest finish");
    if problems
        .iter()
        .all(|p| p.field != "earliest" && p.field != "latest")
        && latest <= earliest
    {
        problems.push(FieldProblem::new(
            "latest",
            "The latest finish must be after the earliest start.",
        ));
    }
    let horizon = today + Duration::days(horizon_days);
    let last_day = match form.last_day.trim() {
        "" => horizon,
        typed => match NaiveDate::parse_from_str(typed, "%Y-%m-%d") {
            Ok(day) if day < today => {
                problems.push(FieldProblem::new(
                    "last_day",
                    "The last day you can come is already past: choose a later one, or leave it empty.",
                ));
                day
            }
            // Times are never offered beyond the horizon, so waiting longer means nothing.
            Ok(day) => day.min(horizon),
            Err(_) => {
                problems.push(FieldProblem::new(
                    "last_day",
                    "Enter a date like 2026-04-30, or leave it empty.",
                ));
                horizon
            }
        },
    };
    let (first_name, last_name) =
        form::person_name(&mut problems, &form.first_name, &form.last_name);
    let email = Email::parse(&form.email);
    if email.is_err() {
        problems.push(FieldProblem::new(
            "email",
            "Enter your email address, like name@example.com: the offer is sent there.",
        ));
    }
    let phone = form::patient_phone(
        &mut problems,
        "phone",
        &form.phone,
        false,
        home,
        "+44 7700 900123",
    );
    if form.by_sms && phone.is_empty() {
        problems.push(FieldProblem::new(
            "phone",
            "Enter the mobile number to text, or untick the texts.",
        ));
    }
    match email {
        Ok(email) if problems.is_empty() => Ok(Joining {
            wish: Wish {
                provider,
                weekdays,
                earliest,
                latest,
                last_day,
            },
            first_name,
            last_name,
            email,
            phone,
            by_sms: form.by_sms,
        }),
        _ => Err(problems),
    }
}

/// A patient on the waitlist, as a round of offers sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub entry: Uuid,
    pub wish: Wish,
    /// Times already offered to them (provider, start): never offered again.
    pub offered: Vec<(Uuid, DateTime<Utc>)>,
    /// An offer of theirs is still open: they hear of one time at a time.
    pub has_open_offer: bool,
}

/// A free time, in UTC and in its location's own time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeTime {
    pub provider: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub local_start: NaiveDateTime,
    pub local_end: NaiveDateTime,
}

/// One free time to hold and offer, and to whom, first come first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub time: FreeTime,
    pub entries: Vec<Uuid>,
}

/// Which free times go to which waiting patients this round. `waiting` is in the order
/// they joined and `free` earliest first. Each patient (without an open offer) gets the
/// earliest time that suits them and that was never offered to them, joining the others
/// already given that time while it has room for [`OFFERS_PER_TIME`]; a time that would
/// overlap one already chosen for the same provider is no longer free.
pub fn share_out(waiting: &[Waiting], free: &[FreeTime]) -> Vec<Offer> {
    let mut offers: Vec<Offer> = Vec::new();
    for patient in waiting.iter().filter(|w| !w.has_open_offer) {
        let suits = |time: &FreeTime| {
            patient
                .wish
                .fits(time.provider, time.local_start, time.local_end)
                && !patient
                    .offered
                    .iter()
                    .any(|(provider, start)| *provider == time.provider && *start == time.start)
        };
        for time in free.iter().filter(|time| suits(time)) {
            if let Some(offer) = offers.iter_mut().find(|offer| offer.time == *time) {
                if offer.entries.len() < OFFERS_PER_TIME {
                    offer.entries.push(patient.entry);
                    break;
                }
                continue;
            }
            let overlaps = offers.iter().any(|offer| {
                offer.time.provider == time.provider
                    && offer.time.start < time.end
                    && time.start < offer.time.end
            });
            if !overlaps {
                offers.push(Offer {
                    time: *time,
                    entries: vec![patient.entry],
                });
                break;
            }
        }
    }
    offers
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        // March 2026: the 16th is a Monday.
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn at(d: u32, hour: u32, minute: u32) -> NaiveDateTime {
        day(d).and_hms_opt(hour, minute, 0).unwrap()
    }

    fn wish(weekdays: &[u8], earliest: u32, latest: u32) -> Wish {
        Wish {
            provider: None,
            weekdays: weekdays.to_vec(),
            earliest: NaiveTime::from_hms_opt(earliest, 0, 0).unwrap(),
            latest: NaiveTime::from_hms_opt(latest, 0, 0).unwrap(),
            last_day: day(31),
        }
    }

    const GRANT: Uuid = Uuid::from_u128(1);
    const OKAFOR: Uuid = Uuid::from_u128(2);

    /// A 45-minute time with `provider` on a March day at `hour:minute`, UTC being local.
    fn free(provider: Uuid, d: u32, hour: u32, minute: u32) -> FreeTime {
        let local_start = at(d, hour, minute);
        let local_end = local_start + Duration::minutes(45);
        FreeTime {
            provider,
            start: Utc.from_utc_datetime(&local_start),
            end: Utc.from_utc_datetime(&local_end),
            local_start,
            local_end,
        }
    }

    fn waiting(n: u128, wish: Wish) -> Waiting {
        Waiting {
            entry: Uuid::from_u128(100 + n),
            wish,
            offered: Vec::new(),
            has_open_offer: false,
        }
    }

    #[test]
    fn a_time_suits_on_the_patients_days_inside_their_hours_and_with_their_provider() {
        let mornings = wish(&[1, 3], 9, 12);
        assert!(mornings.fits(GRANT, at(16, 9, 0), at(16, 9, 45)));
        assert!(mornings.fits(GRANT, at(18, 11, 15), at(18, 12, 0)));
        // Tuesday; ends after noon; starts too early; past the last day.
        assert!(!mornings.fits(GRANT, at(17, 9, 0), at(17, 9, 45)));
        assert!(!mornings.fits(GRANT, at(16, 11, 30), at(16, 12, 15)));
        assert!(!mornings.fits(GRANT, at(16, 8, 45), at(16, 9, 30)));
        let soon = Wish {
            last_day: day(17),
            ..mornings.clone()
        };
        assert!(!soon.fits(GRANT, at(18, 9, 0), at(18, 9, 45)));
        let with_okafor = Wish {
            provider: Some(OKAFOR),
            ..mornings
        };
        assert!(!with_okafor.fits(GRANT, at(16, 9, 0), at(16, 9, 45)));
        assert!(with_okafor.fits(OKAFOR, at(16, 9, 0), at(16, 9, 45)));
    }

    #[test]
    fn a_time_goes_to_the_first_three_who_wait_for_it_in_order() {
        let anyone = wish(&[1, 2, 3, 4, 5], 9, 17);
        let waiting: Vec<Waiting> = (1..=5).map(|n| waiting(n, anyone.clone())).collect();
        let offers = share_out(&waiting, &[free(GRANT, 16, 10, 0)]);
        assert_eq!(
            offers,
            [Offer {
                time: free(GRANT, 16, 10, 0),
                entries: (1..=3).map(|n| Uuid::from_u128(100 + n)).collect(),
            }]
        );
    }

    #[test]
    fn each_patient_gets_the_earliest_time_that_suits_them_and_was_not_offered_before() {
        let mut first = waiting(1, wish(&[2], 9, 17));
        first.offered = vec![(GRANT, free(GRANT, 17, 10, 0).start)];
        let afternoons = waiting(2, wish(&[1, 2], 13, 17));
        let busy = Waiting {
            has_open_offer: true,
            ..waiting(3, wish(&[1, 2], 9, 17))
        };
        let free_times = [
            free(GRANT, 16, 10, 0),
            free(GRANT, 17, 10, 0),
            free(GRANT, 17, 14, 0),
        ];
        let offers = share_out(&[first, afternoons, busy], &free_times);
        assert_eq!(
            offers,
            [Offer {
                time: free(GRANT, 17, 14, 0),
                entries: vec![Uuid::from_u128(101), Uuid::from_u128(102)],
            }]
        );
    }

    #[test]
    fn times_that_overlap_one_already_chosen_for_the_provider_are_not_free() {
        let monday_grant = Wish {
            provider: Some(GRANT),
            ..wish(&[1], 9, 17)
        };
        // Free every quarter hour: the second patient cannot have 10:15, which overlaps the
        // first one's 10:00, but joins them at 10:00.
        let free_times = [
            free(GRANT, 16, 10, 0),
            free(GRANT, 16, 10, 15),
            free(OKAFOR, 16, 10, 0),
        ];
        let first = waiting(1, monday_grant.clone());
        let mut second = waiting(2, monday_grant);
        second.offered = vec![(GRANT, free(GRANT, 16, 10, 0).start)];
        let third = waiting(3, wish(&[1], 10, 11));
        let offers = share_out(&[first, second, third], &free_times);
        assert_eq!(
            offers,
            [Offer {
                time: free(GRANT, 16, 10, 0),
                entries: vec![Uuid::from_u128(101), Uuid::from_u128(103)],
            }]
        );
    }

    #[test]
    fn a_wish_reads_as_a_patient_would_say_it() {
        let mut said = wish(&[1, 4], 9, 12);
        said.latest = NaiveTime::from_hms_opt(12, 30, 0).unwrap();
        assert_eq!(
            said.describe(),
            "Mondays and Thursdays, 09:00–12:30, until Tuesday 31 March 2026"
        );
        assert_eq!(
            wish(&[1, 3, 5], 9, 17).describe(),
            "Mondays, Wednesdays and Fridays, 09:00–17:00, until Tuesday 31 March 2026"
        );
        assert_eq!(
            wish(&[1, 2, 3, 4, 5], 9, 17).describe(),
            "Weekdays, 09:00–17:00, until Tuesday 31 March 2026"
        );
        assert_eq!(
            wish(&[6], 9, 17).describe(),
            "Saturdays, 09:00–17:00, until Tuesday 31 March 2026"
        );
    }

    fn form() -> WaitlistForm {
        WaitlistForm {
            treatment: "mole-check".into(),
            monday: true,
            thursday: true,
            earliest: "09:00".into(),
            latest: "12:30".into(),
            first_name: " Ana ".into(),
            last_name: "Silva".into(),
            email: "ana@example.com".into(),
            phone: "07700 900123".into(),
            ..WaitlistForm::default()
        }
    }

    #[test]
    fn a_form_gives_the_wish_and_the_way_to_reach_the_patient() {
        let joining = check(
            &form(),
            Some(GRANT),
            day(16),
            90,
            CallingCode::of("+44 131 496 0000"),
        )
        .unwrap();
        assert_eq!(
            joining.wish,
            Wish {
                provider: Some(GRANT),
                weekdays: vec![1, 4],
                earliest: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                latest: NaiveTime::from_hms_opt(12, 30, 0).unwrap(),
                // Empty: as far ahead as the clinic books.
                last_day: day(16) + Duration::days(90),
            }
        );
        assert_eq!(
            (joining.first_name.as_str(), joining.phone.as_str()),
            ("Ana", "+447700900123")
        );
    }

    #[test]
    fn a_wrong_form_says_what_is_wrong_beside_each_field() {
        let wrong = WaitlistForm {
            monday: false,
            thursday: false,
            latest: "08:00".into(),
            last_day: "2026-03-01".into(),
            email: "ana".into(),
            phone: String::new(),
            ..form()
        };
        let problems = check(&wrong, None, day(16), 90, None).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["monday", "latest", "last_day", "email"]);
        let texts_without_a_number = WaitlistForm {
            by_sms: true,
            phone: " ".into(),
            ..form()
        };
        assert_eq!(
            check(&texts_without_a_number, None, day(16), 90, None).unwrap_err()[0].field,
            "phone"
        );
        let typo = WaitlistForm {
            earliest: "9am".into(),
            ..form()
        };
        assert_eq!(
            check(&typo, None, day(16), 90, None).unwrap_err()[0].message,
            "Enter the earliest start as hours and minutes, like 09:30."
        );
    }
}
