//! Text made safe for a URL's path segment or query value.

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn only_unreserved_characters_pass_unchanged() {
        assert_eq!(percent_encode("a-b_c.d~9"), "a-b_c.d~9");
        assert_eq!(percent_encode("/admin?x=1&y"), "%2Fadmin%3Fx%3D1%26y");
        assert_eq!(
            percent_encode("Skin & Aesthetics"),
            "Skin%20%26%20Aesthetics"
        );
        assert_eq!(percent_encode("é"), "%C3%A9");
    }
}
