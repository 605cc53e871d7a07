//! The endpoints that write users: users.create, users.update, users.delete, users.register,
//! users.updateOwnBasicInfo, users.setActiveStatus, users.deleteOwnAccount, plus
//! users.checkUsernameAvailability, users.getUsernameSuggestion and users.logout.
//!
//! Each handler: authentication (extractor) → route permission → body/query schema → 2FA
//! (where the route has it) → the service rules → the response projected for the caller.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{RcBody, RcQuery};
use super::schema::{Schema, Ty};
use crate::auth::twofactor::{self, Challenge, Demand};
use crate::auth::{AnyCaller, Caller, ClientIp, MaybeCaller};
use crate::authz::perm;
use crate::error::{success, success_json, ApiError, ApiResult};
use crate::service::{target, users_write as svc};
use crate::view::user;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users_create))
        .routes(routes!(users_update))
        .routes(routes!(users_delete))
        .routes(routes!(users_register))
        .routes(routes!(users_update_own_basic_info))
        .routes(routes!(users_set_active_status))
        .routes(routes!(users_delete_own_account))
        .routes(routes!(users_check_username_availability))
        .routes(routes!(users_get_username_suggestion))
        .routes(routes!(users_logout))
}

fn create_schema() -> Schema {
    Schema::strict()
        .req("email", Ty::Str)
        .req("name", Ty::Str)
        .req("password", Ty::Str)
        .req("username", Ty::Str)
        .opt("active", Ty::Bool)
        .opt("bio", Ty::Str)
        .opt("nickname", Ty::Str)
        .opt("statusText", Ty::Str)
        .opt("roles", Ty::Array(Box::new(Ty::Str)))
        .opt("joinDefaultChannels", Ty::Bool)
        .opt("requirePasswordChange", Ty::Bool)
        .opt("setRandomPassword", Ty::Bool)
        .opt("sendWelcomeEmail", Ty::Bool)
        .opt("verified", Ty::Bool)
        .opt("customFields", Ty::AnyObject)
        .opt("freeSwitchExtension", Ty::Str)
        .opt("fields", Ty::Str)
}

fn update_schema() -> Schema {
    let data = Schema::strict()
        .opt("email", Ty::Str)
        .opt("name", Ty::Str)
        .opt("password", Ty::Str)
        .opt("username", Ty::Str)
        .opt("bio", Ty::Str)
        .opt("nickname", Ty::Str)
        .opt("statusText", Ty::Str)
        .opt("status", Ty::Str)
        .opt("active", Ty::Bool)
        .opt("roles", Ty::Array(Box::new(Ty::Str)))
        .opt("requirePasswordChange", Ty::Bool)
        .opt("setRandomPassword", Ty::Bool)
        .opt("sendWelcomeEmail", Ty::Bool)
        .opt("verified", Ty::Bool)
        .opt("customFields", Ty::AnyObject)
        .opt("freeSwitchExtension", Ty::Str);
    Schema::strict()
        .req("userId", Ty::StrMin(1))
        .req("data", Ty::Object(data))
        .opt("confirmRelinquish", Ty::Bool)
}

/// The 2FA check of a "twoFactorRequired" route (users-core §1.7).
async fn two_factor(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
) -> ApiResult<()> {
    let challenge = Challenge::from_headers(headers, ip);
    twofactor::check(state, caller, &challenge, Demand::Normal).await
}

/// Create a user (permission `create-user`; 2FA as in the newest Rocket.Chat).
#[utoipa::path(post, path = "/api/v1/users.create", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{user}`"), (status = 400, description = "Validation error"),
              (status = 401, description = "Not logged in")))]
pub async fn users_create(
    State(state): State<AppState>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    create_schema().validate(&mut body)?;
    two_factor(&state, &caller, &headers, ip).await?;
    let created = svc::create(&state, &caller, &body).await?;
    Ok(success_json(
        json!({"user": svc::render_for(&state, Some(&caller), &created)}),
    ))
}

/// Update a user (own record, or another's with `edit-other-user-info`; 2FA).
#[utoipa::path(post, path = "/api/v1/users.update", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{user}`"), (status = 400, description = "Validation error"),
              (status = 401, description = "Not logged in")))]
pub async fn users_update(
    State(state): State<AppState>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    update_schema().validate(&mut body)?;
    two_factor(&state, &caller, &headers, ip).await?;
    let updated = svc::update(&state, &caller, &body).await?;
    Ok(success_json(
        json!({"user": svc::render_for(&state, Some(&caller), &updated)}),
    ))
}

/// Delete a user and what belongs to it (route permission `delete-user`).
#[utoipa::path(post, path = "/api/v1/users.delete", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{deletedRooms}`"), (status = 403, description = "Missing delete-user")))]
pub async fn users_delete(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    caller.require(&state, perm::DELETE_USER)?;
    Schema::strict()
        .opt("userId", Ty::Str)
        .opt("username", Ty::Str)
        .opt("user", Ty::Str)
        .opt("confirmRelinquish", Ty::Bool)
        .validate(&mut body)?;
    let target = target::resolve_target(&state, &body).await?;
    let confirm = body
        .get("confirmRelinquish")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let deleted = svc::delete_user(&state, &target, confirm).await?;
    Ok(success_json(json!({"deletedRooms": deleted})))
}

/// Self-registration (anonymous callers only; `Accounts_RegistrationForm`).
#[utoipa::path(post, path = "/api/v1/users.register", tag = "users",
    responses((status = 200, description = "`{user}` (public projection)"), (status = 400, description = "Validation error")))]
pub async fn users_register(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    Schema::strict()
        .req("username", Ty::Str)
        .req("email", Ty::Str)
        .req("pass", Ty::Str)
        .opt("name", Ty::Str)
        .opt("secret", Ty::Str)
        .opt("reason", Ty::Str)
        .opt("customFields", Ty::AnyObject)
        .validate(&mut body)?;
    if caller.is_some() {
        return Err(ApiError::failure("Logged in users can not register again."));
    }
    let created = svc::register(&state, &body).await?;
    Ok(success_json(
        json!({"user": svc::render_for(&state, None, &created)}),
    ))
}

/// Update the caller's own profile (username not required).
#[utoipa::path(post, path = "/api/v1/users.updateOwnBasicInfo", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{user}` (like /me)"), (status = 400, description = "Validation error")))]
pub async fn users_update_own_basic_info(
    State(state): State<AppState>,
    AnyCaller(caller): AnyCaller,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    let data = Schema::strict()
        .opt("email", Ty::Str)
        .opt("name", Ty::Str)
        .opt("username", Ty::Str)
        .opt("nickname", Ty::Str)
        .opt("bio", Ty::Str)
        .opt("statusType", Ty::Str)
        .opt("statusText", Ty::Str)
        .opt("currentPassword", Ty::Str)
        .opt("newPassword", Ty::Str);
    Schema::strict()
        .req("data", Ty::Object(data))
        .opt("customFields", Ty::AnyObject)
        .validate(&mut body)?;
    let updated = svc::update_own_basic_info(&state, &caller, &body).await?;
    let mut me = user::me(&updated, &state.settings);
    match &updated.settings {
        Some(stored) => me.insert("settings".into(), stored.clone()),
        None => me.remove("settings"),
    };
    Ok(success_json(json!({"user": me})))
}

/// Activate or deactivate a user (route permission: any of edit-other-user-active-status,
/// manage-moderation-actions).
#[utoipa::path(post, path = "/api/v1/users.setActiveStatus", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{user:{_id, active}}`"), (status = 403, description = "Missing permission")))]
pub async fn users_set_active_status(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    caller.require_any(
        &state,
        &[
            perm::EDIT_OTHER_USER_ACTIVE_STATUS,
            perm::MANAGE_MODERATION_ACTIONS,
        ],
    )?;
    Schema::strict()
        .req("userId", Ty::StrMin(1))
        .req("activeStatus", Ty::Bool)
        .opt("confirmRelinquish", Ty::Bool)
        .validate(&mut body)?;
    let user_id = body.get("userId").and_then(Value::as_str).unwrap_or("");
    let active = body
        .get("activeStatus")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let confirm = body
        .get("confirmRelinquish")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    svc::set_active_status(&state, &caller, user_id, active, confirm).await?;
    Ok(success_json(
        json!({"user": {"_id": user_id, "active": active}}),
    ))
}

/// Delete the caller's own account (`Accounts_AllowDeleteOwnAccount`; password as SHA-256 hex).
#[utoipa::path(post, path = "/api/v1/users.deleteOwnAccount", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{}`"), (status = 400, description = "Not allowed / invalid password")))]
pub async fn users_delete_own_account(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    Schema::strict()
        .req("password", Ty::Str)
        .opt("confirmRelinquish", Ty::Bool)
        .validate(&mut body)?;
    let password = body.get("password").and_then(Value::as_str).unwrap_or("");
    let confirm = body
        .get("confirmRelinquish")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    svc::delete_own_account(&state, &caller, password, confirm).await?;
    Ok(success(serde_json::Map::new()))
}

/// Is a username free for the caller to take?
#[utoipa::path(get, path = "/api/v1/users.checkUsernameAvailability", tag = "users", security(("authToken" = [], "userId" = [])),
    params(("username" = String, Query, description = "The candidate")),
    responses((status = 200, description = "`{result: bool}`")))]
pub async fn users_check_username_availability(
    State(state): State<AppState>,
    caller: Caller,
    RcQuery(mut query): RcQuery,
) -> ApiResult<Response> {
    Schema::open()
        .req("username", Ty::Str)
        .validate(&mut query)?;
    let candidate = query.get("username").and_then(Value::as_str).unwrap_or("");
    let result = svc::check_username_availability(&state, &caller, candidate).await?;
    Ok(success_json(json!({"result": result})))
}

/// A free username derived from the caller's name or verified e-mail.
#[utoipa::path(get, path = "/api/v1/users.getUsernameSuggestion", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{result: string}`")))]
pub async fn users_get_username_suggestion(
    State(state): State<AppState>,
    AnyCaller(caller): AnyCaller,
) -> ApiResult<Response> {
    let result = svc::username_suggestion(&state, &caller.user).await?;
    Ok(success_json(json!({"result": result})))
}

/// Remove every token of a user (another user needs `logout-other-user`).
#[utoipa::path(post, path = "/api/v1/users.logout", tag = "users", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{message}`"), (status = 403, description = "unauthorized")))]
pub async fn users_logout(
    State(state): State<AppState>,
    caller: Caller,
    RcBody(mut body): RcBody,
) -> ApiResult<Response> {
    Schema::open().opt("userId", Ty::Str).validate(&mut body)?;
    let user_id = body.get("userId").and_then(Value::as_str).map(str::trim);
    let target = svc::logout_user(&state, &caller, user_id).await?;
    Ok(success_json(
        json!({"message": format!("User {target} has been logged out!")}),
    ))
}
