//! Razorpay's stand-in for the tests (`scripts/test-razorpay-server`): Lumen's own Razorpay
//! client talks to it over HTTP, and the tests read what it received and sent.

use app::backend::integrations::payments::{Payments, Razorpay, RazorpayConfig};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command};

pub const KEY_ID: &str = "rzp_test_lumen0123456789";
pub const KEY_SECRET: &str = "lumen_test_key_secret_0123456789";
pub const WEBHOOK_SECRET: &str = "lumen_test_webhook_secret_0123";

pub struct FakeRazorpay {
    child: Child,
    pub url: String,
}

impl FakeRazorpay {
    /// A stand-in that sends its webhooks to `webhook_url`, when given, with its clock
    /// started at `clock` (a payment link's expiry is checked against it).
    pub fn start(webhook_url: Option<&str>, clock: DateTime<Utc>) -> FakeRazorpay {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/test-razorpay-server");
        let mut command = Command::new(script);
        command.args(["--key-id", KEY_ID, "--key-secret", KEY_SECRET]);
        command.args(["--clock", &clock.timestamp().to_string()]);
        if let Some(url) = webhook_url {
            command.args(["--webhook-url", url, "--webhook-secret", WEBHOOK_SECRET]);
        }
        let (child, port) = super::stand_in::start(
            command,
            "scripts/test-razorpay-server starts (python3 is installed)",
        );
        FakeRazorpay {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn client(&self) -> Razorpay {
        Razorpay::new(RazorpayConfig {
            api: self.url.clone(),
            key_id: KEY_ID.to_owned(),
            key_secret: KEY_SECRET.to_owned(),
            webhook_secrets: vec![WEBHOOK_SECRET.to_owned()],
            checkout_js: format!("{}/v1/checkout.js", self.url),
        })
    }

    /// The payment services of a server whose Razorpay is this stand-in.
    pub fn payments(&self) -> Payments {
        Payments::default().with_razorpay(self.client())
    }

    async fn post(&self, path_and_query: &str) -> reqwest::Response {
        let answer = reqwest::Client::new()
            .post(format!("{}{path_and_query}", self.url))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{path_and_query}");
        answer
    }

    /// Every API request received so far: method, path, body, idempotency key.
    pub async fn requests(&self) -> Vec<Value> {
        let answer = reqwest::get(format!("{}/_test/requests", self.url))
            .await
            .unwrap();
        answer.json().await.unwrap()
    }

    /// Every event sent (or kept) so far: id, kind, Lumen's answer.
    pub async fn events(&self) -> Vec<Value> {
        let answer = reqwest::get(format!("{}/_test/events", self.url))
            .await
            .unwrap();
        answer.json().await.unwrap()
    }

    /// Delivers event `id` again, `times` times at once; the endpoint's answers.
    pub async fn resend(&self, id: &str, times: usize) -> Vec<u16> {
        let answer = self
            .post(&format!("/_test/resend?event={id}&times={times}"))
            .await;
        let statuses: Vec<Value> = answer.json().await.unwrap();
        statuses
            .iter()
            .map(|s| s.as_u64().unwrap_or(0) as u16)
            .collect()
    }

    /// Pays `order` as the checkout's "Pay" does: what the checkout hands the page.
    pub async fn pay_order(&self, order: &str) -> Value {
        self.post(&format!("/_test/pay-order?order={order}"))
            .await
            .json()
            .await
            .unwrap()
    }

    /// Pays payment link `link` as its page does: where the patient is then sent.
    pub async fn pay_link(&self, link: &str) -> String {
        let answer: Value = self
            .post(&format!("/_test/pay-link?link={link}"))
            .await
            .json()
            .await
            .unwrap();
        answer["callback"].as_str().unwrap().to_owned()
    }
}

impl Drop for FakeRazorpay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
