//! When money goes back to a patient, and how much may.

use crate::domain::form::FieldProblem;
use crate::domain::money::{parse_amount, Currency, Money};
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
    /// A second payment for a booking already paid: nothing more was due.
    PaidTwice,
}

impl RefundReason {
    pub fn code(self) -> &'static str {
        match self {
            RefundReason::PaidLate => "paid_late",
            RefundReason::CancelledInTime => "cancelled_in_time",
            RefundReason::CancelledByClinic => "cancelled_by_clinic",
            RefundReason::Staff => "staff",
            RefundReason::AtProcessor => "at_processor",
            RefundReason::PaidTwice => "paid_twice",
        }
    }

    pub fn from_code(code: &str) -> Option<RefundReason> {
        [
            RefundReason::PaidLate,
            RefundReason::CancelledInTime,
            RefundReason::CancelledByClinic,
            RefundReason::Staff,
            RefundReason::AtProcessor,
            RefundReason::PaidTwice,
        ]
        .into_iter()
        .find(|reason| reason.code() == code)
    }

    /// Staff's word for it, on the appointment page.
    pub fn label(self) -> &'static str {
        match self {
            RefundReason::PaidLate => "Paid after the booking was released",
            RefundReason::CancelledInTime => "The patient cancelled in good time",
            RefundReason::CancelledByClinic => "The clinic cancelled",
            RefundReason::Staff => "Refunded by hand",
            RefundReason::AtProcessor => "Made in the payment service's dashboard",
            RefundReason::PaidTwice => "Paid a second time for a booking already paid",
        }
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
            RefundReason::PaidTwice => {
                "You paid a second time for a booking that was already paid, so we have \
                 returned the second payment in full."
            }
            RefundReason::Staff | RefundReason::AtProcessor => "The clinic has refunded you.",
        }
    }
}

/// Staff's words for where a refund stands (its stored status).
pub fn refund_state_label(status: &str) -> &'static str {
    match status {
        "requested" => "Being sent",
        "pending" => "On its way",
        "succeeded" => "Refunded",
        _ => "Refused",
    }
}

/// Whose cancellation it is, as far as its payment is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelledBy {
    /// The patient: through their booking's page (only before the late-cancel window), or
    /// by calling the clinic (at any time), when staff record it for them.
    Patient,
    /// The clinic.
    Clinic,
}

impl CancelledBy {
    pub fn code(self) -> &'static str {
        match self {
            CancelledBy::Patient => "patient",
            CancelledBy::Clinic => "clinic",
        }
    }

    pub fn from_code(code: &str) -> Option<CancelledBy> {
        [CancelledBy::Patient, CancelledBy::Clinic]
            .into_iter()
            .find(|by| by.code() == code)
    }
}

/// Whether cancelling a paid booking returns its payment, and why. A clinic's own
/// cancellation always does; a patient's does when the clinic's policy says so and it comes
/// before the late-cancel window (`late`): inside it, the deposit is what the clinic keeps
/// for the time it can no longer fill.
pub fn refund_on_cancel(
    by: CancelledBy,
    refund_on_time_cancellation: bool,
    late: bool,
) -> Option<RefundReason> {
    match by {
        CancelledBy::Clinic => Some(RefundReason::CancelledByClinic),
        CancelledBy::Patient if late || !refund_on_time_cancellation => None,
        CancelledBy::Patient => Some(RefundReason::CancelledInTime),
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

/// Staff refunding a payment by hand, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundForm {
    /// Which of the appointment's payments.
    pub payment: String,
    /// Empty: everything left.
    #[serde(default)]
    pub amount: String,
    /// Why: kept for the clinic's books and the audit, never shown to the patient.
    #[serde(default)]
    pub note: String,
}

/// A staff refund that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRefund {
    /// In minor units; everything left when `None`.
    pub amount_minor: Option<i64>,
    pub note: String,
}

pub const NOTE_MAX: usize = 500;

impl RefundForm {
    /// Reads the form in the clinic's `currency`; `left` is what is left of the payment,
    /// so an amount above it is refused beside the field with the most that may go back.
    pub fn parse(&self, currency: Currency, left: i64) -> Result<StaffRefund, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let amount_minor = match self.amount.trim() {
            "" => None,
            text => match parse_amount(text, currency) {
                Ok(amount) => match refund_amount(left, 0, Some(amount)) {
                    Ok(amount) => Some(amount),
                    Err(RefundRefused::TooMuch { left_minor }) => {
                        problems.push(FieldProblem::new(
                            "amount",
                            format!(
                                "At most {} is left to refund.",
                                Money {
                                    minor: left_minor,
                                    currency
                                }
                            ),
                        ));
                        None
                    }
                    Err(refused) => {
                        problems.push(FieldProblem::new("amount", refused));
                        None
                    }
                },
                Err(invalid) => {
                    problems.push(FieldProblem::new("amount", invalid));
                    None
                }
            },
        };
        let note = self.note.trim();
        if note.is_empty() {
            problems.push(FieldProblem::new(
                "note",
                "Say why, for the clinic's books: the patient is not shown it.",
            ));
        } else if note.chars().count() > NOTE_MAX {
            problems.push(FieldProblem::new(
                "note",
                format!("Keep it to {NOTE_MAX} characters."),
            ));
        }
        if problems.is_empty() {
            Ok(StaffRefund {
                amount_minor,
                note: note.to_owned(),
            })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(amount: &str, note: &str) -> RefundForm {
        RefundForm {
            payment: String::new(),
            amount: amount.to_owned(),
            note: note.to_owned(),
        }
    }

    fn fields(problems: Vec<FieldProblem>) -> Vec<(String, String)> {
        problems.into_iter().map(|p| (p.field, p.message)).collect()
    }

    #[test]
    fn a_staff_refund_reads_its_amount_in_the_clinics_currency_and_needs_a_reason() {
        let gbp = Currency::parse("GBP").unwrap();
        assert_eq!(
            typed("20.50", " Goodwill ").parse(gbp, 5_000),
            Ok(StaffRefund {
                amount_minor: Some(2_050),
                note: "Goodwill".to_owned()
            })
        );
        assert_eq!(
            typed("", "Cancelled by phone").parse(gbp, 5_000),
            Ok(StaffRefund {
                amount_minor: None,
                note: "Cancelled by phone".to_owned()
            })
        );
        assert_eq!(
            fields(typed("60", "").parse(gbp, 5_000).unwrap_err()),
            [
                (
                    "amount".to_owned(),
                    "At most £50 is left to refund.".to_owned()
                ),
                (
                    "note".to_owned(),
                    "Say why, for the clinic's books: the patient is not shown it.".to_owned()
                )
            ]
        );
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(
            fields(typed("100.5", "x").parse(jpy, 5_000).unwrap_err()),
            [(
                "amount".to_owned(),
                "JPY has no smaller unit: enter a whole amount.".to_owned()
            )]
        );
        assert_eq!(
            fields(typed("0", "x").parse(gbp, 5_000).unwrap_err())[0].1,
            "Enter an amount above zero."
        );
    }

    #[test]
    fn a_clinic_cancellation_always_refunds_and_a_patients_as_the_policy_says() {
        assert_eq!(
            refund_on_cancel(CancelledBy::Clinic, false, false),
            Some(RefundReason::CancelledByClinic)
        );
        assert_eq!(
            refund_on_cancel(CancelledBy::Patient, true, false),
            Some(RefundReason::CancelledInTime)
        );
        assert_eq!(refund_on_cancel(CancelledBy::Patient, false, false), None);
        // Inside the late-cancel window the patient's deposit stays with the clinic...
        assert_eq!(refund_on_cancel(CancelledBy::Patient, true, true), None);
        // ...and the clinic's own cancellation returns it whenever it comes.
        assert_eq!(
            refund_on_cancel(CancelledBy::Clinic, false, true),
            Some(RefundReason::CancelledByClinic)
        );
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
