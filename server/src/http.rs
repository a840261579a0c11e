//! The HTTP surface: Leptos pages and server functions, static files, media, health checks,
//! and the middleware every request passes through (request id, tracing, compression).

use crate::page_cache::{Limits, PageCache};
use app::backend::state::AppState;
use app::backend::store;
use app::domain::access::Action;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

const A_YEAR: &str = "public, max-age=31536000, immutable";

/// The router without a page cache: every page is rendered for its request.
pub fn router(state: AppState) -> Router {
    let cache = Arc::new(PageCache::new(Limits::OFF));
    router_with_page_cache(state, cache)
}

/// The router, with public pages answered from `cache` (see [`crate::page_cache`]).
pub fn router_with_page_cache(state: AppState, cache: Arc<PageCache>) -> Router {
    let pages = crate::page_cache::serve::Pages {
        cache,
        state: state.clone(),
    };
    let options = state.leptos_options.clone();
    let routes = generate_route_list(App);
    let site_root = std::path::Path::new(options.site_root.as_ref());

    // With hashed file names a changed file gets a new URL, so browsers may keep each one
    // for a year. Without them (development) the browser must check every time.
    let pkg_cache = if options.hash_files {
        A_YEAR
    } else {
        "no-cache"
    };
    let pkg_dir = site_root.join(options.site_pkg_dir.as_ref());
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(pkg_cache),
        ))
        .service(
            ServeDir::new(&pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );
    let assets = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ))
        .service(ServeDir::new(site_root.join("assets")));

    let context_state = state.clone();
    crate::metrics::recorder();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/media/{file}", get(media))
        .route("/admin/media/{file}", get(staff_media))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .route("/booking/{token}/calendar.ics", get(booking_calendar))
        .route(crate::video_routes::PATH, get(crate::video_routes::signal))
        .route(crate::live_routes::PATH, get(crate::live_routes::stream))
        .route(
            crate::report_routes::PATH,
            get(crate::report_routes::download),
        )
        .route(
            crate::twilio_hooks::STATUS_PATH,
            post(crate::twilio_hooks::status),
        )
        .route(
            crate::twilio_hooks::INBOUND_PATH,
            post(crate::twilio_hooks::inbound),
        )
        .route(crate::stripe_hooks::PATH, post(crate::stripe_hooks::event))
        .route(
            crate::razorpay_routes::WEBHOOK_PATH,
            post(crate::razorpay_routes::webhook),
        )
        .route(
            crate::razorpay_routes::CHECKOUT_DONE_PATH,
            post(crate::razorpay_routes::checkout_done),
        )
        .route(
            crate::razorpay_routes::LINK_PATH,
            get(crate::razorpay_routes::link),
        )
        .route(
            crate::razorpay_routes::LINK_RETURN_PATH,
            get(crate::razorpay_routes::link_return),
        )
        .merge(crate::api::router())
        .merge(crate::app_shell_routes::routes(&pkg_dir))
        .nest_service("/pkg", pkg)
        .nest_service("/assets", assets)
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        // After every route: it labels requests by the pattern the router matched.
        .route_layer(axum::middleware::from_fn(crate::metrics::track_requests))
        .fallback(not_found)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                // Outermost: every poll of the request and its body, whatever layer it is in.
                .layer(axum::middleware::from_fn(
                    crate::render_isolation::own_owner_only,
                ))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<Body>| {
                            let request_id = request
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            // The path only (query strings may carry personal data), and
                            // without the booking links' secrets.
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = %crate::telemetry::loggable_path(request.uri().path()),
                                request_id = %request_id,
                                page_cache = tracing::field::Empty,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                // Not on a 304: the browser would take it as the page's new policy, in place
                // of the one (with the nonce) stored with its copy.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    |response: &axum::http::Response<_>| {
                        (response.status() != StatusCode::NOT_MODIFIED)
                            .then(|| HeaderValue::from_static("frame-ancestors 'none'"))
                    },
                ))
                .layer(axum::middleware::from_fn(
                    crate::protect::no_store_when_signed_in,
                ))
                .layer(axum::middleware::from_fn(
                    crate::protect::same_origin_writes,
                ))
                .layer(axum::middleware::from_fn(
                    crate::input::refuse_unstorable_input,
                ))
                .layer(axum::middleware::from_fn(crate::protect::hsts_over_https))
                // Not streams: a compressor holds their pieces back until it has enough of
                // them (the assistant's answer would arrive all at once at its end).
                .layer(
                    CompressionLayer::new().compress_when(
                        DefaultPredicate::new()
                            .and(NotForContentType::const_new("application/octet-stream")),
                    ),
                )
                // Inside compression: it reads the error it was handed.
                .layer(axum::middleware::from_fn(
                    crate::input::api_errors_keep_their_status,
                ))
                // Inside compression, which compresses each answer as it leaves.
                .layer(axum::middleware::from_fn_with_state(
                    pages,
                    crate::page_cache::serve::public_pages,
                )),
        )
}

/// Any path no route claims: the app renders its "not found" page (with status 404) so the
/// person keeps the site's navigation and a way on.
async fn not_found(State(state): State<AppState>, request: Request<Body>) -> Response {
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || provide_context(state.clone()),
        move || shell(options.clone()),
    );
    handler(request).await.into_response()
}

/// A booking as a calendar file; its link's secret is the only key, as for its page.
async fn booking_calendar(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match app::booking::api::server::calendar_file(state, &token).await {
        Ok(ics) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"appointment.ics\"",
                ),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            ics,
        )
            .into_response(),
        Err(error) => (
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::NOT_FOUND),
            error.to_string(),
        )
            .into_response(),
    }
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers within two seconds; load balancers stop sending
/// traffic otherwise.
async fn readyz(State(state): State<AppState>) -> Response {
    let ping = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool);
    match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
        Err(_) => {
            tracing::warn!("readiness check: database did not answer within 2 s");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The hash of a stored file's name, if it is one.
fn file_hash(file: &str) -> Option<&str> {
    let (hash, _extension) = file.split_once('.')?;
    (!hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hash)
}

/// A public file, while something the public may see still shows it; otherwise 404, even
/// for someone who kept the address.
async fn media(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(hash) = file_hash(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match store::media::public_file(&state.pool, hash).await {
        Ok(Some(content_type)) => serve_file(&state, &file, content_type, A_YEAR).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "looking up an image failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Any of the clinic's files, for staff who manage the gallery: the preview of a case
/// before it is published. Never cached.
async fn staff_media(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(hash) = file_hash(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Refused for any reason: as if there were no such picture.
    if crate::protect::allowed(&state, &headers, Action::ManageGallery)
        .await
        .is_err()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    match store::media::clinic_file(&state.pool, state.clinic_id, hash).await {
        Ok(Some(content_type)) => {
            serve_file(&state, &file, content_type, "private, no-store").await
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "looking up an image failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn serve_file(state: &AppState, file: &str, content_type: String, cache: &str) -> Response {
    let name = app::gallery::types::file_name(file_hash(file).unwrap_or_default(), &content_type);
    match state.media.files().read_public(&name).await {
        Ok(Some(data)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, cache.to_owned()),
                // An SVG opened on its own must not run anything.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'".to_owned(),
                ),
            ],
            data,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "reading an image failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn sitemap(State(state): State<AppState>) -> Response {
    match app::backend::sitemap::sitemap_xml(&state).await {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            xml,
        )
            .into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn robots(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        app::backend::sitemap::robots_txt(&state.public_url),
    )
        .into_response()
}
