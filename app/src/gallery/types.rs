//! Gallery data as it crosses from server to browser. Never carries who the patient is.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub treatment_name: Option<String>,
    pub treatment_slug: Option<String>,
    pub before: ImageRef,
    pub after: ImageRef,
}

/// The public address of a stored image. The content hash makes it safe to cache forever.
pub fn media_url(content_hash: &str, content_type: &str) -> String {
    let extension = match content_type {
        "image/svg+xml" => "svg",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/avif" => "avif",
        _ => "bin",
    };
    format!("/media/{content_hash}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::media_url;

    #[test]
    fn media_urls_carry_hash_and_extension() {
        assert_eq!(media_url("ab12", "image/svg+xml"), "/media/ab12.svg");
        assert_eq!(media_url("ab12", "image/jpeg"), "/media/ab12.jpg");
    }
}
