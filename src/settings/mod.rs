//! Settings: typed accessors over an in-memory copy that follows the database
//! (reloaded after local writes and on `NOTIFY rc_users_cache`).

pub mod custom_fields;
pub mod defaults;
pub mod keys;

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use serde_json::Value;
use sqlx::PgPool;

use crate::cache::Versioned;

pub use defaults::{Kind, SettingDef, SETTINGS};

/// A setting id bound to the Rust type it is read as.
pub struct Key<T> {
    pub id: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Key<T> {
    pub const fn new(id: &'static str) -> Self {
        Key {
            id,
            _type: PhantomData,
        }
    }
}

/// How a stored JSON value reads as a Rust value (lenient, as Rocket.Chat's settings are).
pub trait FromSetting: Sized {
    fn from_setting(v: &Value) -> Option<Self>;
}
impl FromSetting for bool {
    fn from_setting(v: &Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}
impl FromSetting for i64 {
    fn from_setting(v: &Value) -> Option<Self> {
        match v {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}
impl FromSetting for f64 {
    fn from_setting(v: &Value) -> Option<Self> {
        match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}
impl FromSetting for String {
    fn from_setting(v: &Value) -> Option<Self> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}

/// One stored setting as the cache holds it.
#[derive(Clone, Debug)]
pub struct Stored {
    pub value: Value,
    pub kind: &'static str,
    pub public: bool,
    pub hidden: bool,
}

/// The live settings of this instance.
#[derive(Clone, Default)]
pub struct Settings {
    inner: Arc<Versioned<HashMap<String, Stored>>>,
}

impl Settings {
    fn snapshot(&self) -> Arc<HashMap<String, Stored>> {
        self.inner.get()
    }

    /// The current value of a setting; the registry default when unset or unreadable.
    pub fn get<T: FromSetting>(&self, key: &Key<T>) -> T {
        let snap = self.snapshot();
        if let Some(v) = snap.get(key.id).and_then(|s| T::from_setting(&s.value)) {
            return v;
        }
        defaults::find(key.id)
            .and_then(|d| T::from_setting(&default_value(d, "")))
            .or_else(|| T::from_setting(&Value::Null))
            .unwrap_or_else(|| panic!("setting {} has no default of this type", key.id))
    }

    /// The raw stored record of a setting, when it exists.
    pub fn stored(&self, id: &str) -> Option<Stored> {
        self.snapshot().get(id).cloned()
    }

    /// All settings whose id starts with `prefix`, sorted by id.
    pub fn with_prefix(&self, prefix: &str) -> Vec<(String, Value)> {
        let snap = self.snapshot();
        let mut v: Vec<_> = snap
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, s)| (k.clone(), s.value.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// All public settings, sorted by id (for `settings.public`).
    pub fn public(&self) -> Vec<(String, Value)> {
        let snap = self.snapshot();
        let mut v: Vec<_> = snap
            .iter()
            .filter(|(_, s)| s.public && !s.hidden)
            .map(|(k, s)| (k.clone(), s.value.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Replace the in-memory values with `pairs` (unit tests of rules that read settings;
    /// everything not listed reads as its default).
    pub fn set_for_test(&self, pairs: &[(&str, Value)]) {
        let map = pairs
            .iter()
            .map(|(id, v)| {
                let stored = Stored {
                    value: v.clone(),
                    kind: defaults::find(id).map_or("string", |d| d.kind.type_name()),
                    public: false,
                    hidden: false,
                };
                ((*id).to_owned(), stored)
            })
            .collect();
        self.inner.force(map);
    }

    /// Re-read every setting from the database.
    pub async fn reload(&self, db: &PgPool) -> Result<(), sqlx::Error> {
        // The version comes from the same snapshot as the rows (one statement).
        type Row = (
            i64,
            Option<String>,
            Option<Value>,
            Option<String>,
            Option<bool>,
            Option<bool>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT v.version, s.id, s.value, s.type, s.public, s.hidden \
             FROM cache_versions v LEFT JOIN settings s ON true WHERE v.name = 'settings'",
        )
        .fetch_all(db)
        .await?;
        let version = rows.first().map(|r| r.0).unwrap_or(0);
        let map = rows
            .into_iter()
            .filter_map(|(_, id, value, kind, public, hidden)| {
                let id = id?;
                let kind = defaults::find(&id)
                    .map(|d| d.kind.type_name())
                    .unwrap_or(leak_kind(kind.as_deref().unwrap_or("string")));
                let stored = Stored {
                    value: value.unwrap_or(Value::Null),
                    kind,
                    public: public.unwrap_or(false),
                    hidden: hidden.unwrap_or(false),
                };
                Some((id, stored))
            })
            .collect();
        self.inner.install(version, map);
        Ok(())
    }
}

fn leak_kind(kind: &str) -> &'static str {
    match kind {
        "boolean" => "boolean",
        "int" => "int",
        "select" => "select",
        "code" => "code",
        "multiSelect" => "multiSelect",
        _ => "string",
    }
}

/// The default of a definition as JSON (`runtime` fills the values known only at start-up).
pub fn default_value(def: &SettingDef, runtime: &str) -> Value {
    match def.default {
        defaults::DefaultValue::Bool(b) => Value::Bool(b),
        defaults::DefaultValue::Int(i) => Value::from(i),
        defaults::DefaultValue::Str(s) => Value::String(s.into()),
        defaults::DefaultValue::List(l) => {
            Value::Array(l.iter().map(|s| Value::String((*s).into())).collect())
        }
        defaults::DefaultValue::Runtime => Value::String(runtime.into()),
    }
}

/// Turn an `OVERWRITE_SETTING_` string into the JSON value the setting's type holds.
pub fn parse_overwrite(kind: Option<Kind>, raw: &str) -> Value {
    match kind {
        Some(Kind::Boolean) => Value::Bool(raw.trim().eq_ignore_ascii_case("true")),
        Some(Kind::Integer { .. }) => raw
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(raw.into())),
        Some(Kind::Array) => serde_json::from_str(raw).unwrap_or_else(|_| {
            Value::Array(
                raw.split(',')
                    .map(|s| Value::String(s.trim().into()))
                    .collect(),
            )
        }),
        _ => Value::String(raw.into()),
    }
}
