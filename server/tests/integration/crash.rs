//! The server killed (`kill -9`) and started again. In the middle of sending: no message is
//! lost, and none the SMTP server had acknowledged and Lumen had recorded goes twice (only
//! the few in flight at the moment of the kill, handed over and not yet recorded, may arrive
//! twice, the price of never losing one). Between a payment and its webhook: the booking
//! is confirmed once when Stripe delivers again, and nothing is charged twice.

use crate::common::smtp::SmtpServer;
use crate::common::stripe::{self, FakeStripe};
use crate::stripe_checkout::{app_with, clock, confirm_with_deposit};
use sqlx::PgPool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: usize = 300;

/// The real server binary, on the test's database, sending to `smtp`; killed when dropped
/// so the database can be dropped after the test.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `DATABASE_URL` with its database swapped for the test's own.
pub(crate) fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("the tests' DATABASE_URL");
    let name = pool.connect_options().get_database().unwrap().to_owned();
    let (before_query, query) = match base.split_once('?') {
        Some((url, query)) => (url.to_owned(), format!("?{query}")),
        None => (base.clone(), String::new()),
    };
    let authority_end = before_query
        .find("://")
        .map(|scheme| {
            before_query[scheme + 3..]
                .find('/')
                .map_or(before_query.len(), |slash| scheme + 3 + slash)
        })
        .unwrap();
    format!("{}/{name}{query}", &before_query[..authority_end])
}

fn start(pool: &PgPool, smtp: &SmtpServer, data: &PathBuf) -> Server {
    start_with(
        pool,
        data,
        free_port(),
        &[
            ("LUMEN_SMTP_URL", smtp.url().as_str()),
            ("LUMEN_EMAIL_FROM", "bookings@juniper-clinic.example"),
        ],
    )
}

/// The server on `port`, with the settings `env` besides its database and data.
fn start_with(pool: &PgPool, data: &PathBuf, port: u16, env: &[(&str, &str)]) -> Server {
    start_on(&database_url(pool), data, port, env)
}

/// The server on `port` and the database at `url`.
pub(crate) fn start_on(url: &str, data: &PathBuf, port: u16, env: &[(&str, &str)]) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_lumen"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("LUMEN_DATA_DIR", data)
        .env("LUMEN_SEED_DEMO", "true")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "lumen")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    Server(child)
}

/// Waits until the server on `port` answers.
pub(crate) async fn until_ready(port: u16) {
    let start = Instant::now();
    loop {
        let ready = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the server never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many times each message (by its outbox id, from its Message-ID) was received.
fn received(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in smtp.received() {
        let id = message.header("Message-ID");
        let id = id
            .trim_start_matches('<')
            .split('@')
            .next()
            .unwrap()
            .to_owned();
        *counts.entry(id).or_insert(0) += 1;
    }
    counts
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn sent_ids(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT id::text FROM outbox_messages WHERE kind = 'notice' AND status = 'sent'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_killed_mid_batch_loses_nothing_and_resends_nothing_it_had_recorded(pool: PgPool) {
    let smtp = SmtpServer::start();
    let data = std::env::temp_dir().join(format!("lumen-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();

    // The first start loads the demo clinic; then a burst of due messages arrives, as a
    // busy morning's confirmations would.
    let first = start(&pool, &smtp, &data);
    let clinic: uuid::Uuid = {
        let start = Instant::now();
        loop {
            let found: Option<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM clinics LIMIT 1")
                .fetch_optional(&pool)
                .await
                .unwrap();
            if let Some(id) = found {
                break id;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the server never seeded"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    sqlx::query(
        "INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, subject, body,
                                      created_at, next_attempt_at)
         SELECT $1, 'email', 'notice', 'crash' || n || '@example.com', 'Notice ' || n,
                'Message ' || n, now(), now()
         FROM generate_series(1, $2) AS n",
    )
    .bind(clinic)
    .bind(MESSAGES as i32)
    .execute(&pool)
    .await
    .unwrap();

    // Killed once some have gone and most have not.
    wait_until("the first messages", Duration::from_secs(60), || {
        received(&smtp).len() >= 30
    });
    let mut first = first;
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let recorded_before_the_kill = sent_ids(&pool).await;
    // A message whose last line was sent just before the kill is still being written down
    // by the SMTP server: wait until its count stops moving.
    let mut received_at_the_kill = received(&smtp);
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = received(&smtp);
        if now.values().sum::<usize>() == received_at_the_kill.values().sum::<usize>() {
            break;
        }
        received_at_the_kill = now;
    }
    assert!(
        received_at_the_kill.len() < MESSAGES,
        "all went before the kill; nothing was tested"
    );
    drop(first);

    // Its leases would run out in five minutes; as if they had.
    sqlx::query(
        "UPDATE outbox_messages SET leased_until = now() - interval '1 second'
         WHERE leased_until IS NOT NULL",
    )
    .execute(&pool)
    .await
    .unwrap();
    let _second = start(&pool, &smtp, &data);
    let mut all_sent = false;
    let start_wait = Instant::now();
    while !all_sent {
        all_sent = sent_ids(&pool).await.len() == MESSAGES;
        assert!(
            start_wait.elapsed() < Duration::from_secs(90),
            "not every message went after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let counts = received(&smtp);
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id::text FROM outbox_messages WHERE kind = 'notice'")
            .fetch_all(&pool)
            .await
            .unwrap();
    let lost: Vec<&String> = ids.iter().filter(|id| !counts.contains_key(*id)).collect();
    assert!(lost.is_empty(), "never received: {lost:?}");
    for id in &recorded_before_the_kill {
        assert_eq!(counts[id], 1, "{id} was recorded as sent and went again");
    }
    // What went twice was in flight at the kill: received then, not yet recorded.
    for (id, times) in &counts {
        if *times > 1 {
            assert_eq!(*times, 2, "{id}");
            assert!(received_at_the_kill.contains_key(id), "{id}");
            assert!(!recorded_before_the_kill.contains(id), "{id}");
        }
    }
    let _ = std::fs::remove_dir_all(&data);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_killed_before_the_payment_webhook_confirms_the_booking_once_after_restart(
    pool: PgPool,
) {
    let data = std::env::temp_dir().join(format!("lumen-crash-pay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let port = free_port();
    let hooks = format!("http://127.0.0.1:{port}/webhooks/stripe");
    let stripe = FakeStripe::start_at(Some(&hooks), Some(clock().now()));
    stripe.hold_events(true).await;

    // The patient books and pays at the checkout; Stripe's event has not been delivered.
    let app = app_with(&pool, stripe.payments()).await;
    let (_, checkout) = confirm_with_deposit(&app, &pool).await;
    stripe.pay(&checkout).await;
    let completed = stripe
        .events()
        .await
        .into_iter()
        .find(|e| e["type"] == "checkout.session.completed")
        .unwrap();
    let event = completed["id"].as_str().unwrap().to_owned();
    // The booking's wait runs on the real clock from here, as the real server's does.
    sqlx::query("UPDATE payments SET expires_at = now() + interval '30 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE appointments SET hold_expires_at = now() + interval '30 minutes'
         WHERE status = 'pending_payment'",
    )
    .execute(&pool)
    .await
    .unwrap();
    stripe.real_clock().await;

    let env = [
        ("LUMEN_STRIPE_SECRET_KEY", stripe::SECRET_KEY),
        ("LUMEN_STRIPE_WEBHOOK_SECRETS", stripe::WEBHOOK_SECRET),
        ("LUMEN_STRIPE_API_URL", stripe.url.as_str()),
    ];
    let mut first = start_with(&pool, &data, port, &env);
    until_ready(port).await;
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    // Stripe delivers while the server is down: no answer, so it will try again.
    assert_eq!(stripe.resend(&event, 1).await, [0]);
    assert_eq!(booking_status(&pool).await, "pending_payment");

    let _second = start_with(&pool, &data, port, &env);
    until_ready(port).await;
    // Its retries overlap: five at once.
    assert_eq!(stripe.resend(&event, 5).await, [200; 5]);
    assert_eq!(booking_status(&pool).await, "confirmed");
    let confirmations: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_messages WHERE kind = 'booking_confirmed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(confirmations, 1, "confirmed once");
    let paid: Vec<String> = sqlx::query_scalar("SELECT status FROM payments")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(paid, ["paid"]);
    let charged: Vec<String> = stripe
        .requests()
        .await
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        charged,
        ["/v1/checkout/sessions"],
        "one checkout, nothing refunded"
    );
    let _ = std::fs::remove_dir_all(&data);
}

async fn booking_status(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "SELECT a.status::text FROM appointments a JOIN payments p ON p.appointment_id = a.id",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Starts the server with only `env` besides its database and data, expects it to stop
/// at once with a failure, and returns what it said.
fn refuses_to_serve(pool: &PgPool, env: &[(&str, &str)]) -> String {
    let data = std::env::temp_dir().join(format!("lumen-refused-{}", free_port()));
    std::fs::create_dir_all(&data).unwrap();
    let log = data.join("said.log");
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_lumen"))
            .arg("serve")
            .env("DATABASE_URL", database_url(pool))
            .env("LUMEN_DATA_DIR", &data)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
            .env("LEPTOS_OUTPUT_NAME", "lumen")
            .env_remove("LUMEN_SEED_DEMO")
            .env_remove("LUMEN_PUBLIC_URL")
            .env_remove("LUMEN_ALLOW_DEMO_ACCOUNTS")
            .envs(env.iter().copied())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(data.join("errors.log")).unwrap())
            .spawn()
            .expect("the server starts"),
    );
    // A server that went on to serve would run until killed.
    let mut exited = None;
    wait_until("the server to stop", Duration::from_secs(60), || {
        exited = server.0.try_wait().unwrap();
        exited.is_some()
    });
    let said = std::fs::read_to_string(&log).unwrap()
        + &std::fs::read_to_string(data.join("errors.log")).unwrap();
    assert!(!exited.unwrap().success(), "{said}");
    let _ = std::fs::remove_dir_all(&data);
    said
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_on_an_empty_database_creates_no_accounts_and_says_how_to_make_a_clinic(
    pool: PgPool,
) {
    // Without LUMEN_SEED_DEMO: the demo's published passwords are never loaded by default.
    let said = refuses_to_serve(&pool, &[]);
    assert!(said.contains("lumen create-clinic"), "{said}");
    assert_eq!(crate::common::count_rows(&pool, "users").await, 0);
    assert_eq!(crate::common::count_rows(&pool, "clinics").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_reached_from_elsewhere_refuses_the_demo_accounts_unless_told(pool: PgPool) {
    let public = ("LUMEN_PUBLIC_URL", "https://clinic.example");
    // Asked to load the demo on a public address: refused before anything is written.
    let said = refuses_to_serve(&pool, &[public, ("LUMEN_SEED_DEMO", "true")]);
    assert!(said.contains("LUMEN_ALLOW_DEMO_ACCOUNTS"), "{said}");
    assert_eq!(crate::common::count_rows(&pool, "users").await, 0);

    // A database that already holds them (a demo copied to a real server): refused too.
    crate::common::seeded(&pool).await;
    let said = refuses_to_serve(&pool, &[public]);
    assert!(said.contains("https://clinic.example"), "{said}");
    assert!(said.contains("are in its database"), "{said}");
    let said = refuses_to_serve(&pool, &[("LEPTOS_SITE_ADDR", "0.0.0.0:1")]);
    assert!(said.contains("http://0.0.0.0:1"), "{said}");

    // Reached from elsewhere, it needs a secret key of its own, even for a demo.
    let allowed = ("LUMEN_ALLOW_DEMO_ACCOUNTS", "true");
    let said = refuses_to_serve(&pool, &[public, allowed]);
    assert!(said.contains("LUMEN_SECRET_KEY is not set"), "{said}");

    // On this machine only, or told that it is a demo on purpose (with a key of its own,
    // taking over from the development key the seed sealed with), it serves.
    let seed_key_id: Vec<u8> = sqlx::query_scalar(
        "SELECT substring(totp_sealed from 2 for 4) FROM users WHERE email = 'admin@juniper-clinic.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let data = std::env::temp_dir().join(format!("lumen-demo-{}", free_port()));
    for env in [
        vec![("LUMEN_PUBLIC_URL", "http://localhost:3000")],
        vec![
            public,
            allowed,
            ("LUMEN_SECRET_KEY", crate::second_factor::NEW_KEY),
            (
                "LUMEN_PREVIOUS_SECRET_KEYS",
                crate::second_factor::DEVELOPMENT_KEY_BASE64,
            ),
        ],
    ] {
        let port = free_port();
        let _server = start_with(&pool, &data, port, &env);
        until_ready(port).await;
    }
    let _ = std::fs::remove_dir_all(&data);
    // The server that took over sealed everything again with its own key.
    let sealed_by_the_seed = format!(
        "users WHERE substring(totp_sealed from 2 for 4) = '\\x{}'::bytea",
        seed_key_id
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    assert_eq!(
        crate::common::count_rows(&pool, &sealed_by_the_seed).await,
        0
    );
    assert_eq!(
        crate::common::count_rows(&pool, "users WHERE totp_sealed IS NOT NULL").await,
        3
    );
}
