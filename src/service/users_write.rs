//! The rules of the endpoints that write users (users-core §4.4–§4.12, §5): users.create,
//! users.update, users.delete, users.register, users.updateOwnBasicInfo,
//! users.setActiveStatus, users.deleteOwnAccount, users.checkUsernameAvailability,
//! users.getUsernameSuggestion and users.logout.
//!
//! Every endpoint validates everything first, hashes passwords outside any transaction, and
//! then writes in ONE transaction. Uniqueness is the database's: the unique indexes are
//! mapped to Rocket.Chat's errors (the pre-checks only put the errors in the reference's
//! order and cover team names; they never decide alone).

use serde_json::{json, Map, Value};
use sqlx::PgConnection;

use crate::auth::password::Verified;
use crate::auth::token::sha256_hex;
use crate::auth::Caller;
use crate::authz::perm;
use crate::db::users::{self, NewUser, User, UserPatch};
use crate::db::{rooms, tokens};
use crate::error::{escape_html, violated_constraint, ApiError, ApiResult};
use crate::ids::{random_id, random_secret};
use crate::settings::keys;
use crate::validation::custom_fields::{
    self as cf, CustomFieldWrite, RecordField, RecordFieldWrite,
};
use crate::validation::{email, name, password, profile, username, Email, Username, UsernameError};
use crate::view::user::{readable_custom_fields, render, Viewer, WRITE_RESULT_FIELDS};
use crate::AppState;

const USERNAME_INDEX: &str = "users_username_lower_key";
const EMAIL_INDEX: &str = "users_email_lower_key";
const EXTENSION_INDEX: &str = "users_free_switch_extension_key";
const ROCKET_CAT: &str = "rocket.cat";
const STATUSES: &[&str] = &["online", "away", "busy", "offline"];

// ---------------------------------------------------------------- small helpers

fn get_str<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}
fn get_bool(m: &Map<String, Value>, k: &str) -> Option<bool> {
    m.get(k).and_then(Value::as_bool)
}
fn get_obj<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a Map<String, Value>> {
    m.get(k).and_then(Value::as_object)
}
fn get_strings(m: &Map<String, Value>, k: &str) -> Option<Vec<String>> {
    m.get(k).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    })
}

/// A Meteor error of the `insertOrUpdateUser` flow: details `{"method":"insertOrUpdateUser", …extra}`.
fn iou(code: &str, reason: impl Into<String>, extra: Value) -> ApiError {
    let mut details = json!({"method": "insertOrUpdateUser"});
    if let (Value::Object(d), Value::Object(e)) = (&mut details, extra) {
        d.extend(e);
    }
    ApiError::coded_with(code, reason, details)
}

/// Roles given on a write must exist, and `admin` needs `assign-admin-role`.
async fn check_given_roles(state: &AppState, caller: &Caller, roles: &[String]) -> ApiResult<()> {
    if !roles_exist(state, roles).await? {
        return Err(not_allowed(
            "Assign_role",
            "The field Roles consist invalid role id",
        ));
    }
    if roles.iter().any(|r| r == "admin") && !caller.can(state, perm::ASSIGN_ADMIN_ROLE) {
        return Err(not_allowed(
            "Assign_admin",
            "Assigning admin is not allowed",
        ));
    }
    Ok(())
}

fn not_allowed(action: &str, reason: &str) -> ApiError {
    iou(
        "error-action-not-allowed",
        reason,
        json!({"action": action}),
    )
}

/// `<value> is already in use :(` (value HTML-escaped).
fn in_use(value: &str) -> ApiError {
    iou(
        "error-field-unavailable",
        format!("{} is already in use :(", escape_html(value)),
        json!({"field": value}),
    )
}

fn blocked(value: &str) -> ApiError {
    iou(
        "error-blocked-username",
        format!("{} is blocked and can't be used!", escape_html(value)),
        json!({"field": value}),
    )
}

fn not_a_valid_username(value: &str) -> ApiError {
    iou(
        "error-input-is-not-a-valid-field",
        format!("{} is not a valid username", escape_html(value)),
        json!({"input": value, "field": "Username"}),
    )
}

fn field_required(field: &str) -> ApiError {
    iou(
        "error-the-field-is-required",
        format!("The field {field} is required"),
        json!({"field": field}),
    )
}

fn extension_unavailable() -> ApiError {
    ApiError::coded("error-extension-not-available", "Extension not available")
}

fn identity_error(method: &str) -> ApiError {
    ApiError::coded_with(
        "error-could-not-save-identity",
        "Could not save user identity",
        json!({"method": method}),
    )
}

fn last_admin(active: bool) -> ApiError {
    if active {
        // Rocket.Chat's deactivation error carries these details.
        ApiError::coded_with(
            "error-action-not-allowed",
            "Leaving the app without an active admin is not allowed",
            json!({"method": "removeUserFromRole", "action": "Remove_last_admin"}),
        )
    } else {
        ApiError::coded(
            "error-action-not-allowed",
            "Leaving the app without an admin is not allowed",
        )
    }
}

fn invalid_password(method: &str) -> ApiError {
    ApiError::coded_with(
        "error-invalid-password",
        "Invalid password",
        json!({"method": method}),
    )
}

/// The user as the caller may see it (users-core §1.8 exclusion lists).
pub fn render_for(state: &AppState, caller: Option<&Caller>, user: &User) -> Map<String, Value> {
    let viewer = Viewer {
        is_self: caller.is_some_and(|c| c.user.id == user.id),
        full: caller.is_some_and(|c| c.can(state, perm::VIEW_FULL_OTHER_USER_INFO)),
    };
    let custom = readable_custom_fields(&state.settings, viewer);
    render(user, WRITE_RESULT_FIELDS, viewer, &custom)
}

/// Validate submitted custom fields (when present) and plan what saving them writes.
fn custom_fields_plan(
    state: &AppState,
    submitted: Option<&Map<String, Value>>,
    register: bool,
) -> ApiResult<Option<CustomFieldWrite>> {
    let Some(submitted) = submitted else {
        return Ok(None);
    };
    let defs = state
        .settings
        .custom_fields_checked()
        .map_err(cf::invalid_json_error)?;
    cf::validate(&defs, submitted).map_err(|e| {
        if register {
            e.into_register_body()
        } else {
            e.into_api()
        }
    })?;
    Ok(Some(cf::plan_write(&defs, submitted)))
}

/// Fold a custom-field write into a patch. `modifyRecordField` role additions only add roles
/// that exist and are not `admin` (a user-supplied value must never grant administration).
async fn apply_custom_fields(
    conn: &mut PgConnection,
    patch: &mut UserPatch,
    write: Option<CustomFieldWrite>,
) -> ApiResult<()> {
    let Some(write) = write else {
        return Ok(());
    };
    if !write.patch.is_empty() {
        patch.custom_fields = Some(write.patch);
    }
    for rf in write.record_fields {
        match rf {
            RecordFieldWrite::AddRole(role) => {
                if role != "admin"
                    && users::count_existing_roles(&mut *conn, std::slice::from_ref(&role)).await?
                        == 1
                {
                    patch.add_roles.push(role);
                }
            }
            RecordFieldWrite::Set(RecordField::Name, v) => {
                name::check_size(&v)?;
                patch.name = Some(Some(v));
            }
            RecordFieldWrite::Set(RecordField::Nickname, v) => patch.nickname = Some(Some(v)),
            RecordFieldWrite::Set(RecordField::Bio, v) => patch.bio = Some(Some(v)),
            RecordFieldWrite::Set(RecordField::StatusText, v) => patch.status_text = Some(Some(v)),
        }
    }
    Ok(())
}

/// Do all `roles` exist? (distinct ids against the roles table, one query)
async fn roles_exist(state: &AppState, roles: &[String]) -> ApiResult<bool> {
    let mut distinct = roles.to_vec();
    distinct.sort();
    distinct.dedup();
    Ok(users::count_existing_roles(&state.db, &distinct).await? == distinct.len() as i64)
}

/// `Accounts_Registration_Users_Default_Roles` as a list.
fn default_roles(state: &AppState) -> Vec<String> {
    crate::validation::csv(&state.settings.get(&keys::ACCOUNTS_DEFAULT_ROLES))
        .map(str::to_owned)
        .collect()
}

fn same_roles(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}

/// argon2id over the SHA-256 hex of the clear password.
async fn hash_clear(state: &AppState, clear: &str) -> ApiResult<String> {
    state.hasher.hash(sha256_hex(clear)).await
}

fn history_keep(state: &AppState) -> i64 {
    state.settings.get(&keys::PASSWORD_HISTORY_AMOUNT).max(1)
}

/// `Entered password has been previously used` when history is on and `clear` is in it.
async fn check_history(
    state: &AppState,
    user_id: &str,
    clear: &str,
    method: &str,
) -> ApiResult<()> {
    if !state.settings.get(&keys::PASSWORD_HISTORY_ENABLED) {
        return Ok(());
    }
    let digest = sha256_hex(clear);
    for old in users::password_history(&state.db, user_id, history_keep(state)).await? {
        if state.hasher.verify(digest.clone(), Some(old)).await? != Verified::No {
            return Err(ApiError::coded_with(
                "error-password-in-history",
                "Entered password has been previously used",
                json!({"method": method}),
            ));
        }
    }
    Ok(())
}

/// Store a new password hash and remember it in the history.
async fn store_password(
    state: &AppState,
    conn: &mut PgConnection,
    user_id: &str,
    hash: &str,
) -> ApiResult<()> {
    users::set_password_hash(&mut *conn, user_id, hash).await?;
    users::push_password_history(conn, user_id, hash, history_keep(state)).await?;
    Ok(())
}

/// Roles of a new user: the given ones or the defaults, plus `admin` when no admin exists
/// yet (first-user bootstrap, serialised by an advisory lock).
async fn roles_for_new_user(
    state: &AppState,
    conn: &mut PgConnection,
    given: Option<Vec<String>>,
) -> ApiResult<Vec<String>> {
    let mut roles = given.unwrap_or_else(|| default_roles(state));
    if !users::admin_exists(&mut *conn).await? {
        users::lock_admin_bootstrap(&mut *conn).await?;
        if !users::admin_exists(&mut *conn).await? && !roles.iter().any(|r| r == "admin") {
            roles.push("admin".into());
        }
    }
    let mut seen = std::collections::HashSet::new();
    roles.retain(|r| seen.insert(r.clone()));
    Ok(roles)
}

// ---------------------------------------------------------------- users.create

/// `POST users.create` (body already schema-checked; 2FA already passed).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
) -> ApiResult<User> {
    let name_in = get_str(body, "name").unwrap_or("");
    let username_in = get_str(body, "username").unwrap_or("");
    let email_in = get_str(body, "email").unwrap_or("");
    let password_in = get_str(body, "password").unwrap_or("");
    let set_random = get_bool(body, "setRandomPassword").unwrap_or(false);
    // An empty list does not replace the default roles (Rocket.Chat: only a non-empty one does).
    let roles_in = get_strings(body, "roles").filter(|r| !r.is_empty());
    let extension = get_str(body, "freeSwitchExtension")
        .map(str::trim)
        .filter(|s| !s.is_empty());

    // 1. name characters
    if !name::is_valid(name_in) {
        return Err(ApiError::failure(name::INVALID_NAME));
    }
    name::check_size(name_in)?;
    // 2. custom fields
    let custom = custom_fields_plan(state, get_obj(body, "customFields"), false)?;
    // 3. voice-call extension
    if extension.is_some() && !state.settings.get(&keys::VOIP_SIP_INTEGRATION_ENABLED) {
        return Err(ApiError::failure_typed(
            "Setting user voice call extension is not allowed",
            "error-action-not-allowed",
        ));
    }
    if extension.is_some_and(|e| e.len() > 255) {
        return Err(extension_unavailable());
    }
    // 4. core validation
    if !caller.can(state, perm::CREATE_USER) {
        return Err(not_allowed("Adding_user", "Adding user is not allowed"));
    }
    if let Some(roles) = &roles_in {
        check_given_roles(state, caller, roles).await?;
        if !same_roles(roles, &default_roles(state)) && !caller.can(state, perm::ASSIGN_ROLES) {
            return Err(not_allowed("Assign_role", "Assign roles is not allowed"));
        }
    }
    if state.settings.get(&keys::ACCOUNTS_REQUIRE_NAME_FOR_SIGN_UP) && name_in.trim().is_empty() {
        return Err(field_required("Name"));
    }
    let username_trim = username_in.trim();
    if username_trim.is_empty() {
        return Err(field_required("Username"));
    }
    if !username::matches_pattern(&state.settings, username_trim) {
        return Err(not_a_valid_username(username_trim));
    }
    if password_in.is_empty() && !set_random {
        return Err(field_required("Password"));
    }
    if username::is_blocked(&state.settings, username_trim) {
        return Err(blocked(username_trim));
    }
    if users::username_unavailable(&state.db, username_trim, None).await? {
        return Err(in_use(username_trim));
    }
    let email_trim = email_in.trim();
    if !email_trim.is_empty() && users::email_unavailable(&state.db, email_trim, None).await? {
        return Err(in_use(email_trim));
    }
    // 5. e-mail syntax and domain
    let email = Email::parse(email_in).ok_or_else(|| email::invalid_email_with_value(email_in))?;
    email.check_domain(&state.settings)?;
    // 6. bio and nickname
    let bio = get_str(body, "bio")
        .map(profile::bio)
        .transpose()?
        .flatten();
    let nickname = get_str(body, "nickname")
        .map(profile::nickname)
        .transpose()?
        .flatten();
    let status_text = get_str(body, "statusText")
        .map(profile::status_text)
        .filter(|s| !s.is_empty());
    let active_in = get_bool(body, "active");
    if active_in.is_some() && !caller.can(state, perm::EDIT_OTHER_USER_ACTIVE_STATUS) {
        return Err(ApiError::coded_with(
            "error-not-allowed",
            "Not allowed",
            json!({"method": "setUserActiveStatus"}),
        ));
    }

    // Hash outside the transaction.
    let (clear, require_change) = if set_random {
        (random_secret(), Some(true))
    } else {
        (
            password_in.to_owned(),
            Some(get_bool(body, "requirePasswordChange").unwrap_or(false)),
        )
    };
    let hash = hash_clear(state, &clear).await?;

    let id = random_id();
    let mut tx = state.db.begin().await?;
    let roles = roles_for_new_user(state, &mut tx, roles_in).await?;
    let new = NewUser {
        id: id.clone(),
        username: Some(username_trim.to_owned()),
        name: Some(name_in.trim().to_owned()).filter(|n| !n.is_empty()),
        email: Some(email.as_str().to_owned()),
        email_verified: get_bool(body, "verified").unwrap_or(false),
        kind: "user".into(),
        active: active_in.unwrap_or(
            !state
                .settings
                .get(&keys::ACCOUNTS_MANUALLY_APPROVE_NEW_USERS),
        ),
        roles,
        nickname,
        bio,
        status_text,
        require_password_change: require_change,
        custom_fields: None,
        free_switch_extension: extension.map(str::to_owned),
        reason: None,
        email2fa_enabled: state
            .settings
            .get(&keys::TWO_FACTOR_EMAIL_AUTO_OPT_IN)
            .then_some(true),
        settings: Some(json!({})),
    };
    users::insert(&mut *tx, &new)
        .await
        .map_err(|e| map_unique(e, username_trim, email.as_str(), in_use, in_use))?;
    store_password(state, &mut tx, &id, &hash).await?;
    let mut patch = UserPatch::default();
    apply_custom_fields(&mut tx, &mut patch, custom).await?;
    if !patch.is_empty() {
        users::update(&mut *tx, &id, &patch).await?;
    }
    if get_bool(body, "joinDefaultChannels").unwrap_or(true) {
        rooms::join_default_rooms(&mut *tx, &id).await?;
    }
    tx.commit().await?;
    users::by_id(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::failure("User not found"))
}

/// Map a unique violation to the flow's "taken" errors.
fn map_unique(
    e: sqlx::Error,
    username: &str,
    email: &str,
    username_taken: impl Fn(&str) -> ApiError,
    email_taken: impl Fn(&str) -> ApiError,
) -> ApiError {
    match violated_constraint(&e).as_deref() {
        Some(USERNAME_INDEX) => username_taken(username),
        Some(EMAIL_INDEX) => email_taken(email),
        Some(EXTENSION_INDEX) => extension_unavailable(),
        _ => e.into(),
    }
}

// ---------------------------------------------------------------- editing rules

/// What an edit attempts, for the editing-rules table (users-core §4.5 step 6).
#[derive(Default)]
struct Changes<'a> {
    any: bool,
    roles: Option<&'a [String]>,
    username: Option<&'a str>,
    status_text: Option<&'a str>,
    name: Option<&'a str>,
    email: Option<&'a str>,
    password: bool,
    extension: Option<&'a str>,
}

fn check_editing_rules(
    state: &AppState,
    caller: &Caller,
    target: &User,
    ch: &Changes<'_>,
    profile_setting: bool,
) -> ApiResult<()> {
    let s = &state.settings;
    let self_edit = caller.user.id == target.id;
    let other_info = !self_edit && caller.can(state, perm::EDIT_OTHER_USER_INFO);
    let update = |reason: &str| not_allowed("Update_user", reason);
    if let Some(roles) = ch.roles {
        if !same_roles(roles, &target.roles) && !caller.can(state, perm::ASSIGN_ROLES) {
            return Err(not_allowed("Assign_role", "Assign roles is not allowed"));
        }
    }
    if profile_setting
        && ch.any
        && !s.get(&keys::ACCOUNTS_ALLOW_USER_PROFILE_CHANGE)
        && !(caller.can(state, perm::EDIT_OTHER_USER_INFO)
            || caller.can(state, perm::EDIT_OTHER_USER_PASSWORD))
    {
        return Err(update("Edit user profile is not allowed"));
    }
    if let Some(u) = ch.username {
        if target.username.as_deref() != Some(u)
            && !s.get(&keys::ACCOUNTS_ALLOW_USERNAME_CHANGE)
            && !(other_info || (self_edit && target.username.is_none()))
        {
            return Err(update("Edit username is not allowed"));
        }
    }
    if let Some(t) = ch.status_text {
        if target.status_text.as_deref().unwrap_or("") != t
            && !s.get(&keys::ACCOUNTS_ALLOW_STATUS_MESSAGE_CHANGE)
            && !other_info
        {
            return Err(update("Edit user status is not allowed"));
        }
    }
    if let Some(n) = ch.name {
        if target.name.as_deref().unwrap_or("") != n
            && !s.get(&keys::ACCOUNTS_ALLOW_REAL_NAME_CHANGE)
            && !other_info
        {
            return Err(update("Edit user real name is not allowed"));
        }
    }
    // Like Rocket.Chat, the rule only guards replacing an existing address.
    if let (Some(e), Some(current)) = (ch.email, target.email.as_deref()) {
        if !current.eq_ignore_ascii_case(e.trim())
            && !s.get(&keys::ACCOUNTS_ALLOW_EMAIL_CHANGE)
            && !other_info
        {
            return Err(update("Edit user email is not allowed"));
        }
    }
    if ch.password && !s.get(&keys::ACCOUNTS_ALLOW_PASSWORD_CHANGE) {
        let allowed = if self_edit {
            !target.has_password && target.require_password_change == Some(true)
        } else {
            caller.can(state, perm::EDIT_OTHER_USER_PASSWORD)
        };
        if !allowed {
            return Err(update("Edit user password is not allowed"));
        }
    }
    if let Some(x) = ch.extension {
        if target.free_switch_extension.as_deref().unwrap_or("") != x
            && !(s.get(&keys::VOIP_SIP_INTEGRATION_ENABLED)
                && caller.can(state, perm::EDIT_OTHER_USER_INFO))
        {
            return Err(update("Edit user voice call extension is not allowed"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- active status / ownership

/// The `user-last-owner` refusal, or (with `confirm`) the relinquishing plan:
/// rooms that get a new owner, and rooms that are deleted.
async fn relinquish(
    conn: &mut PgConnection,
    user_id: &str,
    confirm: bool,
) -> ApiResult<Vec<String>> {
    let owned = rooms::sole_owned_rooms(&mut *conn, user_id).await?;
    if owned.is_empty() {
        return Ok(vec![]);
    }
    let (change, remove): (Vec<_>, Vec<_>) = owned.into_iter().partition(|r| r.others > 0);
    if !confirm {
        return Err(ApiError::Coded {
            code: "user-last-owner".into(),
            reason: None,
            details: Some(json!({
                "shouldChangeOwner": change.iter().map(|r| &r.name).collect::<Vec<_>>(),
                "shouldBeRemoved": remove.iter().map(|r| &r.name).collect::<Vec<_>>(),
            })),
        });
    }
    let change: Vec<String> = change.into_iter().map(|r| r.rid).collect();
    let remove: Vec<String> = remove.into_iter().map(|r| r.rid).collect();
    if !change.is_empty() {
        rooms::give_ownership_to_oldest_member(&mut *conn, &change, user_id).await?;
    }
    if !remove.is_empty() {
        rooms::delete_rooms(&mut *conn, &remove).await?;
    }
    Ok(remove)
}

/// Refuse to leave the server without an (active) admin. Holds the admin-changes lock until
/// the transaction ends (re-entrant), so call it before writing anything else.
async fn guard_last_admin(
    conn: &mut PgConnection,
    target: &User,
    deactivation: bool,
) -> ApiResult<()> {
    if !target.roles.iter().any(|r| r == "admin") {
        return Ok(());
    }
    users::lock_admin_changes(&mut *conn).await?;
    let admins = users::admins(&mut *conn).await?;
    // Only an *active* other admin counts, also for deletion and role removal (safer than
    // Rocket.Chat, which lets the last active admin go when an inactive admin remains).
    let others = admins
        .iter()
        .any(|(id, active)| *id != target.id && *active);
    if others {
        Ok(())
    } else {
        Err(last_admin(deactivation))
    }
}

/// The active-status operation itself needs `edit-other-user-active-status` (the route also
/// admits `manage-moderation-actions`).
fn may_set_active_status(state: &AppState, caller: &Caller) -> ApiResult<()> {
    if caller.can(state, perm::EDIT_OTHER_USER_ACTIVE_STATUS) {
        return Ok(());
    }
    Err(ApiError::coded_with(
        "error-not-allowed",
        "Not allowed",
        json!({"method": "setUserActiveStatus"}),
    ))
}

/// The active-status operation (users-core §4.8), inside the caller's transaction.
async fn apply_active_status(
    state: &AppState,
    conn: &mut PgConnection,
    caller: &Caller,
    target: &User,
    active: bool,
    confirm_relinquish: bool,
) -> ApiResult<()> {
    may_set_active_status(state, caller)?;
    if target.federated == Some(true) {
        return Err(ApiError::coded(
            "error-user-is-federated",
            "Cannot change federated users status",
        ));
    }
    if !active {
        guard_last_admin(&mut *conn, target, true).await?;
        relinquish(&mut *conn, &target.id, confirm_relinquish).await?;
        tokens::delete_all_of_user(&mut *conn, &target.id).await?;
    }
    // A deactivated omnichannel agent is no longer available (and stays so when re-activated).
    let is_agent = target.roles.iter().any(|r| r == "livechat-agent");
    let patch = UserPatch {
        active: Some(active),
        clear_reason: active,
        status_livechat: (!active && is_agent).then(|| "not-available".to_owned()),
        ..Default::default()
    };
    users::update(&mut *conn, &target.id, &patch).await?;
    Ok(())
}

/// `POST users.setActiveStatus` (route permission already checked).
pub async fn set_active_status(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
    active: bool,
    confirm_relinquish: bool,
) -> ApiResult<()> {
    may_set_active_status(state, caller)?;
    // Rocket.Chat's operation does nothing for an unknown id; the endpoint then fails to
    // re-read the user.
    let invalid = || ApiError::failure("User not found");
    let unlocked = users::by_id(&state.db, user_id)
        .await?
        .ok_or_else(invalid)?;
    let mut tx = state.db.begin().await?;
    if !active {
        guard_last_admin(&mut tx, &unlocked, true).await?;
    }
    let target = users::lock_by_id(&mut *tx, user_id)
        .await?
        .ok_or_else(invalid)?;
    apply_active_status(state, &mut tx, caller, &target, active, confirm_relinquish).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- users.update

/// `POST users.update` (body schema-checked; 2FA passed). Returns the re-read target.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
) -> ApiResult<User> {
    let user_id = get_str(body, "userId").unwrap_or("");
    let empty = Map::new();
    let data = get_obj(body, "data").unwrap_or(&empty);
    let confirm = get_bool(body, "confirmRelinquish").unwrap_or(false);
    let d_str = |k: &str| get_str(data, k);

    // 1. name characters
    if let Some(n) = d_str("name") {
        if !name::is_valid(n) {
            return Err(ApiError::failure(name::INVALID_NAME));
        }
        name::check_size(n)?;
    }
    // 2. custom fields
    let custom = custom_fields_plan(state, get_obj(data, "customFields"), false)?;
    let target = users::by_id(&state.db, user_id).await?;
    // 3. federated
    if target.as_ref().is_some_and(|t| t.federated == Some(true)) {
        return Err(ApiError::coded(
            "Edit_Federated_User_Not_Allowed",
            "Not possible to edit a federated user",
        ));
    }
    // 4. core validation
    let self_edit = caller.user.id == user_id;
    let editing = |reason: &str| not_allowed("Editing_user", reason);
    if !self_edit && !caller.can(state, perm::EDIT_OTHER_USER_INFO) {
        return Err(editing("Editing user is not allowed"));
    }
    let verified = get_bool(data, "verified");
    if verified == Some(true) && self_edit {
        return Err(editing("Editing email verification is not allowed"));
    }
    let roles_in = get_strings(data, "roles");
    if let Some(roles) = &roles_in {
        check_given_roles(state, caller, roles).await?;
    }
    let username_in = d_str("username").map(str::trim).filter(|u| !u.is_empty());
    if let Some(u) = username_in {
        if !username::matches_pattern(&state.settings, u) {
            return Err(not_a_valid_username(u));
        }
    }
    // 5. target
    let Some(target) = target else {
        return Err(ApiError::coded_with(
            "error-user-not-found",
            "User not found",
            json!({"method": "insertOrUpdateUser"}),
        ));
    };
    // 6. editing rules
    // Any non-empty value meets the editing rule; only a non-blank one is applied, trimmed
    // (the policy sees the value as sent, as in Rocket.Chat).
    let password_raw = d_str("password").filter(|p| !p.is_empty());
    let password_in = password_raw.filter(|p| !p.trim().is_empty());
    let changes = Changes {
        any: !data.is_empty(),
        roles: roles_in.as_deref(),
        username: username_in,
        status_text: d_str("statusText"),
        name: d_str("name"),
        email: d_str("email"),
        password: password_raw.is_some(),
        extension: d_str("freeSwitchExtension"),
    };
    check_editing_rules(state, caller, &target, &changes, true)?;

    // 7. what to write (all checked before anything is written)
    let mut patch = UserPatch::default();
    if let Some(u) = username_in.filter(|u| target.username.as_deref() != Some(*u)) {
        match Username::parse(&state.settings, u) {
            Ok(_) => {}
            Err(UsernameError::Invalid) => return Err(not_a_valid_username(u)),
            Err(_) => return Err(identity_error("insertOrUpdateUser")),
        }
        if users::username_unavailable(&state.db, u, Some(&target.id)).await? {
            return Err(identity_error("insertOrUpdateUser"));
        }
        patch.username = Some(u.to_owned());
    }
    if let Some(n) = d_str("name") {
        let n = n.trim();
        if n.is_empty() && state.settings.get(&keys::ACCOUNTS_REQUIRE_NAME_FOR_SIGN_UP) {
            return Err(identity_error("insertOrUpdateUser"));
        }
        if target.name.as_deref() != Some(n) {
            patch.name = Some(Some(n.to_owned()).filter(|n| !n.is_empty()));
        }
    }
    if let Some(raw) = d_str("email") {
        let e = Email::parse(raw).ok_or_else(email::invalid_email)?;
        if target.email.as_deref() != Some(e.as_str()) {
            e.check_domain(&state.settings)?;
            if users::email_unavailable(&state.db, e.as_str(), Some(&target.id)).await? {
                return Err(in_use(e.as_str()));
            }
            patch.email = Some(e.as_str().to_owned());
            patch.email_verified = Some(verified.unwrap_or(false));
        } else if let Some(v) = verified {
            patch.email_verified = Some(v);
        }
    } else if let Some(v) = verified {
        patch.email_verified = Some(v);
    }
    let may_set_password = caller.can(state, perm::EDIT_OTHER_USER_PASSWORD);
    let mut new_password: Option<String> = None;
    if may_set_password {
        if get_bool(data, "setRandomPassword") == Some(true) {
            new_password = Some(random_secret());
            patch.require_password_change = Some(Some(true));
        } else if let Some(p) = password_in {
            password::check_policy(&state.settings, p)?;
            check_history(state, &target.id, p.trim(), "insertOrUpdateUser").await?;
            new_password = Some(p.trim().to_owned());
        }
    }
    if let Some(v) = get_bool(data, "requirePasswordChange") {
        if patch.require_password_change.is_none() {
            patch.require_password_change = Some(Some(v));
        }
        if !v {
            patch.clear_require_password_change_reason = true;
        }
    }
    if let Some(b) = d_str("bio") {
        patch.bio = Some(profile::bio(b)?);
    }
    if let Some(n) = d_str("nickname") {
        patch.nickname = Some(profile::nickname(n)?);
    }
    if let Some(t) = d_str("statusText") {
        patch.status_text = Some(Some(profile::status_text(t)).filter(|t| !t.is_empty()));
    }
    if let Some(st) = d_str("status") {
        if !STATUSES.contains(&st) {
            return Err(invalid_status());
        }
        patch.status = Some(st.to_owned());
    }
    if let Some(roles) = &roles_in {
        patch.roles = Some(roles.clone());
    }
    if let Some(x) = d_str("freeSwitchExtension") {
        let x = x.trim();
        if x.len() > 255 {
            return Err(extension_unavailable());
        }
        patch.free_switch_extension = Some(Some(x.to_owned()).filter(|x| !x.is_empty()));
    }
    let active = get_bool(data, "active");
    let hash = match &new_password {
        Some(p) => Some(hash_clear(state, p).await?),
        None => None,
    };

    let mut tx = state.db.begin().await?;
    let Some(target) = users::lock_by_id(&mut *tx, &target.id).await? else {
        return Err(ApiError::failure("User not found"));
    };
    if let Some(roles) = &patch.roles {
        if !roles.iter().any(|r| r == "admin") {
            guard_last_admin(&mut tx, &target, false).await?;
        }
    }
    if active == Some(false) {
        guard_last_admin(&mut tx, &target, true).await?;
    }
    apply_custom_fields(&mut tx, &mut patch, custom).await?;
    if let Some(new_name) = &patch.username {
        if let Some(old) = &target.username {
            rooms::rename_in_direct_subscriptions(&mut *tx, &target.id, old, new_name).await?;
        }
    }
    let username_for_error = patch.username.clone().unwrap_or_default();
    let email_for_error = patch.email.clone().unwrap_or_default();
    if !patch.is_empty() {
        users::update(&mut *tx, &target.id, &patch)
            .await
            .map_err(|e| {
                map_unique(
                    e,
                    &username_for_error,
                    &email_for_error,
                    |_| identity_error("insertOrUpdateUser"),
                    in_use,
                )
            })?;
    }
    if let Some(hash) = &hash {
        store_password(state, &mut tx, &target.id, hash).await?;
        if self_edit {
            tokens::delete_others(&mut *tx, &target.id, &caller.token.hashed_token).await?;
        } else {
            tokens::delete_all_of_user(&mut *tx, &target.id).await?;
        }
    }
    if let Some(active) = active {
        apply_active_status(state, &mut tx, caller, &target, active, confirm).await?;
    }
    tx.commit().await?;
    users::by_id(&state.db, &target.id)
        .await?
        .ok_or_else(|| ApiError::failure("User not found"))
}

fn invalid_status() -> ApiError {
    ApiError::coded(
        "error-invalid-status",
        "Valid status types include online, away, offline, and busy.",
    )
}

// ---------------------------------------------------------------- deletion

/// Delete a user and what belongs to it in one transaction (users-core §4.6): its rooms as
/// last owner (relinquished or deleted), its direct-message rooms, subscriptions, tokens,
/// credentials and password history. Returns the ids of the rooms deleted.
pub async fn delete_user(state: &AppState, target: &User, confirm: bool) -> ApiResult<Vec<String>> {
    if target.id == ROCKET_CAT || target.username.as_deref() == Some(ROCKET_CAT) {
        return Err(ApiError::coded(
            "error-action-not-allowed",
            "Deleting the rocket.cat user is not allowed",
        ));
    }
    if target.federated == Some(true) {
        return Err(ApiError::coded("error-not-allowed", "Not allowed"));
    }
    let mut tx = state.db.begin().await?;
    // The admin-changes lock first, then the row: no lock-order inversion between deletes.
    guard_last_admin(&mut tx, target, false).await?;
    let Some(target) = users::lock_by_id(&mut *tx, &target.id).await? else {
        return Err(ApiError::coded(
            "error-invalid-user",
            "The required \"userId\" or \"username\" param provided does not match any users",
        ));
    };
    guard_last_admin(&mut tx, &target, false).await?;
    let mut deleted = relinquish(&mut tx, &target.id, confirm).await?;
    deleted.extend(rooms::delete_direct_rooms_of(&mut *tx, &target.id).await?);
    users::delete(&mut tx, &target.id).await?;
    tx.commit().await?;
    deleted.sort();
    Ok(deleted)
}

/// `POST users.deleteOwnAccount`.
pub async fn delete_own_account(
    state: &AppState,
    caller: &Caller,
    password: &str,
    confirm: bool,
) -> ApiResult<()> {
    let method = json!({"method": "deleteUserOwnAccount"});
    if !state.settings.get(&keys::ACCOUNTS_ALLOW_DELETE_OWN_ACCOUNT) {
        return Err(ApiError::coded_with(
            "error-not-allowed",
            "Not allowed",
            method,
        ));
    }
    let user = &caller.user;
    if user.has_password {
        let creds = users::credentials(&state.db, &user.id).await?;
        if state
            .hasher
            .verify(password.trim().to_owned(), creds)
            .await?
            == Verified::No
        {
            return Err(ApiError::coded_with(
                "error-invalid-password",
                "Invalid password",
                method,
            ));
        }
    } else {
        let expected = sha256_hex(user.username.as_deref().unwrap_or("").trim());
        if !password.trim().eq_ignore_ascii_case(&expected) {
            return Err(ApiError::coded_with(
                "error-invalid-username",
                "Invalid username",
                method,
            ));
        }
    }
    delete_user(state, user, confirm).await?;
    Ok(())
}

// ---------------------------------------------------------------- users.register

/// `POST users.register` (anonymous; body schema-checked).
pub async fn register(state: &AppState, body: &Map<String, Value>) -> ApiResult<User> {
    let username_in = get_str(body, "username").unwrap_or("");
    let email_in = get_str(body, "email").unwrap_or("");
    let pass = get_str(body, "pass").unwrap_or("");
    let name_in = get_str(body, "name");

    if let Some(n) = name_in {
        if !name::is_valid(n) {
            return Err(ApiError::failure(name::INVALID_NAME));
        }
        name::check_size(n)?;
    }
    let username_trim = username_in.trim();
    let taken = || ApiError::failure("Username is already in use");
    match Username::parse(&state.settings, username_trim) {
        Ok(_) => {}
        Err(UsernameError::Blocked) => return Err(taken()),
        Err(_) => return Err(ApiError::failure("The username provided is not valid")),
    }
    if users::username_unavailable(&state.db, username_trim, None).await? {
        return Err(taken());
    }
    let email_exists = || ApiError::failure("Email already exists");
    if !email_in.trim().is_empty()
        && users::email_unavailable(&state.db, email_in.trim(), None).await?
    {
        return Err(email_exists());
    }
    let custom = custom_fields_plan(state, get_obj(body, "customFields"), true)?;
    let Some(name_in) = name_in else {
        return Err(ApiError::failure("Match error: Missing key 'name'"));
    };
    let method = json!({"method": "registerUser"});
    match state
        .settings
        .get(&keys::ACCOUNTS_REGISTRATION_FORM)
        .as_str()
    {
        "Disabled" => {
            return Err(ApiError::coded_with(
                "error-user-registration-disabled",
                "User registration is disabled",
                method,
            ))
        }
        "Secret URL" => {
            let secret = state
                .settings
                .get(&keys::ACCOUNTS_REGISTRATION_FORM_SECRET_URL);
            if secret.is_empty() || get_str(body, "secret") != Some(secret.as_str()) {
                return Err(ApiError::coded_with(
                    "error-user-registration-secret",
                    "User registration is only allowed via Secret URL",
                    method,
                ));
            }
        }
        _ => {}
    }
    password::check_policy(&state.settings, pass)?;
    let email = Email::parse(email_in).ok_or_else(|| email::invalid_email_with_value(email_in))?;
    email.check_domain(&state.settings)?;
    if state.settings.get(&keys::ACCOUNTS_REQUIRE_NAME_FOR_SIGN_UP) && name_in.trim().is_empty() {
        return Err(field_required("Name"));
    }
    let reason = get_str(body, "reason")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);

    let hash = hash_clear(state, pass).await?;
    let id = random_id();
    let mut tx = state.db.begin().await?;
    let roles = roles_for_new_user(state, &mut tx, None).await?;
    let new = NewUser {
        id: id.clone(),
        username: Some(username_trim.to_owned()),
        name: Some(name_in.trim().to_owned()).filter(|n| !n.is_empty()),
        email: Some(email.as_str().to_owned()),
        email_verified: false,
        kind: "user".into(),
        active: !state
            .settings
            .get(&keys::ACCOUNTS_MANUALLY_APPROVE_NEW_USERS),
        roles,
        reason,
        email2fa_enabled: state
            .settings
            .get(&keys::TWO_FACTOR_EMAIL_AUTO_OPT_IN)
            .then_some(true),
        settings: Some(json!({})),
        ..Default::default()
    };
    users::insert(&mut *tx, &new).await.map_err(|e| {
        map_unique(
            e,
            username_trim,
            email.as_str(),
            |_| taken(),
            |_| email_exists(),
        )
    })?;
    store_password(state, &mut tx, &id, &hash).await?;
    let mut patch = UserPatch::default();
    apply_custom_fields(&mut tx, &mut patch, custom).await?;
    if !patch.is_empty() {
        users::update(&mut *tx, &id, &patch).await?;
    }
    rooms::join_default_rooms(&mut *tx, &id).await?;
    tx.commit().await?;
    users::by_id(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::failure("User not found"))
}

// ---------------------------------------------------------------- users.updateOwnBasicInfo

/// `POST users.updateOwnBasicInfo` (body schema-checked). Returns the re-read caller.
pub async fn update_own_basic_info(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
) -> ApiResult<User> {
    let empty = Map::new();
    let data = get_obj(body, "data").unwrap_or(&empty);
    let d = |k: &str| get_str(data, k);
    let me = &caller.user;
    let method = "saveUserProfile";

    // 1. name characters
    if let Some(n) = d("name") {
        if !name::is_valid(n) {
            return Err(ApiError::failure(name::INVALID_NAME));
        }
        name::check_size(n)?;
    }
    // 2. profile changes allowed at all
    if !state
        .settings
        .get(&keys::ACCOUNTS_ALLOW_USER_PROFILE_CHANGE)
    {
        return Err(ApiError::coded_with(
            "error-not-allowed",
            "Not allowed",
            json!({"method": method}),
        ));
    }
    // 3. editing rules (always a self-edit: no permission lifts a disabled setting)
    let new_password = d("newPassword").filter(|p| !p.is_empty());
    let username_in = d("username").filter(|u| !u.trim().is_empty());
    let changes = Changes {
        any: true,
        username: username_in,
        status_text: d("statusText"),
        name: d("name"),
        email: d("email"),
        password: new_password.is_some(),
        ..Default::default()
    };
    check_editing_rules(state, caller, me, &changes, false)?;
    // 4. the current password, verified before any e-mail or password change
    let email_change = match d("email") {
        Some(e) => !me
            .email
            .as_deref()
            .unwrap_or("")
            .eq_ignore_ascii_case(e.trim()),
        None => false,
    };
    let creds = if me.has_password {
        users::credentials(&state.db, &me.id).await?
    } else {
        None
    };
    if (email_change || new_password.is_some()) && me.has_password {
        let Some(current) = d("currentPassword")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        else {
            if state.settings.get(&keys::TWO_FACTOR_ENABLED) {
                return Err(ApiError::coded_with(
                    "totp-required",
                    "TOTP Required",
                    json!({"method": "password", "codeGenerated": false, "availableMethods": []}),
                ));
            }
            return Err(invalid_password(method));
        };
        let creds_again = users::credentials(&state.db, &me.id).await?;
        if state.hasher.verify(current.to_owned(), creds_again).await? == Verified::No {
            return Err(invalid_password(method));
        }
    }
    // 5. the new password
    let mut hash = None;
    if let Some(p) = new_password {
        if me.has_password && state.hasher.verify(sha256_hex(p), creds).await? != Verified::No {
            return Err(ApiError::coded_with(
                "error-password-same-as-current",
                "Entered password same as current password",
                json!({"method": method}),
            ));
        }
        check_history(state, &me.id, p, method).await?;
        password::check_policy(&state.settings, p)?;
        hash = Some(hash_clear(state, p).await?);
    }
    // 6. identity, e-mail, nickname, bio, status
    let mut patch = UserPatch::default();
    if let Some(u) = username_in.map(str::trim) {
        if me.username.as_deref() != Some(u) {
            if Username::parse(&state.settings, u).is_err()
                || users::username_unavailable(&state.db, u, Some(&me.id)).await?
            {
                return Err(identity_error(method));
            }
            patch.username = Some(u.to_owned());
        }
    }
    if let Some(n) = d("name") {
        let n = n.trim();
        if n.is_empty() && state.settings.get(&keys::ACCOUNTS_REQUIRE_NAME_FOR_SIGN_UP) {
            return Err(identity_error(method));
        }
        if me.name.as_deref() != Some(n) {
            patch.name = Some(Some(n.to_owned()).filter(|n| !n.is_empty()));
        }
    }
    if let (Some(raw), true) = (d("email"), email_change) {
        let e = Email::parse(raw).ok_or_else(email::invalid_email)?;
        e.check_domain(&state.settings)?;
        if users::email_unavailable(&state.db, e.as_str(), Some(&me.id)).await? {
            return Err(in_use(e.as_str()));
        }
        patch.email = Some(e.as_str().to_owned());
        patch.email_verified = Some(false);
    }
    if let Some(n) = d("nickname") {
        patch.nickname = Some(profile::nickname(n)?);
    }
    if let Some(b) = d("bio") {
        patch.bio = Some(profile::bio(b)?);
    }
    if let Some(t) = d("statusText") {
        patch.status_text = Some(Some(profile::status_text(t)).filter(|t| !t.is_empty()));
    }
    if let Some(st) = d("statusType") {
        let invisible_ok = state.settings.get(&keys::ACCOUNTS_ALLOW_INVISIBLE_STATUS);
        if !STATUSES.contains(&st) || (st == "offline" && !invisible_ok) {
            return Err(invalid_status());
        }
        patch.status = Some(st.to_owned());
    }
    // 7. custom fields
    let custom = custom_fields_plan(state, get_obj(body, "customFields"), false)?;

    let mut tx = state.db.begin().await?;
    apply_custom_fields(&mut tx, &mut patch, custom).await?;
    if hash.is_some() {
        patch.require_password_change = Some(None);
        patch.clear_require_password_change_reason = true;
    }
    if let (Some(new_name), Some(old)) = (&patch.username, &me.username) {
        rooms::rename_in_direct_subscriptions(&mut *tx, &me.id, old, new_name).await?;
    }
    let email_for_error = patch.email.clone().unwrap_or_default();
    if !patch.is_empty() {
        users::update(&mut *tx, &me.id, &patch)
            .await
            .map_err(|e| map_unique(e, "", &email_for_error, |_| identity_error(method), in_use))?;
    }
    if let Some(hash) = &hash {
        store_password(state, &mut tx, &me.id, hash).await?;
        tokens::delete_others(&mut *tx, &me.id, &caller.token.hashed_token).await?;
    }
    tx.commit().await?;
    users::by_id(&state.db, &me.id)
        .await?
        .ok_or_else(|| ApiError::failure("User not found"))
}

// ---------------------------------------------------------------- availability, suggestion, logout

/// `GET users.checkUsernameAvailability`.
pub async fn check_username_availability(
    state: &AppState,
    caller: &Caller,
    candidate: &str,
) -> ApiResult<bool> {
    let method = json!({"method": "checkUsernameAvailability"});
    if candidate.is_empty() {
        return Err(ApiError::coded_with(
            "error-invalid-username",
            "Invalid username",
            method,
        ));
    }
    if caller.user.username.is_some() && !state.settings.get(&keys::ACCOUNTS_ALLOW_USERNAME_CHANGE)
    {
        return Err(ApiError::coded_with(
            "error-not-allowed",
            "Not allowed",
            method,
        ));
    }
    if caller.user.username.as_deref() == Some(candidate) {
        return Ok(true);
    }
    if username::is_blocked(&state.settings, candidate) {
        return Err(ApiError::coded_with(
            "error-blocked-username",
            format!("{} is blocked and can't be used!", escape_html(candidate)),
            json!({"method": "checkUsernameAvailability", "field": candidate}),
        ));
    }
    if username::js_len_ok(candidate) {
        Ok(!users::username_unavailable(&state.db, candidate, None).await?)
    } else {
        Ok(false)
    }
}

/// A slug of `s` with `.` between words (`"John Doe"` → `john.doe`).
fn slug(s: &str, ascii_only: bool) -> String {
    let mut out = String::new();
    let mut pending_sep = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let keep = if ascii_only {
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        } else {
            c.is_alphanumeric() || c == '-' || c == '_'
        };
        if keep {
            if pending_sep && !out.is_empty() {
                out.push('.');
            }
            pending_sep = false;
            out.push(c);
        } else {
            pending_sep = true;
        }
    }
    out
}

/// `GET users.getUsernameSuggestion` (users-core §4.12).
pub async fn username_suggestion(state: &AppState, user: &User) -> ApiResult<String> {
    let ascii = state.settings.get(&keys::UTF8_NAMES_SLUGIFY);
    let mut candidates: Vec<String> = vec![];
    if let Some(name) = user
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        candidates.push(slug(name, ascii));
        let parts: Vec<&str> = name.split_whitespace().collect();
        if parts.len() > 1 {
            let first = parts[0];
            let last = parts[parts.len() - 1];
            let initial = |p: &str| p.chars().next().map(String::from).unwrap_or_default();
            candidates.push(slug(&format!("{}{last}", initial(first)), ascii));
            candidates.push(slug(&format!("{first}{}", initial(last)), ascii));
        }
    }
    if let (Some(address), true) = (&user.email, user.email_verified) {
        if let Some((local, _)) = address.split_once('@') {
            candidates.push(slug(local, ascii));
        }
    }
    candidates.retain(|c| !c.is_empty());
    candidates.dedup();
    let usable = |c: &str| {
        username::matches_pattern(&state.settings, c) && !username::is_blocked(&state.settings, c)
    };
    let taken = users::unavailable_usernames(&state.db, &candidates).await?;
    if let Some(free) = candidates
        .iter()
        .find(|c| usable(c) && !taken.contains(&c.to_lowercase()))
    {
        return Ok(free.clone());
    }
    let base = candidates
        .first()
        .cloned()
        .unwrap_or_else(|| state.settings.get(&keys::ACCOUNTS_DEFAULT_USERNAME_PREFIX));
    let base = if base.trim().is_empty() {
        "user".to_owned()
    } else {
        base
    };
    let mut index = users::count_numbered_usernames(&state.db, &base).await?;
    for _ in 0..50 {
        let batch: Vec<String> = (index..index + 20).map(|i| format!("{base}-{i}")).collect();
        let taken = users::unavailable_usernames(&state.db, &batch).await?;
        if let Some(free) = batch
            .iter()
            .find(|c| usable(c) && !taken.contains(&c.to_lowercase()))
        {
            return Ok(free.clone());
        }
        index += 20;
    }
    Err(ApiError::failure("No username suggestion found"))
}

/// `POST users.logout`: every token of the target (PATs included).
pub async fn logout_user(
    state: &AppState,
    caller: &Caller,
    user_id: Option<&str>,
) -> ApiResult<String> {
    let target = user_id.filter(|u| !u.is_empty()).unwrap_or(&caller.user.id);
    if target != caller.user.id {
        if !caller.can(state, perm::LOGOUT_OTHER_USER) {
            return Err(ApiError::Forbidden);
        }
        if users::by_id(&state.db, target).await?.is_none() {
            return Err(ApiError::coded("error-invalid-user-id", "Invalid user id"));
        }
    }
    tokens::delete_all_of_user(&state.db, target).await?;
    Ok(target.to_owned())
}
