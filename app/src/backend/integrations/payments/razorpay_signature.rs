//! Razorpay's three signatures, each hex(HMAC-SHA256) and each checked before anything it
//! vouches for is believed:
//! - a webhook: over the raw body as it arrived, with the webhook's secret
//!   (`X-Razorpay-Signature`); several secrets are accepted while one is rotated;
//! - the checkout's answer in the patient's browser: over `order_id|payment_id` with the
//!   key secret, where the order id is the one Lumen stored (never the one posted back);
//! - a payment link's return: over `link_id|reference_id|status|payment_id` with the key
//!   secret.
//!
//! Razorpay signs no timestamp, so a replayed webhook is made harmless by its event id
//! being applied once, not by its age.

use crate::backend::hex::{hex, unhex};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Why a webhook delivery was refused; each is answered 400 and changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// No `X-Razorpay-Signature` header.
    Missing,
    /// The signature matches the body under none of the secrets.
    Mismatch,
}

fn mac(secret: &str, message: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(message);
    mac
}

/// Whether `given` (hex) is the signature of `message` under `secret`, compared in
/// constant time.
fn signs(given: &str, secret: &str, message: &[u8]) -> bool {
    unhex(given.trim()).is_some_and(|given| mac(secret, message).verify_slice(&given).is_ok())
}

/// Checks a webhook's `X-Razorpay-Signature` over its raw body.
pub fn verify_webhook(
    header: Option<&str>,
    body: &[u8],
    secrets: &[String],
) -> Result<(), Rejection> {
    let given = header.ok_or(Rejection::Missing)?;
    if secrets.iter().any(|secret| signs(given, secret, body)) {
        Ok(())
    } else {
        Err(Rejection::Mismatch)
    }
}

/// Whether the checkout's answer is Razorpay's: `stored_order` is the order Lumen opened.
pub fn verifies_checkout(
    stored_order: &str,
    payment_id: &str,
    signature: &str,
    key_secret: &str,
) -> bool {
    signs(
        signature,
        key_secret,
        checkout_message(stored_order, payment_id).as_bytes(),
    )
}

/// What a payment link's return says, as it came in the address.
pub struct LinkReturn<'a> {
    pub link_id: &'a str,
    pub reference_id: &'a str,
    pub status: &'a str,
    pub payment_id: &'a str,
}

/// Whether a payment link's return is Razorpay's.
pub fn verifies_link_return(back: &LinkReturn<'_>, signature: &str, key_secret: &str) -> bool {
    signs(signature, key_secret, link_message(back).as_bytes())
}

fn checkout_message(order_id: &str, payment_id: &str) -> String {
    format!("{order_id}|{payment_id}")
}

fn link_message(back: &LinkReturn<'_>) -> String {
    format!(
        "{}|{}|{}|{}",
        back.link_id, back.reference_id, back.status, back.payment_id
    )
}

/// Signs as Razorpay does (for tests, which must produce genuine and forged signatures).
pub fn sign(secret: &str, message: &[u8]) -> String {
    hex(&mac(secret, message).finalize().into_bytes())
}

/// The checkout signature Razorpay would give (for tests).
pub fn sign_checkout(key_secret: &str, order_id: &str, payment_id: &str) -> String {
    sign(
        key_secret,
        checkout_message(order_id, payment_id).as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_is_genuine_under_any_of_its_secrets_and_only_for_its_own_bytes() {
        let body = br#"{"event":"payment.captured"}"#;
        let secrets = vec!["new_secret".to_owned(), "old_secret".to_owned()];
        let by_old = sign("old_secret", body);
        assert_eq!(verify_webhook(Some(&by_old), body, &secrets), Ok(()));
        assert_eq!(
            verify_webhook(Some(&by_old), br#"{"event":"payment.captured" }"#, &secrets),
            Err(Rejection::Mismatch),
            "one byte more is another body"
        );
        assert_eq!(
            verify_webhook(Some(&sign("forged", body)), body, &secrets),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            verify_webhook(Some("not hex"), body, &secrets),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            verify_webhook(None, body, &secrets),
            Err(Rejection::Missing)
        );
    }

    #[test]
    fn the_checkout_answer_is_checked_against_the_order_lumen_stored() {
        // Razorpay's documented example: hmac_sha256(order_id + "|" + payment_id, secret).
        let signature = sign("key_secret", b"order_ABC|pay_XYZ");
        assert!(verifies_checkout(
            "order_ABC",
            "pay_XYZ",
            &signature,
            "key_secret"
        ));
        assert!(
            !verifies_checkout("order_OTHER", "pay_XYZ", &signature, "key_secret"),
            "a payment of another order does not pay this one"
        );
        assert!(!verifies_checkout(
            "order_ABC",
            "pay_XYZ",
            &signature,
            "another_secret"
        ));
        assert_eq!(
            sign_checkout("key_secret", "order_ABC", "pay_XYZ"),
            signature
        );
    }

    #[test]
    fn a_payment_links_return_is_signed_over_its_four_fields_in_order() {
        let back = LinkReturn {
            link_id: "plink_1",
            reference_id: "ref-1",
            status: "paid",
            payment_id: "pay_1",
        };
        let signature = sign("key_secret", b"plink_1|ref-1|paid|pay_1");
        assert!(verifies_link_return(&back, &signature, "key_secret"));
        let unpaid = LinkReturn {
            status: "cancelled",
            ..back
        };
        assert!(!verifies_link_return(&unpaid, &signature, "key_secret"));
    }
}
