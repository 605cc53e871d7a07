//! Naming the target user with `userId` / `username` / `user` (users-extended §1.14).

use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::db::users::{self, User};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// What the parameters name.
pub enum TargetParam {
    Id(String),
    Username(String),
}

/// The first non-blank of `userId`, `username`, `user` (trimmed).
pub fn target_param(params: &Map<String, Value>) -> Option<TargetParam> {
    let get = |k: &str| {
        params
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    if let Some(id) = get("userId") {
        return Some(TargetParam::Id(id.to_owned()));
    }
    get("username")
        .or_else(|| get("user"))
        .map(|u| TargetParam::Username(u.to_owned()))
}

/// Is the caller the target? No parameter, own id, or own username (case-sensitive quirk).
pub fn is_caller(params: &Map<String, Value>, caller: &Caller) -> bool {
    match target_param(params) {
        None => true,
        Some(TargetParam::Id(id)) => id == caller.user.id,
        Some(TargetParam::Username(u)) => caller.user.username.as_deref() == Some(u.as_str()),
    }
}

/// Resolve the named user, with Rocket.Chat's two 400 errors.
pub async fn resolve_target(state: &AppState, params: &Map<String, Value>) -> ApiResult<User> {
    let found = match target_param(params) {
        None => {
            return Err(ApiError::coded(
                "error-user-param-not-provided",
                "The required \"userId\" or \"username\" param was not provided",
            ))
        }
        Some(TargetParam::Id(id)) => users::by_id(&state.db, &id).await?,
        Some(TargetParam::Username(u)) => users::by_username_ci(&state.db, &u).await?,
    };
    found.ok_or_else(|| {
        ApiError::coded(
            "error-invalid-user",
            "The required \"userId\" or \"username\" param provided does not match any users",
        )
    })
}
