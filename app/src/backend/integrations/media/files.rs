//! The media store's files in the data directory: `public/` holds what may be served
//! (named by content hash), `originals/` holds uploads as they arrived, which are never
//! served and are readable by the server's user only.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct LocalFiles {
    root: PathBuf,
}

/// A stored file's name: hex, a dot and an extension, nothing that could climb out of
/// the directory.
fn safe_name(name: &str) -> io::Result<&str> {
    let ok = !name.is_empty()
        && name.len() <= 80
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'.' || b.is_ascii_lowercase());
    if ok {
        Ok(name)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a stored file's name",
        ))
    }
}

impl LocalFiles {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalFiles { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn public(&self, name: &str) -> io::Result<PathBuf> {
        Ok(self.root.join("public").join(safe_name(name)?))
    }

    fn original(&self, key: &str) -> io::Result<PathBuf> {
        Ok(self.root.join("originals").join(safe_name(key)?))
    }

    /// Writes a public file whole or not at all: a reader never sees half of one.
    pub async fn write_public(&self, name: &str, data: &[u8]) -> io::Result<()> {
        write_whole(&self.public(name)?, data).await
    }

    pub async fn read_public(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        read_if_there(&self.public(name)?).await
    }

    pub async fn remove_public(&self, name: &str) -> io::Result<()> {
        remove_if_there(&self.public(name)?).await
    }

    /// Keeps an upload as it arrived under a new random key, and returns the key.
    pub async fn keep_original(&self, data: &[u8]) -> io::Result<String> {
        let key = random_hex();
        write_whole(&self.original(&key)?, data).await?;
        Ok(key)
    }

    pub async fn read_original(&self, key: &str) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.original(key)?).await
    }

    pub async fn remove_original(&self, key: &str) -> io::Result<()> {
        remove_if_there(&self.original(key)?).await
    }
}

/// 128 random bits as hex: a name nobody can guess or collide with.
fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    crate::backend::hex::hex(&bytes)
}

async fn write_whole(path: &Path, data: &[u8]) -> io::Result<()> {
    let dir = path.parent().expect("stored files live in a directory");
    tokio::fs::create_dir_all(dir).await?;
    let partial = dir.join(format!(".{}.partial", random_hex()));
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let result = async {
        use tokio::io::AsyncWriteExt;
        let mut file = options.open(&partial).await?;
        file.write_all(data).await?;
        file.sync_all().await?;
        tokio::fs::rename(&partial, path).await
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    result
}

async fn read_if_there(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match tokio::fs::read(path).await {
        Ok(data) => Ok(Some(data)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

async fn remove_if_there(path: &Path) -> io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> LocalFiles {
        LocalFiles::new(std::env::temp_dir().join(format!("lumen-files-{}", random_hex())))
    }

    #[tokio::test]
    async fn public_files_round_trip_and_removing_twice_is_fine() {
        let files = scratch();
        files.write_public("ab12.jpg", b"pixels").await.unwrap();
        assert_eq!(
            files.read_public("ab12.jpg").await.unwrap().as_deref(),
            Some(&b"pixels"[..])
        );
        files.remove_public("ab12.jpg").await.unwrap();
        files.remove_public("ab12.jpg").await.unwrap();
        assert_eq!(files.read_public("ab12.jpg").await.unwrap(), None);
        let _ = std::fs::remove_dir_all(files.root());
    }

    #[tokio::test]
    async fn originals_are_private_and_apart_from_public_files() {
        let files = scratch();
        let key = files.keep_original(b"camera file").await.unwrap();
        assert_eq!(files.read_original(&key).await.unwrap(), b"camera file");
        assert_eq!(files.read_public(&key).await.unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(files.root().join("originals").join(&key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "others may read an original");
        }
        let _ = std::fs::remove_dir_all(files.root());
    }

    #[tokio::test]
    async fn names_that_could_leave_the_directory_are_refused() {
        let files = scratch();
        for name in ["../secret", "/etc/passwd", ".hidden", "a/b.jpg", ""] {
            assert!(files.read_public(name).await.is_err(), "{name}");
        }
    }
}
