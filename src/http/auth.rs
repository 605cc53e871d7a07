//! `POST /api/v1/login` and `/api/v1/logout`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::RcBody;
use super::json_response;
use crate::auth::token::sha256_hex;
use crate::auth::{AnyCaller, ClientIp};
use crate::error::{success_json, ApiResult};
use crate::service::session::{self, Credential, LoginRequest};
use crate::view::user;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(logout_get))
}

/// Log in by username or e-mail and password (clear or SHA-256 digest), or resume a token.
#[utoipa::path(post, path = "/api/v1/login", tag = "auth",
    responses((status = 200, description = "`{status, data:{userId, authToken, me}}`"), (status = 401, description = "Login failed")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    RcBody(body): RcBody,
) -> ApiResult<Response> {
    let request = parse_login(&body).ok_or_else(session::unauthorized)?;
    let (user, token) = session::login(&state, request, ip).await?;
    Ok(success_json(json!({
        "status": "success",
        "data": {"userId": user.id, "authToken": token, "me": user::me(&user, &state.settings)},
    })))
}

/// Read the login body forms of users-core §3.1.
fn parse_login(body: &serde_json::Map<String, Value>) -> Option<LoginRequest> {
    if let Some(Value::String(token)) = body.get("resume") {
        return Some(LoginRequest::Resume(token.clone()));
    }
    let password = match body.get("password")? {
        Value::String(clear) => sha256_hex(clear),
        Value::Object(p) => {
            let digest = p
                .get("digest")
                .or_else(|| p.get("hashed"))
                .and_then(Value::as_str)?;
            if p.get("algorithm")
                .and_then(Value::as_str)
                .is_some_and(|a| !a.eq_ignore_ascii_case("sha-256"))
            {
                return None;
            }
            digest.to_ascii_lowercase()
        }
        _ => return None,
    };
    let credential = match (body.get("user"), body.get("username"), body.get("email")) {
        (Some(Value::String(u)), _, _) if u.contains('@') => Credential::Email(u.clone()),
        (Some(Value::String(u)), _, _) => Credential::Username(u.clone()),
        (Some(Value::Object(o)), _, _) => match (o.get("username"), o.get("email")) {
            (Some(Value::String(u)), _) => Credential::Username(u.clone()),
            (_, Some(Value::String(e))) => Credential::Email(e.clone()),
            _ => return None,
        },
        (None, Some(Value::String(u)), _) => Credential::Username(u.clone()),
        (None, None, Some(Value::String(e))) => Credential::Email(e.clone()),
        _ => return None,
    };
    Some(LoginRequest::Password {
        credential,
        password_digest: password,
    })
}

/// Remove the token this request used.
#[utoipa::path(post, path = "/api/v1/logout", tag = "auth", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{status, data:{message}}`"), (status = 401, description = "Not logged in")))]
pub async fn logout(
    State(state): State<AppState>,
    AnyCaller(caller): AnyCaller,
) -> ApiResult<Response> {
    session::logout(&state, &caller).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({"status": "success", "data": {"message": "You've been logged out!"}}),
    ))
}

/// Deprecated GET form of logout, still accepted by Rocket.Chat.
#[utoipa::path(get, path = "/api/v1/logout", tag = "auth", security(("authToken" = [], "userId" = [])),
    responses((status = 200, description = "`{status, data:{message}}`")))]
pub async fn logout_get(state: State<AppState>, caller: AnyCaller) -> ApiResult<Response> {
    logout(state, caller).await
}
