//! Settings writes. Reads go through the in-memory cache (`crate::settings::Settings`), which
//! follows this table through `NOTIFY rc_users_cache`.

use serde_json::Value;
use sqlx::PgExecutor;

/// Store a new value for a visible setting; false when the id is unknown or hidden.
pub async fn update_value(
    db: impl PgExecutor<'_>,
    id: &str,
    value: &Value,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE settings SET value = $2, updated_at = now() WHERE id = $1 AND NOT hidden",
    )
    .bind(id)
    .bind(value)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
