//! The roles endpoints (users-extended §9).

use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{RcBody, RcQuery};
use crate::auth::Caller;
use crate::error::{success_json, ApiResult};
use crate::service::roles;
use crate::view::authz::{removed, role};
use crate::view::user::{render, CustomFieldAccess, UserField, Viewer};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_users_in_role))
        .routes(routes!(get_users_of_role))
        .routes(routes!(add_user_to_role))
        .routes(routes!(remove_user_from_role))
        .routes(routes!(delete))
        .routes(routes!(create))
        .routes(routes!(update))
        .routes(routes!(sync))
}

/// Every role, without `_updatedAt`.
#[utoipa::path(get, path = "/api/v1/roles.list", tag = "roles", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{roles:[{_id,name,scope,description,protected,mandatory2fa}]}`"),
              (status = 401, description = "Not logged in")))]
pub async fn list(State(state): State<AppState>, _caller: Caller) -> ApiResult<Response> {
    let all: Vec<Value> = roles::list(&state)
        .await?
        .iter()
        .map(|r| role(r, false))
        .collect();
    Ok(success_json(json!({ "roles": all })))
}

/// The fields of a role holder (users-extended §9.2).
const HOLDER_FIELDS: &[UserField] = &[
    UserField::Id,
    UserField::Name,
    UserField::Username,
    UserField::Emails,
    UserField::AvatarETag,
    UserField::CreatedAt,
    UserField::UpdatedAt,
];

async fn users_in_role(state: AppState, caller: Caller, query: RcQuery) -> ApiResult<Response> {
    let (found, total) = roles::users_in_role(&state, &caller, &query).await?;
    // The caller holds access-permissions: the full projection of these fields.
    let viewer = Viewer {
        is_self: false,
        full: true,
    };
    let users: Vec<Value> = found
        .iter()
        .map(|u| Value::Object(render(u, HOLDER_FIELDS, viewer, &CustomFieldAccess::All)))
        .collect();
    Ok(success_json(json!({"users": users, "total": total})))
}

/// Holders of a role (by role `_id`), sorted by username; `roomId` for room roles.
#[utoipa::path(get, path = "/api/v1/roles.getUsersInRole", tag = "roles", security(("authToken" = [], "userId" = [])),
    params(("role" = String, Query, description = "role _id"), ("roomId" = Option<String>, Query),
           ("count" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "`{users, total}` (no count/offset)"),
              (status = 400, description = "Missing or unknown role"), (status = 401, description = "Not logged in"),
              (status = 403, description = "Missing access-permissions")))]
pub async fn get_users_in_role(
    State(state): State<AppState>,
    caller: Caller,
    query: RcQuery,
) -> ApiResult<Response> {
    users_in_role(state, caller, query).await
}

/// The name seed 004 uses for roles.getUsersInRole: same parameters, same answer.
#[utoipa::path(get, path = "/api/v1/users.getUsersOfRole", tag = "roles", security(("authToken" = [], "userId" = [])),
    params(("role" = String, Query, description = "role _id"), ("roomId" = Option<String>, Query),
           ("count" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "`{users, total}`"), (status = 403, description = "Missing access-permissions")))]
pub async fn get_users_of_role(
    State(state): State<AppState>,
    caller: Caller,
    query: RcQuery,
) -> ApiResult<Response> {
    users_in_role(state, caller, query).await
}

/// Give a user a role (globally, or in `roomId` for room roles).
#[utoipa::path(post, path = "/api/v1/roles.addUserToRole", tag = "roles", security(("authToken" = [], "userId" = [])),
    request_body(content = Object, description = "`{username, roleId, roomId?}` (strict)"),
    responses((status = 200, description = "`{role}`"),
              (status = 400, description = "Unknown user/role, already in role, not allowed"),
              (status = 401, description = "Not logged in")))]
pub async fn add_user_to_role(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    let r = roles::add_user_to_role(&state, &caller, body).await?;
    Ok(success_json(json!({ "role": role(&r, true) })))
}

/// Take a role from a user (`scope` = the room of a room role).
#[utoipa::path(post, path = "/api/v1/roles.removeUserFromRole", tag = "roles", security(("authToken" = [], "userId" = [])),
    request_body(content = Object, description = "`{username, roleId, scope?}` (strict; `roomId` ignored)"),
    responses((status = 200, description = "`{role}`"),
              (status = 400, description = "Unknown user/role, not in role, last admin"),
              (status = 401, description = "Not logged in"), (status = 403, description = "Missing access-permissions")))]
pub async fn remove_user_from_role(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    let r = roles::remove_user_from_role(&state, &caller, body).await?;
    Ok(success_json(json!({ "role": role(&r, true) })))
}

/// Delete an unprotected role nobody holds.
#[utoipa::path(post, path = "/api/v1/roles.delete", tag = "roles", security(("authToken" = [], "userId" = [])),
    request_body(content = Object, description = "`{roleId}` (id or name)"),
    responses((status = 200, description = "`{}`"),
              (status = 400, description = "Unknown, protected or in use"),
              (status = 401, description = "Not logged in"), (status = 403, description = "Missing access-permissions")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    roles::delete(&state, &caller, body).await?;
    Ok(success_json(json!({})))
}

/// Create a custom role (Enterprise in Rocket.Chat; always available here).
#[utoipa::path(post, path = "/api/v1/roles.create", tag = "roles", security(("authToken" = [], "userId" = [])),
    request_body(content = Object, description = "`{name, description?, scope?, mandatory2fa?}` (strict)"),
    responses((status = 200, description = "`{role}`"),
              (status = 400, description = "Invalid properties, not allowed, duplicate name"),
              (status = 401, description = "Not logged in")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    let r = roles::create(&state, &caller, body).await?;
    Ok(success_json(json!({ "role": role(&r, true) })))
}

/// Update a role (protected roles keep their name and scope).
#[utoipa::path(post, path = "/api/v1/roles.update", tag = "roles", security(("authToken" = [], "userId" = [])),
    request_body(content = Object, description = "`{roleId, name, description?, scope?, mandatory2fa?}` (strict)"),
    responses((status = 200, description = "`{role}`"),
              (status = 400, description = "Invalid properties, not allowed, unknown, protected, duplicate"),
              (status = 401, description = "Not logged in")))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    let r = roles::update(&state, &caller, body).await?;
    Ok(success_json(json!({ "role": role(&r, true) })))
}

/// Roles changed and deleted since `updatedSince`.
#[utoipa::path(get, path = "/api/v1/roles.sync", tag = "roles", security(("authToken" = [], "userId" = [])),
    params(("updatedSince" = Option<String>, Query, description = "ISO date")),
    responses((status = 200, description = "`{roles:{update, remove}}`"), (status = 401, description = "Not logged in")))]
pub async fn sync(
    State(state): State<AppState>,
    _caller: Caller,
    RcQuery(query): RcQuery,
) -> ApiResult<Response> {
    let changes = roles::sync(&state, query).await?;
    let update: Vec<Value> = changes.update.iter().map(|r| role(r, true)).collect();
    let remove: Vec<Value> = changes
        .remove
        .iter()
        .map(|(id, at)| removed(id, at))
        .collect();
    Ok(success_json(
        json!({"roles": {"update": update, "remove": remove}}),
    ))
}
