//! E-mail addresses (users-core §5.3): the basic syntax, and the allowed/blocked domain
//! settings with Rocket.Chat's built-in list of disposable domains.

use crate::error::{escape_html, ApiError};
use crate::settings::{keys, Settings};
use crate::validation::{blocked_domains, csv};

/// Longest address accepted (RFC 5321's limit; the value lives in a b-tree index).
pub const MAX_LEN: usize = 254;

/// A syntactically valid address, trimmed and lower-cased (the stored form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// `^[^@]+@[^@]+$` on the trimmed value; stored lower-cased.
    pub fn parse(raw: &str) -> Option<Email> {
        let v = raw.trim();
        if v.len() > MAX_LEN {
            return None;
        }
        let (local, domain) = v.split_once('@')?;
        if local.is_empty() || domain.is_empty() || domain.contains('@') {
            return None;
        }
        if v.chars().any(char::is_control) {
            return None;
        }
        Some(Email(v.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or("")
    }

    /// The domain rules of `Accounts_AllowedDomainsList`, `Accounts_BlockedDomainsList` and
    /// `Accounts_UseDefaultBlockedDomainsList`.
    pub fn check_domain(&self, settings: &Settings) -> Result<(), DomainError> {
        let domain = self.domain();
        let allowed = settings.get(&keys::ACCOUNTS_ALLOWED_DOMAINS_LIST);
        let mut allowed = csv(&allowed).peekable();
        if allowed.peek().is_some() && !allowed.any(|d| d.eq_ignore_ascii_case(domain)) {
            return Err(DomainError::NotWhitelisted);
        }
        let blocked = settings.get(&keys::ACCOUNTS_BLOCKED_DOMAINS_LIST);
        if csv(&blocked).any(|d| d.eq_ignore_ascii_case(domain)) {
            return Err(DomainError::Blacklisted);
        }
        if settings.get(&keys::ACCOUNTS_USE_DEFAULT_BLOCKED_DOMAINS_LIST)
            && blocked_domains::contains(domain)
        {
            return Err(DomainError::Blacklisted);
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DomainError {
    NotWhitelisted,
    Blacklisted,
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotWhitelisted => ApiError::coded(
                "error-invalid-domain",
                "The email domain is not in whitelist",
            ),
            DomainError::Blacklisted => ApiError::coded(
                "error-email-domain-blacklisted",
                "The email domain is blacklisted",
            ),
        }
    }
}

/// `Invalid email <email>` (users.create / users.register wording, value HTML-escaped).
pub fn invalid_email_with_value(raw: &str) -> ApiError {
    ApiError::coded(
        "error-invalid-email",
        format!("Invalid email {}", escape_html(raw)),
    )
}

/// `Invalid email` (e-mail change wording).
pub fn invalid_email() -> ApiError {
    ApiError::coded("error-invalid-email", "Invalid email")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn syntax() {
        assert_eq!(Email::parse(" A@B ").unwrap().as_str(), "a@b");
        for bad in ["", "a", "@b", "a@", "a@b@c", "a@@b", "a\n@b"] {
            assert!(Email::parse(bad).is_none(), "{bad:?}");
        }
        assert!(Email::parse(&format!("{}@x.io", "a".repeat(250))).is_none());
    }

    #[test]
    fn domains() {
        let s = Settings::default();
        let e = |a: &str| Email::parse(a).unwrap();
        for blocked in [
            "x@example.com",
            "x@MAILINATOR.com",
            "x@sohu.com",
            "x@21cn.com",
        ] {
            assert_eq!(e(blocked).check_domain(&s), Err(DomainError::Blacklisted));
        }
        assert_eq!(e("x@rc-users.test").check_domain(&s), Ok(()));
        s.set_for_test(&[("Accounts_UseDefaultBlockedDomainsList", json!(false))]);
        assert_eq!(e("x@example.com").check_domain(&s), Ok(()));
        s.set_for_test(&[
            ("Accounts_UseDefaultBlockedDomainsList", json!(false)),
            ("Accounts_BlockedDomainsList", json!("bad.org, worse.org")),
        ]);
        assert_eq!(
            e("x@worse.org").check_domain(&s),
            Err(DomainError::Blacklisted)
        );
        s.set_for_test(&[(
            "Accounts_AllowedDomainsList",
            json!("good.org,rc-users.test"),
        )]);
        assert_eq!(e("x@good.org").check_domain(&s), Ok(()));
        assert_eq!(
            e("x@other.org").check_domain(&s),
            Err(DomainError::NotWhitelisted)
        );
        assert_eq!(
            ApiError::from(DomainError::NotWhitelisted).body(),
            json!({"success": false, "error": "The email domain is not in whitelist [error-invalid-domain]",
                   "errorType": "error-invalid-domain"})
        );
        assert_eq!(
            invalid_email_with_value("<a>").body()["error"],
            "Invalid email &lt;a&gt; [error-invalid-email]"
        );
    }
}
