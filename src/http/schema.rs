//! A small JSON-schema checker that answers with AJV's messages, as Rocket.Chat's validators
//! do: coercing scalar types, reporting the first failing keyword of each object.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The type a property must have.
#[derive(Clone, Debug)]
pub enum Ty {
    Str,
    /// A string of at least this many characters.
    StrMin(usize),
    /// A string from a fixed list.
    Enum(&'static [&'static str]),
    Bool,
    Num,
    Int,
    /// Any JSON object (contents unchecked).
    AnyObject,
    /// An object checked against a nested schema.
    Object(Schema),
    Array(Box<Ty>),
    Any,
}

#[derive(Clone, Debug)]
struct Prop {
    name: &'static str,
    ty: Ty,
    required: bool,
}

/// An object schema: its properties (in order) and whether others are refused.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    props: Vec<Prop>,
    strict: bool,
}

impl Schema {
    /// An object schema that refuses unknown properties (`additionalProperties: false`).
    pub fn strict() -> Self {
        Schema {
            props: vec![],
            strict: true,
        }
    }
    /// An object schema that ignores unknown properties.
    pub fn open() -> Self {
        Schema {
            props: vec![],
            strict: false,
        }
    }
    pub fn req(mut self, name: &'static str, ty: Ty) -> Self {
        self.props.push(Prop {
            name,
            ty,
            required: true,
        });
        self
    }
    pub fn opt(mut self, name: &'static str, ty: Ty) -> Self {
        self.props.push(Prop {
            name,
            ty,
            required: false,
        });
        self
    }

    /// Check (and coerce in place) an object; the error carries AJV's message.
    pub fn check(&self, obj: &mut Map<String, Value>) -> Result<(), String> {
        if let Some(p) = self
            .props
            .iter()
            .find(|p| p.required && !obj.contains_key(p.name))
        {
            return Err(format!("must have required property '{}'", p.name));
        }
        if self.strict && obj.keys().any(|k| !self.props.iter().any(|p| p.name == k)) {
            return Err("must NOT have additional properties".into());
        }
        for p in &self.props {
            if let Some(v) = obj.get_mut(p.name) {
                check_value(&p.ty, v)?;
            }
        }
        Ok(())
    }

    /// Check a request object, answering Rocket.Chat's `invalid-params` 400.
    pub fn validate(&self, obj: &mut Map<String, Value>) -> Result<(), ApiError> {
        self.check(obj).map_err(ApiError::invalid_params)
    }
}

fn check_value(ty: &Ty, v: &mut Value) -> Result<(), String> {
    match ty {
        Ty::Any => Ok(()),
        Ty::Str => coerce_str(v),
        Ty::StrMin(min) => {
            coerce_str(v)?;
            if v.as_str().map_or(0, |s| s.encode_utf16().count()) < *min {
                return Err(format!("must NOT have fewer than {min} characters"));
            }
            Ok(())
        }
        Ty::Enum(allowed) => {
            coerce_str(v)?;
            if !allowed.contains(&v.as_str().unwrap_or_default()) {
                return Err("must be equal to one of the allowed values".into());
            }
            Ok(())
        }
        Ty::Bool => coerce_bool(v),
        Ty::Num => coerce_num(v, false),
        Ty::Int => coerce_num(v, true),
        Ty::AnyObject => match v {
            Value::Object(_) => Ok(()),
            _ => Err("must be object".into()),
        },
        Ty::Object(schema) => match v {
            Value::Object(map) => schema.check(map),
            _ => Err("must be object".into()),
        },
        Ty::Array(item) => {
            if !v.is_array() {
                if v.is_object() {
                    return Err("must be array".into());
                }
                *v = Value::Array(vec![v.take()]);
            }
            for it in v.as_array_mut().into_iter().flatten() {
                check_value(item, it)?;
            }
            Ok(())
        }
    }
}

fn coerce_str(v: &mut Value) -> Result<(), String> {
    match v {
        Value::String(_) => Ok(()),
        Value::Number(n) => {
            *v = Value::String(n.to_string());
            Ok(())
        }
        Value::Bool(b) => {
            *v = Value::String(b.to_string());
            Ok(())
        }
        Value::Null => {
            *v = Value::String(String::new());
            Ok(())
        }
        _ => Err("must be string".into()),
    }
}

fn coerce_bool(v: &mut Value) -> Result<(), String> {
    let b = match v {
        Value::Bool(b) => *b,
        Value::String(s) if s == "true" => true,
        Value::String(s) if s == "false" => false,
        Value::Number(n) if n.as_f64() == Some(1.0) => true,
        Value::Number(n) if n.as_f64() == Some(0.0) => false,
        Value::Null => false,
        _ => return Err("must be boolean".into()),
    };
    *v = Value::Bool(b);
    Ok(())
}

fn coerce_num(v: &mut Value, integer: bool) -> Result<(), String> {
    let msg = if integer {
        "must be integer"
    } else {
        "must be number"
    };
    let f = match v {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) if !s.trim().is_empty() => {
            s.trim().parse::<f64>().map_err(|_| msg.to_string())?
        }
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Null => 0.0,
        _ => return Err(msg.into()),
    };
    if !f.is_finite() || (integer && f.fract() != 0.0) {
        return Err(msg.into());
    }
    *v = if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        Value::from(f)
    };
    Ok(())
}
