//! Input PostgreSQL cannot store, refused at the door: a NUL character (text columns
//! cannot hold one) or bytes that are not UTF-8, in the path, the query or a form's body.
//! Without this each reached a query and came back as a server failure; now the person is
//! told what to remove. And server functions' errors keep the status that goes with them.

use app::error::AppError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode;

/// The most a form or JSON body may be: far above any of Lumen's forms (uploads are
/// multipart and not read here).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

const UNSTORABLE: &str = "Some of what was sent contains a character that cannot be stored \
     (a null character, or bytes that are not text). Remove it, or type the text again, \
     and send it once more.";

/// Whether percent-encoded `raw` (a path, a query or a form body) decodes to text the
/// database can store.
pub fn storable_encoded(raw: &[u8]) -> bool {
    let decoded: Vec<u8> = percent_decode(raw).collect();
    !decoded.contains(&0) && std::str::from_utf8(&decoded).is_ok()
}

/// Whether a JSON body is text the database can store: UTF-8, and no `\u0000` escape.
pub fn storable_json(raw: &[u8]) -> bool {
    std::str::from_utf8(raw).is_ok_and(|text| !text.to_ascii_lowercase().contains("\\u0000"))
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The refusal, as the caller can read it: the error a server function would give for an
/// API call, a sentence for a browser's page or form post.
fn refused(path: &str, wants_json: bool) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    if path.starts_with(crate::api::PREFIX_SLASH) {
        return crate::api::problem::Problem::bad_request(UNSTORABLE).into_response();
    }
    if wants_json {
        let body = serde_json::to_string(&AppError::Invalid(UNSTORABLE.to_owned()))
            .expect("an error serialises");
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            UNSTORABLE,
        )
            .into_response()
    }
}

pub async fn refuse_unstorable_input(request: Request<Body>, next: Next) -> Response {
    let uri = request.uri();
    let wants_json = uri.path().starts_with("/api/")
        && !request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let address_storable = storable_encoded(uri.path().as_bytes())
        && uri.query().is_none_or(|q| storable_encoded(q.as_bytes()));
    if !address_storable {
        return refused(uri.path(), wants_json);
    }
    let kind = content_type(request.headers());
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json");
    let webhook = uri.path().starts_with("/webhooks/");
    if matches!(*request.method(), Method::GET | Method::HEAD) || webhook || !(form || json) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "What was sent is too large.").into_response();
    };
    let storable = if form {
        storable_encoded(&bytes)
    } else {
        storable_json(&bytes)
    };
    if !storable {
        return refused(parts.uri.path(), wants_json);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A server function's error answered with the status that goes with it (404 for an
/// unknown treatment, 422 for a refused form), even where the function did not set it:
/// a failure of ours is the only 5xx.
pub async fn api_errors_keep_their_status(request: Request<Body>, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_and_broken_text_are_not_storable() {
        assert!(storable_encoded(
            b"details%5Bnotes%5D=First+visit+%E2%9C%93"
        ));
        assert!(storable_encoded(b"/cases/before-and-after"));
        assert!(!storable_encoded(b"email=a%00b%40example.com"));
        assert!(!storable_encoded(b"/cases/%00"));
        assert!(!storable_encoded(b"name=%FF%FE"));
        assert!(!storable_encoded(b"name=\xff"));
        assert!(storable_json(br#"{"name":"Ana \u00e9"}"#));
        assert!(!storable_json(br#"{"name":"a\u0000b"}"#));
        assert!(!storable_json(b"{\"name\":\"\xff\"}"));
    }
}
