//! The rules for a new password (OWASP ASVS 5.0, V6): long enough, not absurdly long,
//! any Unicode allowed, and not one of the passwords attackers try first.

/// Lengths count characters, not bytes, so a passphrase in any script is measured fairly.
pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("Use at least {MIN_CHARS} characters. A few unrelated words make a strong, memorable password.")]
    TooShort,
    #[error("Use at most {MAX_CHARS} characters.")]
    TooLong,
    #[error(
        "This password is one of the most common ones and is easy to guess. Please choose another."
    )]
    Common,
    #[error("Don't use your email address as your password.")]
    ContainsEmail,
}

/// Checks a proposed password. `is_common` looks it up in the breached-password list,
/// which only the server carries (it is too large for the browser bundle).
pub fn check(
    password: &str,
    email: &str,
    is_common: impl Fn(&str) -> bool,
) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(WeakPassword::TooLong);
    }
    let lowered = password.to_lowercase();
    let local_part = email.split('@').next().unwrap_or("").to_lowercase();
    if !email.is_empty()
        && (lowered == email.to_lowercase() || (local_part.len() >= 4 && lowered == local_part))
    {
        return Err(WeakPassword::ContainsEmail);
    }
    if is_common(&lowered) {
        return Err(WeakPassword::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &str) -> bool {
        false
    }

    #[test]
    fn eight_characters_are_enough_and_seven_are_not() {
        assert_eq!(check("abcdefg", "", never), Err(WeakPassword::TooShort));
        assert_eq!(check("abcdefgh", "", never), Ok(()));
    }

    #[test]
    fn unicode_counts_characters_not_bytes() {
        // Seven characters, more than eight bytes.
        assert_eq!(check("ĉĝĥĵŝŭé", "", never), Err(WeakPassword::TooShort));
        assert_eq!(check("密码是长的安全短语", "", never), Ok(()));
    }

    #[test]
    fn long_passphrases_are_welcome_up_to_the_limit() {
        assert_eq!(check(&"a".repeat(128), "", never), Ok(()));
        assert_eq!(
            check(&"a".repeat(129), "", never),
            Err(WeakPassword::TooLong)
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        let list = |p: &str| p == "password1";
        assert_eq!(check("PassWord1", "", list), Err(WeakPassword::Common));
    }

    #[test]
    fn the_email_address_is_not_a_password() {
        assert_eq!(
            check(
                "isla.morrison@example.com",
                "isla.morrison@example.com",
                never
            ),
            Err(WeakPassword::ContainsEmail)
        );
        assert_eq!(
            check("Isla.Morrison", "isla.morrison@example.com", never),
            Err(WeakPassword::ContainsEmail)
        );
    }
}
