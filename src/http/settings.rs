//! Settings by id (users-extended §11) and the public settings list.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{RcBody, RcQuery};
use crate::auth::twofactor::Challenge;
use crate::auth::{Caller, ClientIp};
use crate::error::{success_json, ApiError, ApiResult};
use crate::service::settings_admin;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_setting, set_setting))
        .routes(routes!(public))
}

/// A path id that cannot be read (invalid UTF-8 escapes) names no setting.
fn setting_id(path: Result<Path<String>, PathRejection>) -> ApiResult<String> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::Raw(StatusCode::BAD_REQUEST, json!({"success": false})))
}

/// One setting's `_id` and `value` (hidden or unknown → `{"success":false}`).
#[utoipa::path(get, path = "/api/v1/settings/{_id}", tag = "settings", security(("authToken" = [], "userId" = [])),
    params(("_id" = String, Path, description = "setting id")),
    responses((status = 200, description = "`{_id, value}`"), (status = 400, description = "`{success:false}`"),
              (status = 401, description = "Not logged in"), (status = 403, description = "Missing view-privileged-setting")))]
pub async fn get_setting(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> ApiResult<Response> {
    let (id, value) = settings_admin::get(&state, &caller, &setting_id(path)?)?;
    Ok(success_json(json!({"_id": id, "value": value})))
}

/// Change a setting: `{"value": …}`, checked against the setting's type. Needs 2FA.
#[utoipa::path(post, path = "/api/v1/settings/{_id}", tag = "settings", security(("authToken" = [], "userId" = [])),
    params(("_id" = String, Path, description = "setting id")),
    request_body(content = Object, description = "`{value}`"),
    responses((status = 200, description = "`{}`"),
              (status = 400, description = "`{success:false}`, a type/bounds error, or a 2FA challenge"),
              (status = 401, description = "Not logged in"), (status = 403, description = "Missing edit-privileged-setting")))]
pub async fn set_setting(
    State(state): State<AppState>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    let id = setting_id(path)?;
    let challenge = Challenge::from_headers(&headers, ip);
    settings_admin::set(&state, &caller, &challenge, &id, &body).await?;
    Ok(success_json(json!({})))
}

/// Public settings, no authentication: `{settings:[{_id,value}], count, offset, total}`.
#[utoipa::path(get, path = "/api/v1/settings.public", tag = "settings",
    params(("count" = Option<i64>, Query), ("offset" = Option<i64>, Query),
           ("_id" = Option<String>, Query, description = "comma-separated ids")),
    responses((status = 200, description = "`{settings, count, offset, total}`")))]
pub async fn public(State(state): State<AppState>, query: RcQuery) -> ApiResult<Response> {
    let (settings, offset, total) = settings_admin::public(&state, &query)?;
    Ok(success_json(json!({
        "settings": settings,
        "count": settings.len(),
        "offset": offset,
        "total": total,
    })))
}
