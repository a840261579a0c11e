//! What a clinic asks patients to pay online when they book, and how much that comes to.
//! The clinic sets a usual rule, may ask more of a patient's first visit, and each
//! treatment may have a rule of its own.

use super::form::FieldProblem;
use super::money::{format_amount, parse_amount, Currency, Money};
use serde::{Deserialize, Serialize};

/// What is taken online when a booking is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Charge {
    /// Nothing online: the patient pays at the clinic.
    AtClinic,
    /// A fixed deposit in minor units; a cheaper treatment asks only its price.
    Deposit(i64),
    /// A share of the price, from 1 to 100 percent.
    Percent(u8),
    /// The whole price.
    Full,
}

impl Charge {
    /// The amount due online for a treatment priced `price` (minor units). A percentage is
    /// rounded to the nearest minor unit, halves up, so 15% of ¥3,333 is ¥500.
    pub fn due(self, price: i64) -> i64 {
        match self {
            Charge::AtClinic => 0,
            Charge::Deposit(amount) => amount.min(price),
            Charge::Percent(percent) => (price * i64::from(percent) + 50) / 100,
            Charge::Full => price,
        }
    }

    /// The rule's name as the database and the forms spell it.
    pub fn kind(self) -> &'static str {
        match self {
            Charge::AtClinic => "at_clinic",
            Charge::Deposit(_) => "deposit",
            Charge::Percent(_) => "percent",
            Charge::Full => "full",
        }
    }

    /// The rule from its stored parts; `None` for a kind the database would not hold.
    pub fn from_stored(kind: &str, deposit_minor: i64, percent: i16) -> Option<Charge> {
        Some(match kind {
            "at_clinic" => Charge::AtClinic,
            "deposit" => Charge::Deposit(deposit_minor),
            "percent" => Charge::Percent(u8::try_from(percent).ok()?),
            "full" => Charge::Full,
            _ => return None,
        })
    }

    /// The fixed deposit, if this rule is one (else zero, as the database stores it).
    pub fn deposit_minor(self) -> i64 {
        match self {
            Charge::Deposit(amount) => amount,
            _ => 0,
        }
    }

    /// The percentage, if this rule is one (else zero, as the database stores it).
    pub fn percent(self) -> i16 {
        match self {
            Charge::Percent(percent) => i16::from(percent),
            _ => 0,
        }
    }

    /// The rule in a few words for staff lists: `£50 deposit`, `25% deposit`.
    pub fn summary(self, currency: Currency) -> String {
        match self {
            Charge::AtClinic => "At the clinic".to_owned(),
            Charge::Deposit(amount) => format!("{} deposit", Money::new(amount, currency)),
            Charge::Percent(percent) => format!("{percent}% deposit"),
            Charge::Full => "Full price".to_owned(),
        }
    }
}

/// How a patient reads what is `due` when they book a treatment priced `price`.
pub fn describe_due(due: i64, price: i64, currency: Currency) -> String {
    let amount = Money::new(due, currency);
    if due == 0 {
        "Nothing until your visit".to_owned()
    } else if due >= price {
        format!("{amount}, the full price, when you book")
    } else {
        format!("{amount} deposit when you book, part of the price")
    }
}

/// Where online payments are taken. The keys for each come from the server's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Processor {
    /// Nothing is taken online: the patient pays at the clinic.
    Offline,
    Stripe,
    Razorpay,
}

impl Processor {
    pub const ALL: [Processor; 3] = [Processor::Offline, Processor::Stripe, Processor::Razorpay];

    pub fn code(self) -> &'static str {
        match self {
            Processor::Offline => "offline",
            Processor::Stripe => "stripe",
            Processor::Razorpay => "razorpay",
        }
    }

    pub fn parse(code: &str) -> Option<Processor> {
        Processor::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Processor::Offline => "Nothing online: patients pay at the clinic",
            Processor::Stripe => "Stripe",
            Processor::Razorpay => "Razorpay",
        }
    }
}

/// Stripe lets a Checkout Session live from 30 minutes to 24 hours, and a booking waits for
/// its payment exactly as long as its session.
pub const PAY_WITHIN_MINUTES: std::ops::RangeInclusive<i32> = 30..=1_440;

/// The clinic's rules for taking money when patients book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentPolicy {
    pub processor: Processor,
    /// The rule for treatments without one of their own.
    pub usual: Charge,
    /// Asked of a patient's first visit instead, when it comes to more.
    pub first_visit: Option<Charge>,
    /// Keep the card for late-cancel and no-show fees; patients are told before paying.
    pub keep_card: bool,
    /// Refund the payment when a patient cancels before the late-cancel window.
    pub refund_on_time_cancellation: bool,
    /// How long a booking waits for its payment before its time is released.
    pub pay_within_minutes: i32,
}

impl Default for PaymentPolicy {
    fn default() -> Self {
        PaymentPolicy {
            processor: Processor::Offline,
            usual: Charge::AtClinic,
            first_visit: None,
            keep_card: false,
            refund_on_time_cancellation: true,
            pay_within_minutes: 30,
        }
    }
}

impl PaymentPolicy {
    /// The rule a treatment follows: its own, or the clinic's usual one.
    pub fn rule_for(&self, treatment: Option<Charge>) -> Charge {
        treatment.unwrap_or(self.usual)
    }

    /// What a patient pays online to book a treatment priced `price` whose own rule is
    /// `treatment`. Nothing when the clinic takes no payments online. A first visit pays
    /// the first-visit rule's amount when that is more: the rule exists to ask new patients
    /// for more commitment, never less.
    pub fn due_online(&self, price: i64, treatment: Option<Charge>, first_visit: bool) -> i64 {
        if self.processor == Processor::Offline {
            return 0;
        }
        let usual = self.rule_for(treatment).due(price);
        match self.first_visit {
            Some(rule) if first_visit => usual.max(rule.due(price)),
            _ => usual,
        }
    }
}

/// A form's names for the three fields a rule is typed in: which rule, the fixed deposit,
/// the share of the price. Each is also the field's id and the name its problems are filed
/// under, so the form and the parser read them from one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChargeNames {
    pub rule: &'static str,
    pub deposit: &'static str,
    pub percent: &'static str,
}

/// A rule as typed: `(rule, deposit, percent)`.
pub type ChargeText<'a> = (&'a str, &'a str, &'a str);

/// Reads a rule typed in the fields `names`. An empty rule is `None` (the clinic's, or the
/// same as usual); a bad one adds its problem against its own field.
pub fn parse_charge(
    problems: &mut Vec<FieldProblem>,
    names: ChargeNames,
    (rule, deposit, percent): ChargeText<'_>,
    currency: Currency,
) -> Option<Charge> {
    match rule.trim() {
        "" => None,
        "at_clinic" => Some(Charge::AtClinic),
        "full" => Some(Charge::Full),
        "deposit" => {
            let field = names.deposit;
            match parse_amount(deposit, currency) {
                Ok(0) => {
                    problems.push(FieldProblem::new(
                        field,
                        "Enter the deposit, or choose to take nothing online.",
                    ));
                    None
                }
                Ok(amount) => Some(Charge::Deposit(amount)),
                Err(error) => {
                    problems.push(FieldProblem::new(field, error));
                    None
                }
            }
        }
        "percent" => {
            let field = names.percent;
            match percent.trim().trim_end_matches('%').trim().parse::<u8>() {
                Ok(percent) if (1..=100).contains(&percent) => Some(Charge::Percent(percent)),
                _ => {
                    problems.push(FieldProblem::new(
                        field,
                        "Enter the share of the price as a whole percentage from 1 to 100.",
                    ));
                    None
                }
            }
        }
        _ => {
            problems.push(FieldProblem::new(names.rule, "Choose one of the rules."));
            None
        }
    }
}

/// A rule's fields as a form shows them: `(rule, deposit, percent)`.
pub fn charge_fields(charge: Option<Charge>, currency: Currency) -> (String, String, String) {
    match charge {
        None => (String::new(), String::new(), String::new()),
        Some(charge) => (
            charge.kind().to_owned(),
            match charge {
                Charge::Deposit(amount) => format_amount(amount, currency),
                _ => String::new(),
            },
            match charge {
                Charge::Percent(percent) => percent.to_string(),
                _ => String::new(),
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    fn online(usual: Charge, first_visit: Option<Charge>) -> PaymentPolicy {
        PaymentPolicy {
            processor: Processor::Stripe,
            usual,
            first_visit,
            ..PaymentPolicy::default()
        }
    }

    #[test]
    fn each_rule_comes_to_its_own_amount() {
        assert_eq!(Charge::AtClinic.due(35_000), 0);
        assert_eq!(Charge::Deposit(5_000).due(35_000), 5_000);
        assert_eq!(Charge::Full.due(35_000), 35_000);
        assert_eq!(Charge::Percent(20).due(35_000), 7_000);
    }

    #[test]
    fn a_deposit_never_exceeds_the_price_and_a_free_treatment_costs_nothing() {
        assert_eq!(Charge::Deposit(5_000).due(3_000), 3_000);
        for rule in [Charge::Deposit(5_000), Charge::Percent(50), Charge::Full] {
            assert_eq!(rule.due(0), 0, "{rule:?}");
        }
    }

    #[test]
    fn a_percentage_rounds_to_the_nearest_minor_unit() {
        // In yen the minor unit is the yen: 15% of ¥3,333 is ¥499.95.
        assert_eq!(Charge::Percent(15).due(3_333), 500);
        assert_eq!(Charge::Percent(10).due(3_334), 333);
        assert_eq!(Charge::Percent(50).due(1), 1);
        assert_eq!(Charge::Percent(100).due(12_345), 12_345);
    }

    #[test]
    fn nothing_is_due_online_when_the_clinic_takes_no_payments_online() {
        let policy = PaymentPolicy {
            processor: Processor::Offline,
            ..online(Charge::Full, Some(Charge::Full))
        };
        assert_eq!(policy.due_online(35_000, Some(Charge::Full), true), 0);
    }

    #[test]
    fn a_treatments_own_rule_replaces_the_usual_one() {
        let policy = online(Charge::Percent(10), None);
        assert_eq!(policy.due_online(35_000, None, false), 3_500);
        assert_eq!(policy.due_online(35_000, Some(Charge::AtClinic), false), 0);
        assert_eq!(policy.due_online(35_000, Some(Charge::Full), false), 35_000);
    }

    #[test]
    fn a_first_visit_pays_the_first_visit_rule_only_when_it_asks_more() {
        let policy = online(Charge::Deposit(5_000), Some(Charge::Percent(50)));
        assert_eq!(policy.due_online(35_000, None, true), 17_500);
        assert_eq!(policy.due_online(35_000, None, false), 5_000);
        // A treatment paid in full keeps asking the full price of a new patient.
        assert_eq!(policy.due_online(35_000, Some(Charge::Full), true), 35_000);
    }

    #[test]
    fn a_rule_survives_being_stored() {
        for rule in [
            Charge::AtClinic,
            Charge::Deposit(5_000),
            Charge::Percent(25),
            Charge::Full,
        ] {
            assert_eq!(
                Charge::from_stored(rule.kind(), rule.deposit_minor(), rule.percent()),
                Some(rule)
            );
        }
        assert_eq!(Charge::from_stored("later", 0, 0), None);
        assert_eq!(Charge::from_stored("percent", 0, 300), None);
    }

    fn parse(rule: &str, deposit: &str, percent: &str) -> (Option<Charge>, Vec<FieldProblem>) {
        let mut problems = Vec::new();
        let names = ChargeNames {
            rule: "rule",
            deposit: "deposit",
            percent: "percent",
        };
        let charge = parse_charge(
            &mut problems,
            names,
            (rule, deposit, percent),
            Currency::GBP,
        );
        (charge, problems)
    }

    #[test]
    fn a_rule_is_read_as_typed_with_the_problem_against_its_field() {
        assert_eq!(parse("", "", "").0, None);
        assert_eq!(parse("deposit", "£50", "").0, Some(Charge::Deposit(5_000)));
        assert_eq!(parse("percent", "", " 20 % ").0, Some(Charge::Percent(20)));
        assert_eq!(parse("full", "nonsense", "ignored").0, Some(Charge::Full));
        let (_, problems) = parse("deposit", "0", "");
        assert!(problem_for(&problems, "deposit").is_some());
        let (_, problems) = parse("percent", "", "150");
        assert!(problem_for(&problems, "percent").is_some());
        let (_, problems) = parse("sometimes", "", "");
        assert!(problem_for(&problems, "rule").is_some());
    }

    #[test]
    fn a_rule_fills_the_fields_it_was_read_from() {
        for rule in [Charge::Deposit(5_050), Charge::Percent(30), Charge::Full] {
            let (kind, deposit, percent) = charge_fields(Some(rule), Currency::GBP);
            assert_eq!(parse(&kind, &deposit, &percent).0, Some(rule));
        }
    }

    #[test]
    fn staff_read_each_rule_in_a_few_words() {
        let gbp = Currency::GBP;
        let summaries = [
            Charge::AtClinic,
            Charge::Deposit(5_000),
            Charge::Percent(25),
            Charge::Full,
        ]
        .map(|rule| rule.summary(gbp));
        assert_eq!(
            summaries,
            ["At the clinic", "£50 deposit", "25% deposit", "Full price"]
        );
    }

    #[test]
    fn patients_read_what_they_pay_when_they_book() {
        let gbp = Currency::GBP;
        assert_eq!(
            describe_due(5_000, 35_000, gbp),
            "£50 deposit when you book, part of the price"
        );
        assert_eq!(
            describe_due(35_000, 35_000, gbp),
            "£350, the full price, when you book"
        );
        assert_eq!(describe_due(0, 35_000, gbp), "Nothing until your visit");
    }
}
