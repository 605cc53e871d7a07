//! The `fields` and `sort` parameters. Both name fields; a field the caller may not read is
//! silently dropped (as Rocket.Chat does), so neither reveals nor orders by hidden data.

use serde_json::Value;

use super::fields::{Access, Column, Kind};
use super::sql::{Bind, SqlBuilder};
use crate::view::user::UserField;

/// Most keys in a `fields` or `sort` object.
pub const MAX_KEYS: usize = 64;
pub const MAX_SORT_KEYS: usize = 8;

/// `fields` is not a JSON object of `0`/`1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidFields;

/// `sort` is not a JSON object of `1`/`-1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidSort;

/// A parsed `fields` object, reduced to what the caller may read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    /// User fields asked for with `1`.
    pub include: Vec<UserField>,
    /// User fields removed with `0`.
    pub exclude: Vec<UserField>,
    /// `customFields.<key>: 1` for readable declared keys.
    pub include_custom: Vec<String>,
    /// `customFields.<key>: 0`.
    pub exclude_custom: Vec<String>,
    /// Legacy `userRooms: 1` (users.info rooms).
    pub user_rooms: bool,
}

impl Fields {
    /// Parse the raw parameter; `""` means no projection given.
    pub fn parse(raw: &str, access: &Access) -> Result<Fields, InvalidFields> {
        let mut out = Fields::default();
        if raw.is_empty() {
            return Ok(out);
        }
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(raw) else {
            return Err(InvalidFields);
        };
        if obj.len() > MAX_KEYS {
            return Err(InvalidFields);
        }
        for (key, v) in &obj {
            let include = match v.as_f64() {
                Some(1.0) => true,
                Some(0.0) => false,
                _ => return Err(InvalidFields),
            };
            if key == "userRooms" {
                out.user_rooms = include;
            } else if let Some(cf) = key.strip_prefix("customFields.") {
                if access.can_read_custom(cf) {
                    if include {
                        out.include_custom.push(cf.to_owned());
                    } else {
                        out.exclude_custom.push(cf.to_owned());
                    }
                }
            } else if let Some(f) = UserField::from_name(key).filter(|f| access.can_read(*f)) {
                if include {
                    out.include.push(f);
                } else {
                    out.exclude.push(f);
                }
            }
            // Unknown or hidden fields: ignored.
        }
        Ok(out)
    }

    /// `base` with the included fields added and the excluded ones removed (Rocket.Chat merges
    /// `fields` over its default projection and keeps the `1`s). `_id` always stays.
    pub fn apply(&self, base: &[UserField]) -> Vec<UserField> {
        let mut out: Vec<UserField> = base.to_vec();
        for f in &self.include {
            if !out.contains(f) {
                out.push(*f);
            }
        }
        if !self.include_custom.is_empty() && !out.contains(&UserField::CustomFields) {
            out.push(UserField::CustomFields);
        }
        out.retain(|f| *f == UserField::Id || !self.exclude.contains(f));
        out
    }

    /// Restrict a rendered `customFields` to the asked keys, when only keys were asked for.
    pub fn custom_keys_filter(&self) -> Option<&[String]> {
        (!self.include.contains(&UserField::CustomFields) && !self.include_custom.is_empty())
            .then_some(self.include_custom.as_slice())
    }
}

/// One sort key.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    pub column: Column,
    pub descending: bool,
}

/// Parse `sort`; `Ok(vec![])` when absent or when only unreadable fields were named.
pub fn parse_sort(raw: Option<&str>, access: &Access) -> Result<Vec<SortKey>, InvalidSort> {
    let Some(raw) = raw else { return Ok(vec![]) };
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(raw) else {
        return Err(InvalidSort);
    };
    if obj.len() > MAX_KEYS {
        return Err(InvalidSort);
    }
    let mut keys = Vec::new();
    for (name, v) in &obj {
        let descending = match v.as_f64() {
            Some(1.0) => false,
            Some(-1.0) => true,
            _ => return Err(InvalidSort),
        };
        // Rocket.Chat sorts names case-insensitively (through nameInsensitive).
        let column = match name.as_str() {
            "name" | "nameInsensitive" if access.can_read(UserField::Name) => Column::Plain {
                sql: "u.name_insensitive",
                kind: Kind::Text,
            },
            other => match access.column(other) {
                Some(c) => c,
                None => continue,
            },
        };
        if matches!(
            column,
            Column::Plain {
                kind: Kind::TextArray,
                ..
            }
        ) || keys.iter().any(|k: &SortKey| k.column == column)
        {
            continue;
        }
        keys.push(SortKey { column, descending });
    }
    keys.truncate(MAX_SORT_KEYS);
    Ok(keys)
}

/// `ORDER BY` text for `keys` (binary string order, Mongo's null placement), ending with the
/// id so pages are stable. An empty list sorts by username.
pub fn order_by(keys: &[SortKey], b: &mut SqlBuilder) -> String {
    let default = [SortKey {
        column: Column::Plain {
            sql: "u.username",
            kind: Kind::Text,
        },
        descending: false,
    }];
    let keys = if keys.is_empty() { &default[..] } else { keys };
    let mut parts: Vec<String> = keys
        .iter()
        .map(|k| {
            let expr = match &k.column {
                Column::Plain {
                    sql,
                    kind: Kind::Text,
                } => format!("{sql} COLLATE \"C\""),
                Column::Plain { sql, .. } => (*sql).to_owned(),
                Column::Custom(key) => format!(
                    "(u.custom_fields -> {}::text)",
                    b.bind(Bind::Text(key.clone()))
                ),
            };
            // Mongo: missing values first ascending, last descending.
            if k.descending {
                format!("{expr} DESC NULLS LAST")
            } else {
                format!("{expr} ASC NULLS FIRST")
            }
        })
        .collect();
    parts.push("u.id COLLATE \"C\"".into());
    parts.join(", ")
}

/// Is this the default order (served by the list indexes)?
pub fn is_default_order(keys: &[SortKey]) -> bool {
    match keys {
        [] => true,
        [k] => {
            !k.descending
                && k.column
                    == Column::Plain {
                        sql: "u.username",
                        kind: Kind::Text,
                    }
        }
        _ => false,
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
                CustomFieldAccess::Only(vec!["pub".into()])
            },
            declared: vec!["pub".into(), "priv".into()],
        }
    }

    #[test]
    fn fields_drop_hidden_and_reject_bad_values() {
        let f = Fields::parse(
            r#"{"customFields":1,"emails":1,"services":1,"inviteToken":1,"customFields.priv":1,"name":0}"#,
            &access(false),
        )
        .unwrap();
        assert_eq!(f.include, vec![UserField::CustomFields]);
        assert_eq!(f.exclude, vec![UserField::Name]);
        assert!(f.include_custom.is_empty());
        let f = Fields::parse(r#"{"services":1,"emails":1}"#, &access(true)).unwrap();
        assert_eq!(f.include, vec![UserField::Emails]);
        for raw in [
            "{",
            "[]",
            r#"{"a":2}"#,
            r#"{"a":true}"#,
            r#"{"a":"1"}"#,
            "1",
        ] {
            assert_eq!(
                Fields::parse(raw, &access(true)),
                Err(InvalidFields),
                "{raw}"
            );
        }
        assert!(
            Fields::parse(r#"{"userRooms":1}"#, &access(false))
                .unwrap()
                .user_rooms
        );
    }

    #[test]
    fn sort_ignores_hidden_and_rejects_bad_values() {
        let keys = parse_sort(
            Some(r#"{"emails.address":1,"inviteToken":-1,"status":-1}"#),
            &access(false),
        )
        .unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys[0].descending);
        for raw in ["name", r#"{"name":2}"#, r#"{"name":"1"}"#, "[1]", "{"] {
            assert_eq!(
                parse_sort(Some(raw), &access(true)),
                Err(InvalidSort),
                "{raw}"
            );
        }
        let mut b = SqlBuilder::new();
        assert_eq!(
            order_by(&[], &mut b),
            "u.username COLLATE \"C\" ASC NULLS FIRST, u.id COLLATE \"C\""
        );
    }
}
