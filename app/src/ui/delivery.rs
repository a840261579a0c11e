//! Pages say "we've emailed you" only when an email is really on its way: with no email
//! provider configured, messages wait in the clinic's development mailbox, and the page
//! says where the link is instead.

use crate::error::AppError;
use leptos::prelude::*;

/// Whether emails leave the server (an email provider is configured). Public: it tells
/// nothing about anyone.
#[server(endpoint = "email_leaves")]
pub async fn fetch_email_leaves() -> Result<bool, AppError> {
    use crate::backend::integrations::messaging::Channel;
    Ok(crate::backend::state::app_state()?
        .messaging
        .sends(Channel::Email))
}

/// Renders `emailed` when emails leave the server, `kept` when they wait in the mailbox.
#[component]
pub fn IfEmailed(#[prop(into)] emailed: ViewFn, #[prop(into)] kept: ViewFn) -> impl IntoView {
    let leaves = Resource::new(|| (), |_| fetch_email_leaves());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let emailed = emailed.clone();
                let kept = kept.clone();
                Suspend::new(async move {
                    if leaves.await.unwrap_or(false) { emailed.run() } else { kept.run() }
                })
            }}
        </Suspense>
    }
}
