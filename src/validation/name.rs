//! Real names (users-core §5.2): `Name contains invalid characters`.

const INVALID: &[char] = &['<', '>', '/', '\\'];

/// True when `name` may be stored: no `<`, `>`, `/`, `\`, valid percent-encoding, and nothing
/// that percent-decodes to one of those characters (so `"100% Bob"` is refused).
///
/// Rocket.Chat decodes with `decodeURI`, which leaves `%2F` encoded; this check decodes every
/// escape (like `decodeURIComponent`) and so also refuses `%2F` — the stricter reading of the
/// reference's rule.
pub fn is_valid(name: &str) -> bool {
    if name.contains(INVALID) {
        return false;
    }
    match percent_decode(name) {
        Some(decoded) => !decoded.contains(INVALID),
        None => false,
    }
}

/// The text an error interpolates is not needed: the failure text is fixed.
pub const INVALID_NAME: &str = "Name contains invalid characters";

/// Longest real name stored. Rocket.Chat has no limit, but the name is in a b-tree index
/// (`users_name_insensitive_idx`), whose entries cannot exceed ~2.7 kB: without a cap a long
/// name would fail inside the database. Deviation from the reference, named like the bio and
/// nickname limits.
pub const NAME_MAX: usize = 500;
const NAME_MAX_BYTES: usize = 2000;

/// `Name size exceeds 500 characters [error-name-size-exceeded]` for a name too long to store
/// (counted in characters, and in bytes of its lower-cased form, which the index holds).
pub fn check_size(name: &str) -> Result<(), crate::error::ApiError> {
    let n = name.trim();
    if n.chars().count() > NAME_MAX || n.to_lowercase().len() > NAME_MAX_BYTES {
        return Err(crate::error::ApiError::coded(
            "error-name-size-exceeded",
            format!("Name size exceeds {NAME_MAX} characters"),
        ));
    }
    Ok(())
}

/// Decode `%XX` escapes; `None` when an escape is malformed or the bytes are not UTF-8
/// (where JavaScript's decoder throws `URIError`).
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in [
            "Bob",
            "Jöhn Dœ",
            "a%20b",
            "O'Brien",
            "",
            "50%25 off",
            "x%C3%A9",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in [
            "<b>",
            "a>b",
            "a/b",
            "a\\b",
            "100% Bob",
            "%",
            "%zz",
            "%3Cscript",
            "%2F",
            "%5c",
            "%C3",
            "%E2%82",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
