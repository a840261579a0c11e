//! The page an invitation link opens.

use super::api::AcceptInvite;
use crate::domain::password::MIN_CHARS;
use crate::ui::components::{Field, Refusal, BUTTON_PRIMARY, FIELD};
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
    let problems = refusal.problems;
    let summary = refusal.summary();
    let invalid = move |field: &'static str| refusal.invalid(field);
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
                <Field name="password" label="Password" hint={format!("At least {MIN_CHARS} characters. A few unrelated words make a strong password you can remember.")} problems>
                    <input id="password" name="password" type="password" autocomplete="new-password" class=FIELD
                        aria-invalid=invalid("password")
                        aria-describedby="password-hint password-error"/>
                </Field>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>"Save password"</button>
            </ActionForm>
        </section>
    }
}
