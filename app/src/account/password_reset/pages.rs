//! Pages for a forgotten password: ask for a link, "check your email", and choose a new
//! password from the link. Plain forms, so they work without JavaScript.

use super::api::{ForgotPassword, ResetPassword};
use crate::account::emailed_link::{link_token, EmailedLinkPage};
use crate::ui::components::{Field, NewPasswordField, Refusal, BUTTON_PRIMARY, FIELD};
use crate::ui::delivery::IfEmailed;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <Title text="Forgot your password?"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16">
            <h1 class="font-display text-4xl text-stone-900">"Forgot your password?"</h1>
            <p class="mt-3 text-stone-600">"Enter your email address and we'll send you a link to choose a new one."</p>
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <Field name="email" label="Email" problems>
                    <input id="email" name="email" type="email" autocomplete="email" required class=FIELD
                        aria-invalid=invalid("email")
                        aria-describedby="email-error"/>
                </Field>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Send me a link"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetLinkSentPage() -> impl IntoView {
    view! {
        <Title text="Check your email"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16" role="status">
            <IfEmailed
                emailed=|| view! {
                    <h1 class="font-display text-4xl text-stone-900">"Check your email"</h1>
                    <p class="mt-4 text-lg text-stone-600">
                        "If that address has an account with us, a link to choose a new password is on its way. It works once, for one hour."
                    </p>
                    <p class="mt-4 text-stone-600">"Nothing there after a few minutes? Check your spam folder, or call the clinic."</p>
                }
                kept=|| view! {
                    <h1 class="font-display text-4xl text-stone-900">"Your link is with the clinic"</h1>
                    <p class="mt-4 text-lg text-stone-600">
                        "This clinic has not set up email yet, so nothing was sent. If that address has an account with us, the link to choose a new password waits in the clinic's mailbox: call the clinic and they'll pass it on. It works once, for one hour."
                    </p>
                }
            />
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let refusal = Refusal::new(move || action.value().get());
    let summary = refusal.summary();
    view! {
        <EmailedLinkPage title="Choose a new password">
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <input type="hidden" name="token" value=link_token()/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <NewPasswordField field="password" label="New password" refusal/>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Save my new password"
                </button>
            </ActionForm>
            <p class="mt-6 text-sm text-stone-600">
                <a href="/forgot-password" class="font-semibold text-brand-700 underline">"Ask for a new link"</a>
            </p>
        </EmailedLinkPage>
    }
}
