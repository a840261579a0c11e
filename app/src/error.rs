//! The error every page-facing server function returns: small enough to cross the wire,
//! specific enough that a page can tell "not found" from "try again later".

use crate::domain::form::FieldProblem;
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("We couldn't find that page.")]
    NotFound,
    #[error("Please sign in to continue.")]
    SignInRequired,
    #[error("Your account doesn't have access to this. If you think it should, ask your clinic's administrator.")]
    Forbidden,
    /// Too many attempts in a short time; the number is how many minutes to wait.
    #[error("Too many attempts. For your security, please wait {0} minutes and try again, or call the clinic.")]
    TooManyAttempts(i64),
    /// Input the person can correct; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// A form with problems in named fields; each message says how to fix its field.
    #[error("Some details need another look: see the messages beside the fields.")]
    Rejected(Vec<FieldProblem>),
    /// Someone else took the time first (or it is no longer free); the nearest free times
    /// come with it so the patient can choose again at once.
    #[error("Sorry, that time was just taken. Please choose another time.")]
    Taken(Vec<crate::booking::types::SlotChoice>),
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
        // On the server this runs while the request is answered: arguments that could not
        // be read are the caller's mistake (400), not a failure of ours.
        if matches!(value, ServerFnErrorErr::Args(_)) {
            crate::ui::status::set_http_status(400);
        }
        AppError::Transport(value)
    }
}

impl AppError {
    /// The problems tied to fields, when this error is about a form.
    pub fn field_problems(&self) -> &[FieldProblem] {
        match self {
            AppError::Rejected(problems) => problems,
            _ => &[],
        }
    }

    /// A record's id from an address or a form. One that is not an id names no record, so
    /// it is "not found" rather than a form problem.
    pub fn record_id(raw: &str) -> Result<uuid::Uuid, AppError> {
        uuid::Uuid::parse_str(raw.trim()).map_err(|_| AppError::NotFound)
    }

    /// The id in an editor's address: `None` for `/new` (a record not yet made), otherwise
    /// as [`AppError::record_id`].
    pub fn record_id_or_new(raw: &str) -> Result<Option<uuid::Uuid>, AppError> {
        match raw.trim() {
            "" | "new" => Ok(None),
            raw => AppError::record_id(raw).map(Some),
        }
    }

    /// The HTTP status that goes with the error, for pages and direct API calls alike.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::SignInRequired => 401,
            AppError::Forbidden => 403,
            AppError::Invalid(_) | AppError::Rejected(_) => 422,
            AppError::TooManyAttempts(_) => 429,
            AppError::Taken(_) => 409,
            AppError::Transport(ServerFnErrorErr::Args(_)) => 400,
            AppError::Unavailable | AppError::Transport(_) => 503,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = %error, "database query failed");
        AppError::Unavailable
    }
}
