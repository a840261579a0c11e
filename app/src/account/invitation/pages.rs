//! The page an invitation link opens.

use super::api::AcceptInvite;
use crate::ui::components::{NewPasswordField, Refusal, BUTTON_PRIMARY};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let action = ServerAction::<AcceptInvite>::new();
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let refusal = Refusal::new(move || action.value().get());
    let summary = refusal.summary();
    view! {
        <Title text="Join the staff area"/>
        <Meta name="robots" content="noindex"/>
        <Meta name="referrer" content="no-referrer"/>
        <section class="mx-auto max-w-md px-4 py-16">
            <h1 class="font-display text-4xl text-stone-900">"Join the staff area"</h1>
            <p class="mt-3 text-stone-600">"Choose the password you'll sign in with."</p>
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <input type="hidden" name="token" value=token/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <NewPasswordField field="password" label="Password" refusal/>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>"Save password"</button>
            </ActionForm>
        </section>
    }
}
