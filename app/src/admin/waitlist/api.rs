//! The staff's waitlist: reading it needs `ViewPatients` (it names patients) and is
//! audited; taking someone off it needs `ManageAppointments`.

use super::types::WaitingRow;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "admin/waitlist")]
pub async fn fetch_waitlist() -> Result<Vec<WaitingRow>, AppError> {
    use crate::backend::auth::principal::require;
    use crate::backend::store::{booking, waitlist};
    use crate::domain::access::Action;
    let me = require(Action::ViewPatients).await?;
    crate::backend::audit::record_for_request(Some(&me), "read", "waitlist", None).await?;
    let state = crate::backend::state::app_state()?;
    let zone = booking::rules(&state.pool, state.clinic_id).await?.zone();
    let now = state.clock.now();
    let rows = waitlist::list(
        &state.pool,
        state.clinic_id,
        now.with_timezone(&zone).date_naive(),
        now,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| WaitingRow {
            id: row.id.to_string(),
            patient_id: row.patient_id.to_string(),
            patient: row.patient,
            treatment: row.treatment,
            provider: row.provider.unwrap_or_else(|| "Anyone".to_owned()),
            when: row.wish.describe(),
            joined: row
                .joined
                .with_timezone(&zone)
                .format("%-d %b %Y, %H:%M")
                .to_string(),
            offers: row.offers,
            offered_now: row.open_offer,
        })
        .collect())
}

/// Takes a patient off the waitlist (they asked by phone, or booked another way); any time
/// on offer to them lapses.
#[server(endpoint = "admin/remove_from_waitlist")]
pub async fn remove_from_waitlist(id: String) -> Result<(), AppError> {
    use crate::backend::auth::principal::require;
    use crate::domain::access::Action;
    let me = require(Action::ManageAppointments).await?;
    let id = crate::ui::status::answer(AppError::record_id(&id))?;
    let state = crate::backend::state::app_state()?;
    let removed = crate::backend::store::waitlist::remove(
        &state.pool,
        state.clinic_id,
        id,
        state.clock.now(),
    )
    .await?;
    crate::ui::status::answer(if removed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    })?;
    crate::backend::audit::record_for_request(Some(&me), "remove", "waitlist_entry", Some(id))
        .await?;
    leptos_axum::redirect("/admin/waitlist?removed=1");
    Ok(())
}
