//! Server functions for the patient list and a patient's page. Each read is audited:
//! staff reading patient records is what a clinic must be able to account for.

use super::types::{PatientDetail, PatientRow};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::types::{OtherRecord, PatientNote, PatientVisit},
    crate::backend::audit,
    crate::backend::auth::principal::require,
    crate::backend::state::app_state,
    crate::backend::store::patients as store,
    crate::backend::store::patients::MergeRefusal,
    crate::domain::access::Action,
    crate::domain::appointment::AppointmentStatus,
    crate::domain::form::text,
    crate::ui::status::answer,
    chrono::{DateTime, Utc},
    chrono_tz::Tz,
};

/// The longest note staff can add (the database allows this much).
pub const NOTE_MAX: usize = 5000;

#[cfg(feature = "ssr")]
async fn clinic_zone(state: &crate::backend::state::AppState) -> Result<Tz, AppError> {
    let rules = crate::backend::store::booking::rules(&state.pool, state.clinic_id).await?;
    rules
        .time_zone
        .parse::<Tz>()
        .map_err(|_| AppError::Unavailable)
}

#[cfg(feature = "ssr")]
fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// Patients whose name, email or phone contains `search`; the first 100 when it is empty.
#[server(endpoint = "admin/patients")]
pub async fn fetch_patients(
    #[server(default)] search: String,
) -> Result<Vec<PatientRow>, AppError> {
    let me = require(Action::ViewPatients).await?;
    audit::record_for_request(Some(&me), "read", "patient_list", None).await?;
    let state = app_state()?;
    let rules = answer(
        crate::backend::store::booking::rules(&state.pool, state.clinic_id)
            .await
            .map_err(AppError::from),
    )?;
    let zone = answer(
        rules
            .time_zone
            .parse::<Tz>()
            .map_err(|_| AppError::Unavailable),
    )?;
    let found = answer(
        store::search(
            &state.pool,
            state.clinic_id,
            &search,
            100,
            state.clock.now(),
            rules.home(),
        )
        .await
        .map_err(AppError::from),
    )?;
    Ok(found
        .into_iter()
        .map(|p| PatientRow {
            id: p.id.to_string(),
            name: format!("{} {}", p.first_name, p.last_name),
            email: p.email,
            phone: p.phone,
            next_visit: p.next_visit.map(|at| local(at, zone)),
            visits: p.visits,
        })
        .collect())
}

#[server(endpoint = "admin/patient")]
pub async fn fetch_patient(id: String) -> Result<PatientDetail, AppError> {
    let me = require(Action::ViewPatients).await?;
    let id = answer(AppError::record_id(&id))?;
    audit::record_for_request(Some(&me), "read", "patient", Some(id)).await?;
    let state = app_state()?;
    answer(
        async {
            let zone = clinic_zone(&state).await?;
            let now = state.clock.now();
            let patient = store::patient(&state.pool, state.clinic_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let visits = store::visits(&state.pool, state.clinic_id, id).await?;
            let notes = store::notes(&state.pool, state.clinic_id, id).await?;
            let same_email = store::same_email(&state.pool, state.clinic_id, id).await?;
            let since = |at: DateTime<Utc>| at.with_timezone(&zone).format("%-d %B %Y").to_string();
            Ok(PatientDetail {
                id: patient.id.to_string(),
                name: format!("{} {}", patient.first_name, patient.last_name),
                email: patient.email,
                phone: patient.phone,
                has_account: patient.has_account,
                booked_as_guest: patient.booked_as_guest,
                since: since(patient.created_at),
                same_email: same_email
                    .into_iter()
                    .map(|other| OtherRecord {
                        id: other.id.to_string(),
                        name: format!("{} {}", other.first_name, other.last_name),
                        phone: other.phone,
                        since: since(other.created_at),
                        has_account: other.has_account,
                        booked_as_guest: other.booked_as_guest,
                    })
                    .collect(),
                visits: visits
                    .into_iter()
                    .map(|v| PatientVisit {
                        id: v.id.to_string(),
                        when: local(v.starts, zone),
                        treatment: v.treatment,
                        provider: v.provider,
                        status_label: AppointmentStatus::parse(&v.status)
                            .map_or("", AppointmentStatus::label)
                            .to_owned(),
                        upcoming: v.starts > now,
                    })
                    .collect(),
                notes: notes
                    .into_iter()
                    .map(|n| PatientNote {
                        at: local(n.created_at, zone),
                        author: n
                            .author
                            .unwrap_or_else(|| "A former member of staff".to_owned()),
                        body: n.body,
                    })
                    .collect(),
            })
        }
        .await,
    )
}

#[server(endpoint = "admin/add_patient_note")]
pub async fn add_patient_note(
    patient_id: String,
    #[server(default)] body: String,
) -> Result<(), AppError> {
    let me = require(Action::ViewPatients).await?;
    let id = answer(AppError::record_id(&patient_id))?;
    let mut problems = Vec::new();
    let body = text(&mut problems, "body", &body, "the note", NOTE_MAX, true);
    if !problems.is_empty() {
        return answer(Err(AppError::Rejected(problems)));
    }
    let state = app_state()?;
    let added = answer(
        store::add_note(
            &state.pool,
            state.clinic_id,
            id,
            &body,
            &me,
            state.clock.now(),
        )
        .await,
    )?;
    if !added {
        return answer(Err(AppError::NotFound));
    }
    leptos_axum::redirect(&format!("/admin/patients/{id}?saved=note"));
    Ok(())
}

/// Merges record `from` into record `into` (the page being read): staff do it once they
/// know two records are one person, such as a guest's online booking made with a
/// patient's email address.
#[server(endpoint = "admin/merge_patients")]
pub async fn merge_patients(from: String, into: String) -> Result<(), AppError> {
    let me = require(Action::ManageAppointments).await?;
    let from = answer(AppError::record_id(&from))?;
    let into = answer(AppError::record_id(&into))?;
    let state = app_state()?;
    let merged = answer(store::merge(&state.pool, state.clinic_id, from, into, &me).await)?;
    let problem = match merged {
        Ok(()) => {
            leptos_axum::redirect(&format!("/admin/patients/{into}?saved=merged"));
            return Ok(());
        }
        Err(MergeRefusal::NotFound) => return answer(Err(AppError::NotFound)),
        Err(MergeRefusal::Same) => "A record cannot be merged into itself.",
        Err(MergeRefusal::TwoAccounts) => {
            "Both records have their own online account, so they may be two people. Ask the \
             patient which account they use; the other can be closed first."
        }
        Err(MergeRefusal::SameSession) => {
            "Both records have a place at the same group session. Cancel one of the places, \
             then merge."
        }
    };
    answer(Err(AppError::Invalid(problem.to_owned())))
}
