//! What the gallery's staff screens show, as it crosses from server to browser.

use crate::domain::gallery_forms::{CaseForm, ConsentForm};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminGallery {
    pub id: String,
    pub title: String,
    pub slug: String,
    pub description: String,
    pub published: bool,
    pub albums: Vec<AdminAlbum>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAlbum {
    pub id: String,
    pub title: String,
    pub slug: String,
    pub description: String,
    pub published: bool,
    pub cases: Vec<AdminCaseRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCaseRow {
    pub id: String,
    pub title: String,
    pub slug: String,
    pub published: bool,
    /// Whether the public sees it now (published all the way up, consent current).
    pub public: bool,
    pub consent: String,
    pub pictures: i64,
}

/// One picture of a case, with how far making its public sizes has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminPicture {
    /// The case picture's id (its place in the case).
    pub id: String,
    pub kind: String,
    pub pair: i16,
    pub label: String,
    pub alt: String,
    /// processing, ready, failed or withdrawn.
    pub status: String,
    pub done: i16,
    pub total: i16,
    pub problem: Option<String>,
    /// A small size, served to staff only.
    pub thumbnail: Option<String>,
    /// The privacy choices as percentages: crop, and one blurred region per line.
    pub crop: String,
    pub blur: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEditor {
    pub form: CaseForm,
    pub consent: ConsentForm,
    /// In words: what the recorded consent allows, or that it was revoked.
    pub consent_state: String,
    pub revoked: bool,
    pub published: bool,
    pub public: bool,
    pub pictures: Vec<AdminPicture>,
    /// (id, name) choices.
    pub albums: Vec<(String, String)>,
    pub treatments: Vec<(String, String)>,
    pub providers: Vec<(String, String)>,
}
