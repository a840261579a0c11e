//! The account page's own sections: details, password, a copy of your data, deleting the
//! account. Plain forms, so they work without JavaScript too.

use super::api::{
    ChangeEmail, ChangePassword, ConfirmEmailChange, DeleteAccount, ReplaceAuthenticator,
    UpdateProfile,
};
use crate::account::emailed_link::{link_token, EmailedLinkPage};
use crate::domain::profile::ProfileForm;
use crate::ui::components::{
    Field, NewPasswordField, Refusal, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

const SECTION: &str = "mt-12 rounded-2xl border border-stone-200 bg-white p-6";
const H2: &str = "font-display text-2xl text-stone-900";

#[component]
pub fn DetailsForm(profile: ProfileForm) -> impl IntoView {
    let action = ServerAction::<UpdateProfile>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let ProfileForm {
        first_name,
        last_name,
        phone,
        remind_by_email,
        remind_by_sms,
        remind_by_whatsapp,
    } = profile;
    let check = |name: &'static str, label: &'static str, checked: bool| {
        view! {
            <label for=name class="flex items-center gap-3 text-stone-800">
                <input id=name type="checkbox" name=format!("form[{name}]") checked=checked class="h-5 w-5 rounded border-stone-300"/>
                {label}
            </label>
        }
    };
    view! {
        <section class=SECTION aria-labelledby="details-heading">
            <h2 id="details-heading" class=H2>"Your details"</h2>
            <ActionForm action attr:class="mt-6 space-y-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <div class="grid gap-5 sm:grid-cols-2">
                    <Field name="first_name" label="First name" problems>
                        <input id="first_name" name="form[first_name]" value=first_name autocomplete="given-name" class=FIELD aria-invalid=refusal.invalid("first_name") aria-describedby="first_name-error"/>
                    </Field>
                    <Field name="last_name" label="Last name" problems>
                        <input id="last_name" name="form[last_name]" value=last_name autocomplete="family-name" class=FIELD aria-invalid=refusal.invalid("last_name") aria-describedby="last_name-error"/>
                    </Field>
                </div>
                <Field name="phone" label="Phone" hint={"For reminders by text or WhatsApp, and if we need to reach you.".to_owned()} problems>
                    <input id="phone" name="form[phone]" value=phone type="tel" autocomplete="tel" class=FIELD aria-invalid=refusal.invalid("phone") aria-describedby="phone-hint phone-error"/>
                </Field>
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium text-stone-800">"Remind me of appointments by"</legend>
                    {check("remind_by_email", "Email", remind_by_email)}
                    {check("remind_by_sms", "Text message", remind_by_sms)}
                    {check("remind_by_whatsapp", "WhatsApp", remind_by_whatsapp)}
                </fieldset>
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Save details"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn PasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    view! {
        <section class=SECTION aria-labelledby="password-heading">
            <h2 id="password-heading" class=H2>"Change your password"</h2>
            <p class="mt-2 text-stone-600">"Changing it signs you out everywhere else."</p>
            <ActionForm action attr:class="mt-6 max-w-md space-y-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <Field name="current_password" label="Current password" problems>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" class=FIELD aria-invalid=refusal.invalid("current_password") aria-describedby="current_password-error"/>
                </Field>
                <NewPasswordField field="new_password" label="New password" refusal/>
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Change password"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn EmailForm(email: String) -> impl IntoView {
    let action = ServerAction::<ChangeEmail>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    view! {
        <section class=SECTION aria-labelledby="email-heading">
            <h2 id="email-heading" class=H2>"Change your email"</h2>
            <p class="mt-2 text-stone-600">{format!("You sign in with {email}. We'll send a link to the new address; nothing changes until you follow it.")}</p>
            <ActionForm action attr:class="mt-6 max-w-md space-y-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="new_email" label="New email address" problems>
                    <input id="new_email" name="new_email" type="email" autocomplete="email" class=FIELD aria-invalid=refusal.invalid("new_email") aria-describedby="new_email-error"/>
                </Field>
                <Field name="current_password" id="email_password" label="Your password, to confirm" problems>
                    <input id="email_password" name="current_password" type="password" autocomplete="current-password" class=FIELD aria-invalid=refusal.invalid("current_password") aria-describedby="email_password-error"/>
                </Field>
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Send the link"</button>
            </ActionForm>
        </section>
    }
}

/// Staff only: replacing the authenticator app (a new phone, or a lost one while still
/// signed in somewhere).
#[component]
pub fn AuthenticatorForm() -> impl IntoView {
    let action = ServerAction::<ReplaceAuthenticator>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    view! {
        <section class=SECTION aria-labelledby="authenticator-heading">
            <h2 id="authenticator-heading" class=H2>"Replace your authenticator"</h2>
            <p class="mt-2 text-stone-600">
                "For a new phone. Your current app and recovery codes stop working and you're signed out everywhere; when you sign in again you scan a new code and get new recovery codes."
            </p>
            <ActionForm action attr:class="mt-6 max-w-md space-y-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <Field name="current_password" id="authenticator_password" label="Your password, to confirm" problems>
                    <input id="authenticator_password" name="current_password" type="password" autocomplete="current-password" class=FIELD aria-invalid=refusal.invalid("current_password") aria-describedby="authenticator_password-error"/>
                </Field>
                <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Replace authenticator"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn YourData() -> impl IntoView {
    view! {
        <section class=SECTION aria-labelledby="data-heading">
            <h2 id="data-heading" class=H2>"Your data"</h2>
            <p class="mt-2 text-stone-600">"A copy of everything we hold about you and your appointments, as a JSON file."</p>
            // A plain download: no JavaScript needed, and the file name comes from the server.
            <a href="/api/account/my_data" rel="external" download="my-data.json" class=format!("{BUTTON_SECONDARY} mt-4")>"Download my data"</a>
        </section>
    }
}

#[component]
pub fn DeleteAccountForm() -> impl IntoView {
    let action = ServerAction::<DeleteAccount>::new();
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    view! {
        <section class=SECTION aria-labelledby="delete-heading">
            <h2 id="delete-heading" class=H2>"Delete your account"</h2>
            <p class="mt-2 text-stone-600">
                "We remove your name and contact details and sign you out. The clinic keeps a record of past treatments, without your name, as the law requires. This cannot be undone."
            </p>
            <ActionForm action attr:class="mt-6 max-w-md space-y-5" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <Field name="current_password" id="delete_password" label="Your password, to confirm" problems>
                    <input id="delete_password" name="current_password" type="password" autocomplete="current-password" class=FIELD aria-invalid=refusal.invalid("current_password") aria-describedby="delete_password-error"/>
                </Field>
                <button type="submit" class="inline-flex items-center justify-center rounded-full bg-red-700 px-6 py-3 font-semibold text-white hover:bg-red-800" disabled=move || action.pending().get()>
                    "Delete my account"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    view! {
        <Title text="Account deleted"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16" role="status">
            <h1 class="font-display text-4xl text-stone-900">"Your account has been deleted"</h1>
            <p class="mt-4 text-lg text-stone-600">"You've been signed out. You're welcome to book with us again at any time."</p>
            <a href="/" class=format!("{BUTTON_PRIMARY} mt-8")>"Go to the home page"</a>
        </section>
    }
}

/// Opened from the link sent to the new address.
#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmailChange>::new();
    let refusal = Refusal::new(move || action.value().get());
    view! {
        <EmailedLinkPage title="Confirm your new email address" lead="From now on you'll sign in with this address, and the clinic's messages will come here.">
            <ActionForm action attr:class="mt-8 space-y-4">
                <input type="hidden" name="token" value=link_token()/>
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{refusal.summary()}</p>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Use this address"
                </button>
            </ActionForm>
        </EmailedLinkPage>
    }
}
