//! Server functions for the practice system's ids: clinic admins only (`ManageClinic`),
//! and only while the clinic books through a practice system.

use super::types::PracticeIdsScreen;
use crate::domain::practice_ids::PracticeIdsForm;
use crate::error::AppError;
use leptos::prelude::*;

/// The centre Lumen books at, when the clinic books through a practice system.
#[cfg(feature = "ssr")]
fn connected_centre(state: &crate::backend::state::AppState) -> Option<String> {
    use crate::backend::integrations::booking::BookingBackend;
    match &state.booking {
        BookingBackend::Lumen => None,
        BookingBackend::Practice(system) => Some(system.center().to_owned()),
    }
}

/// The section's data; `None` when the clinic books on Lumen's own calendar.
#[server(endpoint = "admin/practice_ids")]
pub async fn fetch_practice_ids() -> Result<Option<PracticeIdsScreen>, AppError> {
    use super::types::MappedRow;
    use crate::backend::auth::principal::require;
    use crate::backend::store::practice::{known, Kind};
    use crate::domain::access::Action;
    require(Action::ManageClinic).await?;
    let state = crate::backend::state::app_state()?;
    let Some(centre) = connected_centre(&state) else {
        return Ok(None);
    };
    let mut screen = PracticeIdsScreen {
        centre,
        treatments: Vec::new(),
        providers: Vec::new(),
        locations: Vec::new(),
    };
    for row in known(&state.pool, state.clinic_id).await? {
        let list = match row.kind {
            Kind::Treatment => &mut screen.treatments,
            Kind::Provider => &mut screen.providers,
            Kind::Location => &mut screen.locations,
        };
        list.push(MappedRow {
            id: row.id.to_string(),
            name: row.name,
            hidden: !row.active,
            practice_id: row.practice_id.unwrap_or_default(),
        });
    }
    Ok(Some(screen))
}

/// Saves the whole mapping at once: the form lists every row, an empty id unmaps it.
#[server(endpoint = "admin/save_practice_ids")]
pub async fn save_practice_ids(#[server(default)] form: PracticeIdsForm) -> Result<(), AppError> {
    use crate::backend::auth::principal::require;
    use crate::backend::store::practice::{replace_ids, NotSaved};
    use crate::domain::access::Action;
    use crate::domain::practice_ids::check;
    use crate::ui::status::answer;
    let me = require(Action::ManageClinic).await?;
    let state = crate::backend::state::app_state()?;
    let centre = answer(connected_centre(&state).ok_or_else(|| {
        AppError::Invalid(
            "The clinic books on Lumen's own calendar: there is no practice system to map to."
                .into(),
        )
    }))?;
    let ids = answer(check(&form).map_err(AppError::Rejected))?;
    let saved = replace_ids(&state.pool, state.clinic_id, &ids, &centre, &me).await?;
    answer(saved.map_err(|NotSaved::UnknownRow| {
        AppError::Invalid(
            "A treatment, provider or location on the form is no longer the clinic's: reload the page and save again."
                .into(),
        )
    }))?;
    leptos_axum::redirect("/admin/settings?practice_saved=1");
    Ok(())
}
