//! The demo clinic, written into an empty database on first start (and by `lumen reseed`).
//! Everything is inserted in one transaction: a failed seed leaves the database empty.

pub mod art;
pub mod data;

use app::backend::auth::sealing::SecretKeys;
use app::backend::auth::totp::Secret;
use app::backend::integrations::media::{Media, Prepared};
use app::backend::store::second_factor;
use app::domain::gallery::{time_after_label, AGE_RANGES};
use app::domain::public_holidays::HolidayCalendar;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use data::{
    ConsentSeed, ASSISTANT_ANSWERS, CATEGORIES, CLINIC, GALLERIES, GROUP_SESSIONS, LOCATIONS,
    PATIENTS, PROVIDERS,
};
use sha2::{Digest, Sha256};
use sqlx::postgres::types::PgRange;
use sqlx::{PgPool, Postgres, Transaction};
use std::collections::HashMap;
use std::ops::Bound;
use uuid::Uuid;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub clinic_id: Uuid,
    pub locations: usize,
    pub providers: usize,
    pub treatments: usize,
    pub appointments: usize,
    pub sessions: usize,
    pub cases: usize,
    pub images: usize,
}

/// True when no clinic exists yet: the only state in which seeding on start-up is safe.
pub async fn database_is_empty(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let clinics = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM clinics"#)
        .fetch_one(pool)
        .await?;
    Ok(clinics == 0)
}

/// True when any of the demo's accounts, whose password, authenticator key and recovery
/// codes are published in the README, exists in the database.
pub async fn demo_accounts_present(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let mut emails: Vec<String> = data::STAFF
        .iter()
        .map(|(email, _, _)| email.to_string())
        .collect();
    emails.extend(
        PATIENTS
            .iter()
            .map(|&(first, last)| patient_email(first, last)),
    );
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = ANY($1)) AS "present!""#,
        &emails
    )
    .fetch_one(pool)
    .await
}

/// Empties the database completely, then recreates the schema. Used by `lumen reseed`.
pub async fn reset_schema(pool: &PgPool) -> Result<(), crate::database::DatabaseError> {
    let mut tx = pool
        .begin()
        .await
        .map_err(crate::database::DatabaseError::Connect)?;
    sqlx::query("DROP SCHEMA public CASCADE")
        .execute(&mut *tx)
        .await
        .map_err(crate::database::DatabaseError::Connect)?;
    sqlx::query("CREATE SCHEMA public")
        .execute(&mut *tx)
        .await
        .map_err(crate::database::DatabaseError::Connect)?;
    tx.commit()
        .await
        .map_err(crate::database::DatabaseError::Connect)?;
    crate::database::migrate(pool).await
}

/// A demo patient's address: `first.last@example.com`.
fn patient_email(first: &str, last: &str) -> String {
    format!(
        "{}.{}@example.com",
        first.to_lowercase(),
        last.to_lowercase()
    )
}

fn time(hhmm: &str) -> NaiveTime {
    NaiveTime::parse_from_str(hhmm, "%H:%M").expect("seed times are written HH:MM")
}

/// Seeds the demo clinic. `today` anchors the appointments (some past, most upcoming).
pub async fn seed_demo_clinic(
    pool: &PgPool,
    media: &Media,
    keys: &SecretKeys,
    today: NaiveDate,
) -> Result<SeedReport, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut report = SeedReport::default();

    let clinic_id = sqlx::query_scalar!(
        r#"INSERT INTO clinics (slug, name, tagline, time_zone, currency, email, phone)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"#,
        CLINIC.slug,
        CLINIC.name,
        CLINIC.tagline,
        CLINIC.time_zone,
        CLINIC.currency,
        CLINIC.email,
        CLINIC.phone
    )
    .fetch_one(&mut *tx)
    .await?;
    report.clinic_id = clinic_id;

    for (position, (question, answer)) in ASSISTANT_ANSWERS.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO assistant_faqs (clinic_id, question, answer, position, updated_at)
             VALUES ($1, $2, $3, $4, now())",
            clinic_id,
            question,
            answer,
            position as i16
        )
        .execute(&mut *tx)
        .await?;
    }

    let mut location_ids = Vec::new();
    for (position, location) in LOCATIONS.iter().enumerate() {
        let id = sqlx::query_scalar!(
            r#"INSERT INTO locations (clinic_id, slug, name, address_line1, address_line2, city, postcode, country, phone, position)
               VALUES ($1, $2, $3, $4, $5, $6, $7, 'United Kingdom', $8, $9) RETURNING id"#,
            clinic_id,
            location.slug,
            location.name,
            location.line1,
            location.line2,
            location.city,
            location.postcode,
            location.phone,
            position as i16
        )
        .fetch_one(&mut *tx)
        .await?;
        for &(weekday, opens, closes) in location.hours {
            sqlx::query!(
                "INSERT INTO opening_hours (clinic_id, location_id, weekday, opens, closes) VALUES ($1, $2, $3, $4, $5)",
                clinic_id,
                id,
                weekday,
                time(opens),
                time(closes)
            )
            .execute(&mut *tx)
            .await?;
        }
        for &(name, kind) in location.rooms {
            sqlx::query!(
                "INSERT INTO rooms (clinic_id, location_id, name, kind) VALUES ($1, $2, $3, $4)",
                clinic_id,
                id,
                name,
                kind
            )
            .execute(&mut *tx)
            .await?;
        }
        location_ids.push(id);
    }
    report.locations = location_ids.len();

    let mut treatments: HashMap<&str, (Uuid, i32, i32)> = HashMap::new();
    for (category_position, category) in CATEGORIES.iter().enumerate() {
        let category_id = sqlx::query_scalar!(
            r#"INSERT INTO treatment_categories (clinic_id, slug, name, description, position)
               VALUES ($1, $2, $3, $4, $5) RETURNING id"#,
            clinic_id,
            category.slug,
            category.name,
            category.description,
            category_position as i16
        )
        .fetch_one(&mut *tx)
        .await?;
        for (position, t) in category.treatments.iter().enumerate() {
            let id = sqlx::query_scalar!(
                r#"INSERT INTO treatments (clinic_id, category_id, slug, name, summary, description,
                       duration_minutes, price_minor, buffer_after_minutes,
                       offers_in_person, offers_video, featured, position, capacity)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id"#,
                clinic_id,
                category_id,
                t.slug,
                t.name,
                t.summary,
                t.description,
                t.minutes,
                t.price_pounds * 100,
                t.buffer_after,
                t.in_person,
                t.video,
                t.featured,
                position as i16,
                t.capacity
            )
            .fetch_one(&mut *tx)
            .await?;
            treatments.insert(t.slug, (id, t.minutes, t.buffer_after));
        }
    }
    report.treatments = treatments.len();

    let mut provider_ids = Vec::new();
    for (position, provider) in PROVIDERS.iter().enumerate() {
        let id = sqlx::query_scalar!(
            r#"INSERT INTO providers (clinic_id, slug, display_name, title, bio, position)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"#,
            clinic_id,
            provider.slug,
            provider.name,
            provider.title,
            provider.bio,
            position as i16
        )
        .fetch_one(&mut *tx)
        .await?;
        for slug in provider.treatments {
            let (treatment_id, _, _) = treatments[slug];
            sqlx::query!(
                "INSERT INTO provider_treatments (clinic_id, provider_id, treatment_id) VALUES ($1, $2, $3)",
                clinic_id,
                id,
                treatment_id
            )
            .execute(&mut *tx)
            .await?;
        }
        for &(weekday, location, starts, ends) in provider.schedule {
            sqlx::query!(
                r#"INSERT INTO provider_schedules (clinic_id, provider_id, location_id, weekday, starts, ends)
                   VALUES ($1, $2, $3, $4, $5, $6)"#,
                clinic_id,
                id,
                location_ids[location],
                weekday,
                time(starts),
                time(ends)
            )
            .execute(&mut *tx)
            .await?;
        }
        provider_ids.push(id);
    }
    report.providers = provider_ids.len();

    let mut patient_ids = Vec::new();
    for (first, last) in PATIENTS {
        let email = patient_email(first, last);
        // 07700 900000–900999 is Ofcom's range reserved for drama.
        let phone = format!("07700 900{:03}", patient_ids.len());
        let id = sqlx::query_scalar!(
            r#"INSERT INTO patients (clinic_id, first_name, last_name, email, phone)
               VALUES ($1, $2, $3, $4, $5) RETURNING id"#,
            clinic_id,
            first,
            last,
            email,
            phone
        )
        .fetch_one(&mut *tx)
        .await?;
        patient_ids.push(id);
    }
    seed_accounts(&mut tx, keys, clinic_id, patient_ids[0]).await?;

    report.appointments = seed_appointments(
        &mut tx,
        clinic_id,
        &location_ids,
        &provider_ids,
        &patient_ids,
        &treatments,
        today,
    )
    .await?;
    report.sessions = seed_sessions(
        &mut tx,
        clinic_id,
        &location_ids,
        &provider_ids,
        &treatments,
        today,
    )
    .await?;
    seed_closures(&mut tx, clinic_id, today).await?;
    let (cases, images) = seed_gallery(
        &mut tx,
        media,
        clinic_id,
        &provider_ids,
        &patient_ids,
        &treatments,
        today,
    )
    .await?;
    report.cases = cases;
    report.images = images;

    tx.commit().await?;
    Ok(report)
}

/// The demo clinic is in London: England's bank holidays, this year's still to come and
/// next year's, are closed days, as a clinic would load them on its first day.
async fn seed_closures(
    tx: &mut Transaction<'_, Postgres>,
    clinic_id: Uuid,
    today: NaiveDate,
) -> Result<(), sqlx::Error> {
    let calendar = HolidayCalendar::EnglandAndWales;
    for holiday in [today.year(), today.year() + 1]
        .into_iter()
        .flat_map(|year| calendar.holidays(year))
        .filter(|holiday| holiday.day >= today)
    {
        sqlx::query!(
            "INSERT INTO closures (clinic_id, first_day, last_day, reason)
             VALUES ($1, $2, $2, $3) ON CONFLICT DO NOTHING",
            clinic_id,
            holiday.day,
            holiday.name
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Demo sign-ins: the clinic's staff, and the first patient (who gets upcoming
/// appointments) with an account of her own. One hash serves them all: it is demo data.
async fn seed_accounts(
    tx: &mut Transaction<'_, Postgres>,
    keys: &SecretKeys,
    clinic_id: Uuid,
    patient_id: Uuid,
) -> Result<(), sqlx::Error> {
    let hash = app::backend::auth::password::hash(data::DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let totp_key = Secret::from_base32(data::DEMO_TOTP_KEY).expect("the demo key is base32");
    for (email, name, role) in data::STAFF {
        let user_id = sqlx::query_scalar!(
            r#"INSERT INTO users (clinic_id, role, email, display_name, password_hash, email_verified_at)
               VALUES ($1, ($2::text)::user_role, $3, $4, $5, now())
               RETURNING id"#,
            clinic_id,
            role,
            email,
            name,
            hash
        )
        .fetch_one(&mut **tx)
        .await?;
        let codes = data::DEMO_RECOVERY_CODES.map(str::to_owned);
        second_factor::enable_known(tx, keys, clinic_id, user_id, &totp_key, &codes, Utc::now())
            .await?;
        // A provider who signs in is their provider's account: they join their own video
        // visits as the clinician.
        sqlx::query!(
            "UPDATE providers SET user_id = $3
             WHERE clinic_id = $1 AND display_name = $2 AND $4 = 'provider'",
            clinic_id,
            name,
            user_id,
            role
        )
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query!(
        r#"WITH account AS (
               INSERT INTO users (clinic_id, role, email, display_name, password_hash, email_verified_at)
               SELECT clinic_id, 'patient', email, first_name || ' ' || last_name, $3, now()
               FROM patients WHERE id = $2 AND clinic_id = $1
               RETURNING id
           )
           UPDATE patients SET user_id = (SELECT id FROM account) WHERE id = $2"#,
        clinic_id,
        patient_id,
        hash
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Books the first slot of every other working session over three weeks around `today`,
/// in the clinic's local time: past ones completed, upcoming ones confirmed.
async fn seed_appointments(
    tx: &mut Transaction<'_, Postgres>,
    clinic_id: Uuid,
    location_ids: &[Uuid],
    provider_ids: &[Uuid],
    patient_ids: &[Uuid],
    treatments: &HashMap<&str, (Uuid, i32, i32)>,
    today: NaiveDate,
) -> Result<usize, sqlx::Error> {
    let zone: Tz = CLINIC
        .time_zone
        .parse()
        .expect("the seed time zone is valid");
    let mut booked = 0;
    for offset in -7..14i64 {
        let day = today + Duration::days(offset);
        let weekday = day.weekday().number_from_monday() as i16;
        for (p, provider) in PROVIDERS.iter().enumerate() {
            for (s, &(schedule_day, location, starts, _ends)) in
                provider.schedule.iter().enumerate()
            {
                if schedule_day != weekday || (offset + p as i64 + s as i64) % 2 != 0 {
                    continue;
                }
                let treatment_slug = provider.treatments
                    [(offset.unsigned_abs() as usize + s) % provider.treatments.len()];
                let (treatment_id, minutes, _) = treatments[treatment_slug];
                let Some(start) = zone
                    .from_local_datetime(&day.and_time(time(starts)))
                    .single()
                else {
                    continue; // a time that does not exist on a clock-change day
                };
                let start = start.with_timezone(&Utc);
                let end = start + Duration::minutes(minutes as i64);
                let status = if day < today {
                    "completed"
                } else {
                    "confirmed"
                };
                let patient = patient_ids[booked % patient_ids.len()];
                let period = PgRange {
                    start: Bound::Included(start),
                    end: Bound::Excluded(end),
                };
                sqlx::query!(
                    r#"INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, patient_id, status, period)
                       VALUES ($1, $2, $3, $4, $5, ($6::text)::appointment_status, $7)"#,
                    clinic_id,
                    location_ids[location],
                    provider_ids[p],
                    treatment_id,
                    patient,
                    status,
                    period
                )
                .execute(&mut **tx)
                .await?;
                booked += 1;
            }
        }
    }
    Ok(booked)
}

/// Puts the group sessions in the calendar for the next three weeks, and lets their
/// providers lead them.
async fn seed_sessions(
    tx: &mut Transaction<'_, Postgres>,
    clinic_id: Uuid,
    location_ids: &[Uuid],
    provider_ids: &[Uuid],
    treatments: &HashMap<&str, (Uuid, i32, i32)>,
    today: NaiveDate,
) -> Result<usize, sqlx::Error> {
    let zone: Tz = CLINIC
        .time_zone
        .parse()
        .expect("the seed time zone is valid");
    let mut scheduled = 0;
    for &(treatment_slug, provider_slug, location, weekday, starts) in &GROUP_SESSIONS {
        let (treatment_id, minutes, _) = treatments[treatment_slug];
        let capacity = CATEGORIES
            .iter()
            .flat_map(|c| c.treatments.iter())
            .find(|t| t.slug == treatment_slug)
            .and_then(|t| t.capacity)
            .expect("a group session's treatment has a capacity");
        let provider_id = provider_ids[PROVIDERS
            .iter()
            .position(|p| p.slug == provider_slug)
            .expect("a group session's provider is seeded")];
        sqlx::query!(
            "INSERT INTO provider_treatments (clinic_id, provider_id, treatment_id) VALUES ($1, $2, $3)",
            clinic_id,
            provider_id,
            treatment_id
        )
        .execute(&mut **tx)
        .await?;
        for offset in 1..=21i64 {
            let day = today + Duration::days(offset);
            if day.weekday().number_from_monday() as i16 != weekday {
                continue;
            }
            let Some(start) = zone
                .from_local_datetime(&day.and_time(time(starts)))
                .single()
            else {
                continue;
            };
            let start = start.with_timezone(&Utc);
            let period = PgRange {
                start: Bound::Included(start),
                end: Bound::Excluded(start + Duration::minutes(minutes as i64)),
            };
            sqlx::query!(
                r#"INSERT INTO appointments (clinic_id, location_id, provider_id, treatment_id, status, period, capacity)
                   VALUES ($1, $2, $3, $4, 'confirmed', $5, $6)"#,
                clinic_id,
                location_ids[location],
                provider_id,
                treatment_id,
                period,
                capacity
            )
            .execute(&mut **tx)
            .await?;
            scheduled += 1;
        }
    }
    Ok(scheduled)
}

async fn seed_gallery(
    tx: &mut Transaction<'_, Postgres>,
    media: &Media,
    clinic_id: Uuid,
    provider_ids: &[Uuid],
    patient_ids: &[Uuid],
    treatments: &HashMap<&str, (Uuid, i32, i32)>,
    today: NaiveDate,
) -> Result<(usize, usize), sqlx::Error> {
    let (mut cases, mut images) = (0usize, 0usize);
    for (g, gallery) in GALLERIES.iter().enumerate() {
        let gallery_id = sqlx::query_scalar!(
            r#"INSERT INTO galleries (clinic_id, slug, title, description, position, published)
               VALUES ($1, $2, $3, $4, $5, true) RETURNING id"#,
            clinic_id,
            gallery.slug,
            gallery.title,
            gallery.description,
            g as i16
        )
        .fetch_one(&mut **tx)
        .await?;
        for (a, album) in gallery.albums.iter().enumerate() {
            let album_id = sqlx::query_scalar!(
                r#"INSERT INTO albums (clinic_id, gallery_id, slug, title, position, published)
                   VALUES ($1, $2, $3, $4, $5, true) RETURNING id"#,
                clinic_id,
                gallery_id,
                album.slug,
                album.title,
                a as i16
            )
            .fetch_one(&mut **tx)
            .await?;
            let (treatment_id, _, _) = treatments[album.treatment];
            let provider_id = PROVIDERS
                .iter()
                .position(|p| p.treatments.contains(&album.treatment))
                .map(|i| provider_ids[i]);
            for (c, case) in album.cases.iter().enumerate() {
                let (website, social, consultation, given, expires, published) = match case.consent
                {
                    ConsentSeed::WebsiteAndSocial => (
                        true,
                        true,
                        true,
                        today - Duration::days(40 + 9 * cases as i64),
                        Some(today + Duration::days(700)),
                        true,
                    ),
                    ConsentSeed::Website => (
                        true,
                        false,
                        true,
                        today - Duration::days(60 + 5 * cases as i64),
                        None,
                        true,
                    ),
                    ConsentSeed::ConsultationOnly => {
                        (false, false, true, today - Duration::days(90), None, false)
                    }
                    ConsentSeed::Expired => (
                        true,
                        false,
                        false,
                        today - Duration::days(800),
                        Some(today - Duration::days(70)),
                        true,
                    ),
                };
                let slug = format!("{}-{}", album.slug, c + 1);
                let age_range = AGE_RANGES[cases % AGE_RANGES.len()];
                let notes = format!(
                    "{} The photographs were taken under the same light and from the same angle, {}.",
                    case.summary,
                    time_after_label(album.days_after).to_lowercase()
                );
                let case_id = sqlx::query_scalar!(
                    r#"INSERT INTO cases (clinic_id, album_id, slug, title, summary, treatment_id, provider_id, patient_id,
                           position, published, consent_website, consent_social, consent_consultation,
                           consent_given_on, consent_expires_on, consent_document_ref,
                           notes, age_range, sessions, days_after)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id"#,
                    clinic_id,
                    album_id,
                    slug,
                    case.title,
                    case.summary,
                    treatment_id,
                    provider_id,
                    patient_ids[cases % patient_ids.len()],
                    c as i16,
                    published,
                    website,
                    social,
                    consultation,
                    given,
                    expires,
                    format!("CONSENT-{:04}", 1000 + cases),
                    notes,
                    age_range,
                    album.sessions,
                    album.days_after
                )
                .fetch_one(&mut **tx)
                .await?;
                let seed = (cases as u64 + 1) * 7919;
                for (kind, severity, label) in
                    [("before", 0.9, "Before"), ("after", 0.2, album.after_label)]
                {
                    let svg = art::draw(seed, album.concern, severity);
                    let alt = format!(
                        "{} — {}: abstract illustration of treated skin",
                        case.title,
                        label.to_lowercase()
                    );
                    let image_id = insert_svg(tx, media, clinic_id, &svg).await?;
                    sqlx::query!(
                        r#"INSERT INTO case_images (clinic_id, case_id, image_id, kind, label, alt_text, position)
                           VALUES ($1, $2, $3, ($4::text)::case_image_kind, $5, $6, $7)"#,
                        clinic_id,
                        case_id,
                        image_id,
                        kind,
                        label,
                        alt,
                        i16::from(kind == "after")
                    )
                    .execute(&mut **tx)
                    .await?;
                    images += 1;
                }
                cases += 1;
            }
        }
    }
    Ok((cases, images))
}

/// A drawing as a picture with one public file (an SVG scales to every size itself).
async fn insert_svg(
    tx: &mut Transaction<'_, Postgres>,
    media: &Media,
    clinic_id: Uuid,
    svg: &str,
) -> Result<Uuid, sqlx::Error> {
    let digest = Sha256::digest(svg.as_bytes());
    let file = Prepared {
        content_type: "image/svg+xml",
        width: art::WIDTH,
        height: art::HEIGHT,
        content_hash: app::backend::hex::hex(&digest[..16]),
        data: svg.as_bytes().to_vec(),
    };
    // Written before the rows: a file without a row is never served, a row without its
    // file would be a broken picture.
    media
        .publish_local(&file)
        .await
        .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?;
    let image_id = sqlx::query_scalar!(
        r#"INSERT INTO images (clinic_id, width, height, status, variants_total, variants_done)
           VALUES ($1, $2, $3, 'ready', 1, 1) RETURNING id"#,
        clinic_id,
        file.width as i32,
        file.height as i32
    )
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO media_assets (clinic_id, content_hash, content_type, width, height, byte_size, image_id)
           VALUES ($1, $2, 'image/svg+xml', $3, $4, $5, $6)"#,
        clinic_id,
        file.content_hash,
        file.width as i32,
        file.height as i32,
        file.data.len() as i32,
        image_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(image_id)
}
