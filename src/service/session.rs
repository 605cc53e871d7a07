//! Logging in and out.

use crate::auth::password::Verified;
use crate::auth::token::hash_token;
use crate::auth::Caller;
use crate::db::users::User;
use std::net::IpAddr;

use chrono::{Duration, Utc};

use crate::db::login_failures::{self, Kind};
use crate::db::{tokens, users};
use crate::error::{ApiError, ApiResult};
use crate::ids::random_secret;
use crate::settings::keys;
use crate::AppState;

/// Session tokens kept per user; older ones are dropped at login.
const MAX_SESSIONS_PER_USER: i64 = 50;

pub enum Credential {
    Username(String),
    Email(String),
}

pub enum LoginRequest {
    Password {
        credential: Credential,
        password_digest: String,
    },
    Resume(String),
}

/// The indistinguishable failure for a wrong password, an unknown user or a bad request.
pub fn unauthorized() -> ApiError {
    ApiError::LoginFailed {
        error: "Unauthorized".into(),
        message: "Unauthorized".into(),
        details: None,
    }
}

fn refused(code: &str, reason: &str) -> ApiError {
    ApiError::LoginFailed {
        error: code.into(),
        message: reason.into(),
        details: None,
    }
}

/// Log a user in; returns the user and the clear token (shown once, stored only hashed).
pub async fn login(
    state: &AppState,
    request: LoginRequest,
    ip: IpAddr,
) -> ApiResult<(User, String)> {
    match request {
        LoginRequest::Resume(token) => {
            if token.is_empty() || token.len() > 512 {
                return Err(unauthorized());
            }
            let user = sqlx_resume(state, &token).await?.ok_or_else(unauthorized)?;
            check_may_log_in(state, &user)?;
            users::touch_last_login(&state.db, &user.id).await?;
            Ok((user, token))
        }
        LoginRequest::Password {
            credential,
            password_digest,
        } => {
            let user = match &credential {
                Credential::Username(u) if !u.is_empty() && u.len() <= 256 => {
                    users::by_username(&state.db, u).await?
                }
                Credential::Email(e) if !e.is_empty() && e.len() <= 512 => {
                    users::by_email(&state.db, e).await?
                }
                _ => None,
            };
            let creds = match &user {
                Some(u) => users::credentials(&state.db, &u.id).await?,
                None => None,
            };
            // Failures count per account (its id when it exists, else the name tried) and per IP.
            let user_key = match (&user, &credential) {
                (Some(u), _) => u.id.clone(),
                (None, Credential::Username(n) | Credential::Email(n)) => n.trim().to_lowercase(),
            };
            let ip_key = ip.to_string();
            let guard = FailedLoginGuard::new(state);
            guard.check(state, &user_key, &ip_key).await?;
            // Always one verification, so the time taken does not tell whether the user exists.
            let verified = state.hasher.verify(password_digest.clone(), creds).await?;
            let user = match (user, &verified) {
                (Some(u), Verified::Ok | Verified::OkNeedsRehash) => u,
                _ => {
                    guard.record_failure(state, &user_key, &ip_key).await?;
                    return Err(unauthorized());
                }
            };
            guard.clear(state, &user_key, &ip_key).await?;
            check_may_log_in(state, &user)?;
            if verified == Verified::OkNeedsRehash {
                let hash = state.hasher.hash(password_digest).await?;
                users::set_password_hash(&state.db, &user.id, &hash).await?;
            }
            let token = random_secret();
            let mut tx = state.db.begin().await?;
            tokens::insert_session(&mut *tx, &user.id, &hash_token(&token)).await?;
            tokens::trim_sessions(&mut *tx, &user.id, MAX_SESSIONS_PER_USER).await?;
            users::touch_last_login(&mut *tx, &user.id).await?;
            tx.commit().await?;
            Ok((user, token))
        }
    }
}

async fn sqlx_resume(state: &AppState, token: &str) -> ApiResult<Option<User>> {
    Ok(tokens::user_of_token(&state.db, &hash_token(token)).await?)
}

/// Rocket.Chat's login validation hooks (users-core §3.1).
fn check_may_log_in(state: &AppState, user: &User) -> ApiResult<()> {
    if user.kind == "app" {
        return Err(refused(
            "error-app-user-is-not-allowed-to-login",
            "App user is not allowed to login",
        ));
    }
    if !user.active {
        return Err(refused(
            "error-user-is-not-activated",
            "User is not activated",
        ));
    }
    if user.roles.is_empty() {
        return Err(refused("error-user-has-no-roles", "User has no roles"));
    }
    if state.settings.get(&keys::ACCOUNTS_EMAIL_VERIFICATION)
        && !user.email_verified
        && !user.roles.iter().any(|r| r == "admin")
    {
        return Err(refused("error-invalid-email", "Invalid email __email__"));
    }
    Ok(())
}

/// Remove only the token the request used.
pub async fn logout(state: &AppState, caller: &Caller) -> ApiResult<()> {
    tokens::delete(&state.db, &caller.token.hashed_token).await?;
    Ok(())
}

/// Rocket.Chat's `Block_Multiple_Failed_Logins_*`: after N failures for an account (or from an
/// IP), further attempts — even with the right password — are refused until the unblock time
/// since the last failure has passed. A successful login resets the counters.
struct FailedLoginGuard {
    enabled: bool,
    by_user: Option<(i64, f64)>,
    by_ip: Option<(i64, f64)>,
}

impl FailedLoginGuard {
    fn new(state: &AppState) -> Self {
        let s = &state.settings;
        let enabled = s.get(&keys::BLOCK_FAILED_LOGINS_ENABLED);
        let by_user = s.get(&keys::BLOCK_FAILED_LOGINS_BY_USER).then(|| {
            (
                s.get(&keys::BLOCK_FAILED_LOGINS_ATTEMPTS_BY_USER),
                s.get(&keys::BLOCK_FAILED_LOGINS_UNBLOCK_USER_MINUTES),
            )
        });
        let by_ip = s.get(&keys::BLOCK_FAILED_LOGINS_BY_IP).then(|| {
            (
                s.get(&keys::BLOCK_FAILED_LOGINS_ATTEMPTS_BY_IP),
                s.get(&keys::BLOCK_FAILED_LOGINS_UNBLOCK_IP_MINUTES),
            )
        });
        FailedLoginGuard {
            enabled,
            by_user,
            by_ip,
        }
    }

    async fn check(&self, state: &AppState, user_key: &str, ip_key: &str) -> ApiResult<()> {
        if !self.enabled {
            return Ok(());
        }
        let blocked = |row: Option<(i32, chrono::DateTime<Utc>)>, (limit, minutes): (i64, f64)| {
            row.is_some_and(|(failures, last)| {
                i64::from(failures) >= limit
                    && Utc::now() < last + Duration::milliseconds((minutes * 60_000.0) as i64)
            })
        };
        if let Some(rule) = self.by_ip {
            if blocked(
                login_failures::get(&state.db, Kind::Ip, ip_key).await?,
                rule,
            ) {
                return Err(refused(
                    "error-login-blocked-for-ip",
                    "Login has been temporarily blocked For IP",
                ));
            }
        }
        if let Some(rule) = self.by_user {
            if blocked(
                login_failures::get(&state.db, Kind::User, user_key).await?,
                rule,
            ) {
                return Err(refused(
                    "error-login-blocked-for-user",
                    "Login has been temporarily blocked For User",
                ));
            }
        }
        Ok(())
    }

    async fn record_failure(
        &self,
        state: &AppState,
        user_key: &str,
        ip_key: &str,
    ) -> ApiResult<()> {
        if !self.enabled {
            return Ok(());
        }
        if self.by_user.is_some() {
            login_failures::record_failure(&state.db, Kind::User, user_key).await?;
        }
        if self.by_ip.is_some() {
            login_failures::record_failure(&state.db, Kind::Ip, ip_key).await?;
        }
        Ok(())
    }

    async fn clear(&self, state: &AppState, user_key: &str, ip_key: &str) -> ApiResult<()> {
        if !self.enabled {
            return Ok(());
        }
        login_failures::clear(&state.db, Kind::User, user_key).await?;
        login_failures::clear(&state.db, Kind::Ip, ip_key).await?;
        Ok(())
    }
}
