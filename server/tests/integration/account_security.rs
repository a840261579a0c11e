//! Changing what a person signs in with: their email (confirmed from the new address) and,
//! for staff, their authenticator (replaced by themselves, or reset by an admin). Each
//! asks for the password again or for an admin.

use crate::common;

use app::account::types::MyAccount;
use app::domain::form::problem_for;
use axum::http::StatusCode;
use common::{
    call_as, emails_to, field_problems, post_as, sign_in_as, signed_in, token_in_email, ADMIN,
    FRONT_DESK, PASSWORD, PATIENT,
};
use sqlx::PgPool;
use uuid::Uuid;

const NEW_ADDRESS: &str = "isla.m@example.org";

fn change_email(address: &str, password: &str) -> String {
    format!(
        "new_email={}&current_password={password}",
        address.replace('@', "%40")
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_moves_their_account_to_a_new_address_they_confirm(pool: PgPool) {
    let app = common::app(&pool).await;
    let me = signed_in(&app, PATIENT).await;

    let wrong = post_as(
        &app,
        "account/email",
        Some(&me),
        &change_email(NEW_ADDRESS, "nope"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_for(&field_problems(&wrong), "current_password").is_some());
    let same = post_as(
        &app,
        "account/email",
        Some(&me),
        &change_email(PATIENT, PASSWORD),
    )
    .await;
    assert_eq!(
        problem_for(&field_problems(&same), "new_email"),
        Some("That is already your email address.")
    );
    assert!(emails_to(&pool, NEW_ADDRESS).await.is_empty());

    let asked = post_as(
        &app,
        "account/email",
        Some(&me),
        &change_email(NEW_ADDRESS, PASSWORD),
    )
    .await;
    assert!(
        asked.status.is_success(),
        "{}: {}",
        asked.status,
        asked.body
    );
    assert_eq!(asked.headers["location"], "/account?saved=email_sent");
    // Nothing changes yet; the old address hears about it.
    let account: MyAccount =
        serde_json::from_str(&call_as(&app, "my_account", Some(&me)).await.body).unwrap();
    assert_eq!(account.email, PATIENT);
    assert!(emails_to(&pool, PATIENT)
        .await
        .iter()
        .any(|(kind, _)| kind == "change_email_requested"));

    let token = token_in_email(
        &pool,
        NEW_ADDRESS,
        "change_email",
        "/confirm-email-change?token=",
    )
    .await;
    let confirmed = post_as(
        &app,
        "account/confirm_email_change",
        None,
        &format!("token={token}"),
    )
    .await;
    assert!(
        confirmed.status.is_success(),
        "{}: {}",
        confirmed.status,
        confirmed.body
    );
    let (user_email, patient_email): (String, String) = sqlx::query_as(
        "SELECT u.email, p.email FROM users u JOIN patients p ON p.user_id = u.id
         WHERE u.email = $1",
    )
    .bind(NEW_ADDRESS)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (user_email.as_str(), patient_email.as_str()),
        (NEW_ADDRESS, NEW_ADDRESS)
    );
    assert!(emails_to(&pool, PATIENT)
        .await
        .iter()
        .any(|(kind, _)| kind == "email_changed"));
    assert!(sign_in_as(&app, NEW_ADDRESS, PASSWORD, None)
        .await
        .status
        .is_redirection());
    let audited: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'email_changed')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(audited);

    // The link works once.
    let again = post_as(
        &app,
        "account/confirm_email_change",
        None,
        &format!("token={token}"),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_address_that_has_an_account_is_not_taken_over_or_revealed(pool: PgPool) {
    let app = common::app(&pool).await;
    let me = signed_in(&app, PATIENT).await;
    let asked = post_as(
        &app,
        "account/email",
        Some(&me),
        &change_email(FRONT_DESK, PASSWORD),
    )
    .await;
    // The same answer as for a free address.
    assert_eq!(asked.headers["location"], "/account?saved=email_sent");
    let to_owner = emails_to(&pool, FRONT_DESK).await;
    assert_eq!(to_owner.len(), 1);
    assert_eq!(to_owner[0].0, "change_email_taken");
    assert!(
        !to_owner[0].1.contains("confirm-email-change"),
        "no link that moves anything"
    );
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(email) = $1")
        .bind(FRONT_DESK)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(still, 1);
}

async fn totp_enabled(pool: &PgPool, email: &str) -> bool {
    sqlx::query_scalar("SELECT totp_enabled_at IS NOT NULL FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_replace_their_authenticator_after_their_password(pool: PgPool) {
    let app = common::app(&pool).await;
    let me = signed_in(&app, FRONT_DESK).await;
    let wrong = post_as(
        &app,
        "account/replace_authenticator",
        Some(&me),
        "current_password=nope",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(totp_enabled(&pool, FRONT_DESK).await);

    let replaced = post_as(
        &app,
        "account/replace_authenticator",
        Some(&me),
        &format!("current_password={PASSWORD}"),
    )
    .await;
    assert!(
        replaced.status.is_success(),
        "{}: {}",
        replaced.status,
        replaced.body
    );
    assert!(!totp_enabled(&pool, FRONT_DESK).await);
    // Signed out everywhere, this browser too; the next sign-in sets up the new app.
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&me)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = sign_in_as(&app, FRONT_DESK, PASSWORD, None).await;
    assert_eq!(again.headers["location"], "/sign-in/set-up?next=%2Fadmin");
    let codes: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.email = $1",
    )
    .bind(FRONT_DESK)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(codes, 0, "the old recovery codes are gone");

    // Patients have no authenticator to replace.
    let patient = signed_in(&app, PATIENT).await;
    let refused = post_as(
        &app,
        "account/replace_authenticator",
        Some(&patient),
        &format!("current_password={PASSWORD}"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_resets_a_colleagues_lost_authenticator(pool: PgPool) {
    let app = common::app(&pool).await;
    let admin = signed_in(&app, ADMIN).await;
    let colleague = signed_in(&app, FRONT_DESK).await;
    let id_of = |email: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (front_desk, me, patient) = (
        id_of(FRONT_DESK).await,
        id_of(ADMIN).await,
        id_of(PATIENT).await,
    );

    // Front desk cannot reset anyone; an admin cannot reset themselves here, nor a patient.
    let by_colleague = post_as(
        &app,
        "admin/reset_staff_authenticator",
        Some(&colleague),
        &format!("user_id={me}"),
    )
    .await;
    assert_eq!(by_colleague.status, StatusCode::FORBIDDEN);
    let own = post_as(
        &app,
        "admin/reset_staff_authenticator",
        Some(&admin),
        &format!("user_id={me}"),
    )
    .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    let of_patient = post_as(
        &app,
        "admin/reset_staff_authenticator",
        Some(&admin),
        &format!("user_id={patient}"),
    )
    .await;
    assert_eq!(of_patient.status, StatusCode::NOT_FOUND);
    assert!(totp_enabled(&pool, ADMIN).await);

    let reset = post_as(
        &app,
        "admin/reset_staff_authenticator",
        Some(&admin),
        &format!("user_id={front_desk}"),
    )
    .await;
    assert!(
        reset.status.is_success(),
        "{}: {}",
        reset.status,
        reset.body
    );
    assert!(!totp_enabled(&pool, FRONT_DESK).await);
    assert_eq!(
        call_as(&app, "admin/dashboard", Some(&colleague))
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "their sessions ended"
    );
    assert!(emails_to(&pool, FRONT_DESK)
        .await
        .iter()
        .any(|(kind, _)| kind == "second_factor_reset"));
    let audited: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM audit_log
                        WHERE action = 'second_factor_reset' AND subject_id = $1)",
    )
    .bind(front_desk)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(audited);
}
