//! Custom fields against the `Accounts_CustomFields` definitions (users-core §5.6).

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::settings::custom_fields::{CustomFieldDef, InvalidCustomFieldsJson};
use crate::validation::js_len;

/// A failed custom-field rule: its reason text (code `error-user-registration-custom-field`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomFieldError {
    pub reason: String,
}

pub const CODE: &str = "error-user-registration-custom-field";

impl CustomFieldError {
    /// The Meteor error most endpoints answer with.
    pub fn into_api(self) -> ApiError {
        ApiError::coded_with(CODE, self.reason, json!({"method": "registerUser"}))
    }

    /// users.register answers with the serialised error object itself (users-core §4.7.6).
    pub fn into_register_body(self) -> ApiError {
        ApiError::Raw(
            axum::http::StatusCode::BAD_REQUEST,
            json!({
                "isClientSafe": true,
                "error": CODE,
                "reason": self.reason,
                "details": {"method": "registerUser"},
                "message": format!("{} [{CODE}]", self.reason),
                "errorType": "Meteor.Error",
                "success": false,
            }),
        )
    }
}

/// The setting is not a JSON object.
pub fn invalid_json_error(_: InvalidCustomFieldsJson) -> ApiError {
    ApiError::coded(
        "error-invalid-customfield-json",
        "Invalid JSON for Custom Fields",
    )
}

/// The value as Rocket.Chat's `String(value).trim()` sees it (null/absent → empty).
fn text_of(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(other) => other.to_string().trim().to_owned(),
    }
}

/// Validate the submitted object against every defined field, in definition order: required,
/// select options, maximum then minimum length (UTF-16 units).
pub fn validate(
    defs: &[CustomFieldDef],
    submitted: &Map<String, Value>,
) -> Result<(), CustomFieldError> {
    for d in defs {
        let value = text_of(submitted.get(&d.name));
        let name = &d.name;
        let fail = |reason: String| Err(CustomFieldError { reason });
        if d.required && value.is_empty() {
            return fail(format!("Field {name} is required"));
        }
        if d.kind == "select" && !d.options.contains(&value) {
            return fail(format!("Value for field {name} is invalid"));
        }
        let len = js_len(&value);
        if let Some(max) = d.max_length.filter(|m| *m > 0) {
            if len > max {
                return fail(format!("Max length of field {name} {max}"));
            }
        }
        if let Some(min) = d.min_length.filter(|m| *m > 0) {
            if len < min {
                return fail(format!("Min length of field {name} {min}"));
            }
        }
    }
    Ok(())
}

/// What saving the submitted custom fields writes: the defined keys only (undefined ones
/// are dropped), plus the `modifyRecordField` copies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomFieldWrite {
    /// Merged key by key into the stored object; values kept as given (`""`, `null` too).
    pub patch: Map<String, Value>,
    /// Values copied to another user field.
    pub record_fields: Vec<RecordFieldWrite>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RecordFieldWrite {
    /// `{field: "roles", array: true}`: add the value to the user's roles.
    AddRole(String),
    /// `{field: <name|nickname|bio|statusText>, array: false}`: set that field.
    Set(RecordField, String),
}

/// The user fields a `modifyRecordField` may target. Anything else is ignored: a custom
/// field must not reach credentials, tokens or other internal columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordField {
    Name,
    Nickname,
    Bio,
    StatusText,
}

pub fn plan_write(defs: &[CustomFieldDef], submitted: &Map<String, Value>) -> CustomFieldWrite {
    let mut w = CustomFieldWrite::default();
    for d in defs {
        let Some(v) = submitted.get(&d.name) else {
            continue;
        };
        w.patch.insert(d.name.clone(), v.clone());
        let Some(m) = &d.modify_record_field else {
            continue;
        };
        let text = text_of(Some(v));
        if text.is_empty() {
            continue;
        }
        match (m.field.as_str(), m.array) {
            ("roles", true) => w.record_fields.push(RecordFieldWrite::AddRole(text)),
            ("name", false) => w
                .record_fields
                .push(RecordFieldWrite::Set(RecordField::Name, text)),
            ("nickname", false) => w
                .record_fields
                .push(RecordFieldWrite::Set(RecordField::Nickname, text)),
            ("bio", false) => w
                .record_fields
                .push(RecordFieldWrite::Set(RecordField::Bio, text)),
            ("statusText", false) => w
                .record_fields
                .push(RecordFieldWrite::Set(RecordField::StatusText, text)),
            _ => {
                tracing::warn!(field = %m.field, "modifyRecordField target not supported; ignored")
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::custom_fields::parse;

    fn defs() -> Vec<CustomFieldDef> {
        parse(
            r#"{"department":{"type":"select","options":["Sales","IT"],"required":true,"public":true},
                "twitter":{"type":"text","minLength":2,"maxLength":5},
                "team":{"type":"text","modifyRecordField":{"field":"roles","array":true}},
                "title":{"type":"text","modifyRecordField":{"field":"nickname","array":false}},
                "bad":{"type":"text","modifyRecordField":{"field":"services","array":false}}}"#,
        )
        .unwrap()
    }

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn rules_in_order() {
        let d = defs();
        let err = |v: Value| validate(&d, &obj(v)).unwrap_err().reason;
        assert_eq!(err(json!({})), "Field department is required");
        assert_eq!(
            err(json!({"department": "  "})),
            "Field department is required"
        );
        assert_eq!(
            err(json!({"department": "HR"})),
            "Value for field department is invalid"
        );
        assert_eq!(
            err(json!({"department": " IT ", "twitter": "abcdef"})),
            "Max length of field twitter 5"
        );
        assert_eq!(
            err(json!({"department": "IT", "twitter": "a"})),
            "Min length of field twitter 2"
        );
        assert!(validate(&d, &obj(json!({"department": "IT", "twitter": "ab"}))).is_ok());
        let e = CustomFieldError {
            reason: "Field department is required".into(),
        };
        assert_eq!(
            e.clone().into_api().body(),
            json!({"success": false, "error": "Field department is required [error-user-registration-custom-field]",
                   "errorType": "error-user-registration-custom-field", "details": {"method": "registerUser"}})
        );
        assert_eq!(e.into_register_body().body()["errorType"], "Meteor.Error");
    }

    #[test]
    fn write_plan_keeps_defined_keys_and_maps_record_fields() {
        let w = plan_write(
            &defs(),
            &obj(
                json!({"department": "IT", "team": "bot", "title": "Boss", "bad": "x", "undefined": 1, "twitter": null}),
            ),
        );
        assert_eq!(
            Value::Object(w.patch),
            json!({"department": "IT", "twitter": null, "team": "bot", "title": "Boss", "bad": "x"})
        );
        assert_eq!(
            w.record_fields,
            vec![
                RecordFieldWrite::AddRole("bot".into()),
                RecordFieldWrite::Set(RecordField::Nickname, "Boss".into())
            ]
        );
    }
}
