//! The `query` parameter: a Mongo-style filter parsed into a typed AST over the caller's
//! readable fields, then compiled to a parameterised SQL condition.
//!
//! Accepted: implicit equality, `$eq`, `$ne`, `$in`, `$nin`, `$exists`, `$gt`/`$gte`/`$lt`/
//! `$lte` (numbers and dates), `$regex` with `$options` `""`/`"i"`, and `$and`/`$or`/`$nor`.
//! Anything else — unknown or unreadable fields, other operators, wrong value types, too deep,
//! too large — is rejected with one and the same error, so a filter is never an oracle.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde_json::{Map, Value};

use super::fields::{Access, Column, Kind};
use super::regex;
use super::sql::{Bind, SqlBuilder};

/// Longest `query` accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// Deepest nesting of objects/arrays.
pub const MAX_DEPTH: usize = 8;
/// Most conditions (leaves) in one filter.
pub const MAX_CONDITIONS: usize = 64;
/// Most values in one `$in` / `$nin`.
pub const MAX_IN: usize = 100;

/// The filter could not be accepted (the reason is deliberately not told).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidQuery;

type R<T> = Result<T, InvalidQuery>;

#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Nor(Vec<Filter>),
    Cond(Column, Op),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Eq(Scalar),
    Ne(Scalar),
    In(Vec<Scalar>),
    Nin(Vec<Scalar>),
    Exists(bool),
    Cmp(Cmp, Scalar),
    Regex { pattern: String, ci: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Cmp {
    fn sql(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Gte => ">=",
            Cmp::Lt => "<",
            Cmp::Lte => "<=",
        }
    }
}

/// A typed value, already checked against the field's kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Text(String),
    Bool(bool),
    Num(f64),
    Date(DateTime<Utc>),
    /// A custom-field value (string, number or boolean), compared as JSON.
    Json(Value),
}

/// Parse the raw `query` text (EJSON `{"$date": …}` allowed for dates).
pub fn parse(raw: &str, access: &Access) -> R<Filter> {
    if raw.len() > MAX_QUERY_BYTES {
        return Err(InvalidQuery);
    }
    let value: Value = serde_json::from_str(raw).map_err(|_| InvalidQuery)?;
    if depth(&value) > MAX_DEPTH {
        return Err(InvalidQuery);
    }
    let Value::Object(obj) = value else {
        return Err(InvalidQuery);
    };
    let mut p = Parser {
        access,
        conditions: 0,
    };
    p.document(&obj)
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

struct Parser<'a> {
    access: &'a Access,
    conditions: usize,
}

impl Parser<'_> {
    /// A filter document: every key AND-ed.
    fn document(&mut self, obj: &Map<String, Value>) -> R<Filter> {
        let mut parts = Vec::with_capacity(obj.len());
        for (key, value) in obj {
            parts.push(match key.as_str() {
                "$and" => Filter::And(self.list(value)?),
                "$or" => Filter::Or(self.list(value)?),
                "$nor" => Filter::Nor(self.list(value)?),
                k if k.starts_with('$') => return Err(InvalidQuery),
                field => self.field(field, value)?,
            });
        }
        Ok(match parts.len() {
            1 => parts.pop().expect("one part"),
            _ => Filter::And(parts),
        })
    }

    fn list(&mut self, value: &Value) -> R<Vec<Filter>> {
        let Value::Array(items) = value else {
            return Err(InvalidQuery);
        };
        if items.is_empty() {
            return Err(InvalidQuery);
        }
        items
            .iter()
            .map(|it| match it {
                Value::Object(o) => self.document(o),
                _ => Err(InvalidQuery),
            })
            .collect()
    }

    fn field(&mut self, name: &str, value: &Value) -> R<Filter> {
        let column = self.access.column(name).ok_or(InvalidQuery)?;
        let ops = match value {
            Value::Object(o) if o.keys().any(|k| k.starts_with('$')) && !is_ejson_date(o) => {
                self.operators(&column, o)?
            }
            // An object without operators would be Mongo's whole-document equality: refused.
            Value::Object(o) if !is_ejson_date(o) => return Err(InvalidQuery),
            v => vec![Op::Eq(scalar(&column, v)?)],
        };
        self.conditions += ops.len();
        if self.conditions > MAX_CONDITIONS {
            return Err(InvalidQuery);
        }
        let mut conds: Vec<Filter> = ops
            .into_iter()
            .map(|op| Filter::Cond(column.clone(), op))
            .collect();
        Ok(match conds.len() {
            1 => conds.pop().expect("one condition"),
            _ => Filter::And(conds),
        })
    }

    fn operators(&self, column: &Column, o: &Map<String, Value>) -> R<Vec<Op>> {
        let mut ops = Vec::new();
        let options = match o.get("$options") {
            None => None,
            Some(Value::String(s)) if s.is_empty() || s == "i" => Some(s.as_str()),
            Some(_) => return Err(InvalidQuery),
        };
        if options.is_some() && !o.contains_key("$regex") {
            return Err(InvalidQuery);
        }
        for (op, v) in o {
            ops.push(match op.as_str() {
                "$eq" => Op::Eq(scalar(column, v)?),
                "$ne" => Op::Ne(scalar(column, v)?),
                "$in" => Op::In(scalars(column, v)?),
                "$nin" => Op::Nin(scalars(column, v)?),
                "$exists" => match v {
                    Value::Bool(b) => Op::Exists(*b),
                    _ => return Err(InvalidQuery),
                },
                "$gt" | "$gte" | "$lt" | "$lte" => {
                    let cmp = match op.as_str() {
                        "$gt" => Cmp::Gt,
                        "$gte" => Cmp::Gte,
                        "$lt" => Cmp::Lt,
                        _ => Cmp::Lte,
                    };
                    let s = ordered(column, v)?;
                    Op::Cmp(cmp, s)
                }
                "$regex" => {
                    let Value::String(pattern) = v else {
                        return Err(InvalidQuery);
                    };
                    if !regexable(column) {
                        return Err(InvalidQuery);
                    }
                    let ci = options == Some("i");
                    if !regex::is_safe(pattern, ci) {
                        return Err(InvalidQuery);
                    }
                    Op::Regex {
                        pattern: pattern.clone(),
                        ci,
                    }
                }
                "$options" => continue,
                _ => return Err(InvalidQuery),
            });
        }
        Ok(ops)
    }
}

fn is_ejson_date(o: &Map<String, Value>) -> bool {
    o.len() == 1 && o.contains_key("$date")
}

fn regexable(column: &Column) -> bool {
    matches!(
        column,
        Column::Custom(_)
            | Column::Plain {
                kind: Kind::Text | Kind::TextArray,
                ..
            }
    )
}

/// A value compared for (in)equality with `column`.
fn scalar(column: &Column, v: &Value) -> R<Scalar> {
    if v.is_null() {
        return Ok(Scalar::Null);
    }
    match column {
        Column::Custom(_) => match v {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(Scalar::Json(v.clone())),
            _ => Err(InvalidQuery),
        },
        Column::Plain { kind, .. } => match (kind, v) {
            (Kind::Text | Kind::TextArray, Value::String(s)) => Ok(Scalar::Text(s.clone())),
            (Kind::Bool, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
            (Kind::Num, Value::Number(n)) => n.as_f64().map(Scalar::Num).ok_or(InvalidQuery),
            (Kind::Date, v) => date(v).map(Scalar::Date),
            _ => Err(InvalidQuery),
        },
    }
}

fn scalars(column: &Column, v: &Value) -> R<Vec<Scalar>> {
    let Value::Array(items) = v else {
        return Err(InvalidQuery);
    };
    if items.len() > MAX_IN {
        return Err(InvalidQuery);
    }
    items.iter().map(|it| scalar(column, it)).collect()
}

/// A value for `$gt`/`$gte`/`$lt`/`$lte`: numbers and dates only.
fn ordered(column: &Column, v: &Value) -> R<Scalar> {
    match column {
        Column::Custom(_) => v.as_f64().map(Scalar::Num).ok_or(InvalidQuery),
        Column::Plain {
            kind: Kind::Num, ..
        } => v.as_f64().map(Scalar::Num).ok_or(InvalidQuery),
        Column::Plain {
            kind: Kind::Date, ..
        } => date(v).map(Scalar::Date),
        _ => Err(InvalidQuery),
    }
}

/// `{"$date": "<ISO-8601>"}`, `{"$date": <epoch ms>}` or a plain ISO-8601 string.
fn date(v: &Value) -> R<DateTime<Utc>> {
    let inner = match v {
        Value::Object(o) if is_ejson_date(o) => &o["$date"],
        other => other,
    };
    let d = match inner {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| InvalidQuery)?,
        Value::Number(n) => n
            .as_i64()
            .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
            .ok_or(InvalidQuery)?,
        _ => return Err(InvalidQuery),
    };
    // PostgreSQL's timestamptz starts in 4713 BC (chrono's range reaches further back, and
    // a bind outside the column's range fails in the database): refuse, never a 500.
    if d.year() < MIN_YEAR {
        return Err(InvalidQuery);
    }
    Ok(d)
}

/// Earliest year a date in a filter may have (astronomical numbering; PostgreSQL's
/// timestamptz range begins in late 4713 BC = year -4712).
const MIN_YEAR: i32 = -4711;

/// Compile a filter to a SQL condition over `users u`; values go to `b` as binds.
pub fn to_sql(f: &Filter, b: &mut SqlBuilder) -> String {
    compile(f, b, false)
}

/// Under `$nor` every leaf is made two-valued (`coalesce(…, false)`), so a missing field
/// keeps Mongo's meaning once negated. Elsewhere a NULL leaf already acts as false, and the
/// bare condition keeps the indexes (trigram, e-mail…) usable.
fn compile(f: &Filter, b: &mut SqlBuilder, negated: bool) -> String {
    match f {
        Filter::And(parts) => join(parts, " AND ", b, negated),
        Filter::Or(parts) => join(parts, " OR ", b, negated),
        Filter::Nor(parts) => format!("NOT {}", join(parts, " OR ", b, true)),
        Filter::Cond(col, op) if negated => format!("coalesce({}, false)", leaf(col, op, b)),
        Filter::Cond(col, op) => leaf(col, op, b),
    }
}

fn join(parts: &[Filter], sep: &str, b: &mut SqlBuilder, negated: bool) -> String {
    let sql: Vec<String> = parts.iter().map(|p| compile(p, b, negated)).collect();
    format!("({})", sql.join(sep))
}

fn bind_scalar(s: &Scalar, b: &mut SqlBuilder) -> String {
    match s {
        Scalar::Null => "NULL".into(),
        Scalar::Text(t) => b.bind(Bind::Text(t.clone())),
        Scalar::Bool(v) => b.bind(Bind::Bool(*v)),
        Scalar::Num(v) => b.bind(Bind::Float(*v)),
        Scalar::Date(v) => b.bind(Bind::Time(*v)),
        Scalar::Json(v) => format!("{}::jsonb", b.bind(Bind::Json(v.clone()))),
    }
}

/// The non-null values of a list as one array bind, and whether the list held `null`.
fn bind_list(kind: Kind, items: &[Scalar], b: &mut SqlBuilder) -> (String, bool) {
    let has_null = items.contains(&Scalar::Null);
    let vals = items.iter().filter(|s| **s != Scalar::Null);
    let bind = match kind {
        Kind::Text | Kind::TextArray => Bind::TextArray(
            vals.filter_map(|s| match s {
                Scalar::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        ),
        Kind::Bool => Bind::BoolArray(
            vals.filter_map(|s| match s {
                Scalar::Bool(v) => Some(*v),
                _ => None,
            })
            .collect(),
        ),
        Kind::Num => Bind::FloatArray(
            vals.filter_map(|s| match s {
                Scalar::Num(v) => Some(*v),
                _ => None,
            })
            .collect(),
        ),
        Kind::Date => Bind::TimeArray(
            vals.filter_map(|s| match s {
                Scalar::Date(v) => Some(*v),
                _ => None,
            })
            .collect(),
        ),
    };
    (b.bind(bind), has_null)
}

fn leaf(col: &Column, op: &Op, b: &mut SqlBuilder) -> String {
    match col {
        Column::Plain {
            sql,
            kind: Kind::TextArray,
        } => array_leaf(sql, op, b),
        Column::Plain { sql, kind } => scalar_leaf(sql, *kind, op, b),
        Column::Custom(key) => custom_leaf(key, op, b),
    }
}

fn scalar_leaf(c: &str, kind: Kind, op: &Op, b: &mut SqlBuilder) -> String {
    match op {
        Op::Eq(Scalar::Null) | Op::Exists(false) => format!("{c} IS NULL"),
        Op::Ne(Scalar::Null) | Op::Exists(true) => format!("{c} IS NOT NULL"),
        Op::Eq(v) => format!("{c} = {}", bind_scalar(v, b)),
        Op::Ne(v) => format!("{c} IS DISTINCT FROM {}", bind_scalar(v, b)),
        Op::In(items) => {
            let (arr, null) = bind_list(kind, items, b);
            let null = if null {
                format!(" OR {c} IS NULL")
            } else {
                String::new()
            };
            format!("({c} = ANY({arr}){null})")
        }
        Op::Nin(items) => {
            let (arr, null) = bind_list(kind, items, b);
            if null {
                format!("({c} IS NOT NULL AND {c} <> ALL({arr}))")
            } else {
                format!("({c} IS NULL OR {c} <> ALL({arr}))")
            }
        }
        Op::Cmp(cmp, v) => format!("{c} {} {}", cmp.sql(), bind_scalar(v, b)),
        Op::Regex { pattern, ci } => {
            let re = b.bind(Bind::Text(pattern.clone()));
            format!("{c} {} {re}", if *ci { "~*" } else { "~" })
        }
    }
}

/// `text[]` columns: equality means "contains", `$in` means "overlaps".
fn array_leaf(c: &str, op: &Op, b: &mut SqlBuilder) -> String {
    match op {
        // The arrays always exist (possibly empty), as Rocket.Chat's `roles` do.
        Op::Eq(Scalar::Null) | Op::Exists(false) => "false".into(),
        Op::Ne(Scalar::Null) | Op::Exists(true) => "true".into(),
        // Containment (`@>`), not `= ANY(…)`: the GIN index (users_roles_idx) serves it.
        Op::Eq(v) => format!("{c} @> ARRAY[{}::text]", bind_scalar(v, b)),
        Op::Ne(v) => format!("NOT ({c} @> ARRAY[{}::text])", bind_scalar(v, b)),
        Op::In(items) => format!("({c} && {})", bind_list(Kind::TextArray, items, b).0),
        Op::Nin(items) => format!("NOT ({c} && {})", bind_list(Kind::TextArray, items, b).0),
        Op::Cmp(..) => "false".into(),
        Op::Regex { pattern, ci } => {
            let re = b.bind(Bind::Text(pattern.clone()));
            let op = if *ci { "~*" } else { "~" };
            format!("EXISTS (SELECT 1 FROM unnest({c}) AS e(v) WHERE e.v {op} {re})")
        }
    }
}

/// `customFields.<key>`: the key is a bind, values are compared as JSON.
fn custom_leaf(key: &str, op: &Op, b: &mut SqlBuilder) -> String {
    let field = |b: &mut SqlBuilder| {
        format!(
            "(u.custom_fields -> {}::text)",
            b.bind(Bind::Text(key.to_owned()))
        )
    };
    match op {
        Op::Eq(Scalar::Null) => format!("coalesce({}, 'null'::jsonb) = 'null'::jsonb", field(b)),
        Op::Ne(Scalar::Null) => format!("coalesce({}, 'null'::jsonb) <> 'null'::jsonb", field(b)),
        Op::Exists(true) => format!("{} IS NOT NULL", field(b)),
        Op::Exists(false) => format!("{} IS NULL", field(b)),
        Op::Eq(v) => format!("{} = {}", field(b), bind_scalar(v, b)),
        Op::Ne(v) => format!("{} IS DISTINCT FROM {}", field(b), bind_scalar(v, b)),
        Op::In(items) | Op::Nin(items) => {
            // A missing field reads as JSON null, which `$in: [null]` matches (as in Mongo).
            let list = Value::Array(
                items
                    .iter()
                    .map(|s| match s {
                        Scalar::Json(v) => v.clone(),
                        _ => Value::Null,
                    })
                    .collect(),
            );
            let arr = b.bind(Bind::Json(list));
            let f = field(b);
            let test = format!("{arr}::jsonb @> jsonb_build_array(coalesce({f}, 'null'::jsonb))");
            if matches!(op, Op::In(_)) {
                test
            } else {
                format!("NOT ({test})")
            }
        }
        Op::Cmp(cmp, v) => {
            let f1 = field(b);
            let f2 = field(b);
            format!(
                "CASE WHEN jsonb_typeof({f1}) = 'number' THEN ({f2} #>> '{{}}')::float8 END {} {}",
                cmp.sql(),
                bind_scalar(v, b)
            )
        }
        Op::Regex { pattern, ci } => {
            let f1 = field(b);
            let f2 = field(b);
            let re = b.bind(Bind::Text(pattern.clone()));
            let op = if *ci { "~*" } else { "~" };
            format!("(jsonb_typeof({f1}) = 'string' AND ({f2} #>> '{{}}') {op} {re})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::user::{CustomFieldAccess, Viewer};

    fn access(full: bool) -> Access {
        Access {
            viewer: Viewer {
                is_self: false,
                full,
            },
            custom: if full {
                CustomFieldAccess::All
            } else {
                CustomFieldAccess::Only(vec!["clearance".into()])
            },
            declared: vec!["clearance".into(), "secret".into()],
        }
    }

    fn sql(raw: &str, full: bool) -> R<(String, Vec<Bind>)> {
        let f = parse(raw, &access(full))?;
        let mut b = SqlBuilder::new();
        let s = to_sql(&f, &mut b);
        Ok((s, b.binds().to_vec()))
    }

    #[test]
    fn compiles_to_binds_only() {
        let (s, binds) = sql(r#"{"username":{"$in":["a","b'; --"]}}"#, false).unwrap();
        assert_eq!(s, "(u.username = ANY($1))");
        assert_eq!(
            binds,
            vec![Bind::TextArray(vec!["a".into(), "b'; --".into()])]
        );
        let (s, _) = sql(r#"{"active":false}"#, false).unwrap();
        assert_eq!(s, "u.active = $1");
        let (s, binds) = sql(r#"{"customFields.clearance":"High"}"#, false).unwrap();
        assert_eq!(s, "(u.custom_fields -> $1::text) = $2::jsonb");
        assert_eq!(
            binds,
            vec![Bind::Text("clearance".into()), Bind::Json("High".into())]
        );
        let (s, _) = sql(
            r#"{"$or":[{"name":{"$regex":"^a","$options":"i"}},{"roles":"admin"}]}"#,
            true,
        )
        .unwrap();
        assert_eq!(s, "(u.name ~* $1 OR u.roles @> ARRAY[$2::text])");
        let (s, _) = sql(
            r#"{"createdAt":{"$gte":{"$date":"2023-01-01T00:00:00Z"}}}"#,
            true,
        )
        .unwrap();
        assert_eq!(s, "u.created_at >= $1");
        let (s, _) = sql(r#"{"$nor":[{"username":"a"}]}"#, true).unwrap();
        assert_eq!(s, "NOT (coalesce(u.username = $1, false))");
    }

    #[test]
    fn rejects_hidden_unknown_and_malformed() {
        for (raw, full) in [
            (r#"{"emails.address":"a@b.c"}"#, false),
            (r#"{"services.password.bcrypt":{"$exists":true}}"#, true),
            (r#"{"services":{"$exists":true}}"#, true),
            (r#"{"importIds":"x"}"#, true),
            (r#"{"customFields.secret":"x"}"#, false),
            (r#"{"customFields.undeclared":"x"}"#, true),
            (r#"{"customFields":{"$exists":true}}"#, true),
            (r#"{"roles":"admin"}"#, false),
            (r#"{"$where":"1"}"#, true),
            (r#"{"$expr":{"$eq":[1,1]}}"#, true),
            (r#"{"username":{"$function":{}}}"#, true),
            (r#"{"username":{"$not":{"$eq":"a"}}}"#, true),
            (r#"{"username":{"$regex":"(a)\\1"}}"#, true),
            (r#"{"username":{"$regex":"a","$options":"s"}}"#, true),
            (r#"{"username":{"$options":"i"}}"#, true),
            (r#"{"username":{"a":1}}"#, true),
            (r#"{"username":1}"#, true),
            (r#"{"active":"true"}"#, true),
            (r#"{"username":{"$gt":"a"}}"#, true),
            (r#"{"utcOffset":{"$gt":"1"}}"#, true),
            (r#"{"$or":[]}"#, true),
            (r#"{"$or":{}}"#, true),
            (r#"{"$and":[1]}"#, true),
            (r#"[]"#, true),
            (r#"{"username":"a""#, true),
            (r#"{"username":{"$exists":1}}"#, true),
        ] {
            assert_eq!(sql(raw, full).map(|_| ()), Err(InvalidQuery), "{raw}");
        }
        // Dates PostgreSQL cannot hold (chrono can): refused, not sent to the database.
        for raw in [
            r#"{"createdAt":{"$gt":{"$date":-8000000000000000}}}"#,
            r#"{"createdAt":{"$in":[{"$date":-220000000000000}]}}"#,
        ] {
            assert_eq!(sql(raw, true).map(|_| ()), Err(InvalidQuery), "{raw}");
        }
        assert!(sql(r#"{"createdAt":{"$gt":{"$date":-100000000000000}}}"#, true).is_ok());
        let deep = format!("{}{{}}{}", r#"{"$and":["#.repeat(9), "]}".repeat(9));
        assert_eq!(sql(&deep, true).map(|_| ()), Err(InvalidQuery));
        let many: Vec<String> = (0..101).map(|i| format!("\"u{i}\"")).collect();
        let raw = format!(r#"{{"username":{{"$in":[{}]}}}}"#, many.join(","));
        assert_eq!(sql(&raw, true).map(|_| ()), Err(InvalidQuery));
    }
}
