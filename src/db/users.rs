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
    pub status_source: Option<String>,
    pub status_expires_at: Option<DateTime<Utc>>,
    pub status_livechat: Option<String>,
    pub phone: Option<Value>,
    pub banners: Option<Value>,
    pub default_room: Option<String>,
    pub enable_auto_away: Option<bool>,
    pub idle_time_limit: Option<f64>,
    pub open_business_hours: Option<Vec<String>>,
    pub abac_attributes: Option<Value>,
    pub oauth: Option<Value>,
    pub federation: Option<Value>,
    /// Whether a password (argon2id or legacy) exists; computed by the queries, never the hash.
    pub has_password: bool,
}

/// The column list every user query selects, for a `users` table aliased `u`.
pub const USER_COLUMNS: &str = "u.id, u.username, u.name, u.nickname, u.bio, u.email, u.email_verified, u.type, \
    u.status, u.status_default, u.status_connection, u.status_text, u.active, u.roles, u.utc_offset, u.language, \
    u.created_at, u.updated_at, u.last_login, u.custom_fields, u.settings, u.avatar_origin, u.avatar_etag, \
    u.import_ids, u.free_switch_extension, u.require_password_change, u.require_password_change_reason, u.reason, \
    u.federated, u.email2fa_enabled, u.email2fa_changed_at, u.totp_enabled, \
    u.status_source, u.status_expires_at, u.status_livechat, u.phone, u.banners, u.default_room, \
    u.enable_auto_away, u.idle_time_limit, u.open_business_hours, u.abac_attributes, u.oauth, u.federation, \
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
    /// The `settings` object (`{}` for users created through the API).
    pub settings: Option<Value>,
}

pub async fn insert(db: impl PgExecutor<'_>, u: &NewUser) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, username, name, email, email_verified, type, active, roles, nickname, bio, \
         status_text, require_password_change, custom_fields, free_switch_extension, reason, email2fa_enabled, \
         email2fa_changed_at, settings) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16, CASE WHEN $16 THEN now() END, $17)",
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
    .bind(&u.settings)
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
        "SELECT {USER_COLUMNS} FROM users u WHERE lower(u.username) = lower($1) AND u.username = $1"
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

// ---- account management (users.create / update / delete / register / profile) ----

/// The user row, locked until the transaction ends (serialises concurrent edits of one user).
pub async fn lock_by_id(db: impl PgExecutor<'_>, id: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Is `username` used by another user or a team (case-insensitively)? The unique index is
/// the authority; this answers the ordered error early and covers team names.
pub async fn username_unavailable(
    db: impl PgExecutor<'_>,
    username: &str,
    except_user: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1) AND id IS DISTINCT FROM $2) \
         OR EXISTS (SELECT 1 FROM teams WHERE lower(name) = lower($1))",
    )
    .bind(username)
    .bind(except_user)
    .fetch_one(db)
    .await
}

/// Is the (normalised) address used by another user?
pub async fn email_unavailable(
    db: impl PgExecutor<'_>,
    email: &str,
    except_user: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2)",
    )
    .bind(email)
    .bind(except_user)
    .fetch_one(db)
    .await
}

/// Which of `names` are taken by a user or a team (lower-cased). One query.
pub async fn unavailable_usernames(
    db: impl PgExecutor<'_>,
    names: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    let lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    sqlx::query_scalar(
        "SELECT lower(username) FROM users WHERE lower(username) = ANY($1) \
         UNION SELECT lower(name) FROM teams WHERE lower(name) = ANY($1)",
    )
    .bind(&lowered)
    .fetch_all(db)
    .await
}

/// How many of `roles` exist in the roles table.
pub async fn count_existing_roles(
    db: impl PgExecutor<'_>,
    roles: &[String],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM roles WHERE id = ANY($1)")
        .bind(roles)
        .fetch_one(db)
        .await
}

/// Every admin as `(id, active)`.
pub async fn admins(db: impl PgExecutor<'_>) -> Result<Vec<(String, bool)>, sqlx::Error> {
    sqlx::query_as("SELECT id, active FROM users WHERE roles @> ARRAY['admin'] ORDER BY id")
        .fetch_all(db)
        .await
}

/// Serialise every change that can remove an admin (delete, deactivate, role removal), so
/// two concurrent last-admin decisions cannot both pass. Taken early in a transaction.
pub async fn lock_admin_changes(db: impl PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(7061626174)")
        .execute(db)
        .await?;
    Ok(())
}

/// Serialise the first-user bootstrap (no admin yet → the new user becomes admin).
pub async fn lock_admin_bootstrap(db: impl PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(7061626173)")
        .execute(db)
        .await?;
    Ok(())
}

/// A change to a user row; `None` leaves a column alone, `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub username: Option<String>,
    pub name: Option<Option<String>>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub nickname: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub status_text: Option<Option<String>>,
    /// Sets `status` and `status_default`.
    pub status: Option<String>,
    pub roles: Option<Vec<String>>,
    /// Added to the roles (after `roles` is applied), without duplicates.
    pub add_roles: Vec<String>,
    pub active: Option<bool>,
    pub require_password_change: Option<Option<bool>>,
    pub clear_require_password_change_reason: bool,
    /// Clears the registration `reason` (done on activation).
    pub clear_reason: bool,
    /// Omnichannel availability (`statusLivechat`).
    pub status_livechat: Option<String>,
    /// Merged key by key into `custom_fields`.
    pub custom_fields: Option<serde_json::Map<String, Value>>,
    pub free_switch_extension: Option<Option<String>>,
}

impl UserPatch {
    pub fn is_empty(&self) -> bool {
        self.username.is_none()
            && self.name.is_none()
            && self.email.is_none()
            && self.email_verified.is_none()
            && self.nickname.is_none()
            && self.bio.is_none()
            && self.status_text.is_none()
            && self.status.is_none()
            && self.roles.is_none()
            && self.add_roles.is_empty()
            && self.active.is_none()
            && self.require_password_change.is_none()
            && !self.clear_require_password_change_reason
            && !self.clear_reason
            && self.status_livechat.is_none()
            && self.custom_fields.is_none()
            && self.free_switch_extension.is_none()
    }
}

/// Apply a patch in one statement (bumps `_updatedAt`).
pub async fn update(db: impl PgExecutor<'_>, id: &str, p: &UserPatch) -> Result<u64, sqlx::Error> {
    let mut q = sqlx::QueryBuilder::<sqlx::Postgres>::new("UPDATE users SET updated_at = now()");
    if let Some(v) = &p.username {
        q.push(", username = ").push_bind(v.clone());
    }
    if let Some(v) = &p.name {
        q.push(", name = ").push_bind(v.clone());
    }
    if let Some(v) = &p.email {
        q.push(", email = ").push_bind(v.clone());
    }
    if let Some(v) = p.email_verified {
        q.push(", email_verified = ").push_bind(v);
    }
    if let Some(v) = &p.nickname {
        q.push(", nickname = ").push_bind(v.clone());
    }
    if let Some(v) = &p.bio {
        q.push(", bio = ").push_bind(v.clone());
    }
    if let Some(v) = &p.status_text {
        q.push(", status_text = ").push_bind(v.clone());
    }
    if let Some(v) = &p.status {
        q.push(", status = ").push_bind(v.clone());
        q.push(", status_default = ").push_bind(v.clone());
    }
    if p.roles.is_some() || !p.add_roles.is_empty() {
        q.push(", roles = (SELECT coalesce(array_agg(r ORDER BY o), '{}') FROM (SELECT DISTINCT ON (r) r, o FROM unnest(");
        match &p.roles {
            Some(r) => q.push_bind(r.clone()),
            None => q.push("roles"),
        };
        q.push(" || ").push_bind(p.add_roles.clone());
        q.push(") WITH ORDINALITY AS x(r, o) ORDER BY r, o) d)");
    }
    if let Some(v) = p.active {
        q.push(", active = ").push_bind(v);
    }
    if let Some(v) = p.require_password_change {
        q.push(", require_password_change = ").push_bind(v);
    }
    if p.clear_require_password_change_reason {
        q.push(", require_password_change_reason = NULL");
    }
    if p.clear_reason {
        q.push(", reason = NULL");
    }
    if let Some(v) = &p.status_livechat {
        q.push(", status_livechat = ").push_bind(v.clone());
    }
    if let Some(v) = &p.custom_fields {
        q.push(", custom_fields = coalesce(custom_fields, '{}'::jsonb) || ")
            .push_bind(Value::Object(v.clone()));
    }
    if let Some(v) = &p.free_switch_extension {
        q.push(", free_switch_extension = ").push_bind(v.clone());
    }
    q.push(" WHERE id = ").push_bind(id.to_owned());
    Ok(q.build().execute(db).await?.rows_affected())
}

/// Record a password hash in the history, keeping the newest `keep` entries.
pub async fn push_password_history(
    db: &mut sqlx::PgConnection,
    user_id: &str,
    argon2_hash: &str,
    keep: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO password_history (user_id, argon2_hash) VALUES ($1, $2)")
        .bind(user_id)
        .bind(argon2_hash)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(keep.max(1))
    .execute(db)
    .await?;
    Ok(())
}

/// The newest `n` earlier hashes of a user.
pub async fn password_history(
    db: impl PgExecutor<'_>,
    user_id: &str,
    n: i64,
) -> Result<Vec<Credentials>, sqlx::Error> {
    sqlx::query_as(
        "SELECT argon2_hash, NULL::text AS legacy_bcrypt FROM password_history \
         WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(n.max(0))
    .fetch_all(db)
    .await
}

/// Delete a user row (credentials, tokens, subscriptions and history cascade) and leave a
/// tombstone for the sync endpoints.
pub async fn delete(db: &mut sqlx::PgConnection, id: &str) -> Result<u64, sqlx::Error> {
    let n = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?
        .rows_affected();
    if n > 0 {
        sqlx::query(
            "INSERT INTO removed_records (collection, id) VALUES ('users', $1) \
             ON CONFLICT (collection, id) DO UPDATE SET removed_at = now()",
        )
        .bind(id)
        .execute(db)
        .await?;
    }
    Ok(n)
}

/// How many usernames look like `<base>-<digits>` (the start of the numbered suggestions).
pub async fn count_numbered_usernames(
    db: impl PgExecutor<'_>,
    base: &str,
) -> Result<i64, sqlx::Error> {
    let like = format!(
        "{}-%",
        base.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    sqlx::query_scalar(
        "SELECT count(*) FROM users WHERE username LIKE $1 AND substr(username, $2) ~ '^[0-9]+'",
    )
    .bind(like)
    .bind(base.chars().count() as i32 + 2)
    .fetch_one(db)
    .await
}
