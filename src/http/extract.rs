//! Rocket.Chat's request conventions, parsed in one place: bodies (JSON or form) and query
//! strings become JSON objects, with Rocket.Chat-style 400s for anything malformed.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use http_body_util::{BodyExt, Limited};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// Largest request body accepted (JSON or form). Larger bodies get a 400, never a 413 page.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A request body as a JSON object.
#[derive(Debug, Default)]
pub struct RcBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for RcBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let bytes = read_limited(req.into_body()).await?;
        parse_body(&content_type, &bytes).map(RcBody)
    }
}

async fn read_limited(body: Body) -> Result<axum::body::Bytes, ApiError> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::invalid_params(
            format!("request body must NOT be larger than {MAX_BODY_BYTES} bytes"),
        )),
        Err(_) => Err(ApiError::failure("Invalid request body")),
    }
}

/// Parse by content type, as Rocket.Chat does: JSON and urlencoded are understood;
/// anything else (multipart, text) counts as an empty body.
pub fn parse_body(content_type: &str, bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let is_json = content_type == "application/json" || content_type.ends_with("+json");
    if is_json {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        return match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(ApiError::invalid_params("must be object")),
            Err(_) => Err(ApiError::invalid_params("request body must be valid JSON")),
        };
    }
    if content_type == "application/x-www-form-urlencoded" {
        return Ok(parse_pairs(bytes));
    }
    Ok(Map::new())
}

/// Query-string or form pairs as a JSON object of strings; repeated keys (and `key[]`)
/// become arrays.
pub fn parse_pairs(bytes: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    for (k, v) in form_urlencoded::parse(bytes) {
        let (key, forced_array) = match k.strip_suffix("[]") {
            Some(base) => (base.to_owned(), true),
            None => (k.into_owned(), false),
        };
        let value = Value::String(v.into_owned());
        match map.get_mut(&key) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None if forced_array => {
                map.insert(key, Value::Array(vec![value]));
            }
            None => {
                map.insert(key, value);
            }
        }
    }
    map
}

/// The query string as a JSON object of strings.
#[derive(Debug, Default, Clone)]
pub struct RcQuery(pub Map<String, Value>);

impl<S: Send + Sync> FromRequestParts<S> for RcQuery {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        if raw.len() > 64 * 1024 {
            return Err(ApiError::failure("Invalid query parameters"));
        }
        Ok(RcQuery(parse_pairs(raw.as_bytes())))
    }
}

impl RcQuery {
    /// A parameter as a string (the last one when repeated).
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.0.get(key)? {
            Value::String(s) => Some(s),
            Value::Array(items) => items.last().and_then(Value::as_str),
            _ => None,
        }
    }
}
