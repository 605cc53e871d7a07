//! Background jobs of the server.

use std::time::Duration;

use crate::db::tokens;
use crate::settings::keys;
use crate::AppState;

/// How often expired session tokens are removed.
const TOKEN_CLEANUP_EVERY: Duration = Duration::from_secs(3600);

/// Rocket.Chat's login-expiry job: session tokens older than `Accounts_LoginExpiration` days
/// are removed (personal access tokens never expire). Runs at start-up, then hourly.
pub fn spawn_token_cleanup(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TOKEN_CLEANUP_EVERY);
        loop {
            tick.tick().await;
            match remove_expired_tokens(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "expired login tokens removed"),
                Err(e) => tracing::warn!(error = %e, "login token cleanup failed"),
            }
        }
    });
}

/// Remove the session tokens older than the login expiration; returns how many.
pub async fn remove_expired_tokens(state: &AppState) -> Result<u64, sqlx::Error> {
    let days = state.settings.get(&keys::ACCOUNTS_LOGIN_EXPIRATION);
    if days <= 0 {
        return Ok(0);
    }
    tokens::delete_expired_sessions(&state.db, days).await
}
