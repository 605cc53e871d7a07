//! Random identifiers and secrets in Meteor's formats.

use rand::Rng;

const UNMISTAKABLE: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn pick(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// A 17-character id like Meteor's `Random.id()` (users, rooms, subscriptions).
pub fn random_id() -> String {
    pick(UNMISTAKABLE, 17)
}

/// A 43-character secret like Meteor's `Random.secret()` (login tokens).
pub fn random_secret() -> String {
    pick(SECRET, 43)
}
