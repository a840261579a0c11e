//! Logging: readable lines in development, JSON for log collectors. Filtered by RUST_LOG.

use crate::config::{ConfigError, LogFormat};
use tracing_subscriber::EnvFilter;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";

/// The request path as logs and traces record it: a segment that is a secret token (the
/// booking links' 64 hex digits; anything all hex and 32 or more long) is replaced by
/// `{token}`, so whoever reads the logs cannot follow a patient's link.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    let secret =
        |segment: &str| segment.len() >= 32 && segment.bytes().all(|b| b.is_ascii_hexdigit());
    if !path.split('/').any(secret) {
        return path.into();
    }
    path.split('/')
        .map(|segment| if secret(segment) { "{token}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
        .into()
}

pub fn init(format: &LogFormat) -> Result<(), ConfigError> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => EnvFilter::try_new(&directives)
            .map_err(|_| ConfigError {
                variable: "RUST_LOG",
                value: directives,
                problem: "is not a valid log filter; try `info` or `info,server=debug`",
            })?,
        _ => EnvFilter::new(DEFAULT_FILTER),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn booking_tokens_never_reach_the_logs() {
        let token = "ab12".repeat(16);
        assert_eq!(
            loggable_path(&format!("/booking/{token}")),
            "/booking/{token}"
        );
        assert_eq!(
            loggable_path(&format!("/booking/{token}/calendar.ics")),
            "/booking/{token}/calendar.ics"
        );
        assert_eq!(
            loggable_path(&format!("/booking/{}", token.to_uppercase())),
            "/booking/{token}"
        );
        // Everything else is kept as it was, pictures named by their hash included.
        for kept in [
            "/",
            "/treatments/mole-check",
            "/media/0123abcd.webp",
            "/admin/patients/4b1f",
        ] {
            assert_eq!(loggable_path(kept), kept);
        }
    }
}
