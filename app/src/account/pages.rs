//! The sign-in page and a person's own account page.

use super::api::{fetch_my_account, SignIn, SignOut};
use super::manage::pages::{
    AuthenticatorForm, DeleteAccountForm, DetailsForm, EmailForm, PasswordForm, YourData,
};
use super::types::MyAccount;
use crate::error::AppError;
use crate::ui::components::{Loading, SavedNotice, BUTTON_PRIMARY, BUTTON_SECONDARY, FIELD};
use crate::ui::status::{AccessRefused, ErrorPage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

/// A plain form that posts to the server function, so it works before (and without)
/// JavaScript; once hydrated, Leptos submits it in place.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let notice = |query: &ParamsMap| {
        let words = if query.get("reset").as_deref() == Some("done") {
            "Your password has been changed, and every other session signed out. Sign in with your new password."
        } else if query.get("authenticator").as_deref() == Some("reset") {
            "Your old authenticator no longer works. Sign in again to set up the new one."
        } else if query.get("invited").as_deref() == Some("done") {
            "Your password is saved. Sign in with it; next you'll set up your authenticator app."
        } else {
            return None;
        };
        Some(words.to_owned())
    };
    let error = move || match action.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    view! {
        <Title text="Sign in"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16">
            <h1 class="font-display text-4xl text-stone-900">"Sign in"</h1>
            <SavedNotice say=notice/>
            <p class="mt-3 text-stone-600">"For patients with an account and for clinic staff."</p>
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <input type="hidden" name="next" value=next/>
                <div>
                    <label for="email" class="text-sm font-medium text-stone-800">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required class=FIELD/>
                </div>
                <div>
                    <label for="password" class="text-sm font-medium text-stone-800">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required class=FIELD/>
                </div>
                <p role="alert" aria-live="assertive" class="text-sm font-medium text-red-700">{error}</p>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p class="mt-6 text-sm text-stone-600">
                <a href="/forgot-password" class="font-semibold text-brand-700 underline">"Forgot your password?"</a>
            </p>
            <p class="mt-2 text-sm text-stone-600">
                "New here? "<a href="/register" class="font-semibold text-brand-700 underline">"Create an account"</a>
            </p>
        </section>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action>
            <button type="submit" class=BUTTON_SECONDARY>"Sign out"</button>
        </ActionForm>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| fetch_my_account());
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match account.await {
                        Err(error @ (AppError::SignInRequired | AppError::Forbidden)) => {
                            Either::Left(view! { <AccessRefused error next="/account".to_owned()/> })
                        }
                        result => Either::Right(view! { <Account account=result?/> }),
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Account(account: MyAccount) -> impl IntoView {
    let has_upcoming = !account.upcoming.is_empty();
    let is_patient = account.role == crate::domain::access::Role::Patient;
    let profile = account.profile.clone();
    let saved = |query: &ParamsMap| {
        let words = match query.get("saved")?.as_str() {
            "details" => "Your details are saved.",
            "password" => "Your password is changed, and you're signed out everywhere else.",
            "email_sent" => "We've sent a link to the new address. Follow it within 24 hours to make the change.",
            "email_changed" => "Your email address is changed. Sign in with it from now on.",
            _ => return None,
        };
        Some(words.to_owned())
    };
    view! {
        <Title text="Your account"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-3xl px-4 py-12">
            <div class="flex flex-wrap items-center justify-between gap-4">
                <div>
                    <h1 class="font-display text-4xl text-stone-900">{format!("Hello, {}", account.display_name)}</h1>
                    <p class="mt-2 text-stone-600">{format!("Signed in as {} ({})", account.email, account.role.label())}</p>
                </div>
                <SignOutButton/>
            </div>
            <h2 class="mt-12 font-display text-2xl text-stone-900">"Your upcoming appointments"</h2>
            <Show
                when=move || has_upcoming
                fallback=|| view! {
                    <p class="mt-4 text-stone-600">"You have no upcoming appointments. "<a href="/book" class="font-semibold text-brand-700 underline">"Book one"</a></p>
                }
            >
                <ul class="mt-4 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white">
                    {account.upcoming.clone().into_iter().map(|a| view! {
                        <li class="px-5 py-4">
                            <p class="font-medium text-stone-900">{a.treatment}" with "{a.provider}</p>
                            <p class="text-sm text-stone-600">{format!("{} · {} · {}", a.starts, a.location, a.status)}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
            {(!account.past.is_empty()).then(|| view! {
                <h2 class="mt-12 font-display text-2xl text-stone-900">"Your past appointments"</h2>
                <ul class="mt-4 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white">
                    {account.past.clone().into_iter().map(|a| view! {
                        <li class="px-5 py-4">
                            <p class="font-medium text-stone-900">{a.treatment}" with "{a.provider}</p>
                            <p class="text-sm text-stone-600">{format!("{} · {} · {}", a.starts, a.location, a.status)}</p>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!account.receipts.is_empty()).then(|| view! {
                <h2 class="mt-12 font-display text-2xl text-stone-900">"Your payments"</h2>
                <ul class="mt-4 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white" aria-label="Your payments">
                    {account.receipts.clone().into_iter().map(|r| view! {
                        <li class="px-5 py-4">
                            <p class="text-stone-900">{r.what}</p>
                            <a href=r.href class="text-sm font-semibold text-brand-700 underline">"Receipt"</a>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!account.messages.is_empty()).then(|| view! {
                <h2 class="mt-12 font-display text-2xl text-stone-900">"Messages we sent you"</h2>
                <ul class="mt-4 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white" aria-label="Messages we sent you">
                    {account.messages.clone().into_iter().map(|m| view! {
                        <li class="px-5 py-4">
                            <p class="font-medium text-stone-900">{m.what}</p>
                            <p class="text-sm text-stone-600">{format!("{} · {} · {}", m.at, m.channel, m.state)}</p>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <SavedNotice say=saved/>
            {profile.map(|profile| view! { <DetailsForm profile/> })}
            <EmailForm email=account.email.clone()/>
            <PasswordForm/>
            {(!is_patient).then(|| view! { <AuthenticatorForm/> })}
            <YourData/>
            {is_patient.then(|| view! { <DeleteAccountForm/> })}
        </section>
    }
}
