//! The Content-Security-Policy of every rendered page. Scripts run only from this site or
//! when they carry this response's nonce (the one Leptos puts on its hydration and data
//! scripts), so markup injected into a page cannot run script.

use leptos::config::{Env, LeptosOptions};
use leptos::prelude::*;

/// What a page may reach to take a payment: where a form may send the patient (Stripe's
/// hosted checkout: Chrome applies `form-action` to the redirect a form post answers with,
/// so without it a booking paid without JavaScript would stop at the clinic's own page),
/// and the script and frame of a checkout opened on the page itself (Razorpay's).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PaymentOrigins {
    pub form: Option<String>,
    pub script: Option<String>,
    pub frame: Option<String>,
}

/// The policy for a page whose inline scripts carry `nonce`. `live_reload_port` opens a
/// websocket for `cargo leptos watch` in development.
pub fn policy(
    nonce: &str,
    live_reload_port: Option<u32>,
    image_origin: Option<&str>,
    paying: &PaymentOrigins,
) -> String {
    let connect = match live_reload_port {
        Some(port) => format!("'self' ws://localhost:{port} ws://127.0.0.1:{port}"),
        None => "'self'".to_owned(),
    };
    let images = match image_origin {
        Some(origin) => format!("'self' data: {origin}"),
        None => "'self' data:".to_owned(),
    };
    let also = |origin: &Option<String>| match origin {
        Some(origin) => format!(" {origin}"),
        None => String::new(),
    };
    let (forms, scripts, frames) = (
        also(&paying.form),
        also(&paying.script),
        also(&paying.frame),
    );
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{scripts}; \
         style-src 'self'; img-src {images}; font-src 'self'; connect-src {connect}; \
         frame-src 'self'{frames}; object-src 'none'; base-uri 'none'; form-action 'self'{forms}; \
         frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response being rendered.
pub fn apply(options: &LeptosOptions) {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        tracing::error!("no nonce for this page; it is served without its script policy");
        return;
    };
    let live_reload = (options.env == Env::DEV).then_some(options.reload_port);
    // Pictures kept in Cloudinary are fetched from its CDN.
    let state = use_context::<crate::backend::state::AppState>();
    let image_origin = state.as_ref().and_then(|s| s.media.image_origin());
    let paying = state
        .as_ref()
        .map(|s| s.payments.page_origins())
        .unwrap_or_default();
    let policy = policy(&nonce, live_reload, image_origin, &paying);
    match http::HeaderValue::from_str(&policy) {
        Ok(value) => response.insert_header(http::header::CONTENT_SECURITY_POLICY, value),
        Err(error) => tracing::error!(%error, "page policy is not a valid header"),
    }
}

#[cfg(test)]
mod tests {
    use super::{policy, PaymentOrigins};

    const NONE: &PaymentOrigins = &PaymentOrigins {
        form: None,
        script: None,
        frame: None,
    };

    #[test]
    fn scripts_need_the_nonce_and_nothing_may_frame_the_page() {
        let p = policy("abc123", None, None, NONE);
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(p.contains("connect-src 'self';"));
    }

    #[test]
    fn forms_may_go_only_here_and_to_the_payment_services_checkout() {
        assert!(policy("n", None, None, NONE).contains("form-action 'self';"));
        let stripe = PaymentOrigins {
            form: Some("https://checkout.stripe.com".to_owned()),
            ..PaymentOrigins::default()
        };
        let paying = policy("n", None, None, &stripe);
        assert!(paying.contains("form-action 'self' https://checkout.stripe.com;"));
        assert!(paying.contains("frame-src 'self';"));
    }

    #[test]
    fn a_checkout_opened_on_the_page_may_load_its_script_and_frame_only() {
        let razorpay = PaymentOrigins {
            script: Some("https://checkout.razorpay.com".to_owned()),
            frame: Some("https://api.razorpay.com".to_owned()),
            ..PaymentOrigins::default()
        };
        let p = policy("n", None, None, &razorpay);
        assert!(p.contains(
            "script-src 'self' 'nonce-n' 'wasm-unsafe-eval' https://checkout.razorpay.com;"
        ));
        assert!(p.contains("frame-src 'self' https://api.razorpay.com;"));
        assert!(p.contains("form-action 'self';"));
    }

    #[test]
    fn development_may_open_the_live_reload_socket() {
        assert!(
            policy("n", Some(3001), None, NONE).contains("connect-src 'self' ws://localhost:3001")
        );
    }

    #[test]
    fn pictures_may_come_from_the_configured_cdn_only() {
        assert!(policy("n", None, None, NONE).contains("img-src 'self' data:;"));
        assert!(policy("n", None, Some("https://res.cloudinary.com"), NONE)
            .contains("img-src 'self' data: https://res.cloudinary.com;"));
    }
}
