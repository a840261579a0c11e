//! Why an uploaded photo was refused, in words the person can act on. The page that
//! receives a refused upload learns which problem it was from a short code in its address.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UploadProblem {
    #[error("Choose a photo to upload.")]
    Empty,
    #[error("That file is larger than 15 MB. Choose a smaller photo.")]
    TooLarge,
    #[error(
        "That file isn't a JPEG, PNG or WebP photo. Choose a photo saved in one of those formats."
    )]
    NotAPhoto,
    #[error(
        "That photo has too many pixels to process. Choose one under 12,000 pixels on each side."
    )]
    TooManyPixels,
    #[error("That photo couldn't be read; it may be damaged or incomplete. Try saving it again.")]
    Unreadable,
    #[error(
        "That is an iPhone HEIC photo, which can't be used yet. Export it as JPEG (in Photos: Share, then Options, then Most Compatible) and upload that."
    )]
    Heic,
}

const ALL: [UploadProblem; 6] = [
    UploadProblem::Empty,
    UploadProblem::TooLarge,
    UploadProblem::NotAPhoto,
    UploadProblem::TooManyPixels,
    UploadProblem::Unreadable,
    UploadProblem::Heic,
];

impl UploadProblem {
    pub fn code(self) -> &'static str {
        match self {
            UploadProblem::Empty => "empty",
            UploadProblem::TooLarge => "too-large",
            UploadProblem::NotAPhoto => "not-a-photo",
            UploadProblem::TooManyPixels => "too-many-pixels",
            UploadProblem::Unreadable => "unreadable",
            UploadProblem::Heic => "heic",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        ALL.into_iter().find(|p| p.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_survives_the_trip_through_its_code() {
        for problem in ALL {
            assert_eq!(UploadProblem::from_code(problem.code()), Some(problem));
        }
        assert_eq!(UploadProblem::from_code("other"), None);
    }
}
