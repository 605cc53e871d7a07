//! The second-factor check of sensitive routes (users-core §1.7, users-extended §1.9).
//!
//! Methods: TOTP and e-mail codes need secrets/mail transport this service does not run yet,
//! so only the password fallback is offered: `x-2fa-code` = lower-hex SHA-256 of the password.

use axum::http::HeaderMap;
use chrono::{Duration, Utc};
use md5::{Digest, Md5};
use serde_json::json;

use super::password::Verified;
use super::Caller;
use crate::db::{tokens, users};
use crate::error::ApiError;
use crate::settings::keys;
use crate::AppState;

/// How strictly a route asks for the second factor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Demand {
    /// The ordinary "twoFactorRequired" route: skipped by TEST_MODE, the settings switch,
    /// the remember window, a bypassing PAT or a fresh account.
    Normal,
    /// The factor is demanded (users.updateOwnBasicInfo e-mail/password change): only the
    /// settings switch skips it; remember windows do not.
    Required,
}

/// Where the code comes from.
pub struct Challenge<'a> {
    pub code: Option<&'a str>,
    pub method: Option<&'a str>,
    /// MD5 of the client fingerprint, for the remember window.
    pub fingerprint: String,
}

impl<'a> Challenge<'a> {
    /// Read the `x-2fa-code` / `x-2fa-method` headers.
    pub fn from_headers(headers: &'a HeaderMap, client_ip: std::net::IpAddr) -> Self {
        let h = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let user_agent = h("user-agent").unwrap_or("");
        let fingerprint_src =
            json!({"userAgent": user_agent, "clientAddress": client_ip.to_string()}).to_string();
        Challenge {
            code: h("x-2fa-code"),
            method: h("x-2fa-method"),
            fingerprint: hex::encode(Md5::digest(fingerprint_src)),
        }
    }
}

/// Run the check for `caller`; Ok when it passes or does not apply.
pub async fn check(
    state: &AppState,
    caller: &Caller,
    challenge: &Challenge<'_>,
    demand: Demand,
) -> Result<(), ApiError> {
    if !state.settings.get(&keys::TWO_FACTOR_ENABLED) {
        return Ok(());
    }
    let remember_for = state.settings.get(&keys::TWO_FACTOR_REMEMBER_FOR);
    if demand == Demand::Normal {
        if state.config.test_mode {
            return Ok(());
        }
        if caller.token.is_personal_access_token() && caller.token.bypass_two_factor {
            return Ok(());
        }
        let now = Utc::now();
        if caller.user.created_at + Duration::seconds(remember_for) > now {
            return Ok(());
        }
        if caller
            .token
            .two_factor_authorized_until
            .is_some_and(|until| until > now)
            && caller.token.two_factor_authorized_hash.as_deref()
                == Some(challenge.fingerprint.as_str())
        {
            return Ok(());
        }
    }
    let password_fallback =
        state.settings.get(&keys::TWO_FACTOR_PASSWORD_FALLBACK) && caller.user.has_password;
    if !password_fallback {
        return Ok(());
    }
    let Some(code) = challenge.code else {
        return Err(ApiError::coded_with(
            "totp-required",
            "TOTP Required",
            json!({"method": "password", "codeGenerated": false, "availableMethods": []}),
        ));
    };
    if challenge.method.is_some_and(|m| m != "password") {
        return Err(ApiError::coded("totp-invalid", "TOTP Invalid"));
    }
    let credentials = users::credentials(&state.db, &caller.user.id).await?;
    match state.hasher.verify(code.to_owned(), credentials).await? {
        Verified::No => Err(ApiError::coded("totp-invalid", "TOTP Invalid")),
        _ => {
            if demand == Demand::Normal && remember_for > 0 {
                tokens::remember_two_factor(
                    &state.db,
                    &caller.token.hashed_token,
                    &challenge.fingerprint,
                    remember_for,
                )
                .await?;
            }
            Ok(())
        }
    }
}
