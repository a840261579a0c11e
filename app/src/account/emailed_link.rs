//! The frame of every page an emailed link opens (confirming an address, choosing a new
//! password, accepting an invitation): the token the link carries, kept out of search
//! engines and out of the Referer of anything the page links to.
//!
//! The referrer policy is `same-origin`, not `no-referrer`: under `no-referrer` a browser
//! posts a plain form (before hydration, or without JavaScript) with `Origin: null`, and
//! the same-origin guard rightly refuses that. `same-origin` still sends nothing to other
//! sites.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The token in the link that opened the page.
pub fn link_token() -> String {
    use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default()
}

/// The page's title, a line on what the form does (if needed), and the form (children).
/// Forms here act only when their button is pressed, so a mail scanner that follows links
/// cannot use a link up on the person's behalf.
#[component]
pub fn EmailedLinkPage(
    title: &'static str,
    #[prop(optional)] lead: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title/>
        <Meta name="robots" content="noindex"/>
        <Meta name="referrer" content="same-origin"/>
        <section class="mx-auto max-w-md px-4 py-16">
            <h1 class="font-display text-4xl text-stone-900">{title}</h1>
            {lead.map(|lead| view! { <p class="mt-4 text-stone-600">{lead}</p> })}
            {children()}
        </section>
    }
}
