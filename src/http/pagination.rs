//! `count` / `offset` as Rocket.Chat reads them (users-core §1.8): defaults and caps from the
//! `API_Default_Count`, `API_Upper_Count_Limit` and `API_Allow_Infinite_Count` settings.

use serde_json::Value;

use super::extract::RcQuery;
use crate::error::ApiError;
use crate::settings::{keys, Settings};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: i64,
    /// `None` = no limit (`count=0` with `API_Allow_Infinite_Count`).
    pub count: Option<i64>,
}

impl Page {
    /// Read `count` and `offset` from the query string.
    pub fn from_query(query: &RcQuery, settings: &Settings) -> Result<Page, ApiError> {
        let number = |key: &str| -> Result<Option<i64>, ApiError> {
            match query.0.get(key) {
                None => Ok(None),
                Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Value::String(s)) => s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| Some(f as i64))
                    .ok_or_else(|| ApiError::invalid_params("must be number")),
                Some(_) => Err(ApiError::invalid_params("must be number")),
            }
        };
        let offset = number("offset")?.unwrap_or(0);
        let count = number("count")?;
        if offset < 0 || count.is_some_and(|c| c < 0) {
            return Err(ApiError::invalid_params("must be >= 0"));
        }
        let mut default = settings.get(&keys::API_DEFAULT_COUNT);
        if default <= 0 {
            default = 50;
        }
        let mut upper = settings.get(&keys::API_UPPER_COUNT_LIMIT);
        if upper <= 0 {
            upper = 100;
        }
        let count = match count {
            Some(0) if settings.get(&keys::API_ALLOW_INFINITE_COUNT) => None,
            Some(0) | None => Some(default.min(upper)),
            Some(c) => Some(c.min(upper)),
        };
        Ok(Page { offset, count })
    }

    /// The SQL `LIMIT` value (`NULL` = all rows).
    pub fn limit(&self) -> Option<i64> {
        self.count
    }
}
