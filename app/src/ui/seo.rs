//! What search engines and link previews read from a page: its title, description and
//! one canonical address, an OpenGraph card, and structured data (JSON-LD).

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// An address on this site as an absolute URL; addresses that already are one (a
/// Cloudinary picture) are left alone.
pub fn absolute(site_url: &str, path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        path.to_owned()
    } else {
        format!("{}{path}", site_url.trim_end_matches('/'))
    }
}

/// Title, description, canonical URL and the OpenGraph card for a page at `path`.
#[component]
pub fn PageMeta(
    title: String,
    description: String,
    site_url: String,
    path: String,
    image: Option<String>,
) -> impl IntoView {
    let url = absolute(&site_url, &path);
    let image = image.map(|i| absolute(&site_url, &i));
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
        {image.map(|image| view! {
            <Meta property="og:image" content=image/>
            <Meta name="twitter:card" content="summary_large_image"/>
        })}
    }
}

/// Structured data for search engines. `<` is escaped so no value can end the element.
#[component]
pub fn JsonLd(data: serde_json::Value) -> impl IntoView {
    let text = data.to_string().replace('<', "\\u003c");
    view! { <script type="application/ld+json" inner_html=text></script> }
}

#[cfg(test)]
mod tests {
    use super::absolute;

    #[test]
    fn paths_become_addresses_on_this_site() {
        assert_eq!(
            absolute("https://clinic.example/", "/cases/a"),
            "https://clinic.example/cases/a"
        );
        assert_eq!(
            absolute("https://clinic.example", "https://cdn.example/x.jpg"),
            "https://cdn.example/x.jpg"
        );
    }
}
