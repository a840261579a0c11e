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
    fn currency_codes_must_be_three_capitals() {
        assert!(Currency::parse("gbp").is_err());
        assert!(Currency::parse("GB").is_err());
        assert!(Currency::parse("GBPX").is_err());
        assert!(Currency::parse("£££").is_err());
        assert_eq!(Currency::parse("EUR").unwrap().code(), "EUR");
    }
}
