//! Gallery cases the public may see. Every query starts from the `public_cases` view,
//! which holds the consent and publishing rules, and shows only pictures whose public
//! sizes are ready; none of them selects who the patient is.

use crate::backend::integrations::media::{Media, StoredIn};
use crate::domain::gallery::{
    age_range_label, page_count, time_after_label, CaseFilter, CASES_PER_PAGE,
};
use crate::error::AppError;
use crate::gallery::types::{
    AlbumNav, CaseCard, CaseDetail, CasePage, FilterOptions, GalleryNav, Picture, PicturePair,
};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::collections::HashMap;
use uuid::Uuid;

/// The width a browser that reads no `srcset` is given.
const FALLBACK_WIDTH: u32 = 640;

/// One stored public file of a picture.
pub struct VariantRow {
    pub image_id: Uuid,
    pub content_hash: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub stored_in: String,
}

/// The public files of `images`, by image.
pub async fn variants(
    pool: &PgPool,
    images: &[Uuid],
) -> Result<HashMap<Uuid, Vec<VariantRow>>, sqlx::Error> {
    let rows = sqlx::query_as!(
        VariantRow,
        r#"SELECT image_id AS "image_id!", content_hash, content_type, width, height, stored_in
           FROM media_assets WHERE image_id = ANY($1) ORDER BY width, content_type"#,
        images
    )
    .fetch_all(pool)
    .await?;
    let mut by_image: HashMap<Uuid, Vec<VariantRow>> = HashMap::new();
    for row in rows {
        by_image.entry(row.image_id).or_default().push(row);
    }
    Ok(by_image)
}

/// Who is looking: the public, or staff previewing a case before it is published (whose
/// files are served only to them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Public,
    Staff,
}

/// A picture from its stored files: every size in each format, the largest's proportions.
pub fn picture(
    media: &Media,
    viewer: Viewer,
    files: &[VariantRow],
    alt: String,
    label: String,
) -> Option<Picture> {
    let largest = files.iter().max_by_key(|f| f.width)?;
    let (width, height) = (largest.width as u32, largest.height as u32);
    let url = |f: &VariantRow, w: u32| {
        let stored_in = StoredIn::parse(&f.stored_in);
        match viewer {
            Viewer::Public => media.url(&f.content_hash, &f.content_type, stored_in, w),
            Viewer::Staff => {
                super::gallery_admin::staff_url(media, &f.content_hash, &f.content_type, stored_in)
            }
        }
    };
    let set = |files: Vec<&VariantRow>| {
        files
            .iter()
            .map(|f| format!("{} {}w", url(f, f.width as u32), f.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if StoredIn::parse(&largest.stored_in) == StoredIn::Cloudinary {
        // One master; Cloudinary makes each width (and chooses the format) on request.
        let srcset = crate::backend::integrations::media::variants::widths(width)
            .iter()
            .map(|w| format!("{} {w}w", url(largest, *w)))
            .collect::<Vec<_>>()
            .join(", ");
        return Some(Picture {
            src: url(largest, FALLBACK_WIDTH.min(width)),
            srcset,
            webp_srcset: String::new(),
            width,
            height,
            alt,
            label,
        });
    }
    let of_type = |kind: &str| {
        files
            .iter()
            .filter(|f| f.content_type == kind)
            .collect::<Vec<_>>()
    };
    let jpegs = of_type("image/jpeg");
    let src = jpegs
        .iter()
        .find(|f| f.width as u32 >= FALLBACK_WIDTH)
        .or(jpegs.last())
        .map(|f| url(f, f.width as u32))
        .unwrap_or_else(|| url(largest, width));
    Some(Picture {
        src,
        srcset: set(jpegs),
        webp_srcset: set(of_type("image/webp")),
        width,
        height,
        alt,
        label,
    })
}

struct SideRow {
    case_id: Uuid,
    pair: i16,
    kind: String,
    label: String,
    alt_text: String,
    image_id: Uuid,
}

/// The complete before/after pairs of `cases`, in order, with pictures that are ready.
pub async fn pairs(
    pool: &PgPool,
    media: &Media,
    viewer: Viewer,
    cases: &[Uuid],
) -> Result<HashMap<Uuid, Vec<PicturePair>>, sqlx::Error> {
    let sides = sqlx::query_as!(
        SideRow,
        r#"SELECT ci.case_id, ci.pair, ci.kind::text AS "kind!", ci.label, ci.alt_text, ci.image_id
           FROM case_images ci JOIN images i ON i.id = ci.image_id AND i.status = 'ready'
           WHERE ci.case_id = ANY($1)
           ORDER BY ci.case_id, ci.pair, ci.kind"#,
        cases
    )
    .fetch_all(pool)
    .await?;
    let image_ids: Vec<Uuid> = sides.iter().map(|s| s.image_id).collect();
    let files = variants(pool, &image_ids).await?;
    let mut by_case: HashMap<Uuid, Vec<PicturePair>> = HashMap::new();
    let mut waiting: Option<(Uuid, i16, Picture)> = None;
    for side in sides {
        let Some(picture) = files
            .get(&side.image_id)
            .and_then(|f| picture(media, viewer, f, side.alt_text, side.label))
        else {
            continue;
        };
        match (side.kind.as_str(), waiting.take()) {
            ("before", _) => waiting = Some((side.case_id, side.pair, picture)),
            ("after", Some((case_id, pair, before)))
                if case_id == side.case_id && pair == side.pair =>
            {
                by_case.entry(case_id).or_default().push(PicturePair {
                    before,
                    after: picture,
                });
            }
            _ => {}
        }
    }
    Ok(by_case)
}

/// A page of cases chosen by `filter`, within a gallery when `gallery` is given; only
/// cases with at least one complete pair, each shown by its first.
pub async fn case_page(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    gallery: Option<&str>,
    filter: &CaseFilter,
) -> Result<CasePage, AppError> {
    cases(
        pool,
        media,
        clinic_id,
        gallery,
        filter,
        i64::from(CASES_PER_PAGE),
    )
    .await
}

/// At most `limit` cases from `filter`'s page, in the gallery's order.
#[tracing::instrument(skip(pool, media))]
async fn cases(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    gallery: Option<&str>,
    filter: &CaseFilter,
    limit: i64,
) -> Result<CasePage, AppError> {
    let (after_from, after_until) = filter.time_since.map(|t| t.days()).unzip();
    let rows = sqlx::query!(
        r#"SELECT pc.id AS "id!", pc.slug AS "slug!", pc.title AS "title!", pc.summary AS "summary!",
                  pc.days_after, t.slug AS "treatment_slug?", t.name AS "treatment_name?",
                  count(*) OVER () AS "total!"
           FROM public_cases pc
           JOIN albums a ON a.id = pc.album_id
           JOIN galleries g ON g.id = a.gallery_id
           LEFT JOIN treatments t ON t.id = pc.treatment_id
           WHERE pc.clinic_id = $1
             AND ($2::text IS NULL OR g.slug = $2)
             AND ($3::text IS NULL OR a.slug = $3)
             AND ($4::text IS NULL OR t.slug = $4)
             AND ($5::text IS NULL OR pc.age_range = $5)
             AND ($6::int2 IS NULL OR pc.sessions = $6)
             AND ($7::int4 IS NULL OR pc.days_after >= $7)
             AND ($8::int4 IS NULL OR pc.days_after < $8)
             AND case_has_ready_pair(pc.id)
           ORDER BY g.position, a.position, pc.position, pc.slug
           LIMIT $9 OFFSET $10"#,
        clinic_id,
        gallery,
        filter.album,
        filter.treatment,
        filter.age_range,
        filter.sessions,
        after_from,
        after_until,
        limit,
        filter.offset()
    )
    .fetch_all(pool)
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut pairs = pairs(pool, media, Viewer::Public, &ids).await?;
    let cases = rows
        .into_iter()
        .filter_map(|r| {
            let first = pairs.get_mut(&r.id).filter(|p| !p.is_empty())?.remove(0);
            Some(CaseCard {
                slug: r.slug,
                title: r.title,
                summary: r.summary,
                treatment_name: r.treatment_name,
                treatment_slug: r.treatment_slug,
                time_after: r.days_after.map(time_after_label),
                before: first.before,
                after: first.after,
            })
        })
        .collect();
    Ok(CasePage {
        cases,
        total,
        page: filter.page,
        pages: page_count(total),
    })
}

/// The gallery's first public cases, for the home page.
pub async fn recent_public_cases(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    limit: usize,
) -> Result<Vec<CaseCard>, AppError> {
    let filter = CaseFilter {
        page: 1,
        ..CaseFilter::default()
    };
    Ok(cases(pool, media, clinic_id, None, &filter, limit as i64)
        .await?
        .cases)
}

/// A few public cases of one treatment, for its page.
pub async fn public_cases_for_treatment(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    treatment_slug: &str,
    limit: usize,
) -> Result<Vec<CaseCard>, AppError> {
    let filter = CaseFilter {
        treatment: Some(treatment_slug.to_owned()),
        page: 1,
        ..CaseFilter::default()
    };
    Ok(cases(pool, media, clinic_id, None, &filter, limit as i64)
        .await?
        .cases)
}

/// Whether the public sees case `id` now: in `public_cases`, with a pair to show.
pub async fn is_public(pool: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM public_cases WHERE id = $1) AND case_has_ready_pair($1) AS "public!""#,
        id
    )
    .fetch_one(pool)
    .await
}

/// The moment the first consent among the clinic's public cases runs out, when one does:
/// the start of the day after its last day, by the database's clock and time zone, which
/// are what `public_cases` judges by. Until then the public pages cannot change by time
/// alone.
pub async fn next_consent_end(
    pool: &PgPool,
    clinic_id: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (min(consent_expires_on) + 1)::timestamptz AS "until"
           FROM public_cases WHERE clinic_id = $1 AND consent_expires_on IS NOT NULL"#,
        clinic_id
    )
    .fetch_one(pool)
    .await
}

/// One public case's page, by its address.
pub async fn public_case(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    slug: &str,
) -> Result<Option<CaseDetail>, AppError> {
    case_detail(pool, media, clinic_id, Viewer::Public, Some(slug), None).await
}

/// Any case of the clinic as its page would show it: what staff preview.
pub async fn case_preview(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<CaseDetail>, AppError> {
    case_detail(pool, media, clinic_id, Viewer::Staff, None, Some(id)).await
}

/// The public see a case by its address only while `public_cases` holds it; staff see any
/// of their clinic's by its id.
#[tracing::instrument(skip(pool, media))]
async fn case_detail(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    viewer: Viewer,
    slug: Option<&str>,
    id: Option<Uuid>,
) -> Result<Option<CaseDetail>, AppError> {
    let Some(r) = sqlx::query!(
        r#"SELECT pc.id AS "id!", pc.slug AS "slug!", pc.title AS "title!", pc.summary AS "summary!",
                  pc.notes AS "notes!", pc.age_range, pc.sessions, pc.days_after,
                  t.slug AS "treatment_slug?", t.name AS "treatment_name?", t.summary AS "treatment_summary?",
                  p.display_name AS "provider_name?", p.title AS "provider_title?",
                  a.slug AS album_slug, a.title AS album_title, g.slug AS gallery_slug, g.title AS gallery_title
           FROM cases pc
           JOIN albums a ON a.id = pc.album_id
           JOIN galleries g ON g.id = a.gallery_id
           LEFT JOIN treatments t ON t.id = pc.treatment_id
           LEFT JOIN providers p ON p.id = pc.provider_id AND p.active
           WHERE pc.clinic_id = $1
             AND (($2::text IS NOT NULL AND pc.slug = $2 AND pc.id IN (SELECT id FROM public_cases))
                  OR pc.id = $3)"#,
        clinic_id,
        slug,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let pairs = pairs(pool, media, viewer, &[r.id])
        .await?
        .remove(&r.id)
        .unwrap_or_default();
    if pairs.is_empty() && viewer == Viewer::Public {
        return Ok(None);
    }
    Ok(Some(CaseDetail {
        slug: r.slug,
        title: r.title,
        summary: r.summary,
        notes: r.notes,
        treatment_name: r.treatment_name,
        treatment_slug: r.treatment_slug,
        treatment_summary: r.treatment_summary,
        provider_name: r.provider_name,
        provider_title: r.provider_title,
        gallery_title: r.gallery_title,
        gallery_slug: r.gallery_slug,
        album_title: r.album_title,
        album_slug: r.album_slug,
        age_range: r.age_range.as_deref().map(age_range_label),
        sessions: r.sessions,
        time_after: r.days_after.map(time_after_label),
        pairs,
    }))
}

/// Galleries and albums that hold at least one public case.
#[tracing::instrument(skip(pool))]
pub async fn galleries(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<GalleryNav>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT g.slug AS gallery_slug, g.title AS gallery_title, g.description AS gallery_description,
                  a.slug, a.title, a.description, count(pc.id) AS "cases!"
           FROM galleries g
           JOIN albums a ON a.gallery_id = g.id
           JOIN public_cases pc ON pc.album_id = a.id
           WHERE g.clinic_id = $1
           GROUP BY g.id, a.id
           ORDER BY g.position, g.title, a.position, a.title"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<GalleryNav> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|g| g.slug != r.gallery_slug) {
            out.push(GalleryNav {
                slug: r.gallery_slug,
                title: r.gallery_title,
                description: r.gallery_description,
                albums: Vec::new(),
            });
        }
        if let Some(gallery) = out.last_mut() {
            gallery.albums.push(AlbumNav {
                slug: r.slug,
                title: r.title,
                description: r.description,
                cases: r.cases,
            });
        }
    }
    Ok(out)
}

/// The values the filters offer within a gallery (or all of them).
#[tracing::instrument(skip(pool))]
pub async fn filter_options(
    pool: &PgPool,
    clinic_id: Uuid,
    gallery: Option<&str>,
) -> Result<FilterOptions, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.slug AS "treatment_slug?", t.name AS "treatment_name?", pc.age_range, pc.sessions
           FROM public_cases pc
           JOIN albums a ON a.id = pc.album_id
           JOIN galleries g ON g.id = a.gallery_id
           LEFT JOIN treatments t ON t.id = pc.treatment_id
           WHERE pc.clinic_id = $1 AND ($2::text IS NULL OR g.slug = $2)"#,
        clinic_id,
        gallery
    )
    .fetch_all(pool)
    .await?;
    let mut options = FilterOptions::default();
    for r in rows {
        if let Some(pair) = r.treatment_slug.zip(r.treatment_name) {
            if !options.treatments.contains(&pair) {
                options.treatments.push(pair);
            }
        }
        if let Some(age) = r.age_range.filter(|a| !options.age_ranges.contains(a)) {
            options.age_ranges.push(age);
        }
        if let Some(n) = r.sessions.filter(|n| !options.sessions.contains(n)) {
            options.sessions.push(n);
        }
    }
    options.treatments.sort_by(|a, b| a.1.cmp(&b.1));
    options.age_ranges.sort();
    options.sessions.sort();
    Ok(options)
}

/// Addresses for `sitemap.xml`: bookable treatments and public cases, with when each
/// last changed where that is known.
pub struct SitemapEntries {
    pub treatments: Vec<String>,
    pub cases: Vec<(String, chrono::DateTime<chrono::Utc>)>,
    pub galleries: Vec<(String, Vec<String>)>,
}

#[tracing::instrument(skip(pool))]
pub async fn sitemap(pool: &PgPool, clinic_id: Uuid) -> Result<SitemapEntries, AppError> {
    let treatments = sqlx::query_scalar!(
        "SELECT slug FROM treatments WHERE clinic_id = $1 AND active ORDER BY position, name",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let cases = sqlx::query!(
        r#"SELECT pc.slug AS "slug!", pc.updated_at AS "updated_at!" FROM public_cases pc
           WHERE pc.clinic_id = $1 AND EXISTS (SELECT 1 FROM case_images ci JOIN images i ON i.id = ci.image_id
                                                 WHERE ci.case_id = pc.id AND i.status = 'ready')
           ORDER BY pc.slug"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.slug, r.updated_at))
    .collect();
    let galleries = galleries(pool, clinic_id)
        .await?
        .into_iter()
        .map(|g| (g.slug, g.albums.into_iter().map(|a| a.slug).collect()))
        .collect();
    Ok(SitemapEntries {
        treatments,
        cases,
        galleries,
    })
}
