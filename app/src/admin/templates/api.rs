//! Server functions for message wording. Clinic admins only: the wording goes to every
//! patient.

use super::types::{TemplateEditor, TemplatePreview, TemplateRow};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::types::TemplateVariable,
    crate::backend::auth::principal::require,
    crate::backend::state::app_state,
    crate::backend::store,
    crate::backend::templates::{check, for_channel, render, sample},
    crate::domain::access::Action,
    crate::domain::message_log::channel_words,
    crate::domain::templates::{self, Kind, KINDS},
    crate::ui::status::answer,
};

/// The kind and channel named, when the kind goes by that channel.
#[cfg(feature = "ssr")]
fn known(kind: &str, channel: &str) -> Result<Kind, AppError> {
    templates::kind(kind)
        .filter(|k| k.goes_by(channel))
        .ok_or(AppError::NotFound)
}

#[server(endpoint = "admin/templates")]
pub async fn fetch_templates() -> Result<Vec<TemplateRow>, AppError> {
    require(Action::ManageClinic).await?;
    let state = app_state()?;
    let zone = store::booking::rules(&state.pool, state.clinic_id)
        .await?
        .zone();
    let edited = store::templates::edited(&state.pool, state.clinic_id).await?;
    Ok(KINDS
        .iter()
        .flat_map(|kind| kind.channels.iter().map(move |channel| (kind, *channel)))
        .map(|(kind, channel)| TemplateRow {
            kind: kind.kind.to_owned(),
            channel: channel.to_owned(),
            title: kind.title.to_owned(),
            group: kind.group.to_owned(),
            channel_label: channel_words(channel).to_owned(),
            edited: edited
                .iter()
                .find(|(k, c, _)| k == kind.kind && c == channel)
                .map(|(_, _, at)| {
                    at.with_timezone(&zone)
                        .format("%-d %b %Y, %H:%M")
                        .to_string()
                }),
        })
        .collect())
}

#[server(endpoint = "admin/template")]
pub async fn fetch_template(kind: String, channel: String) -> Result<TemplateEditor, AppError> {
    require(Action::ManageClinic).await?;
    let state = app_state()?;
    let found = answer(known(&kind, &channel))?;
    let custom = store::templates::custom(
        &mut *state.pool.acquire().await?,
        state.clinic_id,
        &kind,
        &channel,
    )
    .await?;
    let edited = custom.is_some();
    let (subject, body) = custom.unwrap_or_else(|| {
        let (subject, body) = found.default_wording(&channel);
        (subject.to_owned(), body.to_owned())
    });
    Ok(TemplateEditor {
        title: found.title.to_owned(),
        channel_label: channel_words(&channel).to_owned(),
        variables: found
            .variables
            .iter()
            .map(|v| TemplateVariable {
                name: v.name.to_owned(),
                meaning: v.meaning.to_owned(),
                required: found.requires(&channel, v.name),
            })
            .collect(),
        kind,
        channel,
        subject,
        body,
        edited,
    })
}

/// The wording as a patient would read it, on sample values; or what is wrong with it.
#[server(endpoint = "admin/template/preview")]
pub async fn preview_template(
    kind: String,
    channel: String,
    #[server(default)] subject: String,
    body: String,
) -> Result<TemplatePreview, AppError> {
    require(Action::ManageClinic).await?;
    let found = answer(known(&kind, &channel))?;
    let problems = check(&found, &channel, &subject, &body);
    if !problems.is_empty() {
        return Ok(TemplatePreview {
            problems,
            ..TemplatePreview::default()
        });
    }
    let values = sample(&found);
    Ok(TemplatePreview {
        subject: render(&subject, &values).unwrap_or_default(),
        body: for_channel(&channel, render(&body, &values).unwrap_or_default()),
        problems,
    })
}

#[server(endpoint = "admin/template/save")]
pub async fn save_template(
    kind: String,
    channel: String,
    #[server(default)] subject: String,
    body: String,
) -> Result<(), AppError> {
    let me = require(Action::ManageClinic).await?;
    let found = answer(known(&kind, &channel))?;
    // Emails have subjects; texts do not, whatever was sent.
    let subject = if channel == "email" {
        subject
    } else {
        String::new()
    };
    let problems = check(&found, &channel, &subject, &body);
    if !problems.is_empty() {
        return answer(Err(AppError::Rejected(problems)));
    }
    let state = app_state()?;
    store::templates::save(
        &state.pool,
        state.clinic_id,
        &kind,
        &channel,
        &subject,
        &body,
        &me,
        state.clock.now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/admin/templates/{kind}/{channel}?saved=1"));
    Ok(())
}

/// Back to the built-in wording.
#[server(endpoint = "admin/template/reset")]
pub async fn reset_template(kind: String, channel: String) -> Result<(), AppError> {
    let me = require(Action::ManageClinic).await?;
    answer(known(&kind, &channel))?;
    let state = app_state()?;
    store::templates::reset(&state.pool, state.clinic_id, &kind, &channel, &me).await?;
    leptos_axum::redirect(&format!("/admin/templates/{kind}/{channel}?saved=reset"));
    Ok(())
}
