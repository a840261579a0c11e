//! Gallery data as it crosses from server to browser. Never carries who the patient is.

use serde::{Deserialize, Serialize};

/// A picture as the page shows it: every size the browser may choose from, and its
/// proportions, so the page keeps its place for it before it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    /// For browsers that read neither list.
    pub src: String,
    /// "url 320w, url 640w, …" in the fallback format (or Cloudinary's chosen one).
    pub srcset: String,
    /// The same sizes as WebP; empty when the store chooses formats itself.
    pub webp_srcset: String,
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
    /// "3 months after", when the clinic recorded it.
    pub time_after: Option<String>,
    pub before: Picture,
    pub after: Picture,
}

/// One before/after pair of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PicturePair {
    pub before: Picture,
    pub after: Picture,
}

/// A case's own page. Never carries who the patient is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub treatment_name: Option<String>,
    pub treatment_slug: Option<String>,
    pub treatment_summary: Option<String>,
    pub provider_name: Option<String>,
    pub provider_title: Option<String>,
    pub gallery_title: String,
    pub gallery_slug: String,
    pub album_title: String,
    pub album_slug: String,
    pub age_range: Option<String>,
    pub sessions: Option<i16>,
    pub time_after: Option<String>,
    pub pairs: Vec<PicturePair>,
}

/// A gallery and its albums, as the gallery pages list them (only those with cases the
/// public may see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryNav {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub albums: Vec<AlbumNav>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlbumNav {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub cases: i64,
}

/// What a gallery page's filters offer: only values some public case has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOptions {
    /// (slug, name)
    pub treatments: Vec<(String, String)>,
    pub age_ranges: Vec<String>,
    pub sessions: Vec<i16>,
}

/// A page of case cards under some filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePage {
    pub cases: Vec<CaseCard>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// The name a public file is stored and served under: its content hash, which makes its
/// address safe to cache forever, and the extension of its type.
pub fn file_name(content_hash: &str, content_type: &str) -> String {
    let extension = match content_type {
        "image/svg+xml" => "svg",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/avif" => "avif",
        _ => "bin",
    };
    format!("{content_hash}.{extension}")
}

/// The address of a public file kept in the data directory.
pub fn media_url(content_hash: &str, content_type: &str) -> String {
    format!("/media/{}", file_name(content_hash, content_type))
}

#[cfg(test)]
mod tests {
    use super::media_url;

    #[test]
    fn media_urls_carry_hash_and_extension() {
        assert_eq!(media_url("ab12", "image/svg+xml"), "/media/ab12.svg");
        assert_eq!(media_url("ab12", "image/jpeg"), "/media/ab12.jpg");
        assert_eq!(media_url("ab12", "image/webp"), "/media/ab12.webp");
    }
}
