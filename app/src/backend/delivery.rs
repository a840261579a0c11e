//! The delivery worker: takes due messages from the outbox, hands each to its channel's
//! provider, and records what happened. Any number of these may run, in one process or
//! many: claims are leased rows taken with `SKIP LOCKED`.

use crate::backend::integrations::messaging::{Attachment, Channel, Delivery, Messaging, Outgoing};
use crate::backend::store::outbox::{self, Claimed, Tried};
use crate::domain::messaging::{after_failure, AfterFailure, Breaker};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// How long a claimed message is this sender's: longer than any one send may take (the
/// SMTP timeout is 30 s), so a live sender never loses a row it is still sending.
pub const LEASE: Duration = Duration::minutes(5);

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
    /// Claimed but not tried, because their provider's breaker was open.
    pub waiting: usize,
}

impl Round {
    pub fn handled(&self) -> usize {
        self.sent + self.retrying + self.dead
    }
}

#[derive(Clone)]
pub struct Deliverer {
    pub pool: PgPool,
    pub clinic_id: Uuid,
    pub messaging: Messaging,
    breakers: Arc<Mutex<HashMap<Channel, Breaker>>>,
    cool_off: std::time::Duration,
}

impl Deliverer {
    pub fn new(pool: PgPool, clinic_id: Uuid, messaging: Messaging) -> Self {
        Deliverer {
            pool,
            clinic_id,
            messaging,
            breakers: Arc::default(),
            cool_off: Breaker::COOL_OFF,
        }
    }

    /// How long an open breaker leaves its provider alone (tests shorten it).
    pub fn with_cool_off(mut self, cool_off: std::time::Duration) -> Self {
        self.cool_off = cool_off;
        self
    }

    fn breaker_allows(&self, channel: Channel) -> bool {
        let breakers = self.breakers.lock().unwrap_or_else(|e| e.into_inner());
        breakers
            .get(&channel)
            .is_none_or(|b| b.allows(std::time::Instant::now()))
    }

    fn breaker_hears(&self, channel: Channel, delivery: &Delivery) {
        let mut breakers = self.breakers.lock().unwrap_or_else(|e| e.into_inner());
        let breaker = breakers
            .entry(channel)
            .or_insert_with(|| Breaker::with_cool_off(self.cool_off));
        match delivery {
            // A refusal of one message still says the provider is up.
            Delivery::Accepted { .. } | Delivery::Permanent { .. } => breaker.succeeded(),
            Delivery::Temporary { .. } => breaker.failed(std::time::Instant::now()),
        }
    }

    /// Delivers up to `batch` due messages, one after another, recording each as soon as
    /// its provider answers, so a crash part way loses at most the one in flight.
    #[tracing::instrument(skip_all, fields(clinic_id = %self.clinic_id))]
    pub async fn deliver_due(&self, now: DateTime<Utc>, batch: i64) -> Result<Round, sqlx::Error> {
        let channels: Vec<String> = Channel::ALL
            .into_iter()
            .filter(|c| self.messaging.sends(*c) && self.breaker_allows(*c))
            .map(|c| c.as_str().to_owned())
            .collect();
        let mut round = Round::default();
        if channels.is_empty() {
            return Ok(round);
        }
        let claimed = outbox::claim(
            &self.pool,
            self.clinic_id,
            &channels,
            now,
            now + LEASE,
            batch,
        )
        .await?;
        if claimed.is_empty() {
            return Ok(round);
        }
        let sender = crate::backend::store::clinic::sender(&self.pool, self.clinic_id).await?;
        let mut untried = Vec::new();
        for message in &claimed {
            let Some(channel) = Channel::parse(&message.channel) else {
                continue;
            };
            if !self.breaker_allows(channel) {
                untried.push(message.id);
                continue;
            }
            if message.opted_out {
                // Never tried: the number said STOP after the message was written.
                round.dead += 1;
                let error = "The number replied STOP: nothing more goes to it this way until it replies START.";
                outbox::record(
                    &self.pool,
                    self.clinic_id,
                    message,
                    Tried::Dead { error },
                    None,
                    now,
                )
                .await?;
                continue;
            }
            let outgoing = outgoing(message, &sender.name, &sender.email);
            let delivery = self.messaging.send(channel, &outgoing).await;
            self.breaker_hears(channel, &delivery);
            let at = now;
            match &delivery {
                Delivery::Accepted {
                    provider_message_id,
                } => {
                    round.sent += 1;
                    let provider = self.messaging.provider(channel);
                    let tried = Tried::Sent {
                        provider,
                        provider_message_id,
                    };
                    outbox::record(&self.pool, self.clinic_id, message, tried, None, at).await?;
                    tracing::info!(message_id = %message.id, channel = channel.as_str(), "message sent");
                }
                Delivery::Temporary { error, after } => {
                    let jitter = jitter();
                    let tried = match after_failure(message.attempt, jitter, *after) {
                        AfterFailure::RetryIn(wait) => {
                            round.retrying += 1;
                            let wait = Duration::from_std(wait).unwrap_or(Duration::hours(6));
                            Tried::Retry {
                                error,
                                at: at + wait,
                            }
                        }
                        AfterFailure::GiveUp => {
                            round.dead += 1;
                            Tried::Dead { error }
                        }
                    };
                    outbox::record(&self.pool, self.clinic_id, message, tried, None, at).await?;
                    tracing::warn!(message_id = %message.id, attempt = message.attempt, "message not sent; will retry or give up");
                }
                Delivery::Permanent { error } => {
                    round.dead += 1;
                    let tried = Tried::Dead { error };
                    outbox::record(&self.pool, self.clinic_id, message, tried, None, at).await?;
                    tracing::warn!(message_id = %message.id, "message refused for good");
                }
            }
        }
        if !untried.is_empty() {
            round.waiting = untried.len();
            outbox::release(&self.pool, self.clinic_id, &untried).await?;
        }
        Ok(round)
    }
}

fn outgoing<'a>(message: &'a Claimed, sender_name: &'a str, reply_to: &'a str) -> Outgoing<'a> {
    let attachment = match (
        &message.attachment_name,
        &message.attachment_type,
        &message.attachment,
    ) {
        (Some(name), Some(content_type), Some(content)) => Some(Attachment {
            name,
            content_type,
            content,
        }),
        _ => None,
    };
    Outgoing {
        id: message.id,
        kind: &message.kind,
        to: &message.recipient,
        subject: &message.subject,
        text: &message.body,
        html: message.html_body.as_deref(),
        attachment,
        sender_name,
        reply_to,
        variables: message.variables.as_ref(),
        window_open: message.window_open,
    }
}

/// A number in 0..=1 from the operating system's randomness, to spread retries out.
pub(crate) fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}
