//! Who runs PostgreSQL, and making the cluster directory theirs.

use super::{io, EmbeddedError};
use std::ffi::{CStr, CString};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct RunAs {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail and has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn user_by_name(name: &str) -> Option<RunAs> {
    let c_name = CString::new(name).ok()?;
    // SAFETY: getpwnam returns NULL or a pointer to static storage that we copy from at once;
    // Lumen looks users up only here, before any other thread does.
    unsafe {
        let entry = libc::getpwnam(c_name.as_ptr());
        if entry.is_null() {
            return None;
        }
        Some(RunAs {
            name: CStr::from_ptr((*entry).pw_name)
                .to_string_lossy()
                .into_owned(),
            uid: (*entry).pw_uid,
            gid: (*entry).pw_gid,
        })
    }
}

fn user_by_uid(uid: u32) -> Option<RunAs> {
    // SAFETY: as in user_by_name.
    unsafe {
        let entry = libc::getpwuid(uid);
        if entry.is_null() {
            return None;
        }
        Some(RunAs {
            name: CStr::from_ptr((*entry).pw_name)
                .to_string_lossy()
                .into_owned(),
            uid: (*entry).pw_uid,
            gid: (*entry).pw_gid,
        })
    }
}

/// `None` runs PostgreSQL as ourselves. As root, an existing cluster keeps the owner it
/// has (so a cluster made by a developer's own account still starts); a new one belongs
/// to `preferred`.
pub fn decide(cluster_dir: &Path, preferred: &str) -> Result<Option<RunAs>, EmbeddedError> {
    if !is_root() {
        return Ok(None);
    }
    if let Ok(meta) = std::fs::metadata(cluster_dir.join("PG_VERSION")) {
        if meta.uid() != 0 {
            if let Some(owner) = user_by_uid(meta.uid()) {
                return Ok(Some(owner));
            }
        }
    }
    user_by_name(preferred)
        .map(Some)
        .ok_or_else(|| EmbeddedError::NoUnprivilegedUser(preferred.to_owned()))
}

/// Creates the cluster directory (mode 0700, as PostgreSQL requires) owned by the user who
/// runs PostgreSQL, after checking that user can reach it at all.
pub fn prepare_dir(
    data_dir: &Path,
    cluster_dir: &Path,
    run_as: Option<&RunAs>,
) -> Result<(), EmbeddedError> {
    std::fs::create_dir_all(cluster_dir)
        .map_err(io(format!("creating {}", cluster_dir.display())))?;
    if let Some(user) = run_as {
        // The data directory is Lumen's own; opening it for traversal lets the
        // PostgreSQL user reach the cluster inside without exposing the files.
        let meta =
            std::fs::metadata(data_dir).map_err(io(format!("reading {}", data_dir.display())))?;
        if meta.mode() & 0o001 == 0 {
            let mut permissions = meta.permissions();
            permissions.set_mode(meta.mode() | 0o001);
            std::fs::set_permissions(data_dir, permissions)
                .map_err(io(format!("opening {}", data_dir.display())))?;
        }
        if let Some(blocked) = data_dir.ancestors().find(|dir| !can_traverse(dir, user)) {
            return Err(EmbeddedError::Unreachable {
                dir: cluster_dir.to_owned(),
                user: user.name.clone(),
                blocked: blocked.to_owned(),
            });
        }
        std::os::unix::fs::chown(cluster_dir, Some(user.uid), Some(user.gid)).map_err(io(
            format!("giving {} to {}", cluster_dir.display(), user.name),
        ))?;
    }
    std::fs::set_permissions(cluster_dir, std::fs::Permissions::from_mode(0o700))
        .map_err(io(format!("restricting {}", cluster_dir.display())))
}

fn can_traverse(dir: &Path, user: &RunAs) -> bool {
    let Ok(meta) = std::fs::metadata(dir) else {
        return false;
    };
    let mode = meta.mode();
    if meta.uid() == user.uid {
        mode & 0o100 != 0
    } else if meta.gid() == user.gid {
        mode & 0o010 != 0
    } else {
        mode & 0o001 != 0
    }
}
