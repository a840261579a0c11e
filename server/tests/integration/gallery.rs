//! The gallery end to end through the real router: public pages and their filters, SEO,
//! consent enforced everywhere, the upload pipeline, staff-only previews and publishing.

use crate::common::{self, get, get_as, post_as, signed_in, Reply, ADMIN, FRONT_DESK};
use app::backend::integrations::media::{fixtures, MAX_UPLOAD_BYTES};
use app::backend::state::Clock;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

const BOUNDARY: &str = "lumen-gallery-boundary";

/// A multipart form of text fields and files, as a browser sends it.
fn multipart(texts: &[(&str, String)], files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in texts {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub async fn upload(
    app: &Router,
    cookie: &str,
    case: Uuid,
    kind: &str,
    files: &[(&str, &[u8])],
) -> Reply {
    let body = multipart(
        &[("case_id", case.to_string()), ("kind", kind.to_owned())],
        files,
    );
    let request = Request::post("/api/admin/case_pictures")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("accept", "application/json")
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    common::send(app, request).await
}

async fn case_id(pool: &PgPool, slug: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM cases WHERE slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A new case with no pictures, through the admin's own form.
async fn new_case(app: &Router, pool: &PgPool, cookie: &str, title: &str) -> Uuid {
    let album: Uuid = sqlx::query_scalar("SELECT id FROM albums WHERE slug = 'lips'")
        .fetch_one(pool)
        .await
        .unwrap();
    let treatment: Uuid =
        sqlx::query_scalar("SELECT id FROM treatments WHERE slug = 'lip-enhancement'")
            .fetch_one(pool)
            .await
            .unwrap();
    let reply = post_as(
        app,
        "admin/save_case",
        Some(cookie),
        &common::form(&[
            ("form[album_id]", &album.to_string()),
            ("form[title]", title),
            ("form[treatment_id]", &treatment.to_string()),
            ("form[age_range]", "30-39"),
            ("form[sessions]", "1"),
            ("form[days_after]", "14"),
            ("form[notes]", "Photographed under the same light."),
        ]),
    )
    .await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}",
        reply.body
    );
    sqlx::query_scalar("SELECT id FROM cases WHERE title = $1")
        .bind(title)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Waits (up to 2 minutes: the debug build draws pictures slowly, and a busy machine more
/// slowly still) until every picture of `case` has its sizes.
async fn sizes_made(pool: &PgPool, case: Uuid) {
    for _ in 0..1200 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM case_images ci JOIN images i ON i.id = ci.image_id
             WHERE ci.case_id = $1 AND i.status <> 'ready'",
        )
        .bind(case)
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the pictures' sizes were not made within 2 minutes");
}

/// The whole tag in `page` that carries `attribute`.
fn tag_with<'a>(page: &'a str, attribute: &str) -> &'a str {
    let at = page
        .find(attribute)
        .unwrap_or_else(|| panic!("no tag with {attribute}"));
    let start = page[..at].rfind('<').unwrap();
    let end = at + page[at..].find('>').unwrap();
    &page[start..=end]
}

fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_gallery_filters_pages_and_gives_each_case_its_own_page(pool: PgPool) {
    let app = common::app(&pool).await;
    let all = get(&app, "/gallery").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        all.body.contains("18 cases"),
        "every public case is counted"
    );
    assert!(all.body.contains("page 1 of 2"));
    let next = get(&app, "/gallery?page=2").await.body;
    assert!(next.contains("page 2 of 2") && next.contains("rel=\"prev\""));

    let lips = get(&app, "/gallery?treatment=lip-enhancement").await.body;
    assert!(lips.contains("Subtle hydration"));
    assert!(
        !lips.contains("Softer frown lines"),
        "another treatment's case"
    );
    let album = get(&app, "/gallery/injectables/lips").await;
    assert_eq!(album.status, StatusCode::OK);
    assert!(album.body.contains("Subtle hydration") && !album.body.contains("Softer frown lines"));
    let fresh = get(&app, "/gallery?after=under-1m").await.body;
    assert!(fresh.contains("Softer frown lines"), "two weeks after");
    assert!(!fresh.contains("Sun spots on the cheeks"), "months after");
    assert_eq!(
        get(&app, "/gallery/no-such-gallery").await.status,
        StatusCode::NOT_FOUND
    );

    let page = get(&app, "/cases/lips-2").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    assert!(
        tag_with(&body, "rel=\"canonical\"")
            .contains("href=\"https://clinic.example/cases/lips-2\""),
        "canonical"
    );
    assert!(
        tag_with(&body, "property=\"og:image\"")
            .contains("content=\"https://clinic.example/media/"),
        "OpenGraph image"
    );
    assert!(
        body.contains("application/ld+json")
            && body.contains("\"@type\":\"MedicalProcedure\"")
            && body.contains("\"@type\":\"ImageGallery\"")
    );
    assert!(
        body.contains("href=\"/book?treatment=lip-enhancement\""),
        "Book this treatment"
    );
    assert!(body.contains("Case notes") && body.contains("4 weeks after"));
    // Both layouts of the pair are in the page (the stylesheet shows one): the slider,
    // and the pair side by side for browsers without scripts.
    assert_eq!(body.matches("<picture>").count(), 4);
    assert!(body.contains("class=\"js-only ") && body.contains("class=\"no-js-only "));
    // Nothing names the patient.
    let names: Vec<String> = sqlx::query_scalar("SELECT last_name FROM patients")
        .fetch_all(&pool)
        .await
        .unwrap();
    for name in names {
        assert!(!body.contains(&name), "a patient's name on a public page");
    }
    let home = get(&app, "/").await.body;
    assert!(
        home.contains("href=\"/cases/"),
        "home cards open their case"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn consent_that_does_not_cover_the_website_never_reaches_the_public(pool: PgPool) {
    let media = common::media();
    let app = common::app_with_media(&pool, Clock::system(), media.clone()).await;
    // Not for the website (and never published), expired, and about to be revoked.
    let hidden = ["anti-wrinkle-4", "cheeks-and-under-eyes-2"];
    let admin = signed_in(&app, ADMIN).await;
    let revoked = case_id(&pool, "lips-1").await;
    let before_revoking = get(&app, "/cases/lips-1").await;
    assert_eq!(before_revoking.status, StatusCode::OK);
    let hashes: Vec<String> = sqlx::query_scalar(
        "SELECT m.content_hash FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id WHERE ci.case_id = $1",
    )
    .bind(revoked)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        get(&app, &format!("/media/{}.svg", hashes[0])).await.status,
        StatusCode::OK
    );

    let reply = post_as(
        &app,
        "admin/revoke_consent",
        Some(&admin),
        &format!("case_id={revoked}"),
    )
    .await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}",
        reply.body
    );

    let sitemap = get(&app, "/sitemap.xml").await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(sitemap
        .body
        .contains("<loc>https://clinic.example/cases/lips-2</loc>"));
    assert!(sitemap
        .body
        .contains("<loc>https://clinic.example/treatments/lip-enhancement</loc>"));
    let gallery = get(&app, "/gallery?page=1").await.body;
    let gallery_2 = get(&app, "/gallery?page=2").await.body;
    let home = get(&app, "/").await.body;
    for slug in hidden.iter().chain(&["lips-1"]) {
        assert_eq!(
            get(&app, &format!("/cases/{slug}")).await.status,
            StatusCode::NOT_FOUND,
            "{slug}"
        );
        let path = format!("/cases/{slug}\"");
        for (name, page) in [
            ("sitemap", &sitemap.body),
            ("gallery", &gallery),
            ("gallery 2", &gallery_2),
            ("home", &home),
        ] {
            assert!(
                !page.contains(&path) && !page.contains(&format!("/cases/{slug}<")),
                "{slug} in the {name}"
            );
        }
    }
    // Every picture of a hidden case answers 404 at its address, including ones that were
    // public a moment ago, whose files are gone as well.
    let private: Vec<String> = sqlx::query_scalar(
        "SELECT m.content_hash FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id
         JOIN cases c ON c.id = ci.case_id WHERE c.slug = ANY($1)",
    )
    .bind(hidden.map(str::to_owned).to_vec())
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(private.len(), 4);
    for hash in private.iter().chain(&hashes) {
        assert_eq!(
            get(&app, &format!("/media/{hash}.svg")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(!gallery.contains(hash.as_str()) && !sitemap.body.contains(hash.as_str()));
    }
    for hash in &hashes {
        assert!(
            !media
                .files()
                .root()
                .join("public")
                .join(format!("{hash}.svg"))
                .exists(),
            "a revoked case's file survived"
        );
    }
    let status: String = sqlx::query_scalar(
        "SELECT DISTINCT i.status::text FROM images i JOIN case_images ci ON ci.image_id = i.id WHERE ci.case_id = $1",
    )
    .bind(revoked)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "withdrawn");
    let audited: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'revoke_consent' AND subject_id = $1)",
    )
    .bind(revoked)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(audited);
    let robots = get(&app, "/robots.txt").await.body;
    assert!(
        robots.contains("Disallow: /admin")
            && robots.contains("Sitemap: https://clinic.example/sitemap.xml")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_uploaded_pair_is_made_into_sizes_without_metadata_then_published(pool: PgPool) {
    let media = common::media();
    let app = common::app_with_media(&pool, Clock::system(), media.clone()).await;
    let admin = signed_in(&app, ADMIN).await;
    let case = new_case(&app, &pool, &admin, "Fuller upper lip").await;
    let before = fixtures::with_exif(&fixtures::jpeg(1600, 1200));
    let after = fixtures::with_exif(&fixtures::jpeg(1600, 1200));
    let reply = upload(
        &app,
        &admin,
        case,
        "before",
        &[("jane-smith-before.jpg", &before)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("\"added\":1"), "{}", reply.body);
    upload(
        &app,
        &admin,
        case,
        "after",
        &[("jane-smith-after.jpg", &after)],
    )
    .await;

    // Publishing waits for consent.
    let early = post_as(
        &app,
        "admin/publish_case",
        Some(&admin),
        &format!("case_id={case}&publish=true"),
    )
    .await;
    assert!(
        early.body.contains("Record the patient") && early.body.contains("consent"),
        "{}",
        early.body
    );

    sizes_made(&pool, case).await;
    let sizes: Vec<(String, i32, i32)> = sqlx::query_as(
        "SELECT m.content_type, m.width, m.height FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id
         WHERE ci.case_id = $1 ORDER BY ci.kind, m.width, m.content_type",
    )
    .bind(case)
    .fetch_all(&pool)
    .await
    .unwrap();
    let widths: Vec<i32> = sizes.iter().take(8).map(|s| s.1).collect();
    assert_eq!(widths, [320, 320, 640, 640, 1280, 1280, 1600, 1600]);
    assert!(
        sizes.iter().all(|(_, w, h)| *h == w * 3 / 4),
        "proportions kept"
    );
    // Every stored public file reads back without EXIF or GPS.
    let public = files_in(&media.files().root().join("public"));
    let made: Vec<_> = public
        .iter()
        .filter(|p| p.extension().is_none_or(|e| e != "svg"))
        .collect();
    assert_eq!(made.len(), 16);
    for file in made {
        let bytes = std::fs::read(file).unwrap();
        let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes));
        assert!(exif.is_err(), "{} carries EXIF", file.display());
        assert!(!bytes.windows(4).any(|w| w == b"Exif" || w == b"GPS\0"));
    }
    // The originals are kept as they arrived, privately.
    let originals = files_in(&media.files().root().join("originals"));
    assert_eq!(originals.len(), 2);
    assert!(originals
        .iter()
        .any(|p| std::fs::read(p).unwrap() == before));

    let consent = post_as(
        &app,
        "admin/record_consent",
        Some(&admin),
        &common::form(&[
            ("form[case_id]", &case.to_string()),
            ("form[website]", "true"),
            ("form[given_on]", "2026-03-01"),
            ("form[document_ref]", "CONSENT-2001"),
        ]),
    )
    .await;
    assert!(
        consent.status.is_success() || consent.status.is_redirection(),
        "{}",
        consent.body
    );
    assert_eq!(
        get(&app, "/cases/fuller-upper-lip").await.status,
        StatusCode::NOT_FOUND,
        "not yet published"
    );
    let published = post_as(
        &app,
        "admin/publish_case",
        Some(&admin),
        &format!("case_id={case}&publish=true"),
    )
    .await;
    assert!(
        published.status.is_success() || published.status.is_redirection(),
        "{}",
        published.body
    );

    let page = get(&app, "/cases/fuller-upper-lip").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("type=\"image/webp\""),
        "WebP sizes offered"
    );
    assert!(page.body.contains("1600w") && page.body.contains("320w"));
    assert!(
        page.body.contains("width=\"1600\" height=\"1200\""),
        "room kept for the picture"
    );
    assert!(
        !page.body.contains("jane-smith"),
        "the file's name reached the page"
    );
    let src = {
        let at = page.body.find("/media/").unwrap();
        page.body[at..at + page.body[at..].find([' ', '"']).unwrap()].to_owned()
    };
    let served = get(&app, &src).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(served.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    for action in ["add_picture", "record_consent", "publish", "create"] {
        let audited: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = $1 AND subject_type = 'case' AND subject_id = $2)",
        )
        .bind(action)
        .bind(case)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(audited, "{action} not audited");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn files_that_are_not_photos_are_refused_and_nothing_is_stored(pool: PgPool) {
    let media = common::media();
    let app = common::app_with_media(&pool, Clock::system(), media.clone()).await;
    let admin = signed_in(&app, ADMIN).await;
    let case = case_id(&pool, "lips-2").await;
    let whole = fixtures::jpeg(400, 300);
    let mut oversized = fixtures::jpeg(16, 16);
    oversized.resize(MAX_UPLOAD_BYTES + 1, 0);
    let refusals: [(&str, Vec<u8>, &str); 5] = [
        (
            "page.jpg",
            b"<!doctype html><script>alert(1)</script>".to_vec(),
            "isn't a JPEG, PNG or WebP",
        ),
        (
            "logo.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
            "isn't a JPEG, PNG or WebP",
        ),
        (
            "cut.jpg",
            whole[..whole.len() / 2].to_vec(),
            "couldn't be read",
        ),
        ("huge.jpg", oversized, "larger than 15 MB"),
        (
            "bomb.png",
            fixtures::png_claiming(100_000, 100_000),
            "too many pixels",
        ),
    ];
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM images")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let images_before = count().await;
    for (name, bytes, words) in refusals {
        let reply = upload(&app, &admin, case, "before", &[(name, &bytes)]).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
        let outcome: app::admin::gallery::api::UploadOutcome =
            serde_json::from_str(&reply.body).unwrap();
        assert_eq!(outcome.added, 0, "{name}");
        let message = outcome.problem.expect("a reason").to_string();
        assert!(message.contains(words), "{name}: {message}");
    }
    assert_eq!(
        count().await,
        images_before,
        "a refused file left a picture"
    );
    assert!(
        files_in(&media.files().root().join("originals")).is_empty(),
        "a refused file was kept"
    );
    // Without JavaScript the same refusal comes back in the address of the case's page.
    let body = multipart(
        &[("case_id", case.to_string()), ("kind", "after".to_owned())],
        &[("page.jpg", b"<html>")],
    );
    let request = Request::post("/api/admin/case_pictures")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("accept", "text/html")
        .header("cookie", &admin)
        .body(Body::from(body))
        .unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(
        reply.headers["location"],
        format!("/admin/gallery/cases/{case}?saved=pictures&added=0&problem=not-a-photo").as_str()
    );
    // Only staff who manage the gallery may upload.
    let front_desk = signed_in(&app, FRONT_DESK).await;
    let refused = upload(&app, &front_desk, case, "before", &[("a.jpg", &whole)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn previews_and_unpublished_pictures_are_for_gallery_staff_only(pool: PgPool) {
    let app = common::app(&pool).await;
    let hidden = case_id(&pool, "anti-wrinkle-4").await;
    let hash: String = sqlx::query_scalar(
        "SELECT m.content_hash FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id WHERE ci.case_id = $1 LIMIT 1",
    )
    .bind(hidden)
    .fetch_one(&pool)
    .await
    .unwrap();
    let path = format!("/admin/media/{hash}.svg");
    assert_eq!(get(&app, &path).await.status, StatusCode::NOT_FOUND);
    let front_desk = signed_in(&app, FRONT_DESK).await;
    assert_eq!(
        get_as(&app, &path, Some(&front_desk)).await.status,
        StatusCode::NOT_FOUND
    );
    let admin = signed_in(&app, ADMIN).await;
    let served = get_as(&app, &path, Some(&admin)).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers["cache-control"], "private, no-store");
    let preview = get_as(
        &app,
        &format!("/admin/gallery/cases/{hidden}/preview"),
        Some(&admin),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Deep forehead lines") && preview.body.contains(&path));
    assert!(preview.body.contains("what the public will see once"));
    let refused = get_as(
        &app,
        &format!("/admin/gallery/cases/{hidden}/preview"),
        Some(&front_desk),
    )
    .await;
    assert!(!refused.body.contains("Deep forehead lines"));
}

#[sqlx::test(migrations = "../migrations")]
async fn blurring_a_region_remakes_the_public_sizes_and_keeps_the_original(pool: PgPool) {
    let media = common::media();
    let app = common::app_with_media(&pool, Clock::system(), media.clone()).await;
    let admin = signed_in(&app, ADMIN).await;
    let case = new_case(&app, &pool, &admin, "Tattoo hidden").await;
    upload(
        &app,
        &admin,
        case,
        "before",
        &[("x.jpg", &fixtures::jpeg(800, 600))],
    )
    .await;
    sizes_made(&pool, case).await;
    let hashes = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT m.content_hash FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id WHERE ci.case_id = $1 ORDER BY 1",
        )
        .bind(case)
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let first = hashes().await;
    let picture: Uuid = sqlx::query_scalar("SELECT id FROM case_images WHERE case_id = $1")
        .bind(case)
        .fetch_one(&pool)
        .await
        .unwrap();
    let wrong = post_as(
        &app,
        "admin/save_case_picture",
        Some(&admin),
        &common::form(&[
            ("id", &picture.to_string()),
            ("kind", "before"),
            ("pair", "1"),
            ("label", "Front"),
            ("alt", "Front view"),
            ("crop", ""),
            ("blur", "90, 90, 30, 30"),
        ]),
    )
    .await;
    assert!(
        wrong.body.contains("isn't inside the picture"),
        "{}",
        wrong.body
    );
    let saved = post_as(
        &app,
        "admin/save_case_picture",
        Some(&admin),
        &common::form(&[
            ("id", &picture.to_string()),
            ("kind", "before"),
            ("pair", "1"),
            ("label", "Front"),
            ("alt", "Front view"),
            ("crop", "0, 0, 50, 100"),
            ("blur", "10, 10, 20, 20"),
        ]),
    )
    .await;
    assert!(
        saved.status.is_success() || saved.status.is_redirection(),
        "{}",
        saved.body
    );
    sizes_made(&pool, case).await;
    let second = hashes().await;
    assert!(
        second.iter().all(|h| !first.contains(h)),
        "old sizes left in place"
    );
    for old in &first {
        assert!(files_in(&media.files().root().join("public"))
            .iter()
            .all(|p| !p.to_string_lossy().contains(old.as_str())));
    }
    let widest: i32 = sqlx::query_scalar(
        "SELECT max(m.width) FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id WHERE ci.case_id = $1",
    )
    .bind(case)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(widest, 400, "the crop kept the left half");
    let originals = files_in(&media.files().root().join("originals"));
    assert_eq!(
        std::fs::read(&originals[0]).unwrap(),
        fixtures::jpeg(800, 600),
        "the original changed"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sweep_withdraws_the_files_of_consent_that_has_expired(pool: PgPool) {
    let media = common::media();
    let report =
        lumen::seed::seed_demo_clinic(&pool, &media, &common::secret_keys(), common::today())
            .await
            .unwrap();
    let expired = case_id(&pool, "cheeks-and-under-eyes-2").await;
    let files: Vec<String> = sqlx::query_scalar(
        "SELECT m.content_hash FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id WHERE ci.case_id = $1",
    )
    .bind(expired)
    .fetch_all(&pool)
    .await
    .unwrap();
    let public = media.files().root().join("public");
    assert_eq!(files.len(), 2);
    assert!(files
        .iter()
        .all(|h| public.join(format!("{h}.svg")).exists()));
    let jobs = app::backend::media_jobs::Jobs {
        pool: pool.clone(),
        media: media.clone(),
        clinic_id: report.clinic_id,
    };
    assert_eq!(jobs.withdraw_expired(common::today()).await.unwrap(), 2);
    assert!(
        files
            .iter()
            .all(|h| !public.join(format!("{h}.svg")).exists()),
        "an expired case's file survived"
    );
    // Current consent is left alone, and a second sweep finds nothing more to do.
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM images WHERE status = 'ready'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(live, 38);
    assert_eq!(jobs.withdraw_expired(common::today()).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn revoking_consent_while_sizes_are_being_made_leaves_no_file_behind(pool: PgPool) {
    let media = common::media();
    let app = common::app_with_media(&pool, Clock::system(), media.clone()).await;
    let admin = signed_in(&app, ADMIN).await;
    let case = new_case(&app, &pool, &admin, "Revoked mid-way").await;
    // Large enough that making its eight sizes takes a while.
    upload(
        &app,
        &admin,
        case,
        "before",
        &[("big.jpg", &fixtures::jpeg(4000, 3000))],
    )
    .await;
    let mut started = false;
    for _ in 0..600 {
        let (done, total): (i16, i16) = sqlx::query_as(
            "SELECT i.variants_done, i.variants_total FROM images i JOIN case_images ci ON ci.image_id = i.id WHERE ci.case_id = $1",
        )
        .bind(case)
        .fetch_one(&pool)
        .await
        .unwrap();
        if done >= 1 {
            assert!(
                done < total,
                "the job finished before consent could be revoked mid-way"
            );
            started = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(started, "the job never began");
    post_as(
        &app,
        "admin/revoke_consent",
        Some(&admin),
        &format!("case_id={case}"),
    )
    .await;
    // Jobs run one at a time: once a later picture is ready, the first job has ended.
    let other = case_id(&pool, "lips-2").await;
    upload(
        &app,
        &admin,
        other,
        "after",
        &[("small.jpg", &fixtures::jpeg(300, 200))],
    )
    .await;
    sizes_made(&pool, other).await;

    let rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM media_assets m JOIN case_images ci ON ci.image_id = m.image_id WHERE ci.case_id = $1",
    )
    .bind(case)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(rows, 0, "sizes recorded after the withdrawal");
    let known: Vec<String> = sqlx::query_scalar("SELECT content_hash FROM media_assets")
        .fetch_all(&pool)
        .await
        .unwrap();
    for file in files_in(&media.files().root().join("public")) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let hash = name.split('.').next().unwrap();
        assert!(
            known.iter().any(|k| k == hash),
            "{name} stayed behind with no record"
        );
    }
}
