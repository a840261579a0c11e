//! Email over SMTP (lettre, rustls on ring): STARTTLS or implicit TLS, authentication and
//! a pool of connections, all read from one `smtp://` or `smtps://` URL. Every message is
//! multipart (plain text and HTML) and may carry an attachment.

use super::{Delivery, Outgoing};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SmtpConfigError {
    #[error(
        "must be smtp://[user:password@]host[:port][?tls=required|opportunistic] or smtps://…: {0}"
    )]
    Url(String),
    #[error("the sending address is not an email address: {0}")]
    From(String),
}

/// How long one conversation with the server may take before it counts as failed.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The address messages are sent from; the clinic's name is shown beside it.
    from: Address,
}

impl Smtp {
    /// `url` as lettre reads it: `smtp://host:25` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host`
    /// (implicit TLS, port 465).
    pub fn from_url(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        let from: Address = from
            .parse()
            .map_err(|e: lettre::address::AddressError| SmtpConfigError::From(e.to_string()))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SmtpConfigError::Url(e.to_string()))?
            .timeout(Some(TIMEOUT))
            .pool_config(PoolConfig::new().max_size(4))
            .build();
        Ok(Smtp { transport, from })
    }

    pub async fn send(&self, message: &Outgoing<'_>) -> Delivery {
        let email = match self.build(message) {
            Ok(email) => email,
            Err(error) => return Delivery::Permanent { error },
        };
        let message_id = email
            .headers()
            .get_raw("Message-ID")
            .unwrap_or_default()
            .to_owned();
        match self.transport.send(email).await {
            Ok(_) => Delivery::Accepted {
                provider_message_id: message_id,
            },
            Err(error) => read_failure(&error),
        }
    }

    fn build(&self, m: &Outgoing<'_>) -> Result<Message, String> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|_| "the recipient's address is not a valid email address".to_owned())?;
        let from = Mailbox::new(Some(m.sender_name.to_owned()), self.from.clone());
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject)
            .message_id(Some(format!("<{}@{}>", m.id, self.from.domain())));
        if let Ok(reply_to) = m.reply_to.parse::<Mailbox>() {
            builder = builder.reply_to(reply_to);
        }
        let html = m
            .html
            .map(str::to_owned)
            .unwrap_or_else(|| crate::domain::messaging::html_from_text(m.text));
        let body = MultiPart::alternative_plain_html(m.text.to_owned(), html);
        let body = match &m.attachment {
            None => body,
            Some(file) => {
                let content_type = ContentType::parse(file.content_type)
                    .map_err(|_| format!("unusable attachment type {}", file.content_type))?;
                MultiPart::mixed().multipart(body).singlepart(
                    Attachment::new(file.name.to_owned())
                        .body(file.content.to_owned(), content_type),
                )
            }
        };
        builder.multipart(body).map_err(|e| e.to_string())
    }
}

/// A 5xx answer is final; a 4xx answer, the network, TLS or a timeout are worth another try.
fn read_failure(error: &lettre::transport::smtp::Error) -> Delivery {
    let said = error.to_string();
    if error.is_permanent() {
        Delivery::Permanent { error: said }
    } else {
        Delivery::Temporary {
            error: said,
            after: None,
        }
    }
}
