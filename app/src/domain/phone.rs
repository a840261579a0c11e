//! Phone numbers as texts and WhatsApp need them: E.164 (`+` and up to 15 digits), made at
//! input from however people write them. A number written the national way (07700 900123)
//! is read as one of the clinic's own country, whose calling code comes from the clinic's
//! own (international) phone number.

use serde::{Deserialize, Serialize};

/// A country's calling code, such as 44 for the United Kingdom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingCode(u16);

/// Two-digit calling codes; the rest are one digit (1 and 7) or three. The codes are
/// prefix-free, so the first digits of a number say how long its code is.
const TWO_DIGIT_CODES: [u16; 44] = [
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56,
    57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
];

impl CallingCode {
    /// The calling code an international number (`+44 131 496 0000`) starts with; `None`
    /// for a number written without one.
    pub fn of(typed: &str) -> Option<CallingCode> {
        let number = E164::parse(typed, None).ok()?;
        Some(number.calling_code())
    }

    /// A code known to be one, such as the demo clinic's 44.
    pub const fn of_known(code: u16) -> CallingCode {
        CallingCode(code)
    }

    /// The code as a number: 44 for `+44`.
    pub const fn code(self) -> u16 {
        self.0
    }
}

/// A phone number in E.164: `+`, the calling code, the national number; 8 to 15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct E164(String);

/// Why a typed number is not one we can text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProblem {
    /// Letters or signs a phone number does not have, or too few or too many digits.
    NotANumber,
    /// Written the national way, and the clinic's own country is not known.
    NeedsCountryCode,
}

impl E164 {
    /// Reads a number as people write it: spaces, dots, dashes and brackets are ignored, a
    /// leading `00` (or `011` in North America) means `+`, and `+44 (0)131…`'s `(0)` is
    /// dropped. Without `+`, the number is a national one of `home`'s country: its trunk
    /// prefix (the leading 0, or 1 in North America) is replaced by the calling code.
    pub fn parse(typed: &str, home: Option<CallingCode>) -> Result<E164, PhoneProblem> {
        let typed = typed.trim().replace("(0)", "");
        if typed.is_empty()
            || !typed
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().\u{a0}".contains(c))
            || typed.chars().skip(1).any(|c| c == '+')
        {
            return Err(PhoneProblem::NotANumber);
        }
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        let international = if typed.starts_with('+') {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if let (Some(rest), Some(CallingCode(1))) = (digits.strip_prefix("011"), home) {
            rest.to_owned()
        } else {
            let home = home.ok_or(PhoneProblem::NeedsCountryCode)?;
            format!("{}{}", home.0, national(&digits, home)?)
        };
        let number = E164(format!("+{international}"));
        let national_digits = international.len() - number.calling_code_len();
        if international.starts_with('0')
            || !(8..=15).contains(&international.len())
            || national_digits < 4
        {
            return Err(PhoneProblem::NotANumber);
        }
        Ok(number)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn calling_code(&self) -> CallingCode {
        let len = self.calling_code_len();
        CallingCode(self.0[1..1 + len].parse().unwrap_or(0))
    }

    fn calling_code_len(&self) -> usize {
        let digits = &self.0[1..];
        match digits.as_bytes().first() {
            Some(b'1' | b'7') => 1,
            _ => match digits.get(..2).and_then(|two| two.parse::<u16>().ok()) {
                Some(two) if TWO_DIGIT_CODES.contains(&two) => 2,
                _ => 3,
            },
        }
    }
}

/// The national significant number: the digits after the trunk prefix.
fn national(digits: &str, home: CallingCode) -> Result<&str, PhoneProblem> {
    match home.0 {
        // North America dials 1 before a ten-digit number at home.
        1 => match digits.len() {
            10 => Ok(digits),
            11 if digits.starts_with('1') => Ok(&digits[1..]),
            _ => Err(PhoneProblem::NotANumber),
        },
        // Italy keeps its leading 0 in international numbers.
        39 => Ok(digits),
        _ => Ok(digits.strip_prefix('0').unwrap_or(digits)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UK: Option<CallingCode> = Some(CallingCode(44));

    fn e164(typed: &str, home: Option<CallingCode>) -> Result<String, PhoneProblem> {
        E164::parse(typed, home).map(|n| n.as_str().to_owned())
    }

    #[test]
    fn international_numbers_keep_their_country_however_written() {
        for typed in [
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700-900-123",
            "+44.7700.900.123",
        ] {
            assert_eq!(e164(typed, None).as_deref(), Ok("+447700900123"), "{typed}");
            assert_eq!(
                e164(typed, Some(CallingCode(1))).as_deref(),
                Ok("+447700900123")
            );
        }
        assert_eq!(e164("+1 (212) 555-0123", UK).as_deref(), Ok("+12125550123"));
    }

    #[test]
    fn national_numbers_take_the_clinics_country() {
        assert_eq!(e164("07700 900123", UK).as_deref(), Ok("+447700900123"));
        assert_eq!(e164("0131 496 0000", UK).as_deref(), Ok("+441314960000"));
        let us = Some(CallingCode(1));
        assert_eq!(e164("(212) 555-0123", us).as_deref(), Ok("+12125550123"));
        assert_eq!(e164("1 212 555 0123", us).as_deref(), Ok("+12125550123"));
        assert_eq!(
            e164("011 44 7700 900123", us).as_deref(),
            Ok("+447700900123")
        );
        let italy = Some(CallingCode(39));
        assert_eq!(e164("06 6982 1234", italy).as_deref(), Ok("+390669821234"));
    }

    #[test]
    fn a_national_number_without_a_known_country_asks_for_the_code() {
        assert_eq!(
            e164("07700 900123", None),
            Err(PhoneProblem::NeedsCountryCode)
        );
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        for typed in [
            "",
            "call me",
            "+44 7700 9001 ext 2",
            "+0 1234 5678",
            "+44 12",
            "+1234567890123456",
            "44+7700900123",
        ] {
            assert_eq!(e164(typed, UK), Err(PhoneProblem::NotANumber), "{typed}");
        }
        assert_eq!(
            e164("212 555 012", Some(CallingCode(1))),
            Err(PhoneProblem::NotANumber)
        );
    }

    #[test]
    fn the_calling_code_is_read_from_the_first_digits() {
        assert_eq!(CallingCode::of("+44 131 496 0000"), Some(CallingCode(44)));
        assert_eq!(CallingCode::of("+1 212 555 0123"), Some(CallingCode(1)));
        assert_eq!(CallingCode::of("+353 1 555 0123"), Some(CallingCode(353)));
        assert_eq!(CallingCode::of("+7 495 555 0123"), Some(CallingCode(7)));
        assert_eq!(CallingCode::of("0131 496 0000"), None);
    }
}
