//! The server as a browser or a load balancer meets it: pages, server functions, media and
//! health checks, through the real router on a seeded database.

use crate::common;

use app::backend::state::{AppState, Clock};
use axum::http::StatusCode;
use common::{call, get};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::time::Duration;

#[sqlx::test(migrations = "../migrations")]
async fn the_home_page_is_rendered_on_the_server(pool: PgPool) {
    let app = common::app(&pool).await;
    let page = get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(
        page.body.contains("<title>Juniper Skin & Aesthetics"),
        "title missing"
    );
    assert!(page.body.contains(r#"<meta name="description""#));
    assert!(page.body.contains("Natural-looking results"));
    assert!(
        page.body.contains("Anti-wrinkle treatment, three areas"),
        "featured treatment missing"
    );
    assert!(page.body.contains("Real results"));
    assert!(page.body.contains("/media/"), "gallery images missing");
    assert!(
        page.body.contains("Book this treatment")
            && page.body.contains(r#"href="/book?treatment="#),
        "a case leads into booking its treatment"
    );
    assert!(
        page.body.contains("14 Hanover Lane"),
        "footer address missing"
    );
    assert!(page.body.contains("Mon–Fri"), "opening hours missing");
    assert!(page.body.contains(r#"href="/book""#), "no way to book");
    assert!(
        !page.body.contains("example.com"),
        "a patient's email reached a public page"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_treatments_page_lists_every_treatment_by_category(pool: PgPool) {
    let app = common::app(&pool).await;
    let page = get(&app, "/treatments").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        "Injectables",
        "Skin treatments",
        "Laser and light",
        "Consultations",
    ] {
        assert!(page.body.contains(name), "{name} missing");
    }
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM treatments")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(names.len(), 16);
    for name in names {
        let escaped = name.replace('&', "&amp;").replace('\'', "&#x27;");
        assert!(
            page.body.contains(&escaped) || page.body.contains(&name),
            "{name} missing"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_treatment_page_shows_its_facts_and_who_performs_it(pool: PgPool) {
    let app = common::app(&pool).await;
    let page = get(&app, "/treatments/lip-enhancement").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<title>Lip enhancement — Juniper"));
    assert!(page.body.contains("45 min"));
    assert!(page.body.contains("£320"));
    assert!(page.body.contains("Nothing until your visit"));
    assert!(page.body.contains("Dr Amara Okafor"));
    assert!(page.body.contains("Sofia Marques"));
    assert!(
        !page.body.contains("Hannah Price"),
        "lists someone who does not perform it"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_addresses_get_the_404_page(pool: PgPool) {
    let app = common::app(&pool).await;
    for path in [
        "/no-such-page",
        "/treatments/no-such-treatment",
        "/treatments/NOT%20A%20SLUG",
    ] {
        let page = get(&app, path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.body.contains("We couldn&#x27;t find that page")
                || page.body.contains("We couldn't find that page"),
            "{path}"
        );
        assert!(
            page.body.contains("14 Hanover Lane"),
            "{path}: the 404 page lost the site's footer"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_inactive_treatment_disappears_from_the_site(pool: PgPool) {
    let app = common::app(&pool).await;
    sqlx::query("UPDATE treatments SET active = false WHERE slug = 'tear-trough'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        get(&app, "/treatments/tear-trough").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!get(&app, "/treatments").await.body.contains("Tear trough"));
}

#[sqlx::test(migrations = "../migrations")]
async fn server_functions_answer_with_json(pool: PgPool) {
    let app = common::app(&pool).await;

    let reply = call(&app, "treatment", "slug=hydrafacial").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let detail: app::catalog::types::TreatmentDetail = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(detail.name, "HydraFacial");
    assert_eq!(detail.duration_minutes, 60);
    assert_eq!(detail.price.minor, 16_500);
    // The demo clinic takes nothing online until it chooses a payment service.
    assert_eq!(detail.paid_when_booking, "Nothing until your visit");

    let reply = call(&app, "treatments", "").await;
    let categories: Vec<app::catalog::types::Category> = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(categories.len(), 4);
    assert_eq!(
        categories.iter().map(|c| c.treatments.len()).sum::<usize>(),
        16
    );

    let reply = call(&app, "clinic", "").await;
    let clinic: app::catalog::types::ClinicInfo = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(clinic.locations.len(), 2);

    let reply = call(&app, "home", "").await;
    let home: app::catalog::types::HomeData = serde_json::from_str(&reply.body).unwrap();
    assert!(!home.featured.is_empty() && home.featured.len() <= 6);
    assert_eq!(home.cases.len(), 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_function_asked_for_a_missing_treatment_says_not_found(pool: PgPool) {
    let app = common::app(&pool).await;
    let reply = call(&app, "treatment", "slug=nothing-here").await;
    assert!(!reply.status.is_success());
    let error: app::error::AppError = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(error, app::error::AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn public_images_are_served_for_a_year_and_private_ones_not_at_all(pool: PgPool) {
    let app = common::app(&pool).await;
    let public_hash: String = sqlx::query_scalar(
        "SELECT m.content_hash FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id
         JOIN public_cases pc ON pc.id = ci.case_id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let image = get(&app, &format!("/media/{public_hash}.svg")).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.headers["content-type"], "image/svg+xml");
    assert!(image.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(image.body.starts_with("<svg"));

    // A consultation-only case's images, and those of a case whose consent is revoked.
    sqlx::query(
        "UPDATE cases SET consent_revoked_at = now(), published = false WHERE slug = 'lips-1'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let private: Vec<String> = sqlx::query_scalar(
        "SELECT m.content_hash FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id
         JOIN cases c ON c.id = ci.case_id WHERE c.slug IN ('anti-wrinkle-4', 'lips-1')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(private.len(), 4);
    for hash in private {
        assert_eq!(
            get(&app, &format!("/media/{hash}.svg")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        get(&app, "/media/not-hex.svg").await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(pool: PgPool) {
    let app = common::app(&pool).await;
    assert_eq!(get(&app, "/healthz").await.status, StatusCode::OK);
    let ready = get(&app, "/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(
        ready.headers.contains_key("x-request-id"),
        "responses carry a request id"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn readiness_fails_while_the_database_is_down(pool: PgPool) {
    let report = common::seeded(&pool).await;
    // Nothing listens on port 1: the pool can never connect.
    let dead = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(300))
        .connect_lazy("postgres://lumen@127.0.0.1:1/lumen")
        .unwrap();
    let app = lumen::http::router(AppState {
        leptos_options: common::leptos_options(),
        pool: dead,
        clinic_id: report.clinic_id,
        clock: Clock::system(),
        public_url: common::PUBLIC_URL.to_owned(),
        media: common::media(),
        messaging: app::backend::integrations::messaging::Messaging::development(),
        payments: Default::default(),
        secret_keys: common::secret_keys().into(),
        assistant: Default::default(),
        live: Default::default(),
        webhooks: app::backend::webhooks::Webhooks::new(true),
        booking: Default::default(),
        video: Default::default(),
    });
    assert_eq!(
        get(&app, "/healthz").await.status,
        StatusCode::OK,
        "the process itself is fine"
    );
    let ready = get(&app, "/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);

    // Pages say what to do instead of showing a database error.
    let page = get(&app, "/treatments").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("Please try again in a minute"));
    assert!(!page.body.to_lowercase().contains("connection refused"));
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_for_browsers_that_accept_it(pool: PgPool) {
    let app = common::app(&pool).await;
    for (accept, expected) in [("br", "br"), ("gzip", "gzip")] {
        let reply = common::send(
            &app,
            axum::http::Request::get("/treatments")
                .header("accept-encoding", accept)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.headers["content-encoding"], expected);
    }
    let plain = get(&app, "/treatments").await;
    assert!(!plain.headers.contains_key("content-encoding"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_offline_shell_names_its_release_and_keeps_the_clinics_details(pool: PgPool) {
    let app = common::app(&pool).await;
    let home = get(&app, "/").await;
    assert!(home
        .body
        .contains(r#"<link rel="manifest" href="/manifest.webmanifest""#));
    assert!(home
        .body
        .contains("navigator.serviceWorker.register('/sw.js')"));

    let worker = get(&app, "/sw.js").await;
    assert_eq!(worker.status, StatusCode::OK);
    assert_eq!(
        worker.headers["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(worker.headers["cache-control"], "no-cache");
    let release = worker
        .body
        .lines()
        .find_map(|line| line.strip_prefix("const RELEASE = \""))
        .and_then(|rest| rest.strip_suffix("\";"))
        .expect("the worker names its release");
    assert_eq!(release.len(), 16);
    assert!(release.chars().all(|c| c.is_ascii_hexdigit()));

    let manifest = get(&app, "/manifest.webmanifest").await;
    assert_eq!(
        manifest.headers["content-type"],
        "application/manifest+json"
    );
    let manifest: serde_json::Value = serde_json::from_str(&manifest.body).unwrap();
    assert_eq!(manifest["name"], "Juniper Skin & Aesthetics");
    assert_eq!(manifest["start_url"], "/");

    let offline = get(&app, "/offline").await;
    assert_eq!(offline.status, StatusCode::OK);
    assert_eq!(
        offline.headers["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'"
    );
    assert!(offline.body.contains("<h1>You are offline</h1>"));
    assert!(offline.body.contains("Juniper Skin &amp; Aesthetics"));
    assert!(!offline.body.contains("<script"));
    let phone: String = sqlx::query_scalar("SELECT phone FROM clinics")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(offline.body.contains(&phone));
}
