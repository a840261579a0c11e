//! Secrets the server must read back (staff's authenticator keys, their recovery codes
//! until first shown) are stored sealed: AES-256-GCM under a key from the environment, so
//! a copy of the database or a backup alone does not give them away.
//!
//! A sealed value is `version (1) ‖ key id (4) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. The
//! key id lets a server that has rotated to a new key still open what the old one sealed
//! until it has sealed everything again (README, "Rotating the secret key"). Each value is
//! bound to its place (`context`: what it is and whose), so a sealed value copied into
//! another row does not open.

use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use sha2::{Digest, Sha256};

const VERSION: u8 = 1;
const KEY_ID_LEN: usize = 4;
const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;
pub const KEY_LEN: usize = 32;

/// The development key: published, so it seals nothing worth keeping. A server reached
/// from elsewhere refuses to run with it (`lumen::config`).
const DEVELOPMENT_KEY: [u8; KEY_LEN] = *b"lumen development key, published";

struct Key {
    id: [u8; KEY_ID_LEN],
    aead: LessSafeKey,
}

impl Key {
    fn new(bytes: &[u8; KEY_LEN]) -> Key {
        let digest = Sha256::new()
            .chain_update(b"lumen sealing key id")
            .chain_update(bytes)
            .finalize();
        Key {
            id: digest[..KEY_ID_LEN].try_into().expect("four bytes"),
            aead: LessSafeKey::new(
                UnboundKey::new(&AES_256_GCM, bytes).expect("a 32-byte key is an AES-256 key"),
            ),
        }
    }
}

/// The current key, which seals, and the previous ones, which only open.
pub struct SecretKeys {
    current: Key,
    previous: Vec<Key>,
    /// Derived from the current key: the database password of the requests' role.
    database_password: String,
}

impl std::fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKeys(…)") // never in logs
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealingError {
    #[error("sealed with a key this server does not have: add the old key to LUMEN_PREVIOUS_SECRET_KEYS")]
    UnknownKey,
    #[error("the sealed value is damaged, or belongs to another record")]
    Damaged,
}

impl SecretKeys {
    /// Keys from their base64 text (`LUMEN_SECRET_KEY`, `LUMEN_PREVIOUS_SECRET_KEYS`).
    /// The error says which key is wrong and how to make a good one.
    pub fn from_base64(current: &str, previous: &[&str]) -> Result<SecretKeys, String> {
        let current = decode(current).map_err(|problem| format!("LUMEN_SECRET_KEY {problem}"))?;
        let previous = previous
            .iter()
            .enumerate()
            .map(|(i, text)| {
                decode(text).map_err(|problem| {
                    format!("key {} of LUMEN_PREVIOUS_SECRET_KEYS {problem}", i + 1)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SecretKeys::new(&current, &previous))
    }

    /// The published development key, for a server only this machine reaches and for tests.
    pub fn development() -> SecretKeys {
        SecretKeys::new(&DEVELOPMENT_KEY, &[])
    }

    fn new(current: &[u8; KEY_LEN], previous: &[[u8; KEY_LEN]]) -> SecretKeys {
        let password = Sha256::new()
            .chain_update(b"lumen requests' database password")
            .chain_update(current)
            .finalize();
        SecretKeys {
            current: Key::new(current),
            previous: previous.iter().map(Key::new).collect(),
            database_password: password.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// Whether the current key is the published development key.
    pub fn is_development(&self) -> bool {
        self.current.id == Key::new(&DEVELOPMENT_KEY).id
    }

    /// The password the requests' database role logs in with: the same on every server
    /// that shares the key, and never written anywhere.
    pub fn database_password(&self) -> &str {
        &self.database_password
    }

    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system provides randomness");
        let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + 16);
        out.push(VERSION);
        out.extend_from_slice(&self.current.id);
        out.extend_from_slice(&nonce);
        let mut body = plaintext.to_vec();
        self.current
            .aead
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut body,
            )
            .expect("AES-GCM seals any value this small");
        out.extend_from_slice(&body);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, SealingError> {
        if sealed.len() < HEADER_LEN || sealed[0] != VERSION {
            return Err(SealingError::Damaged);
        }
        let key = self.key(&sealed[1..1 + KEY_ID_LEN])?;
        let nonce = Nonce::try_assume_unique_for_key(&sealed[1 + KEY_ID_LEN..HEADER_LEN])
            .map_err(|_| SealingError::Damaged)?;
        let mut body = sealed[HEADER_LEN..].to_vec();
        let plaintext = key
            .aead
            .open_in_place(nonce, Aad::from(context), &mut body)
            .map_err(|_| SealingError::Damaged)?;
        Ok(plaintext.to_vec())
    }

    /// Whether `sealed` was sealed with the current key (else it wants sealing again).
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        sealed.get(1..1 + KEY_ID_LEN) == Some(&self.current.id[..])
    }

    fn key(&self, id: &[u8]) -> Result<&Key, SealingError> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.id[..] == *id)
            .ok_or(SealingError::UnknownKey)
    }
}

fn decode(text: &str) -> Result<[u8; KEY_LEN], String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| "is not base64".to_owned())?;
    bytes.try_into().map_err(|bytes: Vec<u8>| {
        format!(
            "must be {KEY_LEN} random bytes in base64 (it is {} bytes); make one with `head -c 32 /dev/urandom | base64`",
            bytes.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
    const KEY_B: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn a_sealed_value_opens_only_in_its_own_place() {
        let keys = SecretKeys::from_base64(KEY_A, &[]).unwrap();
        let sealed = keys.seal(b"authenticator key", b"totp:alice");
        assert!(!sealed
            .windows(b"authenticator key".len())
            .any(|w| w == b"authenticator key"));
        assert_eq!(
            keys.open(&sealed, b"totp:alice").unwrap(),
            b"authenticator key"
        );
        assert_eq!(keys.open(&sealed, b"totp:bob"), Err(SealingError::Damaged));
        // Two seals of the same value differ (a fresh nonce each time).
        assert_ne!(sealed, keys.seal(b"authenticator key", b"totp:alice"));
    }

    #[test]
    fn a_changed_byte_is_refused() {
        let keys = SecretKeys::from_base64(KEY_A, &[]).unwrap();
        let sealed = keys.seal(b"secret", b"here");
        for i in 0..sealed.len() {
            let mut damaged = sealed.clone();
            damaged[i] ^= 1;
            assert!(keys.open(&damaged, b"here").is_err(), "byte {i}");
        }
        assert!(keys.open(&sealed[..10], b"here").is_err());
    }

    #[test]
    fn after_rotation_old_values_open_and_want_sealing_again() {
        let old = SecretKeys::from_base64(KEY_A, &[]).unwrap();
        let sealed = old.seal(b"secret", b"here");
        let rotated = SecretKeys::from_base64(KEY_B, &[KEY_A]).unwrap();
        assert_eq!(rotated.open(&sealed, b"here").unwrap(), b"secret");
        assert!(!rotated.is_current(&sealed));
        assert!(rotated.is_current(&rotated.seal(b"secret", b"here")));
        let forgotten = SecretKeys::from_base64(KEY_B, &[]).unwrap();
        assert_eq!(
            forgotten.open(&sealed, b"here"),
            Err(SealingError::UnknownKey)
        );
        assert_ne!(old.database_password(), rotated.database_password());
    }

    #[test]
    fn a_bad_key_is_refused_with_how_to_make_one() {
        let short = SecretKeys::from_base64("c2hvcnQ=", &[]).unwrap_err();
        assert!(
            short.contains("LUMEN_SECRET_KEY must be 32 random bytes"),
            "{short}"
        );
        assert!(
            short.contains("head -c 32 /dev/urandom | base64"),
            "{short}"
        );
        let previous = SecretKeys::from_base64(KEY_A, &[KEY_B, "not base64!"]).unwrap_err();
        assert!(previous.contains("key 2 of LUMEN_PREVIOUS_SECRET_KEYS is not base64"));
        assert!(SecretKeys::development().is_development());
        assert!(!SecretKeys::from_base64(KEY_A, &[])
            .unwrap()
            .is_development());
    }
}
