//! What a payment was for, and the fees a clinic charges to a card the patient let it keep:
//! a late cancellation, or not turning up. Staff charge a fee by hand, for an appointment
//! that ended that way, and never more than once at a time.

use super::appointment::AppointmentStatus;
use super::form::FieldProblem;
use super::money::{parse_amount, Currency};
use super::refunds::NOTE_MAX;
use serde::{Deserialize, Serialize};

/// What a payment was taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The deposit or prepayment taken when the patient booked.
    Booking,
    LateCancelFee,
    NoShowFee,
}

impl Purpose {
    pub const FEES: [Purpose; 2] = [Purpose::LateCancelFee, Purpose::NoShowFee];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Booking => "booking",
            Purpose::LateCancelFee => "late_cancel_fee",
            Purpose::NoShowFee => "no_show_fee",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        [Purpose::Booking, Purpose::LateCancelFee, Purpose::NoShowFee]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// The line on a receipt and on the appointment page.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Booking => "Paid when booking",
            Purpose::LateCancelFee => "Late-cancellation fee",
            Purpose::NoShowFee => "No-show fee",
        }
    }

    /// What a receipt lists the payment as: the treatment, or the fee for it.
    pub fn item(self, treatment: &str) -> String {
        match self {
            Purpose::Booking => treatment.to_owned(),
            fee => format!("{} for {treatment}", fee.label()),
        }
    }

    /// Whether an appointment that ended as `status` may be charged this fee.
    pub fn fits(self, status: AppointmentStatus) -> bool {
        match self {
            Purpose::Booking => false,
            Purpose::LateCancelFee => status == AppointmentStatus::Cancelled,
            Purpose::NoShowFee => status == AppointmentStatus::NoShow,
        }
    }

    /// The fee an appointment that ended as `status` may be charged, if any.
    pub fn fee_for(status: AppointmentStatus) -> Option<Purpose> {
        Purpose::FEES.into_iter().find(|fee| fee.fits(status))
    }
}

/// Staff charging a fee, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeeForm {
    pub amount: String,
    /// For the clinic's books and the audit log; the patient is not shown it.
    pub note: String,
}

/// A fee that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub amount_minor: i64,
    pub note: String,
}

impl FeeForm {
    /// Reads the form in the clinic's `currency`.
    pub fn parse(&self, currency: Currency) -> Result<Fee, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let amount_minor = match self.amount.trim() {
            "" => {
                problems.push(FieldProblem::new(
                    "amount",
                    "Enter the fee, as the clinic's cancellation policy states it.",
                ));
                0
            }
            text => match parse_amount(text, currency) {
                Ok(0) => {
                    problems.push(FieldProblem::new("amount", "Enter an amount above zero."));
                    0
                }
                Ok(amount) => amount,
                Err(error) => {
                    problems.push(FieldProblem::new("amount", error));
                    0
                }
            },
        };
        let note = self.note.trim();
        if note.chars().count() > NOTE_MAX {
            problems.push(FieldProblem::new(
                "note",
                format!("Keep the note to {NOTE_MAX} characters."),
            ));
        }
        if problems.is_empty() {
            Ok(Fee {
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

    #[test]
    fn a_fee_fits_only_the_way_the_appointment_ended() {
        assert_eq!(
            Purpose::fee_for(AppointmentStatus::Cancelled),
            Some(Purpose::LateCancelFee)
        );
        assert_eq!(
            Purpose::fee_for(AppointmentStatus::NoShow),
            Some(Purpose::NoShowFee)
        );
        for status in [
            AppointmentStatus::Confirmed,
            AppointmentStatus::Completed,
            AppointmentStatus::Held,
            AppointmentStatus::PendingPayment,
        ] {
            assert_eq!(Purpose::fee_for(status), None, "{status:?}");
        }
        assert!(!Purpose::Booking.fits(AppointmentStatus::Cancelled));
    }

    #[test]
    fn codes_read_back_and_receipts_name_the_fee() {
        for purpose in [Purpose::Booking, Purpose::LateCancelFee, Purpose::NoShowFee] {
            assert_eq!(Purpose::from_code(purpose.code()), Some(purpose));
        }
        assert_eq!(Purpose::from_code("tip"), None);
        assert_eq!(Purpose::Booking.item("HydraFacial"), "HydraFacial");
        assert_eq!(
            Purpose::NoShowFee.item("HydraFacial"),
            "No-show fee for HydraFacial"
        );
    }

    #[test]
    fn a_fee_needs_an_amount_above_zero_in_the_clinics_currency() {
        let gbp = Currency::parse("GBP").unwrap();
        let typed = |amount: &str| FeeForm {
            amount: amount.to_owned(),
            note: " Called an hour before ".to_owned(),
        };
        assert_eq!(
            typed("£25").parse(gbp),
            Ok(Fee {
                amount_minor: 2_500,
                note: "Called an hour before".to_owned()
            })
        );
        for bad in ["", "0", "twenty"] {
            let problems = typed(bad).parse(gbp).unwrap_err();
            assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
            assert_eq!(problems[0].field, "amount");
        }
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(typed("3000").parse(jpy).unwrap().amount_minor, 3_000);
        assert!(typed("30.5").parse(jpy).is_err());
        let long = FeeForm {
            amount: "10".to_owned(),
            note: "x".repeat(NOTE_MAX + 1),
        };
        assert_eq!(long.parse(gbp).unwrap_err()[0].field, "note");
    }
}
