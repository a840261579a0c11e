//! The middleware in front of the pages: answers an anonymous visitor's public page from
//! the cache (or `304 Not Modified`), keeps what it renders, and clears the cache once a
//! signed-in person's change has gone through.

use super::{Page, PageCache, Template};
use crate::protect::is_signed_in;
use app::backend::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// What the middleware needs: the cache, and the database and clock to tell how long a
/// page that shows cases may be kept.
#[derive(Clone)]
pub struct Pages {
    pub cache: Arc<PageCache>,
    pub state: AppState,
}

/// Browsers keep a page but ask again before showing it, and get `304` when it is
/// unchanged. Private: each answer carries its own script nonce, which a shared cache
/// would hand to everyone.
const REVALIDATE: &str = "private, no-cache";

/// The public pages: what anyone sees the same way, and search engines index.
pub fn is_public_page(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let named = |s: &&str| !s.is_empty();
    match segments.as_slice() {
        [""] | ["treatments"] | ["gallery"] | ["sitemap.xml"] => true,
        ["treatments", slug] | ["cases", slug] | ["gallery", slug] => named(slug),
        ["gallery", gallery, album] => named(gallery) && named(album),
        _ => false,
    }
}

/// Whether a request carries a cookie of Lumen's own (a session, a held time): its pages
/// may differ from everyone else's, so it never touches the cache.
fn has_lumen_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.split_once('=').map(|(name, _)| name.trim()))
        .any(|name| {
            ["lumen", "__Host-lumen", "__Secure-lumen"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
}

fn note(outcome: &str) {
    tracing::Span::current().record("page_cache", outcome);
}

pub async fn public_pages(
    State(pages): State<Pages>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if !pages.cache.is_on() {
        return next.run(request).await;
    }
    let reads = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !reads && is_signed_in(request.headers()) {
        // Staff (or a patient) may have changed what a public page shows; the database
        // tells every server so, but only after the commit, and this person's next page
        // must already show the change.
        let response = next.run(request).await;
        if response.status().is_success() || response.status().is_redirection() {
            pages.cache.clear();
        }
        return response;
    }
    let cacheable = request.method() == Method::GET
        && is_public_page(request.uri().path())
        && !has_lumen_cookie(request.headers())
        && !request.headers().contains_key(header::AUTHORIZATION);
    if !cacheable {
        return next.run(request).await;
    }
    let key = match request.uri().query() {
        Some(query) => format!("{}?{query}", request.uri().path()),
        None => request.uri().path().to_owned(),
    };
    let asked = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(page) = pages.cache.get(&key, pages.state.clock.now()) {
        note("hit");
        crate::metrics::page_cache(true);
        return answer(&page, asked.as_ref());
    }
    note("miss");
    crate::metrics::page_cache(false);
    let generation = pages.cache.generation();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "a public page failed while it was rendered");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let valid_until = match app::backend::store::gallery::next_consent_end(
        &pages.state.pool,
        pages.state.clinic_id,
    )
    .await
    {
        Ok(until) => until,
        Err(error) => {
            // Without the answer the page cannot be kept safely; it is still served.
            tracing::warn!(%error, "could not tell how long a public page may be kept");
            return Response::from_parts(parts, Body::from(body));
        }
    };
    let page = keepable(&parts.headers, body.clone(), valid_until);
    let etag = page.etag.clone();
    pages.cache.keep(key, page, generation);
    let mut response = Response::from_parts(parts, Body::from(body));
    finish(response.headers_mut(), etag.clone());
    if matches(asked.as_ref(), &etag) {
        return not_modified(etag);
    }
    response
}

/// The page as kept: the nonce it was rendered with, taken from its script policy, is cut
/// out of the policy and the body.
fn keepable(
    headers: &HeaderMap,
    body: Bytes,
    valid_until: Option<chrono::DateTime<chrono::Utc>>,
) -> Page {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok());
    let nonce = policy.and_then(nonce_in);
    let body = Template::new(body, nonce);
    let etag = entity_tag(&body);
    // Headers the answer makes for itself (its length, the nonce's policy) or that
    // [`finish`] sets are not kept.
    let skip = [
        header::CONTENT_SECURITY_POLICY,
        header::CONTENT_LENGTH,
        header::DATE,
        header::ETAG,
    ];
    Page {
        headers: headers
            .iter()
            .filter(|(name, _)| !skip.contains(name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
        policy: policy.map(|p| Template::new(Bytes::copy_from_slice(p.as_bytes()), nonce)),
        body,
        etag,
        valid_until,
    }
}

/// The nonce a script policy allows: `'nonce-XYZ'` gives `XYZ`.
fn nonce_in(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(&policy[start..start + length]).filter(|n| !n.is_empty())
}

fn entity_tag(body: &Template) -> HeaderValue {
    let mut hash = Sha256::new();
    for part in &body.0 {
        hash.update(part);
        // Where the nonce goes, so that moving it changes the tag.
        hash.update([0]);
    }
    let hex = app::backend::hex::hex(&hash.finalize()[..16]);
    HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex digits are a valid header")
}

/// Whether `If-None-Match` names this page's tag (or any, with `*`).
fn matches(asked: Option<&HeaderValue>, etag: &HeaderValue) -> bool {
    let (Some(asked), Ok(etag)) = (asked.and_then(|v| v.to_str().ok()), etag.to_str()) else {
        return false;
    };
    asked
        .split(',')
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag == etag || tag.strip_prefix("W/") == Some(etag))
}

fn finish(headers: &mut HeaderMap, etag: HeaderValue) {
    headers.insert(header::ETAG, etag);
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    }
}

/// `304`: the browser's copy is current. It carries no script policy, so the browser keeps
/// the policy stored with its copy, whose nonce matches that copy's scripts.
fn not_modified(etag: HeaderValue) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    finish(response.headers_mut(), etag);
    response
}

/// A kept page, with a nonce of its own.
fn answer(page: &Page, asked: Option<&HeaderValue>) -> Response {
    if matches(asked, &page.etag) {
        return not_modified(page.etag.clone());
    }
    let nonce = leptos::nonce::Nonce::new();
    let mut response = Response::new(Body::from(page.body.fill(&nonce)));
    let headers = response.headers_mut();
    for (name, value) in &page.headers {
        headers.append(name.clone(), value.clone());
    }
    if let Some(policy) = &page.policy {
        match HeaderValue::from_maybe_shared(policy.fill(&nonce)) {
            Ok(value) => {
                headers.insert(header::CONTENT_SECURITY_POLICY, value);
            }
            Err(error) => tracing::error!(%error, "a kept page's policy is not a valid header"),
        }
    }
    finish(headers, page.etag.clone());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_public_pages_are_kept() {
        for path in [
            "/",
            "/treatments",
            "/treatments/lip-filler",
            "/gallery",
            "/gallery/faces",
            "/gallery/faces/lips",
            "/cases/a-case",
            "/sitemap.xml",
        ] {
            assert!(is_public_page(path), "{path}");
        }
        for path in [
            "/book",
            "/book/details",
            "/booking/abc",
            "/account",
            "/admin",
            "/admin/gallery",
            "/sign-in",
            "/treatments/",
            "/cases/a/b",
            "/gallery/faces/lips/more",
            "/api/home",
            "/pkg/app.js",
        ] {
            assert!(!is_public_page(path), "{path}");
        }
    }

    #[test]
    fn a_cookie_of_lumens_keeps_a_request_away_from_the_cache() {
        let with = |cookie: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
            has_lumen_cookie(&headers)
        };
        assert!(with("__Host-lumen_session=abc"));
        assert!(with("theme=dark; lumen_hold=xyz"));
        assert!(!with("theme=dark; _ga=1"));
        assert!(!has_lumen_cookie(&HeaderMap::new()));
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        assert_eq!(
            nonce_in("default-src 'self'; script-src 'self' 'nonce-AbC_12' 'wasm-unsafe-eval'"),
            Some("AbC_12")
        );
        assert_eq!(nonce_in("frame-ancestors 'none'"), None);
        assert_eq!(nonce_in("script-src 'nonce-'"), None);
    }

    #[test]
    fn if_none_match_names_the_tag_or_any() {
        let etag = HeaderValue::from_static("\"abc\"");
        let asked = |v: &'static str| matches(Some(&HeaderValue::from_static(v)), &etag);
        assert!(asked("\"abc\""));
        assert!(asked("\"x\", \"abc\""));
        assert!(asked("*"));
        assert!(asked("W/\"abc\""));
        assert!(!asked("\"abd\""));
        assert!(!matches(None, &etag));
    }

    #[test]
    fn the_tag_follows_the_page_not_its_nonce() {
        let a = Template::new(Bytes::from_static(b"<p nonce=\"one\">"), Some("one"));
        let b = Template::new(Bytes::from_static(b"<p nonce=\"two\">"), Some("two"));
        let c = Template::new(Bytes::from_static(b"<p nonce=\"one\">!"), Some("one"));
        assert_eq!(entity_tag(&a), entity_tag(&b));
        assert_ne!(entity_tag(&a), entity_tag(&c));
    }
}
