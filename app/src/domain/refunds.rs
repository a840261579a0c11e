//! When money goes back to a patient, and how much may.

use serde::{Deserialize, Serialize};

/// Why a refund was made; each is stored by its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundReason {
    /// The payment arrived after its booking had been released: nothing was booked.
    PaidLate,
    /// The patient cancelled before the late-cancel window, and the clinic refunds then.
    CancelledInTime,
    /// The clinic cancelled: the patient never pays for that.
    CancelledByClinic,
    /// A member of staff refunded it by hand, with a note of why.
    Staff,
    /// Made in the payment service's own dashboard, and learnt from its webhook.
    AtProcessor,
}

impl RefundReason {
    pub fn code(self) -> &'static str {
        match self {
            RefundReason::PaidLate => "paid_late",
            RefundReason::CancelledInTime => "cancelled_in_time",
            RefundReason::CancelledByClinic => "cancelled_by_clinic",
            RefundReason::Staff => "staff",
            RefundReason::AtProcessor => "at_processor",
        }
    }

    pub fn from_code(code: &str) -> Option<RefundReason> {
        [
            RefundReason::PaidLate,
            RefundReason::CancelledInTime,
            RefundReason::CancelledByClinic,
            RefundReason::Staff,
            RefundReason::AtProcessor,
        ]
        .into_iter()
        .find(|reason| reason.code() == code)
    }

    /// The sentence the patient's email gives for the refund.
    pub fn to_patient(self) -> &'static str {
        match self {
            RefundReason::PaidLate => {
                "Your payment arrived after the time we were holding for you had been released, \
                 so the booking was not made."
            }
            RefundReason::CancelledInTime => "You cancelled your booking in good time.",
            RefundReason::CancelledByClinic => "We cancelled your booking.",
            RefundReason::Staff | RefundReason::AtProcessor => "The clinic has refunded you.",
        }
    }
}

/// Who cancels a booking, as far as its payment is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelledBy {
    /// The patient, through their booking's page (only possible before the late-cancel
    /// window: inside it they must call).
    Patient,
    /// The clinic's staff.
    Clinic,
}

/// Whether cancelling a paid booking returns its payment, and why. A clinic's own
/// cancellation always does; a patient's does when the clinic's policy says so.
pub fn refund_on_cancel(
    by: CancelledBy,
    refund_on_time_cancellation: bool,
) -> Option<RefundReason> {
    match by {
        CancelledBy::Clinic => Some(RefundReason::CancelledByClinic),
        CancelledBy::Patient if refund_on_time_cancellation => Some(RefundReason::CancelledInTime),
        CancelledBy::Patient => None,
    }
}

/// Why a refund cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefundRefused {
    #[error("Only a payment that was made can be refunded.")]
    NotPaid,
    #[error("Nothing is left to refund: it has all been returned already.")]
    NothingLeft,
    /// More than is left; says how much is.
    #[error("That is more than is left to refund.")]
    TooMuch { left_minor: i64 },
    #[error("Enter an amount above zero.")]
    NotPositive,
}

/// How much a refund of `asked` (everything left when `None`) returns from a payment of
/// `paid` of which `refunded` has gone back already.
pub fn refund_amount(paid: i64, refunded: i64, asked: Option<i64>) -> Result<i64, RefundRefused> {
    let left = paid - refunded;
    if left <= 0 {
        return Err(RefundRefused::NothingLeft);
    }
    match asked {
        None => Ok(left),
        Some(amount) if amount <= 0 => Err(RefundRefused::NotPositive),
        Some(amount) if amount > left => Err(RefundRefused::TooMuch { left_minor: left }),
        Some(amount) => Ok(amount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clinic_cancellation_always_refunds_and_a_patients_as_the_policy_says() {
        assert_eq!(
            refund_on_cancel(CancelledBy::Clinic, false),
            Some(RefundReason::CancelledByClinic)
        );
        assert_eq!(
            refund_on_cancel(CancelledBy::Patient, true),
            Some(RefundReason::CancelledInTime)
        );
        assert_eq!(refund_on_cancel(CancelledBy::Patient, false), None);
    }

    #[test]
    fn a_refund_never_returns_more_than_is_left() {
        assert_eq!(refund_amount(5_000, 0, None), Ok(5_000));
        assert_eq!(refund_amount(5_000, 2_000, None), Ok(3_000));
        assert_eq!(refund_amount(5_000, 2_000, Some(3_000)), Ok(3_000));
        assert_eq!(
            refund_amount(5_000, 2_000, Some(3_001)),
            Err(RefundRefused::TooMuch { left_minor: 3_000 })
        );
        assert_eq!(
            refund_amount(5_000, 5_000, Some(1)),
            Err(RefundRefused::NothingLeft)
        );
        assert_eq!(
            refund_amount(5_000, 0, Some(0)),
            Err(RefundRefused::NotPositive)
        );
    }
}
