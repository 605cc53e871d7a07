//! Cross-instance cache coherence: PostgreSQL triggers `NOTIFY rc_users_cache` on every change
//! of settings, permissions or roles; each instance listens and reloads what changed.

use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::AppState;

pub const CHANNEL: &str = "rc_users_cache";

pub fn spawn_listener(state: AppState) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = listen(&state).await {
                tracing::warn!(error = %e, "cache listener lost its connection; reconnecting");
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
}

async fn listen(state: &AppState) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(&state.db).await?;
    listener.listen(CHANNEL).await?;
    // Anything changed between the first load and LISTEN is picked up here.
    state.reload_caches().await?;
    loop {
        match listener.try_recv().await? {
            Some(n) => match n.payload() {
                "settings" => state.settings.reload(&state.db).await?,
                "permissions" => state.authz.reload(&state.db).await?,
                _ => {}
            },
            // The connection dropped and was re-established: notifications may be lost.
            None => state.reload_caches().await?,
        }
    }
}
