//! Login tokens (session tokens and personal access tokens), stored only as hashes.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

use super::users::{User, USER_COLUMNS};

/// The token a request authenticated with (its hash and metadata, never the clear token).
#[derive(Clone, Debug, FromRow)]
pub struct LoginToken {
    pub hashed_token: String,
    /// When the token was issued (`when` in Rocket.Chat); selected as `token_created_at`.
    pub token_created_at: DateTime<Utc>,
    pub kind: String,
    pub bypass_two_factor: bool,
    pub two_factor_authorized_hash: Option<String>,
    pub two_factor_authorized_until: Option<DateTime<Utc>>,
}

impl LoginToken {
    pub fn is_personal_access_token(&self) -> bool {
        self.kind == "personalAccessToken"
    }
}

#[derive(FromRow)]
struct CallerRow {
    #[sqlx(flatten)]
    user: User,
    #[sqlx(flatten)]
    token: LoginToken,
}

/// The caller's columns (user + token), for the presented credentials `$1` (hashed token)
/// and `$2` (user id). Also the CTE of statements that fold authentication in.
pub fn caller_select() -> String {
    format!(
        "SELECT {USER_COLUMNS}, t.hashed_token, t.created_at AS token_created_at, t.kind, t.bypass_two_factor, \
         t.two_factor_authorized_hash, t.two_factor_authorized_until \
         FROM login_tokens t JOIN users u ON u.id = t.user_id WHERE t.hashed_token = $1 AND t.user_id = $2"
    )
}

/// Caller resolution: one indexed query joining the token hash with its user.
pub async fn find_caller(
    db: impl PgExecutor<'_>,
    user_id: &str,
    hashed_token: &str,
) -> Result<Option<(User, LoginToken)>, sqlx::Error> {
    let row: Option<CallerRow> = sqlx::query_as(&caller_select())
        .bind(hashed_token)
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| (r.user, r.token)))
}

pub async fn insert_session(
    db: impl PgExecutor<'_>,
    user_id: &str,
    hashed_token: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_tokens (hashed_token, user_id) VALUES ($1, $2)")
        .bind(hashed_token)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete(db: impl PgExecutor<'_>, hashed_token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_tokens WHERE hashed_token = $1")
        .bind(hashed_token)
        .execute(db)
        .await?;
    Ok(())
}

/// Remove every token of a user (users.logout, password change by another, deactivation).
pub async fn delete_all_of_user(
    db: impl PgExecutor<'_>,
    user_id: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM login_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?
        .rows_affected())
}

/// Remove every token of a user except `keep` (own password change keeps the current session).
pub async fn delete_others(
    db: impl PgExecutor<'_>,
    user_id: &str,
    keep: &str,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM login_tokens WHERE user_id = $1 AND hashed_token <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Keep at most `keep` session tokens per user, dropping the oldest.
pub async fn trim_sessions(
    db: impl PgExecutor<'_>,
    user_id: &str,
    keep: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM login_tokens WHERE hashed_token IN (SELECT hashed_token FROM login_tokens \
         WHERE user_id = $1 AND kind = 'session' ORDER BY created_at DESC OFFSET $2)",
    )
    .bind(user_id)
    .bind(keep)
    .execute(db)
    .await?;
    Ok(())
}

/// Remember a passed second factor for this token and client fingerprint.
pub async fn remember_two_factor(
    db: impl PgExecutor<'_>,
    hashed_token: &str,
    fingerprint: &str,
    seconds: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE login_tokens SET two_factor_authorized_hash = $2, \
         two_factor_authorized_until = now() + make_interval(secs => $3) WHERE hashed_token = $1",
    )
    .bind(hashed_token)
    .bind(fingerprint)
    .bind(seconds as f64)
    .execute(db)
    .await?;
    Ok(())
}

/// The user a token belongs to (login with `resume`).
pub async fn user_of_token(
    db: impl PgExecutor<'_>,
    hashed_token: &str,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM login_tokens t JOIN users u ON u.id = t.user_id WHERE t.hashed_token = $1"
    ))
    .bind(hashed_token)
    .fetch_optional(db)
    .await
}

/// Delete session tokens issued more than `days` days ago (PATs are kept).
pub async fn delete_expired_sessions(
    db: impl PgExecutor<'_>,
    days: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM login_tokens WHERE kind = 'session' AND created_at < now() - make_interval(days => $1)")
        .bind(days as i32)
        .execute(db)
        .await?
        .rows_affected())
}
