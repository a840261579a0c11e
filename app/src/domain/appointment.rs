//! The appointment lifecycle: held → pending payment → confirmed → completed / no-show,
//! with cancellation possible until the appointment has happened.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Held,
    PendingPayment,
    Confirmed,
    Completed,
    NoShow,
    Cancelled,
}

impl AppointmentStatus {
    pub const ALL: [Self; 6] = [
        Self::Held,
        Self::PendingPayment,
        Self::Confirmed,
        Self::Completed,
        Self::NoShow,
        Self::Cancelled,
    ];

    /// Whether the appointment keeps its provider (and room) busy. Must agree with the
    /// `WHERE (status <> 'cancelled')` of the exclusion constraints in the schema.
    pub fn occupies_time(self) -> bool {
        self != Self::Cancelled
    }

    pub fn can_become(self, next: Self) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, next),
            (Held, PendingPayment | Confirmed | Cancelled)
                | (PendingPayment, Confirmed | Cancelled)
                | (Confirmed, Completed | NoShow | Cancelled)
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::PendingPayment => "pending_payment",
            Self::Confirmed => "confirmed",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// How patients and staff read the status.
    pub fn label(self) -> &'static str {
        match self {
            Self::Held => "Held",
            Self::PendingPayment => "Awaiting deposit",
            Self::Confirmed => "Confirmed",
            Self::Completed => "Completed",
            Self::NoShow => "Missed",
            Self::Cancelled => "Cancelled",
        }
    }
}

/// What staff record about how an appointment went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Arrived,
    Completed,
    NoShow,
}

impl Outcome {
    pub const ALL: [Self; 3] = [Self::Arrived, Self::Completed, Self::NoShow];

    /// The name of the change in the appointment's history (and in forms).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Arrived => "arrived",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }

    /// Whether it may be recorded now, or why not. Only a confirmed appointment has an
    /// outcome to record. Arrival and completion may come before the booked time (patients
    /// arrive early, treatments start early); a no-show is only known once the time began.
    pub fn check(
        self,
        status: AppointmentStatus,
        arrived: bool,
        starts: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), &'static str> {
        if status != AppointmentStatus::Confirmed {
            return Err("Only a confirmed appointment can be marked; this one is not.");
        }
        match self {
            Self::Arrived if arrived => Err("The patient is already marked as arrived."),
            Self::NoShow if arrived => Err("The patient arrived, so this cannot be a no-show."),
            Self::NoShow if now < starts => {
                Err("A no-show can only be recorded once the appointment's time has begun.")
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::{self, *};
    use super::Outcome;
    use chrono::{TimeZone, Utc};

    #[test]
    fn outcomes_need_a_confirmed_appointment() {
        let at = Utc.with_ymd_and_hms(2026, 3, 17, 9, 0, 0).unwrap();
        for status in [Held, PendingPayment, Completed, NoShow, Cancelled] {
            for outcome in Outcome::ALL {
                assert!(
                    outcome.check(status, false, at, at).is_err(),
                    "{status:?} {outcome:?}"
                );
            }
        }
        for outcome in Outcome::ALL {
            assert_eq!(
                outcome.check(Confirmed, false, at, at),
                Ok(()),
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn a_no_show_is_known_only_once_the_time_began_and_not_after_arrival() {
        let starts = Utc.with_ymd_and_hms(2026, 3, 17, 9, 0, 0).unwrap();
        let before = starts - chrono::Duration::minutes(1);
        assert!(Outcome::NoShow
            .check(Confirmed, false, starts, before)
            .is_err());
        assert!(Outcome::NoShow
            .check(Confirmed, true, starts, starts)
            .is_err());
        // Arriving and finishing early are real; arriving twice is a slip.
        assert_eq!(
            Outcome::Arrived.check(Confirmed, false, starts, before),
            Ok(())
        );
        assert_eq!(
            Outcome::Completed.check(Confirmed, true, starts, before),
            Ok(())
        );
        assert!(Outcome::Arrived
            .check(Confirmed, true, starts, starts)
            .is_err());
    }

    #[test]
    fn outcome_names_round_trip_with_the_history_table() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Outcome::parse("cancelled"), None);
    }

    #[test]
    fn only_cancelled_appointments_free_the_time() {
        for status in AppointmentStatus::ALL {
            assert_eq!(status.occupies_time(), status != Cancelled, "{status:?}");
        }
    }

    #[test]
    fn the_happy_path_is_allowed() {
        assert!(Held.can_become(PendingPayment));
        assert!(PendingPayment.can_become(Confirmed));
        assert!(Confirmed.can_become(Completed));
    }

    #[test]
    fn finished_appointments_are_final() {
        for end in [Completed, NoShow, Cancelled] {
            for next in AppointmentStatus::ALL {
                assert!(!end.can_become(next), "{end:?} -> {next:?}");
            }
        }
    }

    #[test]
    fn nothing_skips_back_to_a_hold() {
        for status in AppointmentStatus::ALL {
            assert!(!status.can_become(Held), "{status:?}");
        }
    }

    #[test]
    fn names_round_trip_with_the_database_enum() {
        for status in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(AppointmentStatus::parse("booked"), None);
    }
}
