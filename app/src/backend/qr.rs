//! QR codes for the authenticator set-up page, drawn as SVG on the server.

use base64::Engine as _;

/// `text` as a QR code in an SVG data URL, ready for an `<img>` (the page's policy allows
/// `data:` images, and an image cannot run script).
pub fn svg_data_url(text: &str) -> String {
    let svg = match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(error) => {
            tracing::error!(%error, "could not draw a QR code");
            String::new()
        }
    };
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_an_svg_image() {
        let url = svg_data_url("otpauth://totp/Clinic:amara?secret=GEZDGNBV");
        let encoded = url.strip_prefix("data:image/svg+xml;base64,").unwrap();
        let svg = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
