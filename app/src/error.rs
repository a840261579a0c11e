//! The error every page-facing server function returns: small enough to cross the wire,
//! specific enough that a page can tell "not found" from "try again later".

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("We couldn't find that page.")]
    NotFound,
    /// The database or another part we depend on did not answer. Details are logged on the
    /// server with the request id; the person only learns that trying again may help.
    #[error("Something went wrong on our side. Please try again in a minute.")]
    Unavailable,
    #[error("We couldn't reach the clinic's server. Check your connection and try again.")]
    Transport(ServerFnErrorErr),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value)
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = %error, "database query failed");
        AppError::Unavailable
    }
}
