//! The network paths a visit's browsers are given: STUN servers to learn their public
//! address, and TURN servers to relay through when no direct path works (or always, when
//! the clinic asks), each participant with TURN credentials of their own that expire when
//! the room closes.

use crate::domain::video::{turn_username, IceServer, TurnCredentials};
use chrono::{DateTime, Utc};

#[derive(Clone, Default, PartialEq, Eq)]
pub struct IceSettings {
    /// `stun:stun.example.org:3478`.
    pub stun_urls: Vec<String>,
    /// `turn:turn.example.org:3478?transport=udp`, `turns:…`.
    pub turn_urls: Vec<String>,
    /// Shared with the TURN server (coturn's `static-auth-secret`).
    pub turn_secret: Option<String>,
}

// By hand, so the secret never reaches a log through `{:?}`.
impl std::fmt::Debug for IceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IceSettings")
            .field("stun_urls", &self.stun_urls)
            .field("turn_urls", &self.turn_urls)
            .field("turn_secret", &self.turn_secret.as_ref().map(|_| "…"))
            .finish()
    }
}

impl IceSettings {
    /// Whether a relay is configured: without one, only networks that allow a direct
    /// path (or a STUN-found one) can carry the call.
    pub fn has_turn(&self) -> bool {
        !self.turn_urls.is_empty() && self.turn_secret.is_some()
    }

    /// The servers for participant `who`, their TURN credentials valid until `expires`.
    pub fn servers(&self, who: &str, expires: DateTime<Utc>) -> Vec<IceServer> {
        let mut servers = Vec::new();
        if !self.stun_urls.is_empty() {
            servers.push(IceServer {
                urls: self.stun_urls.clone(),
                username: None,
                credential: None,
            });
        }
        if let (false, Some(secret)) = (self.turn_urls.is_empty(), &self.turn_secret) {
            let TurnCredentials {
                username,
                credential,
            } = credentials(secret, &turn_username(expires, who));
            servers.push(IceServer {
                urls: self.turn_urls.clone(),
                username: Some(username),
                credential: Some(credential),
            });
        }
        servers
    }
}

/// The TURN REST scheme: the password is the user name signed with the shared secret
/// (HMAC-SHA1), in base64; the TURN server checks it and the expiry in the name.
pub fn credentials(secret: &str, username: &str) -> TurnCredentials {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(username.as_bytes());
    TurnCredentials {
        username: username.to_owned(),
        credential: base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn turn_credentials_are_the_name_signed_with_the_shared_secret() {
        // As a TURN server computes it (HMAC-SHA1 of the name, base64):
        // echo -n '1796724000:visit' | openssl dgst -binary -sha1 -hmac 'north' | base64
        let made = credentials("north", "1796724000:visit");
        assert_eq!(made.credential, "CUqx/cB3NBoTLeS9IffMRd45wRo=");
    }

    #[test]
    fn without_turn_only_stun_is_given_and_the_secret_never_shows() {
        let settings = IceSettings {
            stun_urls: vec!["stun:stun.example.org:3478".to_owned()],
            turn_urls: Vec::new(),
            turn_secret: Some("north".to_owned()),
        };
        assert!(!settings.has_turn());
        let expires = Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap();
        let servers = settings.servers("visit-patient", expires);
        assert_eq!(servers.len(), 1);
        assert_eq!(servers[0].username, None);
        assert!(!format!("{settings:?}").contains("north"));
    }
}
