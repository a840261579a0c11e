//! Sessions in Postgres. The clock is a parameter so tests can move time.

use crate::domain::access::Role;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

/// `__Host-`: the browser only accepts it from a secure origin, for path `/`, without a
/// Domain, so no sibling subdomain can plant or read it. Browsers treat http://localhost and
/// http://127.0.0.1 as secure, so the same name works in development.
pub const COOKIE_NAME: &str = "__Host-lumen_session";

pub const ABSOLUTE_LIFETIME: Duration = Duration::hours(12);

/// Staff sign out after 30 idle minutes (shared screens at a front desk); patients after 2 hours.
pub fn idle_timeout(role: Role) -> Duration {
    if role == Role::Patient {
        Duration::hours(2)
    } else {
        Duration::minutes(30)
    }
}

/// A secret as the browser holds it (a session cookie, or the token in an emailed link):
/// 256 random bits, hex-encoded. Only its SHA-256 is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn generate() -> Token {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        Token(crate::backend::hex::hex(&bytes))
    }

    pub fn parse(value: &str) -> Option<Token> {
        (value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Token(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }

    /// A secret of its own for `purpose`, which only a holder of this one can work out:
    /// the hold the assistant places for a conversation is reached through the
    /// conversation's secret, so its link need never be written down.
    pub fn derive(&self, purpose: &str) -> Token {
        let mut digest = Sha256::new();
        digest.update(purpose.as_bytes());
        digest.update(b":");
        digest.update(self.0.as_bytes());
        Token(crate::backend::hex::hex(&digest.finalize()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)") // never in logs
    }
}

/// The `Set-Cookie` value that hands `token` to the browser.
pub fn cookie(token: &Token) -> String {
    format!(
        "{COOKIE_NAME}={}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
        token.as_str(),
        ABSOLUTE_LIFETIME.num_seconds()
    )
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub fn clearing_cookie() -> String {
    format!("{COOKIE_NAME}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The value of cookie `name` in a `Cookie` request header, if it is there.
pub fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value)
}

/// The session token in a `Cookie` request header, if any.
pub fn token_from_header(cookie_header: &str) -> Option<Token> {
    cookie_value(cookie_header, COOKIE_NAME).and_then(Token::parse)
}

/// Starts a fresh session: every sign-in (and the second factor) gets a new token, so a
/// token planted before is worthless after. `second_factor`: whether it was given.
pub async fn start(
    pool: &PgPool,
    user_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
    second_factor: bool,
) -> Result<Token, sqlx::Error> {
    let token = Token::generate();
    let idle =
        sqlx::postgres::types::PgInterval::try_from(idle_timeout(role).to_std().expect("positive"))
            .expect("the idle timeout fits an interval");
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, idle_timeout, expires_at, second_factor_at)
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
        token.hash(),
        user_id,
        now,
        idle,
        now + ABSOLUTE_LIFETIME,
        second_factor.then_some(now)
    )
    .execute(pool)
    .await?;
    Ok(token)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: Uuid,
    pub clinic_id: Option<Uuid>,
    pub role: Role,
    pub display_name: String,
    pub email: String,
    /// Whether this session has been through the second factor.
    pub second_factor: bool,
}

/// The signed-in user behind `token`, if the session is live; also records the activity
/// that keeps it from idling out. Expired sessions are deleted when met.
pub async fn resume(
    pool: &PgPool,
    token: &Token,
    now: DateTime<Utc>,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let row = sqlx::query!(
        r#"UPDATE sessions s SET last_seen_at = $2
           FROM users u
           WHERE s.token_hash = $1 AND u.id = s.user_id AND u.active
             AND s.expires_at > $2 AND s.last_seen_at + s.idle_timeout > $2
           RETURNING u.id, u.clinic_id, u.role::text AS "role!", u.display_name, u.email,
                     s.second_factor_at IS NOT NULL AS "second_factor!""#,
        token.hash(),
        now
    )
    .fetch_optional(pool)
    .await?;
    match row {
        Some(r) => Ok(Role::parse(&r.role).map(|role| SessionUser {
            user_id: r.id,
            clinic_id: r.clinic_id,
            role,
            display_name: r.display_name,
            email: r.email,
            second_factor: r.second_factor,
        })),
        None => {
            end(pool, token).await?;
            Ok(None)
        }
    }
}

pub async fn end(pool: &PgPool, token: &Token) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", token.hash())
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of `user_id`, in the caller's transaction: whoever was signed in as
/// them is signed out on their next request.
pub async fn end_all(conn: &mut sqlx::PgConnection, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_has_every_protective_flag() {
        let token = Token::generate();
        let cookie = cookie(&token);
        assert!(cookie.starts_with("__Host-lumen_session="));
        for flag in ["; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax"] {
            assert!(cookie.contains(flag), "{flag} missing in {cookie}");
        }
        assert!(!cookie.contains("Domain="));
    }

    #[test]
    fn tokens_are_read_back_from_a_cookie_header() {
        let token = Token::generate();
        let header = format!("theme=dark; {}={}; other=1", COOKIE_NAME, token.as_str());
        assert_eq!(token_from_header(&header), Some(token));
        assert_eq!(token_from_header("__Host-lumen_session=short"), None);
        assert_eq!(token_from_header("other=1"), None);
    }

    #[test]
    fn tokens_never_repeat_and_never_print() {
        let (a, b) = (Token::generate(), Token::generate());
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "Token(…)");
    }
}
