//! The users aggregate: profile rows and credentials (kept in their own table and type).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgExecutor};

/// A user record as stored. Holds no secret: credentials live in [`Credentials`].
#[derive(Clone, Debug, FromRow)]
pub struct User {
    pub id: String,
    pub username: Option<String>,
    pub name: Option<String>,
    pub nickname: Option<String>,
    pub bio: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub status: String,
    pub status_default: Option<String>,
    pub status_connection: Option<String>,
    pub status_text: Option<String>,
    pub active: bool,
    pub roles: Vec<String>,
    pub utc_offset: Option<f64>,
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login: Option<DateTime<Utc>>,
    pub custom_fields: Option<Value>,
    pub settings: Option<Value>,
    pub avatar_origin: Option<String>,
    pub avatar_etag: Option<String>,
    pub import_ids: Vec<String>,
    pub free_switch_extension: Option<String>,
    pub require_password_change: Option<bool>,
    pub require_password_change_reason: Option<String>,
    pub reason: Option<String>,
    pub federated: Option<bool>,
    pub email2fa_enabled: Option<bool>,
    pub email2fa_changed_at: Option<DateTime<Utc>>,
    pub totp_enabled: Option<bool>,
    /// Whether a password (argon2id or legacy) exists; computed by the queries, never the hash.
    pub has_password: bool,
}

/// The column list every user query selects, for a `users` table aliased `u`.
pub const USER_COLUMNS: &str = "u.id, u.username, u.name, u.nickname, u.bio, u.email, u.email_verified, u.type, \
    u.status, u.status_default, u.status_connection, u.status_text, u.active, u.roles, u.utc_offset, u.language, \
    u.created_at, u.updated_at, u.last_login, u.custom_fields, u.settings, u.avatar_origin, u.avatar_etag, \
    u.import_ids, u.free_switch_extension, u.require_password_change, u.require_password_change_reason, u.reason, \
    u.federated, u.email2fa_enabled, u.email2fa_changed_at, u.totp_enabled, \
    EXISTS (SELECT 1 FROM credentials c WHERE c.user_id = u.id AND (c.argon2_hash IS NOT NULL OR c.legacy_bcrypt IS NOT NULL)) AS has_password";

/// Password material. Deliberately not `Serialize` and not `Debug`-printable.
#[derive(FromRow)]
pub struct Credentials {
    pub argon2_hash: Option<String>,
    pub legacy_bcrypt: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(<redacted>)")
    }
}

/// Fields of a new user row.
#[derive(Clone, Debug, Default)]
pub struct NewUser {
    pub id: String,
    pub username: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub kind: String,
    pub active: bool,
    pub roles: Vec<String>,
    pub nickname: Option<String>,
    pub bio: Option<String>,
    pub status_text: Option<String>,
    pub require_password_change: Option<bool>,
    pub custom_fields: Option<Value>,
    pub free_switch_extension: Option<String>,
    pub reason: Option<String>,
    pub email2fa_enabled: Option<bool>,
}

pub async fn insert(db: impl PgExecutor<'_>, u: &NewUser) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, username, name, email, email_verified, type, active, roles, nickname, bio, \
         status_text, require_password_change, custom_fields, free_switch_extension, reason, email2fa_enabled, \
         email2fa_changed_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16, CASE WHEN $16 THEN now() END)",
    )
    .bind(&u.id)
    .bind(&u.username)
    .bind(&u.name)
    .bind(&u.email)
    .bind(u.email_verified)
    .bind(&u.kind)
    .bind(u.active)
    .bind(&u.roles)
    .bind(&u.nickname)
    .bind(&u.bio)
    .bind(&u.status_text)
    .bind(u.require_password_change)
    .bind(&u.custom_fields)
    .bind(&u.free_switch_extension)
    .bind(&u.reason)
    .bind(u.email2fa_enabled)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_password_hash(
    db: impl PgExecutor<'_>,
    user_id: &str,
    argon2_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO credentials (user_id, argon2_hash, legacy_bcrypt, updated_at) VALUES ($1, $2, NULL, now()) \
         ON CONFLICT (user_id) DO UPDATE SET argon2_hash = EXCLUDED.argon2_hash, legacy_bcrypt = NULL, updated_at = now()",
    )
    .bind(user_id)
    .bind(argon2_hash)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn credentials(
    db: impl PgExecutor<'_>,
    user_id: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as("SELECT argon2_hash, legacy_bcrypt FROM credentials WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

pub async fn by_id(db: impl PgExecutor<'_>, id: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Exact (case-sensitive) username match, as Rocket.Chat's login does.
pub async fn by_username(
    db: impl PgExecutor<'_>,
    username: &str,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1"
    ))
    .bind(username)
    .fetch_optional(db)
    .await
}

/// Case-insensitive username match (uses the unique `lower(username)` index).
pub async fn by_username_ci(
    db: impl PgExecutor<'_>,
    username: &str,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE lower(u.username) = lower($1)"
    ))
    .bind(username)
    .fetch_optional(db)
    .await
}

/// Trimmed, case-insensitive e-mail match.
pub async fn by_email(db: impl PgExecutor<'_>, email: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)"
    ))
    .bind(email.trim())
    .fetch_optional(db)
    .await
}

pub async fn touch_last_login(db: impl PgExecutor<'_>, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_login = now() WHERE id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn any_user_exists(db: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE type = 'user')")
        .fetch_one(db)
        .await
}

pub async fn admin_exists(db: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE roles @> ARRAY['admin'])")
        .fetch_one(db)
        .await
}
