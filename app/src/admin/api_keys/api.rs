//! Server functions for API keys: clinic admins only (`ManageClinic`), each change audited
//! in its own transaction.

use super::types::{ApiKeyRow, MadeKey};
use crate::domain::api_keys::NewKeyForm;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "admin/api_keys")]
pub async fn fetch_api_keys() -> Result<Vec<ApiKeyRow>, AppError> {
    use crate::backend::auth::principal::require;
    use crate::backend::store::{api_keys, booking};
    use crate::domain::access::Action;
    require(Action::ManageClinic).await?;
    let state = crate::backend::state::app_state()?;
    let zone = booking::rules(&state.pool, state.clinic_id).await?.zone();
    let at = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&zone)
            .format("%-d %b %Y, %H:%M")
            .to_string()
    };
    let rows = api_keys::list(&state.pool, state.clinic_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| ApiKeyRow {
            id: row.id.to_string(),
            name: row.name,
            scope: row.scope.label().to_owned(),
            starts: format!("{}…", row.shown_start),
            made: match row.created_by {
                Some(by) => format!("{} by {by}", at(row.created_at)),
                None => at(row.created_at),
            },
            last_used: row.last_used_at.map(at),
            revoked: row.revoked_at.map(at),
        })
        .collect())
}

/// Makes a key and answers with its secret, which is never shown again (only its hash is
/// kept).
#[server(endpoint = "admin/create_api_key")]
pub async fn create_api_key(#[server(default)] form: NewKeyForm) -> Result<MadeKey, AppError> {
    use crate::backend::auth::principal::require;
    use crate::backend::auth::session::Token;
    use crate::backend::store::api_keys::{self, CreateError, Minted};
    use crate::domain::access::Action;
    use crate::domain::api_keys::{check, shown_start, KEY_START};
    use crate::domain::form::FieldProblem;
    use crate::ui::status::answer;
    let me = require(Action::ManageClinic).await?;
    let key = answer(check(&form).map_err(AppError::Rejected))?;
    let state = crate::backend::state::app_state()?;
    let token = Token::generate();
    let secret = format!("{KEY_START}{}", token.as_str());
    let minted = Minted {
        key: &key,
        secret_hash: &token.hash(),
        shown_start: &shown_start(&secret),
    };
    let made = api_keys::create(
        &state.pool,
        state.clinic_id,
        &minted,
        &me,
        state.clock.now(),
    )
    .await;
    answer(match made {
        Ok(_) => Ok(()),
        Err(CreateError::NameTaken) => Err(AppError::Rejected(vec![FieldProblem::new(
            "name",
            "A live key already has this name. Give this one another, so the audit log can tell them apart.",
        )])),
        Err(CreateError::Failed(error)) => Err(error),
    })?;
    Ok(MadeKey {
        name: key.name,
        secret,
    })
}

/// Revokes a key at once: the next request made with it is refused.
#[server(endpoint = "admin/revoke_api_key")]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    use crate::backend::auth::principal::require;
    use crate::domain::access::Action;
    use crate::ui::status::answer;
    let me = require(Action::ManageClinic).await?;
    let id = answer(AppError::record_id(&id))?;
    let state = crate::backend::state::app_state()?;
    let revoked = crate::backend::store::api_keys::revoke(
        &state.pool,
        state.clinic_id,
        id,
        &me,
        state.clock.now(),
    )
    .await?;
    answer(if revoked {
        Ok(())
    } else {
        Err(AppError::NotFound)
    })?;
    leptos_axum::redirect("/admin/settings?revoked=1");
    Ok(())
}
