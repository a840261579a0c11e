//! Server functions for staff accounts. Clinic admins only.

use crate::admin::types::StaffMember;
use crate::domain::staff::InviteForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::auth::principal::require,
    backend::{state::app_state, store},
    domain::access::Action,
    domain::staff::staff_role,
    ui::status::answer,
};

#[server(endpoint = "admin/staff")]
pub async fn fetch_staff() -> Result<Vec<StaffMember>, AppError> {
    require(Action::ManageClinic).await?;
    let state = app_state()?;
    answer(store::staff::list(&state.pool, state.clinic_id).await)
}

/// Creates the account and emails the invitation link.
#[server(endpoint = "admin/invite_staff")]
pub async fn invite_staff(#[server(default)] form: InviteForm) -> Result<(), AppError> {
    let me = require(Action::ManageClinic).await?;
    let invite = answer(form.parse().map_err(AppError::Rejected))?;
    let state = app_state()?;
    answer(
        store::staff::invite(
            &state.pool,
            state.clinic_id,
            &me,
            &invite,
            &state.public_url,
            state.clock.now(),
        )
        .await,
    )?;
    leptos_axum::redirect("/admin/staff?saved=invited");
    Ok(())
}

/// Changes a member of staff's role, or turns their account off (or on again).
#[server(endpoint = "admin/update_staff")]
pub async fn update_staff(user_id: String, role: String, active: bool) -> Result<(), AppError> {
    let me = require(Action::ManageClinic).await?;
    let user_id = answer(uuid::Uuid::parse_str(&user_id).map_err(|_| AppError::NotFound))?;
    let role = answer(
        staff_role(&role).ok_or_else(|| AppError::Invalid("Choose a staff role.".to_owned())),
    )?;
    let state = app_state()?;
    answer(store::staff::update(&state.pool, state.clinic_id, &me, user_id, role, active).await)?;
    leptos_axum::redirect("/admin/staff?saved=updated");
    Ok(())
}

/// Resets another member of staff's authenticator, for when they have lost it and its
/// recovery codes. Their next sign-in sets up a new one.
#[server(endpoint = "admin/reset_staff_authenticator")]
pub async fn reset_staff_authenticator(user_id: String) -> Result<(), AppError> {
    let me = require(Action::ManageClinic).await?;
    let state = app_state()?;
    answer(
        async {
            let user_id = AppError::record_id(&user_id)?;
            store::staff::reset_second_factor(
                &state.pool,
                state.clinic_id,
                &me,
                user_id,
                state.clock.now(),
            )
            .await
        }
        .await,
    )?;
    leptos_axum::redirect("/admin/staff?saved=authenticator_reset");
    Ok(())
}
