//! The calls Lumen makes to Razorpay's API over the reqwest client already in the tree:
//! JSON bodies, the key id and secret as basic auth, amounts in the currency's smallest
//! unit (paise for rupees), as Lumen keeps them.
//!
//! Razorpay takes no idempotency key when opening an order or a payment link, and neither
//! moves money: a retry after a timeout opens a second one that nobody is shown, because
//! Lumen shows the patient only the one it stored. A refund does move money, so it carries
//! `X-Refund-Idempotency` with the key stored before its first attempt.

use crate::backend::integrations::error_without_url;
use crate::domain::money::Currency;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Where Razorpay's API is; tests and the demo point it at a local stand-in.
pub const API: &str = "https://api.razorpay.com";
/// The script that opens Razorpay's checkout on a page of Lumen's.
pub const CHECKOUT_JS: &str = "https://checkout.razorpay.com/v1/checkout.js";

const TIMEOUT: Duration = Duration::from_secs(30);

pub struct RazorpayConfig {
    pub api: String,
    /// Public: it goes in the checkout page for Razorpay's script.
    pub key_id: String,
    pub key_secret: String,
    /// Every webhook secret a delivery may be signed with: more than one while rotating.
    pub webhook_secrets: Vec<String>,
    /// Where the checkout script is loaded from.
    pub checkout_js: String,
}

pub struct Razorpay {
    config: RazorpayConfig,
    client: reqwest::Client,
}

/// An order as Razorpay describes it: only the fields Lumen reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Order {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    /// `created`, `attempted` or `paid`.
    pub status: String,
}

/// A payment as Razorpay describes it: only the fields Lumen reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Payment {
    pub id: String,
    pub order_id: Option<String>,
    pub amount: i64,
    /// `created`, `authorized`, `captured`, `refunded` or `failed`.
    pub status: String,
}

impl Payment {
    /// Money Razorpay has taken: a refunded payment was captured first.
    pub fn is_captured(&self) -> bool {
        matches!(self.status.as_str(), "captured" | "refunded")
    }
}

/// A payment link: Razorpay's own page, for patients without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentLink {
    pub id: String,
    pub short_url: String,
    pub reference_id: Option<String>,
    pub status: String,
}

/// A refund as Razorpay describes it: only the fields Lumen reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Refund {
    pub id: String,
    /// `pending`, `processed` or `failed`.
    pub status: String,
    pub amount: i64,
}

/// What an order (or a payment link) is opened for.
pub struct NewOrder<'a> {
    pub amount_minor: i64,
    pub currency: Currency,
    /// Lumen's payment id: the order's receipt, and the link's reference.
    pub payment_id: &'a str,
}

/// What a payment link is made for.
pub struct NewLink<'a> {
    pub order: NewOrder<'a>,
    pub description: &'a str,
    pub customer_email: &'a str,
    /// Where Razorpay sends the patient back, with the signed outcome in the query.
    pub callback_url: &'a str,
    /// The link stops taking payment with the booking's wait.
    pub expire_by: DateTime<Utc>,
}

/// Why a call to Razorpay did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RazorpayError {
    /// No answer, or Razorpay's own trouble (429, 5xx): the call may be tried again.
    #[error("Razorpay could not be reached: {0}")]
    Unavailable(String),
    /// Razorpay refused the request, in its words.
    #[error("Razorpay refused the request ({status}): {description}")]
    Refused {
        status: u16,
        code: String,
        description: String,
    },
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Collection<T> {
    items: Vec<T>,
}

#[derive(Serialize)]
struct OrderBody<'a> {
    amount: i64,
    currency: &'a str,
    receipt: &'a str,
    notes: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
struct LinkBody<'a> {
    amount: i64,
    currency: &'a str,
    description: &'a str,
    reference_id: &'a str,
    customer: BTreeMap<&'static str, &'a str>,
    /// Lumen sends its own emails; Razorpay's would be a second, unbranded one.
    notify: BTreeMap<&'static str, bool>,
    callback_url: &'a str,
    callback_method: &'static str,
    expire_by: i64,
    notes: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
struct RefundBody<'a> {
    amount: i64,
    notes: BTreeMap<&'static str, &'a str>,
}

impl Razorpay {
    pub fn new(config: RazorpayConfig) -> Razorpay {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("an HTTP client with rustls builds");
        Razorpay { config, client }
    }

    pub fn key_id(&self) -> &str {
        &self.config.key_id
    }

    pub fn key_secret(&self) -> &str {
        &self.config.key_secret
    }

    pub fn webhook_secrets(&self) -> &[String] {
        &self.config.webhook_secrets
    }

    pub fn checkout_js(&self) -> &str {
        &self.config.checkout_js
    }

    /// Origins a page opening the checkout must allow: its script's, and the frame it
    /// opens (Razorpay's API origin serves it; the stand-in serves both).
    pub fn page_origins(&self) -> (String, String) {
        (
            origin_of(&self.config.checkout_js),
            origin_of(&self.config.api),
        )
    }

    /// Where staff find a payment in Razorpay's dashboard.
    pub fn dashboard_url(&self, payment_id: &str) -> String {
        format!("https://dashboard.razorpay.com/app/payments/{payment_id}")
    }

    /// Opens an order for the checkout to pay.
    pub async fn create_order(&self, order: &NewOrder<'_>) -> Result<Order, RazorpayError> {
        let body = OrderBody {
            amount: order.amount_minor,
            currency: order.currency.code(),
            receipt: order.payment_id,
            notes: BTreeMap::from([("payment_id", order.payment_id)]),
        };
        self.send(self.client.post(self.url("/v1/orders")).json(&body))
            .await
    }

    /// Makes a payment link: Razorpay's own page, which works without JavaScript.
    pub async fn create_payment_link(
        &self,
        link: &NewLink<'_>,
    ) -> Result<PaymentLink, RazorpayError> {
        let body = LinkBody {
            amount: link.order.amount_minor,
            currency: link.order.currency.code(),
            description: link.description,
            reference_id: link.order.payment_id,
            customer: BTreeMap::from_iter(
                Some(("email", link.customer_email)).filter(|(_, email)| !email.is_empty()),
            ),
            notify: BTreeMap::from([("email", false), ("sms", false)]),
            callback_url: link.callback_url,
            callback_method: "get",
            expire_by: link.expire_by.timestamp(),
            notes: BTreeMap::from([("payment_id", link.order.payment_id)]),
        };
        self.send(self.client.post(self.url("/v1/payment_links")).json(&body))
            .await
    }

    /// The payment `payment_id` of order `order_id`, when Razorpay has taken its money: a
    /// checkout's answer says a payment was made, not that it was captured (an account may
    /// capture later, or never).
    pub async fn captured_payment(
        &self,
        order_id: &str,
        payment_id: &str,
    ) -> Result<Option<Payment>, RazorpayError> {
        let made = self.order_payments(order_id).await?;
        Ok(made
            .into_iter()
            .find(|p| p.id == payment_id && p.is_captured()))
    }

    /// The payments made towards an order, to learn whether it was paid.
    pub async fn order_payments(&self, order_id: &str) -> Result<Vec<Payment>, RazorpayError> {
        let path = format!("/v1/orders/{}/payments", checked_id(order_id)?);
        let payments: Collection<Payment> = self.send(self.client.get(self.url(&path))).await?;
        Ok(payments.items)
    }

    /// Returns money from a payment, once: a retry with the same key is the same refund.
    pub async fn create_refund(
        &self,
        idempotency_key: &str,
        payment_id: &str,
        amount_minor: i64,
        refund_id: &str,
    ) -> Result<Refund, RazorpayError> {
        let path = format!("/v1/payments/{}/refund", checked_id(payment_id)?);
        let body = RefundBody {
            amount: amount_minor,
            notes: BTreeMap::from([("refund_id", refund_id)]),
        };
        let request = self
            .client
            .post(self.url(&path))
            .header("X-Refund-Idempotency", idempotency_key)
            .json(&body);
        self.send(request).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api)
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, RazorpayError> {
        let sent = request
            .basic_auth(&self.config.key_id, Some(&self.config.key_secret))
            .send()
            .await;
        answer(sent).await
    }
}

fn origin_of(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) => parsed.origin().ascii_serialization(),
        Err(_) => url.to_owned(),
    }
}

/// An id of Razorpay's (`order_…`, `pay_…`); anything else would change the path.
fn checked_id(id: &str) -> Result<&str, RazorpayError> {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(id)
    } else {
        Err(RazorpayError::Refused {
            status: 400,
            code: "BAD_REQUEST_ERROR".to_owned(),
            description: format!("not an id Razorpay gives: {id:?}"),
        })
    }
}

/// Whether an answer with `status` means "not now" rather than "no": Razorpay's own trouble,
/// too many requests, or (409) a request with the same idempotency key still being worked
/// on, whose answer a later try gets.
fn retry_later(status: u16) -> bool {
    status == 409 || status == 429 || status >= 500
}

/// Razorpay's answer read as `T`, or as the error it describes.
async fn answer<T: serde::de::DeserializeOwned>(
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, RazorpayError> {
    let unreachable =
        |error: reqwest::Error| RazorpayError::Unavailable(error_without_url(&error, "Razorpay"));
    let response = sent.map_err(unreachable)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(unreachable)?;
    if (200..300).contains(&status) {
        return serde_json::from_slice(&body).map_err(|error| {
            RazorpayError::Unavailable(format!("Razorpay's answer could not be read: {error}"))
        });
    }
    let detail = serde_json::from_slice::<ErrorBody>(&body)
        .ok()
        .map(|b| b.error);
    let description = detail
        .as_ref()
        .and_then(|d| d.description.clone())
        .unwrap_or_else(|| format!("Razorpay answered {status}"));
    if retry_later(status) {
        return Err(RazorpayError::Unavailable(description));
    }
    Err(RazorpayError::Refused {
        status,
        code: detail
            .and_then(|d| d.code)
            .unwrap_or_else(|| "SERVER_ERROR".to_owned()),
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn razorpay_at(api: &str, checkout_js: &str) -> Razorpay {
        Razorpay::new(RazorpayConfig {
            api: api.to_owned(),
            key_id: "rzp_test_x".to_owned(),
            key_secret: "secret".to_owned(),
            webhook_secrets: Vec::new(),
            checkout_js: checkout_js.to_owned(),
        })
    }

    #[test]
    fn the_checkout_page_allows_razorpays_script_and_frame_or_the_stand_ins() {
        assert_eq!(
            razorpay_at(API, CHECKOUT_JS).page_origins(),
            (
                "https://checkout.razorpay.com".to_owned(),
                "https://api.razorpay.com".to_owned()
            )
        );
        let local = "http://127.0.0.1:4100";
        assert_eq!(
            razorpay_at(local, &format!("{local}/v1/checkout.js")).page_origins(),
            (local.to_owned(), local.to_owned())
        );
    }

    #[test]
    fn a_refund_still_being_made_is_asked_about_again_not_marked_refused() {
        assert!(retry_later(409));
        assert!(retry_later(429));
        assert!(retry_later(502));
        assert!(!retry_later(400));
        assert!(!retry_later(401));
    }

    #[test]
    fn only_razorpays_own_ids_go_into_a_path() {
        assert_eq!(checked_id("pay_29QQoUBi66xm2f"), Ok("pay_29QQoUBi66xm2f"));
        assert!(checked_id("../v1/orders").is_err());
        assert!(checked_id("").is_err());
    }
}
