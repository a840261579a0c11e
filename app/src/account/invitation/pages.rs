//! The page an invitation link opens.

use super::api::AcceptInvite;
use crate::account::emailed_link::{link_token, EmailedLinkPage};
use crate::ui::components::{NewPasswordField, Refusal, BUTTON_PRIMARY};
use leptos::prelude::*;

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let action = ServerAction::<AcceptInvite>::new();
    let refusal = Refusal::new(move || action.value().get());
    let summary = refusal.summary();
    view! {
        <EmailedLinkPage title="Join the staff area" lead="Choose the password you'll sign in with.">
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <input type="hidden" name="token" value=link_token()/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <NewPasswordField field="password" label="Password" refusal/>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>"Save password"</button>
            </ActionForm>
        </EmailedLinkPage>
    }
}
