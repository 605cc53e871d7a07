//! `GET /api/v1/me`.

use axum::extract::State;
use axum::response::Response;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::AnyCaller;
use crate::error::success;
use crate::view::user;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_me))
}

/// The caller's own user object, flattened (users-core §4.1).
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "The caller's user object"), (status = 401, description = "Not logged in")))]
pub async fn get_me(State(state): State<AppState>, AnyCaller(caller): AnyCaller) -> Response {
    success(user::me(&caller.user, &state.settings))
}
