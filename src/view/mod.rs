//! What a caller may see of a user, built field by field from one list of readable fields.

pub mod authz;
pub mod user;

use chrono::{DateTime, Utc};

/// Rocket.Chat's date format: ISO-8601 UTC with milliseconds.
pub fn iso(dt: &DateTime<Utc>) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
