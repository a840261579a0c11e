//! The registration form, the page that says to check your email, and the page the
//! emailed link opens. All are plain forms, so they work before and without JavaScript.

use super::api::{ConfirmEmail, Register};
use crate::account::emailed_link::{link_token, EmailedLinkPage};
use crate::ui::components::{Field, NewPasswordField, Refusal, BUTTON_PRIMARY, FIELD};
use crate::ui::delivery::IfEmailed;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let invalid = move |field: &'static str| refusal.invalid(field);
    view! {
        <Title text="Create an account"/>
        <Meta name="description" content="Create an account to see and manage your appointments."/>
        <section class="mx-auto max-w-md px-4 py-16">
            <h1 class="font-display text-4xl text-stone-900">"Create an account"</h1>
            <p class="mt-3 text-stone-600">"See your appointments and manage them in one place. You can also book without an account."</p>
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <div class="grid gap-5 sm:grid-cols-2">
                    <Field name="first_name" label="First name" problems>
                        <input id="first_name" name="form[first_name]" autocomplete="given-name" required class=FIELD aria-invalid=invalid("first_name") aria-describedby="first_name-error"/>
                    </Field>
                    <Field name="last_name" label="Last name" problems>
                        <input id="last_name" name="form[last_name]" autocomplete="family-name" required class=FIELD aria-invalid=invalid("last_name") aria-describedby="last_name-error"/>
                    </Field>
                </div>
                <Field name="email" label="Email" problems>
                    <input id="email" name="form[email]" type="email" autocomplete="email" required class=FIELD aria-invalid=invalid("email") aria-describedby="email-error"/>
                </Field>
                <NewPasswordField field="password" input_name="form[password]" label="Password" refusal/>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Create account"
                </button>
            </ActionForm>
            <p class="mt-6 text-sm text-stone-600">
                "Already have an account? "<a href="/sign-in" class="font-semibold text-brand-700 underline">"Sign in"</a>
            </p>
        </section>
    }
}

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <Title text="Check your email"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16" role="status">
            <IfEmailed
                emailed=|| view! {
                    <h1 class="font-display text-4xl text-stone-900">"Check your email"</h1>
                    <p class="mt-4 text-lg text-stone-600">
                        "We've sent a message to the address you gave. Open the link in it to confirm your address and finish creating your account."
                    </p>
                    <p class="mt-4 text-stone-600">
                        "The link works for 48 hours. Nothing there? Check your spam folder, or call the clinic and we'll help."
                    </p>
                }
                kept=|| view! {
                    <h1 class="font-display text-4xl text-stone-900">"Your link is with the clinic"</h1>
                    <p class="mt-4 text-lg text-stone-600">
                        "This clinic has not set up email yet, so nothing was sent: the link that confirms your address waits in the clinic's mailbox. Call the clinic and they'll pass it on."
                    </p>
                    <p class="mt-4 text-stone-600">"The link works for 48 hours."</p>
                }
            />
        </section>
    }
}

/// Opened from the emailed link.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let refusal = Refusal::new(move || action.value().get());
    view! {
        <EmailedLinkPage title="Confirm your email address" lead="One last step: confirm the address, and you're signed in.">
            <ActionForm action attr:class="mt-8 space-y-4">
                <input type="hidden" name="token" value=link_token()/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Confirm my email address"
                </button>
            </ActionForm>
        </EmailedLinkPage>
    }
}
