//! Sending webhook deliveries: the endpoint's address checked where it leads, the body
//! signed with each live secret, the receiver's answer recorded, and failures retried with
//! the outbox's backoff until they are dead-lettered.
//!
//! A delivery never reaches a private or loopback address unless the operator allows it
//! (`LUMEN_WEBHOOKS_ALLOW_PRIVATE`): the address is checked when an admin registers it,
//! and again at every delivery by the client's own resolver (a name may point elsewhere
//! by then), which connects only to the addresses it checked. Redirects are not followed.

use crate::backend::auth::sealing::SecretKeys;
use crate::backend::delivery::{jitter, Round, LEASE};
use crate::backend::store::outbox::{self, Answer, Claimed, Tried};
use crate::backend::store::webhooks::{self as store, secret_context};
use crate::domain::messaging::{after_failure, AfterFailure, LONGEST_DELAY};
use crate::domain::webhooks::{
    is_link_local, is_public, kept_response, signature_header, signed_text, RESPONSE_KEPT,
    SIGNATURE_HEADER,
};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use sha2::Sha256;
use sqlx::PgPool;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use uuid::Uuid;

/// How long a receiver has to answer; well inside the outbox's lease.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The client deliveries go out on, and where it may go.
#[derive(Clone)]
pub struct Webhooks {
    client: reqwest::Client,
    allow_private: bool,
}

/// Refused before connecting: the address is not on the public internet.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Resolves names as the system does, keeping only addresses deliveries may reach.
struct CheckedResolver {
    allow_private: bool,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| may_reach(a.ip(), allow_private))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(Refused(refusal(&host, &found))) as _);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Whether a delivery may connect to `address`: a public one, or with the operator's leave
/// a private one. Link-local addresses never, where cloud metadata services answer.
fn may_reach(address: IpAddr, allow_private: bool) -> bool {
    is_public(address) || (allow_private && !is_link_local(address))
}

/// Why `host` is refused, without the address it led to: the admin reading it should not
/// learn the layout of the operator's own network.
fn refusal(host: &str, found: &[SocketAddr]) -> String {
    if found.is_empty() {
        format!("{host} has no address.")
    } else if host.parse::<IpAddr>().is_ok() {
        format!("{host} is not on the public internet; Lumen sends only to public addresses.")
    } else {
        format!("{host} leads to an address that is not on the public internet; Lumen sends only to public addresses.")
    }
}

impl Webhooks {
    /// `allow_private` lets deliveries reach private and loopback addresses: for an
    /// operator whose receivers are on their own network, and for tests.
    pub fn new(allow_private: bool) -> Webhooks {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy from the environment would do the resolving, past the checks below.
            .no_proxy()
            .user_agent(concat!("Lumen-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(CheckedResolver { allow_private }))
            .build()
            .expect("the webhook client's settings are valid");
        Webhooks {
            client,
            allow_private,
        }
    }

    /// The endpoint's address if deliveries may go there, else what is wrong with it, in
    /// words for the admin who typed it.
    pub async fn check_endpoint(&self, typed: &str) -> Result<Url, String> {
        let url = Url::parse(typed).map_err(|_| {
            "Enter the whole address, starting https:// (for example https://hooks.example.com/lumen).".to_owned()
        })?;
        let secure = url.scheme() == "https" || (url.scheme() == "http" && self.allow_private);
        if !secure {
            return Err("The address must start https://, so deliveries are encrypted.".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("Leave the user name and password out of the address: each delivery is signed instead.".into());
        }
        let Some(host) = url.host_str() else {
            return Err("The address needs a host name.".into());
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let found: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, 0)],
            Err(_) => match tokio::net::lookup_host((host, 0)).await {
                Ok(found) => found.collect(),
                Err(_) => return Err(format!("{host} could not be found. Check the address.")),
            },
        };
        match found
            .iter()
            .find(|a| !may_reach(a.ip(), self.allow_private))
        {
            Some(_) => Err(refusal(host, &found)),
            None if found.is_empty() => Err(refusal(host, &found)),
            None => Ok(url),
        }
    }

    /// Sends one signed delivery and says how it went.
    async fn send(&self, url: &str, delivery: &Claimed, signature: &str) -> Sent {
        let url = match Url::parse(url) {
            Ok(url) => url,
            Err(_) => return Sent::Refused("The endpoint's address is not valid.".into()),
        };
        // Registered while the operator allowed plain http, perhaps.
        if url.scheme() != "https" && !self.allow_private {
            return Sent::Refused(
                "The address must start https://, so deliveries are encrypted.".into(),
            );
        }
        // A literal address is never resolved, so the resolver cannot check it.
        if let Some(ip) = literal_ip(&url) {
            if !may_reach(ip, self.allow_private) {
                return Sent::Refused(refusal(&ip.to_string(), &[SocketAddr::new(ip, 0)]));
            }
        }
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header("Lumen-Event", &delivery.kind)
            .header("Lumen-Delivery", delivery.id.to_string())
            .body(delivery.body.clone());
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    // A receiver asks for a pause, not for its deliveries to stop for good.
                    .map(|s| std::time::Duration::from_secs(s).min(LONGEST_DELAY));
                let body = read_start(response).await;
                Sent::Answered {
                    status,
                    body,
                    retry_after,
                }
            }
            Err(error) => match refused_by_resolver(&error) {
                Some(refused) => Sent::Refused(refused.0.clone()),
                None => Sent::Failed(describe(&error)),
            },
        }
    }
}

fn literal_ip(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

fn refused_by_resolver(error: &reqwest::Error) -> Option<&Refused> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return Some(refused);
        }
        source = cause.source();
    }
    None
}

/// The failure in a few words, without the address (it is in the log beside it).
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        format!("No answer within {} seconds.", TIMEOUT.as_secs())
    } else if error.is_connect() {
        "Could not connect to the endpoint.".into()
    } else {
        "The request failed before an answer came.".into()
    }
}

/// The start of the receiver's answer, read no further than the log keeps.
async fn read_start(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    // Characters are at most four bytes: this is always enough for what is kept.
    while bytes.len() < RESPONSE_KEPT * 4 {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    kept_response(&String::from_utf8_lossy(&bytes))
}

enum Sent {
    Answered {
        status: u16,
        body: String,
        retry_after: Option<std::time::Duration>,
    },
    /// No answer: the network, a timeout.
    Failed(String),
    /// Never sent, and never will be.
    Refused(String),
}

/// The HMAC-SHA256 of `text` under `secret`, in hex: one `v1` of the signature header.
pub fn mac_hex(secret: &[u8], text: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(text.as_bytes());
    crate::backend::hex::hex(&mac.finalize().into_bytes())
}

/// Delivers this clinic's due webhook deliveries.
#[derive(Clone)]
pub struct Dispatcher {
    pub pool: PgPool,
    pub clinic_id: Uuid,
    pub webhooks: Webhooks,
    pub secret_keys: Arc<SecretKeys>,
}

impl Dispatcher {
    /// Sends up to `batch` due deliveries one after another, recording each as soon as
    /// its receiver answers.
    #[tracing::instrument(skip_all, fields(clinic_id = %self.clinic_id))]
    pub async fn deliver_due(&self, now: DateTime<Utc>, batch: i64) -> Result<Round, sqlx::Error> {
        let claimed = outbox::claim(
            &self.pool,
            self.clinic_id,
            &["webhook".to_owned()],
            now,
            now + LEASE,
            batch,
        )
        .await?;
        let mut round = Round::default();
        for delivery in &claimed {
            let (tried, answer) = self.try_one(delivery, now).await?;
            let tried = match &tried {
                Outcome::Sent => {
                    round.sent += 1;
                    Tried::Sent {
                        provider: "webhook",
                        provider_message_id: "",
                    }
                }
                Outcome::Retry(error, at) => {
                    round.retrying += 1;
                    Tried::Retry { error, at: *at }
                }
                Outcome::Dead(error) => {
                    round.dead += 1;
                    Tried::Dead { error }
                }
            };
            let answer = answer.as_ref().map(|(status, body)| Answer {
                status: i32::from(*status),
                body,
            });
            outbox::record(&self.pool, self.clinic_id, delivery, tried, answer, now).await?;
        }
        Ok(round)
    }

    async fn try_one(
        &self,
        delivery: &Claimed,
        now: DateTime<Utc>,
    ) -> Result<(Outcome, Option<(u16, String)>), sqlx::Error> {
        let target = store::target(&self.pool, self.clinic_id, &delivery.recipient).await?;
        let Some(target) = target.filter(|t| !t.removed) else {
            return Ok((Outcome::Dead("The endpoint was removed.".into()), None));
        };
        // Signed as it leaves: receivers check the time against their own clock, and a
        // round's earlier deliveries may have taken a while.
        let timestamp = Utc::now().timestamp();
        let text = signed_text(timestamp, &delivery.body);
        let macs: Vec<String> = target
            .sealed_secrets
            .iter()
            .filter_map(|(id, sealed)| {
                let opened = self.secret_keys.open(sealed, &secret_context(target.id));
                if opened.is_err() {
                    tracing::warn!(secret_id = %id, "a webhook secret does not open with this server's keys");
                }
                opened.ok()
            })
            .map(|secret| mac_hex(&secret, &text))
            .collect();
        if macs.is_empty() {
            let error = "No signing secret could be read: give the endpoint a new secret.";
            return Ok((Outcome::Dead(error.into()), None));
        }
        let signature = signature_header(timestamp, &macs);
        let (outcome, answer) = match self.webhooks.send(&target.url, delivery, &signature).await {
            Sent::Answered { status, body, .. } if (200..300).contains(&status) => {
                (Outcome::Sent, Some((status, body)))
            }
            Sent::Answered {
                status: 410, body, ..
            } => {
                let error = "The endpoint answered 410 Gone: it wants no more deliveries.";
                (Outcome::Dead(error.into()), Some((410, body)))
            }
            Sent::Answered {
                status,
                body,
                retry_after,
            } => {
                let error = format!("The endpoint answered {status}.");
                (
                    later(delivery, error, retry_after, now),
                    Some((status, body)),
                )
            }
            Sent::Failed(error) => (later(delivery, error, None, now), None),
            Sent::Refused(error) => (Outcome::Dead(error), None),
        };
        match &outcome {
            Outcome::Sent => tracing::info!(delivery_id = %delivery.id, "webhook delivered"),
            _ => {
                tracing::warn!(delivery_id = %delivery.id, attempt = delivery.attempt, "webhook not delivered")
            }
        }
        Ok((outcome, answer))
    }
}

enum Outcome {
    Sent,
    Retry(String, DateTime<Utc>),
    Dead(String),
}

/// Another try after the outbox's backoff, or the dead letters when tries run out.
fn later(
    delivery: &Claimed,
    error: String,
    retry_after: Option<std::time::Duration>,
    now: DateTime<Utc>,
) -> Outcome {
    match after_failure(delivery.attempt, jitter(), retry_after) {
        AfterFailure::RetryIn(wait) => {
            let wait = Duration::from_std(wait).unwrap_or(Duration::hours(6));
            Outcome::Retry(error, now + wait)
        }
        AfterFailure::GiveUp => Outcome::Dead(error),
    }
}
