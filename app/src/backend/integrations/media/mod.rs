//! Images people upload, and where public files are kept. An upload is trusted for
//! nothing: [`decode`] recognises it by content and reads it within limits; [`variants`]
//! draws new files from its pixels, so no metadata survives. The original is kept
//! privately in the data directory; public files go to the data directory too, or to
//! Cloudinary when it is configured.

pub mod cloudinary;
pub mod decode;
pub mod files;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
pub mod variants;

pub use crate::domain::upload::UploadProblem;
pub use cloudinary::{Cloudinary, CloudinaryError};
pub use decode::{decode, MAX_UPLOAD_BYTES};
pub use files::LocalFiles;
pub use variants::{Prepared, PORTRAIT_SIDE};

/// Where a public file lives; recorded with it, so changing the configuration later
/// does not lose track of files already published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredIn {
    Local,
    Cloudinary,
}

impl StoredIn {
    pub fn as_str(self) -> &'static str {
        match self {
            StoredIn::Local => "local",
            StoredIn::Cloudinary => "cloudinary",
        }
    }

    pub fn parse(raw: &str) -> StoredIn {
        if raw == "cloudinary" {
            StoredIn::Cloudinary
        } else {
            StoredIn::Local
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the media directory: {0}")]
    Files(#[from] std::io::Error),
    #[error(transparent)]
    Cloudinary(#[from] CloudinaryError),
    #[error("a file is kept in Cloudinary, but CLOUDINARY_URL is not set")]
    CloudinaryNotConfigured,
}

/// The media store: private originals and public files in the data directory, public
/// files in Cloudinary instead when it is configured.
#[derive(Debug, Clone)]
pub struct Media {
    files: LocalFiles,
    cloudinary: Option<Cloudinary>,
}

impl Media {
    pub fn local(root: impl Into<std::path::PathBuf>) -> Self {
        Media {
            files: LocalFiles::new(root),
            cloudinary: None,
        }
    }

    pub fn with_cloudinary(self, cloudinary: Cloudinary) -> Self {
        Media {
            cloudinary: Some(cloudinary),
            ..self
        }
    }

    pub fn files(&self) -> &LocalFiles {
        &self.files
    }

    /// Where new public files go.
    pub fn public_store(&self) -> StoredIn {
        if self.cloudinary.is_some() {
            StoredIn::Cloudinary
        } else {
            StoredIn::Local
        }
    }

    /// Another site pages must allow images from (the pages' policy), if any.
    pub fn image_origin(&self) -> Option<&'static str> {
        self.cloudinary
            .as_ref()
            .map(|_| "https://res.cloudinary.com")
    }

    fn cloudinary(&self) -> Result<&Cloudinary, MediaError> {
        self.cloudinary
            .as_ref()
            .ok_or(MediaError::CloudinaryNotConfigured)
    }

    /// Puts a public file where browsers will fetch it.
    pub async fn publish(&self, file: &Prepared) -> Result<StoredIn, MediaError> {
        match self.public_store() {
            StoredIn::Local => {
                self.files
                    .write_public(&file.file_name(), &file.data)
                    .await?
            }
            StoredIn::Cloudinary => {
                let id = Cloudinary::public_id(&file.content_hash);
                self.cloudinary()?
                    .upload(&id, &file.data, unix_time())
                    .await?
            }
        }
        Ok(self.public_store())
    }

    /// Puts a public file in the data directory whatever the configuration: for small
    /// pictures the site itself shows (providers' portraits).
    pub async fn publish_local(&self, file: &Prepared) -> Result<StoredIn, MediaError> {
        self.files
            .write_public(&file.file_name(), &file.data)
            .await?;
        Ok(StoredIn::Local)
    }

    /// Removes a public file from wherever it is served, caches included.
    pub async fn withdraw(
        &self,
        content_hash: &str,
        content_type: &str,
        stored_in: StoredIn,
    ) -> Result<(), MediaError> {
        match stored_in {
            StoredIn::Local => {
                let name = crate::gallery::types::file_name(content_hash, content_type);
                self.files.remove_public(&name).await?
            }
            StoredIn::Cloudinary => {
                let id = Cloudinary::public_id(content_hash);
                self.cloudinary()?.destroy(&id, unix_time()).await?
            }
        }
        Ok(())
    }

    /// Where browsers fetch a public file; `width` asks Cloudinary for that size (a local
    /// file already is one size).
    pub fn url(
        &self,
        content_hash: &str,
        content_type: &str,
        stored_in: StoredIn,
        width: u32,
    ) -> String {
        match (stored_in, &self.cloudinary) {
            (StoredIn::Cloudinary, Some(cloudinary)) => {
                cloudinary.delivery_url(&Cloudinary::public_id(content_hash), width)
            }
            _ => crate::gallery::types::media_url(content_hash, content_type),
        }
    }
}

/// Seconds since 1970: Cloudinary refuses requests signed more than an hour ago.
fn unix_time() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A square portrait from an uploaded photo. CPU-heavy: run it on a blocking thread.
pub fn portrait(bytes: &[u8], owner: &[u8]) -> Result<Prepared, UploadProblem> {
    Ok(variants::portrait(&decode(bytes)?, owner))
}
