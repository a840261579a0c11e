//! The REST API as an integrator's server meets it: no `Origin`, a key in the header. Every
//! answer these tests read is checked against the OpenAPI document the server serves, so
//! the handlers and the document cannot drift apart unnoticed.

use crate::booking::at;
use crate::common::{self, form, post_as, send_as_is, signed_in, Reply, ADMIN};
use app::admin::api_keys::types::MadeKey;
use app::backend::state::Clock;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::Value;
use sqlx::PgPool;

fn request(method: &str, path: &str, key: Option<&str>, body: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned())),
        None => request.body(Body::empty()),
    }
    .unwrap()
}

pub(crate) async fn api(
    app: &Router,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> Reply {
    send_as_is(app, request(method, path, key, body)).await
}

async fn document(app: &Router) -> Value {
    let reply = api(app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    serde_json::from_str(&reply.body).unwrap()
}

/// Checks `reply` against what the document says `method` on `template` answers with its
/// status: the status is documented, the content type is the documented one, and the body
/// validates against the documented schema.
fn conforms(document: &Value, method: &str, template: &str, reply: &Reply) -> Value {
    let operation = &document["paths"][template][method.to_ascii_lowercase()];
    assert!(
        operation.is_object(),
        "{method} {template} is not in the document"
    );
    let status = reply.status.as_u16().to_string();
    let response = &operation["responses"][&status];
    assert!(
        response.is_object(),
        "{method} {template} answered {status}, which the document does not list: {}",
        reply.body
    );
    let content_type = reply.headers["content-type"].to_str().unwrap();
    let content = response["content"].as_object().expect("a documented body");
    assert!(
        content.contains_key(content_type),
        "{method} {template} {status} answered {content_type}, the document says {:?}",
        content.keys().collect::<Vec<_>>()
    );
    // A JSON pointer in a URI fragment: `~` and `/` escaped as the pointer wants, and the
    // braces of path parameters as the URI wants.
    let escape = |part: &str| {
        part.replace('~', "~0")
            .replace('/', "~1")
            .replace('{', "%7B")
            .replace('}', "%7D")
    };
    let pointer = format!(
        "#/paths/{}/{}/responses/{status}/content/{}/schema",
        escape(template),
        method.to_ascii_lowercase(),
        escape(content_type),
    );
    let mut root = document.clone();
    root["$ref"] = Value::String(pointer);
    let validator = jsonschema::validator_for(&root).expect("the document's schemas compile");
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {template} {status} does not match the document: {errors:?}\n{}",
        reply.body
    );
    body
}

pub(crate) async fn make_key(app: &Router, cookie: &str, name: &str, scope: &str) -> String {
    let reply = post_as(
        app,
        "admin/create_api_key",
        Some(cookie),
        &form(&[("form[name]", name), ("form[scope]", scope)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let made: MadeKey = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(made.name, name);
    made.secret
}

#[sqlx::test(migrations = "../migrations")]
async fn the_catalogue_and_free_times_need_no_key_and_match_the_document(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(at(8, 0))).await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    let reply = api(&app, "GET", "/api/v1/treatments", None, None).await;
    let treatments = conforms(&doc, "GET", "/api/v1/treatments", &reply);
    let peel = treatments["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "chemical-peel")
        .expect("the chemical peel is listed");
    assert_eq!(peel["price"]["amount_minor"], 12000);
    assert_eq!(peel["price"]["currency"], "GBP");
    assert_eq!(peel["duration_minutes"], 45);

    let reply = api(&app, "GET", "/api/v1/providers", None, None).await;
    let providers = conforms(&doc, "GET", "/api/v1/providers", &reply);
    let peelers: Vec<&Value> = providers["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["treatments"]
                .as_array()
                .unwrap()
                .contains(&Value::from("chemical-peel"))
        })
        .collect();
    assert_eq!(peelers.len(), 2, "two practitioners do peels in the demo");

    let reply = api(&app, "GET", "/api/v1/locations", None, None).await;
    let locations = conforms(&doc, "GET", "/api/v1/locations", &reply);
    assert!(locations["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["time_zone"] == "Europe/London"));

    let template = "/api/v1/treatments/{slug}/availability";
    let reply = api(
        &app,
        "GET",
        "/api/v1/treatments/chemical-peel/availability?from=2026-03-17&to=2026-03-18",
        None,
        None,
    )
    .await;
    let free = conforms(&doc, "GET", template, &reply);
    let times = free["data"].as_array().unwrap();
    assert!(
        !times.is_empty(),
        "the demo has free peels on Tuesday and Wednesday"
    );
    let peeler_ids: Vec<&Value> = peelers.iter().map(|p| &p["id"]).collect();
    for time in times {
        let start = time["start"].as_str().unwrap();
        assert!(
            start.starts_with("2026-03-17") || start.starts_with("2026-03-18"),
            "{start}"
        );
        assert!(peeler_ids.contains(&&time["provider_id"]), "{time}");
    }

    // One practitioner's times only; an unknown treatment, a backwards range and a date
    // that is not one are problems of the documented shape.
    let one = peelers[0]["id"].as_str().unwrap();
    let reply = api(
        &app,
        "GET",
        &format!("/api/v1/treatments/chemical-peel/availability?from=2026-03-17&to=2026-03-18&provider={one}"),
        None,
        None,
    )
    .await;
    let theirs = conforms(&doc, "GET", template, &reply);
    assert!(theirs["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["provider_id"] == one));
    assert!(theirs["data"].as_array().unwrap().len() < times.len());

    let reply = api(
        &app,
        "GET",
        "/api/v1/treatments/no-such/availability",
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    conforms(&doc, "GET", template, &reply);
    let reply = api(
        &app,
        "GET",
        "/api/v1/treatments/chemical-peel/availability?from=2026-03-18&to=2026-03-17",
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = conforms(&doc, "GET", template, &reply);
    assert_eq!(problem["errors"][0]["field"], "to");
    let reply = api(
        &app,
        "GET",
        "/api/v1/treatments/chemical-peel/availability?from=Tuesday",
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    conforms(&doc, "GET", template, &reply);

    // Any other path under the API is a problem too, not the site's 404 page.
    let reply = api(&app, "GET", "/api/v1/nothing-here", None, None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.headers["content-type"], "application/problem+json");

    // The reference page is served from the binary.
    let reply = api(&app, "GET", "/api/v1/docs/", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("swagger"), "{}", reply.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn keys_are_shown_once_kept_as_hashes_scoped_audited_and_revocable(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(at(8, 0))).await;
    let doc = document(&app).await;
    let admin = signed_in(&app, ADMIN).await;
    let reader = make_key(&app, &admin, "Accountant", "read").await;
    let writer = make_key(&app, &admin, "Practice system", "write").await;
    assert!(
        reader.starts_with("lumen_") && reader.len() == 70,
        "{reader}"
    );

    // Only hashes are stored: no column holds the secret.
    let stored: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT prefix, secret_hash FROM api_keys ORDER BY created_at")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 2);
    for (prefix, hash) in &stored {
        assert_eq!(prefix.len(), 14);
        assert!(!reader.contains(&app::backend::hex::hex(hash)));
    }
    // The list shows names and the secrets' starts, never the secrets.
    let list = post_as(&app, "admin/api_keys", Some(&admin), "").await;
    assert!(list.body.contains("Accountant") && list.body.contains(&reader[..14]));
    assert!(!list.body.contains(&reader) && !list.body.contains(&writer));
    // A second live key of the same name is refused by name.
    let again = post_as(
        &app,
        "admin/create_api_key",
        Some(&admin),
        &form(&[("form[name]", "accountant"), ("form[scope]", "read")]),
    )
    .await;
    assert_eq!(common::field_problems(&again)[0].field, "name");

    let range = "/api/v1/appointments?from=2026-03-16&to=2026-03-22";
    let template = "/api/v1/appointments";
    // No key, a malformed one, an unknown one: 401 with the scheme to use.
    for key in [
        None,
        Some("not-a-key"),
        Some(&*format!("lumen_{}", "0".repeat(64))),
    ] {
        let reply = api(&app, "GET", range, key, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{key:?}");
        assert!(reply.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
        conforms(&doc, "GET", template, &reply);
    }
    let reply = api(&app, "GET", range, Some(&reader), None).await;
    let page = conforms(&doc, "GET", template, &reply);
    assert!(!page["data"].as_array().unwrap().is_empty());

    // A read-only key may not add a patient; a read-and-write key may.
    let ana = r#"{"first_name":"Ana","last_name":"Ruiz","email":"ana.api@example.com","phone":"07700 900123"}"#;
    let reply = api(&app, "POST", "/api/v1/patients", Some(&reader), Some(ana)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    conforms(&doc, "POST", "/api/v1/patients", &reply);
    let reply = api(&app, "POST", "/api/v1/patients", Some(&writer), Some(ana)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let patient = conforms(&doc, "POST", "/api/v1/patients", &reply);
    assert_eq!(patient["phone"], "+447700900123");
    let id = patient["id"].as_str().unwrap();
    let reply = api(
        &app,
        "GET",
        &format!("/api/v1/patients/{id}"),
        Some(&reader),
        None,
    )
    .await;
    let read = conforms(&doc, "GET", "/api/v1/patients/{id}", &reply);
    assert_eq!(read["email"], "ana.api@example.com");

    // Each request is audited with the key as its actor, and the log names the key.
    let audited: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.action, a.subject_type FROM audit_log a JOIN api_keys k ON k.id = a.actor_user_id
         WHERE a.actor_role = 'api_key' ORDER BY a.seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            ("read".to_owned(), "appointments".to_owned()),
            ("create".to_owned(), "patient".to_owned()),
            ("read".to_owned(), "patient".to_owned()),
        ]
    );
    let log = post_as(
        &app,
        "admin/audit_log",
        Some(&admin),
        "filter[subject_type]=patient",
    )
    .await;
    assert!(
        log.body.contains("API key “Practice system”"),
        "{}",
        log.body
    );

    // Revoked, a key is refused at once.
    let key_id: String =
        sqlx::query_scalar("SELECT id::text FROM api_keys WHERE name = 'Accountant'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let revoked = post_as(
        &app,
        "admin/revoke_api_key",
        Some(&admin),
        &format!("id={key_id}"),
    )
    .await;
    assert!(
        revoked.status.is_success() || revoked.status.is_redirection(),
        "{}",
        revoked.body
    );
    let reply = api(&app, "GET", range, Some(&reader), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    // Keys are for clinic admins only.
    let desk = signed_in(&app, common::FRONT_DESK).await;
    let refused = post_as(
        &app,
        "admin/create_api_key",
        Some(&desk),
        &form(&[("form[name]", "Mine"), ("form[scope]", "write")]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn another_clinics_key_is_unknown_here(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(at(8, 0))).await;
    let other: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO clinics (slug, name, time_zone, currency, email, phone)
         VALUES ('other', 'Other Clinic', 'Europe/Paris', 'EUR', 'a@b.example', '1') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // A key of the other clinic, stored as its own admin screen would store it.
    let secret = app::backend::auth::session::Token::generate();
    sqlx::query(
        "INSERT INTO api_keys (clinic_id, name, scope, prefix, secret_hash, created_at)
         VALUES ($1, 'Theirs', 'write', 'lumen_x', $2, now())",
    )
    .bind(other)
    .bind(secret.hash())
    .execute(&pool)
    .await
    .unwrap();
    let theirs = format!("lumen_{}", secret.as_str());
    let reply = api(
        &app,
        "GET",
        "/api/v1/appointments?from=2026-03-16&to=2026-03-22",
        Some(&theirs),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_repeated_idempotency_key_gets_the_first_answer_and_adds_nothing(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(at(8, 0))).await;
    let doc = document(&app).await;
    let admin = signed_in(&app, ADMIN).await;
    let writer = make_key(&app, &admin, "Practice system", "write").await;
    let post = |body: &'static str, idempotency: &'static str| {
        let mut request = request("POST", "/api/v1/patients", Some(&writer), Some(body));
        request
            .headers_mut()
            .insert("idempotency-key", idempotency.parse().unwrap());
        send_as_is(&app, request)
    };
    let leo = r#"{"first_name":"Leo","last_name":"Park","email":"leo.park@example.com"}"#;
    let before = common::count_rows(&pool, "patients").await;

    // Sent twice at once: one is answered, the other gets that answer or is told the first
    // is still being answered. Once more later: the first answer again. One patient.
    let (one, other) = tokio::join!(post(leo, "4f1c"), post(leo, "4f1c"));
    let again = post(leo, "4f1c").await;
    assert_eq!(common::count_rows(&pool, "patients").await, before + 1);
    let first = [&one, &other]
        .into_iter()
        .find(|r| r.status == StatusCode::CREATED && !r.headers.contains_key("idempotent-replayed"))
        .expect("one of them was answered afresh");
    for reply in [&one, &other, &again] {
        conforms(&doc, "POST", "/api/v1/patients", reply);
        match reply.status {
            StatusCode::CREATED => assert_eq!(reply.body, first.body),
            StatusCode::CONFLICT => assert!(reply.body.contains("idempotency-key-in-use")),
            other => panic!("{other}: {}", reply.body),
        }
    }
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.headers["idempotent-replayed"], "true");

    // The same key with another request is refused; a refused request is remembered too.
    let mia = r#"{"first_name":"Mia","last_name":"Park","email":"mia.park@example.com"}"#;
    let reply = post(mia, "4f1c").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = conforms(&doc, "POST", "/api/v1/patients", &reply);
    assert_eq!(problem["type"], "urn:lumen:problem:idempotency-key-reused");
    let bad = r#"{"first_name":"","last_name":"Park","email":"not an address"}"#;
    let refused = post(bad, "77aa").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = conforms(&doc, "POST", "/api/v1/patients", &refused);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["first_name", "email"]);
    assert_eq!(post(bad, "77aa").await.body, refused.body);
    assert_eq!(common::count_rows(&pool, "patients").await, before + 1);

    // Not JSON at all; or JSON not said to be JSON (the server checks JSON bodies for what
    // PostgreSQL cannot store, such as a NUL, so it must know which they are).
    let reply = post("first_name=Leo", "88bb").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    conforms(&doc, "POST", "/api/v1/patients", &reply);
    let mut plain = request("POST", "/api/v1/patients", Some(&writer), Some(leo));
    plain
        .headers_mut()
        .insert("content-type", "text/plain".parse().unwrap());
    let reply = send_as_is(&app, plain).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("application/json"), "{}", reply.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn appointments_come_page_by_page_in_start_order(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(at(8, 0))).await;
    let doc = document(&app).await;
    let admin = signed_in(&app, ADMIN).await;
    let reader = make_key(&app, &admin, "Accountant", "read").await;
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT id::text FROM appointments
         WHERE (patient_id IS NOT NULL OR capacity IS NOT NULL)
           AND lower(period) >= '2026-03-16T00:00:00Z'
           AND lower(period) < '2026-03-23T00:00:00Z'
         ORDER BY lower(period), id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(expected.len() > 3, "the demo week has appointments");
    // A patient still choosing holds a time: no appointment yet, and not listed.
    let hold = crate::booking::held_link(
        &app,
        crate::booking::MOLE_CHECK,
        crate::booking::lewis(&pool).await,
        at(10, 0),
    )
    .await;
    assert!(!hold.is_empty());
    let holds: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments WHERE patient_id IS NULL AND capacity IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(holds >= 1);

    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let reply = api(
            &app,
            "GET",
            &format!("/api/v1/appointments?from=2026-03-16&to=2026-03-22&limit=3&cursor={cursor}"),
            Some(&reader),
            None,
        )
        .await;
        let page = conforms(&doc, "GET", "/api/v1/appointments", &reply);
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 3);
        seen.extend(data.iter().map(|a| a["id"].as_str().unwrap().to_owned()));
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, expected);
    assert_eq!(pages, expected.len().div_ceil(3));

    for (query, status) in [
        (
            "from=2026-03-16&to=2026-03-22&cursor=nonsense",
            StatusCode::BAD_REQUEST,
        ),
        (
            "from=2026-03-16&to=2026-03-22&limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "from=2026-01-01&to=2026-12-31",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("to=2026-03-22", StatusCode::BAD_REQUEST),
    ] {
        let reply = api(
            &app,
            "GET",
            &format!("/api/v1/appointments?{query}"),
            Some(&reader),
            None,
        )
        .await;
        assert_eq!(reply.status, status, "{query}: {}", reply.body);
        conforms(&doc, "GET", "/api/v1/appointments", &reply);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_key_past_its_rate_limit_is_told_when_to_come_back(pool: PgPool) {
    let clock = Clock::fixed(at(8, 0));
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let doc = document(&app).await;
    let admin = signed_in(&app, ADMIN).await;
    let reader = make_key(&app, &admin, "Accountant", "read").await;
    let path = "/api/v1/appointments?from=2026-03-16&to=2026-03-16";
    // A key's allowance unless the clinic's operator set another for it.
    for _ in 0..120 {
        let reply = api(&app, "GET", path, Some(&reader), None).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let reply = api(&app, "GET", path, Some(&reader), None).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.headers["retry-after"], "60");
    conforms(&doc, "GET", "/api/v1/appointments", &reply);
    // The other keys of the clinic have their own allowance, and a minute later so has
    // this one.
    let other = make_key(&app, &admin, "Marketing", "read").await;
    assert_eq!(
        api(&app, "GET", path, Some(&other), None).await.status,
        StatusCode::OK
    );
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(
        api(&app, "GET", path, Some(&reader), None).await.status,
        StatusCode::OK
    );
}

/// The first free time the API offers for `treatment` on `day`, after skipping `skip`.
pub(crate) async fn free_time(app: &Router, treatment: &str, day: &str, skip: usize) -> Value {
    let reply = api(
        app,
        "GET",
        &format!("/api/v1/treatments/{treatment}/availability?from={day}&to={day}"),
        None,
        None,
    )
    .await;
    let free: Value = serde_json::from_str(&reply.body).unwrap();
    free["data"][skip].clone()
}

pub(crate) fn booking_body(time: &Value, email: &str) -> String {
    serde_json::json!({
        "treatment": "chemical-peel",
        "start": time["start"],
        "provider_id": time["provider_id"],
        "first_name": "Ana",
        "last_name": "Ruiz",
        "email": email,
        "phone": "07700 900123",
    })
    .to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_integrator_books_moves_and_cancels_under_the_booking_pages_rules(pool: PgPool) {
    let clock = Clock::fixed(at(8, 0));
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let doc = document(&app).await;
    let admin = signed_in(&app, ADMIN).await;
    let writer = make_key(&app, &admin, "Practice system", "write").await;
    let reader = make_key(&app, &admin, "Accountant", "read").await;
    let email = "api.booker@example.com";
    let time = free_time(&app, "chemical-peel", "2026-03-18", 0).await;
    assert!(time.is_object(), "a free peel on Wednesday");

    // A read-only key may not book.
    let body = booking_body(&time, email);
    let reply = api(&app, "POST", "/api/v1/bookings", Some(&reader), Some(&body)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let reply = api(&app, "POST", "/api/v1/bookings", Some(&writer), Some(&body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let made = conforms(&doc, "POST", "/api/v1/bookings", &reply);
    let booking = &made["booking"];
    assert_eq!(booking["status"], "confirmed");
    assert_eq!(booking["start"], time["start"]);
    assert_eq!(booking["provider_id"], time["provider_id"]);
    let manage = made["manage_url"].as_str().unwrap();
    assert!(
        manage.starts_with(&format!("{}/booking/", common::PUBLIC_URL)),
        "{manage}"
    );
    // The patient hears of it as from the site, with the same private link.
    let emails = common::emails_to(&pool, email).await;
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert!(emails[0].1.contains(manage));
    let id = booking["id"].as_str().unwrap().to_owned();

    // The time is gone, for the API as for the pages; a time the pages would not offer
    // (inside the clinic's notice, or at night) cannot be booked either.
    let reply = api(
        &app,
        "POST",
        "/api/v1/bookings",
        Some(&writer),
        Some(&booking_body(&time, "other@example.com")),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    let problem = conforms(&doc, "POST", "/api/v1/bookings", &reply);
    assert_eq!(problem["type"], "urn:lumen:problem:taken");
    for start in ["2026-03-17T08:30:00Z", "2026-03-18T03:00:00Z"] {
        let late = serde_json::json!({"start": start, "provider_id": time["provider_id"]});
        let reply = api(
            &app,
            "POST",
            "/api/v1/bookings",
            Some(&writer),
            Some(&booking_body(&late, "late@example.com")),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::CONFLICT,
            "{start}: {}",
            reply.body
        );
    }
    // Details are checked as on the details step.
    let mut bad: Value = serde_json::from_str(&booking_body(&time, "not an address")).unwrap();
    bad["first_name"] = Value::from("");
    let reply = api(
        &app,
        "POST",
        "/api/v1/bookings",
        Some(&writer),
        Some(&bad.to_string()),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let problem = conforms(&doc, "POST", "/api/v1/bookings", &reply);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"first_name") && fields.contains(&"email"),
        "{fields:?}"
    );

    let reply = api(
        &app,
        "GET",
        &format!("/api/v1/bookings/{id}"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(
        conforms(&doc, "GET", "/api/v1/bookings/{id}", &reply)["id"],
        id.as_str()
    );

    // Moved to another free time, and the patient is told.
    let later = free_time(&app, "chemical-peel", "2026-03-19", 0).await;
    let to = serde_json::json!({"start": later["start"], "provider_id": later["provider_id"]})
        .to_string();
    let reply = api(
        &app,
        "POST",
        &format!("/api/v1/bookings/{id}/move"),
        Some(&writer),
        Some(&to),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let moved = conforms(&doc, "POST", "/api/v1/bookings/{id}/move", &reply);
    assert_eq!(moved["start"], later["start"]);
    assert_eq!(common::emails_to(&pool, email).await.len(), 2);

    clock.advance(chrono::Duration::minutes(1));
    // Cancelled as the patient's own cancellation; a second time it is closed.
    let by = r#"{"by":"patient"}"#;
    let reply = api(
        &app,
        "POST",
        &format!("/api/v1/bookings/{id}/cancel"),
        Some(&writer),
        Some(by),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        conforms(&doc, "POST", "/api/v1/bookings/{id}/cancel", &reply)["status"],
        "cancelled"
    );
    let reply = api(
        &app,
        "POST",
        &format!("/api/v1/bookings/{id}/cancel"),
        Some(&writer),
        Some(by),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    conforms(&doc, "POST", "/api/v1/bookings/{id}/cancel", &reply);
    let reply = api(
        &app,
        "GET",
        &format!("/api/v1/bookings/{}", uuid::Uuid::new_v4()),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // The history says the API changed it, and the audit log says which key.
    let history: Vec<(String, String)> = sqlx::query_as(
        "SELECT change, via FROM appointment_changes WHERE appointment_id = $1::uuid AND via = 'api' ORDER BY changed_at, change",
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        history,
        [
            ("moved".to_owned(), "api".to_owned()),
            ("cancelled".to_owned(), "api".to_owned())
        ]
    );
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT a.action FROM audit_log a JOIN api_keys k ON k.id = a.actor_user_id
         WHERE a.subject_type = 'appointment' AND a.subject_id = $1::uuid AND k.name = 'Practice system'
         ORDER BY a.seq",
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited, ["create", "moved", "cancelled"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn fifty_requests_racing_for_one_time_book_it_once(pool: PgPool) {
    let messaging = app::backend::integrations::messaging::Messaging::development();
    let clock = Clock::fixed(at(8, 0));
    let (_, state) = common::app_with_state(&pool, clock, common::media(), messaging).await;
    // As many connections as a server has by default (LUMEN_DB_MAX_CONNECTIONS): on the
    // tests' five, fifty requests at once on a machine busy with the rest of the suite
    // once kept the winner waiting past the pool's timeout.
    let state = app::backend::state::AppState {
        pool: common::request_pool(&pool, 10, state.clinic_id).await,
        ..state
    };
    let app = lumen::http::router(state);
    let admin = signed_in(&app, ADMIN).await;
    let writer = make_key(&app, &admin, "Practice system", "write").await;
    let time = free_time(&app, "chemical-peel", "2026-03-18", 0).await;
    let bodies: Vec<String> = (0..50)
        .map(|n| booking_body(&time, &format!("racer{n}@example.com")))
        .collect();
    let replies = futures::future::join_all(
        bodies
            .iter()
            .map(|body| api(&app, "POST", "/api/v1/bookings", Some(&writer), Some(body))),
    )
    .await;
    let booked = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let taken = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (booked, taken),
        (1, 49),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let at_that_time: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments
         WHERE lower(period) = $1::timestamptz AND provider_id = $2::uuid AND status = 'confirmed'",
    )
    .bind(time["start"].as_str().unwrap())
    .bind(time["provider_id"].as_str().unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(at_that_time, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn payments_come_page_by_page_with_what_went_back(pool: PgPool) {
    let app = common::app_with_clock(&pool, Clock::fixed(at(8, 0))).await;
    let doc = document(&app).await;
    let admin = signed_in(&app, ADMIN).await;
    let writer = make_key(&app, &admin, "Accountant", "write").await;
    // A booking made through the API, paid at the desk in three parts.
    let time = free_time(&app, "chemical-peel", "2026-03-18", 0).await;
    let reply = api(
        &app,
        "POST",
        "/api/v1/bookings",
        Some(&writer),
        Some(&booking_body(&time, "payer@example.com")),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let made: Value = serde_json::from_str(&reply.body).unwrap();
    let appointment = made["booking"]["id"].as_str().unwrap().to_owned();
    for amount in ["40", "40", "40"] {
        let taken = post_as(
            &app,
            "admin/take_payment",
            Some(&admin),
            &format!("id={appointment}&form[amount]={amount}&form[method]=cash"),
        )
        .await;
        assert!(
            taken.status.is_success() || taken.status.is_redirection(),
            "{}",
            taken.body
        );
    }
    // Ten pounds of the first went back.
    sqlx::query(
        "INSERT INTO refunds (clinic_id, payment_id, amount_minor, reason, status, idempotency_key, created_at, updated_at)
         SELECT clinic_id, id, 1000, 'at_processor', 'succeeded', 'r1', now(), now()
         FROM payments ORDER BY created_at, id LIMIT 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    let expected: Vec<String> =
        sqlx::query_scalar("SELECT id::text FROM payments ORDER BY created_at, id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(expected.len(), 3);

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let reply = api(
            &app,
            "GET",
            &format!("/api/v1/payments?from=2026-03-01&to=2026-03-31&limit=2&cursor={cursor}"),
            Some(&writer),
            None,
        )
        .await;
        let page = conforms(&doc, "GET", "/api/v1/payments", &reply);
        for payment in page["data"].as_array().unwrap() {
            assert_eq!(payment["appointment_id"], appointment.as_str());
            assert_eq!(payment["amount"]["amount_minor"], 4000);
            assert_eq!(payment["amount"]["currency"], "GBP");
            assert_eq!(payment["processor"], "cash");
            seen.push((
                payment["id"].as_str().unwrap().to_owned(),
                payment["refunded"]["amount_minor"].as_i64().unwrap(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let ids: Vec<String> = seen.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, expected);
    let refunded: Vec<i64> = seen.iter().map(|(_, r)| *r).collect();
    assert_eq!(refunded, [1000, 0, 0]);
    // Another range holds none of them.
    let reply = api(
        &app,
        "GET",
        "/api/v1/payments?from=2026-04-01&to=2026-04-30",
        Some(&writer),
        None,
    )
    .await;
    assert_eq!(
        conforms(&doc, "GET", "/api/v1/payments", &reply)["data"],
        serde_json::json!([])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn what_the_api_cannot_finish_is_refused_and_gives_its_time_back(pool: PgPool) {
    let clock = Clock::fixed(at(8, 0));
    let app = common::app_with_clock(&pool, clock.clone()).await;
    let doc = document(&app).await;
    let admin = signed_in(&app, ADMIN).await;
    let writer = make_key(&app, &admin, "Practice system", "write").await;

    // A booking inside the late-cancel window is the clinic's to change.
    let time = free_time(&app, "chemical-peel", "2026-03-18", 0).await;
    let reply = api(
        &app,
        "POST",
        "/api/v1/bookings",
        Some(&writer),
        Some(&booking_body(&time, "late@example.com")),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let made: Value = serde_json::from_str(&reply.body).unwrap();
    let id = made["booking"]["id"].as_str().unwrap().to_owned();
    clock.advance(chrono::Duration::hours(20));
    let reply = api(
        &app,
        "POST",
        &format!("/api/v1/bookings/{id}/cancel"),
        Some(&writer),
        Some(r#"{"by":"clinic"}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert_eq!(
        conforms(&doc, "POST", "/api/v1/bookings/{id}/cancel", &reply)["type"],
        "urn:lumen:problem:closed"
    );
    let later = serde_json::json!({"start": "2026-03-25T10:00:00Z"}).to_string();
    let reply = api(
        &app,
        "POST",
        &format!("/api/v1/bookings/{id}/move"),
        Some(&writer),
        Some(&later),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);

    // A group session is the clinic's to change; its patients change their own places.
    let session: String =
        sqlx::query_scalar("SELECT id::text FROM appointments WHERE capacity IS NOT NULL LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let reply = api(
        &app,
        "POST",
        &format!("/api/v1/bookings/{session}/cancel"),
        Some(&writer),
        Some(r#"{"by":"clinic"}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(reply.body.contains("group session"), "{}", reply.body);

    // A treatment the clinic takes a deposit for cannot be booked here yet: the time is
    // given back at once.
    sqlx::query("UPDATE clinics SET payment_processor = 'stripe'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE treatments SET payment_rule = 'deposit', deposit_minor = 2000 WHERE slug = 'chemical-peel'")
        .execute(&pool)
        .await
        .unwrap();
    let time = free_time(&app, "chemical-peel", "2026-03-19", 0).await;
    let reply = api(
        &app,
        "POST",
        "/api/v1/bookings",
        Some(&writer),
        Some(&booking_body(&time, "deposit@example.com")),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert_eq!(
        conforms(&doc, "POST", "/api/v1/bookings", &reply)["type"],
        "urn:lumen:problem:payment-required"
    );
    assert_eq!(
        free_time(&app, "chemical-peel", "2026-03-19", 0).await,
        time,
        "the time is free again"
    );
}
