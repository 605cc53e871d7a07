//! The `Accounts_CustomFields` setting: a JSON object of custom-field definitions
//! (users-core §5.6). Parsed here once; validation, projection and `query` use it.

use serde_json::{Map, Value};

use super::{keys, Settings};

/// One declared custom field.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomFieldDef {
    pub name: String,
    /// `text` or `select`.
    pub kind: String,
    pub required: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// Allowed values of a `select` field.
    pub options: Vec<String>,
    pub default_value: Option<Value>,
    /// Visible to every caller in users.info / users.list.
    pub public: bool,
    /// Also copy the value into another user field (`{field, array}`).
    pub modify_record_field: Option<ModifyRecordField>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ModifyRecordField {
    pub field: String,
    pub array: bool,
}

/// The setting holds something that is not a JSON object.
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidCustomFieldsJson;

/// Parse the setting's text. Empty (or blank) means no custom fields.
pub fn parse(raw: &str) -> Result<Vec<CustomFieldDef>, InvalidCustomFieldsJson> {
    if raw.trim().is_empty() {
        return Ok(vec![]);
    }
    let Ok(Value::Object(defs)) = serde_json::from_str::<Value>(raw) else {
        return Err(InvalidCustomFieldsJson);
    };
    Ok(defs
        .into_iter()
        .map(|(name, d)| definition(name, &d))
        .collect())
}

fn definition(name: String, d: &Value) -> CustomFieldDef {
    let empty = Map::new();
    let d = d.as_object().unwrap_or(&empty);
    let len = |k: &str| {
        d.get(k)
            .and_then(Value::as_f64)
            .filter(|n| *n >= 0.0)
            .map(|n| n as usize)
    };
    CustomFieldDef {
        name,
        kind: d
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("text")
            .to_owned(),
        required: d.get("required").and_then(Value::as_bool).unwrap_or(false),
        min_length: len("minLength"),
        max_length: len("maxLength"),
        options: d
            .get("options")
            .and_then(Value::as_array)
            .map(|o| {
                o.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        default_value: d.get("defaultValue").cloned(),
        public: d.get("public").and_then(Value::as_bool).unwrap_or(false),
        modify_record_field: d
            .get("modifyRecordField")
            .and_then(Value::as_object)
            .and_then(|m| {
                Some(ModifyRecordField {
                    field: m.get("field")?.as_str()?.to_owned(),
                    array: m.get("array").and_then(Value::as_bool).unwrap_or(false),
                })
            }),
    }
}

impl Settings {
    /// The declared custom fields (none when the setting is empty or invalid JSON).
    pub fn custom_fields(&self) -> Vec<CustomFieldDef> {
        parse(&self.get(&keys::ACCOUNTS_CUSTOM_FIELDS)).unwrap_or_default()
    }

    /// The declared custom fields, or the setting's invalid-JSON error.
    pub fn custom_fields_checked(&self) -> Result<Vec<CustomFieldDef>, InvalidCustomFieldsJson> {
        parse(&self.get(&keys::ACCOUNTS_CUSTOM_FIELDS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_definitions() {
        let defs = parse(
            r#"{"department":{"type":"select","options":["Sales","IT"],"required":true,"public":true},
                "twitter":{"type":"text","minLength":2,"maxLength":20},
                "team":{"type":"text","modifyRecordField":{"field":"roles","array":true}}}"#,
        )
        .unwrap();
        assert_eq!(defs.len(), 3);
        assert_eq!(defs[0].name, "department");
        assert!(defs[0].public && defs[0].required);
        assert_eq!(defs[0].options, vec!["Sales", "IT"]);
        assert_eq!(defs[1].min_length, Some(2));
        assert_eq!(
            defs[2].modify_record_field,
            Some(ModifyRecordField {
                field: "roles".into(),
                array: true
            })
        );
        assert_eq!(parse(""), Ok(vec![]));
        assert_eq!(parse("[1]"), Err(InvalidCustomFieldsJson));
        assert_eq!(parse("{oops"), Err(InvalidCustomFieldsJson));
    }
}
