//! The gallery as staff run it: galleries, albums and cases in order, each case's
//! pictures and the patient's consent. Every change is one transaction with its audit row.
//! Files are not touched here: the caller withdraws or remakes public files once the
//! change has committed (see `media_jobs`).

use crate::admin::gallery::types::{
    AdminAlbum, AdminCaseRow, AdminGallery, AdminPicture, CaseEditor,
};
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::backend::integrations::media::{Media, StoredIn};
use crate::domain::consent::Consent;
use crate::domain::form::FieldProblem;
use crate::domain::gallery_forms::{
    CaseDraft, CaseForm, CollectionDraft, ConsentForm, ConsentRecord,
};
use crate::domain::privacy::Privacy;
use crate::error::AppError;
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

/// Which level of the gallery a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Gallery,
    Album,
    Case,
}

impl Level {
    pub fn parse(raw: &str) -> Option<Level> {
        match raw {
            "gallery" => Some(Level::Gallery),
            "album" => Some(Level::Album),
            "case" => Some(Level::Case),
            _ => None,
        }
    }

    fn subject(self) -> &'static str {
        match self {
            Level::Gallery => "gallery",
            Level::Album => "album",
            Level::Case => "case",
        }
    }
}

fn taken(error: sqlx::Error, field: &str, message: &str) -> AppError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            AppError::Rejected(vec![FieldProblem::new(field, message)])
        }
        _ => error.into(),
    }
}

/// What the case's consent allows, in words for staff.
fn consent_words(
    website: bool,
    social: bool,
    consultation: bool,
    given: Option<NaiveDate>,
    expires: Option<NaiveDate>,
    revoked: bool,
    today: NaiveDate,
) -> String {
    if revoked {
        return "Consent revoked".to_owned();
    }
    let Some(given) = given else {
        return "No consent recorded".to_owned();
    };
    if expires.is_some_and(|e| e < today) {
        return format!("Consent ended {}", expires.unwrap_or(given));
    }
    let mut scope = Vec::new();
    if website {
        scope.push("website");
    }
    if social {
        scope.push("social media");
    }
    if consultation {
        scope.push("consultations");
    }
    let until = expires.map(|e| format!(" until {e}")).unwrap_or_default();
    format!("Consent for {} since {given}{until}", scope.join(", "))
}

#[tracing::instrument(skip(pool))]
pub async fn tree(
    pool: &PgPool,
    clinic_id: Uuid,
    today: NaiveDate,
) -> Result<Vec<AdminGallery>, AppError> {
    let galleries = sqlx::query!(
        "SELECT id, title, slug, description, published FROM galleries WHERE clinic_id = $1 ORDER BY position, title",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let albums = sqlx::query!(
        "SELECT id, gallery_id, title, slug, description, published FROM albums WHERE clinic_id = $1 ORDER BY position, title",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let cases = sqlx::query!(
        r#"SELECT c.id, c.album_id, c.title, c.slug, c.published, c.consent_website, c.consent_social,
                  c.consent_consultation, c.consent_given_on, c.consent_expires_on,
                  c.consent_revoked_at IS NOT NULL AS "revoked!",
                  EXISTS (SELECT 1 FROM public_cases pc WHERE pc.id = c.id) AND case_has_ready_pair(c.id) AS "public!",
                  (SELECT count(*) FROM case_images ci WHERE ci.case_id = c.id) AS "pictures!"
           FROM cases c WHERE c.clinic_id = $1 ORDER BY c.position, c.title"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    Ok(galleries
        .into_iter()
        .map(|g| AdminGallery {
            id: g.id.to_string(),
            title: g.title,
            slug: g.slug,
            description: g.description,
            published: g.published,
            albums: albums
                .iter()
                .filter(|a| a.gallery_id == g.id)
                .map(|a| AdminAlbum {
                    id: a.id.to_string(),
                    title: a.title.clone(),
                    slug: a.slug.clone(),
                    description: a.description.clone(),
                    published: a.published,
                    cases: cases
                        .iter()
                        .filter(|c| c.album_id == a.id)
                        .map(|c| AdminCaseRow {
                            id: c.id.to_string(),
                            title: c.title.clone(),
                            slug: c.slug.clone(),
                            published: c.published,
                            public: c.public,
                            consent: consent_words(
                                c.consent_website,
                                c.consent_social,
                                c.consent_consultation,
                                c.consent_given_on,
                                c.consent_expires_on,
                                c.revoked,
                                today,
                            ),
                            pictures: c.pictures,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect())
}

/// Creates or updates a gallery (no `parent_id`) or an album (in gallery `parent_id`).
#[tracing::instrument(skip(pool, actor))]
pub async fn save_collection(
    pool: &PgPool,
    clinic_id: Uuid,
    draft: &CollectionDraft,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let slug = draft.slug.to_string();
    let taken_message = "Another one already uses this web address. Choose another.";
    let (id, level) = match (draft.parent_id, draft.id) {
        (None, None) => (
            sqlx::query_scalar!(
                r#"INSERT INTO galleries (clinic_id, slug, title, description, published, position)
                   VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(position) + 1, 0) FROM galleries WHERE clinic_id = $1))
                   RETURNING id"#,
                clinic_id, slug, draft.title, draft.description, draft.published
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| taken(e, "slug", taken_message))?,
            Level::Gallery,
        ),
        (None, Some(id)) => (
            sqlx::query_scalar!(
                "UPDATE galleries SET slug = $3, title = $4, description = $5, published = $6
                 WHERE clinic_id = $1 AND id = $2 RETURNING id",
                clinic_id, id, slug, draft.title, draft.description, draft.published
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| taken(e, "slug", taken_message))?
            .ok_or(AppError::NotFound)?,
            Level::Gallery,
        ),
        (Some(gallery), None) => (
            sqlx::query_scalar!(
                r#"INSERT INTO albums (clinic_id, gallery_id, slug, title, description, published, position)
                   VALUES ($1, $2, $3, $4, $5, $6, (SELECT coalesce(max(position) + 1, 0) FROM albums WHERE gallery_id = $2))
                   RETURNING id"#,
                clinic_id, gallery, slug, draft.title, draft.description, draft.published
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| taken(e, "slug", taken_message))?,
            Level::Album,
        ),
        (Some(gallery), Some(id)) => (
            sqlx::query_scalar!(
                "UPDATE albums SET slug = $4, title = $5, description = $6, published = $7
                 WHERE clinic_id = $1 AND id = $2 AND gallery_id = $3 RETURNING id",
                clinic_id, id, gallery, slug, draft.title, draft.description, draft.published
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| taken(e, "slug", taken_message))?
            .ok_or(AppError::NotFound)?,
            Level::Album,
        ),
    };
    let action = if draft.id.is_some() {
        "update"
    } else {
        "create"
    };
    audit::append_for_request(&mut tx, actor, action, level.subject(), Some(id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves a gallery, album or case one place up or down among its siblings.
#[tracing::instrument(skip(pool, actor))]
pub async fn move_one(
    pool: &PgPool,
    clinic_id: Uuid,
    level: Level,
    id: Uuid,
    up: bool,
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    // The siblings, numbered afresh so ties from older data cannot make a swap a no-op.
    let siblings: Vec<Uuid> = match level {
        Level::Gallery => sqlx::query_scalar!(
            "SELECT id FROM galleries WHERE clinic_id = $1 ORDER BY position, title FOR UPDATE",
            clinic_id
        )
        .fetch_all(&mut *tx)
        .await?,
        Level::Album => sqlx::query_scalar!(
            "SELECT id FROM albums WHERE gallery_id = (SELECT gallery_id FROM albums WHERE clinic_id = $1 AND id = $2)
             ORDER BY position, title FOR UPDATE",
            clinic_id, id
        )
        .fetch_all(&mut *tx)
        .await?,
        Level::Case => sqlx::query_scalar!(
            "SELECT id FROM cases WHERE album_id = (SELECT album_id FROM cases WHERE clinic_id = $1 AND id = $2)
             ORDER BY position, title FOR UPDATE",
            clinic_id, id
        )
        .fetch_all(&mut *tx)
        .await?,
    };
    let mut order = siblings;
    let index = order
        .iter()
        .position(|&x| x == id)
        .ok_or(AppError::NotFound)?;
    let neighbour = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1)
    };
    if let Some(other) = neighbour.filter(|&i| i < order.len()) {
        order.swap(index, other);
    }
    match level {
        Level::Gallery => sqlx::query!(
            "UPDATE galleries g SET position = o.position FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, position)
             WHERE g.clinic_id = $1 AND g.id = o.id",
            clinic_id, &order
        )
        .execute(&mut *tx)
        .await?,
        Level::Album => sqlx::query!(
            "UPDATE albums a SET position = o.position FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, position)
             WHERE a.clinic_id = $1 AND a.id = o.id",
            clinic_id, &order
        )
        .execute(&mut *tx)
        .await?,
        Level::Case => sqlx::query!(
            "UPDATE cases c SET position = o.position FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, position)
             WHERE c.clinic_id = $1 AND c.id = o.id",
            clinic_id, &order
        )
        .execute(&mut *tx)
        .await?,
    };
    audit::append_for_request(&mut tx, actor, "reorder", level.subject(), Some(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// One choice of a select: a record's id and its name.
struct Choice {
    id: Uuid,
    name: String,
}

fn choices(rows: Vec<Choice>) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|c| (c.id.to_string(), c.name))
        .collect()
}

/// The case editor for case `id`, or a blank one in `album` when `id` is `None`.
#[tracing::instrument(skip(pool, media))]
pub async fn case_editor(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    id: Option<Uuid>,
    album: Option<Uuid>,
    today: NaiveDate,
) -> Result<CaseEditor, AppError> {
    let albums = sqlx::query_as!(
        Choice,
        r#"SELECT a.id, g.title || ' › ' || a.title AS "name!" FROM albums a JOIN galleries g ON g.id = a.gallery_id
           WHERE a.clinic_id = $1 ORDER BY g.position, g.title, a.position, a.title"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let treatments = sqlx::query_as!(
        Choice,
        "SELECT id, name FROM treatments WHERE clinic_id = $1 ORDER BY name",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let providers = sqlx::query_as!(
        Choice,
        "SELECT id, display_name AS name FROM providers WHERE clinic_id = $1 ORDER BY display_name",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let mut editor = CaseEditor {
        form: CaseForm {
            album_id: album.map(|a| a.to_string()).unwrap_or_default(),
            ..CaseForm::default()
        },
        consent: ConsentForm::default(),
        consent_state: "No consent recorded".to_owned(),
        revoked: false,
        published: false,
        public: false,
        pictures: Vec::new(),
        albums: choices(albums),
        treatments: choices(treatments),
        providers: choices(providers),
    };
    let Some(id) = id else {
        return Ok(editor);
    };
    let c = sqlx::query!(
        r#"SELECT c.id, c.album_id, c.title, c.slug, c.summary, c.notes, c.treatment_id, c.provider_id,
                  c.age_range, c.sessions, c.days_after, c.published, c.consent_website, c.consent_social,
                  c.consent_consultation, c.consent_given_on, c.consent_expires_on, c.consent_document_ref,
                  c.consent_revoked_at IS NOT NULL AS "revoked!",
                  EXISTS (SELECT 1 FROM public_cases pc WHERE pc.id = c.id) AND case_has_ready_pair(c.id) AS "public!"
           FROM cases c WHERE c.clinic_id = $1 AND c.id = $2"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let text = |v: Option<String>| v.unwrap_or_default();
    editor.form = CaseForm {
        id: c.id.to_string(),
        album_id: c.album_id.to_string(),
        title: c.title,
        slug: c.slug,
        summary: c.summary,
        notes: c.notes,
        treatment_id: text(c.treatment_id.map(|x| x.to_string())),
        provider_id: text(c.provider_id.map(|x| x.to_string())),
        age_range: text(c.age_range),
        sessions: text(c.sessions.map(|x| x.to_string())),
        days_after: text(c.days_after.map(|x| x.to_string())),
    };
    editor.consent = ConsentForm {
        case_id: c.id.to_string(),
        website: c.consent_website,
        social_media: c.consent_social,
        consultation: c.consent_consultation,
        given_on: text(c.consent_given_on.map(|d| d.to_string())),
        expires_on: text(c.consent_expires_on.map(|d| d.to_string())),
        document_ref: c.consent_document_ref,
    };
    editor.consent_state = consent_words(
        c.consent_website,
        c.consent_social,
        c.consent_consultation,
        c.consent_given_on,
        c.consent_expires_on,
        c.revoked,
        today,
    );
    editor.revoked = c.revoked;
    editor.published = c.published;
    editor.public = c.public;
    let pictures = sqlx::query!(
        r#"SELECT ci.id, ci.kind::text AS "kind!", ci.pair, ci.label, ci.alt_text, ci.image_id,
                  i.status::text AS "status!", i.variants_done, i.variants_total, i.problem, i.privacy::text AS "privacy!"
           FROM case_images ci JOIN images i ON i.id = ci.image_id
           WHERE ci.case_id = $1 ORDER BY ci.pair, ci.kind"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let image_ids: Vec<Uuid> = pictures.iter().map(|p| p.image_id).collect();
    let files = super::gallery::variants(pool, &image_ids).await?;
    editor.pictures = pictures
        .into_iter()
        .map(|p| {
            let privacy: Privacy = serde_json::from_str(&p.privacy).unwrap_or_default();
            let (crop, blur) = privacy.to_text();
            let thumbnail = files.get(&p.image_id).and_then(|f| {
                let small = f.iter().find(|v| v.content_type != "image/webp")?;
                Some(staff_url(
                    media,
                    small.content_hash.as_str(),
                    &small.content_type,
                    StoredIn::parse(&small.stored_in),
                ))
            });
            AdminPicture {
                id: p.id.to_string(),
                kind: p.kind,
                pair: p.pair,
                label: p.label,
                alt: p.alt_text,
                status: p.status,
                done: p.variants_done,
                total: p.variants_total,
                problem: p.problem,
                thumbnail,
                crop,
                blur,
            }
        })
        .collect();
    Ok(editor)
}

/// Where staff see a file: through the staff-only route when it is kept here.
pub fn staff_url(
    media: &Media,
    content_hash: &str,
    content_type: &str,
    stored_in: StoredIn,
) -> String {
    let url = media.url(content_hash, content_type, stored_in, 320);
    if url.starts_with("/media/") {
        format!("/admin{url}")
    } else {
        url
    }
}

/// Creates or updates a case's details.
#[tracing::instrument(skip(pool, actor))]
pub async fn save_case(
    pool: &PgPool,
    clinic_id: Uuid,
    draft: &CaseDraft,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let slug = draft.slug.to_string();
    let taken_message = "Another case already uses this web address. Choose another.";
    let id = match draft.id {
        None => sqlx::query_scalar!(
            r#"INSERT INTO cases (clinic_id, album_id, slug, title, summary, notes, treatment_id, provider_id,
                                  age_range, sessions, days_after, position)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                       (SELECT coalesce(max(position) + 1, 0) FROM cases WHERE album_id = $2))
               RETURNING id"#,
            clinic_id, draft.album_id, slug, draft.title, draft.summary, draft.notes, draft.treatment_id,
            draft.provider_id, draft.age_range, draft.sessions, draft.days_after
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| taken(e, "slug", taken_message))?,
        Some(id) => sqlx::query_scalar!(
            r#"UPDATE cases SET album_id = $3, slug = $4, title = $5, summary = $6, notes = $7, treatment_id = $8,
                                provider_id = $9, age_range = $10, sessions = $11, days_after = $12, updated_at = now()
               WHERE clinic_id = $1 AND id = $2 RETURNING id"#,
            clinic_id, id, draft.album_id, slug, draft.title, draft.summary, draft.notes, draft.treatment_id,
            draft.provider_id, draft.age_range, draft.sessions, draft.days_after
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| taken(e, "slug", taken_message))?
        .ok_or(AppError::NotFound)?,
    };
    let action = if draft.id.is_some() {
        "update"
    } else {
        "create"
    };
    audit::append_for_request(&mut tx, actor, action, "case", Some(id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records the patient's consent (replacing what was recorded, and lifting a revocation:
/// this is new consent). Returns the pictures whose public files were withdrawn and must
/// be made again.
#[tracing::instrument(skip(pool, record, actor))]
pub async fn record_consent(
    pool: &PgPool,
    clinic_id: Uuid,
    record: &ConsentRecord,
    actor: &Principal,
) -> Result<Vec<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE cases SET consent_website = $3, consent_social = $4, consent_consultation = $5,
                          consent_given_on = $6, consent_expires_on = $7, consent_document_ref = $8,
                          consent_revoked_at = NULL, updated_at = now(),
                          published = published AND $3
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        record.case_id,
        record.website,
        record.social_media,
        record.consultation,
        record.given_on,
        record.expires_on,
        record.document_ref
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let remake = sqlx::query_scalar!(
        "UPDATE images i SET status = 'processing' FROM case_images ci
         WHERE ci.image_id = i.id AND ci.case_id = $1 AND i.status = 'withdrawn' AND i.original_key IS NOT NULL
         RETURNING i.id",
        record.case_id
    )
    .fetch_all(&mut *tx)
    .await?;
    audit::append_for_request(
        &mut tx,
        actor,
        "record_consent",
        "case",
        Some(record.case_id),
    )
    .await?;
    tx.commit().await?;
    Ok(remake)
}

/// The patient withdrew consent: the case leaves the site at once (the pages check consent
/// on every request). Returns the case's pictures, whose public files the caller withdraws.
#[tracing::instrument(skip(pool, actor))]
pub async fn revoke_consent(
    pool: &PgPool,
    clinic_id: Uuid,
    case_id: Uuid,
    actor: &Principal,
) -> Result<Vec<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE cases SET consent_revoked_at = now(), published = false, updated_at = now()
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        case_id
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let images = sqlx::query_scalar!(
        "SELECT image_id FROM case_images WHERE case_id = $1",
        case_id
    )
    .fetch_all(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, actor, "revoke_consent", "case", Some(case_id)).await?;
    tx.commit().await?;
    Ok(images)
}

/// Publishes or unpublishes a case. Publishing needs consent that covers the website and
/// a complete before/after pair whose sizes are ready; each refusal says what is missing.
#[tracing::instrument(skip(pool, actor))]
pub async fn set_published(
    pool: &PgPool,
    clinic_id: Uuid,
    case_id: Uuid,
    published: bool,
    today: NaiveDate,
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let c = sqlx::query!(
        r#"SELECT consent_website, consent_social, consent_consultation, consent_given_on,
                  consent_expires_on, consent_revoked_at, case_has_ready_pair(id) AS "has_pair!"
           FROM cases WHERE clinic_id = $1 AND id = $2 FOR UPDATE"#,
        clinic_id,
        case_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if published {
        let consent = Consent {
            website: c.consent_website,
            social_media: c.consent_social,
            consultation_only: c.consent_consultation && !c.consent_website,
            given_on: c.consent_given_on,
            expires_on: c.consent_expires_on,
            revoked_at: c.consent_revoked_at,
        };
        if !consent.allows_website(today) {
            return Err(AppError::Invalid("Record the patient's consent to show this case on the website before publishing it.".to_owned()));
        }
        if !c.has_pair {
            return Err(AppError::Invalid("Add a before and an after picture (and wait until their sizes are ready) before publishing.".to_owned()));
        }
    }
    sqlx::query!(
        "UPDATE cases SET published = $3, updated_at = now() WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        case_id,
        published
    )
    .execute(&mut *tx)
    .await?;
    let action = if published { "publish" } else { "unpublish" };
    audit::append_for_request(&mut tx, actor, action, "case", Some(case_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an uploaded picture to a case as the next `kind` ("before" or "after"): the n-th
/// before pairs with the n-th after. Its sizes are made afterwards.
#[tracing::instrument(skip(pool, actor))]
pub async fn add_picture(
    pool: &PgPool,
    clinic_id: Uuid,
    case_id: Uuid,
    kind: &str,
    original_key: &str,
    (width, height): (u32, u32),
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let title = sqlx::query_scalar!(
        "SELECT title FROM cases WHERE clinic_id = $1 AND id = $2 FOR UPDATE",
        clinic_id,
        case_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let image_id = sqlx::query_scalar!(
        "INSERT INTO images (clinic_id, original_key, width, height) VALUES ($1, $2, $3, $4) RETURNING id",
        clinic_id,
        original_key,
        width as i32,
        height as i32
    )
    .fetch_one(&mut *tx)
    .await?;
    let label = if kind == "before" { "Before" } else { "After" };
    sqlx::query!(
        r#"INSERT INTO case_images (clinic_id, case_id, image_id, kind, label, alt_text, pair, position)
           VALUES ($1, $2, $3, $4::text::case_image_kind, $5, $6,
                   (SELECT coalesce(max(pair) + 1, 0) FROM case_images WHERE case_id = $2 AND kind = $4::text::case_image_kind),
                   0)"#,
        clinic_id,
        case_id,
        image_id,
        kind,
        label,
        format!("{title}: {}", label.to_lowercase())
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE cases SET updated_at = now() WHERE id = $1", case_id)
        .execute(&mut *tx)
        .await?;
    audit::append_for_request(&mut tx, actor, "add_picture", "case", Some(case_id)).await?;
    tx.commit().await?;
    Ok(image_id)
}

/// A picture's place and words, and what to hide on it.
pub struct PictureChange {
    pub id: Uuid,
    pub kind: String,
    pub pair: i16,
    pub label: String,
    pub alt: String,
    pub privacy: Privacy,
}

/// Saves a picture's details. Returns its image when the privacy choices changed, so
/// its public sizes are made again.
#[tracing::instrument(skip(pool, change, actor))]
pub async fn save_picture(
    pool: &PgPool,
    clinic_id: Uuid,
    change: &PictureChange,
    actor: &Principal,
) -> Result<(Uuid, Option<Uuid>), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT ci.case_id, ci.image_id, i.privacy::text AS "privacy!" FROM case_images ci JOIN images i ON i.id = ci.image_id
           WHERE ci.clinic_id = $1 AND ci.id = $2 FOR UPDATE"#,
        clinic_id,
        change.id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "UPDATE case_images SET kind = $2::text::case_image_kind, pair = $3, label = $4, alt_text = $5 WHERE id = $1",
        change.id,
        change.kind,
        change.pair,
        change.label,
        change.alt
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| taken(e, "pair", "That pair already has a picture on this side. Choose another pair, or change the other picture first."))?;
    let before: Privacy = serde_json::from_str(&row.privacy).unwrap_or_default();
    let remake = before != change.privacy;
    if remake {
        let privacy = serde_json::to_string(&change.privacy).map_err(|_| AppError::Unavailable)?;
        sqlx::query!(
            "UPDATE images SET privacy = $2::text::jsonb WHERE id = $1",
            row.image_id,
            privacy
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "UPDATE cases SET updated_at = now() WHERE id = $1",
        row.case_id
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, actor, "update_picture", "case", Some(row.case_id)).await?;
    tx.commit().await?;
    Ok((row.case_id, remake.then_some(row.image_id)))
}

/// Takes a picture out of its case. Returns the case, and the image with its original's
/// key: the caller withdraws its public files, then deletes it.
#[tracing::instrument(skip(pool, actor))]
pub async fn remove_picture(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    actor: &Principal,
) -> Result<(Uuid, Uuid, Option<String>), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"DELETE FROM case_images ci USING images i
           WHERE ci.clinic_id = $1 AND ci.id = $2 AND i.id = ci.image_id
           RETURNING ci.case_id, ci.image_id, i.original_key"#,
        clinic_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "UPDATE cases SET updated_at = now() WHERE id = $1",
        row.case_id
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, actor, "remove_picture", "case", Some(row.case_id)).await?;
    tx.commit().await?;
    Ok((row.case_id, row.image_id, row.original_key))
}

/// Forgets an image no case shows any more (its public files already withdrawn).
pub async fn delete_image(pool: &PgPool, image_id: Uuid) -> Result<(), AppError> {
    sqlx::query!("DELETE FROM images WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM case_images WHERE image_id = $1)", image_id)
        .execute(pool)
        .await?;
    Ok(())
}
