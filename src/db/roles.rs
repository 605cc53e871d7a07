//! Roles and who holds them: `users.roles` for `Users`-scope roles, `subscriptions.roles` for
//! `Subscriptions`-scope (room) roles.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

use super::users::{User, USER_COLUMNS};

/// A role document as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub description: String,
    pub protected: bool,
    pub mandatory2fa: bool,
    pub updated_at: DateTime<Utc>,
}

impl Role {
    pub fn is_room_scoped(&self) -> bool {
        self.scope == "Subscriptions"
    }
}

const ROLE_COLUMNS: &str = "id, name, scope, description, protected, mandatory2fa, updated_at";

/// Every role, by id (binary order, as Rocket.Chat's `_id` index).
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<Role>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles ORDER BY id COLLATE \"C\""
    ))
    .fetch_all(db)
    .await
}

/// How a read locks the role row until the transaction ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    None,
    /// Against deletion (a concurrent `roles.delete` waits, then sees the new holder).
    Share,
    /// Against any concurrent change.
    Update,
}

pub async fn by_id(
    db: impl PgExecutor<'_>,
    id: &str,
    lock: Lock,
) -> Result<Option<Role>, sqlx::Error> {
    let suffix = match lock {
        Lock::None => "",
        Lock::Share => " FOR SHARE",
        Lock::Update => " FOR UPDATE",
    };
    sqlx::query_as(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE id = $1{suffix}"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// By id, else by name; locked for update (roles.delete, roles.update).
pub async fn by_id_or_name_for_update(
    db: impl PgExecutor<'_>,
    id_or_name: &str,
) -> Result<Option<Role>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE id = $1 OR name = $1 \
         ORDER BY (id = $1) DESC LIMIT 1 FOR UPDATE"
    ))
    .bind(id_or_name)
    .fetch_optional(db)
    .await
}

/// Which of `ids` exist, locked against deletion until the transaction ends.
pub async fn existing_ids_for_share(
    db: impl PgExecutor<'_>,
    ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM roles WHERE id = ANY($1) FOR SHARE")
        .bind(ids)
        .fetch_all(db)
        .await
}

/// Fields of a new or updated role.
pub struct RoleData<'a> {
    pub name: &'a str,
    pub scope: &'a str,
    pub description: &'a str,
    /// `None` keeps the stored value (update) / false (insert).
    pub mandatory2fa: Option<bool>,
}

/// Insert a custom (unprotected) role. `Ok(None)` when `name` is some role's id; a name used
/// by another role is the unique violation `roles_name_key`.
pub async fn insert(
    db: impl PgExecutor<'_>,
    id: &str,
    data: &RoleData<'_>,
) -> Result<Option<Role>, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO roles (id, name, scope, description, protected, mandatory2fa) \
         SELECT $1, $2, $3, $4, false, coalesce($5, false) \
         WHERE NOT EXISTS (SELECT 1 FROM roles WHERE id = $2) \
         RETURNING {ROLE_COLUMNS}"
    ))
    .bind(id)
    .bind(data.name)
    .bind(data.scope)
    .bind(data.description)
    .bind(data.mandatory2fa)
    .fetch_optional(db)
    .await
}

/// Update a role's fields (the unique violation `roles_name_key` when the name is taken).
pub async fn update(
    db: impl PgExecutor<'_>,
    id: &str,
    data: &RoleData<'_>,
) -> Result<Role, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE roles SET name = $2, scope = $3, description = $4, \
         mandatory2fa = coalesce($5, mandatory2fa), updated_at = now() \
         WHERE id = $1 RETURNING {ROLE_COLUMNS}"
    ))
    .bind(id)
    .bind(data.name)
    .bind(data.scope)
    .bind(data.description)
    .bind(data.mandatory2fa)
    .fetch_one(db)
    .await
}

/// Does any user or room membership hold the role?
pub async fn in_use(db: impl PgExecutor<'_>, id: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM users WHERE roles @> ARRAY[$1]) \
         OR EXISTS (SELECT 1 FROM subscriptions WHERE roles @> ARRAY[$1])",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// Delete a role (its tombstone is written by a trigger) and drop it from every permission.
pub async fn delete(db: &mut sqlx::PgConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM roles WHERE id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "UPDATE permissions SET roles = array_remove(roles, $1), updated_at = now() \
         WHERE roles @> ARRAY[$1]",
    )
    .bind(id)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Roles changed after `since` (compared at Rocket.Chat's millisecond precision).
pub async fn updated_after(
    db: impl PgExecutor<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<Role>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ROLE_COLUMNS} FROM roles WHERE updated_at >= $1 \
         AND date_trunc('milliseconds', updated_at) > $1 ORDER BY id COLLATE \"C\""
    ))
    .bind(since)
    .fetch_all(db)
    .await
}

/// Tombstones of `collection` written after `since`: (id, removed_at).
pub async fn removed_after(
    db: impl PgExecutor<'_>,
    collection: &str,
    since: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, removed_at FROM removed_records WHERE collection = $1 AND removed_at >= $2 \
         AND date_trunc('milliseconds', removed_at) > $2 ORDER BY id COLLATE \"C\"",
    )
    .bind(collection)
    .bind(since)
    .fetch_all(db)
    .await
}

/// Holds `user_id` the role — globally, or (room roles) in `room_id`?
pub async fn user_has_role(
    db: impl PgExecutor<'_>,
    role: &Role,
    user_id: &str,
    room_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    if role.is_room_scoped() {
        let Some(room_id) = room_id else {
            return Ok(false);
        };
        return sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE rid = $1 AND user_id = $2 AND roles @> ARRAY[$3])",
        )
        .bind(room_id)
        .bind(user_id)
        .bind(&role.id)
        .fetch_one(db)
        .await;
    }
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND roles @> ARRAY[$2])")
        .bind(user_id)
        .bind(&role.id)
        .fetch_one(db)
        .await
}

/// Is the user a member of the room?
pub async fn is_member(
    db: impl PgExecutor<'_>,
    user_id: &str,
    room_id: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE rid = $1 AND user_id = $2)",
    )
    .bind(room_id)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// Give the role: to `users.roles`, or to the membership of `room_id` for room roles (a room
/// role without a room changes nothing, as in Rocket.Chat).
pub async fn add_to_user(
    db: impl PgExecutor<'_>,
    role: &Role,
    user_id: &str,
    room_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    if role.is_room_scoped() {
        sqlx::query(
            "UPDATE subscriptions SET roles = array_append(coalesce(roles, '{}'), $3), updated_at = now() \
             WHERE rid = $1 AND user_id = $2 AND NOT coalesce(roles, '{}') @> ARRAY[$3]",
        )
        .bind(room_id)
        .bind(user_id)
        .bind(&role.id)
        .execute(db)
        .await?;
        return Ok(());
    }
    sqlx::query(
        "UPDATE users SET roles = array_append(roles, $2), updated_at = now() \
         WHERE id = $1 AND NOT roles @> ARRAY[$2]",
    )
    .bind(user_id)
    .bind(&role.id)
    .execute(db)
    .await?;
    Ok(())
}

/// Take the role away (globally, or in room `room_id` for room roles).
pub async fn remove_from_user(
    db: impl PgExecutor<'_>,
    role: &Role,
    user_id: &str,
    room_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    if role.is_room_scoped() {
        sqlx::query(
            "UPDATE subscriptions SET roles = array_remove(roles, $3), updated_at = now() \
             WHERE rid = $1 AND user_id = $2 AND roles @> ARRAY[$3]",
        )
        .bind(room_id)
        .bind(user_id)
        .bind(&role.id)
        .execute(db)
        .await?;
        return Ok(());
    }
    sqlx::query(
        "UPDATE users SET roles = array_remove(roles, $2), updated_at = now() WHERE id = $1",
    )
    .bind(user_id)
    .bind(&role.id)
    .execute(db)
    .await?;
    Ok(())
}

/// Lock every admin and count them: concurrent removals of the admin role serialise here,
/// so the last admin can never be removed by two requests racing.
pub async fn lock_and_count_admins(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT id FROM users WHERE roles @> ARRAY['admin'] \
         ORDER BY id FOR UPDATE) a",
    )
    .fetch_one(db)
    .await
}

/// The SQL condition selecting the holders of a role (`$1` = role id, `$2` = room id or NULL).
fn holders_condition(role: &Role) -> &'static str {
    if role.is_room_scoped() {
        "u.id IN (SELECT s.user_id FROM subscriptions s WHERE s.roles @> ARRAY[$1::text] \
         AND ($2::text IS NULL OR s.rid = $2))"
    } else {
        "u.roles @> ARRAY[$1::text] AND ($2::text IS NULL OR true)"
    }
}

/// Holders of a role, by username (binary order, missing usernames first), one page.
pub async fn users_in_role(
    db: impl PgExecutor<'_>,
    role: &Role,
    room_id: Option<&str>,
    offset: i64,
    limit: Option<i64>,
) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE {} \
         ORDER BY u.username COLLATE \"C\" NULLS FIRST, u.id COLLATE \"C\" LIMIT $3 OFFSET $4",
        holders_condition(role)
    ))
    .bind(&role.id)
    .bind(room_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_users_in_role(
    db: impl PgExecutor<'_>,
    role: &Role,
    room_id: Option<&str>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM users u WHERE {}",
        holders_condition(role)
    ))
    .bind(&role.id)
    .bind(room_id)
    .fetch_one(db)
    .await
}
