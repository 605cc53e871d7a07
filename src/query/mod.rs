//! The Mongo-style `query` / `fields` / `sort` subset of Rocket.Chat's list endpoints, made
//! safe by construction: JSON → typed AST → checked against the caller's readable fields →
//! parameterised SQL. See `filter` for the accepted operators and bounds.

pub mod fields;
pub mod filter;
pub mod projection;
pub mod regex;
pub mod sql;

pub use fields::{Access, Column, Kind};
pub use filter::{Filter, InvalidQuery};
pub use projection::{Fields, InvalidFields, InvalidSort, SortKey};
pub use sql::{Bind, SqlBuilder};

use serde_json::json;

use crate::error::ApiError;

/// Rocket.Chat's `error-invalid-query` (the same answer for every refused filter).
pub fn invalid_query(raw: &str) -> ApiError {
    ApiError::coded_with(
        "error-invalid-query",
        format!("Invalid query parameter provided: \"{raw}\""),
        json!({"helperMethod": "parseJsonQuery"}),
    )
}

/// Rocket.Chat's `error-invalid-fields`.
pub fn invalid_fields(raw: &str) -> ApiError {
    ApiError::coded_with(
        "error-invalid-fields",
        format!("Invalid fields parameter provided: \"{raw}\""),
        json!({"helperMethod": "parseJsonQuery"}),
    )
}

/// Rocket.Chat's `error-invalid-sort`.
pub fn invalid_sort(raw: &str) -> ApiError {
    ApiError::coded_with(
        "error-invalid-sort",
        format!("Invalid sort parameter provided: \"{raw}\""),
        json!({"helperMethod": "parseJsonQuery"}),
    )
}
