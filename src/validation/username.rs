//! Usernames (users-core §5.1): the `UTF8_User_Names_Validation` pattern, the reserved and
//! blocked lists. Availability is the database's business (unique index + team names).

use regex::Regex;

use crate::settings::{keys, Settings};
use crate::validation::{csv, js_len};

/// Used when the setting's pattern does not compile.
pub const FALLBACK_PATTERN: &str = "^[0-9a-zA-Z-_.]+$";

/// Longest username accepted whatever the pattern says: the value lives in a b-tree index,
/// which cannot hold arbitrarily long keys (Rocket.Chat has no limit; an over-long name is
/// answered as "not a valid username" instead of a database error).
pub const MAX_LEN: usize = 255;

/// Names that can never be used even when the settings lists are empty.
const ALWAYS_BLOCKED: &[&str] = &["all", "here"];

/// A username that matched the pattern and is neither reserved nor blocked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsernameError {
    /// Blank after trimming.
    Empty,
    /// Does not match `^<UTF8_User_Names_Validation>$` (or is over-long).
    Invalid,
    /// Reserved (`Accounts_SystemBlockedUsernameList`) or blocked (`Accounts_BlockedUsernameList`, `all`, `here`).
    Blocked,
}

impl Username {
    /// Check a candidate in Rocket.Chat's order: blank, pattern, blocked. The value is kept
    /// as given (Rocket.Chat stores usernames untrimmed after the pattern check).
    pub fn parse(settings: &Settings, raw: &str) -> Result<Username, UsernameError> {
        if raw.trim().is_empty() {
            return Err(UsernameError::Empty);
        }
        if !matches_pattern(settings, raw) {
            return Err(UsernameError::Invalid);
        }
        if is_blocked(settings, raw) {
            return Err(UsernameError::Blocked);
        }
        Ok(Username(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The compiled `^<setting>$` pattern (inserted verbatim, no grouping), or the fallback.
pub fn pattern(settings: &Settings) -> Regex {
    let setting = settings.get(&keys::UTF8_USER_NAMES_VALIDATION);
    regex::RegexBuilder::new(&format!("^{setting}$"))
        .size_limit(1 << 20)
        .build()
        .unwrap_or_else(|_| Regex::new(FALLBACK_PATTERN).expect("fallback pattern"))
}

/// Does `username` match the configured pattern (and the length cap)?
pub fn matches_pattern(settings: &Settings, username: &str) -> bool {
    js_len(username) <= MAX_LEN && pattern(settings).is_match(username)
}

/// Short enough to be a username at all (the length cap, without the pattern).
pub fn js_len_ok(username: &str) -> bool {
    js_len(username) <= MAX_LEN
}

/// Reserved or blocked? Each list entry is an anchored, case-insensitive pattern tested
/// against the regex-escaped candidate — Rocket.Chat's quirk, so entries containing `.` or
/// other metacharacters never match a name that contains them.
pub fn is_blocked(settings: &Settings, username: &str) -> bool {
    let escaped = escape_regexp(username);
    let system = settings.get(&keys::ACCOUNTS_SYSTEM_BLOCKED_USERNAME_LIST);
    let blocked = settings.get(&keys::ACCOUNTS_BLOCKED_USERNAME_LIST);
    let found = csv(&system)
        .chain(csv(&blocked))
        .chain(ALWAYS_BLOCKED.iter().copied())
        .any(|entry| entry_matches(entry, &escaped));
    found
}

fn entry_matches(entry: &str, escaped: &str) -> bool {
    match regex::RegexBuilder::new(&format!("^{entry}$"))
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
    {
        Ok(re) => re.is_match(escaped),
        Err(_) => entry.eq_ignore_ascii_case(escaped),
    }
}

/// JavaScript's usual `escapeRegExp`: `.*+?^${}()|[]\` get a backslash.
pub fn escape_regexp(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if ".*+?^${}()|[]\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(pairs: &[(&str, serde_json::Value)]) -> Settings {
        let s = Settings::default();
        s.set_for_test(pairs);
        s
    }

    #[test]
    fn pattern_and_fallback() {
        let s = settings(&[]);
        assert!(matches_pattern(&s, "john.doe-1_x"));
        assert!(!matches_pattern(&s, "john doe"));
        assert!(!matches_pattern(&s, "jöhn"));
        assert!(!matches_pattern(&s, ""));
        assert!(!matches_pattern(&s, &"a".repeat(256)));
        // Inserted verbatim without grouping: `a|b` means `^a` or `b$`.
        let s = settings(&[("UTF8_User_Names_Validation", json!("a|b"))]);
        assert!(matches_pattern(&s, "axx"));
        // An invalid pattern falls back to the default one.
        let s = settings(&[("UTF8_User_Names_Validation", json!("[unclosed"))]);
        assert!(matches_pattern(&s, "abc.def"));
        assert!(!matches_pattern(&s, "a b"));
    }

    #[test]
    fn reserved_and_blocked() {
        let s = settings(&[]);
        for b in [
            "admin",
            "Admin",
            "USER",
            "system",
            "administrator",
            "all",
            "HERE",
        ] {
            assert!(is_blocked(&s, b), "{b}");
            assert_eq!(Username::parse(&s, b), Err(UsernameError::Blocked));
        }
        assert!(!is_blocked(&s, "admins"));
        assert!(!is_blocked(&s, "alice"));
        let s = settings(&[(
            "Accounts_BlockedUsernameList",
            json!(" bad , Evil,john.doe "),
        )]);
        assert!(is_blocked(&s, "bad"));
        assert!(is_blocked(&s, "EVIL"));
        // The quirk: the escaped candidate `john\.doe` does not match the entry.
        assert!(!is_blocked(&s, "john.doe"));
        assert_eq!(Username::parse(&s, "  "), Err(UsernameError::Empty));
        assert_eq!(Username::parse(&s, "a b"), Err(UsernameError::Invalid));
        assert_eq!(Username::parse(&s, "ok").unwrap().as_str(), "ok");
    }
}
