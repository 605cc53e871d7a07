//! Logging in and out.

use crate::auth::password::Verified;
use crate::auth::token::hash_token;
use crate::auth::Caller;
use crate::db::users::User;
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
pub async fn login(state: &AppState, request: LoginRequest) -> ApiResult<(User, String)> {
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
            // Always one verification, so the time taken does not tell whether the user exists.
            let verified = state.hasher.verify(password_digest.clone(), creds).await?;
            let user = match (user, &verified) {
                (Some(u), Verified::Ok | Verified::OkNeedsRehash) => u,
                _ => return Err(unauthorized()),
            };
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
