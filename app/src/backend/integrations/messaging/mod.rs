//! Messages to people: each channel behind one small interface, with the development
//! mailbox as the built-in default. A channel without a provider sends nothing: its
//! messages stay in the outbox for the staff area's mailbox, which says so.

pub mod email;
pub mod twilio;

pub use crate::domain::messaging::Delivery;
pub use email::{Smtp, SmtpConfigError};
use std::sync::Arc;
pub use twilio::{Twilio, TwilioConfig};
use uuid::Uuid;

/// A way a message reaches a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Email,
    Sms,
    WhatsApp,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::WhatsApp];

    /// As the outbox's `channel` column holds it.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::WhatsApp => "whatsapp",
        }
    }

    pub fn parse(raw: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// A message as a provider is handed it.
pub struct Outgoing<'a> {
    /// The outbox row's id: the email's Message-ID is made from it.
    pub id: Uuid,
    /// What the message is for (`reminder`, …): a WhatsApp template is chosen by it.
    pub kind: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub attachment: Option<Attachment<'a>>,
    /// Who it is from: the clinic's name, shown beside the configured sending address.
    pub sender_name: &'a str,
    /// Where replies go: the clinic's own address.
    pub reply_to: &'a str,
    /// Named values for a WhatsApp template (`first_name`, `when`, …).
    pub variables: Option<&'a serde_json::Value>,
    /// Whether the person wrote to us on WhatsApp in the last 24 hours, so a message in
    /// words may go instead of an approved template.
    pub window_open: bool,
}

pub struct Attachment<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub content: &'a str,
}

/// The configured providers. Cheap to clone; the SMTP pool is shared.
#[derive(Clone, Default)]
pub struct Messaging {
    email: Option<Arc<Smtp>>,
    texts: Option<Arc<Twilio>>,
}

impl Messaging {
    /// Nothing configured: every message waits in the development mailbox.
    pub fn development() -> Self {
        Messaging::default()
    }

    pub fn with_email(mut self, smtp: Smtp) -> Self {
        self.email = Some(Arc::new(smtp));
        self
    }

    /// Texts and WhatsApp through Twilio, for the channels it has a sender for.
    pub fn with_texts(mut self, twilio: Twilio) -> Self {
        self.texts = Some(Arc::new(twilio));
        self
    }

    /// Twilio, when configured: its callbacks are checked with its signature.
    pub fn twilio(&self) -> Option<&Twilio> {
        self.texts.as_deref()
    }

    /// Whether messages on `channel` really leave the server.
    pub fn sends(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email.is_some(),
            Channel::Sms | Channel::WhatsApp => {
                self.texts.as_ref().is_some_and(|t| t.sends(channel))
            }
        }
    }

    /// The provider's name for `channel`, as recorded with each message it took.
    pub fn provider(&self, channel: Channel) -> &'static str {
        match channel {
            _ if !self.sends(channel) => "mailbox",
            Channel::Email => "smtp",
            Channel::Sms | Channel::WhatsApp => "twilio",
        }
    }

    /// Hands the message to the channel's provider and reads its answer.
    pub async fn send(&self, channel: Channel, message: &Outgoing<'_>) -> Delivery {
        match (channel, &self.email, &self.texts) {
            (Channel::Email, Some(smtp), _) => smtp.send(message).await,
            (Channel::Sms | Channel::WhatsApp, _, Some(twilio)) if twilio.sends(channel) => {
                twilio.send(channel, message).await
            }
            _ => Delivery::Temporary {
                error: format!("no {} provider is configured", channel.as_str()),
                after: None,
            },
        }
    }
}
