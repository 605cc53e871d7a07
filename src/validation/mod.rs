//! Domain rules shared by every endpoint that writes user data (users-core §5): usernames,
//! names, e-mail addresses, the password policy, custom fields and the profile text limits.
//!
//! Each rule is a pure function (or a type that can only hold a valid value) over the
//! settings; endpoints decide which error text their flow answers with, because Rocket.Chat's
//! flows word the same failure differently (users.create vs users.register vs
//! users.updateOwnBasicInfo).

pub mod blocked_domains;
pub mod custom_fields;
pub mod email;
pub mod name;
pub mod password;
pub mod profile;
pub mod username;

pub use custom_fields::CustomFieldError;
pub use email::{DomainError, Email};
pub use username::{Username, UsernameError};

/// Length as JavaScript counts it (UTF-16 code units), which is what Rocket.Chat's limits use.
pub fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The values of a comma-separated list setting, trimmed, blanks dropped.
pub fn csv(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}
