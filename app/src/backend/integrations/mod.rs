//! One module per outside concern, each behind a small interface with a built-in default.

pub mod assistant;
pub mod booking;
pub mod media;
pub mod messaging;
pub mod payments;
pub mod practice;

/// A request's error for logs and the message log, with the address it went to replaced by
/// the service's name: addresses can hold account and session ids.
pub fn error_without_url(error: &reqwest::Error, service: &str) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), service);
    }
    text
}
