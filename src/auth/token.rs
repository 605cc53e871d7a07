//! Login-token hashing: Meteor's `base64(SHA-256(token))`, the only form ever stored.

use base64::Engine;
use sha2::{Digest, Sha256};

pub fn hash_token(token: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(token.as_bytes()))
}

/// Lower-case hex SHA-256, the form in which Rocket.Chat clients send passwords as digests.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}
