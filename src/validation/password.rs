//! The password policy (users-core §5.4). Applied by users.register, users.update
//! (`data.password`) and users.updateOwnBasicInfo (`newPassword`); not by users.create.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::settings::{keys, Settings};

/// The rules that failed, each as `{error, message}`.
pub fn violations(settings: &Settings, password: &str) -> Vec<Value> {
    let mut out = vec![];
    if !settings.get(&keys::PASSWORD_POLICY_ENABLED) {
        return out;
    }
    let units: Vec<u16> = password.encode_utf16().collect();
    let len = units.len() as i64;
    let mut fail = |code: &str, message: &str| {
        out.push(
            json!({"error": format!("error-password-policy-not-met-{code}"), "message": message}),
        );
    };
    let min = settings.get(&keys::PASSWORD_POLICY_MIN_LENGTH);
    if min >= 1 && len < min {
        fail(
            "minLength",
            "The password does not meet the minimum length password policy.",
        );
    }
    let max = settings.get(&keys::PASSWORD_POLICY_MAX_LENGTH);
    if max >= 1 && len > max {
        fail(
            "maxLength",
            "The password does not meet the maximum length password policy.",
        );
    }
    if settings.get(&keys::PASSWORD_POLICY_FORBID_REPEATING) {
        let count = settings
            .get(&keys::PASSWORD_POLICY_FORBID_REPEATING_COUNT)
            .max(0) as usize;
        if has_run_longer_than(&units, count) {
            fail(
                "repeatingCharacters",
                "The password contains repeating characters which is against the password policy.",
            );
        }
    }
    let has = |f: fn(char) -> bool| password.chars().any(f);
    if settings.get(&keys::PASSWORD_POLICY_LOWERCASE) && !has(|c| c.is_ascii_lowercase()) {
        fail("oneLowercase", "The password does not contain at least one lowercase character which is against the password policy.");
    }
    if settings.get(&keys::PASSWORD_POLICY_UPPERCASE) && !has(|c| c.is_ascii_uppercase()) {
        fail("oneUppercase", "The password does not contain at least one uppercase character which is against the password policy.");
    }
    if settings.get(&keys::PASSWORD_POLICY_NUMBER) && !has(|c| c.is_ascii_digit()) {
        fail("oneNumber", "The password does not contain at least one numerical character which is against the password policy.");
    }
    if settings.get(&keys::PASSWORD_POLICY_SPECIAL)
        && !has(|c| !c.is_ascii_alphanumeric() && c != ' ')
    {
        fail("oneSpecial", "The password does not contain at least one special character which is against the password policy.");
    }
    out
}

/// A character followed by at least `count` copies of itself (`(.)\1{count,}`).
fn has_run_longer_than(units: &[u16], count: usize) -> bool {
    let mut run = 0usize;
    for (i, u) in units.iter().enumerate() {
        run = if i > 0 && units[i - 1] == *u {
            run + 1
        } else {
            1
        };
        if run > count {
            return true;
        }
    }
    false
}

/// Check a password: blank always fails (without details), then the enabled rules.
pub fn check_policy(settings: &Settings, password: &str) -> Result<(), ApiError> {
    if password.trim().is_empty() {
        return Err(ApiError::PasswordPolicy(vec![]));
    }
    let v = violations(settings, password);
    if v.is_empty() {
        Ok(())
    } else {
        Err(ApiError::PasswordPolicy(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &Settings, pw: &str) -> Vec<String> {
        violations(s, pw)
            .iter()
            .map(|v| {
                v["error"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("error-password-policy-not-met-")
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn disabled_policy_only_refuses_blank() {
        let s = Settings::default();
        assert!(check_policy(&s, "a").is_ok());
        let e = check_policy(&s, "   ").unwrap_err();
        assert_eq!(
            e.body(),
            json!({"success": false, "error": "The password provided does not meet the server's password policy.",
                   "errorType": "error-password-policy-not-met"})
        );
    }

    #[test]
    fn every_rule() {
        let s = Settings::default();
        s.set_for_test(&[("Accounts_Password_Policy_Enabled", json!(true))]);
        assert_eq!(
            codes(&s, "aaaa"),
            [
                "minLength",
                "repeatingCharacters",
                "oneUppercase",
                "oneNumber",
                "oneSpecial"
            ]
        );
        assert!(codes(&s, "Abc1!aaa").is_empty(), "three repeats pass");
        assert_eq!(codes(&s, "Abc1!aaaa"), ["repeatingCharacters"]);
        assert_eq!(codes(&s, "ABC1!DEF"), ["oneLowercase"]);
        assert_eq!(
            codes(&s, "Abc1 def"),
            ["oneSpecial"],
            "space is not special"
        );
        assert!(codes(&s, "Abc1édef").is_empty(), "non-ASCII is special");
        // UTF-16 length: six emoji are twelve units.
        s.set_for_test(&[
            ("Accounts_Password_Policy_Enabled", json!(true)),
            ("Accounts_Password_Policy_MinLength", json!(12)),
            ("Accounts_Password_Policy_MaxLength", json!(12)),
            ("Accounts_Password_Policy_AtLeastOneLowercase", json!(false)),
            ("Accounts_Password_Policy_AtLeastOneUppercase", json!(false)),
            ("Accounts_Password_Policy_AtLeastOneNumber", json!(false)),
            (
                "Accounts_Password_Policy_ForbidRepeatingCharacters",
                json!(false),
            ),
        ]);
        assert!(codes(&s, "😀😁😂😃😄😅").is_empty());
        assert_eq!(codes(&s, "😀😁😂😃😄"), ["minLength"]);
        assert_eq!(codes(&s, "😀😁😂😃😄😅!"), ["maxLength"]);
        s.set_for_test(&[
            ("Accounts_Password_Policy_Enabled", json!(true)),
            ("Accounts_Password_Policy_MinLength", json!(0)),
            (
                "Accounts_Password_Policy_ForbidRepeatingCharactersCount",
                json!(1),
            ),
            (
                "Accounts_Password_Policy_AtLeastOneSpecialCharacter",
                json!(false),
            ),
        ]);
        assert_eq!(codes(&s, "Aa1bb"), ["repeatingCharacters"]);
        assert!(check_policy(&s, "aB1").is_ok());
        let e = check_policy(&s, "ab").unwrap_err().body();
        assert_eq!(
            e["details"][0]["error"],
            "error-password-policy-not-met-oneUppercase"
        );
        assert_eq!(
            e["details"][0]["message"],
            "The password does not contain at least one uppercase character which is against the password policy."
        );
    }
}
