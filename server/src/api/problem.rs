//! Every error the API answers, in one shape: RFC 9457 problem details
//! (`application/problem+json`), with the fields to fix when the request was refused.

use app::domain::form::FieldProblem;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem with a request (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// What kind of problem this is, as a URN integrators can match on.
    #[serde(rename = "type")]
    #[schema(example = "urn:lumen:problem:invalid")]
    pub kind: &'static str,
    /// The kind in words; the same for every problem of its kind.
    pub title: &'static str,
    /// The HTTP status, repeated for clients that lose it.
    pub status: u16,
    /// What happened this time, worded so the integrator can act on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields that need another look.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds to wait, for `Retry-After`.
    #[serde(skip)]
    retry_after: Option<u64>,
    /// Answered with `WWW-Authenticate`, naming the scheme to use.
    #[serde(skip)]
    challenge: bool,
}

/// One field of the request and what is wrong with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl Problem {
    fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<Option<String>>,
    ) -> Self {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            challenge: false,
        }
    }

    pub fn not_found(detail: &str) -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "urn:lumen:problem:not-found",
            "Not found",
            detail.to_owned(),
        )
    }

    /// No key, or one this clinic does not know (or has revoked).
    pub fn unauthorized(detail: &str) -> Self {
        let mut problem = Problem::new(
            StatusCode::UNAUTHORIZED,
            "urn:lumen:problem:unauthorized",
            "A valid API key is needed",
            detail.to_owned(),
        );
        problem.challenge = true;
        problem
    }

    pub fn forbidden(detail: &str) -> Self {
        Problem::new(
            StatusCode::FORBIDDEN,
            "urn:lumen:problem:forbidden",
            "The key may not do this",
            detail.to_owned(),
        )
    }

    /// A request that cannot be read at all (not JSON, a parameter of the wrong type).
    pub fn bad_request(detail: &str) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "urn:lumen:problem:bad-request",
            "The request could not be read",
            detail.to_owned(),
        )
    }

    /// A request that was read and will not do, field by field.
    pub fn invalid(problems: Vec<FieldProblem>) -> Self {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:lumen:problem:invalid",
            "Some fields need another look",
            None,
        );
        problem.errors = problems
            .into_iter()
            .map(|p| FieldError {
                field: p.field,
                message: p.message,
            })
            .collect();
        problem
    }

    /// The time asked for is not free (or not one the clinic offers).
    pub fn taken(detail: &str) -> Self {
        Problem::new(
            StatusCode::CONFLICT,
            "urn:lumen:problem:taken",
            "The time is not free",
            detail.to_owned(),
        )
    }

    /// The booking can no longer be changed that way.
    pub fn closed(detail: &str) -> Self {
        Problem::new(
            StatusCode::CONFLICT,
            "urn:lumen:problem:closed",
            "The booking can no longer be changed",
            detail.to_owned(),
        )
    }

    /// An `Idempotency-Key` already used with a different request.
    pub fn idempotency_conflict() -> Self {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:lumen:problem:idempotency-key-reused",
            "The Idempotency-Key was used for another request",
            "Send a new Idempotency-Key for a new request; the same key always gets the first request's answer."
                .to_owned(),
        )
    }

    /// The clinic asks for a payment when this treatment is booked, which the API cannot
    /// take.
    pub fn payment_required() -> Self {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:lumen:problem:payment-required",
            "The clinic asks for a payment to book this",
            "The API cannot take payments yet: the patient books this treatment on the clinic's site, where they pay."
                .to_owned(),
        )
    }

    /// A request with the same `Idempotency-Key` is still being answered.
    pub fn in_progress() -> Self {
        Problem::new(
            StatusCode::CONFLICT,
            "urn:lumen:problem:idempotency-key-in-use",
            "A request with this Idempotency-Key is still being answered",
            "Try again in a moment: you will get its answer.".to_owned(),
        )
    }

    /// The key's rate limit is spent; it may try again after `seconds`.
    pub fn too_many(seconds: u64, per_minute: usize) -> Self {
        let mut problem = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "urn:lumen:problem:rate-limited",
            "Too many requests",
            format!("This key may make {per_minute} requests a minute. Try again in {seconds} s."),
        );
        problem.retry_after = Some(seconds);
        problem
    }

    /// Our side failed; the details are in the server's log under the request id.
    pub fn unavailable() -> Self {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "urn:lumen:problem:unavailable",
            "Something went wrong on our side",
            "Try again in a minute; if it keeps happening, give the clinic the response's x-request-id."
                .to_owned(),
        )
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<sqlx::Error> for Problem {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "the API could not reach the database");
        Problem::unavailable()
    }
}

impl From<app::error::AppError> for Problem {
    fn from(error: app::error::AppError) -> Self {
        use app::error::AppError;
        match error {
            AppError::NotFound => Problem::not_found("There is no such record."),
            AppError::Rejected(problems) => Problem::invalid(problems),
            AppError::Invalid(message) => Problem::invalid(vec![FieldProblem::new("", message)]),
            other => {
                tracing::error!(error = %other, "an API request failed");
                Problem::unavailable()
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"lumen\""),
            );
        }
        response
    }
}
