//! What a `<textarea>` holds. Leptos writes a textarea's children into the server's HTML
//! without escaping them (it treats the element like `<script>`), so typed text such as
//! `</textarea><script>…` would end the element and become markup. Every textarea's text
//! goes through [`textarea_text`].

/// `text` as a textarea's content: escaped in the server's HTML, where the browser decodes
/// it back; as it is in the browser, where Leptos sets it as a text node.
pub fn textarea_text(text: impl Into<String>) -> String {
    let text = text.into();
    if cfg!(feature = "ssr") {
        escaped(&text)
    } else {
        text
    }
}

/// `&`, `<` and `>` escaped; a leading newline doubled, since the HTML parser drops the
/// first newline after `<textarea>`.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    if text.starts_with('\n') {
        out.push('\n');
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn typed_markup_stays_text() {
        assert_eq!(
            escaped("</textarea><script>alert(1)</script> & co"),
            "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
        );
        assert_eq!(escaped("\nsecond line"), "\n\nsecond line");
        assert_eq!(escaped("plain"), "plain");
    }

    /// Every textarea in the app passes its text through `textarea_text`: one that does
    /// not would write what someone typed into the page as markup.
    #[test]
    fn every_textarea_in_the_app_escapes_its_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut unescaped = Vec::new();
        let mut found = 0;
        let mut folders = vec![root];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                if path.ends_with("ui/textarea.rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap();
                for (at, _) in source.match_indices("<textarea ") {
                    let element = &source[at..];
                    let Some(open_end) = element.find('>') else {
                        continue;
                    };
                    let Some(close) = element.find("</textarea>") else {
                        continue;
                    };
                    found += 1;
                    let children = element[open_end + 1..close].trim();
                    if !children.is_empty() && !children.starts_with("{textarea_text(") {
                        unescaped.push(format!("{}: {children}", path.display()));
                    }
                }
            }
        }
        assert!(
            found >= 15,
            "only {found} textareas found: is the search still right?"
        );
        assert!(unescaped.is_empty(), "{unescaped:#?}");
    }
}
