//! Shared set-up for the integration tests: a seeded database and the real router on it.

pub mod model;
pub mod razorpay;
pub mod smtp;
pub mod stand_in;
pub mod stripe;
pub mod twilio;

use app::backend::auth::totp;
use app::backend::integrations::media::Media;
use app::backend::integrations::messaging::Messaging;
use app::backend::integrations::payments::Payments;
use app::backend::state::{AppState, Clock};
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode};
use axum::Router;
use chrono::NaiveDate;
use leptos::prelude::LeptosOptions;
use lumen::seed::{self, SeedReport};
use sqlx::PgPool;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

pub const TODAY: &str = "2026-03-16";
/// Where the tests' app says it is reached, in links it sends.
pub const PUBLIC_URL: &str = "https://clinic.example";

pub fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

/// The keys the tests' app seals secrets with: the development key, as a local server's.
pub fn secret_keys() -> app::backend::auth::sealing::SecretKeys {
    app::backend::auth::sealing::SecretKeys::development()
}

/// The pool requests are served from, as `lumen serve` makes it: logged in as `lumen_app`.
pub async fn request_pool(pool: &PgPool, max_connections: u32, clinic_id: uuid::Uuid) -> PgPool {
    let login = lumen::database::request_login(
        pool,
        &pool.connect_options(),
        None,
        secret_keys().database_password(),
    )
    .await
    .expect("the owner makes lumen_app a login");
    lumen::database::tenant_pool(login, max_connections, clinic_id)
        .await
        .expect("the app's role connects")
}

pub async fn seeded(pool: &PgPool) -> SeedReport {
    seed::seed_demo_clinic(pool, &media(), &secret_keys(), today())
        .await
        .expect("the demo seed loads")
}

/// A media store of its own, in a new directory: a test sees exactly the files its
/// app wrote.
pub fn media() -> Media {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    Media::local(std::env::temp_dir().join(format!("lumen-test-media-{}-{n}", std::process::id())))
}

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("lumen")
        .site_root("target/site")
        .build()
}

pub async fn app(pool: &PgPool) -> Router {
    app_with_clock(pool, Clock::system()).await
}

/// The real router on the seeded demo clinic, with the server's own kind of pool: the
/// app's role, under row-level security, for the demo clinic only.
pub async fn app_with_clock(pool: &PgPool, clock: Clock) -> Router {
    app_with_media(pool, clock, media()).await
}

/// The same, with the media store given (to read its files back, or to use Cloudinary).
pub async fn app_with_media(pool: &PgPool, clock: Clock, media: Media) -> Router {
    app_with_state(pool, clock, media, Messaging::development())
        .await
        .0
}

/// The real router with the message providers given, and the state it was built on (for
/// the delivery worker).
pub async fn app_with_state(
    pool: &PgPool,
    clock: Clock,
    media: Media,
    messaging: Messaging,
) -> (Router, AppState) {
    app_with_payments(pool, clock, media, messaging, Payments::default()).await
}

/// The real router with the message and payment providers given.
pub async fn app_with_payments(
    pool: &PgPool,
    clock: Clock,
    media: Media,
    messaging: Messaging,
    payments: Payments,
) -> (Router, AppState) {
    let report = seed::seed_demo_clinic(pool, &media, &secret_keys(), today())
        .await
        .expect("the demo seed loads");
    let tenant = request_pool(pool, 5, report.clinic_id).await;
    let state = AppState {
        leptos_options: leptos_options(),
        pool: tenant,
        clinic_id: report.clinic_id,
        clock,
        public_url: PUBLIC_URL.to_owned(),
        media,
        messaging,
        payments,
        secret_keys: secret_keys().into(),
        assistant: Default::default(),
        live: Default::default(),
        webhooks: app::backend::webhooks::Webhooks::new(true),
        booking: Default::default(),
        video: Default::default(),
    };
    (lumen::http::router(state.clone()), state)
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    /// The body as text (invalid UTF-8 replaced), and as sent.
    pub body: String,
    pub bytes: Vec<u8>,
}

/// Sends `request` as a browser on one of the site's own pages would: a write that does not
/// say where it comes from gets the `Origin` (and `Host`) a browser adds, since the server
/// refuses writes that say nothing. Webhooks go as providers' servers send them, bare.
pub async fn send(app: &Router, mut request: Request<Body>) -> Reply {
    let headers = request.headers();
    let says_where = headers.contains_key("origin") || headers.contains_key("referer");
    let write = !matches!(*request.method(), Method::GET | Method::HEAD);
    if write && !says_where && !request.uri().path().starts_with("/webhooks/") {
        let headers = request.headers_mut();
        headers.insert("origin", HeaderValue::from_static(PUBLIC_URL));
        headers.insert("host", HeaderValue::from_static("clinic.example"));
    }
    send_as_is(app, request).await
}

/// Sends `request` with exactly the headers it has.
pub async fn send_as_is(app: &Router, request: Request<Body>) -> Reply {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

pub async fn get(app: &Router, path: &str) -> Reply {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

/// Calls a server function the way the browser does: a form-encoded POST.
pub async fn call(app: &Router, endpoint: &str, form: &str) -> Reply {
    send(
        app,
        Request::post(format!("/api/{endpoint}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(Body::from(form.to_owned()))
            .unwrap(),
    )
    .await
}

// Emails as the outbox holds them, read as a mail relay would.

/// The emails the outbox holds for `to`, oldest first: (kind, body). Reminders, which go
/// later, are left to the reminders' own tests.
pub async fn emails_to(pool: &PgPool, to: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT kind, body FROM outbox_messages
         WHERE recipient = $1 AND channel = 'email' AND kind <> 'reminder'
         ORDER BY created_at, id",
    )
    .bind(to)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The token in the link to `path` (such as `/confirm-email?token=`) in the newest email
/// of `kind` to `to`.
pub async fn token_in_email(pool: &PgPool, to: &str, kind: &str, path: &str) -> String {
    let (_, body) = emails_to(pool, to)
        .await
        .into_iter()
        .rev()
        .find(|(k, _)| k == kind)
        .unwrap_or_else(|| panic!("no {kind} email to {to}"));
    let link = format!("{PUBLIC_URL}{path}");
    let start = body.find(&link).expect("the link in the email") + link.len();
    body[start..start + 64].to_owned()
}

// Signing in as the demo clinic's people, and calling the app as them.

pub const PASSWORD: &str = "juniper-demo-2026";
pub const ADMIN: &str = "admin@juniper-clinic.example";
pub const FRONT_DESK: &str = "frontdesk@juniper-clinic.example";
pub const PATIENT: &str = "isla.morrison@example.com";

/// Posts the sign-in form as a browser without JavaScript would.
pub async fn sign_in_as(app: &Router, email: &str, password: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::post("/api/sign_in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let form = format!("email={}&password={}", email.replace('@', "%40"), password);
    send(app, request.body(Body::from(form)).unwrap()).await
}

/// The `name=value` part of the session cookie a response sets.
pub fn session_cookie(reply: &Reply) -> String {
    let set_cookie = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("__Host-lumen_session="))
        .unwrap_or_else(|| {
            panic!(
                "no session cookie set; status {}: {}",
                reply.status, reply.body
            )
        });
    set_cookie.split(';').next().unwrap().to_owned()
}

/// A full session for `email`: the password, then for staff the second factor (with the
/// next of the demo staff's recovery codes, each good once per person).
pub async fn signed_in(app: &Router, email: &str) -> String {
    let first = sign_in_as(app, email, PASSWORD, None).await;
    let cookie = session_cookie(&first);
    let location = first.headers["location"].to_str().unwrap();
    if location.starts_with("/sign-in/verify") {
        complete_second_factor(app, &cookie).await
    } else {
        cookie
    }
}

/// The demo staff's recovery codes, in order.
pub fn recovery_codes() -> Vec<String> {
    lumen::seed::data::DEMO_RECOVERY_CODES
        .map(str::to_owned)
        .to_vec()
}

/// Gives the second factor for a session that has passed the password; returns the full
/// session's cookie.
pub async fn complete_second_factor(app: &Router, pending_cookie: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let code = &recovery_codes()[NEXT.fetch_add(1, Ordering::Relaxed) % totp::RECOVERY_CODES];
    let reply = post_as(
        app,
        "second_factor/verify",
        Some(pending_cookie),
        &format!("code={code}"),
    )
    .await;
    session_cookie(&reply)
}

pub async fn get_as(app: &Router, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

pub async fn call_as(app: &Router, endpoint: &str, cookie: Option<&str>) -> Reply {
    post_as(app, endpoint, cookie, "").await
}

/// Calls a server function with a form body, as the hydrated page does.
pub async fn post_as(app: &Router, endpoint: &str, cookie: Option<&str>, form: &str) -> Reply {
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    send(app, request.body(Body::from(form.to_owned())).unwrap()).await
}

/// Signs in as the hydrated page does (a JSON client); the second factor is not given.
pub async fn sign_in_by_api(app: &Router, email: &str, password: &str) -> Reply {
    post_as(
        app,
        "sign_in",
        None,
        &format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            password.replace(' ', "+")
        ),
    )
    .await
}

/// The error a server function answered with.
pub fn app_error(reply: &Reply) -> app::error::AppError {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("not an error: {}", reply.body))
}

/// The field problems of a refused form (which must be a 422 naming fields).
pub fn field_problems(reply: &Reply) -> Vec<app::domain::form::FieldProblem> {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    match app_error(reply) {
        app::error::AppError::Rejected(problems) => problems,
        other => panic!("expected field problems, got {other:?}"),
    }
}

/// The demo clinic's id (after `app` or `seeded`).
/// How many rows `table` holds.
pub async fn count_rows(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

pub async fn seeded_clinic_id(pool: &PgPool) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM clinics WHERE slug = 'juniper'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A value as a form posts it.
pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Fields as a browser encodes a form (`application/x-www-form-urlencoded`).
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The settings form as the admin's browser would post it: today's settings with `changes`
/// made (field, value); an empty value leaves the field out, as an unticked box is.
pub async fn settings_with(app: &Router, cookie: &str, changes: &[(&str, &str)]) -> String {
    let current = post_as(app, "admin/settings", Some(cookie), "").await;
    let current: serde_json::Value = serde_json::from_str(&current.body).unwrap();
    let mut fields: Vec<(String, String)> = current
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some((format!("form[{k}]"), s.clone())),
            serde_json::Value::Bool(true) => Some((format!("form[{k}]"), "on".to_owned())),
            _ => None,
        })
        .collect();
    for (name, value) in changes {
        let name = format!("form[{name}]");
        fields.retain(|(k, _)| *k != name);
        if !value.is_empty() {
            fields.push((name, value.to_string()));
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form(&pairs)
}

/// `router` served on a free local port (for outside callers such as the Stripe stand-in's
/// webhooks), in the test's own runtime; its address. Bind first with `listener()` when the
/// address is needed before the router exists.
pub async fn listener() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    (listener, address)
}

pub fn serve(listener: tokio::net::TcpListener, router: Router) {
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
}
