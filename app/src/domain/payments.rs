//! Payments as the clinic's books see them: what each was for (the booking's deposit, a
//! fee, money taken at the desk), how money was taken at the desk, the fees a clinic charges
//! to a card the patient let it keep (a late cancellation, or not turning up; charged by
//! hand for an appointment that ended that way, one at a time), and an appointment's
//! balance.

use super::appointment::AppointmentStatus;
use super::form::FieldProblem;
use super::money::{parse_amount, Currency};
use super::payment_policy::Processor;
use super::refunds::NOTE_MAX;
use serde::{Deserialize, Serialize};

/// What a payment was taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The deposit or prepayment taken when the patient booked.
    Booking,
    LateCancelFee,
    NoShowFee,
    /// Taken at the clinic's desk, towards the treatment.
    AtDesk,
}

impl Purpose {
    pub const FEES: [Purpose; 2] = [Purpose::LateCancelFee, Purpose::NoShowFee];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Booking => "booking",
            Purpose::LateCancelFee => "late_cancel_fee",
            Purpose::NoShowFee => "no_show_fee",
            Purpose::AtDesk => "at_desk",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        [
            Purpose::Booking,
            Purpose::LateCancelFee,
            Purpose::NoShowFee,
            Purpose::AtDesk,
        ]
        .into_iter()
        .find(|p| p.code() == code)
    }

    /// The line on a receipt and on the appointment page.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Booking => "Paid when booking",
            Purpose::LateCancelFee => "Late-cancellation fee",
            Purpose::NoShowFee => "No-show fee",
            Purpose::AtDesk => "Paid at the desk",
        }
    }

    /// What a receipt lists the payment as: the treatment, or the fee for it.
    pub fn item(self, treatment: &str) -> String {
        match self {
            Purpose::Booking | Purpose::AtDesk => treatment.to_owned(),
            fee => format!("{} for {treatment}", fee.label()),
        }
    }

    /// Whether it is a fee.
    pub fn is_fee(self) -> bool {
        Purpose::FEES.contains(&self)
    }

    /// Whether an appointment that ended as `status` may be charged this fee.
    pub fn fits(self, status: AppointmentStatus) -> bool {
        match self {
            Purpose::Booking | Purpose::AtDesk => false,
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
        self.parse_as(
            currency,
            "Enter the fee, as the clinic's cancellation policy states it.",
        )
    }

    /// An amount and a note, with `missing` said when the amount is empty.
    fn parse_as(&self, currency: Currency, missing: &str) -> Result<Fee, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let amount_minor = match self.amount.trim() {
            "" => {
                problems.push(FieldProblem::new("amount", missing));
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

/// How money was taken at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskMethod {
    Cash,
    CardTerminal,
}

impl DeskMethod {
    pub const ALL: [DeskMethod; 2] = [DeskMethod::Cash, DeskMethod::CardTerminal];

    /// Its code, stored as the payment's processor.
    pub fn code(self) -> &'static str {
        match self {
            DeskMethod::Cash => "cash",
            DeskMethod::CardTerminal => "card_terminal",
        }
    }

    pub fn from_code(code: &str) -> Option<DeskMethod> {
        DeskMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeskMethod::Cash => "Cash",
            DeskMethod::CardTerminal => "Card, on the clinic's terminal",
        }
    }
}

/// How a payment was made, as patients and staff read it, from its stored processor:
/// `Cash`, `Card, on the clinic's terminal`, `Card, through Stripe`.
pub fn how_paid(processor: &str) -> String {
    match DeskMethod::from_code(processor) {
        Some(desk) => desk.label().to_owned(),
        None => format!(
            "Card, through {}",
            Processor::parse(processor).map_or("a payment service", Processor::label)
        ),
    }
}

/// Staff recording money taken at the desk, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeskPaymentForm {
    pub amount: String,
    /// `cash` or `card_terminal`.
    pub method: String,
    pub note: String,
}

/// A desk payment that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskPayment {
    pub amount_minor: i64,
    pub method: DeskMethod,
    pub note: String,
}

impl DeskPaymentForm {
    pub fn parse(&self, currency: Currency) -> Result<DeskPayment, Vec<FieldProblem>> {
        let fee = FeeForm {
            amount: self.amount.clone(),
            note: self.note.clone(),
        };
        let method = DeskMethod::from_code(self.method.trim());
        match (fee.parse_as(currency, "Enter the amount taken."), method) {
            (Ok(fee), Some(method)) => Ok(DeskPayment {
                amount_minor: fee.amount_minor,
                method,
                note: fee.note,
            }),
            (parsed, method) => {
                let mut problems = parsed.err().unwrap_or_default();
                if method.is_none() {
                    problems.push(FieldProblem::new(
                        "method",
                        "Choose how it was paid: cash, or the card terminal.",
                    ));
                }
                Err(problems)
            }
        }
    }
}

/// Where an appointment's money stands: its price, what was paid (deposit, fees, at the
/// desk) and went back, and what is left to pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    pub price: i64,
    pub paid: i64,
    pub refunded: i64,
    /// What the patient still owes for the treatment; nothing once it was cancelled or
    /// missed (a fee is charged on its own, not owed).
    pub left_to_pay: i64,
}

impl Balance {
    /// For an appointment priced `price` that is (or ended) `status`, with `paid` taken
    /// towards it in all and `refunded` of that returned.
    pub fn of(price: i64, status: AppointmentStatus, paid: i64, refunded: i64) -> Balance {
        let owes = matches!(
            status,
            AppointmentStatus::Confirmed | AppointmentStatus::Completed
        );
        Balance {
            price,
            paid,
            refunded,
            left_to_pay: if owes {
                (price - (paid - refunded)).max(0)
            } else {
                0
            },
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
        for purpose in [
            Purpose::Booking,
            Purpose::LateCancelFee,
            Purpose::NoShowFee,
            Purpose::AtDesk,
        ] {
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
    fn money_at_the_desk_needs_an_amount_and_how_it_was_paid() {
        let gbp = Currency::parse("GBP").unwrap();
        let typed = |amount: &str, method: &str| DeskPaymentForm {
            amount: amount.to_owned(),
            method: method.to_owned(),
            note: String::new(),
        };
        assert_eq!(
            typed("70", "card_terminal").parse(gbp),
            Ok(DeskPayment {
                amount_minor: 7_000,
                method: DeskMethod::CardTerminal,
                note: String::new()
            })
        );
        let fields = |form: DeskPaymentForm| -> Vec<String> {
            form.parse(gbp)
                .unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        assert_eq!(fields(typed("", "cash")), ["amount"]);
        assert_eq!(fields(typed("70", "cheque")), ["method"]);
        assert_eq!(fields(typed("0", "")), ["amount", "method"]);
        for method in DeskMethod::ALL {
            assert_eq!(DeskMethod::from_code(method.code()), Some(method));
        }
    }

    #[test]
    fn a_payment_says_how_it_was_made() {
        assert_eq!(how_paid("stripe"), "Card, through Stripe");
        assert_eq!(how_paid("cash"), "Cash");
        assert_eq!(how_paid("card_terminal"), "Card, on the clinic's terminal");
    }

    #[test]
    fn the_balance_is_what_is_left_of_the_price_once_refunds_are_taken_off() {
        use AppointmentStatus::*;
        let balance = Balance::of(12_000, Confirmed, 5_000, 0);
        assert_eq!(balance.left_to_pay, 7_000);
        assert_eq!(Balance::of(12_000, Completed, 12_000, 0).left_to_pay, 0);
        assert_eq!(
            Balance::of(12_000, Completed, 5_000, 2_000).left_to_pay,
            9_000
        );
        // Paid more than the price (a fee, say): nothing left, never less than nothing.
        assert_eq!(Balance::of(12_000, Completed, 15_000, 0).left_to_pay, 0);
        // A cancelled or missed appointment owes nothing for its treatment.
        assert_eq!(Balance::of(12_000, Cancelled, 5_000, 0).left_to_pay, 0);
        assert_eq!(Balance::of(12_000, NoShow, 0, 0).left_to_pay, 0);
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
