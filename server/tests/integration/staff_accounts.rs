//! Staff accounts: an admin invites someone, they choose a password from the emailed link
//! and sign in (setting up their authenticator first); roles change and accounts turn off.

use crate::common;

use app::admin::types::StaffMember;
use app::domain::form::problem_for;
use axum::http::StatusCode;
use axum::Router;
use common::{
    call_as, post_as, session_cookie, sign_in_as, signed_in, token_in_email, ADMIN, FRONT_DESK,
    PATIENT,
};
use sqlx::PgPool;

const NOOR: &str = "noor@juniper-clinic.example";
const NOOR_PASSWORD: &str = "saffron+window+hollow";

async fn invite(app: &Router, cookie: &str, email: &str, role: &str) -> common::Reply {
    post_as(
        app,
        "admin/invite_staff",
        Some(cookie),
        &format!(
            "form[name]=Noor+Haddad&form[email]={}&form[role]={role}",
            email.replace('@', "%40")
        ),
    )
    .await
}

async fn staff(app: &Router, cookie: &str) -> Vec<StaffMember> {
    serde_json::from_str(&call_as(app, "admin/staff", Some(cookie)).await.body).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invited_member_of_staff_chooses_a_password_and_signs_in(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let invited = invite(&app, &admin, NOOR, "provider").await;
    assert!(invited.status.is_success(), "{}", invited.body);
    let noor = staff(&app, &admin)
        .await
        .into_iter()
        .find(|m| m.email == NOOR)
        .unwrap();
    assert!(noor.invited && noor.active && !noor.second_factor);
    assert_eq!(noor.role, "provider");

    // Until the invitation is accepted there is no password to sign in with.
    let early = sign_in_as(&app, NOOR, NOOR_PASSWORD, None).await;
    assert!(early.headers.get("set-cookie").is_none());

    let token = token_in_email(&pool, NOOR, "staff_invite", "/accept-invite?token=").await;
    let weak = post_as(
        &app,
        "accept_invite",
        None,
        &format!("token={token}&password=password1"),
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = post_as(
        &app,
        "accept_invite",
        None,
        &format!("token={token}&password={NOOR_PASSWORD}"),
    )
    .await;
    assert!(accepted.status.is_success(), "{}", accepted.body);
    assert_eq!(accepted.headers["location"], "/sign-in?invited=done");
    let again = post_as(
        &app,
        "accept_invite",
        None,
        &format!("token={token}&password={NOOR_PASSWORD}"),
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the link works once"
    );

    let first = sign_in_as(&app, NOOR, NOOR_PASSWORD, None).await;
    assert_eq!(first.headers["location"], "/sign-in/set-up?next=%2Fadmin");
    session_cookie(&first);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_invite_and_never_to_an_address_in_use(pool: PgPool) {
    let app = common::app(&pool).await;
    let front_desk = signed_in(&app, FRONT_DESK).await;
    assert_eq!(
        invite(&app, &front_desk, NOOR, "provider").await.status,
        StatusCode::FORBIDDEN
    );
    let admin = signed_in(&app, ADMIN).await;
    let taken = invite(&app, &admin, PATIENT, "front_desk").await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&common::field_problems(&taken), "email").is_some());
    // No patient or operator accounts can be made this way.
    let patient_role = invite(&app, &admin, NOOR, "patient").await;
    assert!(problem_for(&common::field_problems(&patient_role), "role").is_some());
    let operator = invite(&app, &admin, NOOR, "platform_operator").await;
    assert!(problem_for(&common::field_problems(&operator), "role").is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_changes_roles_and_turns_accounts_off_but_not_their_own(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let front_desk = signed_in(&app, FRONT_DESK).await;
    let members = staff(&app, &admin).await;
    let id_of = |email: &str| {
        members
            .iter()
            .find(|m| m.email == email)
            .unwrap()
            .id
            .to_string()
    };
    let update = |id: String, role: &str, active: bool| {
        let app = app.clone();
        let admin = admin.clone();
        let role = role.to_owned();
        async move {
            post_as(
                &app,
                "admin/update_staff",
                Some(&admin),
                &format!("user_id={id}&role={role}&active={active}"),
            )
            .await
        }
    };

    // Promoted: the receptionist's session gains the admin screens at once.
    let promoted = update(id_of(FRONT_DESK), "clinic_admin", true).await;
    assert!(promoted.status.is_success(), "{}", promoted.body);
    assert_eq!(
        call_as(&app, "admin/staff", Some(&front_desk)).await.status,
        StatusCode::OK
    );
    // Turned off: their session ends.
    let off = update(id_of(FRONT_DESK), "front_desk", false).await;
    assert!(off.status.is_success(), "{}", off.body);
    assert_eq!(
        call_as(&app, "my_account", Some(&front_desk)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Nobody locks themselves out, and nobody reaches a patient's account this way.
    let own = update(id_of(ADMIN), "front_desk", true).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    let patient_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(PATIENT)
        .fetch_one(&pool)
        .await
        .unwrap();
    let patient = update(patient_id.to_string(), "clinic_admin", true).await;
    assert_eq!(patient.status, StatusCode::NOT_FOUND);
    let role: String = sqlx::query_scalar("SELECT role::text FROM users WHERE id = $1")
        .bind(patient_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(role, "patient");
}
