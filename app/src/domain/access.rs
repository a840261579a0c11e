//! Who may do what: the one table every server function and route consults.
//! Object-level rules (a patient reaches only their own records, staff only their own
//! clinic's) are applied by the store on top of this.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PlatformOperator,
    ClinicAdmin,
    FrontDesk,
    Provider,
    Patient,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::PlatformOperator,
        Role::ClinicAdmin,
        Role::FrontDesk,
        Role::Provider,
        Role::Patient,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformOperator => "platform_operator",
            Role::ClinicAdmin => "clinic_admin",
            Role::FrontDesk => "front_desk",
            Role::Provider => "provider",
            Role::Patient => "patient",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::PlatformOperator => "Platform operator",
            Role::ClinicAdmin => "Clinic admin",
            Role::FrontDesk => "Front desk",
            Role::Provider => "Provider",
            Role::Patient => "Patient",
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::ClinicAdmin | Role::FrontDesk | Role::Provider)
    }

    /// Roles that reach other people's records sign in with a second factor too.
    pub fn needs_second_factor(self) -> bool {
        self != Role::Patient
    }
}

/// Something a person may ask to do. Grouped by area; each server function names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Their own profile, appointments and data.
    UseOwnAccount,
    /// The staff area's pages and today's numbers.
    ViewAdmin,
    /// Patients' records within the clinic, and notes on them.
    ViewPatients,
    /// Booking, moving, cancelling appointments for patients and recording how they went.
    ManageAppointments,
    /// Treatments, categories, providers, schedules and rooms.
    ManageCatalogue,
    /// Staff accounts, roles and clinic settings.
    ManageClinic,
    /// The before/after gallery: cases, pictures, patients' consent, publishing.
    ManageGallery,
    /// Returning patients' payments by hand (refunds), with a reason.
    RefundPayments,
    /// Taking money: a payment at the desk, or a late-cancellation or no-show fee charged to
    /// a card the patient let the clinic keep.
    TakePayments,
    /// Reading the audit log.
    ViewAuditLog,
    /// Creating clinics on the platform.
    ManagePlatform,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::UseOwnAccount,
        Action::ViewAdmin,
        Action::ViewPatients,
        Action::ManageAppointments,
        Action::ManageCatalogue,
        Action::ManageClinic,
        Action::ManageGallery,
        Action::RefundPayments,
        Action::TakePayments,
        Action::ViewAuditLog,
        Action::ManagePlatform,
    ];
}

/// The permission table. Deny is the default: an action is allowed only where listed.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match role {
        PlatformOperator => matches!(action, ManagePlatform | UseOwnAccount),
        ClinicAdmin => !matches!(action, ManagePlatform),
        // The front desk takes payments and gives them back; clinicians do neither.
        FrontDesk => matches!(
            action,
            UseOwnAccount
                | ViewAdmin
                | ViewPatients
                | ManageAppointments
                | RefundPayments
                | TakePayments
        ),
        // Clinicians take the pictures and ask for consent.
        Provider => matches!(
            action,
            UseOwnAccount | ViewAdmin | ViewPatients | ManageAppointments | ManageGallery
        ),
        Patient => matches!(action, UseOwnAccount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patients_may_only_use_their_own_account() {
        for action in Action::ALL {
            assert_eq!(
                allows(Role::Patient, action),
                action == Action::UseOwnAccount,
                "{action:?}"
            );
        }
    }

    #[test]
    fn front_desk_is_refused_admin_only_actions() {
        for action in [
            Action::ManageCatalogue,
            Action::ManageClinic,
            Action::ManageGallery,
            Action::ViewAuditLog,
            Action::ManagePlatform,
        ] {
            assert!(!allows(Role::FrontDesk, action), "{action:?}");
        }
        assert!(allows(Role::FrontDesk, Action::ViewPatients));
        assert!(allows(Role::FrontDesk, Action::ManageAppointments));
        assert!(allows(Role::Provider, Action::ManageAppointments));
        assert!(allows(Role::Provider, Action::ManageGallery));
        assert!(!allows(Role::Provider, Action::ManageCatalogue));
        assert!(allows(Role::FrontDesk, Action::RefundPayments));
        assert!(!allows(Role::Provider, Action::RefundPayments));
        assert!(allows(Role::FrontDesk, Action::TakePayments));
        assert!(allows(Role::ClinicAdmin, Action::TakePayments));
        assert!(!allows(Role::Provider, Action::TakePayments));
    }

    #[test]
    fn clinic_admins_run_their_clinic_but_not_the_platform() {
        assert!(allows(Role::ClinicAdmin, Action::ManageCatalogue));
        assert!(allows(Role::ClinicAdmin, Action::ViewAuditLog));
        assert!(!allows(Role::ClinicAdmin, Action::ManagePlatform));
    }

    #[test]
    fn only_staff_roles_are_staff() {
        let staff: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_staff()).collect();
        assert_eq!(
            staff,
            vec![Role::ClinicAdmin, Role::FrontDesk, Role::Provider]
        );
    }

    #[test]
    fn role_names_round_trip_with_the_database_enum() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
