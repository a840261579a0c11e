//! Texts and WhatsApp through Twilio's REST API: a form-encoded POST with basic auth per
//! message, and the signature check for what Twilio sends back (status callbacks and
//! inbound messages).

use super::{Channel, Delivery, Outgoing};
use crate::backend::integrations::error_without_url;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::collections::HashMap;
use std::time::Duration;

/// How long one request to Twilio may take before it counts as failed.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Where Twilio's API is; tests point it at a local stand-in.
pub const API: &str = "https://api.twilio.com";

/// The account, the numbers messages come from, and the approved WhatsApp templates.
pub struct TwilioConfig {
    pub api: String,
    pub account_sid: String,
    pub auth_token: String,
    /// The number (E.164) or Messaging Service (`MG…`) texts come from.
    pub sms_from: Option<String>,
    /// The WhatsApp sender's number (E.164).
    pub whatsapp_from: Option<String>,
    /// Approved WhatsApp templates by message kind (`reminder` → `HX…`), for messages
    /// outside the 24-hour window.
    pub whatsapp_templates: HashMap<String, String>,
    /// Where Twilio reports what became of each message: the site's public address.
    pub status_callback: String,
}

pub struct Twilio {
    config: TwilioConfig,
    client: reqwest::Client,
}

/// Twilio's answer to a send: the message's id, or its error.
#[derive(serde::Deserialize)]
struct Answer {
    sid: Option<String>,
    code: Option<i64>,
    message: Option<String>,
}

impl Twilio {
    pub fn new(config: TwilioConfig) -> Twilio {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("an HTTP client with rustls builds");
        Twilio { config, client }
    }

    /// Whether messages on `channel` have a sender configured.
    pub fn sends(&self, channel: Channel) -> bool {
        match channel {
            Channel::Sms => self.config.sms_from.is_some(),
            Channel::WhatsApp => self.config.whatsapp_from.is_some(),
            Channel::Email => false,
        }
    }

    /// Sends one text or WhatsApp message. A WhatsApp message outside the 24-hour window
    /// (`message.window_open` false) goes as its kind's approved template.
    pub async fn send(&self, channel: Channel, message: &Outgoing<'_>) -> Delivery {
        let mut form: Vec<(&str, String)> = Vec::new();
        match channel {
            Channel::Sms => {
                let Some(from) = &self.config.sms_from else {
                    return no_sender(channel);
                };
                form.push(("To", message.to.to_owned()));
                if from.starts_with("MG") {
                    form.push(("MessagingServiceSid", from.clone()));
                } else {
                    form.push(("From", from.clone()));
                }
                form.push(("Body", message.text.to_owned()));
            }
            Channel::WhatsApp => {
                let Some(from) = &self.config.whatsapp_from else {
                    return no_sender(channel);
                };
                form.push(("To", format!("whatsapp:{}", message.to)));
                form.push(("From", format!("whatsapp:{from}")));
                if message.window_open {
                    form.push(("Body", message.text.to_owned()));
                } else {
                    let Some(template) = self.config.whatsapp_templates.get(message.kind) else {
                        return Delivery::Permanent {
                            error: format!(
                                "WhatsApp allows only an approved template outside the 24-hour \
                                 window, and none is configured for `{}` messages \
                                 (LUMEN_TWILIO_WHATSAPP_TEMPLATES)",
                                message.kind
                            ),
                        };
                    };
                    form.push(("ContentSid", template.clone()));
                    form.push((
                        "ContentVariables",
                        content_variables(message.kind, message.variables),
                    ));
                }
            }
            Channel::Email => return no_sender(channel),
        }
        form.push(("StatusCallback", self.config.status_callback.clone()));
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.config.api, self.config.account_sid
        );
        let sent = self
            .client
            .post(url)
            .basic_auth(&self.config.account_sid, Some(&self.config.auth_token))
            .form(&form)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                return Delivery::Temporary {
                    error: format!(
                        "Twilio could not be reached: {}",
                        error_without_url(&error, "Twilio")
                    ),
                    after: None,
                }
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let answer: Option<Answer> = response.json().await.ok();
        let said = |answer: &Option<Answer>| match answer {
            Some(Answer {
                code: Some(code),
                message: Some(message),
                ..
            }) => format!("Twilio error {code}: {message}"),
            _ => format!("Twilio answered {status}"),
        };
        match status.as_u16() {
            200..=299 => match answer.and_then(|a| a.sid) {
                Some(sid) => Delivery::Accepted {
                    provider_message_id: sid,
                },
                None => Delivery::Temporary {
                    error: "Twilio accepted the message without an id".to_owned(),
                    after: None,
                },
            },
            429 => Delivery::Temporary {
                error: said(&answer),
                after: retry_after,
            },
            // Lumen's own credentials, not the message: wait for them to be fixed.
            401 | 403 => Delivery::Temporary {
                error: format!(
                    "{} (check LUMEN_TWILIO_ACCOUNT_SID and LUMEN_TWILIO_AUTH_TOKEN)",
                    said(&answer)
                ),
                after: None,
            },
            400..=499 => Delivery::Permanent {
                error: said(&answer),
            },
            _ => Delivery::Temporary {
                error: said(&answer),
                after: retry_after,
            },
        }
    }

    /// Whether `signature` (the `X-Twilio-Signature` header) is Twilio's for a POST of
    /// `params` to `url`, the address Lumen gave Twilio (never one read from the request).
    pub fn verify(&self, url: &str, params: &[(String, String)], signature: &str) -> bool {
        verify_signature(&self.config.auth_token, url, params, signature)
    }
}

fn no_sender(channel: Channel) -> Delivery {
    Delivery::Temporary {
        error: format!("no {} sender is configured", channel.as_str()),
        after: None,
    }
}

/// The variables of a kind's template, in the order its placeholders number them
/// (`{{1}}`, `{{2}}`, …): this order is what a clinic registers its templates with.
fn template_variables(kind: &str) -> &'static [&'static str] {
    match kind {
        "reminder" => &["first_name", "treatment", "when", "clinic"],
        _ => &["first_name", "clinic"],
    }
}

/// `ContentVariables` as Twilio reads it: `{"1": "Isla", "2": …}`.
fn content_variables(kind: &str, variables: Option<&serde_json::Value>) -> String {
    let numbered: serde_json::Map<String, serde_json::Value> = template_variables(kind)
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let value = variables
                .and_then(|v| v.get(name))
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            ((i + 1).to_string(), serde_json::Value::from(value))
        })
        .collect();
    serde_json::Value::Object(numbered).to_string()
}

/// Twilio's request signature: base64(HMAC-SHA1(auth token, URL followed by each POST
/// parameter's name and value, sorted by name)).
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(mac(auth_token, url, params).finalize().into_bytes())
}

fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac =
        Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// Compares in constant time, so the answer's timing says nothing about the right value.
pub fn verify_signature(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    mac(auth_token, url, params).verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Vec<(String, String)> {
        [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    #[test]
    fn the_signature_matches_twilios_documented_example() {
        assert_eq!(
            signature("12345", URL, &example()),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        let mut shuffled = example();
        shuffled.reverse();
        assert!(verify_signature(
            "12345",
            URL,
            &shuffled,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
        assert!(!verify_signature("12346", URL, &example(), good));
        assert!(!verify_signature(
            "12345",
            "https://evil.example/myapp.php?foo=1&bar=2",
            &example(),
            good
        ));
        let mut changed = example();
        changed[2].1 = "9999".to_owned();
        assert!(!verify_signature("12345", URL, &changed, good));
        assert!(!verify_signature("12345", URL, &example(), "not base64!"));
        assert!(!verify_signature("12345", URL, &example(), ""));
    }

    #[test]
    fn template_variables_are_numbered_in_the_kinds_order() {
        let values = serde_json::json!({"first_name": "Isla", "treatment": "Facial", "when": "Tue 8 Dec, 14:30", "clinic": "Juniper", "extra": "x"});
        let numbered: serde_json::Value =
            serde_json::from_str(&content_variables("reminder", Some(&values))).unwrap();
        assert_eq!(
            numbered,
            serde_json::json!({"1": "Isla", "2": "Facial", "3": "Tue 8 Dec, 14:30", "4": "Juniper"})
        );
    }
}
