//! The second sign-in step's pages. Plain forms, so they work before and without JavaScript.

use super::api::{fetch_set_up, EnableSecondFactor, VerifySecondFactor};
use super::types::SetUp;
use crate::error::AppError;
use crate::ui::components::{Loading, BUTTON_PRIMARY, FIELD};
use crate::ui::status::{AccessRefused, ErrorPage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

fn next_page() -> String {
    use_query_map()
        .read_untracked()
        .get("next")
        .unwrap_or_default()
}

/// The code field both pages use: authenticator codes and recovery codes alike.
#[component]
fn CodeField(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div>
            <label for="code" class="text-sm font-medium text-stone-800">"Code"</label>
            <input
                id="code"
                name="code"
                autocomplete="one-time-code"
                autocapitalize="off"
                spellcheck="false"
                required
                class=FIELD
                aria-describedby="code-error"
                aria-invalid=move || error.get().is_some().to_string()
            />
            <p id="code-error" role="alert" aria-live="assertive" class="mt-1 text-sm font-medium text-red-700">{error}</p>
        </div>
    }
}

#[component]
pub fn VerifySecondFactorPage() -> impl IntoView {
    let action = ServerAction::<VerifySecondFactor>::new();
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });
    view! {
        <Title text="Enter your code"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-md px-4 py-16">
            <h1 class="font-display text-4xl text-stone-900">"Enter your code"</h1>
            <p class="mt-3 text-stone-600">
                "Open your authenticator app and enter the 6-digit code it shows for this clinic. Lost your phone? Enter one of your recovery codes instead."
            </p>
            <ActionForm action attr:class="mt-8 space-y-5" attr:novalidate="">
                <input type="hidden" name="next" value=next_page()/>
                <CodeField error/>
                <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                    "Continue"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn SetUpSecondFactorPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_set_up());
    view! {
        <Title text="Set up your authenticator app"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match data.await {
                        Err(error @ AppError::SignInRequired) => {
                            Either::Left(view! { <AccessRefused error next="/admin".to_owned()/> })
                        }
                        result => Either::Right(view! { <SetUpSteps set_up=result?/> }),
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn SetUpSteps(set_up: SetUp) -> impl IntoView {
    let action = ServerAction::<EnableSecondFactor>::new();
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });
    view! {
        <section class="mx-auto max-w-2xl px-4 py-12">
            <h1 class="font-display text-4xl text-stone-900">"Set up your authenticator app"</h1>
            <p class="mt-3 text-stone-600">
                "Staff accounts reach patients' records, so signing in takes a code from an app on your phone as well as your password. Any authenticator app works (for example Google Authenticator, Microsoft Authenticator or 1Password)."
            </p>
            <ol class="mt-8 space-y-8">
                <li>
                    <h2 class="font-semibold text-stone-900">"1. Add this clinic to the app"</h2>
                    <p class="mt-1 text-stone-600">"Scan the code with the app, or type the key in by hand."</p>
                    <div class="mt-4 flex flex-wrap items-center gap-6">
                        <img src=set_up.qr_code alt="QR code for your authenticator app" width="200" height="200" class="rounded-xl border border-stone-200 bg-white p-2"/>
                        <p class="text-sm text-stone-600">"Key: "<code class="font-mono text-base text-stone-900" data-testid="totp-key">{set_up.secret}</code></p>
                    </div>
                </li>
                <li>
                    <h2 class="font-semibold text-stone-900">"2. Keep your recovery codes"</h2>
                    <p class="mt-1 text-stone-600">
                        "If you lose your phone, each of these codes signs you in once. Print them or keep them somewhere safe; this is the only time they are shown."
                    </p>
                    <ul class="mt-4 grid grid-cols-1 gap-2 font-mono text-stone-900 sm:grid-cols-2" aria-label="Recovery codes">
                        {set_up.recovery_codes.into_iter().map(|code| view! { <li>{code}</li> }).collect_view()}
                    </ul>
                </li>
                <li>
                    <h2 class="font-semibold text-stone-900">"3. Enter the code the app shows"</h2>
                    <ActionForm action attr:class="mt-4 max-w-sm space-y-5" attr:novalidate="">
                        <input type="hidden" name="next" value=next_page()/>
                        <CodeField error/>
                        <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || action.pending().get()>
                            "Turn on and continue"
                        </button>
                    </ActionForm>
                </li>
            </ol>
        </section>
    }
}
