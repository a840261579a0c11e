//! Server functions of the staff area.

use super::types::{AuditFilter, AuditPage, DashboardData, Mailbox, MessageFilter};
use crate::domain::clinic_settings::SettingsForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    backend::audit,
    backend::auth::principal::require,
    backend::integrations::messaging::Channel,
    backend::{state::app_state, store},
    domain::access::Action,
    domain::message_log::LogQuery,
    ui::status::answer,
};

#[server(endpoint = "admin/dashboard")]
pub async fn fetch_dashboard() -> Result<DashboardData, AppError> {
    let me = require(Action::ViewAdmin).await?;
    // The dashboard lists patients' names: reading it is reading patient data.
    audit::record_for_request(Some(&me), "read", "dashboard", None).await?;
    let state = app_state()?;
    store::admin::dashboard(&state.pool, state.clinic_id, state.clock.now()).await
}

/// The messages the clinic has sent or is holding that `filter` picks, newest first. The
/// whole log is for clinic admins (it carries patients' addresses); one patient's or one
/// appointment's messages are for whoever may see that patient, so the front desk can
/// answer "did my reminder go?". Private links show only in the development mailbox (no
/// provider configured at all), where staff are the only road a link has to its owner.
#[server(endpoint = "admin/mailbox")]
pub async fn fetch_mailbox(#[server(default)] filter: MessageFilter) -> Result<Mailbox, AppError> {
    let scoped = !filter.patient.trim().is_empty() || !filter.appointment.trim().is_empty();
    let me = require(if scoped {
        Action::ViewPatients
    } else {
        Action::ManageClinic
    })
    .await?;
    audit::record_for_request(Some(&me), "read", "mailbox", None).await?;
    let state = app_state()?;
    let pool = &state.pool;
    let clinic = state.clinic_id;
    // Once any provider is set up this is a real clinic's server: a channel still without
    // one keeps its links hidden too, so no staff member can follow a colleague's or a
    // patient's private link.
    let development = Channel::ALL
        .into_iter()
        .all(|channel| !state.messaging.sends(channel));
    let mut mailbox = Mailbox {
        development,
        filter: filter.clone(),
        problems: Vec::new(),
        kinds: store::outbox::kinds(pool, clinic).await?,
        scope: None,
        can_manage: crate::domain::access::allows(me.role, Action::ManageClinic),
        messages: Vec::new(),
        inbox: Vec::new(),
    };
    let query = match LogQuery::parse(&filter.typed()) {
        Ok(query) => query,
        Err(problems) => {
            mailbox.problems = problems;
            return Ok(mailbox);
        }
    };
    mailbox.scope = answer(scope(&state, &query).await)?;
    mailbox.messages = store::outbox::log(pool, clinic, development, &query, 100).await?;
    if query.appointment.is_none() {
        mailbox.inbox = store::texts::inbox(pool, clinic, query.patient, 50).await?;
    }
    Ok(mailbox)
}

/// Whose messages these are, in words; not found when the patient or appointment is not
/// the clinic's.
#[cfg(feature = "ssr")]
async fn scope(
    state: &crate::backend::state::AppState,
    query: &LogQuery,
) -> Result<Option<String>, AppError> {
    if let Some(id) = query.appointment {
        let row = store::calendar::appointment(&state.pool, state.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let zone = store::booking::rules(&state.pool, state.clinic_id)
            .await?
            .zone();
        let when = row
            .starts
            .with_timezone(&zone)
            .format("%a %-d %b %Y, %H:%M");
        let whose = row
            .patient_name
            .map(|name| format!("{name}'s "))
            .unwrap_or_default();
        return Ok(Some(format!("about {whose}{} on {when}", row.treatment)));
    }
    if let Some(id) = query.patient {
        let patient = store::patients::patient(&state.pool, state.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(Some(format!(
            "to {} {}",
            patient.first_name, patient.last_name
        )));
    }
    Ok(None)
}

/// The longest reply staff may text (a few SMS messages).
pub const REPLY_MAX: usize = 640;

/// Texts the staff's answer to a patient's message, on the channel it came by. For
/// whoever may see patients: the front desk answers them.
#[server(endpoint = "admin/mailbox/reply")]
pub async fn reply_to_patient(id: uuid::Uuid, body: String) -> Result<(), AppError> {
    let me = require(Action::ViewPatients).await?;
    let words = body.trim();
    if words.is_empty() || words.chars().count() > REPLY_MAX {
        return answer(Err(AppError::Rejected(vec![
            crate::domain::form::FieldProblem::new(
                "body",
                format!("Write a reply of up to {REPLY_MAX} characters."),
            ),
        ])));
    }
    let state = app_state()?;
    let sent = store::texts::reply(
        &state.pool,
        state.clinic_id,
        id,
        words,
        &me,
        state.clock.now(),
    )
    .await?;
    use store::texts::StaffReplyRefusal;
    let patient = answer(sent.map_err(|refusal| match refusal {
        StaffReplyRefusal::NotFound => AppError::NotFound,
        StaffReplyRefusal::OptedOut => AppError::Invalid(
            "This number replied STOP, so nothing more can be sent to it this way. Call the patient instead.".into(),
        ),
        StaffReplyRefusal::WindowClosed => AppError::Invalid(
            "WhatsApp lets the clinic write freely only within 24 hours of the patient's last message. Call the patient instead.".into(),
        ),
    }))?;
    leptos_axum::redirect(&match patient {
        Some(patient) => format!("/admin/mailbox?patient={patient}&saved=reply"),
        None => "/admin/mailbox?saved=reply".to_owned(),
    });
    Ok(())
}

/// Sends a dead letter again. Refused for one that carried a private link (removed when
/// it failed): its owner asks for a new link instead.
#[server(endpoint = "admin/mailbox/retry")]
pub async fn retry_message(id: uuid::Uuid) -> Result<(), AppError> {
    let me = require(Action::ManageClinic).await?;
    let state = app_state()?;
    let retried =
        store::outbox::retry_dead(&state.pool, state.clinic_id, id, state.clock.now()).await?;
    answer(match retried {
        Ok(()) => Ok(()),
        Err(store::outbox::RetryRefusal::NotDead) => Err(AppError::NotFound),
        Err(store::outbox::RetryRefusal::CarriedASecret) => Err(AppError::Invalid(
            "This message carried a private link, removed when it failed for good. Ask the person to request a new link (or send them a new confirmation).".into(),
        )),
    })?;
    audit::record_for_request(Some(&me), "retry", "message", Some(id)).await?;
    leptos_axum::redirect("/admin/mailbox?saved=retry");
    Ok(())
}

/// The clinic's audit log, newest first, a page at a time. Admins only; reading it is
/// recorded too.
#[server(endpoint = "admin/audit_log")]
pub async fn fetch_audit_log(filter: AuditFilter) -> Result<AuditPage, AppError> {
    let me = require(Action::ViewAuditLog).await?;
    audit::record_for_request(Some(&me), "read", "audit_log", None).await?;
    let state = app_state()?;
    Ok(store::audit_log::page(&state.pool, state.clinic_id, filter, 50).await?)
}

#[server(endpoint = "admin/settings")]
pub async fn fetch_settings() -> Result<SettingsForm, AppError> {
    require(Action::ManageClinic).await?;
    let state = app_state()?;
    answer(store::clinic_settings::load(&state.pool, state.clinic_id).await)
}

/// Saves the clinic's settings; the public site shows them on its next page.
#[server(endpoint = "admin/save_settings")]
pub async fn save_settings(#[server(default)] form: SettingsForm) -> Result<(), AppError> {
    let me = require(Action::ManageClinic).await?;
    let state = app_state()?;
    let settings = answer(form.parse().map_err(AppError::Rejected).and_then(|settings| {
        let processor = settings.payments.processor;
        if state.payments.offers(processor) {
            Ok(settings)
        } else {
            Err(AppError::Rejected(vec![crate::domain::form::FieldProblem::new(
                "payment_processor",
                format!(
                    "{} isn't set up on this server yet: its keys go in the server's settings (LUMEN_{}_*). Until then, patients pay at the clinic.",
                    processor.label(),
                    processor.code().to_ascii_uppercase()
                ),
            )]))
        }
    }))?;
    answer(store::clinic_settings::save(&state.pool, state.clinic_id, &me, &settings).await)?;
    leptos_axum::redirect("/admin/settings?saved=1");
    Ok(())
}
