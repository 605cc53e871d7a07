//! Failed-login counters per username and per client IP.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    Ip,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Ip => "ip",
        }
    }
}

/// (failures, last failure) for a key, if any failure is recorded.
pub async fn get(
    db: impl PgExecutor<'_>,
    kind: Kind,
    key: &str,
) -> Result<Option<(i32, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT failures, last_failure_at FROM login_failures WHERE kind = $1 AND key = $2",
    )
    .bind(kind.as_str())
    .bind(key)
    .fetch_optional(db)
    .await
}

pub async fn record_failure(
    db: impl PgExecutor<'_>,
    kind: Kind,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_failures (kind, key, failures, last_failure_at) VALUES ($1, $2, 1, now()) \
         ON CONFLICT (kind, key) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = now()",
    )
    .bind(kind.as_str())
    .bind(key)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn clear(db: impl PgExecutor<'_>, kind: Kind, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE kind = $1 AND key = $2")
        .bind(kind.as_str())
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}
