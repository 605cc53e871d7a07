//! rc-users: a drop-in, Rocket.Chat-compatible users service on PostgreSQL.

pub mod auth;
pub mod authz;
pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod ids;
pub mod jobs;
pub mod notify;
pub mod query;
pub mod seed;
pub mod service;
pub mod settings;
pub mod validation;
pub mod view;

use std::sync::Arc;

use sqlx::PgPool;

use crate::auth::password::PasswordHasher;
use crate::authz::Authz;
use crate::config::Config;
use crate::settings::Settings;

/// Everything a request handler may use. Shared as [`AppState`].
pub struct App {
    /// The connection pool (no per-acquire ping: it costs a round trip per request).
    pub db: PgPool,
    pub config: Config,
    /// Live settings, following the database.
    pub settings: Settings,
    /// Live role → permission table, following the database.
    pub authz: Authz,
    /// argon2id on a bounded blocking pool.
    pub hasher: PasswordHasher,
}

pub type AppState = Arc<App>;

impl App {
    /// Connect (creating the database if needed), migrate, seed, load the caches and start
    /// following changes made by other instances.
    pub async fn start(config: Config) -> Result<AppState, StartError> {
        let db = db::connect(&config.database_url, config.max_connections).await?;
        db::migrate(&db).await?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let app = Arc::new(App {
            db,
            config,
            settings: Settings::default(),
            authz: Authz::default(),
            hasher: PasswordHasher::new(cores),
        });
        seed::run(&app).await?;
        app.reload_caches().await?;
        notify::spawn_listener(app.clone());
        jobs::spawn_token_cleanup(app.clone());
        Ok(app)
    }

    /// Re-read settings and permissions (after a local write, or a notification).
    pub async fn reload_caches(&self) -> Result<(), sqlx::Error> {
        self.settings.reload(&self.db).await?;
        self.authz.reload(&self.db).await?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Api(String),
}

impl From<error::ApiError> for StartError {
    fn from(e: error::ApiError) -> Self {
        StartError::Api(e.to_string())
    }
}

/// The HTTP application for `state` (tests build exactly this).
pub fn app(state: AppState) -> axum::Router {
    http::router(state)
}
