//! The appointment lifecycle: held → pending payment → confirmed → completed / no-show,
//! with cancellation possible until the appointment has happened.

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
}

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::{self, *};

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
