//! Public pages from memory, through the real router: kept pages with a nonce per answer,
//! `304` for an unchanged page, nothing kept for anyone with a session, and a kept page
//! dropped at once when staff change it (on this server, and through the database's
//! announcement on another) or when a consent it shows runs out.

use crate::common;

use crate::admin_treatments::{editor, save, treatment_id};
use app::backend::integrations::messaging::Messaging;
use app::backend::state::{AppState, Clock};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::{get, send, signed_in, Reply, ADMIN};
use lumen::page_cache::{listen, Limits, PageCache, Stats};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// A server process: the router with a page cache of its own, listening for changes.
struct Server {
    app: Router,
    cache: Arc<PageCache>,
    listener: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    async fn start(state: &AppState) -> Server {
        let mut server = Server::deaf(state);
        server.listener = Some(listen::clear_on_change(
            state.pool.clone(),
            server.cache.clone(),
        ));
        // Listening has begun once the listener has cleared the (empty) cache.
        until(|| server.cache.stats().clears >= 1, "the listener to start").await;
        server
    }

    /// One that hears no announcements: what it drops, it drops by itself.
    fn deaf(state: &AppState) -> Server {
        let cache = Arc::new(PageCache::new(Limits::DEFAULT));
        Server {
            app: lumen::http::router_with_page_cache(state.clone(), cache.clone()),
            cache,
            listener: None,
        }
    }

    fn stats(&self) -> Stats {
        self.cache.stats()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }
}

async fn until(done: impl Fn() -> bool, what: &str) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("waited 5 s for {what}");
}

async fn state(pool: &PgPool, clock: Clock) -> AppState {
    common::app_with_state(pool, clock, common::media(), Messaging::development())
        .await
        .1
}

/// The nonce the answer's script policy allows.
fn nonce(reply: &Reply) -> String {
    let policy = reply.headers["content-security-policy"].to_str().unwrap();
    let start = policy.find("'nonce-").expect("the policy names a nonce") + 7;
    let end = start + policy[start..].find('\'').unwrap();
    policy[start..end].to_owned()
}

async fn get_with(app: &Router, path: &str, header: (&str, &str)) -> Reply {
    let request = Request::get(path)
        .header(header.0, header.1)
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_kept_page_gets_a_nonce_of_its_own_and_an_unchanged_one_is_not_sent_again(pool: PgPool) {
    let server = Server::start(&state(&pool, Clock::system()).await).await;
    let first = get(&server.app, "/treatments/hydrafacial").await;
    let second = get(&server.app, "/treatments/hydrafacial").await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::OK, StatusCode::OK)
    );
    let stats = server.stats();
    assert_eq!((stats.misses, stats.hits, stats.entries), (1, 1, 1));

    // Each answer's scripts carry the nonce its own policy allows, and no other.
    let (one, two) = (nonce(&first), nonce(&second));
    assert_ne!(one, two);
    assert!(first.body.contains(&format!("nonce=\"{one}\"")));
    assert!(second.body.contains(&format!("nonce=\"{two}\"")));
    assert!(!second.body.contains(&one));
    assert_eq!(
        first.body.replace(&one, "N"),
        second.body.replace(&two, "N")
    );
    assert!(second.body.contains("HydraFacial"));

    // The same page has the same strong tag, and a browser holding it gets 304: without a
    // body, and without a policy that would replace the one stored with its copy.
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"'), "a strong tag: {etag}");
    assert_eq!(second.headers["etag"], etag.as_str());
    assert_eq!(second.headers["cache-control"], "private, no-cache");
    let unchanged = get_with(
        &server.app,
        "/treatments/hydrafacial",
        ("if-none-match", &etag),
    )
    .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.bytes.is_empty());
    assert!(!unchanged.headers.contains_key("content-security-policy"));
    assert_eq!(unchanged.headers["etag"], etag.as_str());
    let stale = get_with(
        &server.app,
        "/treatments/hydrafacial",
        ("if-none-match", "\"0\""),
    )
    .await;
    assert_eq!(stale.status, StatusCode::OK);

    // A page that is not found is rendered each time, never kept.
    assert_eq!(
        get(&server.app, "/treatments/no-such-thing").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&server.app, "/treatments/no-such-thing").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.stats().entries, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn anyone_with_a_session_and_every_booking_step_bypass_the_cache(pool: PgPool) {
    let server = Server::start(&state(&pool, Clock::system()).await).await;
    let admin = signed_in(&server.app, ADMIN).await;
    let before = server.stats();
    let signed_in_home = get_with(&server.app, "/", ("cookie", &admin)).await;
    assert_eq!(signed_in_home.status, StatusCode::OK);
    assert!(!signed_in_home.headers.contains_key("etag"));
    let holding = get_with(&server.app, "/treatments", ("cookie", "lumen_hold=abc")).await;
    assert_eq!(holding.status, StatusCode::OK);
    for path in ["/book?treatment=hydrafacial", "/sign-in", "/account"] {
        get(&server.app, path).await;
    }
    let after = server.stats();
    assert_eq!(
        (after.hits, after.misses, after.entries),
        (before.hits, before.misses, 0)
    );

    // The same pages anonymously are kept.
    get(&server.app, "/").await;
    get(&server.app, "/treatments").await;
    assert_eq!(server.stats().entries, 2);
}

async fn save_price(app: &Router, admin: &str, pool: &PgPool, price: &str) {
    let id = treatment_id(pool, "hydrafacial").await;
    let mut form = editor(app, admin, &id.to_string()).await.form;
    form.price = price.to_owned();
    let saved = save(app, Some(admin), form).await;
    assert!(
        saved.status.is_success() || saved.status.is_redirection(),
        "{}",
        saved.body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_staff_change_reaches_this_server_at_once_and_another_through_the_database(pool: PgPool) {
    let state = state(&pool, Clock::system()).await;
    // Here the change is made; this server does not listen, so only its own clearing can
    // show the change. There, only the database's announcement can.
    let (here, there) = (Server::deaf(&state), Server::start(&state).await);
    let admin = signed_in(&here.app, ADMIN).await;
    for server in [&here, &there] {
        get(&server.app, "/treatments/hydrafacial").await;
        let kept = get(&server.app, "/treatments/hydrafacial").await;
        assert!(kept.body.contains("£165"));
    }
    assert_eq!((here.stats().hits, there.stats().hits), (1, 1));

    save_price(&here.app, &admin, &pool, "172.50").await;
    let page = get(&here.app, "/treatments/hydrafacial").await;
    assert!(page.body.contains("£172.50"), "the changed price at once");
    until(
        || there.stats().entries == 0,
        "the other server to drop its page",
    )
    .await;
    let page = get(&there.app, "/treatments/hydrafacial").await;
    assert!(
        page.body.contains("£172.50"),
        "the changed price on the other server"
    );

    // A change made in the database by any means is announced the same way.
    get(&there.app, "/").await;
    assert_eq!(there.stats().entries, 2);
    sqlx::query("UPDATE treatment_categories SET name = name || ' and more'")
        .execute(&pool)
        .await
        .unwrap();
    until(
        || there.stats().entries == 0,
        "the other server to drop its pages",
    )
    .await;
    assert!(get(&there.app, "/treatments")
        .await
        .body
        .contains(" and more"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_case_leaves_the_kept_pages_the_moment_its_consent_runs_out(pool: PgPool) {
    let clock = Clock::fixed(common::today().and_hms_opt(8, 0, 0).unwrap().and_utc());
    let state = state(&pool, clock.clone()).await;
    // Only lips-2's consent runs out, at the end of the database's today.
    sqlx::query(
        "UPDATE cases SET consent_expires_on = NULL WHERE consent_expires_on >= current_date",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE cases SET consent_expires_on = current_date WHERE slug = 'lips-2'")
        .execute(&pool)
        .await
        .unwrap();
    let ends: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT (current_date + 1)::timestamptz")
            .fetch_one(&pool)
            .await
            .unwrap();
    let server = Server::start(&state).await;

    assert_eq!(
        get(&server.app, "/cases/lips-2").await.status,
        StatusCode::OK
    );
    assert!(get(&server.app, "/sitemap.xml")
        .await
        .body
        .contains("/cases/lips-2"));
    assert_eq!(
        get(&server.app, "/cases/lips-2").await.status,
        StatusCode::OK
    );
    assert_eq!(server.stats().hits, 1);

    // The day passes for the database (without an announcement: time changes nothing in
    // a table), and then for the server.
    let mut quiet = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *quiet)
        .await
        .unwrap();
    sqlx::query("UPDATE cases SET consent_expires_on = current_date - 1 WHERE slug = 'lips-2'")
        .execute(&mut *quiet)
        .await
        .unwrap();
    quiet.commit().await.unwrap();
    clock.advance(ends - clock.now() - chrono::Duration::seconds(1));
    assert_eq!(
        get(&server.app, "/cases/lips-2").await.status,
        StatusCode::OK,
        "kept until the consent's last second"
    );
    clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        get(&server.app, "/cases/lips-2").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!get(&server.app, "/sitemap.xml")
        .await
        .body
        .contains("/cases/lips-2"));
}
