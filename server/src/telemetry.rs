//! Logging: readable lines in development, JSON for log collectors. Filtered by RUST_LOG.

use crate::config::{ConfigError, LogFormat};
use tracing_subscriber::EnvFilter;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";

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
