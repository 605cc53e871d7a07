//! Unauthenticated server information.

use axum::response::Response;
use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::success_json;
use crate::AppState;

/// The Rocket.Chat API level this server is compatible with (clients gate features on it).
pub const COMPATIBLE_VERSION: &str = "8.5.0";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(info))
}

/// Server version, as Rocket.Chat answers anonymous callers.
#[utoipa::path(get, path = "/api/info", tag = "misc", responses((status = 200, description = "`{version, success}`")))]
pub async fn info() -> Response {
    success_json(json!({"version": COMPATIBLE_VERSION}))
}
