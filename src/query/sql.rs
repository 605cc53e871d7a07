//! A small SQL builder: fragments are built from constant SQL text, and every value that came
//! from a request becomes a numbered `$n` bind. Nothing a caller sends is ever spliced in.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use sqlx::Postgres;

/// One bound value.
#[derive(Clone, Debug, PartialEq)]
pub enum Bind {
    Text(String),
    Bool(bool),
    Float(f64),
    Int(i64),
    OptInt(Option<i64>),
    Time(DateTime<Utc>),
    Json(Value),
    TextArray(Vec<String>),
    BoolArray(Vec<bool>),
    FloatArray(Vec<f64>),
    TimeArray(Vec<DateTime<Utc>>),
}

/// Collects binds and hands out their placeholders.
#[derive(Clone, Debug, Default)]
pub struct SqlBuilder {
    binds: Vec<Bind>,
}

impl SqlBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Register a value; returns its placeholder (`$1`, `$2`, …).
    pub fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    pub fn binds(&self) -> &[Bind] {
        &self.binds
    }

    /// Attach every bind, in order, to a prepared query.
    pub fn apply<'q, O>(
        &self,
        mut q: QueryAs<'q, Postgres, O, PgArguments>,
    ) -> QueryAs<'q, Postgres, O, PgArguments> {
        for b in &self.binds {
            q = match b.clone() {
                Bind::Text(v) => q.bind(v),
                Bind::Bool(v) => q.bind(v),
                Bind::Float(v) => q.bind(v),
                Bind::Int(v) => q.bind(v),
                Bind::OptInt(v) => q.bind(v),
                Bind::Time(v) => q.bind(v),
                Bind::Json(v) => q.bind(sqlx::types::Json(v)),
                Bind::TextArray(v) => q.bind(v),
                Bind::BoolArray(v) => q.bind(v),
                Bind::FloatArray(v) => q.bind(v),
                Bind::TimeArray(v) => q.bind(v),
            };
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut b = SqlBuilder::new();
        assert_eq!(b.bind(Bind::Text("x'; DROP TABLE users; --".into())), "$1");
        assert_eq!(b.bind(Bind::Bool(true)), "$2");
        assert_eq!(b.binds().len(), 2);
    }
}
