//! Every failure the API can answer, rendered into Rocket.Chat's envelopes in one place.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::http::json_response;

/// The one error type of the API. Constructors below name the situations of the reference
/// (users-core §1.4, users-extended §1.6); `IntoResponse` is the only renderer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 401 — missing or invalid credentials.
    #[error("not logged in")]
    Unauthenticated,
    /// 403 — a route-level permission check failed.
    #[error("missing permission")]
    MissingPermission,
    /// 403 `{"error":"unauthorized"}` — an endpoint refuses explicitly.
    #[error("forbidden")]
    Forbidden,
    /// 400 `{"error": text}` (plus `errorType` when given) — a plain failure.
    #[error("{text}")]
    Failure {
        text: String,
        error_type: Option<String>,
    },
    /// 400 `"<reason> [<code>]"` with `errorType` — Rocket.Chat's Meteor errors.
    /// Codes `error-unauthorized`/`unauthorized` become 403 without `errorType`, as in 8.x.
    #[error("{code}")]
    Coded {
        code: String,
        reason: Option<String>,
        details: Option<Value>,
    },
    /// 400 schema-validation failure: AJV messages joined by "\n ".
    #[error("invalid params")]
    InvalidParams(Vec<String>),
    /// 400 password-policy failure with its per-rule details.
    #[error("password policy")]
    PasswordPolicy(Vec<Value>),
    /// 401 login failure: `error` is the code, `message` the reason.
    #[error("login failed")]
    LoginFailed {
        error: String,
        message: String,
        details: Option<Value>,
    },
    /// 429 — the rate limiter refused the call.
    #[error("too many requests")]
    TooManyRequests { wait_seconds: u64 },
    /// A body that must be sent as it is (Rocket.Chat's serialised error objects).
    #[error("raw")]
    Raw(StatusCode, Value),
    /// 404 — unknown API route.
    #[error("not found")]
    NotFound,
    /// Anything unexpected: logged with its cause, never echoed.
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn failure(text: impl Into<String>) -> Self {
        ApiError::Failure {
            text: text.into(),
            error_type: None,
        }
    }
    pub fn failure_typed(text: impl Into<String>, error_type: impl Into<String>) -> Self {
        ApiError::Failure {
            text: text.into(),
            error_type: Some(error_type.into()),
        }
    }
    pub fn coded(code: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError::Coded {
            code: code.into(),
            reason: Some(reason.into()),
            details: None,
        }
    }
    pub fn coded_no_reason(code: impl Into<String>) -> Self {
        ApiError::Coded {
            code: code.into(),
            reason: None,
            details: None,
        }
    }
    pub fn coded_with(code: impl Into<String>, reason: impl Into<String>, details: Value) -> Self {
        ApiError::Coded {
            code: code.into(),
            reason: Some(reason.into()),
            details: Some(details),
        }
    }
    pub fn invalid_params(message: impl Into<String>) -> Self {
        ApiError::InvalidParams(vec![message.into()])
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }
    /// Attach details to a coded error (no-op for other kinds).
    pub fn with_details(self, details: Value) -> Self {
        match self {
            ApiError::Coded { code, reason, .. } => ApiError::Coded {
                code,
                reason,
                details: Some(details),
            },
            other => other,
        }
    }

    fn status_and_body(&self) -> (StatusCode, Value) {
        match self {
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                json!({"success": false, "error": "You must be logged in to do this.",
                       "status": "error", "message": "You must be logged in to do this."}),
            ),
            ApiError::MissingPermission => (
                StatusCode::FORBIDDEN,
                json!({"success": false,
                       "error": "User does not have the permissions required for this action [error-unauthorized]"}),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                json!({"success": false, "error": "unauthorized"}),
            ),
            ApiError::Failure { text, error_type } => {
                let mut body = json!({"success": false, "error": text});
                if let Some(t) = error_type {
                    body["errorType"] = json!(t);
                }
                (StatusCode::BAD_REQUEST, body)
            }
            ApiError::Coded {
                code,
                reason,
                details,
            } => {
                let error = match reason {
                    Some(r) => format!("{r} [{code}]"),
                    None => format!("[{code}]"),
                };
                if code == "error-unauthorized" || code == "unauthorized" {
                    return (
                        StatusCode::FORBIDDEN,
                        json!({"success": false, "error": error}),
                    );
                }
                let mut body = json!({"success": false, "error": error, "errorType": code});
                if let Some(d) = details {
                    body["details"] = d.clone();
                }
                (StatusCode::BAD_REQUEST, body)
            }
            ApiError::InvalidParams(messages) => (
                StatusCode::BAD_REQUEST,
                json!({"success": false, "error": format!("{} [invalid-params]", messages.join("\n ")),
                       "errorType": "invalid-params"}),
            ),
            ApiError::PasswordPolicy(details) => {
                let mut body = json!({"success": false,
                    "error": "The password provided does not meet the server's password policy.",
                    "errorType": "error-password-policy-not-met"});
                if !details.is_empty() {
                    body["details"] = Value::Array(details.clone());
                }
                (StatusCode::BAD_REQUEST, body)
            }
            ApiError::LoginFailed {
                error,
                message,
                details,
            } => {
                let mut body = json!({"success": false, "error": error, "status": "error", "message": message});
                if let Some(d) = details {
                    body["details"] = d.clone();
                }
                (StatusCode::UNAUTHORIZED, body)
            }
            ApiError::TooManyRequests { wait_seconds } => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({"success": false, "error": format!(
                    "Error, too many requests. Please slow down. You must wait {wait_seconds} seconds before trying this endpoint again. [error-too-many-requests]")}),
            ),
            ApiError::Raw(status, body) => (*status, body.clone()),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                json!({"success": false, "error": "Resource not found"}),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"success": false, "error": "Internal server error"}),
            ),
        }
    }

    /// The JSON body this error renders to (tests and the OpenAPI examples use it).
    pub fn body(&self) -> Value {
        self.status_and_body().1
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let (status, body) = self.status_and_body();
        json_response(status, &body)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            // Text PostgreSQL cannot hold (a NUL character, `\u0000` in JSON) can only come
            // from the client's input: a 400, never a 500.
            if matches!(db.code().as_deref(), Some("22021" | "22P05")) {
                return ApiError::failure("Invalid characters in request");
            }
            // The statement timeout fired: the request asked for too much work.
            if db.code().as_deref() == Some("57014") {
                return ApiError::failure("The request took too long to answer; narrow it down");
            }
        }
        ApiError::Internal(format!("database: {e}"))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A successful answer: the payload object plus `"success": true`, appended last.
pub fn success(mut payload: Map<String, Value>) -> Response {
    payload.insert("success".into(), Value::Bool(true));
    json_response(StatusCode::OK, &Value::Object(payload))
}

/// Build a success answer from a `json!({...})` object literal.
pub fn success_json(payload: Value) -> Response {
    match payload {
        Value::Object(map) => success(map),
        _ => success(Map::new()),
    }
}

/// Name of the unique constraint a database error violated, if any.
pub fn violated_constraint(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint().map(str::to_owned),
        _ => None,
    }
}

/// Rocket.Chat HTML-escapes values it interpolates into error reasons.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
