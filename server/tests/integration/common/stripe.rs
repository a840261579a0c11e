//! Stripe's stand-in for the tests (`scripts/test-stripe-server`): Lumen's own Stripe client
//! talks to it over HTTP, and the tests read what it received.

use app::backend::integrations::payments::{Payments, Stripe, StripeConfig};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command};

pub const SECRET_KEY: &str = "sk_test_lumen_0123456789";
pub const WEBHOOK_SECRET: &str = "whsec_lumen_test_0123456789";

pub struct FakeStripe {
    child: Child,
    pub url: String,
}

impl FakeStripe {
    /// A stand-in that sends its webhooks to `webhook_url`, when given.
    pub fn start(webhook_url: Option<&str>) -> FakeStripe {
        FakeStripe::start_at(webhook_url, None)
    }

    /// The same, with its clock started at `clock` (for a server on a fixed clock: the
    /// checkout's expiry and the webhooks' signed time are checked against it).
    pub fn start_at(webhook_url: Option<&str>, clock: Option<DateTime<Utc>>) -> FakeStripe {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/test-stripe-server");
        let mut command = Command::new(script);
        command.args(["--secret-key", SECRET_KEY]);
        if let Some(url) = webhook_url {
            command.args(["--webhook-url", url, "--webhook-secret", WEBHOOK_SECRET]);
        }
        if let Some(clock) = clock {
            command.args(["--clock", &clock.timestamp().to_string()]);
        }
        let (child, port) = super::stand_in::start(
            command,
            "scripts/test-stripe-server starts (python3 is installed)",
        );
        FakeStripe {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Lumen's client, configured for this stand-in with `secret_key`.
    pub fn client_with_key(&self, secret_key: &str) -> Stripe {
        Stripe::new(StripeConfig {
            api: self.url.clone(),
            secret_key: secret_key.to_owned(),
            webhook_secrets: vec![WEBHOOK_SECRET.to_owned()],
        })
    }

    pub fn client(&self) -> Stripe {
        self.client_with_key(SECRET_KEY)
    }

    /// The payment services of a server whose Stripe is this stand-in.
    pub fn payments(&self) -> Payments {
        Payments::default().with_stripe(self.client())
    }

    /// Every API request received so far: method, path, idempotency key, form pairs.
    pub async fn requests(&self) -> Vec<Value> {
        let answer = reqwest::get(format!("{}/_test/requests", self.url))
            .await
            .unwrap();
        answer.json::<Vec<Value>>().await.unwrap()
    }

    /// The next `n` answers are not sent: the work is done, the client hears nothing.
    pub async fn drop_answers(&self, n: usize) {
        reqwest::Client::new()
            .post(format!("{}/_test/drop-answers?n={n}", self.url))
            .send()
            .await
            .unwrap();
    }

    /// The next answer to a request for `path` is not sent.
    pub async fn drop_answer_to(&self, path: &str) {
        reqwest::Client::new()
            .post(format!("{}/_test/drop-answers?n=1&path={path}", self.url))
            .send()
            .await
            .unwrap();
    }

    /// Its clock runs on the real time from now on (webhooks are signed with it).
    pub async fn real_clock(&self) {
        reqwest::Client::new()
            .post(format!("{}/_test/clock", self.url))
            .send()
            .await
            .unwrap();
    }

    /// From now on, the cards kept for `customer` are declined with `code`.
    pub async fn decline_cards_of(&self, customer: &str, code: &str) {
        let answer = reqwest::Client::new()
            .post(format!(
                "{}/_test/decline-card?customer={customer}&code={code}",
                self.url
            ))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{customer} is a customer");
    }
}

impl FakeStripe {
    /// Every event sent so far.
    pub async fn events(&self) -> Vec<Value> {
        let answer = reqwest::Client::new()
            .post(format!("{}/_test/events", self.url))
            .send()
            .await
            .unwrap();
        answer.json::<Vec<Value>>().await.unwrap()
    }

    /// Keeps events from now on (`true`) without delivering them, until `resend`.
    pub async fn hold_events(&self, on: bool) {
        reqwest::Client::new()
            .post(format!(
                "{}/_test/hold-events?on={}",
                self.url,
                u8::from(on)
            ))
            .send()
            .await
            .unwrap();
    }

    /// Refunds `amount` of `payment_intent` as the clinic would in Stripe's dashboard.
    pub async fn refund_in_dashboard(&self, payment_intent: &str, amount: i64) -> Value {
        reqwest::Client::new()
            .post(format!(
                "{}/_test/refund?payment_intent={payment_intent}&amount={amount}",
                self.url
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Delivers event `id` again, `times` times at once; the endpoint's answers.
    pub async fn resend(&self, id: &str, times: usize) -> Vec<u16> {
        let answer = reqwest::Client::new()
            .post(format!(
                "{}/_test/resend?event={id}&times={times}",
                self.url
            ))
            .send()
            .await
            .unwrap();
        let body: Value = answer.json().await.unwrap();
        body["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_u64().unwrap_or(0) as u16)
            .collect()
    }

    /// Pays at the hosted checkout page `url` as the patient's browser would (a form
    /// post); where the page then sends the patient.
    pub async fn pay(&self, url: &str) -> String {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let paid = client
            .post(url)
            .form(&[("card", "4242424242424242")])
            .send()
            .await
            .unwrap();
        assert_eq!(paid.status(), 303, "the checkout took the payment");
        paid.headers()["location"].to_str().unwrap().to_owned()
    }
}

/// The value of form field `name` in a request the stand-in received.
pub fn form_value<'a>(request: &'a Value, name: &str) -> Option<&'a str> {
    request["form"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pair| pair[0] == name)
        .and_then(|pair| pair[1].as_str())
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
