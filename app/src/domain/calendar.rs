//! The staff calendar's rules: which days a view covers, how appointments sit on the time
//! axis (side by side where they overlap), and the forms staff book and move with.

use crate::domain::booking::Mode;
use crate::domain::email::Email;
use crate::domain::form::{checkbox, patient_phone, person_name, record_id, text, FieldProblem};
use crate::domain::phone::CallingCode;
use crate::domain::refunds::CancelledBy;
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One day, or the week (Monday to Sunday) around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    Day,
    Week,
}

impl Span {
    pub fn parse(raw: &str) -> Self {
        if raw == "week" {
            Span::Week
        } else {
            Span::Day
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Span::Day => "day",
            Span::Week => "week",
        }
    }

    /// The days shown for `day`.
    pub fn days(self, day: NaiveDate) -> Vec<NaiveDate> {
        match self {
            Span::Day => vec![day],
            Span::Week => {
                let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                (0..7).map(|n| monday + Duration::days(n)).collect()
            }
        }
    }

    /// The day the previous and next buttons lead to.
    pub fn step(self, day: NaiveDate, forward: bool) -> NaiveDate {
        let days = match self {
            Span::Day => 1,
            Span::Week => 7,
        };
        day + Duration::days(if forward { days } else { -days })
    }
}

/// The hours a calendar column shows: 08:00–18:00 at least, widened to whole hours around
/// every appointment, in minutes from local midnight.
pub fn axis(entries: &[(u32, u32)]) -> (u32, u32) {
    let first = entries
        .iter()
        .map(|e| e.0)
        .min()
        .unwrap_or(8 * 60)
        .min(8 * 60);
    let last = entries
        .iter()
        .map(|e| e.1)
        .max()
        .unwrap_or(18 * 60)
        .max(18 * 60);
    (first / 60 * 60, last.div_ceil(60) * 60)
}

/// Where an appointment sits across its column: lane `lane` of `lanes`. Overlapping
/// appointments (a double booking, or a room view) share the width instead of hiding one
/// another; `entries` are (start, end) minutes, in any order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lane {
    pub lane: usize,
    pub lanes: usize,
}

pub fn lanes(entries: &[(u32, u32)]) -> Vec<Lane> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| entries[i]);
    let mut placed = vec![Lane { lane: 0, lanes: 1 }; entries.len()];
    // Groups of appointments that overlap one another, directly or through a chain.
    let mut group: Vec<usize> = Vec::new();
    let mut group_end = 0;
    let mut lane_ends: Vec<u32> = Vec::new();
    fn close(group: &mut Vec<usize>, lane_ends: &mut Vec<u32>, placed: &mut [Lane]) {
        for &i in group.iter() {
            placed[i].lanes = lane_ends.len();
        }
        group.clear();
        lane_ends.clear();
    }
    for i in order {
        let (start, end) = entries[i];
        if !group.is_empty() && start >= group_end {
            close(&mut group, &mut lane_ends, &mut placed);
        }
        let lane = match lane_ends.iter().position(|&e| e <= start) {
            Some(free) => free,
            None => {
                lane_ends.push(0);
                lane_ends.len() - 1
            }
        };
        lane_ends[lane] = end;
        placed[i].lane = lane;
        group.push(i);
        // A closed group ended at or before this start, so the maximum is this group's.
        group_end = group_end.max(end);
    }
    close(&mut group, &mut lane_ends, &mut placed);
    placed
}

/// Minutes per row of the calendar's grid: 12 rows to the hour.
pub const ROW_MINUTES: u32 = 5;
/// Lane columns across a calendar column: 12 divides evenly into 1, 2, 3, 4 or 6 lanes.
pub const LANE_COLUMNS: usize = 12;

/// The grid rows (first row, how many) of an appointment `top` minutes below the top of
/// the axis lasting `minutes`: whole 5-minute rows, at least one. The page's policy allows
/// no inline styles, so placement is by grid classes, not pixel offsets.
pub fn rows(top: u32, minutes: u32) -> (u32, u32) {
    (top / ROW_MINUTES + 1, minutes.div_ceil(ROW_MINUTES).max(1))
}

/// The lane columns (first column, how many) of lane `lane` of `lanes`. Beyond 12
/// overlapping appointments the extra ones share the last column.
pub fn lane_columns(lane: Lane) -> (usize, usize) {
    let lanes = lane.lanes.clamp(1, LANE_COLUMNS);
    let span = LANE_COLUMNS / lanes;
    ((lane.lane.min(lanes - 1)) * span + 1, span)
}

/// A local date and time in `zone` as an instant. A time the clocks skip (spring forward)
/// is refused; one they pass twice (fall back) is the first.
pub fn local_instant(date: &str, time: &str, zone: Tz) -> Result<DateTime<Utc>, String> {
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| "Choose a date.".to_owned())?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .map_err(|_| "Enter a time as hours and minutes, such as 09:30.".to_owned())?;
    match zone.from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "The clocks change then, so {} does not exist that day; choose another time.",
            time.format("%H:%M")
        )),
    }
}

/// Who a booking is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientChoice {
    Existing(Uuid),
    /// Someone staff book by name: the clinic's record with that email, or a new one.
    New(NewPatient),
    /// Someone booking online without signing in: always a record of their own, since
    /// anyone can type anyone's email address.
    Guest(NewPatient),
}

/// A person not yet known by their record, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatient {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub phone: String,
}

/// A new patient's record from their first name, last name, email and phone as typed (the
/// phone may be empty); `None` with the problems added when it will not do.
pub fn new_patient(
    problems: &mut Vec<FieldProblem>,
    [first_name, last_name, email, phone]: [&str; 4],
    home: Option<CallingCode>,
) -> Option<NewPatient> {
    let (first_name, last_name) = person_name(problems, first_name, last_name);
    let email = Email::parse(email)
        .map_err(|error| problems.push(FieldProblem::new("email", error)))
        .ok();
    let phone = patient_phone(
        problems,
        "phone",
        phone,
        false,
        home,
        "+44 7700 900123 (or leave it empty)",
    );
    email.map(|email| NewPatient {
        first_name,
        last_name,
        email,
        phone,
    })
}

/// The staff form for a new appointment, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppointmentForm {
    /// The chosen patient's id; empty for a new patient (then the name fields count).
    pub patient: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// The treatment's slug.
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub date: String,
    pub time: String,
    /// `in_person` or `video`.
    pub mode: String,
    pub notes: String,
    #[serde(deserialize_with = "checkbox")]
    pub double_book: bool,
}

/// A staff booking that passed every rule the form can check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRequest {
    pub patient: PatientChoice,
    pub treatment: String,
    pub provider: Uuid,
    pub location: Uuid,
    pub start: DateTime<Utc>,
    pub mode: Mode,
    pub notes: String,
    pub double_book: bool,
}

fn chosen_id(problems: &mut Vec<FieldProblem>, field: &str, raw: &str, what: &str) -> Option<Uuid> {
    match Uuid::parse_str(raw.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            problems.push(FieldProblem::new(field, format!("Choose {what}.")));
            None
        }
    }
}

impl AppointmentForm {
    /// `home` is the clinic's country, for a phone number written without its code.
    pub fn parse(
        &self,
        zone: Tz,
        home: Option<CallingCode>,
    ) -> Result<AppointmentRequest, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let patient = match record_id(&mut problems, &self.patient, "patient") {
            Some(id) => Some(PatientChoice::Existing(id)),
            None if problems.is_empty() => new_patient(
                &mut problems,
                [&self.first_name, &self.last_name, &self.email, &self.phone],
                home,
            )
            .map(PatientChoice::New),
            None => None,
        };
        let treatment = self.treatment.trim().to_owned();
        if treatment.is_empty() {
            problems.push(FieldProblem::new("treatment", "Choose a treatment."));
        }
        let provider = chosen_id(
            &mut problems,
            "provider",
            &self.provider,
            "who will see them",
        );
        let location = chosen_id(&mut problems, "location", &self.location, "a location");
        let start = local_instant(&self.date, &self.time, zone)
            .map_err(|error| problems.push(FieldProblem::new("time", error)))
            .ok();
        let mode = Mode::parse(self.mode.trim()).or_else(|| {
            problems.push(FieldProblem::new("mode", "Choose in person or video."));
            None
        });
        let notes = text(
            &mut problems,
            "notes",
            &self.notes,
            "the notes",
            1000,
            false,
        );
        match (patient, provider, location, start, mode) {
            (Some(patient), Some(provider), Some(location), Some(start), Some(mode))
                if problems.is_empty() =>
            {
                Ok(AppointmentRequest {
                    patient,
                    treatment,
                    provider,
                    location,
                    start,
                    mode,
                    notes,
                    double_book: self.double_book,
                })
            }
            _ => Err(problems),
        }
    }
}

/// The staff form that moves an appointment: who, which day, what time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    pub provider: String,
    pub date: String,
    pub time: String,
    #[serde(deserialize_with = "checkbox")]
    pub double_book: bool,
}

/// The staff form that puts a group session in the calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    /// The group treatment's slug.
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub date: String,
    pub time: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    pub treatment: String,
    pub provider: Uuid,
    pub location: Uuid,
    pub start: DateTime<Utc>,
}

impl SessionForm {
    /// Problems are named with a `session_` prefix: the form shares its page with the
    /// appointment form, whose fields have the plain names.
    pub fn parse(&self, zone: Tz) -> Result<SessionRequest, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let treatment = self.treatment.trim().to_owned();
        if treatment.is_empty() {
            problems.push(FieldProblem::new(
                "session_treatment",
                "Choose the session's treatment.",
            ));
        }
        let provider = chosen_id(
            &mut problems,
            "session_provider",
            &self.provider,
            "who leads it",
        );
        let location = chosen_id(
            &mut problems,
            "session_location",
            &self.location,
            "a location",
        );
        let start = local_instant(&self.date, &self.time, zone)
            .map_err(|error| problems.push(FieldProblem::new("session_time", error)))
            .ok();
        match (provider, location, start) {
            (Some(provider), Some(location), Some(start)) if problems.is_empty() => {
                Ok(SessionRequest {
                    treatment,
                    provider,
                    location,
                    start,
                })
            }
            _ => Err(problems),
        }
    }
}

/// Cancelling from the staff side: whose cancellation it is (the patient's, who phoned,
/// or the clinic's), and whether to email the patient (ticked by default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    /// `patient` or `clinic`: it decides whether a payment goes back.
    pub by: String,
    #[serde(deserialize_with = "checkbox")]
    pub tell_patient: bool,
}

impl CancelForm {
    pub fn parse(&self) -> Result<CancelledBy, Vec<FieldProblem>> {
        CancelledBy::from_code(self.by.trim()).ok_or_else(|| {
            vec![FieldProblem::new(
                "by",
                "Say who is cancelling: the patient, or the clinic. It decides whether their payment goes back.",
            )]
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveRequest {
    pub provider: Uuid,
    pub start: DateTime<Utc>,
    pub double_book: bool,
}

impl MoveForm {
    pub fn parse(&self, zone: Tz) -> Result<MoveRequest, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let provider = chosen_id(
            &mut problems,
            "provider",
            &self.provider,
            "who will see them",
        );
        let start = local_instant(&self.date, &self.time, zone)
            .map_err(|error| problems.push(FieldProblem::new("time", error)))
            .ok();
        match (provider, start) {
            (Some(provider), Some(start)) => Ok(MoveRequest {
                provider,
                start,
                double_book: self.double_book,
            }),
            _ => Err(problems),
        }
    }
}

/// The calendar status of a time booked outside Lumen (in the clinic's practice system
/// directly): shown, but with no booking of Lumen's to open.
pub const BOOKED_ELSEWHERE: &str = "elsewhere";

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_week_runs_monday_to_sunday_around_the_day() {
        let days = Span::Week.days(day(2026, 3, 18));
        assert_eq!(days.first(), Some(&day(2026, 3, 16)));
        assert_eq!(days.last(), Some(&day(2026, 3, 22)));
        assert_eq!(Span::Day.days(day(2026, 3, 18)), vec![day(2026, 3, 18)]);
        assert_eq!(Span::Week.step(day(2026, 3, 18), false), day(2026, 3, 11));
        assert_eq!(Span::Day.step(day(2026, 3, 31), true), day(2026, 4, 1));
    }

    #[test]
    fn the_axis_covers_office_hours_and_every_appointment_in_whole_hours() {
        assert_eq!(axis(&[]), (8 * 60, 18 * 60));
        assert_eq!(
            axis(&[(7 * 60 + 30, 8 * 60 + 15), (19 * 60, 19 * 60 + 10)]),
            (7 * 60, 20 * 60)
        );
    }

    #[test]
    fn overlapping_appointments_share_the_width_and_others_keep_all_of_it() {
        let entries = [(540, 600), (570, 630), (600, 660), (700, 760)];
        let placed = lanes(&entries);
        assert_eq!(placed[0], Lane { lane: 0, lanes: 2 });
        assert_eq!(placed[1], Lane { lane: 1, lanes: 2 });
        // 10:00 starts as the first ends: it takes the first lane again.
        assert_eq!(placed[2], Lane { lane: 0, lanes: 2 });
        assert_eq!(placed[3], Lane { lane: 0, lanes: 1 });
    }

    #[test]
    fn blocks_take_whole_rows_and_share_the_width_evenly() {
        // 09:30 on an axis from 08:00, 45 minutes: row 19, nine rows.
        assert_eq!(rows(90, 45), (19, 9));
        assert_eq!(rows(0, 1), (1, 1));
        assert_eq!(rows(0, 0), (1, 1));
        assert_eq!(lane_columns(Lane { lane: 0, lanes: 1 }), (1, 12));
        assert_eq!(lane_columns(Lane { lane: 1, lanes: 2 }), (7, 6));
        assert_eq!(lane_columns(Lane { lane: 2, lanes: 3 }), (9, 4));
        assert_eq!(
            lane_columns(Lane {
                lane: 20,
                lanes: 30
            }),
            (12, 1)
        );
    }

    #[test]
    fn back_to_back_appointments_do_not_overlap() {
        let placed = lanes(&[(600, 660), (540, 600)]);
        assert!(placed.iter().all(|l| l.lanes == 1 && l.lane == 0));
    }

    #[test]
    fn local_times_follow_the_zone_and_refuse_the_skipped_hour() {
        let london: Tz = "Europe/London".parse().unwrap();
        assert_eq!(
            local_instant("2026-07-01", "09:30", london).unwrap(),
            Utc.with_ymd_and_hms(2026, 7, 1, 8, 30, 0).unwrap()
        );
        assert!(local_instant("2026-03-29", "01:30", london)
            .unwrap_err()
            .contains("clocks change"));
        // 01:30 on 25 October 2026 happens twice: the first (still summer time).
        assert_eq!(
            local_instant("2026-10-25", "01:30", london).unwrap(),
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()
        );
        assert!(local_instant("2026-07-01", "9.30am", london).is_err());
        assert!(local_instant("", "09:30", london).is_err());
    }

    fn filled() -> AppointmentForm {
        AppointmentForm {
            first_name: "Ada".into(),
            last_name: "Byron".into(),
            email: "ada@example.com".into(),
            treatment: "mole-check".into(),
            provider: Uuid::nil().to_string(),
            location: Uuid::nil().to_string(),
            date: "2026-03-17".into(),
            time: "10:00".into(),
            mode: "in_person".into(),
            ..AppointmentForm::default()
        }
    }

    #[test]
    fn a_new_patient_needs_a_name_and_an_email() {
        let zone: Tz = "Europe/London".parse().unwrap();
        let request = filled().parse(zone, None).unwrap();
        assert!(matches!(request.patient, PatientChoice::New(_)));
        let problems = AppointmentForm {
            first_name: String::new(),
            email: "nope".into(),
            ..filled()
        }
        .parse(zone, None)
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["first_name", "email"]);
    }

    #[test]
    fn a_chosen_patient_needs_no_new_details() {
        let zone: Tz = "Europe/London".parse().unwrap();
        let id = Uuid::from_u128(7);
        let request = AppointmentForm {
            patient: id.to_string(),
            first_name: String::new(),
            email: String::new(),
            ..filled()
        }
        .parse(zone, None)
        .unwrap();
        assert_eq!(request.patient, PatientChoice::Existing(id));
    }

    #[test]
    fn every_missing_choice_is_named() {
        let zone: Tz = "Europe/London".parse().unwrap();
        let problems = AppointmentForm {
            treatment: String::new(),
            provider: String::new(),
            location: "x".into(),
            time: String::new(),
            mode: String::new(),
            ..filled()
        }
        .parse(zone, None)
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["treatment", "provider", "location", "time", "mode"]
        );
    }

    #[test]
    fn a_session_form_names_its_own_fields() {
        let zone: Tz = "Europe/London".parse().unwrap();
        let problems = SessionForm::default().parse(zone).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "session_treatment",
                "session_provider",
                "session_location",
                "session_time"
            ]
        );
        let request = SessionForm {
            treatment: "skin-workshop".into(),
            provider: Uuid::nil().to_string(),
            location: Uuid::nil().to_string(),
            date: "2026-03-17".into(),
            time: "18:00".into(),
        }
        .parse(zone)
        .unwrap();
        assert_eq!(
            request.start,
            Utc.with_ymd_and_hms(2026, 3, 17, 18, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_move_names_its_problems() {
        let zone: Tz = "America/New_York".parse().unwrap();
        let moved = MoveForm {
            provider: Uuid::nil().to_string(),
            date: "2026-03-17".into(),
            time: "10:00".into(),
            double_book: false,
        }
        .parse(zone)
        .unwrap();
        assert_eq!(
            moved.start,
            Utc.with_ymd_and_hms(2026, 3, 17, 14, 0, 0).unwrap()
        );
        let problems = MoveForm::default().parse(zone).unwrap_err();
        assert_eq!(problems.len(), 2);
    }
}
