//! Server functions for webhooks: clinic admins only (`ManageClinic`), each change audited
//! in its own transaction.

use super::types::{ShownSecret, WebhooksScreen};
use crate::domain::webhooks::NewEndpointForm;
use crate::error::AppError;
use leptos::prelude::*;

/// Deliveries the log shows.
#[cfg(feature = "ssr")]
const LOG_LENGTH: i64 = 50;

#[server(endpoint = "admin/webhooks")]
pub async fn fetch_webhooks() -> Result<WebhooksScreen, AppError> {
    use super::types::{AttemptView, DeliveryView, EndpointView};
    use crate::backend::auth::principal::require;
    use crate::backend::store::{booking, webhooks};
    use crate::domain::access::Action;
    require(Action::ManageClinic).await?;
    let state = crate::backend::state::app_state()?;
    let zone = booking::rules(&state.pool, state.clinic_id).await?.zone();
    let at = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&zone)
            .format("%-d %b %Y, %H:%M:%S")
            .to_string()
    };
    let endpoints = webhooks::list(&state.pool, state.clinic_id)
        .await?
        .into_iter()
        .map(|e| EndpointView {
            id: e.id.to_string(),
            url: e.url,
            events: e.events.iter().map(|e| e.as_str().to_owned()).collect(),
            made: match e.created_by {
                Some(by) => format!("{} by {by}", at(e.created_at)),
                None => at(e.created_at),
            },
            removed: e.removed_at.map(at),
            secrets: e
                .secrets
                .into_iter()
                .map(|(start, until)| match until {
                    Some(until) => format!("{start}… (old, signs until {})", at(until)),
                    None => format!("{start}…"),
                })
                .collect(),
        })
        .collect();
    let deliveries = webhooks::deliveries(&state.pool, state.clinic_id, LOG_LENGTH)
        .await?
        .into_iter()
        .map(|d| {
            let url = d.url.unwrap_or_default();
            let status = match (d.status.as_str(), d.next_attempt_at) {
                ("sent", _) => "Delivered".to_owned(),
                ("dead", _) => "Gave up".to_owned(),
                (_, Some(next)) if !d.attempts.is_empty() => format!("Retrying at {}", at(next)),
                _ => "Waiting to go".to_owned(),
            };
            DeliveryView {
                id: d.id.to_string(),
                event: d.event,
                replayable: d.status != "queued" && d.endpoint_live,
                url,
                status,
                created: at(d.created_at),
                body: d.body,
                attempts: d
                    .attempts
                    .into_iter()
                    .map(|a| AttemptView {
                        number: a.attempt,
                        at: at(a.at),
                        outcome: match a.outcome.as_str() {
                            "sent" => "Delivered",
                            "retry" => "Failed, will retry",
                            _ => "Failed, gave up",
                        }
                        .to_owned(),
                        response_status: a.response_status,
                        error: a.error,
                        response_body: a.response_body,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(WebhooksScreen {
        endpoints,
        deliveries,
    })
}

/// A new signing secret and its sealed form, bound to the endpoint `id`.
#[cfg(feature = "ssr")]
fn new_secret(
    state: &crate::backend::state::AppState,
    id: uuid::Uuid,
) -> (String, Vec<u8>, String) {
    use crate::backend::auth::session::Token;
    use crate::backend::store::webhooks::secret_context;
    use crate::domain::webhooks::{SECRET_SHOWN, SECRET_START};
    let secret = format!("{SECRET_START}{}", Token::generate().as_str());
    let sealed = state
        .secret_keys
        .seal(secret.as_bytes(), &secret_context(id));
    let shown = secret.chars().take(SECRET_SHOWN).collect();
    (secret, sealed, shown)
}

/// Registers an endpoint once its address is checked (public, https) and answers with its
/// signing secret, which is never shown again.
#[server(endpoint = "admin/add_webhook")]
pub async fn add_webhook(
    #[server(default)] form: NewEndpointForm,
) -> Result<ShownSecret, AppError> {
    use crate::backend::auth::principal::require;
    use crate::backend::store::webhooks::{self, NewSecret};
    use crate::domain::access::Action;
    use crate::domain::form::FieldProblem;
    use crate::domain::webhooks::check;
    use crate::ui::status::answer;
    let me = require(Action::ManageClinic).await?;
    let endpoint = answer(check(&form).map_err(AppError::Rejected))?;
    let state = crate::backend::state::app_state()?;
    let url = answer(
        state
            .webhooks
            .check_endpoint(&endpoint.url)
            .await
            .map_err(|problem| AppError::Rejected(vec![FieldProblem::new("url", problem)])),
    )?;
    let id = uuid::Uuid::new_v4();
    let (secret, sealed, shown_start) = new_secret(&state, id);
    let secret_row = NewSecret {
        sealed: &sealed,
        shown_start: &shown_start,
    };
    webhooks::add(
        &state.pool,
        state.clinic_id,
        id,
        url.as_str(),
        &endpoint.events,
        &secret_row,
        &me,
        state.clock.now(),
    )
    .await?;
    Ok(ShownSecret {
        url: url.into(),
        secret,
    })
}

/// Gives an endpoint a new signing secret, shown this once; the one before it signs too
/// for another day, so the receiver can switch without missing a delivery.
#[server(endpoint = "admin/rotate_webhook_secret")]
pub async fn rotate_webhook_secret(id: String) -> Result<ShownSecret, AppError> {
    use crate::backend::auth::principal::require;
    use crate::backend::store::webhooks::{self, NewSecret};
    use crate::domain::access::Action;
    use crate::ui::status::answer;
    let me = require(Action::ManageClinic).await?;
    let id = answer(AppError::record_id(&id))?;
    let state = crate::backend::state::app_state()?;
    let (secret, sealed, shown_start) = new_secret(&state, id);
    let secret_row = NewSecret {
        sealed: &sealed,
        shown_start: &shown_start,
    };
    let rotated = webhooks::rotate_secret(
        &state.pool,
        state.clinic_id,
        id,
        &secret_row,
        &me,
        state.clock.now(),
    )
    .await?;
    let url = answer(rotated.ok_or(AppError::NotFound))?;
    Ok(ShownSecret { url, secret })
}

/// Stops sending to an endpoint; its deliveries stay in the log.
#[server(endpoint = "admin/remove_webhook")]
pub async fn remove_webhook(id: String) -> Result<(), AppError> {
    use crate::backend::auth::principal::require;
    use crate::domain::access::Action;
    use crate::ui::status::answer;
    let me = require(Action::ManageClinic).await?;
    let id = answer(AppError::record_id(&id))?;
    let state = crate::backend::state::app_state()?;
    let removed = crate::backend::store::webhooks::remove(
        &state.pool,
        state.clinic_id,
        id,
        &me,
        state.clock.now(),
    )
    .await?;
    answer(if removed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    })?;
    leptos_axum::redirect("/admin/settings?webhook_removed=1");
    Ok(())
}

/// Sends a finished delivery again, as it was first sent (a receiver that lost it, or was
/// down until its tries ran out).
#[server(endpoint = "admin/replay_webhook")]
pub async fn replay_webhook(id: String) -> Result<(), AppError> {
    use crate::backend::auth::principal::require;
    use crate::backend::store::webhooks::{replay, ReplayRefusal};
    use crate::domain::access::Action;
    use crate::ui::status::answer;
    let me = require(Action::ManageClinic).await?;
    let id = answer(AppError::record_id(&id))?;
    let state = crate::backend::state::app_state()?;
    let replayed = replay(&state.pool, state.clinic_id, id, &me, state.clock.now()).await?;
    answer(match replayed {
        Ok(()) => Ok(()),
        Err(ReplayRefusal::NotFinished) => Err(AppError::Invalid(
            "That delivery is still waiting to go: it needs no sending again.".into(),
        )),
        Err(ReplayRefusal::EndpointRemoved) => Err(AppError::Invalid(
            "Its endpoint was removed: nothing more is sent there.".into(),
        )),
    })?;
    leptos_axum::redirect("/admin/settings?webhook_replayed=1");
    Ok(())
}
