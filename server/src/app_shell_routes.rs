//! The offline-capable shell's addresses: the service worker, the web app manifest and the
//! offline page (`app::backend::app_shell` writes them).

use app::backend::app_shell;
use app::backend::state::AppState;
use app::backend::store;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The three routes, the service worker naming the release built into `pkg_dir`.
pub fn routes(pkg_dir: &Path) -> Router<AppState> {
    let script = app_shell::service_worker(&release(pkg_dir));
    Router::new()
        .route(
            "/sw.js",
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        // Browsers look for a new worker at least daily; never later.
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    script,
                )
            }),
        )
        .route("/manifest.webmanifest", get(manifest))
        .route("/offline", get(offline))
}

/// What identifies this build's browser files: their names (hashed in a release build),
/// sizes and times, so every build (a development rebuild too) is a new release.
fn release(pkg_dir: &Path) -> String {
    let mut files: Vec<String> = std::fs::read_dir(pkg_dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| {
            let meta = entry.metadata().ok();
            let modified = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let size = meta.map_or(0, |m| m.len());
            format!("{}:{size}:{modified}", entry.file_name().to_string_lossy())
        })
        .collect();
    files.sort();
    let digest = Sha256::digest(files.join("\n").as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

async fn manifest(State(state): State<AppState>) -> Response {
    match store::clinic::info(&state.pool, state.clinic_id).await {
        Ok(clinic) => (
            [
                (header::CONTENT_TYPE, "application/manifest+json"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            app_shell::manifest(&clinic.name),
        )
            .into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn offline(State(state): State<AppState>) -> Response {
    match store::clinic::info(&state.pool, state.clinic_id).await {
        Ok(clinic) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
                // Plain HTML with its own style, no script at all.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'",
                ),
            ],
            app_shell::offline_page(&clinic),
        )
            .into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
