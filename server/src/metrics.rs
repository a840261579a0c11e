//! What an operator watches, in Prometheus's text format at `/metrics`: requests by route
//! pattern (never the path itself, which may carry a booking link's secret) and status,
//! their latency, the database pool, the outbox's depth and age by channel, the page
//! cache's hits and misses, and the background jobs' runs. The endpoint answers only a
//! bearer token set in `LUMEN_METRICS_TOKEN`; without one it does not exist.

use app::backend::state::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

pub const PATH: &str = "/metrics";

/// Request latencies, in seconds: pages are tens of milliseconds, reports up to seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process's recorder: metrics are process-wide, so it is installed once however many
/// routers the process builds (the tests build many).
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".to_owned()),
                    &LATENCY_BUCKETS,
                )
                .expect("the buckets are not empty")
                .install_recorder()
                .expect("no other metrics recorder is installed")
        })
        .clone()
}

/// Counts and times each request by its route's pattern (a route layer: it runs once the
/// router has matched, so the pattern is known).
pub async fn track_requests(request: Request<Body>, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    // Only the methods the routes answer: any other word a client sends would make a new
    // series of its own, and the scrape would grow without end.
    let method = match *request.method() {
        Method::GET
        | Method::HEAD
        | Method::POST
        | Method::PUT
        | Method::PATCH
        | Method::DELETE
        | Method::OPTIONS => request.method().as_str(),
        _ => "other",
    }
    .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status
    )
    .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// A background job's run, by its name and whether it went well.
pub fn job_ran(job: &'static str, succeeded: bool) {
    let outcome = if succeeded { "ok" } else { "error" };
    metrics::counter!("lumen_background_runs_total", "job" => job, "outcome" => outcome)
        .increment(1);
}

/// What a round of webhook deliveries did: delivered, to be retried, dead-lettered.
pub fn webhook_round(round: &app::backend::delivery::Round) {
    for (outcome, count) in [
        ("delivered", round.sent),
        ("retrying", round.retrying),
        ("dead", round.dead),
    ] {
        if count > 0 {
            metrics::counter!("lumen_webhook_deliveries_total", "outcome" => outcome)
                .increment(count as u64);
        }
    }
}

/// A public page answered from memory or rendered afresh.
pub fn page_cache(hit: bool) {
    let name = if hit {
        "lumen_page_cache_hits_total"
    } else {
        "lumen_page_cache_misses_total"
    };
    metrics::counter!(name).increment(1);
}

struct Scrape {
    state: AppState,
    /// SHA-256 of the token: compared in constant time whatever its length.
    token_hash: Vec<u8>,
    handle: PrometheusHandle,
}

/// `/metrics`, when the operator set a token; nothing otherwise.
pub fn router(state: AppState, token: Option<&str>) -> Router {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Router::new();
    };
    let scrape = Arc::new(Scrape {
        state,
        token_hash: Sha256::digest(token.as_bytes()).to_vec(),
        handle: recorder(),
    });
    Router::new().route(PATH, get(render)).with_state(scrape)
}

async fn render(State(scrape): State<Arc<Scrape>>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let presented_hash = Sha256::digest(presented.as_bytes());
    let matches = presented_hash
        .iter()
        .zip(scrape.token_hash.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0;
    if !matches {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")],
        )
            .into_response();
    }
    let state = &scrape.state;
    metrics::gauge!("lumen_db_pool_connections").set(f64::from(state.pool.size()));
    metrics::gauge!("lumen_db_pool_idle_connections").set(state.pool.num_idle() as f64);
    match app::backend::store::outbox::waiting_by_channel(
        &state.pool,
        state.clinic_id,
        state.clock.now(),
    )
    .await
    {
        Ok(channels) => {
            for channel in ["email", "sms", "whatsapp"] {
                let (waiting, oldest) = channels
                    .iter()
                    .find(|(name, ..)| name == channel)
                    .map(|(_, waiting, oldest)| (*waiting as f64, *oldest))
                    .unwrap_or((0.0, 0.0));
                metrics::gauge!("lumen_outbox_waiting", "channel" => channel).set(waiting);
                metrics::gauge!("lumen_outbox_oldest_seconds", "channel" => channel).set(oldest);
            }
        }
        Err(error) => tracing::warn!(%error, "could not read the outbox for the metrics"),
    }
    scrape.handle.run_upkeep();
    (
        [
            (header::CONTENT_TYPE, "text/plain; version=0.0.4"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        scrape.handle.render(),
    )
        .into_response()
}
