//! Live updates of staff screens: what the database announces when something changes (ids
//! only), and who hears of it. A screen that hears of a change asks the server for what it
//! shows again, through the same checked functions as when it first loaded.

use super::access::{allows, Action, Role};
use serde::Deserialize;
use uuid::Uuid;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// An appointment, a hold or a place at a group session: the calendar, the day's list,
    /// the appointment's page.
    Appointment,
    /// An assistant conversation: the hand-over queue and the conversation's page.
    Conversation,
}

impl Topic {
    /// The event's name on the stream a screen listens to.
    pub fn code(self) -> &'static str {
        match self {
            Topic::Appointment => "appointment",
            Topic::Conversation => "conversation",
        }
    }

    /// What a role must be allowed to see this topic's changes: the same as to load the
    /// screens that show it.
    fn needs(self) -> Action {
        match self {
            Topic::Appointment => Action::ManageAppointments,
            Topic::Conversation => Action::ViewPatients,
        }
    }
}

/// One change, as the `lumen_live` channel carries it (migration 42).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Change {
    pub clinic: Uuid,
    pub topic: Topic,
    pub id: Uuid,
}

impl Change {
    /// The change a notification's payload describes; `None` for anything else.
    pub fn parse(payload: &str) -> Option<Change> {
        serde_json::from_str(payload).ok()
    }

    /// Whether someone of `role` at `clinic` hears of it.
    pub fn reaches(&self, clinic: Uuid, role: Role) -> bool {
        self.clinic == clinic && allows(role, self.topic.needs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLINIC: Uuid = Uuid::from_u128(1);
    const ROW: Uuid = Uuid::from_u128(2);

    #[test]
    fn a_payload_names_its_clinic_topic_and_row_and_nothing_else_is_taken() {
        let payload = format!(r#"{{"clinic":"{CLINIC}","topic":"appointment","id":"{ROW}"}}"#);
        assert_eq!(
            Change::parse(&payload),
            Some(Change {
                clinic: CLINIC,
                topic: Topic::Appointment,
                id: ROW
            })
        );
        for bad in [
            "",
            "{}",
            r#"{"clinic":"x","topic":"appointment","id":"y"}"#,
            &format!(r#"{{"clinic":"{CLINIC}","topic":"invoice","id":"{ROW}"}}"#),
            // A row with no clinic (a trigger on the wrong table) reaches nobody.
            &format!(r#"{{"clinic":null,"topic":"appointment","id":"{ROW}"}}"#),
        ] {
            assert_eq!(Change::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_change_reaches_its_own_clinics_staff_who_may_see_its_screens() {
        let booking = Change {
            clinic: CLINIC,
            topic: Topic::Appointment,
            id: ROW,
        };
        for role in [Role::ClinicAdmin, Role::FrontDesk, Role::Provider] {
            assert!(booking.reaches(CLINIC, role), "{role:?}");
            assert!(!booking.reaches(Uuid::from_u128(3), role), "{role:?}");
        }
        assert!(!booking.reaches(CLINIC, Role::Patient));
        assert!(!booking.reaches(CLINIC, Role::PlatformOperator));
        let conversation = Change {
            topic: Topic::Conversation,
            ..booking
        };
        assert!(conversation.reaches(CLINIC, Role::FrontDesk));
        assert!(!conversation.reaches(CLINIC, Role::Patient));
    }
}
