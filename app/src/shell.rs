//! The HTML document around the app, rendered on the server only: head, scripts, styles
//! and the page's script policy.

use crate::{backend, App};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};

const REGISTER: &str = "document.documentElement.classList.add('js');\
if('serviceWorker' in navigator)addEventListener('load',function(){navigator.serviceWorker.register('/sw.js')})";

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    backend::page_policy::apply(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#2f524d"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                // Marks the page as having scripts before anything is drawn, so parts that
                // need them (the before/after slider) are laid out from the first paint
                // rather than swapped in at hydration, which would move the page. Then
                // registers the service worker that keeps pages readable offline
                // (`backend::app_shell`), once the page has loaded.
                <script nonce=leptos::nonce::use_nonce()>{REGISTER}</script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options=options.clone()/>
                <HashedStylesheet options id="leptos"/>
                <MetaTags/>
            </head>
            <body class="bg-stone-50 text-stone-900 antialiased">
                <App/>
            </body>
        </html>
    }
}
