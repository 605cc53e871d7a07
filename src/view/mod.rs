//! What a caller may see of a user, built field by field from one list of readable fields.

pub mod authz;
pub mod user;

use chrono::{DateTime, SecondsFormat, Utc};

/// Rocket.Chat's date format: ISO-8601 UTC with milliseconds.
pub fn iso(dt: &DateTime<Utc>) -> String {
    // Same text as the strftime pattern `%Y-%m-%dT%H:%M:%S%.3fZ`, without parsing a pattern
    // on every call (it showed in the users.list profile).
    dt.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn iso_is_rocket_chat_format() {
        let dt = chrono::Utc
            .with_ymd_and_hms(2023, 7, 10, 16, 44, 58)
            .unwrap()
            + chrono::Duration::milliseconds(548);
        assert_eq!(super::iso(&dt), "2023-07-10T16:44:58.548Z");
        let whole = chrono::Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(super::iso(&whole), "2024-01-01T00:00:00.000Z");
    }
}
