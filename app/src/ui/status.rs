//! The pages people see when a page does not exist or something failed, each with a way on.

use super::components::{BUTTON_PRIMARY, BUTTON_SECONDARY};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Sets the response status for a page or a server function call. A plain HTML form
/// post (no JavaScript) is left alone: Leptos answers it with a redirect back to the form,
/// carrying the error, and another status would turn that redirect into a blank page.
#[cfg(feature = "ssr")]
pub fn set_http_status(status: u16) {
    let form_post = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    });
    if form_post {
        return;
    }
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
}

#[cfg(not(feature = "ssr"))]
pub fn set_http_status(_status: u16) {}

/// A server function's result, with an error's status set on the response so a direct
/// API call sees 404 or 422 rather than a generic failure.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        set_http_status(error.status());
    }
    result
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_http_status(404);
    view! {
        <Title text="Page not found"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-2xl px-4 py-24 text-center">
            <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"404"</p>
            <h1 class="mt-2 font-display text-4xl text-stone-900">"We couldn't find that page"</h1>
            <p class="mt-4 text-lg text-stone-600">
                "The address may be mistyped, or the page may have moved. You can start from our treatments or the home page."
            </p>
            <div class="mt-8 flex flex-wrap justify-center gap-3">
                <a href="/treatments" class=BUTTON_PRIMARY>"See treatments"</a>
                <a href="/" class=BUTTON_SECONDARY>"Go to the home page"</a>
            </div>
        </section>
    }
}

/// Shown by a page's error boundary. The message never contains internal details; those
/// are in the server log under the request id.
#[component]
pub fn ErrorPage(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let first: Option<AppError> = errors.get_untracked().into_iter().next().map(|(_, error)| {
        error
            .downcast_ref::<AppError>()
            .cloned()
            .unwrap_or(AppError::Unavailable)
    });
    let error = first.unwrap_or(AppError::Unavailable);
    set_http_status(error.status());
    let message = error.to_string();
    view! {
        <Title text="Something went wrong"/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-2xl px-4 py-24 text-center" role="alert">
            <h1 class="font-display text-4xl text-stone-900">"Sorry, this page didn't load"</h1>
            <p class="mt-4 text-lg text-stone-600">{message}</p>
            <p class="mt-2 text-stone-600">
                "If it keeps happening, please call us — the number is at the bottom of this page — and we'll help you directly."
            </p>
            <div class="mt-8 flex flex-wrap justify-center gap-3">
                <a href="" class=BUTTON_PRIMARY rel="external">"Try again"</a>
                <a href="/" class=BUTTON_SECONDARY>"Go to the home page"</a>
            </div>
        </section>
    }
}

/// Shown in place of a page that needs a signed-in user with the right role.
#[component]
pub fn AccessRefused(error: AppError, next: String) -> impl IntoView {
    set_http_status(error.status());
    let sign_in = error == AppError::SignInRequired;
    let href = format!("/sign-in?next={next}");
    view! {
        <Title text=if sign_in { "Sign in" } else { "No access" }/>
        <Meta name="robots" content="noindex"/>
        <section class="mx-auto max-w-2xl px-4 py-24 text-center" role="alert">
            <h1 class="font-display text-4xl text-stone-900">
                {if sign_in { "Please sign in" } else { "This area isn't open to your account" }}
            </h1>
            <p class="mt-4 text-lg text-stone-600">{error.to_string()}</p>
            <div class="mt-8 flex flex-wrap justify-center gap-3">
                {sign_in.then(|| view! { <a href=href class=BUTTON_PRIMARY>"Sign in"</a> })}
                <a href="/" class=BUTTON_SECONDARY>"Go to the home page"</a>
            </div>
        </section>
    }
}
