//! A platform operator adds a clinic (`lumen create-clinic`): the clinic, its first admin's
//! invitation, and a site of its own that the demo clinic's site cannot see into.

use crate::common;

use app::backend::state::{AppState, Clock};
use app::backend::store::clinics;
use app::domain::form::problem_for;
use app::domain::new_clinic::NewClinicForm;
use app::error::AppError;
use axum::http::StatusCode;
use axum::Router;
use common::{get, post_as, sign_in_as, token_in_email, PUBLIC_URL};
use sqlx::PgPool;
use uuid::Uuid;

fn birch() -> NewClinicForm {
    NewClinicForm {
        name: "Birch Aesthetics".into(),
        slug: "birch".into(),
        time_zone: "Europe/Dublin".into(),
        currency: "EUR".into(),
        email: "hello@birch.example".into(),
        phone: "+353 1 555 0100".into(),
        admin_name: "Aoife Byrne".into(),
        admin_email: "aoife@birch.example".into(),
    }
}

/// The router as `lumen serve` builds it with LUMEN_CLINIC set to that clinic.
async fn site_of(pool: &PgPool, clinic_id: Uuid) -> Router {
    let tenant = common::request_pool(pool, 5, clinic_id).await;
    lumen::http::router(AppState {
        leptos_options: common::leptos_options(),
        pool: tenant,
        clinic_id,
        clock: Clock::system(),
        public_url: PUBLIC_URL.to_owned(),
        media: common::media(),
        messaging: app::backend::integrations::messaging::Messaging::development(),
        payments: Default::default(),
        secret_keys: common::secret_keys().into(),
        assistant: Default::default(),
        live: Default::default(),
        webhooks: app::backend::webhooks::Webhooks::new(true),
        booking: Default::default(),
        video: Default::default(),
    })
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_clinic_gets_its_own_site_and_its_admin_an_invitation(pool: PgPool) {
    let demo_clinic = common::seeded(&pool).await.clinic_id;
    let clinic = birch().parse().unwrap();
    let created = clinics::create(&pool, &clinic, PUBLIC_URL, chrono::Utc::now())
        .await
        .unwrap();
    assert!(created
        .invitation
        .starts_with(&format!("{PUBLIC_URL}/accept-invite?token=")));
    let audited: String = sqlx::query_scalar(
        "SELECT actor_role FROM audit_log WHERE action = 'create' AND subject_type = 'clinic'
           AND subject_id = $1",
    )
    .bind(created.clinic_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, "platform_operator");

    let site = site_of(&pool, created.clinic_id).await;
    let home = get(&site, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Birch Aesthetics"));
    assert!(
        !home.body.contains("Juniper"),
        "nothing of the other clinic"
    );

    // The admin accepts on the new clinic's site, then signs in and sets up their app.
    let token = token_in_email(
        &pool,
        "aoife@birch.example",
        "staff_invite",
        "/accept-invite?token=",
    )
    .await;
    assert!(created.invitation.ends_with(&token));
    let accepted = post_as(
        &site,
        "accept_invite",
        None,
        &format!("token={token}&password=quiet+birch+morning+tea"),
    )
    .await;
    assert!(accepted.status.is_success(), "{}", accepted.body);
    let first = sign_in_as(
        &site,
        "aoife@birch.example",
        "quiet+birch+morning+tea",
        None,
    )
    .await;
    assert_eq!(first.headers["location"], "/sign-in/set-up?next=%2Fadmin");

    // The demo clinic's site knows nothing of her.
    let demo = site_of(&pool, demo_clinic).await;
    let elsewhere = sign_in_as(
        &demo,
        "aoife@birch.example",
        "quiet+birch+morning+tea",
        None,
    )
    .await;
    assert!(
        elsewhere.headers.get("set-cookie").is_none(),
        "no session on the demo clinic's site"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_taken_short_name_or_unknown_zone_creates_nothing(pool: PgPool) {
    common::seeded(&pool).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT (SELECT count(*) FROM clinics) + (SELECT count(*) FROM users)",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let before = count().await;
    let demo_slug: String = sqlx::query_scalar("SELECT slug FROM clinics")
        .fetch_one(&pool)
        .await
        .unwrap();
    let taken = NewClinicForm {
        slug: demo_slug,
        ..birch()
    };
    for (form, field) in [
        (taken, "slug"),
        (
            NewClinicForm {
                time_zone: "Europe/Atlantis".into(),
                ..birch()
            },
            "time_zone",
        ),
    ] {
        let error = clinics::create(
            &pool,
            &form.parse().unwrap(),
            PUBLIC_URL,
            chrono::Utc::now(),
        )
        .await
        .err()
        .unwrap();
        let AppError::Rejected(problems) = error else {
            panic!("{error:?}");
        };
        assert!(
            problem_for(&problems, field).is_some(),
            "{field}: {problems:?}"
        );
    }
    assert_eq!(count().await, before);
}
