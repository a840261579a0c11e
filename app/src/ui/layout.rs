//! The frame around every page: header with navigation, footer with how to reach the clinic.

use super::components::BUTTON_ON_DARK;
use crate::account::api::fetch_me;
use crate::catalog::types::{ClinicInfo, LocationInfo};
use crate::error::AppError;
use leptos::prelude::*;

pub type ClinicResource = Resource<Result<ClinicInfo, AppError>>;

/// The clinic's details, loaded once by the app for every page.
pub fn use_clinic() -> ClinicResource {
    expect_context::<ClinicResource>()
}

const NAV_LINK: &str = "rounded px-1 py-2 text-stone-700 transition hover:text-brand-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand-700";

#[component]
pub fn SiteHeader() -> impl IntoView {
    let clinic = use_clinic();
    let name = move || {
        Suspend::new(async move {
            clinic
                .await
                .map(|c| c.name)
                .unwrap_or_else(|_| "Our clinic".to_owned())
        })
    };
    // Loaded with the page. Signing in and out both end in a full page load (a form post
    // and a redirect), which asks again.
    let me = Resource::new(|| (), |_| fetch_me());
    let account_link = move || {
        Suspend::new(async move {
            match me.await.ok().flatten() {
                Some(me) if me.role.is_staff() => {
                    view! { <a href="/admin" class=NAV_LINK>"Staff area"</a> }.into_any()
                }
                Some(_) => view! { <a href="/account" class=NAV_LINK>"My account"</a> }.into_any(),
                None => view! { <a href="/sign-in" class=NAV_LINK>"Sign in"</a> }.into_any(),
            }
        })
    };
    view! {
        <header class="sticky top-0 z-20 border-b border-stone-200 bg-white/95 backdrop-blur">
            <div class="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
                <a href="/" class="flex items-center gap-2 font-display text-xl text-brand-800">
                    <Logo/>
                    <Suspense fallback=|| "">{name}</Suspense>
                </a>
                <nav aria-label="Main" class="hidden items-center gap-6 text-sm font-medium md:flex">
                    <a href="/treatments" class=NAV_LINK>"Treatments"</a>
                    <a href="/gallery" class=NAV_LINK>"Results"</a>
                    <a href="/assistant" class=NAV_LINK>"Ask us"</a>
                    <a href="#visit" class=NAV_LINK>"Visit us"</a>
                    <Suspense fallback=|| ()>{account_link}</Suspense>
                    <a href="/book" class="rounded-full bg-brand-700 px-5 py-2 font-semibold text-white transition hover:bg-brand-800">"Book"</a>
                </nav>
                // A <details> menu opens and closes without JavaScript.
                <details class="relative md:hidden">
                    <summary class="list-none cursor-pointer rounded-full border border-stone-300 px-4 py-2 text-sm font-medium text-stone-800">
                        "Menu"
                    </summary>
                    // Classes written out, not shared in a const: a literal is part of the
                    // page's template, while a const is set by code at hydration (about a
                    // kilobyte of every public page's bundle for these links).
                    <nav aria-label="Main" class="absolute right-0 mt-2 flex w-56 flex-col gap-1 rounded-2xl border border-stone-200 bg-white p-3 text-base shadow-lg">
                        <a href="/treatments" class="rounded-lg px-3 py-2 hover:bg-stone-100">"Treatments"</a>
                        <a href="/gallery" class="rounded-lg px-3 py-2 hover:bg-stone-100">"Results"</a>
                        <a href="/assistant" class="rounded-lg px-3 py-2 hover:bg-stone-100">"Ask us"</a>
                        <a href="#visit" class="rounded-lg px-3 py-2 hover:bg-stone-100">"Visit us"</a>
                        // One link that is right signed in or not (the account page asks a
                        // visitor to sign in), rather than a second wait for who is asking.
                        <a href="/account" class="rounded-lg px-3 py-2 hover:bg-stone-100">"Your account"</a>
                        <a href="/book" class="mt-1 rounded-full bg-brand-700 px-3 py-2 text-center font-semibold text-white">"Book"</a>
                    </nav>
                </details>
            </div>
        </header>
    }
}

#[component]
fn Logo() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 32 32" class="h-8 w-8">
            <circle cx="16" cy="16" r="15" fill="#2f524d"/>
            <path d="M16 7c-4 5-6 9-6 12a6 6 0 0 0 12 0c0-3-2-7-6-12z" fill="#dcebe8"/>
        </svg>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let clinic = use_clinic();
    view! {
        <footer id="visit" class="mt-24 border-t border-stone-200 bg-white">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    // A footer that cannot load says nothing rather than breaking the page.
                    clinic.await.ok().map(|clinic| view! { <FooterContent clinic/> })
                })}
            </Suspense>
        </footer>
    }
}

#[component]
fn FooterContent(clinic: ClinicInfo) -> impl IntoView {
    let year = "2026";
    let email_href = format!("mailto:{}", clinic.email);
    let phone_href = tel_href(&clinic.phone);
    view! {
        <div class="mx-auto grid max-w-6xl gap-10 px-4 py-12 md:grid-cols-3">
            <div>
                <p class="font-display text-2xl text-brand-800">{clinic.name.clone()}</p>
                <p class="mt-2 text-sm text-stone-600">{clinic.tagline}</p>
                <p class="mt-4 text-sm">
                    <a href=phone_href class="font-medium text-brand-700 hover:underline">{clinic.phone}</a>
                </p>
                <p class="text-sm">
                    <a href=email_href class="font-medium text-brand-700 hover:underline">{clinic.email}</a>
                </p>
            </div>
            {clinic.locations.into_iter().map(|location| view! { <LocationBlock location/> }).collect_view()}
        </div>
        <p class="border-t border-stone-100 py-6 text-center text-xs text-stone-500">
            {format!("© {year} {}. Treatments are provided by registered medical professionals.", clinic.name)}
        </p>
    }
}

#[component]
fn LocationBlock(location: LocationInfo) -> impl IntoView {
    let phone_href = tel_href(&location.phone);
    view! {
        <div>
            <h2 class="text-sm font-semibold uppercase tracking-wider text-stone-500">{location.name}</h2>
            <address class="mt-2 text-sm not-italic leading-relaxed text-stone-700">
                {location.address_lines.into_iter().map(|line| view! { <span class="block">{line}</span> }).collect_view()}
                <a href=phone_href class="mt-1 block font-medium text-brand-700 hover:underline">{location.phone}</a>
            </address>
            <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                {location.hours.into_iter().map(|line| view! {
                    <dt class="text-stone-500">{line.days}</dt>
                    <dd class="text-stone-800">{line.hours}</dd>
                }).collect_view()}
            </dl>
        </div>
    }
}

/// A `tel:` link target from a number written for people ("0131 496 0123").
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// A call to action used at the end of pages.
#[component]
pub fn BookBand() -> impl IntoView {
    view! {
        <section class="mx-auto mt-20 max-w-6xl px-4">
            <div class="rounded-3xl bg-brand-800 px-6 py-12 text-center text-white sm:px-12">
                <h2 class="font-display text-3xl">"Ready when you are"</h2>
                <p class="mx-auto mt-3 max-w-xl text-brand-100">
                    "Every treatment starts with a conversation about what you want and whether it is right for you."
                </p>
                <div class="mt-8"><a href="/book" class=BUTTON_ON_DARK>"Book an appointment"</a></div>
            </div>
        </section>
    }
}
