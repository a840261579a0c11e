//! The installable, offline-capable shell around the site: the web app manifest, the
//! service worker (`app_shell/sw.js`) and the page it shows when there is no connection.
//!
//! The offline page is plain HTML with its own small style, not a Leptos page: the
//! service worker shows it at whatever address failed (a booking step, say), where a
//! hydrating app would try to render that address's page instead.

use crate::catalog::types::ClinicInfo;
use crate::domain::html::escape;
use crate::ui::layout::tel_href;

const SERVICE_WORKER: &str = include_str!("app_shell/sw.js");

/// The service worker for release `release`: a new release is a new script, which the
/// browser installs in place of the old one, and its cache replaces the old cache.
pub fn service_worker(release: &str) -> String {
    // A release id is hex; anything else would end the string it is written into.
    let release: String = release
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    SERVICE_WORKER.replace("__RELEASE__", &release)
}

/// The web app manifest: the clinic's name on the phone's home screen, opening at home.
pub fn manifest(clinic_name: &str) -> String {
    serde_json::json!({
        "name": clinic_name,
        "short_name": clinic_name,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fafaf9",
        "theme_color": "#2f524d",
        "icons": [
            { "src": "/assets/icon.svg", "sizes": "any", "type": "image/svg+xml" },
            { "src": "/assets/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "maskable" }
        ]
    })
    .to_string()
}

/// The page the service worker shows offline: what still works, and how to reach the
/// clinic (its phone, email and each location's address and hours).
pub fn offline_page(clinic: &ClinicInfo) -> String {
    let name = escape(&clinic.name);
    let tel = |phone: &str| {
        format!(
            "<a href=\"{}\">{}</a>",
            escape(&tel_href(phone)),
            escape(phone)
        )
    };
    let locations: String = clinic
        .locations
        .iter()
        .map(|location| {
            let address: String = location
                .address_lines
                .iter()
                .map(|line| format!("{}<br>", escape(line)))
                .collect();
            let hours: String = location
                .hours
                .iter()
                .map(|line| {
                    format!(
                        "<dt>{}</dt><dd>{}</dd>",
                        escape(&line.days),
                        escape(&line.hours)
                    )
                })
                .collect();
            format!(
                "<section><h2>{}</h2><address>{address}{}</address><dl>{hours}</dl></section>",
                escape(&location.name),
                tel(&location.phone)
            )
        })
        .collect();
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#2f524d">
<title>You are offline — {name}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<p class="clinic">{name}</p>
<h1>You are offline</h1>
<p>This page needs a connection, and this phone or computer has none just now.</p>
<p><strong>Booking a time, paying and signing in need a connection.</strong> Try again when you are back online, or call us.</p>
<p>Pages you opened before still open, your account with your upcoming appointments among them: <a href="/account">your appointments</a>, <a href="/">home</a>.</p>
<h2>Reach us</h2>
<p>{phone}<br><a href="mailto:{email}">{email}</a></p>
{locations}
</main>
</body>
</html>
"##,
        phone = tel(&clinic.phone),
        email = escape(&clinic.email),
    )
}

/// Enough style to read comfortably, in the site's colours; large targets for fingers.
const STYLE: &str =
    "body{margin:0;background:#fafaf9;color:#1c1917;font:18px/1.6 system-ui,sans-serif}\
main{max-width:40rem;margin:0 auto;padding:2rem 1rem}\
h1{font-size:2rem;line-height:1.2;color:#2f524d;margin:.5rem 0 1rem}\
h2{font-size:1.1rem;margin:2rem 0 .5rem}\
.clinic{font-weight:600;color:#2f524d;margin:0}\
a{color:#2f524d;font-weight:600;display:inline-block;min-height:24px}\
address{font-style:normal}dl{display:grid;grid-template-columns:auto 1fr;gap:0 1rem}dd{margin:0}\
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::types::LocationInfo;
    use crate::domain::hours::HoursLine;

    #[test]
    fn each_release_has_its_own_cache_and_nothing_else_gets_into_the_script() {
        let script = service_worker("ab12\";alert(1)//");
        assert!(script.contains(r#"const RELEASE = "ab12alert1";"#));
        assert!(!script.contains("__RELEASE__"));
        assert_ne!(service_worker("one"), service_worker("two"));
    }

    #[test]
    fn the_offline_page_says_how_to_reach_the_clinic_and_escapes_what_staff_typed() {
        let clinic = ClinicInfo {
            name: "Juniper <Clinic>".into(),
            tagline: String::new(),
            phone: "020 7946 0000".into(),
            email: "hello@juniper.example".into(),
            locations: vec![LocationInfo {
                name: "Marylebone".into(),
                address_lines: vec!["12 Wimpole Street".into(), "London W1G 9SR".into()],
                phone: "+44 20 7946 0001".into(),
                hours: vec![HoursLine {
                    days: "Mon–Fri".into(),
                    hours: "09:00–19:00".into(),
                }],
            }],
            site_url: String::new(),
        };
        let page = offline_page(&clinic);
        assert!(page.contains("Juniper &lt;Clinic&gt;"));
        assert!(!page.contains("<Clinic>"));
        assert!(page.contains(r#"<a href="tel:02079460000">020 7946 0000</a>"#));
        assert!(page.contains(r#"<a href="tel:+442079460001">+44 20 7946 0001</a>"#));
        assert!(page.contains("12 Wimpole Street<br>"));
        assert!(page.contains("<dt>Mon–Fri</dt><dd>09:00–19:00</dd>"));
        assert!(page.contains("Booking a time, paying and signing in need a connection."));
    }
}
