//! Money as an integer count of the currency's minor unit, never a float. How many of those
//! make one major unit is the currency's own (ISO 4217): a hundred pence to the pound, no
//! minor unit at all for the yen, a thousand fils to the Kuwaiti dinar.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code such as `GBP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a currency is three capital letters, such as GBP or EUR; got {0:?}")]
pub struct InvalidCurrency(pub String);

impl Currency {
    /// The demo clinic's and the tests' usual currency.
    pub const GBP: Currency = Currency(*b"GBP");

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

    /// Digits after the decimal point (ISO 4217's minor unit); two unless listed.
    pub fn decimals(&self) -> u32 {
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG"
            | b"RWF" | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            b"CLF" | b"UYW" => 4,
            _ => 2,
        }
    }

    /// Minor units in one major unit: 100 for pounds, 1 for yen.
    fn scale(&self) -> u64 {
        10u64.pow(self.decimals())
    }

    fn symbol(&self) -> Option<&'static str> {
        match &self.0 {
            b"GBP" => Some("£"),
            b"EUR" => Some("€"),
            b"USD" => Some("$"),
            b"JPY" => Some("¥"),
            b"INR" => Some("₹"),
            _ => None,
        }
    }
}

/// Symbols staff may type before an amount; the currency is the clinic's either way.
const TYPED_SYMBOLS: [char; 5] = ['£', '€', '$', '¥', '₹'];

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

/// `£85`, `£85.50`, `CHF 85.50`, `¥8,500`: whole amounts drop the pennies, as price lists
/// do.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale = self.currency.scale();
        let (major, minor) = (abs / scale, abs % scale);
        let major = group_thousands(major);
        let amount = if minor == 0 {
            major
        } else {
            let width = self.currency.decimals() as usize;
            format!("{major}.{minor:0width$}")
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
    #[error("{} has no smaller unit: enter a whole amount.", .0.code())]
    NotWhole(Currency),
    #[error("Use at most {} digits after the decimal point for {}.", .0.decimals(), .0.code())]
    TooPrecise(Currency),
    #[error("That amount is larger than any price this clinic could charge.")]
    TooLarge,
}

/// The largest amount a form may set: ten million in the major unit.
const MAX_MAJOR: u64 = 10_000_000;

/// Reads an amount as staff type it (`85`, `85.5`, `£1,250.00`) into the currency's minor
/// units (pence, cents; yen are already whole).
pub fn parse_amount(text: &str, currency: Currency) -> Result<i64, InvalidAmount> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(TYPED_SYMBOLS)
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
    let decimals = currency.decimals() as usize;
    // Trailing zeros say nothing: `8500.00` is a whole number of yen.
    let minor = minor.trim_end_matches('0');
    if minor.len() > decimals {
        return Err(if decimals == 0 {
            InvalidAmount::NotWhole(currency)
        } else {
            InvalidAmount::TooPrecise(currency)
        });
    }
    let major: u64 = major.parse().map_err(|_| InvalidAmount::TooLarge)?;
    if major > MAX_MAJOR {
        return Err(InvalidAmount::TooLarge);
    }
    let minor: u64 = format!("{minor:0<decimals$}").parse().unwrap_or(0);
    let total = major * currency.scale() + minor;
    if total > MAX_MAJOR * currency.scale() {
        return Err(InvalidAmount::TooLarge);
    }
    i64::try_from(total).map_err(|_| InvalidAmount::TooLarge)
}

/// The amount as a form field shows it: `85.00`, `8500` (yen), no symbol, no grouping.
pub fn format_amount(minor: i64, currency: Currency) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale = currency.scale();
    match currency.decimals() as usize {
        0 => format!("{sign}{abs}"),
        width => format!("{sign}{}.{:0width$}", abs / scale, abs % scale),
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
        Money::new(minor, GBP)
    }

    const GBP: Currency = Currency::GBP;
    const JPY: Currency = Currency(*b"JPY");
    const KWD: Currency = Currency(*b"KWD");

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
        assert_eq!(parse_amount("85", GBP), Ok(8_500));
        assert_eq!(parse_amount(" 85.5 ", GBP), Ok(8_550));
        assert_eq!(parse_amount("£1,250.05", GBP), Ok(125_005));
        assert_eq!(parse_amount("0", GBP), Ok(0));
    }

    #[test]
    fn amounts_that_cannot_be_prices_are_refused() {
        assert_eq!(parse_amount("", GBP), Err(InvalidAmount::Empty));
        assert_eq!(parse_amount("-5", GBP), Err(InvalidAmount::NotANumber));
        assert_eq!(parse_amount("eighty", GBP), Err(InvalidAmount::NotANumber));
        assert_eq!(parse_amount(".5", GBP), Err(InvalidAmount::NotANumber));
        assert_eq!(parse_amount("1.2.3", GBP), Err(InvalidAmount::NotANumber));
        assert_eq!(
            parse_amount("85.505", GBP),
            Err(InvalidAmount::TooPrecise(GBP))
        );
        assert_eq!(
            parse_amount("99999999999999999999", GBP),
            Err(InvalidAmount::TooLarge)
        );
        assert_eq!(parse_amount("10000001", GBP), Err(InvalidAmount::TooLarge));
        assert_eq!(
            parse_amount("10000000.01", GBP),
            Err(InvalidAmount::TooLarge)
        );
        assert_eq!(parse_amount("10000000", GBP), Ok(1_000_000_000));
    }

    #[test]
    fn yen_have_no_minor_unit() {
        assert_eq!(JPY.decimals(), 0);
        assert_eq!(parse_amount("8,500", JPY), Ok(8_500));
        assert_eq!(parse_amount("¥8500.00", JPY), Ok(8_500));
        assert_eq!(
            parse_amount("8500.5", JPY),
            Err(InvalidAmount::NotWhole(JPY))
        );
        assert_eq!(
            InvalidAmount::NotWhole(JPY).to_string(),
            "JPY has no smaller unit: enter a whole amount."
        );
        assert_eq!(Money::new(8_500, JPY).to_string(), "¥8,500");
        assert_eq!(format_amount(8_500, JPY), "8500");
    }

    #[test]
    fn dinars_have_three_decimals() {
        assert_eq!(KWD.decimals(), 3);
        assert_eq!(parse_amount("12.5", KWD), Ok(12_500));
        assert_eq!(parse_amount("12.505", KWD), Ok(12_505));
        assert_eq!(
            parse_amount("12.5055", KWD),
            Err(InvalidAmount::TooPrecise(KWD))
        );
        assert_eq!(
            InvalidAmount::TooPrecise(KWD).to_string(),
            "Use at most 3 digits after the decimal point for KWD."
        );
        assert_eq!(Money::new(12_505, KWD).to_string(), "KWD 12.505");
        assert_eq!(Money::new(12_050, KWD).to_string(), "KWD 12.050");
        assert_eq!(format_amount(12_050, KWD), "12.050");
    }

    #[test]
    fn form_amounts_round_trip() {
        for currency in [GBP, JPY, KWD] {
            for minor in [0, 5, 8_550, 125_005, 9_999_999] {
                assert_eq!(
                    parse_amount(&format_amount(minor, currency), currency),
                    Ok(minor)
                );
            }
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
