//! Reading and changing settings over the API (users-extended §11) and `settings.public`.
//!
//! Reads come from this instance's cache, which follows the database through LISTEN/NOTIFY;
//! a write goes to the database and reloads the cache before the answer, so the next request
//! (here or, within milliseconds, on any other instance) sees the new value.

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use crate::auth::twofactor::{self, Challenge, Demand};
use crate::auth::Caller;
use crate::authz::perm;
use crate::db::settings as db;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::RcQuery;
use crate::http::pagination::Page;
use crate::settings::defaults::{self, Kind};
use crate::AppState;

/// Rocket.Chat's bare `API.v1.failure()`: 400 `{"success":false}`.
fn bare_failure() -> ApiError {
    ApiError::Raw(StatusCode::BAD_REQUEST, json!({"success": false}))
}

/// GET settings/:_id → (`_id`, `value`). Hidden and unknown settings are a bare failure.
pub fn get(state: &AppState, caller: &Caller, id: &str) -> ApiResult<(String, Value)> {
    caller.require(state, perm::VIEW_PRIVILEGED_SETTING)?;
    match state.settings.stored(id) {
        Some(s) if !s.hidden => Ok((id.to_owned(), s.value)),
        _ => Err(bare_failure()),
    }
}

/// POST settings/:_id with `{"value": …}`: permission, second factor, then the type check
/// of the setting's declared kind, then the write.
pub async fn set(
    state: &AppState,
    caller: &Caller,
    challenge: &Challenge<'_>,
    id: &str,
    body: &Map<String, Value>,
) -> ApiResult<()> {
    caller.require(state, perm::EDIT_PRIVILEGED_SETTING)?;
    twofactor::check(state, caller, challenge, Demand::Normal).await?;
    let stored = match state.settings.stored(id) {
        Some(s) if !s.hidden => s,
        _ => return Err(bare_failure()),
    };
    // The only body form for the settings we hold (no colour or action settings):
    // exactly `{"value": <any>}`; anything else is Rocket.Chat's bare failure.
    let (Some(raw), 1) = (body.get("value"), body.len()) else {
        return Err(bare_failure());
    };
    let kind = defaults::find(id)
        .map(|d| d.kind)
        .unwrap_or_else(|| kind_from_type(stored.kind));
    let value = checked_value(id, kind, raw)?;
    if !db::update_value(&state.db, id, &value).await? {
        return Err(bare_failure());
    }
    state.settings.reload(&state.db).await?;
    Ok(())
}

/// The kind of a setting that has no definition in `defaults.rs` (read from its stored type).
fn kind_from_type(type_name: &str) -> Kind {
    match type_name {
        "boolean" => Kind::Boolean,
        "int" => Kind::Integer {
            min: None,
            max: None,
        },
        "code" => Kind::Code,
        "multiSelect" => Kind::Array,
        _ => Kind::Text,
    }
}

/// JavaScript's `typeof`, as Meteor's `check` names it in its messages.
fn js_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) | Value::Object(_) => "object",
    }
}

/// Meteor's `check(value, <type>)` failure, as Rocket.Chat's saveSettings answers it.
fn match_error(expected: &str, v: &Value) -> ApiError {
    ApiError::failure(format!(
        "Match error: Expected {expected}, got {}",
        js_type(v)
    ))
}

fn invalid_value(id: &str, reason: String) -> ApiError {
    ApiError::coded_with(
        "error-invalid-setting-value",
        format!("Value for setting {id} {reason}"),
        json!({"method": "saveSettings"}),
    )
}

/// The value to store, or the error for a value the setting's kind refuses.
///
/// Rocket.Chat's REST route stores any value and (8.x) checks only numeric bounds. Per issue 5
/// every kind is checked here, with the texts of Rocket.Chat's own `saveSettings` checks:
/// * boolean: a JSON boolean, else `Match error: Expected boolean, got <type>`;
/// * int: a JSON number or a numeric string (coerced, as 8.x does before its bounds check),
///   else `Match error: Expected number, got <type>`; a fraction → `Value for setting <id>
///   must be an integer [error-invalid-setting-value]`; out of bounds →
///   `Value for setting <id> must be greater|less than or equal to <n> [error-invalid-setting-value]`
///   (Rocket.Chat skips the bounds check for a falsy value such as 0; rc-users always checks);
/// * string / select / code: a JSON string, else `Match error: Expected string, got <type>`;
///   a select value outside its options → `Value for setting <id> must be one of: <a>, <b>
///   [error-invalid-setting-value]`; a code (JSON) setting that is not valid JSON →
///   `[Invalid JSON provided]` (errorType `Invalid JSON provided`);
/// * multiSelect: a JSON array, else `Match error: Expected Array`.
pub fn checked_value(id: &str, kind: Kind, v: &Value) -> ApiResult<Value> {
    match kind {
        Kind::Boolean => match v {
            Value::Bool(_) => Ok(v.clone()),
            _ => Err(match_error("boolean", v)),
        },
        Kind::Integer { min, max } => {
            let n = match v {
                Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                Value::String(s) => s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|_| !s.trim().is_empty())
                    .ok_or_else(|| match_error("number", v))?,
                _ => return Err(match_error("number", v)),
            };
            if !n.is_finite() || n.fract() != 0.0 || n.abs() > 9.0e15 {
                return Err(invalid_value(id, "must be an integer".into()));
            }
            let n = n as i64;
            if let Some(min) = min.filter(|m| n < *m) {
                return Err(invalid_value(
                    id,
                    format!("must be greater than or equal to {min}"),
                ));
            }
            if let Some(max) = max.filter(|m| n > *m) {
                return Err(invalid_value(
                    id,
                    format!("must be less than or equal to {max}"),
                ));
            }
            Ok(Value::from(n))
        }
        Kind::Text => match v {
            Value::String(_) => Ok(v.clone()),
            _ => Err(match_error("string", v)),
        },
        Kind::Select(options) => match v {
            Value::String(s) if options.contains(&s.as_str()) => Ok(v.clone()),
            Value::String(_) => Err(invalid_value(
                id,
                format!("must be one of: {}", options.join(", ")),
            )),
            _ => Err(match_error("string", v)),
        },
        Kind::Code => match v {
            Value::String(s) if s.is_empty() || serde_json::from_str::<Value>(s).is_ok() => {
                Ok(v.clone())
            }
            Value::String(_) => Err(ApiError::coded_no_reason("Invalid JSON provided")),
            _ => Err(match_error("string", v)),
        },
        Kind::Array => match v {
            Value::Array(_) => Ok(v.clone()),
            _ => Err(ApiError::failure("Match error: Expected Array")),
        },
    }
}

/// One page of GET settings.public: (`{_id, value}` items, offset, total).
pub fn public(state: &AppState, query: &RcQuery) -> ApiResult<(Vec<Value>, i64, usize)> {
    let page = Page::from_query(query, &state.settings)?;
    let wanted: Option<Vec<&str>> = query
        .str("_id")
        .filter(|s| !s.is_empty())
        .map(|s| s.split(',').map(str::trim).collect());
    let all: Vec<(String, Value)> = state
        .settings
        .public()
        .into_iter()
        .filter(|(id, _)| wanted.as_ref().is_none_or(|w| w.contains(&id.as_str())))
        .collect();
    let total = all.len();
    let items = all
        .into_iter()
        .skip(usize::try_from(page.offset).unwrap_or(0))
        .take(page.count.map_or(usize::MAX, |c| c as usize))
        .map(|(id, value)| json!({"_id": id, "value": value}))
        .collect();
    Ok((items, page.offset, total))
}
