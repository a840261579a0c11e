//! `sitemap.xml` and `robots.txt`: what search engines may index. The sitemap lists the
//! public pages that carry content (home, treatments, the gallery, each public case);
//! robots.txt keeps crawlers out of the staff area, accounts and booking steps.

use crate::backend::state::AppState;
use crate::backend::store;
use crate::domain::html::escape;
use crate::error::AppError;

pub async fn sitemap_xml(state: &AppState) -> Result<String, AppError> {
    let entries = store::gallery::sitemap(&state.pool, state.clinic_id).await?;
    let site = state.public_url.trim_end_matches('/');
    let mut urls: Vec<(String, Option<String>)> = vec![
        (format!("{site}/"), None),
        (format!("{site}/treatments"), None),
        (format!("{site}/gallery"), None),
    ];
    urls.extend(
        entries
            .treatments
            .iter()
            .map(|slug| (format!("{site}/treatments/{slug}"), None)),
    );
    for (gallery, albums) in &entries.galleries {
        urls.push((format!("{site}/gallery/{gallery}"), None));
        urls.extend(
            albums
                .iter()
                .map(|album| (format!("{site}/gallery/{gallery}/{album}"), None)),
        );
    }
    urls.extend(entries.cases.iter().map(|(slug, changed)| {
        (
            format!("{site}/cases/{slug}"),
            Some(changed.format("%Y-%m-%d").to_string()),
        )
    }));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, changed) in urls {
        xml.push_str(&format!("  <url><loc>{}</loc>", escape(&url)));
        if let Some(day) = changed {
            xml.push_str(&format!("<lastmod>{day}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

pub fn robots_txt(public_url: &str) -> String {
    format!(
        "User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /account\nDisallow: /book/\nDisallow: /booking/\nDisallow: /sign-in\n\nSitemap: {}/sitemap.xml\n",
        public_url.trim_end_matches('/')
    )
}
