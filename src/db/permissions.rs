//! Permissions: which roles hold each permission id.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

#[derive(Clone, Debug, FromRow)]
pub struct PermissionRow {
    pub id: String,
    pub roles: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// Every permission, by id.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<PermissionRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, roles, updated_at FROM permissions ORDER BY id COLLATE \"C\"")
        .fetch_all(db)
        .await
}

/// Permissions changed after `since` (at Rocket.Chat's millisecond precision).
pub async fn updated_after(
    db: impl PgExecutor<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<PermissionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, roles, updated_at FROM permissions WHERE updated_at >= $1 \
         AND date_trunc('milliseconds', updated_at) > $1 ORDER BY id COLLATE \"C\"",
    )
    .bind(since)
    .fetch_all(db)
    .await
}

/// How many of `ids` exist (duplicates in `ids` count once).
pub async fn count_existing(db: impl PgExecutor<'_>, ids: &[String]) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM permissions WHERE id = ANY($1)")
        .bind(ids)
        .fetch_one(db)
        .await
}

/// Replace the role list of one permission.
pub async fn set_roles(
    db: impl PgExecutor<'_>,
    id: &str,
    roles: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE permissions SET roles = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(roles)
        .execute(db)
        .await?;
    Ok(())
}
