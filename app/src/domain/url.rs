//! Text made safe for a URL's path segment or query value, and addresses checked before a
//! redirect follows them.

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

/// `next` if it is a path on this site as a browser would read it, else `None`: the only
/// kind of address a redirect after sign-in may follow (anything else is an open redirect).
///
/// Browsers drop tabs and newlines from addresses, read `\` as `/`, and some servers and
/// proxies decode `%2F` and `%5C` before routing, so `/\t/evil.example`, `/\evil.example` and
/// `/%2F/evil.example` can all become `//evil.example`, another site. Rather than mirror
/// every normalisation, anything that is not plain visible ASCII is refused, as are
/// backslashes, and encoded slashes, backslashes and control characters.
pub fn local_path(next: &str) -> Option<&str> {
    let plain = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let lowered = next.to_ascii_lowercase();
    let encoded = ["%2f", "%5c", "%09", "%0a", "%0d", "%00"]
        .iter()
        .any(|code| lowered.contains(code));
    let rooted = next.starts_with('/') && !next.starts_with("//");
    (plain && !encoded && rooted).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::{local_path, percent_encode};

    #[test]
    fn a_redirect_follows_only_a_path_on_this_site() {
        for ours in [
            "/account",
            "/admin/calendar?date=2026-03-17&view=week",
            "/booking/abc#details",
            "/",
        ] {
            assert_eq!(local_path(ours), Some(ours), "{ours}");
        }
        // Known ways to another site through a check that only looks at the start.
        for other in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:x",
            "/%00",
            "/\u{ff0f}evil.example",
            "/ /evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(other), None, "{other:?}");
        }
    }

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
