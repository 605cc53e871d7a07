//! Router assembly: every route is registered through utoipa-axum, so the router and the
//! OpenAPI document come from one list. Layers are added once, here.

pub mod auth;
pub mod extract;
pub mod me;
pub mod misc;
pub mod pagination;
pub mod permissions;
pub mod roles;
pub mod schema;
pub mod settings;
pub mod users_read;
pub mod users_write;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::AppState;

static REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

#[derive(OpenApi)]
#[openapi(
    info(title = "rc-users", description = "A Rocket.Chat-compatible users REST API on PostgreSQL"),
    components(schemas()),
    modifiers(&SecurityAddon)
)]
pub struct ApiDoc;

struct SecurityAddon;
impl utoipa::Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "authToken",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Auth-Token"))),
        );
        components.add_security_scheme(
            "userId",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-User-Id"))),
        );
    }
}

/// Every endpoint family, in one list.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(misc::routes())
        .merge(auth::routes())
        .merge(me::routes())
        .merge(roles::routes())
        .merge(permissions::routes())
        .merge(settings::routes())
        .merge(users_write::routes())
        .merge(users_read::routes())
}

/// The OpenAPI document of every registered route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

/// The complete application: routes, OpenAPI document, fallbacks and layers.
pub fn router(state: AppState) -> Router {
    let (router, api) = api_routes().split_for_parts();
    let api = Arc::new(api);
    let sensitive = Arc::from([
        header::HeaderName::from_static("x-auth-token"),
        header::HeaderName::from_static("x-2fa-code"),
        header::AUTHORIZATION,
        header::COOKIE,
    ]);
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let api = api.clone();
                async move {
                    json_response(
                        StatusCode::OK,
                        &serde_json::to_value(&*api).unwrap_or(Value::Null),
                    )
                }
            }),
        )
        .fallback(fallback)
        .method_not_allowed_fallback(fallback)
        // Every request gets an id (or keeps the caller's), logged in its span and echoed back.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(SetSensitiveRequestHeadersLayer::from_shared(sensitive))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("handler panicked").into_response()
        }))
        .with_state(state)
}

/// Unknown routes: `OPTIONS` preflights answer `OK`, everything else a JSON 404.
async fn fallback(req: Request<Body>) -> Response {
    if req.method() == Method::OPTIONS && req.uri().path().starts_with("/api") {
        return (StatusCode::OK, "OK").into_response();
    }
    ApiError::NotFound.into_response()
}

/// A JSON response with Rocket.Chat's headers (`application/json` exactly, no caching).
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{\"success\":false}".to_vec());
    let mut res = Response::new(Body::from(bytes));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}
