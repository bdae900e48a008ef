//! API keys: random 256-bit secrets shown once, stored only as SHA-256 hashes.

use super::config::{KeyEntry, Permission, Role};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The prefix of every key, so a leaked key is recognisable in a secret scanner.
pub const KEY_PREFIX: &str = "deid_";

/// Lower-case hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    to_hex(&Sha256::digest(data))
}

/// `n` random bytes from the operating system.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf
}

/// A new key (`deid_` and 64 hex digits) and its entry for the configuration.
pub fn create_key(id: &str, role: Role) -> (String, KeyEntry) {
    let key = format!("{KEY_PREFIX}{}", to_hex(&random_bytes(32)));
    let entry = KeyEntry { id: id.to_string(), role, sha256: sha256_hex(key.as_bytes()) };
    (key, entry)
}

/// The `[[keys]]` TOML snippet for an entry.
pub fn config_snippet(entry: &KeyEntry) -> String {
    format!("[[keys]]\nid = \"{}\"\nrole = \"{}\"\nsha256 = \"{}\"\n", entry.id, entry.role.as_str(), entry.sha256)
}

/// Who made a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub key_id: String,
    pub role: Role,
}

/// Why a request was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// 401: no credentials, malformed credentials or an unknown key.
    Unauthenticated,
    /// 403: a known key whose role lacks the route.
    Forbidden,
}

/// The configured keys, looked up by the hash of the presented key.
pub struct KeyStore {
    by_hash: HashMap<String, Caller>,
    anonymous: Option<Role>,
}

impl KeyStore {
    pub fn new(keys: &[KeyEntry], anonymous: Option<Role>) -> KeyStore {
        let by_hash = keys.iter().map(|k| (k.sha256.clone(), Caller { key_id: k.id.clone(), role: k.role })).collect();
        KeyStore { by_hash, anonymous }
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Identifies the caller from an `Authorization` header value (or its absence).
    /// Only the hash of the presented key is compared, so lookup time tells nothing about the key.
    pub fn identify(&self, authorization: Option<&[u8]>) -> Result<Caller, Denied> {
        let Some(value) = authorization else {
            return self.anonymous.map(|role| Caller { key_id: "anonymous".into(), role }).ok_or(Denied::Unauthenticated);
        };
        let value = std::str::from_utf8(value).map_err(|_| Denied::Unauthenticated)?;
        let (scheme, key) = value.split_once(' ').ok_or(Denied::Unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Denied::Unauthenticated);
        }
        self.by_hash.get(&sha256_hex(key.trim().as_bytes())).cloned().ok_or(Denied::Unauthenticated)
    }

    /// Identifies the caller and checks the route's permission.
    pub fn authorize(&self, authorization: Option<&[u8]>, permission: Permission) -> Result<Caller, (Denied, Option<Caller>)> {
        let caller = self.identify(authorization).map_err(|d| (d, None))?;
        if caller.role.allows(permission) {
            Ok(caller)
        } else {
            Err((Denied::Forbidden, Some(caller)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_keys_verify_and_differ() {
        let (key, entry) = create_key("etl", Role::Redact);
        let (other, _) = create_key("etl", Role::Redact);
        assert_ne!(key, other);
        assert!(key.starts_with(KEY_PREFIX) && key.len() == KEY_PREFIX.len() + 64);
        assert!(!entry.sha256.contains(&key[5..]));
        let store = KeyStore::new(&[entry], None);
        let header = format!("Bearer {key}");
        assert_eq!(store.identify(Some(header.as_bytes())).unwrap().key_id, "etl");
        assert_eq!(store.identify(Some(format!("bearer {key}").as_bytes())).unwrap().key_id, "etl");
        assert_eq!(store.identify(Some(format!("Bearer {other}").as_bytes())), Err(Denied::Unauthenticated));
        assert_eq!(store.identify(Some(key.as_bytes())), Err(Denied::Unauthenticated));
        assert_eq!(store.identify(None), Err(Denied::Unauthenticated));
        assert_eq!(store.authorize(Some(header.as_bytes()), Permission::Metrics).unwrap_err().0, Denied::Forbidden);
    }

    #[test]
    fn anonymous_only_when_configured() {
        let store = KeyStore::new(&[], Some(Role::Detect));
        assert_eq!(store.identify(None).unwrap().key_id, "anonymous");
        assert_eq!(store.identify(Some(b"Bearer wrong")), Err(Denied::Unauthenticated));
    }

    #[test]
    fn snippet_round_trips() {
        let (_, entry) = create_key("gw-1", Role::Detect);
        let config = super::super::config::ServerConfig::from_toml_str(&config_snippet(&entry)).unwrap();
        assert_eq!(config.keys, vec![entry]);
    }

    #[test]
    fn hex_and_sha256() {
        assert_eq!(to_hex(&[0, 15, 255]), "000fff");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
