//! The clinic's payment policy: what staff set in the settings and on a treatment, and what
//! the public treatment page then says a patient pays when they book.

use crate::common::stripe::FakeStripe;
use crate::common::{self, get, post_as, signed_in, ADMIN};
use app::admin::treatments::api::SaveTreatment;
use app::admin::treatments::types::TreatmentEditor;
use app::backend::integrations::messaging::Messaging;
use app::backend::state::Clock;
use app::domain::form::problem_for;
use axum::http::StatusCode;
use axum::Router;
use sqlx::PgPool;
use uuid::Uuid;

async fn save_settings(app: &Router, admin: &str, changes: &[(&str, &str)]) -> common::Reply {
    let form = common::settings_with(app, admin, changes).await;
    post_as(app, "admin/save_settings", Some(admin), &form).await
}

/// The demo clinic on a server with Stripe's keys (the stand-in's; nothing here pays).
async fn app_with_stripe(pool: &PgPool, stripe: &FakeStripe) -> Router {
    common::app_with_payments(
        pool,
        Clock::system(),
        common::media(),
        Messaging::development(),
        stripe.payments(),
    )
    .await
    .0
}

async fn treatment_editor(app: &Router, admin: &str, pool: &PgPool, slug: &str) -> TreatmentEditor {
    let id: Uuid = sqlx::query_scalar("SELECT id FROM treatments WHERE slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap();
    let reply = post_as(
        app,
        "admin/treatment_editor",
        Some(admin),
        &format!("id={id}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_treatment_page_says_what_the_policy_asks_when_booking(pool: PgPool) {
    let stripe = FakeStripe::start(None);
    let app = app_with_stripe(&pool, &stripe).await;
    let admin = signed_in(&app, ADMIN).await;
    sqlx::query(
        "UPDATE treatments SET payment_rule = 'deposit', deposit_minor = 3000
         WHERE slug = 'hydrafacial'",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Until the clinic takes payments online, nothing is due when booking.
    let workshop = get(&app, "/treatments/skin-health-workshop").await;
    assert!(workshop.body.contains("Nothing until your visit"));

    let saved = save_settings(
        &app,
        &admin,
        &[
            ("payment_processor", "stripe"),
            ("payment_rule", "percent"),
            ("payment_percent", "20"),
            ("first_visit_rule", "full"),
            ("keep_card_on_file", "on"),
            ("pay_within_minutes", "45"),
        ],
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);

    // The workshop (£35) follows the clinic's rule; a first visit pays in full.
    let workshop = get(&app, "/treatments/skin-health-workshop").await;
    assert!(
        workshop
            .body
            .contains("£7 deposit when you book, part of the price"),
        "{}",
        workshop.body
    );
    assert!(workshop.body.contains("£35, the full price, when you book"));
    // The HydraFacial has its own £30 deposit; a first visit still pays in full.
    let facial = get(&app, "/treatments/hydrafacial").await;
    assert!(facial
        .body
        .contains("£30 deposit when you book, part of the price"));
    assert!(facial.body.contains("£165, the full price, when you book"));
    // A free consultation asks nothing, whatever the rule.
    let consultation = get(&app, "/treatments/aesthetic-consultation").await;
    assert!(consultation.body.contains("Nothing until your visit"));
    assert!(!consultation.body.contains("On a first visit"));

    // The form reads back as saved.
    let current = post_as(&app, "admin/settings", Some(&admin), "").await;
    let current: serde_json::Value = serde_json::from_str(&current.body).unwrap();
    for (field, value) in [
        ("payment_processor", "stripe"),
        ("payment_rule", "percent"),
        ("payment_percent", "20"),
        ("first_visit_rule", "full"),
        ("pay_within_minutes", "45"),
    ] {
        assert_eq!(current[field], value, "{field}");
    }
    assert_eq!(current["keep_card_on_file"], true);
    // And the settings screen shows the rules chosen.
    let screen = common::get_as(&app, "/admin/settings", Some(&admin)).await;
    assert!(
        screen.body.contains("Take payments online with"),
        "{}",
        screen.body
    );
    for (field, value) in [
        ("payment_processor", "stripe"),
        ("payment_rule", "percent"),
        ("first_visit_rule", "full"),
    ] {
        let select = &screen.body[screen.body.find(&format!(r#"id="{field}""#)).unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        assert!(
            select.contains(&format!(r#"value="{value}" selected"#)),
            "{field}: {select}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_payment_rule_is_refused_and_nothing_is_saved(pool: PgPool) {
    let stripe = FakeStripe::start(None);
    let app = app_with_stripe(&pool, &stripe).await;
    let admin = signed_in(&app, ADMIN).await;
    let refused = save_settings(
        &app,
        &admin,
        &[
            ("name", "Renamed Clinic"),
            ("payment_processor", "stripe"),
            ("payment_rule", "percent"),
            ("payment_percent", "0"),
            ("first_visit_rule", "deposit"),
            ("first_visit_deposit", "12.345"),
            ("pay_within_minutes", "10"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = common::field_problems(&refused);
    for field in [
        "payment_percent",
        "first_visit_deposit",
        "pay_within_minutes",
    ] {
        assert!(
            problem_for(&problems, field).is_some(),
            "{field}: {problems:?}"
        );
    }
    let (name, processor): (String, String) =
        sqlx::query_as("SELECT name, payment_processor FROM clinics")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_ne!(name, "Renamed Clinic");
    assert_eq!(processor, "offline");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_clinic_in_yen_takes_whole_amounts_and_a_treatment_its_own_share(pool: PgPool) {
    let stripe = FakeStripe::start(None);
    let app = app_with_stripe(&pool, &stripe).await;
    let admin = signed_in(&app, ADMIN).await;
    let saved = save_settings(
        &app,
        &admin,
        &[
            ("currency", "JPY"),
            ("payment_processor", "stripe"),
            ("payment_rule", "full"),
        ],
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);

    // Changing the currency converts nothing: 16,500 minor units are now ¥16,500.
    let editor = treatment_editor(&app, &admin, &pool, "hydrafacial").await;
    assert_eq!(editor.form.price, "16500");
    assert_eq!(editor.form.payment_rule, "", "the clinic's rule");

    let mut form = editor.form;
    form.price = "16500.5".to_owned();
    let body = serde_qs::to_string(&SaveTreatment { form: form.clone() }).unwrap();
    let refused = post_as(&app, "admin/save_treatment", Some(&admin), &body).await;
    assert_eq!(
        problem_for(&common::field_problems(&refused), "price"),
        Some("JPY has no smaller unit: enter a whole amount.")
    );

    form.price = "16500".to_owned();
    form.payment_rule = "percent".to_owned();
    form.deposit_percent = "15".to_owned();
    let body = serde_qs::to_string(&SaveTreatment { form }).unwrap();
    let saved = post_as(&app, "admin/save_treatment", Some(&admin), &body).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let stored: (Option<String>, i16, i64) = sqlx::query_as(
        "SELECT payment_rule, deposit_percent, deposit_minor FROM treatments WHERE slug = 'hydrafacial'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, (Some("percent".to_owned()), 15, 0));

    let page = get(&app, "/treatments/hydrafacial").await;
    assert!(page.body.contains("¥16,500"));
    assert!(
        page.body
            .contains("¥2,475 deposit when you book, part of the price"),
        "{}",
        page.body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_payment_service_without_keys_on_the_server_cannot_be_chosen(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    for processor in ["stripe", "razorpay"] {
        let refused = save_settings(
            &app,
            &admin,
            &[("payment_processor", processor), ("payment_rule", "full")],
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{processor}"
        );
        let problems = common::field_problems(&refused);
        assert!(
            problem_for(&problems, "payment_processor").is_some_and(|p| p.contains("isn't set up")),
            "{processor}: {problems:?}"
        );
    }
    let processor: String = sqlx::query_scalar("SELECT payment_processor FROM clinics")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(processor, "offline");
}
