//! Profile text limits (users-core §4.4 step 6): bio ≤ 260, nickname ≤ 120 characters.

use crate::error::ApiError;
use crate::validation::js_len;

pub const BIO_MAX: usize = 260;
pub const NICKNAME_MAX: usize = 120;

/// A bio to store: `None` when blank (blank values are not stored / removed).
pub fn bio(raw: &str) -> Result<Option<String>, ApiError> {
    let v = raw.trim();
    if js_len(v) > BIO_MAX {
        return Err(ApiError::coded(
            "error-bio-size-exceeded",
            format!("Bio size exceeds {BIO_MAX} characters"),
        ));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

/// A nickname to store: `None` when blank.
pub fn nickname(raw: &str) -> Result<Option<String>, ApiError> {
    let v = raw.trim();
    if js_len(v) > NICKNAME_MAX {
        return Err(ApiError::coded(
            "error-nickname-size-exceeded",
            format!("Nickname size exceeds {NICKNAME_MAX} characters"),
        ));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

/// Status messages are trimmed and silently cut to 120 characters (users-extended §15.7).
pub fn status_text(raw: &str) -> String {
    let v = raw.trim();
    let mut out = String::new();
    let mut units = 0;
    for c in v.chars() {
        units += c.len_utf16();
        if units > 120 {
            break;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(bio("  ").unwrap(), None);
        assert_eq!(bio(&"b".repeat(260)).unwrap().unwrap().len(), 260);
        assert_eq!(
            bio(&"b".repeat(261)).unwrap_err().body()["error"],
            "Bio size exceeds 260 characters [error-bio-size-exceeded]"
        );
        assert_eq!(nickname(" n ").unwrap().as_deref(), Some("n"));
        assert_eq!(
            nickname(&"😀".repeat(61)).unwrap_err().body()["errorType"],
            "error-nickname-size-exceeded"
        );
        assert!(nickname(&"😀".repeat(60)).is_ok());
        assert_eq!(status_text(&"s".repeat(200)).len(), 120);
    }
}
