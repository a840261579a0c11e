//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the
//! second factor staff sign in with, and the recovery codes that stand in for a lost phone.

use crate::domain::url::percent_encode;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
pub const RECOVERY_CODES: usize = 10;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A shared TOTP secret: 160 random bits, the size RFC 4226 recommends.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)") // never in logs
    }
}

impl Secret {
    pub fn generate() -> Secret {
        let mut bytes = vec![0u8; 20];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        Secret(bytes)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// RFC 4648 base32 without padding, as authenticator apps take it.
    pub fn to_base32(&self) -> String {
        let mut out = String::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for byte in &self.0 {
            buffer = (buffer << 8) | u32::from(*byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
        }
        out
    }

    /// Reads a base32 secret, ignoring spaces and case, as people copy them.
    pub fn from_base32(text: &str) -> Option<Secret> {
        let mut bytes = Vec::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for ch in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
            let value = BASE32
                .iter()
                .position(|b| *b as char == ch.to_ascii_uppercase())?
                as u32;
            buffer = (buffer << 5) | value;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes.push((buffer >> bits) as u8);
            }
        }
        (!bytes.is_empty()).then_some(Secret(bytes))
    }
}

/// The 30-second step `at` falls in.
pub fn step_at(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // RFC 4226 dynamic truncation.
    let offset = (digest[19] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(DIGITS)
}

/// The code an authenticator shows at `step`.
pub fn code_at_step(secret: &Secret, step: i64) -> String {
    format!("{:06}", hotp(&secret.0, step as u64))
}

/// The step whose code `entered` is, allowing one step either side for clock drift.
pub fn matching_step(secret: &Secret, entered: &str, at: DateTime<Utc>) -> Option<i64> {
    let entered: String = entered.chars().filter(|c| !c.is_whitespace()).collect();
    if entered.len() != DIGITS as usize || !entered.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(at);
    [now - 1, now, now + 1].into_iter().find(|step| {
        // Compare every byte so the time taken does not hint at how close a guess was.
        let expected = code_at_step(secret, *step);
        expected
            .bytes()
            .zip(entered.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    })
}

/// The `otpauth://` address a QR code carries to an authenticator app.
pub fn otpauth_uri(secret: &Secret, issuer: &str, account: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        percent_encode(issuer),
        percent_encode(account),
        secret.to_base32(),
        percent_encode(issuer)
    )
}

/// Ten fresh single-use recovery codes like `k7m2-q9xv-4dpa-3rtw`: 80 random bits each,
/// nothing to do with the authenticator key, so neither gives the other away. So many bits
/// that their stored hashes cannot be searched back to the codes.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = vec![0u8; 10];
            getrandom::fill(&mut bytes).expect("the operating system provides randomness");
            let letters = Secret(bytes).to_base32().to_lowercase();
            letters
                .as_bytes()
                .chunks(4)
                .map(|group| std::str::from_utf8(group).expect("base32 is ASCII"))
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A recovery code as typed, in the form the hashes are made from.
pub fn normalise_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rfc_secret() -> Secret {
        Secret::from_bytes(b"12345678901234567890".to_vec())
    }

    fn at(unix: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(unix, 0).unwrap()
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1, the last six of the eight digits.
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(
                code_at_step(&rfc_secret(), step_at(at(time))),
                code,
                "{time}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = rfc_secret();
        let now = at(1_234_567_890);
        let step = step_at(now);
        for drift in [-1, 0, 1] {
            let code = code_at_step(&secret, step + drift);
            assert_eq!(matching_step(&secret, &code, now), Some(step + drift));
        }
        for drift in [-2, 2] {
            let code = code_at_step(&secret, step + drift);
            assert_eq!(matching_step(&secret, &code, now), None, "{drift}");
        }
        assert_eq!(matching_step(&secret, "00592", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        assert_eq!(matching_step(&secret, "005 924", now), Some(step));
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(
            Secret::from_bytes(b"foobar".to_vec()).to_base32(),
            "MZXW6YTBOI"
        );
        let secret = Secret::generate();
        assert_eq!(
            Secret::from_base32(&secret.to_base32()),
            Some(secret.clone())
        );
        assert_eq!(
            Secret::from_base32(&secret.to_base32().to_lowercase()),
            Some(secret)
        );
        assert_eq!(Secret::from_base32("not base32!"), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_random_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            assert_eq!(code.matches('-').count(), 3, "{code}");
            assert_eq!(normalise_recovery_code(code).len(), 16, "{code}");
        }
        assert_ne!(codes, new_recovery_codes());
        assert_eq!(
            normalise_recovery_code(" K7M2-q9xv-4DPA-3rtw "),
            "k7m2q9xv4dpa3rtw"
        );
    }

    #[test]
    fn the_otpauth_address_names_the_clinic_and_the_account() {
        let uri = otpauth_uri(
            &rfc_secret(),
            "Juniper Skin & Aesthetics",
            "amara@juniper.example",
        );
        assert!(uri.starts_with("otpauth://totp/Juniper%20Skin%20%26%20Aesthetics:amara%40juniper.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"));
        assert!(uri.ends_with("&digits=6&period=30"));
    }
}
