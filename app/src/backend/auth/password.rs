//! Password hashing with Argon2id at the OWASP ASVS 5.0 parameters (19 MiB, 2 passes, 1 lane),
//! always on a blocking thread: a hash takes tens of milliseconds of CPU.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, PASSES, LANES, None).expect("the ASVS parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| HashError(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// True when `password` matches `stored`. With `None` (no such account) the same hashing
/// work is done anyway, so the time taken does not reveal whether an email is registered.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => PasswordHash::new(&stored)
            .map(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false),
        None => {
            let salt = SaltString::from_b64("ZGVjb3lzYWx0ZGVjb3lzYQ").expect("a valid salt");
            let _ = argon2().hash_password(password.as_bytes(), &salt);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// True when `lowered` is one of the 10,000 most common passwords (of 8 or more
/// characters) seen in breaches. The list ships with the server, never to the browser.
pub fn is_common(lowered: &str) -> bool {
    static COMMON: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            include_str!("../../../data/common-passwords.txt")
                .lines()
                .filter(|line| !line.starts_with('#') && !line.is_empty())
                .collect()
        });
    COMMON.contains(lowered)
}

/// A new password chosen by the person with `email`: checked against the rules and the
/// breached list, then hashed. A weak one is refused against the form field `field`.
pub async fn accept_new(
    password: String,
    email: &str,
    field: &str,
) -> Result<String, crate::error::AppError> {
    use crate::error::AppError;
    crate::ui::status::answer(
        crate::domain::password::check(&password, email, is_common).map_err(|weak| {
            AppError::Rejected(vec![crate::domain::form::FieldProblem::new(field, weak)])
        }),
    )?;
    hash_new(password).await
}

/// Hashes a password that already passed the rules.
pub async fn hash_new(password: String) -> Result<String, crate::error::AppError> {
    hash(password).await.map_err(|error| {
        tracing::error!(%error, "hashing a new password failed");
        crate::error::AppError::Unavailable
    })
}

#[cfg(test)]
mod tests {
    use super::is_common;

    #[test]
    fn the_breached_list_knows_the_usual_suspects_and_not_a_passphrase() {
        for common in ["password", "12345678", "iloveyou", "qwertyuiop", "sunshine"] {
            assert!(is_common(common), "{common}");
        }
        assert!(!is_common("copper kettle morning"));
        assert!(!is_common(
            "# the 10,000 most common passwords of 8 or more characters, most common first,"
        ));
    }
}
