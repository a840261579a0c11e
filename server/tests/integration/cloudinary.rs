//! The Cloudinary adapter against a local server that checks what Cloudinary checks: the
//! API key, a fresh timestamp, and the signature computed as Cloudinary computes it (here
//! written out again, not borrowed from the adapter), answering as Cloudinary answers.

use crate::common::{self, get, post_as, signed_in, ADMIN};
use app::backend::integrations::media::{fixtures, Cloudinary, CloudinaryError, Media};
use app::backend::state::Clock;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use sha1::{Digest, Sha1};
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "448812345";
const SECRET: &str = "a-very-secret-secret";
const CLOUD: &str = "juniper-demo";

#[derive(Debug, Clone)]
struct Call {
    action: String,
    params: BTreeMap<String, String>,
    file_bytes: usize,
}

#[derive(Default)]
struct Fake {
    /// Answer this many requests with a 500 before behaving.
    fail_next: AtomicUsize,
    calls: Mutex<Vec<Call>>,
}

fn sign(params: &BTreeMap<String, String>) -> String {
    let signed: Vec<String> = params
        .iter()
        .filter(|(k, v)| {
            ![
                "file",
                "api_key",
                "signature",
                "resource_type",
                "cloud_name",
            ]
            .contains(&k.as_str())
                && !v.is_empty()
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let digest = Sha1::digest(format!("{}{SECRET}", signed.join("&")).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn error(status: StatusCode, message: String) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": { "message": message } })),
    )
        .into_response()
}

async fn api(
    State(fake): State<Arc<Fake>>,
    Path((cloud, action)): Path<(String, String)>,
    mut form: Multipart,
) -> Response {
    let mut params = BTreeMap::new();
    let mut file_bytes = 0;
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let data = field.bytes().await.unwrap_or_default();
        if name == "file" {
            file_bytes = data.len();
        } else {
            params.insert(name, String::from_utf8_lossy(&data).into_owned());
        }
    }
    fake.calls.lock().unwrap().push(Call {
        action: action.clone(),
        params: params.clone(),
        file_bytes,
    });
    if fake.fail_next.load(Ordering::SeqCst) > 0 {
        fake.fail_next.fetch_sub(1, Ordering::SeqCst);
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "General Error".to_owned(),
        );
    }
    if cloud != CLOUD {
        return error(StatusCode::NOT_FOUND, format!("Invalid cloud_name {cloud}"));
    }
    if params.get("api_key").map(String::as_str) != Some(KEY) {
        return error(StatusCode::UNAUTHORIZED, "Invalid api_key".to_owned());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let fresh = params
        .get("timestamp")
        .and_then(|t| t.parse::<i64>().ok())
        .is_some_and(|t| (now - t).abs() < 3600);
    if !fresh {
        return error(
            StatusCode::BAD_REQUEST,
            "Stale request - reported time is more than 1 hour ago".to_owned(),
        );
    }
    let expected = sign(&params);
    if params.get("signature") != Some(&expected) {
        return error(
            StatusCode::UNAUTHORIZED,
            format!(
                "Invalid Signature {}.",
                params.get("signature").cloned().unwrap_or_default()
            ),
        );
    }
    match action.as_str() {
        "upload" if file_bytes == 0 => error(StatusCode::BAD_REQUEST, "Missing required parameter - file".to_owned()),
        "upload" => Json(serde_json::json!({
            "public_id": params["public_id"], "version": 1, "format": "jpg", "bytes": file_bytes,
            "secure_url": format!("https://res.cloudinary.com/{CLOUD}/image/upload/v1/{}.jpg", params["public_id"]),
        }))
        .into_response(),
        "destroy" => Json(serde_json::json!({ "result": "ok" })).into_response(),
        _ => error(StatusCode::NOT_FOUND, "Unknown action".to_owned()),
    }
}

/// Starts the stand-in; returns it and a `CLOUDINARY_URL` pointing at it.
async fn start() -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake::default());
    let app = Router::new()
        .route("/v1_1/{cloud}/image/{action}", post(api))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (
        fake,
        format!("cloudinary://{KEY}:{SECRET}@{CLOUD}?upload_prefix=http://{address}"),
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn uploads_are_signed_as_cloudinary_checks_and_retried_after_its_failures() {
    let (fake, url) = start().await;
    fake.fail_next.store(1, Ordering::SeqCst);
    let cloudinary = Cloudinary::from_url(&url).unwrap();
    cloudinary
        .upload("lumen/abc123", b"jpeg bytes", now())
        .await
        .expect("accepted on the second try");
    let calls = fake.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2, "one failure, one retry");
    let last = &calls[1];
    assert_eq!(last.action, "upload");
    assert_eq!(last.params["public_id"], "lumen/abc123");
    assert_eq!(last.file_bytes, 10);
    assert_eq!(last.params["signature"], sign(&last.params));
}

#[tokio::test]
async fn a_refusal_is_final_and_says_why() {
    let (fake, url) = start().await;
    let wrong = Cloudinary::from_url(&url.replace(SECRET, "not-the-secret")).unwrap();
    let refused = wrong
        .upload("lumen/abc123", b"jpeg", now())
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, CloudinaryError::Refused { status: 401, message } if message.starts_with("Invalid Signature")),
        "{refused:?}"
    );
    let stale = Cloudinary::from_url(&url)
        .unwrap()
        .upload("lumen/abc123", b"jpeg", now() - 7200)
        .await
        .unwrap_err();
    assert!(
        matches!(&stale, CloudinaryError::Refused { status: 400, message } if message.contains("Stale")),
        "{stale:?}"
    );
    assert_eq!(
        fake.calls.lock().unwrap().len(),
        2,
        "refusals are not retried"
    );
}

#[tokio::test]
async fn an_unavailable_cloudinary_is_tried_three_times() {
    let (fake, url) = start().await;
    fake.fail_next.store(10, Ordering::SeqCst);
    let result = Cloudinary::from_url(&url)
        .unwrap()
        .destroy("lumen/abc123", now())
        .await;
    assert!(
        matches!(result, Err(CloudinaryError::Unavailable(_))),
        "{result:?}"
    );
    assert_eq!(fake.calls.lock().unwrap().len(), 3);
    let nobody = Cloudinary::from_url(&format!(
        "cloudinary://{KEY}:{SECRET}@{CLOUD}?upload_prefix=http://127.0.0.1:9"
    ))
    .unwrap();
    assert!(matches!(
        nobody.upload("x", b"y", now()).await,
        Err(CloudinaryError::Unavailable(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn with_cloudinary_pictures_are_uploaded_delivered_by_url_and_purged_on_revocation(
    pool: PgPool,
) {
    let (fake, url) = start().await;
    let media: Media = common::media().with_cloudinary(Cloudinary::from_url(&url).unwrap());
    let app = common::app_with_media(&pool, Clock::system(), media).await;
    let admin = signed_in(&app, ADMIN).await;
    let case: uuid::Uuid = sqlx::query_scalar("SELECT id FROM cases WHERE slug = 'lips-3'")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Replace the drawings with photos: remove them, upload a pair.
    let old: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM case_images WHERE case_id = $1")
        .bind(case)
        .fetch_all(&pool)
        .await
        .unwrap();
    for id in old {
        post_as(
            &app,
            "admin/remove_case_picture",
            Some(&admin),
            &format!("id={id}"),
        )
        .await;
    }
    for kind in ["before", "after"] {
        let reply = crate::gallery::upload(
            &app,
            &admin,
            case,
            kind,
            &[("photo.jpg", &fixtures::jpeg(3000, 2000))],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    // Up to 2 minutes: the debug build draws pictures slowly.
    for _ in 0..1200 {
        let left: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM case_images ci JOIN images i ON i.id = ci.image_id WHERE ci.case_id = $1 AND i.status <> 'ready'",
        )
        .bind(case)
        .fetch_one(&pool)
        .await
        .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stored: Vec<(String, i32, String)> = sqlx::query_as(
        "SELECT m.content_hash, m.width, m.stored_in FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id WHERE ci.case_id = $1",
    )
    .bind(case)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 2, "one master per picture");
    assert!(stored
        .iter()
        .all(|(_, width, place)| *width == 2560 && place == "cloudinary"));
    let uploads: Vec<Call> = fake
        .calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.action == "upload")
        .cloned()
        .collect();
    assert_eq!(uploads.len(), 2);

    let page = get(&app, "/cases/lips-3").await;
    assert_eq!(page.status, StatusCode::OK);
    let hash = &stored[0].0;
    assert!(
        page.body.contains(&format!(
            "https://res.cloudinary.com/{CLOUD}/image/upload/f_auto,q_auto,w_640/lumen/"
        )),
        "delivery URLs"
    );
    assert!(page.body.contains("1920w") && page.body.contains("320w"));
    assert!(page.body.contains(hash.as_str()) || page.body.contains(&stored[1].0));
    assert!(page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("img-src 'self' data: https://res.cloudinary.com"));

    post_as(
        &app,
        "admin/revoke_consent",
        Some(&admin),
        &format!("case_id={case}"),
    )
    .await;
    let destroyed: Vec<Call> = fake
        .calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.action == "destroy")
        .cloned()
        .collect();
    assert_eq!(destroyed.len(), 2);
    for call in &destroyed {
        assert_eq!(
            call.params["invalidate"], "true",
            "the CDN's copies are dropped too"
        );
        assert!(stored
            .iter()
            .any(|(hash, _, _)| call.params["public_id"] == format!("lumen/{hash}")));
    }
    assert_eq!(
        get(&app, "/cases/lips-3").await.status,
        StatusCode::NOT_FOUND
    );
}
