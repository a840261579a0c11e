//! The clinic's own settings as an admin edits them: name, contact, time zone, currency,
//! the cancellation policy and the rules online booking follows.

use super::email::Email;
use super::form::{checkbox, clinic_phone, currency, time_zone, FieldProblem};
use super::money::Currency;
use super::payment_policy::{
    charge_fields, parse_charge, Charge, ChargeNames, PaymentPolicy, Processor, PAY_WITHIN_MINUTES,
};
use super::reminders::{parse_hours, parse_time_of_day, QuietHours, ReminderRules};
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub name: String,
    pub tagline: String,
    /// The clinic's tax registration (VAT, GST number), printed on receipts; may be empty.
    pub tax_id: String,
    pub email: String,
    pub phone: String,
    /// An IANA name such as `Europe/London`; the database knows which exist.
    pub time_zone: String,
    /// The code prices are shown in; changing it converts nothing.
    pub currency: String,
    pub late_cancel_hours: String,
    pub cancellation_policy: String,
    /// How long a chosen time is kept while the patient types, in minutes.
    pub hold_minutes: String,
    /// The step between the start times offered, in minutes.
    pub slot_minutes: String,
    /// How soon a patient may book online, in hours from now.
    pub min_notice_hours: String,
    /// How far ahead a patient may book online, in days.
    pub horizon_days: String,
    /// Whether staff may book over another appointment on purpose.
    #[serde(deserialize_with = "checkbox")]
    pub allow_double_booking: bool,
    /// Days the assistant's conversations are kept after their last message.
    pub assistant_retention_days: String,
    /// Whether video calls go through the relay (TURN) only, so neither side learns the
    /// other's network address.
    #[serde(deserialize_with = "checkbox")]
    pub video_relay_only: bool,
    /// Hours before an appointment that its reminders go, such as `24, 2`.
    pub reminder_hours: String,
    #[serde(deserialize_with = "checkbox")]
    pub remind_by_email: bool,
    #[serde(deserialize_with = "checkbox")]
    pub remind_by_sms: bool,
    #[serde(deserialize_with = "checkbox")]
    pub remind_by_whatsapp: bool,
    /// No reminder goes between these local times (`21:00` to `08:00`).
    pub quiet_hours_start: String,
    pub quiet_hours_end: String,
    /// Where online payments go: `offline`, `stripe` or `razorpay`.
    pub payment_processor: String,
    /// The usual rule: `at_clinic`, `deposit`, `percent` or `full`.
    pub payment_rule: String,
    pub payment_deposit: String,
    pub payment_percent: String,
    /// A first visit's rule; empty: the usual one.
    pub first_visit_rule: String,
    pub first_visit_deposit: String,
    pub first_visit_percent: String,
    #[serde(deserialize_with = "checkbox")]
    pub keep_card_on_file: bool,
    #[serde(deserialize_with = "checkbox")]
    pub refund_on_time_cancellation: bool,
    /// Minutes a booking waits for its payment.
    pub pay_within_minutes: String,
}

/// The rules online booking follows, as stored (minutes and days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingRules {
    pub hold_minutes: i32,
    pub slot_minutes: i32,
    pub min_notice_minutes: i32,
    pub horizon_days: i32,
    pub allow_double_booking: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub name: String,
    pub tagline: String,
    pub tax_id: String,
    pub email: Email,
    pub phone: String,
    pub time_zone: String,
    pub currency: Currency,
    pub late_cancel_hours: i32,
    pub cancellation_policy: String,
    pub booking: BookingRules,
    pub reminders: ReminderRules,
    pub payments: PaymentPolicy,
    pub assistant_retention_days: i32,
    pub video_relay_only: bool,
}

/// A whole number within `range`, or `message` against `field`. Ranges match the
/// database's checks.
fn whole(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<i32>,
    message: &str,
) -> i32 {
    match raw.trim().parse::<i32>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            problems.push(FieldProblem::new(field, message));
            *range.start()
        }
    }
}

/// The settings form's fields for the usual payment rule.
pub const USUAL_CHARGE: ChargeNames = ChargeNames {
    rule: "payment_rule",
    deposit: "payment_deposit",
    percent: "payment_percent",
};

/// The settings form's fields for a first visit's payment rule.
pub const FIRST_VISIT_CHARGE: ChargeNames = ChargeNames {
    rule: "first_visit_rule",
    deposit: "first_visit_deposit",
    percent: "first_visit_percent",
};

/// Two weeks: a longer window would stop patients cancelling almost anything.
pub const LATE_CANCEL_MAX_HOURS: i32 = 336;

impl SettingsForm {
    /// The payment fields filled in from the saved `policy`, amounts in `currency`.
    pub fn with_payments(self, policy: &PaymentPolicy, currency: Currency) -> Self {
        let (payment_rule, payment_deposit, payment_percent) =
            charge_fields(Some(policy.usual), currency);
        let (first_visit_rule, first_visit_deposit, first_visit_percent) =
            charge_fields(policy.first_visit, currency);
        SettingsForm {
            payment_processor: policy.processor.code().to_owned(),
            payment_rule,
            payment_deposit,
            payment_percent,
            first_visit_rule,
            first_visit_deposit,
            first_visit_percent,
            keep_card_on_file: policy.keep_card,
            refund_on_time_cancellation: policy.refund_on_time_cancellation,
            pay_within_minutes: policy.pay_within_minutes.to_string(),
            ..self
        }
    }

    pub fn parse(&self) -> Result<Settings, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 120 {
            problems.push(FieldProblem::new(
                "name",
                "Enter the clinic's name, up to 120 characters.",
            ));
        }
        let tagline = self.tagline.trim().to_owned();
        if tagline.chars().count() > 200 {
            problems.push(FieldProblem::new(
                "tagline",
                "Keep the tagline to 200 characters or fewer.",
            ));
        }
        let tax_id = self.tax_id.trim().to_owned();
        if tax_id.chars().count() > 40 {
            problems.push(FieldProblem::new(
                "tax_id",
                "Enter the tax number as it is registered, up to 40 characters.",
            ));
        }
        let email = Email::parse(&self.email)
            .map_err(|error| problems.push(FieldProblem::new("email", error)));
        let phone = clinic_phone(&mut problems, "phone", &self.phone);
        let time_zone = time_zone(&mut problems, "time_zone", &self.time_zone);
        let currency = currency(&mut problems, "currency", &self.currency);
        let late_cancel_hours = match self.late_cancel_hours.trim().parse::<i32>() {
            Ok(h) if (0..=LATE_CANCEL_MAX_HOURS).contains(&h) => h,
            _ => {
                problems.push(FieldProblem::new(
                    "late_cancel_hours",
                    format!("Enter a whole number of hours from 0 to {LATE_CANCEL_MAX_HOURS}."),
                ));
                0
            }
        };
        let cancellation_policy = self.cancellation_policy.trim().to_owned();
        if cancellation_policy.chars().count() > 2_000 {
            problems.push(FieldProblem::new(
                "cancellation_policy",
                "Keep the policy to 2,000 characters or fewer.",
            ));
        }
        let booking = BookingRules {
            hold_minutes: whole(
                &mut problems,
                "hold_minutes",
                &self.hold_minutes,
                1..=60,
                "Enter how many minutes to keep a chosen time, from 1 to 60.",
            ),
            slot_minutes: whole(
                &mut problems,
                "slot_minutes",
                &self.slot_minutes,
                5..=120,
                "Enter the minutes between start times, from 5 to 120.",
            ),
            min_notice_minutes: whole(
                &mut problems,
                "min_notice_hours",
                &self.min_notice_hours,
                0..=336,
                "Enter a whole number of hours from 0 to 336 (two weeks).",
            ) * 60,
            horizon_days: whole(
                &mut problems,
                "horizon_days",
                &self.horizon_days,
                1..=365,
                "Enter a whole number of days from 1 to 365.",
            ),
            allow_double_booking: self.allow_double_booking,
        };
        let assistant_retention_days = whole(
            &mut problems,
            "assistant_retention_days",
            &self.assistant_retention_days,
            1..=3650,
            "Enter a whole number of days from 1 to 3,650 (ten years).",
        );
        let hours_before = parse_hours(&self.reminder_hours)
            .map_err(|problem| problems.push(FieldProblem::new("reminder_hours", problem)))
            .unwrap_or_default();
        let mut time_of_day = |field: &str, raw: &str| {
            parse_time_of_day(raw).unwrap_or_else(|| {
                problems.push(FieldProblem::new(
                    field,
                    "Enter a time of day as hours and minutes, such as 21:00.",
                ));
                NaiveTime::MIN
            })
        };
        let quiet = QuietHours {
            start: time_of_day("quiet_hours_start", &self.quiet_hours_start),
            end: time_of_day("quiet_hours_end", &self.quiet_hours_end),
        };
        let reminders = ReminderRules {
            hours_before,
            by_email: self.remind_by_email,
            by_sms: self.remind_by_sms,
            by_whatsapp: self.remind_by_whatsapp,
            quiet,
        };
        let payments = currency.map(|currency| self.payment_policy(&mut problems, currency));
        match (email, currency, payments) {
            (Ok(email), Some(currency), Some(payments)) if problems.is_empty() => Ok(Settings {
                name,
                tagline,
                tax_id,
                email,
                phone,
                time_zone,
                currency,
                late_cancel_hours,
                cancellation_policy,
                booking,
                reminders,
                payments,
                assistant_retention_days,
                video_relay_only: self.video_relay_only,
            }),
            _ => Err(problems),
        }
    }

    /// The payment fields, with amounts in the clinic's `currency`.
    fn payment_policy(
        &self,
        problems: &mut Vec<FieldProblem>,
        currency: Currency,
    ) -> PaymentPolicy {
        let processor = Processor::parse(self.payment_processor.trim()).unwrap_or_else(|| {
            problems.push(FieldProblem::new(
                "payment_processor",
                "Choose how patients pay online, or that they pay at the clinic.",
            ));
            Processor::Offline
        });
        let usual = (
            self.payment_rule.as_str(),
            self.payment_deposit.as_str(),
            self.payment_percent.as_str(),
        );
        let usual = match parse_charge(problems, USUAL_CHARGE, usual, currency) {
            Some(charge) => charge,
            None if self.payment_rule.trim().is_empty() => {
                problems.push(FieldProblem::new(
                    USUAL_CHARGE.rule,
                    "Choose what patients pay when they book.",
                ));
                Charge::AtClinic
            }
            None => Charge::AtClinic,
        };
        let first_visit = (
            self.first_visit_rule.as_str(),
            self.first_visit_deposit.as_str(),
            self.first_visit_percent.as_str(),
        );
        let first_visit = parse_charge(problems, FIRST_VISIT_CHARGE, first_visit, currency);
        let pay_within_minutes = whole(
            problems,
            "pay_within_minutes",
            &self.pay_within_minutes,
            PAY_WITHIN_MINUTES,
            "Enter how many minutes a booking waits for its payment, from 30 to 1440 (a day).",
        );
        if self.keep_card_on_file && processor == Processor::Razorpay {
            // Charging a kept card later is built on Stripe's saved cards only.
            problems.push(FieldProblem::new(
                "keep_card_on_file",
                "Keeping the card for late-cancel and no-show fees works with Stripe only. Untick it to take payments through Razorpay.",
            ));
        }
        PaymentPolicy {
            processor,
            usual,
            first_visit,
            keep_card: self.keep_card_on_file,
            refund_on_time_cancellation: self.refund_on_time_cancellation,
            pay_within_minutes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    fn form() -> SettingsForm {
        SettingsForm {
            name: "Juniper Skin".to_owned(),
            tagline: String::new(),
            tax_id: "GB 123 4567 89".to_owned(),
            email: "hello@juniper.example".to_owned(),
            phone: "+44 131 496 0000".to_owned(),
            time_zone: "Europe/London".to_owned(),
            currency: "GBP".to_owned(),
            late_cancel_hours: "24".to_owned(),
            cancellation_policy: "Please give us a day's notice.".to_owned(),
            hold_minutes: "10".to_owned(),
            slot_minutes: "15".to_owned(),
            min_notice_hours: "2".to_owned(),
            horizon_days: "60".to_owned(),
            allow_double_booking: false,
            assistant_retention_days: "90".to_owned(),
            video_relay_only: false,
            reminder_hours: "24, 2".to_owned(),
            remind_by_email: true,
            remind_by_sms: false,
            remind_by_whatsapp: false,
            quiet_hours_start: "21:00".to_owned(),
            quiet_hours_end: "08:00".to_owned(),
            payment_processor: "stripe".to_owned(),
            payment_rule: "deposit".to_owned(),
            payment_deposit: "50".to_owned(),
            payment_percent: String::new(),
            first_visit_rule: String::new(),
            first_visit_deposit: String::new(),
            first_visit_percent: String::new(),
            keep_card_on_file: true,
            refund_on_time_cancellation: true,
            pay_within_minutes: "30".to_owned(),
        }
    }

    #[test]
    fn a_saved_policy_fills_the_fields_it_was_read_from() {
        let settings = SettingsForm {
            first_visit_rule: "percent".to_owned(),
            first_visit_percent: "40".to_owned(),
            ..form()
        }
        .parse()
        .unwrap();
        // The usual form asks nothing more of a first visit: every payment field is refilled.
        let again = form().with_payments(&settings.payments, settings.currency);
        assert_eq!(again.parse().unwrap().payments, settings.payments);
    }

    #[test]
    fn a_card_is_kept_for_fees_only_through_stripe() {
        let razorpay = |keep_card_on_file| SettingsForm {
            payment_processor: "razorpay".to_owned(),
            keep_card_on_file,
            ..form()
        };
        let problems = razorpay(true).parse().unwrap_err();
        assert!(problem_for(&problems, "keep_card_on_file")
            .unwrap()
            .contains("Stripe only"));
        assert_eq!(
            razorpay(false).parse().unwrap().payments.processor,
            Processor::Razorpay
        );
    }

    #[test]
    fn the_payment_policy_is_read_in_the_clinics_currency() {
        let policy = form().parse().unwrap().payments;
        assert_eq!(policy.processor, Processor::Stripe);
        assert_eq!(policy.usual, Charge::Deposit(5_000));
        assert_eq!(policy.first_visit, None);
        assert!(policy.keep_card);
        let yen = SettingsForm {
            currency: "JPY".to_owned(),
            payment_deposit: "5000".to_owned(),
            first_visit_rule: "percent".to_owned(),
            first_visit_percent: "50".to_owned(),
            ..form()
        }
        .parse()
        .unwrap()
        .payments;
        assert_eq!(yen.usual, Charge::Deposit(5_000));
        assert_eq!(yen.first_visit, Some(Charge::Percent(50)));
        let problems = SettingsForm {
            payment_processor: "paypal".to_owned(),
            payment_deposit: "50.5".to_owned(),
            currency: "JPY".to_owned(),
            pay_within_minutes: "10".to_owned(),
            ..form()
        }
        .parse()
        .unwrap_err();
        for field in ["payment_processor", "payment_deposit", "pay_within_minutes"] {
            assert!(
                problem_for(&problems, field).is_some(),
                "{field}: {problems:?}"
            );
        }
        let problems = SettingsForm {
            payment_rule: String::new(),
            ..form()
        }
        .parse()
        .unwrap_err();
        assert!(problem_for(&problems, "payment_rule").is_some());
    }

    #[test]
    fn reminders_and_quiet_hours_are_read_with_a_problem_for_each_bad_field() {
        let settings = form().parse().unwrap();
        assert_eq!(settings.reminders.hours_before, [24, 2]);
        assert_eq!(settings.reminders.quiet, QuietHours::default());
        let problems = SettingsForm {
            reminder_hours: "the day before".to_owned(),
            quiet_hours_end: "8am".to_owned(),
            ..form()
        }
        .parse()
        .unwrap_err();
        assert!(problem_for(&problems, "reminder_hours").is_some());
        assert!(problem_for(&problems, "quiet_hours_end").is_some());
        assert!(problem_for(&problems, "quiet_hours_start").is_none());
    }

    #[test]
    fn booking_rules_are_whole_numbers_within_what_the_database_allows() {
        let settings = form().parse().unwrap();
        assert_eq!(settings.booking.min_notice_minutes, 120);
        assert_eq!(settings.assistant_retention_days, 90);
        let problems = SettingsForm {
            hold_minutes: "0".to_owned(),
            slot_minutes: "two".to_owned(),
            min_notice_hours: "337".to_owned(),
            horizon_days: "366".to_owned(),
            assistant_retention_days: "0".to_owned(),
            ..form()
        }
        .parse()
        .unwrap_err();
        for field in [
            "hold_minutes",
            "slot_minutes",
            "min_notice_hours",
            "horizon_days",
            "assistant_retention_days",
        ] {
            assert!(problem_for(&problems, field).is_some(), "{field}");
        }
    }

    #[test]
    fn good_settings_pass() {
        let settings = form().parse().unwrap();
        assert_eq!(settings.late_cancel_hours, 24);
        assert_eq!(settings.email.as_str(), "hello@juniper.example");
    }

    #[test]
    fn each_bad_field_is_named() {
        let problems = SettingsForm {
            name: " ".to_owned(),
            email: "nope".to_owned(),
            phone: "call us".to_owned(),
            time_zone: String::new(),
            currency: "pounds".to_owned(),
            late_cancel_hours: "400".to_owned(),
            ..form()
        }
        .parse()
        .unwrap_err();
        for field in [
            "name",
            "email",
            "phone",
            "time_zone",
            "currency",
            "late_cancel_hours",
        ] {
            assert!(problem_for(&problems, field).is_some(), "{field}");
        }
    }
}
