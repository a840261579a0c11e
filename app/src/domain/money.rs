//! Money as an integer count of the currency's minor unit, never a float.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code such as `GBP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a currency is three capital letters, such as GBP or EUR; got {0:?}")]
pub struct InvalidCurrency(pub String);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        let bytes = code.as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self([*a, *b, *c])),
            _ => Err(InvalidCurrency(code.to_owned())),
        }
    }

    pub fn code(&self) -> &str {
        // Only ever built from three ASCII capitals.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    fn symbol(&self) -> Option<&'static str> {
        match &self.0 {
            b"GBP" => Some("£"),
            b"EUR" => Some("€"),
            b"USD" => Some("$"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }
}

/// `£85`, `£85.50`, `CHF 85.50`: whole amounts drop the pennies, as price lists do.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let (major, minor) = (abs / 100, abs % 100);
        let major = group_thousands(major);
        let amount = if minor == 0 {
            major
        } else {
            format!("{major}.{minor:02}")
        };
        match self.currency.symbol() {
            Some(symbol) => write!(f, "{sign}{symbol}{amount}"),
            None => write!(f, "{sign}{} {amount}", self.currency.code()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAmount {
    #[error("Enter an amount, such as 85 or 85.50.")]
    Empty,
    #[error("Enter the amount as a number, such as 85 or 85.50.")]
    NotANumber,
    #[error("Use at most two digits after the decimal point.")]
    TooPrecise,
    #[error("That amount is larger than any price this clinic could charge.")]
    TooLarge,
}

/// The largest amount a form may set: ten million in the major unit.
const MAX_MINOR: i64 = 1_000_000_000;

/// Reads an amount as staff type it (`85`, `85.5`, `£1,250.00`) into minor units (pence,
/// cents). Currencies with two decimal places only, as `Display` assumes.
pub fn parse_amount(text: &str) -> Result<i64, InvalidAmount> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['£', '€', '$'])
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Err(InvalidAmount::Empty);
    }
    let (major, minor) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if major.is_empty() || !digits(major) || !digits(minor) {
        return Err(InvalidAmount::NotANumber);
    }
    if minor.len() > 2 {
        return Err(InvalidAmount::TooPrecise);
    }
    let major: i64 = major.parse().map_err(|_| InvalidAmount::TooLarge)?;
    let minor: i64 = format!("{minor:0<2}").parse().unwrap_or(0);
    major
        .checked_mul(100)
        .and_then(|m| m.checked_add(minor))
        .filter(|total| *total <= MAX_MINOR)
        .ok_or(InvalidAmount::TooLarge)
}

/// The amount as a form field shows it: `85.00`, no symbol, no grouping.
pub fn format_amount(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, (minor % 100).abs())
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp(minor: i64) -> Money {
        Money::new(minor, Currency::parse("GBP").unwrap())
    }

    #[test]
    fn whole_amounts_drop_the_pennies() {
        assert_eq!(gbp(28_000).to_string(), "£280");
    }

    #[test]
    fn pennies_are_always_two_digits() {
        assert_eq!(gbp(8_505).to_string(), "£85.05");
        assert_eq!(gbp(8_550).to_string(), "£85.50");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(gbp(12_500_000).to_string(), "£125,000");
        assert_eq!(gbp(100_000).to_string(), "£1,000");
        assert_eq!(gbp(99_900).to_string(), "£999");
    }

    #[test]
    fn refunds_show_a_minus_sign() {
        assert_eq!(gbp(-5_000).to_string(), "-£50");
    }

    #[test]
    fn currencies_without_a_symbol_use_their_code() {
        let chf = Money::new(12_050, Currency::parse("CHF").unwrap());
        assert_eq!(chf.to_string(), "CHF 120.50");
    }

    #[test]
    fn amounts_are_read_as_staff_type_them() {
        assert_eq!(parse_amount("85"), Ok(8_500));
        assert_eq!(parse_amount(" 85.5 "), Ok(8_550));
        assert_eq!(parse_amount("£1,250.05"), Ok(125_005));
        assert_eq!(parse_amount("0"), Ok(0));
    }

    #[test]
    fn amounts_that_cannot_be_prices_are_refused() {
        assert_eq!(parse_amount(""), Err(InvalidAmount::Empty));
        assert_eq!(parse_amount("-5"), Err(InvalidAmount::NotANumber));
        assert_eq!(parse_amount("eighty"), Err(InvalidAmount::NotANumber));
        assert_eq!(parse_amount(".5"), Err(InvalidAmount::NotANumber));
        assert_eq!(parse_amount("1.2.3"), Err(InvalidAmount::NotANumber));
        assert_eq!(parse_amount("85.505"), Err(InvalidAmount::TooPrecise));
        assert_eq!(
            parse_amount("99999999999999999999"),
            Err(InvalidAmount::TooLarge)
        );
        assert_eq!(parse_amount("10000001"), Err(InvalidAmount::TooLarge));
    }

    #[test]
    fn form_amounts_round_trip() {
        for minor in [0, 5, 8_550, 125_005] {
            assert_eq!(parse_amount(&format_amount(minor)), Ok(minor));
        }
    }

    #[test]
    fn currency_codes_must_be_three_capitals() {
        assert!(Currency::parse("gbp").is_err());
        assert!(Currency::parse("GB").is_err());
        assert!(Currency::parse("GBPX").is_err());
        assert!(Currency::parse("£££").is_err());
        assert_eq!(Currency::parse("EUR").unwrap().code(), "EUR");
    }
}
