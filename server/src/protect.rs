//! Request protection that applies to every route: state-changing requests must come from
//! our own pages (CSRF), pages may not be framed (clickjacking), and pages seen while signed
//! in are never stored by shared caches or the browser's back-forward history, and browsers
//! that came over https keep to it (HSTS).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The host (and port) of an `Origin` or `Referer` value: `https://a.example:8443/x` → `a.example:8443`.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

/// A state-changing request is allowed when the browser says it comes from this host.
/// One that says nothing is refused too: browsers send `Origin` (or at least `Referer`) on
/// every form post and script request, so only a client that is not one of our pages, or
/// a browser tricked into dropping both, sends neither. Servers that call us (payment and
/// message providers' webhooks) prove themselves by signature instead; see
/// [`needs_same_origin`].
pub fn is_same_origin(host: Option<&str>, origin: Option<&str>, referer: Option<&str>) -> bool {
    match (origin, referer) {
        (Some(origin), _) => host.is_some() && authority(origin) == host,
        (None, Some(referer)) => host.is_some() && authority(referer) == host,
        (None, None) => false,
    }
}

/// Whether a request to `path` with `method` must come from our own pages. Webhooks are
/// posted by providers' servers, which send no `Origin`; each is checked by its signature
/// before anything else. The REST API is called by integrators' servers too, and is
/// authorized by a key in a header a browser never adds by itself (no cookie counts there),
/// so another site cannot forge a request with it.
pub fn needs_same_origin(method: &Method, path: &str) -> bool {
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    !safe && !path.starts_with("/webhooks/") && !path.starts_with(crate::api::PREFIX_SLASH)
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub async fn same_origin_writes(request: Request<Body>, next: Next) -> Response {
    let headers = request.headers();
    if needs_same_origin(request.method(), request.uri().path())
        && !is_same_origin(
            header(headers, header::HOST),
            header(headers, header::ORIGIN),
            header(headers, header::REFERER),
        )
    {
        tracing::warn!(
            method = %request.method(),
            path = %crate::telemetry::loggable_path(request.uri().path()),
            "refused a cross-site request"
        );
        return (
            StatusCode::FORBIDDEN,
            "This request came from another website, so it was refused. Please use the form on our own site.",
        )
            .into_response();
    }
    next.run(request).await
}

/// `Cache-Control: no-store` for anything answered to a signed-in browser, unless the
/// response already says how to cache itself (static files, images).
pub async fn no_store_when_signed_in(request: Request<Body>, next: Next) -> Response {
    let signed_in = is_signed_in(request.headers());
    let mut response = next.run(request).await;
    if signed_in && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The signed-in member of this clinic behind a route that is not a server function, when
/// their role allows `action`; otherwise the answer to give: 401 (signing in would help),
/// 403 (it would not), 503 (the session could not be checked).
pub async fn allowed(
    state: &app::backend::state::AppState,
    headers: &HeaderMap,
    action: app::domain::access::Action,
) -> Result<app::backend::auth::principal::Principal, StatusCode> {
    let viewer = match session_token(headers) {
        Some(token) => app::backend::auth::principal::of_session(state, &token).await,
        None => Ok(None),
    };
    match viewer {
        Ok(Some(viewer)) if app::domain::access::allows(viewer.role, action) => Ok(viewer),
        Ok(Some(_)) => Err(StatusCode::FORBIDDEN),
        Ok(None) => Err(StatusCode::UNAUTHORIZED),
        Err(error) => {
            tracing::error!(%error, "checking a session failed");
            Err(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// Whether the request carries a session cookie (a valid one or not: it is never answered
/// as the public is).
pub fn is_signed_in(headers: &HeaderMap) -> bool {
    session_token(headers).is_some()
}

/// The session token the request's cookie carries, for the routes that are not server
/// functions; whether it opens a live session is the session store's to say.
pub fn session_token(headers: &HeaderMap) -> Option<app::backend::auth::session::Token> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(app::backend::auth::session::token_from_header)
}

/// Whether the browser reached us over https: directly, or through a TLS-terminating proxy
/// that says so in `X-Forwarded-Proto`.
pub fn reached_over_https(scheme: Option<&str>, forwarded_proto: Option<&str>) -> bool {
    scheme == Some("https")
        || forwarded_proto
            .and_then(|p| p.split(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// Browsers that reached us over https are told to use nothing else for a year. A forged
/// `X-Forwarded-Proto` only affects the forger's own browser. Over plain http (development)
/// the header would be ignored by browsers anyway, and would trap `localhost` if it were not.
pub async fn hsts_over_https(request: Request<Body>, next: Next) -> Response {
    let https = reached_over_https(
        request.uri().scheme_str(),
        header(
            request.headers(),
            header::HeaderName::from_static("x-forwarded-proto"),
        ),
    );
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_pages_may_post() {
        let host = Some("clinic.example");
        assert!(is_same_origin(host, Some("https://clinic.example"), None));
        assert!(is_same_origin(
            host,
            None,
            Some("https://clinic.example/sign-in?next=/admin")
        ));
        assert!(is_same_origin(
            Some("127.0.0.1:3000"),
            Some("http://127.0.0.1:3000"),
            None
        ));
    }

    #[test]
    fn other_sites_may_not() {
        let host = Some("clinic.example");
        assert!(!is_same_origin(host, Some("https://evil.example"), None));
        assert!(!is_same_origin(
            host,
            Some("https://clinic.example.evil.example"),
            None
        ));
        assert!(!is_same_origin(host, Some("null"), None));
        assert!(!is_same_origin(
            host,
            None,
            Some("https://evil.example/clinic.example")
        ));
        assert!(!is_same_origin(
            Some("127.0.0.1:3000"),
            Some("http://127.0.0.1:3001"),
            None
        ));
        // Origin wins over a matching Referer.
        assert!(!is_same_origin(
            host,
            Some("https://evil.example"),
            Some("https://clinic.example/")
        ));
    }

    #[test]
    fn https_is_recognised_directly_or_from_the_proxy() {
        assert!(reached_over_https(Some("https"), None));
        assert!(reached_over_https(None, Some("https")));
        assert!(reached_over_https(None, Some("HTTPS, http")));
        assert!(!reached_over_https(None, Some("http")));
        assert!(!reached_over_https(None, None));
    }

    #[test]
    fn a_write_that_says_nowhere_is_refused_but_webhooks_answer_to_their_signatures() {
        assert!(!is_same_origin(Some("clinic.example"), None, None));
        assert!(needs_same_origin(&Method::POST, "/api/sign_in"));
        assert!(needs_same_origin(&Method::DELETE, "/book/pay/done"));
        assert!(!needs_same_origin(&Method::GET, "/api/sign_in"));
        for hook in [
            "/webhooks/stripe",
            "/webhooks/razorpay",
            "/webhooks/twilio/status",
        ] {
            assert!(!needs_same_origin(&Method::POST, hook), "{hook}");
        }
    }
}
