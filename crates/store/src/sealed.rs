//! Confidential text encrypted at rest: workspace content is sealed with XChaCha20-Poly1305
//! under a key from the configuration before it reaches the database, so a dump of the database
//! alone reveals none of it.
//!
//! A sealed value is `tv1.<key id>.<base64url(nonce ‖ ciphertext)>`. The key id lets keys be
//! rotated: new text is sealed with the current key; older keys stay listed (retired) so that
//! what they sealed still opens. The context (for example `relationship:12`) is bound into
//! each value as associated data, so a value copied to another relationship does not open.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// Why a key or a sealed value was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("no content key is configured (TRELLIS_CONTENT_KEYS)")]
    NoKey,
    #[error("content key '{0}': expected `id:64 hex digits`")]
    BadKey(String),
    #[error("a sealed value needs key '{0}', which is not configured")]
    UnknownKey(String),
    #[error("a sealed value is damaged or belongs elsewhere")]
    Damaged,
}

/// The content keys: the first seals, all open.
#[derive(Clone, Default)]
pub struct Keys {
    keys: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        write!(f, "Keys({ids:?})")
    }
}

impl Keys {
    /// Parses `id:hex` entries, the current key first.
    pub fn parse(entries: &[String]) -> Result<Self, SealError> {
        let mut keys = Vec::new();
        for e in entries {
            let (id, hex_key) = e
                .trim()
                .split_once(':')
                .ok_or_else(|| SealError::BadKey(redact(e)))?;
            let bytes = hex::decode(hex_key.trim()).map_err(|_| SealError::BadKey(id.into()))?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| SealError::BadKey(id.into()))?;
            if id.is_empty() || id.contains('.') || keys.iter().any(|(k, _)| k == id) {
                return Err(SealError::BadKey(id.into()));
            }
            keys.push((id.to_owned(), key));
        }
        Ok(Self { keys })
    }

    /// A fresh random key entry `id:hex`.
    pub fn generate(id: &str) -> String {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        format!("{id}:{}", hex::encode(key))
    }

    pub fn current_id(&self) -> Option<&str> {
        self.keys.first().map(|(id, _)| id.as_str())
    }

    pub fn seal(&self, context: &str, plain: &str) -> Result<String, SealError> {
        let (id, key) = self.keys.first().ok_or(SealError::NoKey)?;
        let cipher = XChaCha20Poly1305::new(key.into());
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::Damaged)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("tv1.{id}.{}", URL_SAFE_NO_PAD.encode(out)))
    }

    pub fn open(&self, context: &str, sealed: &str) -> Result<String, SealError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some("tv1"), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SealError::Damaged);
        };
        let (_, key) = self
            .keys
            .iter()
            .find(|(k, _)| k == id)
            .ok_or_else(|| SealError::UnknownKey(id.into()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Damaged)?;
        if bytes.len() < 24 {
            return Err(SealError::Damaged);
        }
        let (nonce, ct) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| SealError::Damaged)?;
        let plain = XChaCha20Poly1305::new(key.into())
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::Damaged)?;
        String::from_utf8(plain).map_err(|_| SealError::Damaged)
    }

    /// Whether a sealed value was sealed with an older key (to re-seal when rotating).
    pub fn is_stale(&self, sealed: &str) -> bool {
        let id = sealed.split('.').nth(1);
        id.is_some() && id != self.current_id()
    }
}

fn redact(entry: &str) -> String {
    entry
        .split(':')
        .next()
        .unwrap_or("")
        .chars()
        .take(20)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_key_and_context() {
        let k1 = Keys::generate("k1");
        let keys = Keys::parse(std::slice::from_ref(&k1)).expect("keys");
        let sealed = keys
            .seal("relationship:1", "We agreed to meet monthly")
            .expect("seal");
        assert!(sealed.starts_with("tv1.k1."));
        assert!(!sealed.contains("monthly"));
        assert_ne!(
            sealed,
            keys.seal("relationship:1", "We agreed to meet monthly")
                .expect("seal"),
            "fresh nonce"
        );
        assert_eq!(
            keys.open("relationship:1", &sealed).expect("open"),
            "We agreed to meet monthly"
        );
        assert_eq!(
            keys.open("relationship:2", &sealed),
            Err(SealError::Damaged),
            "bound to its context"
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(
            keys.open("relationship:1", &tampered),
            Err(SealError::Damaged)
        );

        // Rotation: a new current key seals; the retired one still opens old text.
        let rotated = Keys::parse(&[Keys::generate("k2"), k1]).expect("keys");
        assert_eq!(
            rotated.open("relationship:1", &sealed).expect("old"),
            "We agreed to meet monthly"
        );
        assert!(rotated.is_stale(&sealed));
        let fresh = rotated.seal("relationship:1", "x").expect("seal");
        assert!(fresh.starts_with("tv1.k2.") && !rotated.is_stale(&fresh));
        let other = Keys::parse(&[Keys::generate("k9")]).expect("keys");
        assert_eq!(
            other.open("relationship:1", &sealed),
            Err(SealError::UnknownKey("k1".into()))
        );
        assert_eq!(Keys::default().seal("x", "y"), Err(SealError::NoKey));
    }

    #[test]
    fn keys_are_checked() {
        assert!(Keys::parse(&["k1:abcd".into()]).is_err(), "too short");
        assert!(Keys::parse(&["nokey".into()]).is_err());
        let k = Keys::generate("k1");
        assert!(Keys::parse(&[k.clone(), k]).is_err(), "ids are unique");
        assert_eq!(
            format!("{:?}", Keys::parse(&[Keys::generate("k1")]).expect("k")),
            "Keys([\"k1\"])",
            "no key in logs"
        );
    }
}
