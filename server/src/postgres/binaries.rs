//! Finding the PostgreSQL server programs installed on this machine.

use super::EmbeddedError;
use std::path::{Path, PathBuf};

fn has_server_programs(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file()
}

/// LUMEN_PG_BIN_DIR if given; else PATH, `pg_config --bindir`, then the newest
/// `/usr/lib/postgresql/<version>/bin` (Debian keeps the server programs off PATH).
pub fn find(explicit: Option<&Path>) -> Result<PathBuf, EmbeddedError> {
    if let Some(dir) = explicit {
        return if has_server_programs(dir) {
            Ok(dir.to_owned())
        } else {
            Err(EmbeddedError::BadBinDir(dir.to_owned()))
        };
    }
    from_path()
        .or_else(from_pg_config)
        .or_else(|| newest_under(Path::new("/usr/lib/postgresql")))
        .ok_or(EmbeddedError::BinariesNotFound)
}

fn from_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        // A PATH entry may hold links to the real programs: look beside their target.
        let initdb = dir.join("initdb").canonicalize().ok()?;
        let real_dir = initdb.parent()?.to_owned();
        has_server_programs(&real_dir).then_some(real_dir)
    })
}

fn from_pg_config() -> Option<PathBuf> {
    let output = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    has_server_programs(&dir).then_some(dir)
}

fn newest_under(root: &Path) -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_server_programs(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_directory_without_the_programs_is_refused() {
        let dir = std::env::temp_dir();
        assert!(matches!(find(Some(&dir)), Err(EmbeddedError::BadBinDir(_))));
    }

    #[test]
    fn the_newest_version_directory_wins() {
        let root = std::env::temp_dir().join(format!("lumen-pgbin-{}", std::process::id()));
        for version in ["13", "16", "9"] {
            let bin = root.join(version).join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            std::fs::write(bin.join("initdb"), "").unwrap();
            std::fs::write(bin.join("postgres"), "").unwrap();
        }
        std::fs::create_dir_all(root.join("17").join("bin")).unwrap(); // incomplete: skipped
        assert_eq!(newest_under(&root), Some(root.join("16").join("bin")));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
