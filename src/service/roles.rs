//! The roles endpoints (users-extended §9): who holds which role, and custom roles.
//!
//! Check order: authentication, then route-level permissions (403), then the parameter
//! schema, then the endpoint's own logic — the order users-extended §1.4 recommends for a new
//! server (8.x), so callers without the permission learn nothing from validation errors.
//! Permission checks *inside* the logic (400 `error-action-not-allowed`) stay where
//! Rocket.Chat has them, quirks included.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::auth::Caller;
use crate::authz::perm;
use crate::db::roles::{self, Lock, Role, RoleData};
use crate::db::users::{self, User};
use crate::error::{violated_constraint, ApiError, ApiResult};
use crate::http::extract::RcQuery;
use crate::http::pagination::Page;
use crate::http::schema::{Schema, Ty};
use crate::ids::random_id;
use crate::service::permissions::{parse_js_date, updated_since};
use crate::service::target::resolve_target;
use crate::AppState;

/// A string parameter, `None` when absent, null or empty (JavaScript falsiness).
fn text<'a>(params: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    params
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn not_allowed(details: Option<Value>) -> ApiError {
    let e = ApiError::coded(
        "error-action-not-allowed",
        "Accessing permissions is not allowed",
    );
    match details {
        Some(d) => e.with_details(d),
        None => e,
    }
}

fn role_not_exists() -> ApiError {
    ApiError::coded("error-invalid-roleId", "This role does not exist")
}

fn duplicate_name() -> ApiError {
    ApiError::coded(
        "error-duplicate-role-names-not-allowed",
        "Role name already exists",
    )
}

/// GET roles.list.
pub async fn list(state: &AppState) -> ApiResult<Vec<Role>> {
    Ok(roles::list(&state.db).await?)
}

/// GET roles.getUsersInRole (and users.getUsersOfRole): one page of holders, and the total.
pub async fn users_in_role(
    state: &AppState,
    caller: &Caller,
    query: &RcQuery,
) -> ApiResult<(Vec<User>, i64)> {
    caller.require(state, perm::ACCESS_PERMISSIONS)?;
    let page = Page::from_query(query, &state.settings)?;
    let Some(role_id) = query.str("role").filter(|s| !s.is_empty()) else {
        return Err(ApiError::coded(
            "error-param-not-provided",
            "Query param \"role\" is required",
        ));
    };
    let room_id = query.str("roomId").filter(|s| !s.is_empty());
    if room_id.is_some() && !caller.can(state, perm::VIEW_OTHER_USER_CHANNELS) {
        return Err(ApiError::coded("error-not-allowed", "Not allowed"));
    }
    let role = roles::by_id(&state.db, role_id, Lock::None)
        .await?
        .ok_or_else(|| ApiError::coded_no_reason("error-invalid-roleId"))?;
    let room_id = room_id.filter(|_| role.is_room_scoped());
    let found = roles::users_in_role(&state.db, &role, room_id, page.offset, page.limit()).await?;
    let total = roles::count_users_in_role(&state.db, &role, room_id).await?;
    Ok((found, total))
}

/// POST roles.addUserToRole. The "already in role" answer comes before the permission check
/// (a Rocket.Chat quirk kept on purpose: clients rely on the order of these errors).
pub async fn add_user_to_role(
    state: &AppState,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> ApiResult<Role> {
    Schema::strict()
        .req("username", Ty::Str)
        .opt("roleId", Ty::Str)
        .opt("roomId", Ty::Str)
        .validate(&mut body)?;
    let user = resolve_target(state, &body).await?;
    let Some(role_id) = text(&body, "roleId") else {
        return Err(ApiError::failure("error-invalid-role-properties"));
    };
    let room_id = text(&body, "roomId");
    let method = "authorization:addUserToRole";

    let mut tx = state.db.begin().await?;
    let Some(role) = roles::by_id(&mut *tx, role_id, Lock::Share).await? else {
        // error and errorType are swapped in Rocket.Chat; kept.
        return Err(ApiError::failure_typed(
            "error-role-not-found",
            "Role not found",
        ));
    };
    if roles::user_has_role(&mut *tx, &role, &user.id, room_id).await? {
        return Err(ApiError::coded(
            "error-user-already-in-role",
            "User already in role",
        ));
    }
    if !caller.can(state, perm::ACCESS_PERMISSIONS) {
        return Err(not_allowed(Some(
            json!({"method": method, "action": "Accessing_permissions"}),
        )));
    }
    if role.id == "admin" && !caller.can(state, perm::ASSIGN_ADMIN_ROLE) {
        return Err(ApiError::coded_with(
            "error-action-not-allowed",
            "Assigning admin is not allowed",
            json!({"method": method, "action": "Assign_admin"}),
        ));
    }
    if let Some(room) = room_id {
        if role.is_room_scoped() && !roles::is_member(&mut *tx, &user.id, room).await? {
            return Err(ApiError::coded_with(
                "error-invalid-user",
                "User is not part of given room",
                json!({"method": method}),
            ));
        }
    }
    roles::add_to_user(&mut *tx, &role, &user.id, room_id).await?;
    tx.commit().await?;
    Ok(role)
}

/// POST roles.removeUserFromRole. The room of a room role is `scope`; `roomId` is accepted
/// and ignored, as in Rocket.Chat.
pub async fn remove_user_from_role(
    state: &AppState,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> ApiResult<Role> {
    caller.require(state, perm::ACCESS_PERMISSIONS)?;
    Schema::strict()
        .req("username", Ty::Str)
        .opt("roleId", Ty::Str)
        .opt("roomId", Ty::Str)
        .opt("scope", Ty::Str)
        .validate(&mut body)?;
    let Some(role_id) = text(&body, "roleId") else {
        return Err(ApiError::failure("error-invalid-role-properties"));
    };
    let scope = text(&body, "scope");
    let username = body["username"].as_str().unwrap_or_default();

    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_username(&mut *tx, username).await? else {
        return Err(ApiError::coded(
            "error-invalid-user",
            "There is no user with this username",
        ));
    };
    let Some(role) = roles::by_id(&mut *tx, role_id, Lock::None).await? else {
        return Err(role_not_exists());
    };
    // Serialise every removal of the admin role before looking at who holds it.
    let admins = if role.id == "admin" {
        roles::lock_and_count_admins(&mut *tx).await?
    } else {
        0
    };
    if !roles::user_has_role(&mut *tx, &role, &user.id, scope).await? {
        return Err(ApiError::coded(
            "error-user-not-in-role",
            "User is not in this role",
        ));
    }
    if role.id == "admin" && admins <= 1 {
        return Err(ApiError::coded(
            "error-admin-required",
            "You need to have at least one admin",
        ));
    }
    roles::remove_from_user(&mut *tx, &role, &user.id, scope).await?;
    tx.commit().await?;
    Ok(role)
}

/// POST roles.delete: only unprotected roles nobody holds.
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> ApiResult<()> {
    caller.require(state, perm::ACCESS_PERMISSIONS)?;
    Schema::strict()
        .req("roleId", Ty::Str)
        .validate(&mut body)?;
    let id_or_name = body["roleId"].as_str().unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let Some(role) = roles::by_id_or_name_for_update(&mut *tx, id_or_name).await? else {
        return Err(role_not_exists());
    };
    if role.protected {
        return Err(ApiError::coded(
            "error-role-protected",
            "Cannot delete a protected role",
        ));
    }
    if roles::in_use(&mut *tx, &role.id).await? {
        return Err(ApiError::coded(
            "error-role-in-use",
            "Cannot delete role because it's in use",
        ));
    }
    roles::delete(&mut tx, &role.id).await?;
    tx.commit().await?;
    // The role was also dropped from every permission that listed it.
    state.authz.reload(&state.db).await?;
    Ok(())
}

/// The body of roles.create / roles.update. Rocket.Chat answers any schema failure with one
/// coded error instead of AJV's messages; `null` is allowed for the optional fields.
fn role_body(body: &mut Map<String, Value>, with_id: bool) -> ApiResult<()> {
    for key in ["description", "scope", "mandatory2fa"] {
        if body.get(key).is_some_and(Value::is_null) {
            body.remove(key);
        }
    }
    let mut schema = Schema::strict();
    if with_id {
        schema = schema.req("roleId", Ty::Str);
    }
    schema
        .req("name", Ty::Str)
        .opt("description", Ty::Str)
        .opt("scope", Ty::Enum(&["Users", "Subscriptions"]))
        .opt("mandatory2fa", Ty::Bool)
        .check(body)
        .map_err(|_| invalid_properties())
}

fn invalid_properties() -> ApiError {
    ApiError::coded(
        "error-invalid-role-properties",
        "The role properties are invalid.",
    )
}

/// POST roles.create.
///
/// Decision: Rocket.Chat serves roles.create / roles.update only with an Enterprise licence
/// (`custom-roles`; without it 400 "This is an enterprise feature", even before
/// authentication). rc-users has no licence concept, so both are always available: custom
/// roles get a random 17-character id and `protected: false`; every other rule is Rocket.Chat's.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> ApiResult<Role> {
    role_body(&mut body, false)?;
    let name = body["name"].as_str().unwrap_or_default();
    // Deviation: Rocket.Chat accepts an empty name; a role nobody can name is refused here.
    if name.trim().is_empty() {
        return Err(invalid_properties());
    }
    if !caller.can(state, perm::ACCESS_PERMISSIONS) {
        return Err(not_allowed(None));
    }
    let data = RoleData {
        name,
        scope: text(&body, "scope").unwrap_or("Users"),
        description: text(&body, "description").unwrap_or(""),
        mandatory2fa: body.get("mandatory2fa").and_then(Value::as_bool),
    };
    match roles::insert(&state.db, &random_id(), &data).await {
        Ok(Some(role)) => Ok(role),
        Ok(None) => Err(duplicate_name()),
        Err(e) if violated_constraint(&e).as_deref() == Some("roles_name_key") => {
            Err(duplicate_name())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST roles.update (see [`create`] for the licence decision). An omitted `description`
/// becomes `""` and an omitted `scope` means `"Users"` (Rocket.Chat quirks, kept); an empty
/// `name` keeps the current one; an omitted `mandatory2fa` keeps the current value.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    mut body: Map<String, Value>,
) -> ApiResult<Role> {
    role_body(&mut body, true)?;
    if !caller.can(state, perm::ACCESS_PERMISSIONS) {
        return Err(not_allowed(None));
    }
    let role_id = body["roleId"].as_str().unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let Some(role) = roles::by_id(&mut *tx, role_id, Lock::Update).await? else {
        return Err(role_not_exists());
    };
    let name = text(&body, "name").unwrap_or(&role.name);
    let scope = text(&body, "scope").unwrap_or("Users");
    if role.protected && (name != role.name || scope != role.scope) {
        return Err(ApiError::coded("error-role-protected", "Role is protected"));
    }
    let data = RoleData {
        name,
        scope,
        description: text(&body, "description").unwrap_or(""),
        mandatory2fa: body.get("mandatory2fa").and_then(Value::as_bool),
    };
    let updated = match roles::update(&mut *tx, &role.id, &data).await {
        Ok(r) => r,
        Err(e) if violated_constraint(&e).as_deref() == Some("roles_name_key") => {
            return Err(duplicate_name())
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(updated)
}

/// What changed after `updatedSince`.
pub struct RoleChanges {
    pub update: Vec<Role>,
    pub remove: Vec<(String, DateTime<Utc>)>,
}

/// GET roles.sync. Without `updatedSince` both lists are empty (Rocket.Chat's answer).
///
/// Decision: an unparseable `updatedSince` is refused with the error Rocket.Chat's other sync
/// endpoints use (`error-updatedSince-param-invalid`); Rocket.Chat itself passes the invalid
/// date on to MongoDB.
pub async fn sync(state: &AppState, mut query: Map<String, Value>) -> ApiResult<RoleChanges> {
    let Some(since) = updated_since(&mut query)? else {
        return Ok(RoleChanges {
            update: vec![],
            remove: vec![],
        });
    };
    let since = parse_js_date(&since).ok_or_else(|| {
        ApiError::coded(
            "error-updatedSince-param-invalid",
            "The \"updatedSince\" query parameter must be a valid date.",
        )
    })?;
    Ok(RoleChanges {
        update: roles::updated_after(&state.db, since).await?,
        remove: roles::removed_after(&state.db, "roles", since).await?,
    })
}
