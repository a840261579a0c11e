//! The calls Lumen makes to Stripe's API, over the reqwest client already in the tree (not
//! async-stripe: the README says why). Parameters go form-encoded with Stripe's nested
//! keys (`line_items[0][price_data][unit_amount]`), the secret key as a bearer token, and
//! every POST carries an `Idempotency-Key` that the caller derives from its own operation
//! and stores before the first attempt, so a retry after a timeout is the same request to
//! Stripe and can never charge or refund twice.

use crate::backend::integrations::error_without_url;
use crate::domain::money::Currency;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::time::Duration;

/// Where Stripe's API is; tests and the demo point it at a local stand-in.
pub const API: &str = "https://api.stripe.com";

/// How long one request may take before it counts as unanswered (and may be retried with
/// the same key).
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct StripeConfig {
    pub api: String,
    pub secret_key: String,
    /// Every endpoint secret a webhook may be signed with: more than one while rotating.
    pub webhook_secrets: Vec<String>,
}

pub struct Stripe {
    config: StripeConfig,
    client: reqwest::Client,
}

/// What a Checkout Session is created for.
pub struct NewCheckout<'a> {
    /// In the currency's minor units, as Lumen keeps every amount.
    pub amount_minor: i64,
    pub currency: Currency,
    /// The line the patient sees on Stripe's page, such as `Deposit: HydraFacial`.
    pub description: &'a str,
    pub customer_email: Option<&'a str>,
    /// Where Stripe sends the patient after paying; `{CHECKOUT_SESSION_ID}` is filled in.
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    /// When the session stops taking payment: as long as the booking waits for it.
    pub expires_at: DateTime<Utc>,
    /// Lumen's payment id, carried on the session and its payment for the webhooks.
    pub payment_id: &'a str,
    /// Keep the card for later fees (the patient is told so before paying).
    pub keep_card: bool,
}

/// A Checkout Session as Stripe describes it: only the fields Lumen reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    /// The hosted page to send the patient to, while the session is open.
    pub url: Option<String>,
    /// `open`, `complete` or `expired`.
    pub status: Option<String>,
    /// `paid`, `unpaid` or `no_payment_required`.
    pub payment_status: String,
    pub payment_intent: Option<String>,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
    pub client_reference_id: Option<String>,
    pub customer: Option<String>,
}

impl CheckoutSession {
    pub fn is_paid(&self) -> bool {
        self.payment_status == "paid"
    }
}

/// A refund as Stripe describes it: only the fields Lumen reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Refund {
    pub id: String,
    /// `pending`, `requires_action`, `succeeded`, `failed` or `canceled`.
    pub status: String,
    pub amount: i64,
    pub failure_reason: Option<String>,
}

/// What a refund is made for.
pub struct NewRefund<'a> {
    /// The payment the money goes back from.
    pub payment_intent: &'a str,
    pub amount_minor: i64,
    pub currency: Currency,
    /// Lumen's refund id, carried on the refund for its webhooks.
    pub refund_id: &'a str,
}

/// A PaymentIntent as Stripe describes it: only the fields Lumen reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    /// `succeeded`, `processing`, `requires_action`, `requires_payment_method`, …
    pub status: String,
    /// The card it was paid with; a kept card is charged again through it.
    pub payment_method: Option<String>,
    pub customer: Option<String>,
}

/// A fee charged to a card the patient let the clinic keep, while they are not there.
pub struct NewCharge<'a> {
    pub amount_minor: i64,
    pub currency: Currency,
    pub customer: &'a str,
    pub payment_method: &'a str,
    /// The line on the patient's statement and receipt, such as `No-show fee: HydraFacial`.
    pub description: &'a str,
    /// Lumen's payment id, carried on the intent for its webhooks.
    pub payment_id: &'a str,
}

/// Why a call to Stripe did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// No answer, or Stripe's own trouble (429, 5xx): the same call with the same key may be
    /// tried again.
    #[error("Stripe could not be reached: {0}")]
    Unavailable(String),
    /// Stripe refused the request; a card's refusal carries Stripe's decline code.
    #[error("Stripe refused the request ({status}): {message}")]
    Refused {
        status: u16,
        kind: String,
        code: Option<String>,
        decline_code: Option<String>,
        message: String,
    },
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "type")]
    kind: String,
    message: Option<String>,
    code: Option<String>,
    decline_code: Option<String>,
}

/// The amount in the unit Stripe expects for `currency`. Stripe follows ISO 4217's minor
/// units except for the Icelandic króna, which it still takes with two decimals that must
/// be zero.
pub fn stripe_amount(minor: i64, currency: Currency) -> i64 {
    match currency.code() {
        "ISK" => minor * 100,
        _ => minor,
    }
}

/// An amount Stripe gives, in Lumen's minor units: the inverse of [`stripe_amount`].
pub fn lumen_amount(stripe: i64, currency: Currency) -> i64 {
    match currency.code() {
        "ISK" => stripe / 100,
        _ => stripe,
    }
}

impl Stripe {
    pub fn new(config: StripeConfig) -> Stripe {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("an HTTP client with rustls builds");
        Stripe { config, client }
    }

    /// Where Stripe's hosted checkout pages are: its own for its API, else the origin of the
    /// configured API (the local stand-in serves its checkout beside its API).
    pub fn checkout_origin(&self) -> String {
        if self.config.api == API {
            return "https://checkout.stripe.com".to_owned();
        }
        match reqwest::Url::parse(&self.config.api) {
            Ok(url) => url.origin().ascii_serialization(),
            Err(_) => self.config.api.clone(),
        }
    }

    /// Where staff find a payment in Stripe's dashboard (its test side for a test key).
    pub fn dashboard_url(&self, payment_intent: &str) -> String {
        let side = if self.config.secret_key.starts_with("sk_test_") {
            "/test"
        } else {
            ""
        };
        format!("https://dashboard.stripe.com{side}/payments/{payment_intent}")
    }

    pub fn webhook_secrets(&self) -> &[String] {
        &self.config.webhook_secrets
    }

    /// Creates a Checkout Session in payment mode for one line.
    pub async fn create_checkout(
        &self,
        idempotency_key: &str,
        checkout: &NewCheckout<'_>,
    ) -> Result<CheckoutSession, StripeError> {
        let amount = stripe_amount(checkout.amount_minor, checkout.currency);
        let mut form = vec![
            ("mode", "payment".to_owned()),
            ("success_url", checkout.success_url.to_owned()),
            ("cancel_url", checkout.cancel_url.to_owned()),
            ("expires_at", checkout.expires_at.timestamp().to_string()),
            ("client_reference_id", checkout.payment_id.to_owned()),
            ("metadata[payment_id]", checkout.payment_id.to_owned()),
            (
                "payment_intent_data[metadata][payment_id]",
                checkout.payment_id.to_owned(),
            ),
            ("line_items[0][quantity]", "1".to_owned()),
            (
                "line_items[0][price_data][currency]",
                checkout.currency.code().to_ascii_lowercase(),
            ),
            ("line_items[0][price_data][unit_amount]", amount.to_string()),
            (
                "line_items[0][price_data][product_data][name]",
                checkout.description.to_owned(),
            ),
        ];
        if let Some(email) = checkout.customer_email {
            form.push(("customer_email", email.to_owned()));
        }
        if checkout.keep_card {
            // A saved card needs a customer to be saved to.
            form.push(("customer_creation", "always".to_owned()));
            form.push((
                "payment_intent_data[setup_future_usage]",
                "off_session".to_owned(),
            ));
        }
        self.post("/v1/checkout/sessions", idempotency_key, &form)
            .await
    }

    /// Returns money from a payment.
    pub async fn create_refund(
        &self,
        idempotency_key: &str,
        refund: &NewRefund<'_>,
    ) -> Result<Refund, StripeError> {
        let form = [
            ("payment_intent", refund.payment_intent.to_owned()),
            (
                "amount",
                stripe_amount(refund.amount_minor, refund.currency).to_string(),
            ),
            ("metadata[refund_id]", refund.refund_id.to_owned()),
        ];
        self.post("/v1/refunds", idempotency_key, &form).await
    }

    /// Charges a kept card while the patient is away (`off_session`), confirmed at once: the
    /// answer says whether the money was taken, or the card's refusal in Stripe's words.
    pub async fn charge_kept_card(
        &self,
        idempotency_key: &str,
        charge: &NewCharge<'_>,
    ) -> Result<PaymentIntent, StripeError> {
        let form = [
            (
                "amount",
                stripe_amount(charge.amount_minor, charge.currency).to_string(),
            ),
            ("currency", charge.currency.code().to_ascii_lowercase()),
            ("customer", charge.customer.to_owned()),
            ("payment_method", charge.payment_method.to_owned()),
            ("off_session", "true".to_owned()),
            ("confirm", "true".to_owned()),
            ("description", charge.description.to_owned()),
            ("metadata[payment_id]", charge.payment_id.to_owned()),
        ];
        self.post("/v1/payment_intents", idempotency_key, &form)
            .await
    }

    /// The session as Stripe has it now, to learn whether it was paid.
    pub async fn checkout_session(&self, id: &str) -> Result<CheckoutSession, StripeError> {
        self.get("/v1/checkout/sessions", id).await
    }

    /// A payment as Stripe has it now: the card it was paid with, for one.
    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent, StripeError> {
        self.get("/v1/payment_intents", id).await
    }

    /// The object `id` in the collection at `path`.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        id: &str,
    ) -> Result<T, StripeError> {
        // An id is Stripe's own (`cs_…`, `pi_…`); anything else would change the path.
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(StripeError::Refused {
                status: 400,
                kind: "invalid_request_error".to_owned(),
                code: None,
                decline_code: None,
                message: format!("not an id Stripe gives: {id:?}"),
            });
        }
        let request = self
            .client
            .get(format!("{}{path}/{id}", self.config.api))
            .bearer_auth(&self.config.secret_key);
        answer(request.send().await).await
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        idempotency_key: &str,
        form: &[(&str, String)],
    ) -> Result<T, StripeError> {
        let request = self
            .client
            .post(format!("{}{path}", self.config.api))
            .bearer_auth(&self.config.secret_key)
            .header("Idempotency-Key", idempotency_key)
            .form(form);
        answer(request.send().await).await
    }
}

/// Stripe's answer read as `T`, or as the error it describes.
async fn answer<T: serde::de::DeserializeOwned>(
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, StripeError> {
    let response =
        sent.map_err(|error| StripeError::Unavailable(error_without_url(&error, "Stripe")))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|error| StripeError::Unavailable(error_without_url(&error, "Stripe")))?;
    if (200..300).contains(&status) {
        return serde_json::from_slice(&body).map_err(|error| {
            StripeError::Unavailable(format!("Stripe's answer could not be read: {error}"))
        });
    }
    let detail = serde_json::from_slice::<ErrorBody>(&body)
        .ok()
        .map(|b| b.error);
    let message = detail
        .as_ref()
        .and_then(|d| d.message.clone())
        .unwrap_or_else(|| format!("Stripe answered {status}"));
    if status == 429 || status >= 500 {
        return Err(StripeError::Unavailable(message));
    }
    Err(match detail {
        Some(detail) => StripeError::Refused {
            status,
            kind: detail.kind,
            code: detail.code,
            decline_code: detail.decline_code,
            message,
        },
        None => StripeError::Refused {
            status,
            kind: "api_error".to_owned(),
            code: None,
            decline_code: None,
            message,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripe_at(api: &str) -> Stripe {
        Stripe::new(StripeConfig {
            api: api.to_owned(),
            secret_key: "sk_test_x".to_owned(),
            webhook_secrets: Vec::new(),
        })
    }

    #[test]
    fn the_checkout_is_on_stripes_own_origin_or_beside_the_stand_in() {
        assert_eq!(
            stripe_at(API).checkout_origin(),
            "https://checkout.stripe.com"
        );
        assert_eq!(
            stripe_at("http://127.0.0.1:3327").checkout_origin(),
            "http://127.0.0.1:3327"
        );
    }

    #[test]
    fn amounts_go_in_stripes_unit() {
        let code = |c: &str| Currency::parse(c).unwrap();
        assert_eq!(stripe_amount(5_000, code("GBP")), 5_000);
        assert_eq!(stripe_amount(5_000, code("JPY")), 5_000);
        assert_eq!(stripe_amount(12_500, code("KWD")), 12_500);
        assert_eq!(stripe_amount(5_000, code("ISK")), 500_000);
        assert_eq!(lumen_amount(500_000, code("ISK")), 5_000);
        assert_eq!(lumen_amount(5_000, code("GBP")), 5_000);
    }
}
