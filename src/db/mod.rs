//! PostgreSQL access: connecting (creating the database when missing), migrating, and one
//! module per aggregate. SQL lives here only; no permission decisions.

pub mod login_failures;
pub mod permissions;
pub mod roles;
pub mod rooms;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod users_read;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

/// Upper bound of any one statement (a user-built `query` cannot run away).
pub const STATEMENT_TIMEOUT: &str = "15s";

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Create the database named in `url` when it does not exist yet.
pub async fn ensure_database(url: &str) -> Result<(), sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let name = options.get_database().unwrap_or("postgres").to_owned();
    for admin_db in ["postgres", "template1"] {
        let admin = options.clone().database(admin_db);
        let mut conn = match admin.connect().await {
            Ok(c) => c,
            Err(e) if admin_db == "postgres" => {
                tracing::debug!(error = %e, "maintenance database 'postgres' not reachable, trying template1");
                continue;
            }
            Err(e) => return Err(e),
        };
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(&name)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            match sqlx::query(&format!("CREATE DATABASE {quoted}"))
                .execute(&mut conn)
                .await
            {
                Ok(_) => tracing::info!(database = %name, "created database"),
                // Another instance created it first.
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
                Err(e) => return Err(e),
            }
        }
        conn.close().await?;
        return Ok(());
    }
    Ok(())
}

/// Connect, retrying with a clear log line while PostgreSQL is unreachable.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let mut delay = Duration::from_millis(250);
    loop {
        let attempt = async {
            ensure_database(url).await?;
            PgPoolOptions::new()
                .max_connections(max_connections)
                // Measured: the per-acquire liveness ping costs a round trip on every request.
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(
                    PgConnectOptions::from_str(url)?
                        .log_statements(tracing::log::LevelFilter::Trace)
                        // No request may hold the database for long, whatever its filter.
                        .options([("statement_timeout", STATEMENT_TIMEOUT)]),
                )
                .await
        };
        match attempt.await {
            Ok(pool) => return Ok(pool),
            Err(e @ (sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_))) => {
                tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "PostgreSQL unreachable, retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    // Migrations may build indexes on large tables: no statement timeout for them, on a
    // connection of their own that is closed afterwards.
    let mut conn = pool.acquire().await?;
    sqlx::query("SET statement_timeout = 0")
        .execute(&mut *conn)
        .await?;
    let result = MIGRATOR.run(&mut *conn).await;
    drop(conn.detach());
    result
}
