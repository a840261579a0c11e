//! Staff managing categories, providers and locations through the real router, checked
//! against the database and against what the public site then shows.

use crate::common;

use app::admin::locations::types::LocationEditor;
use app::admin::providers::types::ProviderEditor;
use app::backend::integrations::media::fixtures;
use app::backend::state::Clock;
use app::domain::form::problem_for;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use common::{field_problems, get, post_as, signed_in, Reply, ADMIN};
use sqlx::PgPool;
use uuid::Uuid;

async fn id_of(pool: &PgPool, table: &str, slug: &str) -> Uuid {
    sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE slug = $1"))
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn saved(reply: &Reply) {
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
}

async fn audited(pool: &PgPool, action: &str, subject_type: &str, subject_id: Uuid) -> bool {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM audit_log a JOIN users u ON u.id = a.actor_user_id
                        WHERE a.action = $1 AND a.subject_type = $2 AND a.subject_id = $3
                          AND u.email = $4)",
    )
    .bind(action)
    .bind(subject_type)
    .bind(subject_id)
    .bind(ADMIN)
    .fetch_one(pool)
    .await
    .unwrap()
}

// ---- categories ----

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_creates_renames_moves_and_removes_a_category(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let reply = post_as(
        &app,
        "admin/save_category",
        Some(&admin),
        "form[id]=&form[name]=Body+Contouring&form[slug]=&form[description]=Non-surgical.",
    )
    .await;
    saved(&reply);
    let id = id_of(&pool, "treatment_categories", "body-contouring").await;
    assert_eq!(
        reply.headers["location"],
        format!("/admin/categories?saved={id}").as_str()
    );
    assert!(audited(&pool, "create", "treatment_category", id).await);

    let order = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT slug FROM treatment_categories ORDER BY position, name",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    assert_eq!(
        order().await.last().unwrap(),
        "body-contouring",
        "new ones go last"
    );
    saved(
        &post_as(
            &app,
            "admin/move_category",
            Some(&admin),
            &format!("id={id}&direction=up"),
        )
        .await,
    );
    let after = order().await;
    assert_eq!(after[after.len() - 2], "body-contouring");

    // A duplicate address is refused against the field, and nothing changes.
    let reply = post_as(
        &app,
        "admin/save_category",
        Some(&admin),
        &format!("form[id]={id}&form[name]=Body&form[slug]=skin"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&field_problems(&reply), "slug")
        .unwrap()
        .contains("Another category"));
    let name: String = sqlx::query_scalar("SELECT name FROM treatment_categories WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Body Contouring");

    saved(
        &post_as(
            &app,
            "admin/remove_category",
            Some(&admin),
            &format!("id={id}"),
        )
        .await,
    );
    assert!(!order().await.contains(&"body-contouring".to_owned()));
    assert!(audited(&pool, "delete", "treatment_category", id).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_empty_form_is_answered_field_by_field(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    // A browser sends every field, even empty; each must come back as a problem to fix,
    // not as a request the server could not read.
    for (endpoint, body, field) in [
        (
            "admin/save_category",
            "form[id]=&form[name]=&form[slug]=&form[description]=",
            "name",
        ),
        (
            "admin/save_provider",
            "form[id]=&form[display_name]=&form[title]=&form[slug]=&form[bio]=",
            "display_name",
        ),
        (
            "admin/save_location",
            "form[id]=&form[name]=&form[slug]=&form[address_line1]=",
            "name",
        ),
    ] {
        let reply = post_as(&app, endpoint, Some(&admin), body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}: {}",
            reply.body
        );
        assert!(
            problem_for(&field_problems(&reply), field).is_some(),
            "{endpoint}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_category_that_still_holds_treatments_is_not_removed(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let skin = id_of(&pool, "treatment_categories", "skin").await;
    let reply = post_as(
        &app,
        "admin/remove_category",
        Some(&admin),
        &format!("id={skin}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = problem_for(&field_problems(&reply), "id")
        .unwrap()
        .to_owned();
    assert!(
        message.contains("still holds") && message.contains("treatments"),
        "{message}"
    );
    let still_there: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM treatment_categories WHERE id = $1)")
            .bind(skin)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(still_there);
}

// ---- providers ----

async fn provider_editor(app: &Router, cookie: &str, id: &str) -> Reply {
    post_as(
        app,
        "admin/provider_editor",
        Some(cookie),
        &format!("id={id}"),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_edits_a_providers_profile_and_treatment_pages_show_it(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let amara = id_of(&pool, "providers", "amara-okafor").await;
    let reply = provider_editor(&app, &admin, &amara.to_string()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let editor: ProviderEditor = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(editor.form.display_name, "Dr Amara Okafor");
    assert_eq!(editor.weeks.len(), 2, "a week per location");
    let new_town = editor
        .weeks
        .iter()
        .find(|w| w.location == "New Town")
        .unwrap();
    assert_eq!(new_town.week.monday, "09:00–13:00, 14:00–18:00");

    // Keep only lip enhancement, and a new title.
    let lips = id_of(&pool, "treatments", "lip-enhancement").await;
    let reply = post_as(
        &app,
        "admin/save_provider",
        Some(&admin),
        &format!(
            "form[id]={amara}&form[display_name]=Dr+Amara+Okafor&form[title]=Clinical+lead&form[slug]=amara-okafor&form[bio]=New+bio.&form[active]=on&form[treatment_ids][]={lips}"
        ),
    )
    .await;
    saved(&reply);
    assert_eq!(
        reply.headers["location"],
        format!("/admin/providers/{amara}?saved=profile").as_str()
    );
    assert!(audited(&pool, "update", "provider", amara).await);
    let lips_page = get(&app, "/treatments/lip-enhancement").await.body;
    assert!(lips_page.contains("Clinical lead") && lips_page.contains("New bio."));
    let cheeks_page = get(&app, "/treatments/cheek-filler").await.body;
    assert!(
        !cheeks_page.contains("Dr Amara Okafor"),
        "no longer performs it"
    );

    // Turned off, she leaves the public pages.
    saved(
        &post_as(
            &app,
            "admin/save_provider",
            Some(&admin),
            &format!(
                "form[id]={amara}&form[display_name]=Dr+Amara+Okafor&form[title]=Clinical+lead&form[slug]=amara-okafor&form[treatment_ids][]={lips}"
            ),
        )
        .await,
    );
    assert!(!get(&app, "/treatments/lip-enhancement")
        .await
        .body
        .contains("Dr Amara Okafor"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_provider_needs_a_name_and_title_and_a_free_address(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM providers")
        .fetch_one(&pool)
        .await
        .unwrap();
    let reply = post_as(
        &app,
        "admin/save_provider",
        Some(&admin),
        "form[id]=&form[display_name]=&form[title]=",
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = field_problems(&reply);
    assert!(problem_for(&problems, "display_name").is_some());
    assert!(problem_for(&problems, "title").is_some());
    let reply = post_as(
        &app,
        "admin/save_provider",
        Some(&admin),
        "form[id]=&form[display_name]=Lewis+Grant&form[title]=Nurse&form[slug]=lewis-grant&form[active]=on",
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&field_problems(&reply), "slug")
        .unwrap()
        .contains("Another provider"));
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM providers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after, "nothing half-saved");

    let reply = post_as(
        &app,
        "admin/save_provider",
        Some(&admin),
        "form[id]=&form[display_name]=Nadia+Rahman&form[title]=Aesthetic+nurse&form[active]=on",
    )
    .await;
    saved(&reply);
    let nadia = id_of(&pool, "providers", "nadia-rahman").await;
    assert!(audited(&pool, "create", "provider", nadia).await);
}

async fn schedule(pool: &PgPool, provider: Uuid, location: Uuid) -> Vec<(i16, String, String)> {
    sqlx::query_as(
        "SELECT weekday, to_char(starts, 'HH24:MI'), to_char(ends, 'HH24:MI')
         FROM provider_schedules WHERE provider_id = $1 AND location_id = $2
         ORDER BY weekday, starts",
    )
    .bind(provider)
    .bind(location)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn working_hours_are_replaced_checked_and_never_in_two_places_at_once(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let amara = id_of(&pool, "providers", "amara-okafor").await;
    let new_town = id_of(&pool, "locations", "new-town").await;
    let week = |monday: &str, friday: &str| {
        format!(
            "provider_id={amara}&location_id={new_town}&week[monday]={}&week[tuesday]=&week[wednesday]=&week[thursday]=09:00-17:00&week[friday]={}&week[saturday]=&week[sunday]=",
            monday.replace(' ', "+").replace(',', "%2C"),
            friday.replace(' ', "+").replace(',', "%2C"),
        )
    };
    saved(
        &post_as(
            &app,
            "admin/save_provider_week",
            Some(&admin),
            &week("08:30-12:00, 13:00-16:00", ""),
        )
        .await,
    );
    let expected = vec![
        (1, "08:30".to_owned(), "12:00".to_owned()),
        (1, "13:00".to_owned(), "16:00".to_owned()),
        (4, "09:00".to_owned(), "17:00".to_owned()),
    ];
    assert_eq!(schedule(&pool, amara, new_town).await, expected);
    assert!(audited(&pool, "update", "provider_schedule", amara).await);

    // A day that can't be read is named, and the saved week stays as it was.
    let reply = post_as(
        &app,
        "admin/save_provider_week",
        Some(&admin),
        &week("9 to 5", ""),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&field_problems(&reply), "monday")
        .unwrap()
        .contains("“9 to 5”"));
    assert_eq!(schedule(&pool, amara, new_town).await, expected);

    // She works Fridays 10:00–17:00 at Leith: the same hours at New Town are refused.
    let reply = post_as(
        &app,
        "admin/save_provider_week",
        Some(&admin),
        &week("", "11:00-12:00"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = problem_for(&field_problems(&reply), "friday")
        .unwrap()
        .to_owned();
    assert!(
        message.contains("Friday") && message.contains("Leith"),
        "{message}"
    );
    assert_eq!(schedule(&pool, amara, new_town).await, expected);

    // Every day left empty (as a browser sends it) clears the week at that location.
    saved(
        &post_as(
            &app,
            "admin/save_provider_week",
            Some(&admin),
            &week("", ""),
        )
        .await,
    );
    let cleared = post_as(
        &app,
        "admin/save_provider_week",
        Some(&admin),
        &format!("provider_id={amara}&location_id={new_town}&week[monday]=&week[thursday]="),
    )
    .await;
    saved(&cleared);
    assert_eq!(schedule(&pool, amara, new_town).await, vec![]);
}

#[sqlx::test(migrations = "../migrations")]
async fn time_off_is_kept_in_the_clinics_time_and_says_what_it_clashes_with(pool: PgPool) {
    // The demo's appointments are around its own "today"; the page lists time off yet to end.
    let now = Utc.from_utc_datetime(&common::today().and_hms_opt(9, 0, 0).unwrap());
    let app = common::app_with_clock(&pool, Clock::fixed(now)).await;
    let admin = signed_in(&app, ADMIN).await;
    let amara = id_of(&pool, "providers", "amara-okafor").await;
    // 30 March 2026 is after the clocks go forward in Edinburgh: 09:00 local is 08:00 UTC.
    let reply = post_as(
        &app,
        "admin/add_time_off",
        Some(&admin),
        &format!("provider_id={amara}&time_off[starts]=2026-03-30T09:00&time_off[ends]=2026-03-30T17:00&time_off[reason]=Training"),
    )
    .await;
    saved(&reply);
    let (id, starts, ends): (Uuid, String, String) = sqlx::query_as(
        "SELECT id, to_char(lower(period) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                to_char(upper(period) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
         FROM time_off WHERE provider_id = $1 AND reason = 'Training'",
    )
    .bind(amara)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (starts.as_str(), ends.as_str()),
        ("2026-03-30 08:00", "2026-03-30 16:00")
    );
    assert!(audited(&pool, "create", "time_off", id).await);
    let editor: ProviderEditor =
        serde_json::from_str(&provider_editor(&app, &admin, &amara.to_string()).await.body)
            .unwrap();
    let listed = editor.time_off.iter().find(|t| t.id == id).unwrap();
    assert_eq!(listed.starts, "Mon 30 Mar 2026, 09:00");

    // Time off over her booked appointments says how many there are.
    let first: chrono::NaiveDate = sqlx::query_scalar(
        "SELECT (lower(period) AT TIME ZONE 'Europe/London')::date
         FROM appointments WHERE provider_id = $1 AND status IN ('pending_payment', 'confirmed')
         ORDER BY lower(period) LIMIT 1",
    )
    .bind(amara)
    .fetch_one(&pool)
    .await
    .unwrap();
    let clashing: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM appointments
         WHERE provider_id = $1 AND status IN ('held', 'pending_payment', 'confirmed')
           AND (lower(period) AT TIME ZONE 'Europe/London')::date = $2",
    )
    .bind(amara)
    .bind(first)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(clashing > 0);
    let reply = post_as(
        &app,
        "admin/add_time_off",
        Some(&admin),
        &format!("provider_id={amara}&time_off[starts]={first}T00:00&time_off[ends]={first}T23:59&time_off[reason]="),
    )
    .await;
    saved(&reply);
    assert_eq!(
        reply.headers["location"],
        format!("/admin/providers/{amara}?saved=time_off&clashes={clashing}").as_str()
    );

    // Ends before it starts: refused, nothing stored.
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM time_off WHERE provider_id = $1")
            .bind(amara)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let reply = post_as(
        &app,
        "admin/add_time_off",
        Some(&admin),
        &format!(
            "provider_id={amara}&time_off[starts]=2026-04-02T12:00&time_off[ends]=2026-04-01T12:00"
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&field_problems(&reply), "ends").is_some());
    assert_eq!(count().await, before);

    saved(
        &post_as(
            &app,
            "admin/remove_time_off",
            Some(&admin),
            &format!("provider_id={amara}&time_off_id={id}"),
        )
        .await,
    );
    assert_eq!(count().await, before - 1);
    assert!(audited(&pool, "delete", "time_off", id).await);
}

// ---- locations ----

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_edits_a_location_and_its_hours_and_the_site_shows_them(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let leith = id_of(&pool, "locations", "leith").await;
    let reply = post_as(
        &app,
        "admin/location_editor",
        Some(&admin),
        &format!("id={leith}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let editor: LocationEditor = serde_json::from_str(&reply.body).unwrap();
    let form = editor.form;
    let location_form = |name: &str, time_zone: &str| {
        format!(
            "form[id]={leith}&form[name]={}&form[slug]=leith&form[address_line1]={}&form[address_line2]=&form[city]={}&form[postcode]={}&form[country]={}&form[phone]={}&form[time_zone]={}&form[active]=on",
            name.replace(' ', "+"),
            form.address_line1.replace(' ', "+"),
            form.city.replace(' ', "+"),
            form.postcode.replace(' ', "+"),
            form.country.replace(' ', "+"),
            form.phone.replace('+', "%2B").replace(' ', "+"),
            time_zone.replace('/', "%2F"),
        )
    };
    let reply = post_as(
        &app,
        "admin/save_location",
        Some(&admin),
        &location_form("Leith Shore", "Mars/Olympus"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&field_problems(&reply), "time_zone").is_some());
    assert!(
        !get(&app, "/").await.body.contains("Leith Shore"),
        "nothing saved"
    );

    saved(
        &post_as(
            &app,
            "admin/save_location",
            Some(&admin),
            &location_form("Leith Shore", ""),
        )
        .await,
    );
    assert!(get(&app, "/").await.body.contains("Leith Shore"));
    assert!(audited(&pool, "update", "location", leith).await);

    saved(
        &post_as(
            &app,
            "admin/save_opening_hours",
            Some(&admin),
            &format!("location_id={leith}&week[monday]=07:45-19:15&week[tuesday]=07:45-19:15&week[wednesday]=&week[thursday]=&week[friday]=&week[saturday]=&week[sunday]="),
        )
        .await,
    );
    assert!(get(&app, "/").await.body.contains("07:45–19:15"));
    assert!(audited(&pool, "update", "opening_hours", leith).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn rooms_are_added_renamed_and_kept_unique_per_location(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let leith = id_of(&pool, "locations", "leith").await;
    saved(
        &post_as(
            &app,
            "admin/save_room",
            Some(&admin),
            &format!("location_id={leith}&room[id]=&room[name]=Laser+suite+2&room[kind]=device&room[active]=on"),
        )
        .await,
    );
    let (room, kind): (Uuid, String) = sqlx::query_as(
        "SELECT id, kind FROM rooms WHERE location_id = $1 AND name = 'Laser suite 2'",
    )
    .bind(leith)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kind, "device");
    assert!(audited(&pool, "create", "room", room).await);

    let reply = post_as(
        &app,
        "admin/save_room",
        Some(&admin),
        &format!("location_id={leith}&room[id]=&room[name]=Laser+suite+2&room[kind]=room&room[active]=on"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&field_problems(&reply), "name")
        .unwrap()
        .contains("already has"));

    // Taken out of use (an unticked box is absent).
    saved(
        &post_as(
            &app,
            "admin/save_room",
            Some(&admin),
            &format!(
                "location_id={leith}&room[id]={room}&room[name]=Laser+suite+2&room[kind]=device"
            ),
        )
        .await,
    );
    let active: bool = sqlx::query_scalar("SELECT active FROM rooms WHERE id = $1")
        .bind(room)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!active);

    // A room id from another location is not found there.
    let new_town = id_of(&pool, "locations", "new-town").await;
    let reply = post_as(
        &app,
        "admin/save_room",
        Some(&admin),
        &format!("location_id={new_town}&room[id]={room}&room[name]=Moved&room[kind]=room&room[active]=on"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn another_clinics_records_are_not_found_by_id(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let other: Uuid = sqlx::query_scalar(
        "INSERT INTO clinics (slug, name, time_zone, currency, email, phone)
         VALUES ('other', 'Other Clinic', 'Europe/Paris', 'EUR', 'a@b.example', '1') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let provider: Uuid = sqlx::query_scalar(
        "INSERT INTO providers (clinic_id, slug, display_name, title) VALUES ($1, 'p', 'P', 'T') RETURNING id",
    )
    .bind(other)
    .fetch_one(&pool)
    .await
    .unwrap();
    let location: Uuid = sqlx::query_scalar(
        "INSERT INTO locations (clinic_id, slug, name, address_line1, city, postcode, country, phone)
         VALUES ($1, 'l', 'L', 'a', 'c', 'p', 'FR', '1') RETURNING id",
    )
    .bind(other)
    .fetch_one(&pool)
    .await
    .unwrap();
    let category: Uuid = sqlx::query_scalar(
        "INSERT INTO treatment_categories (clinic_id, slug, name) VALUES ($1, 'c', 'C') RETURNING id",
    )
    .bind(other)
    .fetch_one(&pool)
    .await
    .unwrap();
    for (endpoint, args) in [
        ("admin/provider_editor", format!("id={provider}")),
        ("admin/location_editor", format!("id={location}")),
        ("admin/category", format!("id={category}")),
        ("admin/save_provider", format!("form[id]={provider}&form[display_name]=X&form[title]=Y&form[slug]=x")),
        ("admin/save_category", format!("form[id]={category}&form[name]=X")),
        ("admin/remove_category", format!("id={category}")),
        ("admin/add_time_off", format!("provider_id={provider}&time_off[starts]=2026-04-01T09:00&time_off[ends]=2026-04-01T10:00")),
        ("admin/save_opening_hours", format!("location_id={location}&week[monday]=09:00-10:00")),
        ("admin/save_room", format!("location_id={location}&room[name]=R&room[kind]=room")),
    ] {
        let reply = post_as(&app, endpoint, Some(&admin), &args).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{endpoint}: {}", reply.body);
    }
    let untouched: (String, i64, i64) = sqlx::query_as(
        "SELECT (SELECT display_name FROM providers WHERE id = $1),
                (SELECT count(*) FROM time_off WHERE provider_id = $1),
                (SELECT count(*) FROM opening_hours WHERE location_id = $2)",
    )
    .bind(provider)
    .bind(location)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(untouched, ("P".to_owned(), 0, 0));
}

// ---- provider photos ----

/// The provider page's upload form as a browser sends it (`accept` is what the browser
/// says it accepts: a page, or JSON from a script).
async fn upload_photo_accepting(
    app: &Router,
    accept: &str,
    cookie: Option<&str>,
    provider: Uuid,
    file: &[u8],
) -> Reply {
    const BOUNDARY: &str = "lumen-test-boundary";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"provider_id\"\r\n\r\n{provider}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"portrait.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let mut request = Request::post("/api/admin/provider_photo")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("accept", accept);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    common::send(app, request.body(Body::from(body)).unwrap()).await
}

async fn upload_photo(app: &Router, cookie: Option<&str>, provider: Uuid, file: &[u8]) -> Reply {
    upload_photo_accepting(app, "text/html", cookie, provider, file).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_providers_photo_is_stored_without_its_metadata_and_shown_publicly(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let hannah = id_of(&pool, "providers", "hannah-price").await;
    let photo = fixtures::with_exif(&fixtures::jpeg(1200, 900));

    let reply = upload_photo(&app, Some(&admin), hannah, &photo).await;
    assert_eq!(
        reply.headers["location"],
        format!("/admin/providers/{hannah}?saved=photo").as_str(),
        "{}",
        reply.body
    );
    assert!(audited(&pool, "update", "provider_photo", hannah).await);
    let page = get(&app, "/treatments/hydrafacial").await.body;
    let start = page
        .find("/media/")
        .expect("the portrait on the treatment page");
    let url = &page[start..start + page[start..].find('"').unwrap()];
    let served = get(&app, url).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers["content-type"], "image/jpeg");
    let bytes = served.bytes;
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF was served");
    let image = image_size(&bytes);
    assert_eq!(image, (480, 480));

    // Once she is turned off, neither the page nor the file shows her.
    sqlx::query("UPDATE providers SET active = false WHERE id = $1")
        .bind(hannah)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(get(&app, url).await.status, StatusCode::NOT_FOUND);
}

/// Width and height from a baseline JPEG's frame header.
fn image_size(jpeg: &[u8]) -> (u16, u16) {
    let at = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame");
    let height = u16::from_be_bytes([jpeg[at + 5], jpeg[at + 6]]);
    let width = u16::from_be_bytes([jpeg[at + 7], jpeg[at + 8]]);
    (width, height)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let front_desk = signed_in(&app, common::FRONT_DESK).await;
    let hannah = id_of(&pool, "providers", "hannah-price").await;
    let assets = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM media_assets")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = assets().await;
    for (file, code) in [
        (
            b"<!doctype html><script>alert(1)</script>".to_vec(),
            "not-a-photo",
        ),
        (fixtures::png_claiming(100_000, 100_000), "too-many-pixels"),
        (fixtures::jpeg(300, 300)[..400].to_vec(), "unreadable"),
    ] {
        let reply = upload_photo(&app, Some(&admin), hannah, &file).await;
        assert_eq!(
            reply.headers["location"],
            format!("/admin/providers/{hannah}?photo_problem={code}").as_str()
        );
    }
    let page = common::get_as(
        &app,
        &format!("/admin/providers/{hannah}?photo_problem=not-a-photo"),
        Some(&admin),
    )
    .await;
    // The refusal's own words (the page's hint also names the formats).
    assert!(page
        .body
        .contains("or WebP photo. Choose a photo saved in one of those formats."));

    let json = "application/json";
    let refused = upload_photo_accepting(
        &app,
        json,
        Some(&front_desk),
        hannah,
        &fixtures::jpeg(64, 64),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let anonymous = upload_photo_accepting(&app, json, None, hannah, &fixtures::jpeg(64, 64)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(assets().await, before, "nothing stored");
}
