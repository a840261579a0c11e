//! Staff managing treatments: the editor's server functions through the real router,
//! checked against what the public site then shows.

use crate::common;

use app::admin::treatments::api::SaveTreatment;
use app::admin::treatments::types::TreatmentEditor;
use app::domain::form::problem_for;
use app::domain::treatment::TreatmentForm;
use axum::http::StatusCode;
use axum::Router;
use common::{call_as, get, get_as, post_as, signed_in, Reply, ADMIN, FRONT_DESK, PATIENT};
use sqlx::PgPool;
use uuid::Uuid;

pub(crate) async fn treatment_id(pool: &PgPool, slug: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM treatments WHERE slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub(crate) async fn editor(app: &Router, cookie: &str, id: &str) -> TreatmentEditor {
    let reply = post_as(
        app,
        "admin/treatment_editor",
        Some(cookie),
        &format!("id={id}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// Submits the treatment form with the browser's encoding.
pub(crate) async fn save(app: &Router, cookie: Option<&str>, form: TreatmentForm) -> Reply {
    let body = serde_qs::to_string(&SaveTreatment { form }).unwrap();
    post_as(app, "admin/save_treatment", cookie, &body).await
}

async fn stored_price(pool: &PgPool, id: Uuid) -> i64 {
    sqlx::query_scalar("SELECT price_minor FROM treatments WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_changes_a_price_and_the_public_page_shows_it_at_once(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let id = treatment_id(&pool, "hydrafacial").await;
    let mut form = editor(&app, &admin, &id.to_string()).await.form;
    assert_eq!(form.price, "165.00");
    form.price = "172.50".to_owned();

    let reply = save(&app, Some(&admin), form).await;
    assert!(
        reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        reply.headers["location"],
        format!("/admin/treatments?saved={id}").as_str()
    );
    assert_eq!(stored_price(&pool, id).await, 17_250);
    let page = get(&app, "/treatments/hydrafacial").await;
    assert!(page.body.contains("£172.50"), "new price not on the page");

    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.actor_user_id
         WHERE a.action = 'update' AND a.subject_type = 'treatment' AND a.subject_id = $1
           AND u.email = $2",
    )
    .bind(id)
    .bind(ADMIN)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_field_by_field_and_nothing_is_changed(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let id = treatment_id(&pool, "hydrafacial").await;
    let good = editor(&app, &admin, &id.to_string()).await.form;
    let form = TreatmentForm {
        name: String::new(),
        price: "a lot".to_owned(),
        duration_minutes: "0".to_owned(),
        in_person: false,
        video: false,
        ..good.clone()
    };
    let problems = common::field_problems(&save(&app, Some(&admin), form).await);
    for field in ["name", "price", "duration_minutes", "in_person"] {
        assert!(
            problem_for(&problems, field).is_some(),
            "{field}: {problems:?}"
        );
    }
    assert_eq!(stored_price(&pool, id).await, 16_500);

    // The schema's own rule, said against the field: a web address in use.
    let taken = TreatmentForm {
        slug: "chemical-peel".to_owned(),
        price: "999".to_owned(),
        ..good
    };
    let problems = common::field_problems(&save(&app, Some(&admin), taken).await);
    assert!(problem_for(&problems, "slug")
        .unwrap()
        .contains("already uses this web address"));
    assert_eq!(
        stored_price(&pool, id).await,
        16_500,
        "half a save must not stay"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_treatment_appears_on_the_public_site_with_its_providers(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let blank = editor(&app, &admin, "new").await;
    assert!(blank.form.id.is_empty());
    let category = blank
        .categories
        .iter()
        .find(|c| c.label == "Skin treatments")
        .unwrap();
    let provider = blank.providers.first().unwrap();
    let form = TreatmentForm {
        name: "LED Light Therapy".to_owned(),
        category_id: category.id.clone(),
        summary: "Red and near-infrared light to calm and renew the skin.".to_owned(),
        price: "60".to_owned(),
        provider_ids: vec![provider.id.clone()],
        ..blank.form
    };
    let reply = save(&app, Some(&admin), form).await;
    assert!(
        reply.status.is_success(),
        "{}: {}",
        reply.status,
        reply.body
    );

    let list = get(&app, "/treatments").await;
    assert!(list.body.contains("LED Light Therapy"));
    let page = get(&app, "/treatments/led-light-therapy").await;
    assert_eq!(page.status, StatusCode::OK);
    let provider_name = provider.label.trim_end_matches(" (inactive)");
    assert!(page.body.contains(provider_name), "provider not shown");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deactivated_treatment_leaves_the_public_site(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let id = treatment_id(&pool, "hydrafacial").await;
    let form = TreatmentForm {
        active: false,
        ..editor(&app, &admin, &id.to_string()).await.form
    };
    assert!(save(&app, Some(&admin), form).await.status.is_success());
    assert_eq!(
        get(&app, "/treatments/hydrafacial").await.status,
        StatusCode::NOT_FOUND
    );
    // Staff still see it, marked inactive.
    let list = get_as(&app, "/admin/treatments", Some(&admin)).await;
    assert!(list.body.contains("Inactive"));
}

#[sqlx::test(migrations = "../migrations")]
async fn only_clinic_admins_manage_treatments(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let id = treatment_id(&pool, "hydrafacial").await;
    let form = editor(&app, &admin, &id.to_string()).await.form;
    let patient = signed_in(&app, PATIENT).await;
    let front_desk = signed_in(&app, FRONT_DESK).await;
    for (who, cookie, status) in [
        ("anonymous", None, 401),
        ("patient", Some(patient.as_str()), 403),
        ("front desk", Some(front_desk.as_str()), 403),
    ] {
        let changed = TreatmentForm {
            price: "1".to_owned(),
            ..form.clone()
        };
        assert_eq!(
            save(&app, cookie, changed).await.status.as_u16(),
            status,
            "{who}: save"
        );
        assert_eq!(
            call_as(&app, "admin/treatments", cookie)
                .await
                .status
                .as_u16(),
            status,
            "{who}: list"
        );
        assert_eq!(
            get_as(&app, "/admin/treatments", cookie)
                .await
                .status
                .as_u16(),
            status,
            "{who}: list page"
        );
        assert_eq!(
            get_as(&app, &format!("/admin/treatments/{id}"), cookie)
                .await
                .status
                .as_u16(),
            status,
            "{who}: editor page"
        );
    }
    assert_eq!(stored_price(&pool, id).await, 16_500);
}

#[sqlx::test(migrations = "../migrations")]
async fn another_clinics_treatment_cannot_be_reached_by_its_id(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let other_clinic: Uuid = sqlx::query_scalar(
        "INSERT INTO clinics (slug, name, time_zone, currency, email, phone)
         VALUES ('other', 'Other Clinic', 'Europe/Paris', 'EUR', 'a@b.example', '1') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let category: Uuid = sqlx::query_scalar(
        "INSERT INTO treatment_categories (clinic_id, slug, name) VALUES ($1, 'skin', 'Skin')
         RETURNING id",
    )
    .bind(other_clinic)
    .fetch_one(&pool)
    .await
    .unwrap();
    let foreign: Uuid = sqlx::query_scalar(
        "INSERT INTO treatments (clinic_id, category_id, slug, name, summary, duration_minutes, price_minor)
         VALUES ($1, $2, 'peel', 'Peel', 'A peel.', 30, 9000) RETURNING id",
    )
    .bind(other_clinic)
    .bind(category)
    .fetch_one(&pool)
    .await
    .unwrap();

    let editor_reply = post_as(
        &app,
        "admin/treatment_editor",
        Some(&admin),
        &format!("id={foreign}"),
    )
    .await;
    assert_eq!(editor_reply.status, StatusCode::NOT_FOUND);

    // A form for our own treatment, pointed at theirs.
    let own = treatment_id(&pool, "hydrafacial").await;
    let mut form = editor(&app, &admin, &own.to_string()).await.form;
    form.id = foreign.to_string();
    form.slug = "peel".to_owned();
    form.price = "1".to_owned();
    form.payment_rule = String::new();
    let reply = save(&app, Some(&admin), form.clone()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    assert_eq!(stored_price(&pool, foreign).await, 9_000);

    // Nor can their category be borrowed for one of ours.
    form.id = own.to_string();
    form.slug = "hydrafacial".to_owned();
    form.category_id = category.to_string();
    let problems = common::field_problems(&save(&app, Some(&admin), form).await);
    assert!(problem_for(&problems, "category_id").is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_sets_a_treatments_rooms_cancel_window_and_places(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let id = treatment_id(&pool, "hydrafacial").await;
    let current = editor(&app, &admin, &id.to_string()).await;
    let room = current.rooms.first().expect("the demo has rooms").clone();

    // A slip first: refused beside the fields, and nothing stored.
    let refused = save(
        &app,
        Some(&admin),
        TreatmentForm {
            capacity: "1".to_owned(),
            late_cancel_hours: "a day".to_owned(),
            room_ids: vec![room.id.clone()],
            ..current.form.clone()
        },
    )
    .await;
    let problems = common::field_problems(&refused);
    assert!(problem_for(&problems, "capacity").is_some());
    assert!(problem_for(&problems, "late_cancel_hours").is_some());
    let rooms: i64 =
        sqlx::query_scalar("SELECT count(*) FROM treatment_rooms WHERE treatment_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rooms, 0);

    let saved = save(
        &app,
        Some(&admin),
        TreatmentForm {
            capacity: "6".to_owned(),
            late_cancel_hours: "48".to_owned(),
            room_ids: vec![room.id.clone()],
            ..current.form.clone()
        },
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let (hours, capacity): (Option<i32>, Option<i32>) =
        sqlx::query_as("SELECT late_cancel_hours, capacity FROM treatments WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((hours, capacity), (Some(48), Some(6)));
    let again = editor(&app, &admin, &id.to_string()).await;
    assert_eq!(again.form.room_ids, vec![room.id.clone()]);
    assert_eq!(
        (
            again.form.late_cancel_hours.as_str(),
            again.form.capacity.as_str()
        ),
        ("48", "6")
    );

    // Emptied again: the clinic's window, one patient at a time, no room needed.
    let cleared = save(
        &app,
        Some(&admin),
        TreatmentForm {
            capacity: String::new(),
            late_cancel_hours: String::new(),
            room_ids: Vec::new(),
            ..again.form
        },
    )
    .await;
    assert!(cleared.status.is_success(), "{}", cleared.body);
    let (hours, capacity): (Option<i32>, Option<i32>) =
        sqlx::query_as("SELECT late_cancel_hours, capacity FROM treatments WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((hours, capacity), (None, None));
}
