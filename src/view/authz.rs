//! Role and permission documents as Rocket.Chat serialises them.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::iso;
use crate::db::permissions::PermissionRow;
use crate::db::roles::Role;

/// `{_id, name, scope, description, protected, mandatory2fa, _updatedAt?}`.
pub fn role(role: &Role, with_updated_at: bool) -> Value {
    let mut v = json!({
        "_id": role.id,
        "name": role.name,
        "scope": role.scope,
        "description": role.description,
        "protected": role.protected,
        "mandatory2fa": role.mandatory2fa,
    });
    if with_updated_at {
        v["_updatedAt"] = json!(iso(&role.updated_at));
    }
    v
}

/// `{_id, roles, _updatedAt}`.
pub fn permission(p: &PermissionRow) -> Value {
    json!({"_id": p.id, "roles": p.roles, "_updatedAt": iso(&p.updated_at)})
}

/// A `remove` entry of the sync answers: `{_id, _deletedAt}`.
pub fn removed(id: &str, at: &DateTime<Utc>) -> Value {
    json!({"_id": id, "_deletedAt": iso(at)})
}
