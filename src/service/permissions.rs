//! permissions.listAll and permissions.update (users-extended §10).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::authz::perm;
use crate::db::permissions::{self, PermissionRow};
use crate::db::roles;
use crate::error::{ApiError, ApiResult};
use crate::http::schema::{Schema, Ty};
use crate::AppState;

/// The `updatedSince` answer: changed rows, and (id, deleted-at) tombstones.
pub struct Changes {
    pub update: Vec<PermissionRow>,
    pub remove: Vec<(String, DateTime<Utc>)>,
}

/// Read a date the way JavaScript's `Date.parse` reads the forms clients send: ISO-8601 with
/// or without offset (no offset = UTC), date-only, or RFC 2822.
pub fn parse_js_date(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, format) {
            return Some(d.and_utc());
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z"] {
        if let Ok(d) = DateTime::parse_from_str(s, format) {
            return Some(d.with_timezone(&Utc));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// `updatedSince` of a sync query, validated by the strict schema both sync endpoints share.
pub fn updated_since(query: &mut Map<String, Value>) -> ApiResult<Option<String>> {
    Schema::strict()
        .opt("updatedSince", Ty::Str)
        .validate(query)?;
    Ok(query
        .get("updatedSince")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned))
}

/// GET permissions.listAll: every permission, or what changed after `updatedSince`.
pub async fn list_all(state: &AppState, mut query: Map<String, Value>) -> ApiResult<Changes> {
    let Some(since) = updated_since(&mut query)? else {
        return Ok(Changes {
            update: permissions::list(&state.db).await?,
            remove: vec![],
        });
    };
    // The odd code name is Rocket.Chat's own (users-extended §10.1).
    let since = parse_js_date(&since).ok_or_else(|| {
        ApiError::coded(
            "error-roomId-param-invalid",
            "The \"updatedSince\" query parameter must be a valid date.",
        )
    })?;
    Ok(Changes {
        update: permissions::updated_after(&state.db, since).await?,
        remove: roles::removed_after(&state.db, "permissions", since).await?,
    })
}

/// AJV's `uniqueItems` message for the first duplicate it finds (it scans from the end).
fn duplicate_items(items: &[Value]) -> Option<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate().rev() {
        let key = item.to_string();
        if let Some(j) = seen.get(&key) {
            return Some(format!(
                "must NOT have duplicate items (items ## {j} and {i} are identical)"
            ));
        }
        seen.insert(key, i);
    }
    None
}

/// POST permissions.update: replace the role lists of the given permissions, in one
/// transaction, then answer every permission.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> ApiResult<Vec<PermissionRow>> {
    caller.require(state, perm::ACCESS_PERMISSIONS)?;
    let item = Schema::strict()
        .req("_id", Ty::Str)
        .req("roles", Ty::Array(Box::new(Ty::Str)));
    Schema::strict()
        .req("permissions", Ty::Array(Box::new(Ty::Object(item))))
        .validate(&mut body)?;
    let mut changes: Vec<(String, Vec<String>)> = vec![];
    for p in body["permissions"].as_array().into_iter().flatten() {
        let roles = p["roles"].as_array().cloned().unwrap_or_default();
        if let Some(message) = duplicate_items(&roles) {
            return Err(ApiError::invalid_params(message));
        }
        changes.push((
            p["_id"].as_str().unwrap_or_default().to_owned(),
            roles
                .iter()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect(),
        ));
    }

    let mut tx = state.db.begin().await?;
    let ids: Vec<String> = changes.iter().map(|(id, _)| id.clone()).collect();
    // Duplicate ids make the counts differ, which Rocket.Chat also answers "Invalid permission".
    if permissions::count_existing(&mut *tx, &ids).await? != ids.len() as i64 {
        return Err(ApiError::failure_typed(
            "Invalid permission",
            "error-invalid-permission",
        ));
    }
    let wanted: Vec<String> = changes
        .iter()
        .flat_map(|(_, r)| r.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Locks the roles so none can be deleted before this transaction commits.
    if roles::existing_ids_for_share(&mut *tx, &wanted)
        .await?
        .len()
        != wanted.len()
    {
        return Err(ApiError::failure_typed(
            "Invalid role",
            "error-invalid-role",
        ));
    }
    for (id, roles) in &changes {
        permissions::set_roles(&mut *tx, id, roles).await?;
    }
    tx.commit().await?;
    state.authz.reload(&state.db).await?;
    Ok(permissions::list(&state.db).await?)
}
