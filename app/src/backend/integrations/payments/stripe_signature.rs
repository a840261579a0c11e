//! Stripe's webhook signature, checked before anything in the request is read. The
//! `Stripe-Signature` header carries a timestamp `t` and one or more `v1` signatures, each
//! hex(HMAC-SHA256(endpoint secret, "{t}.{raw body}")), over the body's bytes exactly as
//! they arrived. A delivery is genuine when any `v1` matches under any of the endpoint's
//! secrets (two while a secret is being rotated) and `t` is close to now, so a captured
//! delivery cannot be replayed later.

use crate::backend::hex::{hex, unhex};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far `t` may be from now, either way: Stripe's own libraries allow five minutes.
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery was refused; each is answered 400 and changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// No `Stripe-Signature` header.
    Missing,
    /// A header without a readable `t` or any `v1`.
    Malformed,
    /// No `v1` matches the body under any secret.
    Mismatch,
    /// Signed, but too long ago (or too far ahead) to be a fresh delivery.
    Stale,
}

/// The delivery's signed time (Unix seconds) when `header` signs `body` under one of
/// `secrets` within the tolerance of `now` (Unix seconds).
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secrets: &[String],
    now: i64,
) -> Result<i64, Rejection> {
    let header = header.ok_or(Rejection::Missing)?;
    let mut signed_at = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        match item.trim().split_once('=') {
            Some(("t", value)) => signed_at = value.parse::<i64>().ok(),
            // A value that is not hex can match nothing; the others may still.
            Some(("v1", value)) => signatures.extend(unhex(value)),
            _ => {}
        }
    }
    let signed_at = signed_at.ok_or(Rejection::Malformed)?;
    if signatures.is_empty() {
        return Err(Rejection::Malformed);
    }
    let genuine = secrets.iter().any(|secret| {
        signatures
            .iter()
            .any(|given| mac(secret, signed_at, body).verify_slice(given).is_ok())
    });
    if !genuine {
        return Err(Rejection::Mismatch);
    }
    if (now - signed_at).abs() > TOLERANCE_SECONDS {
        return Err(Rejection::Stale);
    }
    Ok(signed_at)
}

/// The header Stripe would send for `body` signed with `secret` at `signed_at`: what the
/// tests' Stripe sends, and how a signature is made.
pub fn header(secret: &str, signed_at: i64, body: &[u8]) -> String {
    let signature = hex(&mac(secret, signed_at, body).finalize().into_bytes());
    format!("t={signed_at},v1={signature}")
}

fn mac(secret: &str, signed_at: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(signed_at.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
    const AT: i64 = 1_700_000_000;
    // hex(HMAC-SHA256("whsec_test_secret", "1700000000." + BODY)), computed with Python's hmac.
    const KNOWN: &str = "a13d4b1f9003bc2fb6c06224e878b6056185eaa50d40e1e7dc05517f8af41d7b";

    fn secrets(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_signature_computed_elsewhere_is_accepted_and_ours_matches_it() {
        let given = format!("t={AT},v1={KNOWN}");
        assert_eq!(
            verify(Some(&given), BODY, &secrets(&[SECRET]), AT + 10),
            Ok(AT)
        );
        assert_eq!(header(SECRET, AT, BODY), given);
    }

    #[test]
    fn any_v1_under_any_secret_will_do_so_secrets_can_be_rotated() {
        let two = format!("t={AT},v1={},v1={KNOWN},v0=ignored", "00".repeat(32));
        assert_eq!(verify(Some(&two), BODY, &secrets(&[SECRET]), AT), Ok(AT));
        let rotating = secrets(&["whsec_new", SECRET]);
        assert_eq!(
            verify(Some(&format!("t={AT},v1={KNOWN}")), BODY, &rotating, AT),
            Ok(AT)
        );
        assert_eq!(
            verify(
                Some(&format!("t={AT},v1={KNOWN}")),
                BODY,
                &secrets(&["whsec_new"]),
                AT
            ),
            Err(Rejection::Mismatch)
        );
    }

    #[test]
    fn an_altered_body_or_time_does_not_match() {
        let given = format!("t={AT},v1={KNOWN}");
        let altered = br#"{"id":"evt_1","type":"checkout.session.expired"}"#;
        assert_eq!(
            verify(Some(&given), altered, &secrets(&[SECRET]), AT),
            Err(Rejection::Mismatch)
        );
        let moved = format!("t={},v1={KNOWN}", AT + 1);
        assert_eq!(
            verify(Some(&moved), BODY, &secrets(&[SECRET]), AT),
            Err(Rejection::Mismatch)
        );
    }

    #[test]
    fn a_delivery_more_than_five_minutes_from_now_is_stale() {
        let given = header(SECRET, AT, BODY);
        let check = |now| verify(Some(&given), BODY, &secrets(&[SECRET]), now);
        assert_eq!(check(AT + 300), Ok(AT));
        assert_eq!(check(AT + 301), Err(Rejection::Stale));
        assert_eq!(check(AT - 301), Err(Rejection::Stale));
    }

    #[test]
    fn missing_and_unreadable_headers_are_refused() {
        let all = secrets(&[SECRET]);
        assert_eq!(verify(None, BODY, &all, AT), Err(Rejection::Missing));
        for header in [
            "",
            "t=abc,v1=00",
            &format!("v1={KNOWN}"),
            &format!("t={AT}"),
            &format!("t={AT},v0={KNOWN}"),
            &format!("t={AT},v1=zz"),
        ] {
            assert_eq!(
                verify(Some(header), BODY, &all, AT),
                Err(Rejection::Malformed),
                "{header}"
            );
        }
        assert_eq!(
            verify(Some(&header(SECRET, AT, BODY)), BODY, &[], AT),
            Err(Rejection::Mismatch)
        );
    }
}
