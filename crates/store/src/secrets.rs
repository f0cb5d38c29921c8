//! Secret tokens: the plain value goes to the person (in a link, a cookie or an API client);
//! only its SHA-256 is stored, so a copy of the database cannot be used to sign in.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random token (256 bits, hex) and its hash.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let plain = hex::encode(bytes);
    let hash = hash(&plain);
    (plain, hash)
}

pub fn hash(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash(&a), ha);
        assert_ne!(a, ha);
    }
}
