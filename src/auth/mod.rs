//! Authentication: who is calling (`Caller`), from the `X-User-Id` + `X-Auth-Token` headers.

pub mod password;
pub mod token;
pub mod twofactor;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::authz::Permission;
use crate::db::tokens::{self, LoginToken};
use crate::db::users::User;
use crate::error::ApiError;
use crate::AppState;

/// An authenticated caller: the user record and the token the request used.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub token: LoginToken,
}

impl Caller {
    pub fn id(&self) -> &str {
        &self.user.id
    }
    pub fn roles(&self) -> &[String] {
        &self.user.roles
    }
    /// Does the caller hold `permission` (through its global roles)?
    pub fn can(&self, state: &AppState, permission: Permission) -> bool {
        state.authz.has(&self.user.roles, permission)
    }
    /// Route-level permission gate: 403 with Rocket.Chat's exact body when missing.
    pub fn require(&self, state: &AppState, permission: Permission) -> Result<(), ApiError> {
        state.authz.require(&self.user.roles, permission)
    }
    /// Route-level "any of" gate.
    pub fn require_any(
        &self,
        state: &AppState,
        permissions: &[Permission],
    ) -> Result<(), ApiError> {
        state.authz.require_any(&self.user.roles, permissions)
    }
}

/// The credentials a request presents: `X-User-Id` and the hash of `X-Auth-Token`.
/// Not yet checked against the database.
#[derive(Clone, Debug)]
pub struct Presented {
    pub user_id: String,
    pub hashed_token: String,
}

impl Presented {
    /// Read the two headers; `None` when either is missing, blank or oversized.
    pub fn from_headers(headers: &HeaderMap) -> Option<Presented> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let (user_id, token) = (header("x-user-id")?, header("x-auth-token")?);
        // Bound what reaches the database: ids and tokens are short.
        if user_id.len() > 128 || token.len() > 512 {
            return None;
        }
        Some(Presented {
            user_id: user_id.to_owned(),
            hashed_token: token::hash_token(token),
        })
    }

    /// Check the credentials (one indexed join); `None` when they do not match.
    pub async fn resolve(&self, state: &AppState) -> Result<Option<Caller>, ApiError> {
        Ok(
            tokens::find_caller(&state.db, &self.user_id, &self.hashed_token)
                .await?
                .map(|(user, token)| Caller { user, token }),
        )
    }
}

/// Routes that fold authentication into their own statement (users.info) take the presented
/// credentials; a request without them is refused at once.
impl<S: Send + Sync> FromRequestParts<S> for Presented {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Presented::from_headers(&parts.headers).ok_or(ApiError::Unauthenticated)
    }
}

/// Resolve the caller from the headers; `None` when they are missing or do not match.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    match Presented::from_headers(headers) {
        Some(p) => p.resolve(state).await,
        None => Ok(None),
    }
}

/// The username rule of routes not flagged "username not required".
pub fn require_username(caller: Caller) -> Result<Caller, ApiError> {
    if caller.user.username.is_none() {
        return Err(ApiError::coded(
            "error-unauthorized",
            "Users must have a username",
        ));
    }
    Ok(caller)
}

/// The caller of a route that needs a username (most routes).
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        require_username(AnyCaller::from_request_parts(parts, state).await?.0)
    }
}

/// The caller of a route flagged "username not required" (`/me`, updateOwnBasicInfo, …).
pub struct AnyCaller(pub Caller);

impl FromRequestParts<AppState> for AnyCaller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(AnyCaller(c.clone()));
        }
        let caller = resolve(state, &parts.headers)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        parts.extensions.insert(caller.clone());
        Ok(AnyCaller(caller))
    }
}

/// The caller when the route is also open to anonymous requests (e.g. users.register).
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(resolve(state, &parts.headers).await?))
    }
}

/// The client's address: `X-Real-IP` when present, else the socket peer.
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

pub fn client_ip(parts: &Parts) -> IpAddr {
    if let Some(ip) = parts
        .headers
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}
