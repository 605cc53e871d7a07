//! The permissions endpoints (users-extended §10).

use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{RcBody, RcQuery};
use crate::auth::Caller;
use crate::error::{success_json, ApiResult};
use crate::service::permissions;
use crate::view::authz::{permission, removed};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_all))
        .routes(routes!(update))
}

/// Every permission, or those changed (`update`) and deleted (`remove`) after `updatedSince`.
#[utoipa::path(get, path = "/api/v1/permissions.listAll", tag = "permissions", security(("authToken" = [], "userId" = [])),
    params(("updatedSince" = Option<String>, Query, description = "a date")),
    responses((status = 200, description = "`{update:[{_id,roles,_updatedAt}], remove:[{_id,_deletedAt}]}`"),
              (status = 400, description = "Invalid date or unknown parameter"), (status = 401, description = "Not logged in")))]
pub async fn list_all(
    State(state): State<AppState>,
    _caller: Caller,
    RcQuery(query): RcQuery,
) -> ApiResult<Response> {
    let changes = permissions::list_all(&state, query).await?;
    let update: Vec<Value> = changes.update.iter().map(permission).collect();
    let remove: Vec<Value> = changes
        .remove
        .iter()
        .map(|(id, at)| removed(id, at))
        .collect();
    Ok(success_json(json!({"update": update, "remove": remove})))
}

/// Replace the role lists of the given permissions (one transaction); answers all of them.
#[utoipa::path(post, path = "/api/v1/permissions.update", tag = "permissions", security(("authToken" = [], "userId" = [])),
    request_body(content = Object, description = "`{permissions:[{_id, roles:[…]}]}` (strict)"),
    responses((status = 200, description = "`{permissions:[…every permission…]}`"),
              (status = 400, description = "Invalid permission / role / body"),
              (status = 401, description = "Not logged in"), (status = 403, description = "Missing access-permissions")))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    let all = permissions::update(&state, &caller, body).await?;
    let all: Vec<Value> = all.iter().map(permission).collect();
    Ok(success_json(json!({ "permissions": all })))
}
