//! `GET /api/v1/users.info` and `GET /api/v1/users.list`.

use axum::extract::State;
use axum::response::Response;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::{Caller, Presented};
use crate::error::{success, ApiResult};
use crate::http::extract::RcQuery;
use crate::service::users_read;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users_info))
        .routes(routes!(users_list))
}

/// One user, as much as the caller may see (users-core §4.2).
#[utoipa::path(get, path = "/api/v1/users.info", tag = "users", security(("authToken" = [], "userId" = [])),
    params(
        ("userId" = Option<String>, Query, description = "Look up by _id"),
        ("username" = Option<String>, Query, description = "Look up by username (or _id)"),
        ("importId" = Option<String>, Query, description = "Look up by import id (view-full-other-user-info)"),
        ("email" = Option<String>, Query, description = "Look up by e-mail (view-full-other-user-info)"),
        ("freeSwitchExtension" = Option<String>, Query, description = "Look up by VoIP extension"),
        ("includeUserRooms" = Option<String>, Query, description = "\"true\": add the user's rooms"),
        ("fields" = Option<String>, Query, description = "JSON projection; {\"userRooms\":1} also adds rooms"),
    ),
    responses((status = 200, description = "`user`"), (status = 400, description = "Invalid parameters or user not found"),
        (status = 401, description = "Not logged in")))]
pub async fn users_info(
    State(state): State<AppState>,
    presented: Presented,
    query: RcQuery,
) -> ApiResult<Response> {
    Ok(success(users_read::info(&state, &presented, &query).await?))
}

/// A page of users (users-core §4.3), with the safe `query` / `fields` / `sort`.
#[utoipa::path(get, path = "/api/v1/users.list", tag = "users", security(("authToken" = [], "userId" = [])),
    params(
        ("count" = Option<i64>, Query, description = "Page size (API_Default_Count, capped by API_Upper_Count_Limit)"),
        ("offset" = Option<i64>, Query, description = "Rows to skip"),
        ("sort" = Option<String>, Query, description = "JSON object of 1/-1, e.g. {\"username\":1}"),
        ("fields" = Option<String>, Query, description = "JSON object of 0/1 over the readable fields"),
        ("query" = Option<String>, Query, description = "Mongo-style filter over the readable fields"),
        ("email" = Option<String>, Query, description = "Exact, case-insensitive e-mail (view-full-other-user-info)"),
    ),
    responses((status = 200, description = "`users`, `count`, `offset`, `total`"),
        (status = 400, description = "Invalid parameters"), (status = 401, description = "Not logged in"),
        (status = 403, description = "Missing view-d-room, or a privileged filter")))]
pub async fn users_list(
    State(state): State<AppState>,
    caller: Caller,
    query: RcQuery,
) -> ApiResult<Response> {
    Ok(success(users_read::list(&state, &caller, &query).await?))
}
