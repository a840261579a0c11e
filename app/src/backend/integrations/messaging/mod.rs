//! Messages to people: each channel behind one small interface, with the development
//! mailbox as the built-in default. A channel without a provider sends nothing: its
//! messages stay in the outbox for the staff area's mailbox, which says so.

pub mod email;

pub use crate::domain::messaging::Delivery;
pub use email::{Smtp, SmtpConfigError};
use std::sync::Arc;
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
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub attachment: Option<Attachment<'a>>,
    /// Who it is from: the clinic's name, shown beside the configured sending address.
    pub sender_name: &'a str,
    /// Where replies go: the clinic's own address.
    pub reply_to: &'a str,
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

    /// Whether messages on `channel` really leave the server.
    pub fn sends(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email.is_some(),
            Channel::Sms | Channel::WhatsApp => false,
        }
    }

    /// The provider's name for `channel`, as recorded with each message it took.
    pub fn provider(&self, channel: Channel) -> &'static str {
        match channel {
            Channel::Email if self.email.is_some() => "smtp",
            _ => "mailbox",
        }
    }

    /// Hands the message to the channel's provider and reads its answer.
    pub async fn send(&self, channel: Channel, message: &Outgoing<'_>) -> Delivery {
        match (channel, &self.email) {
            (Channel::Email, Some(smtp)) => smtp.send(message).await,
            _ => Delivery::Temporary {
                error: format!("no {} provider is configured", channel.as_str()),
                after: None,
            },
        }
    }
}
