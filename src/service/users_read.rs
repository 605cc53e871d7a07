//! The rules of users.info and users.list (users-core §4.2, §4.3): who may look up whom, what
//! each caller sees, and the safe `query` / `fields` / `sort` of the issue.

use serde_json::{json, Map, Value};

use crate::auth::{require_username, Caller, Presented};
use crate::authz::perm;
use crate::db::users::User;
use crate::db::users_read::{self, ListQuery, Lookup, RoomItem};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::RcQuery;
use crate::http::pagination::Page;
use crate::http::schema::{Schema, Ty};
use crate::query::{self, filter, projection, Access, Bind, Fields, SqlBuilder};
use crate::settings::keys;
use crate::view::user::{render, CustomFieldAccess, UserField, Viewer};
use crate::AppState;

/// users.info's lookup keys, in precedence order.
const LOOKUP_KEYS: [&str; 5] = [
    "userId",
    "username",
    "importId",
    "email",
    "freeSwitchExtension",
];

/// What users.info returns of a user, by viewer (fields the viewer may not read are skipped).
const INFO_FIELDS: &[UserField] = {
    use UserField::*;
    &[
        Id,
        CreatedAt,
        Services,
        Username,
        Emails,
        Type,
        Status,
        Active,
        Roles,
        Name,
        RequirePasswordChange,
        RequirePasswordChangeReason,
        LastLogin,
        StatusConnection,
        UtcOffset,
        StatusText,
        AvatarETag,
        Nickname,
        Bio,
        Reason,
        Federated,
        FreeSwitchExtension,
        StatusSource,
        StatusExpiresAt,
        StatusLivechat,
        Phone,
        ImportIds,
        CustomFields,
    ]
};

/// users.list's default projection (then narrowed by what the caller may read).
const LIST_FIELDS: &[UserField] = {
    use UserField::*;
    &[
        Id, Username, Emails, Type, Status, Active, Roles, Name, AvatarETag, LastLogin,
    ]
};

/// The five-branch `anyOf` of users.info's query schema, with AJV's messages.
fn validate_info_params(params: &Map<String, Value>) -> ApiResult<&'static str> {
    let mut messages = Vec::with_capacity(6);
    for key in LOOKUP_KEYS {
        let branch = Schema::strict()
            .req(key, Ty::Str)
            .opt("includeUserRooms", Ty::Str)
            .opt("fields", Ty::Any);
        let mut copy = params.clone();
        let mut result = branch.check(&mut copy);
        if result.is_ok() {
            // Query-string values are strings; a repeated key arrives as an array.
            for k in [key, "includeUserRooms", "fields"] {
                if matches!(copy.get(k), Some(Value::Array(_) | Value::Object(_))) {
                    result = Err("must be string".into());
                    break;
                }
            }
        }
        match result {
            Ok(()) => return Ok(key),
            Err(m) => messages.push(m),
        }
    }
    messages.push("must match a schema in anyOf".into());
    Err(ApiError::InvalidParams(messages))
}

/// Answer `err` — but only to an authenticated caller: a request whose credentials do not
/// match gets the 401 first, as on every other route (one extra round trip, error path only).
async fn after_authentication(state: &AppState, presented: &Presented, err: ApiError) -> ApiError {
    match presented.resolve(state).await {
        Ok(Some(caller)) => require_username(caller).err().unwrap_or(err),
        Ok(None) => ApiError::Unauthenticated,
        Err(e) => e,
    }
}

/// GET /api/v1/users.info. Authentication is folded into the lookup statement, so the whole
/// answer costs one round trip to the database.
pub async fn info(
    state: &AppState,
    presented: &Presented,
    query: &RcQuery,
) -> ApiResult<Map<String, Value>> {
    let key = match validate_info_params(&query.0) {
        Ok(key) => key,
        Err(e) => return Err(after_authentication(state, presented, e).await),
    };
    let term = query.str(key).unwrap_or_default();
    if term.is_empty() {
        let e = ApiError::failure("Invalid search query.");
        return Err(after_authentication(state, presented, e).await);
    }
    // `fields` is checked before the lookup (it may ask for rooms); what the caller may read
    // of it is decided once the caller is known.
    let raw_fields = query.str("fields");
    let everything = Access::new(
        &state.settings,
        Viewer {
            is_self: true,
            full: true,
        },
    );
    let wants_rooms = match raw_fields {
        Some(raw) => match Fields::parse(raw, &everything) {
            Ok(f) => f.user_rooms,
            Err(_) => {
                return Err(
                    after_authentication(state, presented, query::invalid_fields(raw)).await,
                )
            }
        },
        None => false,
    } || query.str("includeUserRooms") == Some("true");
    let lookup = match key {
        "userId" => Lookup::Id(term.into()),
        "username" => Lookup::Username(term.into()),
        "importId" => Lookup::ImportId(term.into()),
        "email" => Lookup::Email(term.into()),
        _ => Lookup::FreeSwitchExtension(term.into()),
    };
    let (caller, target) = users_read::info_with_caller(&state.db, presented, &lookup, wants_rooms)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let caller = require_username(caller)?;
    let me = &caller.user;
    let is_self = match key {
        "userId" => term == me.id,
        "username" => me.username.as_deref() == Some(term) || term == me.id,
        "importId" => me.import_ids.iter().any(|i| i == term),
        "email" => me
            .email
            .as_deref()
            .is_some_and(|e| e.trim().to_lowercase() == term.trim().to_lowercase()),
        _ => me.free_switch_extension.as_deref() == Some(term),
    };
    let full = caller.can(state, perm::VIEW_FULL_OTHER_USER_INFO);
    let not_found = || ApiError::failure("User not found.");
    // E-mail and import-id probing is answered as "not found" to regular callers.
    if matches!(key, "importId" | "email") && !(is_self || full) {
        return Err(not_found());
    }
    let (user, rooms) = target.ok_or_else(not_found)?;
    // A username lookup may have matched the caller by `_id` only after the query.
    let viewer = Viewer {
        is_self: user.id == me.id,
        full,
    };
    let rooms =
        rooms.filter(|_| viewer.is_self || caller.can(state, perm::VIEW_OTHER_USER_CHANNELS));
    let access = Access::new(&state.settings, viewer);
    let fields = match raw_fields {
        Some(raw) => Fields::parse(raw, &access).map_err(|_| query::invalid_fields(raw))?,
        None => Fields::default(),
    };
    let custom = info_custom_fields(state, viewer);
    let mut out = project(&user, &fields.apply(INFO_FIELDS), viewer, &custom, &fields);
    out.insert(
        "canViewAllInfo".into(),
        Value::Bool(viewer.can_view_all_info()),
    );
    if let Some(rooms) = rooms {
        out.insert(
            "rooms".into(),
            Value::Array(rooms.iter().map(room_json).collect()),
        );
    }
    let mut body = Map::new();
    body.insert("user".into(), Value::Object(out));
    Ok(body)
}

/// The custom fields users.info shows (users-core §4.2): the declared `public` ones, or —
/// for the user themself and `view-full-other-user-info` holders — every *declared* one. A
/// stored key no longer in `Accounts_CustomFields` is not shown to anyone.
fn info_custom_fields(state: &AppState, viewer: Viewer) -> CustomFieldAccess {
    match crate::view::user::readable_custom_fields(&state.settings, viewer) {
        CustomFieldAccess::All => CustomFieldAccess::Only(
            state
                .settings
                .custom_fields()
                .into_iter()
                .map(|d| d.name)
                .collect(),
        ),
        public => public,
    }
}

/// Render `fields` of `user`, honouring `customFields.<key>` selections.
fn project(
    user: &User,
    list: &[UserField],
    viewer: Viewer,
    custom: &CustomFieldAccess,
    fields: &Fields,
) -> Map<String, Value> {
    let mut out = render(user, list, viewer, custom);
    if let Some(Value::Object(cf)) = out.get_mut("customFields") {
        if let Some(keys) = fields.custom_keys_filter() {
            cf.retain(|k, _| keys.contains(k));
        }
        cf.retain(|k, _| !fields.exclude_custom.contains(k));
        if cf.is_empty() {
            out.remove("customFields");
        }
    }
    out
}

fn room_json(r: &RoomItem) -> Value {
    let mut m = Map::new();
    m.insert("_id".into(), json!(r.id));
    m.insert("rid".into(), json!(r.rid));
    m.insert("name".into(), json!(r.name));
    m.insert("t".into(), json!(r.t));
    if let Some(roles) = &r.roles {
        m.insert("roles".into(), json!(roles));
    }
    m.insert("unread".into(), json!(r.unread));
    if let Some(f) = r.federated {
        m.insert("federated".into(), json!(f));
    }
    Value::Object(m)
}

/// GET /api/v1/users.list.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: &RcQuery,
) -> ApiResult<Map<String, Value>> {
    caller.require(state, perm::VIEW_D_ROOM)?;
    // Query schema (unknown parameters are ignored, as the e2e tests expect).
    let page = Page::from_query(query, &state.settings)?;
    let mut typed = Map::new();
    if let Some(v) = query.0.get("email") {
        typed.insert("email".into(), v.clone());
    }
    Schema::open()
        .opt("email", Ty::StrMin(1))
        .validate(&mut typed)?;
    let email = match typed.get("email") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::invalid_params("must be string")),
    };
    if state
        .settings
        .get(&keys::API_APPLY_VIEW_OUTSIDE_ROOM_ON_USERS_LIST)
        && !caller.can(state, perm::VIEW_OUTSIDE_ROOM)
    {
        return Err(ApiError::Forbidden);
    }
    let privileged = caller.can(state, perm::VIEW_FULL_OTHER_USER_INFO);
    if email.is_some() && !privileged {
        return Err(ApiError::Forbidden);
    }
    let viewer = Viewer {
        is_self: false,
        full: privileged,
    };
    let access = Access::new(&state.settings, viewer);
    let sort_raw = query.str("sort").filter(|s| !s.is_empty());
    let sort = projection::parse_sort(sort_raw, &access)
        .map_err(|_| query::invalid_sort(sort_raw.unwrap_or("")))?;
    let fields = match query.str("fields").filter(|s| !s.is_empty()) {
        Some(raw) => Fields::parse(raw, &access).map_err(|_| query::invalid_fields(raw))?,
        None => Fields::default(),
    };
    let mut sql = SqlBuilder::new();
    let mut conditions = Vec::new();
    if let Some(email) = email {
        let p = sql.bind(Bind::Text(email));
        conditions.push(format!("lower(u.email) = lower({p})"));
    }
    if let Some(raw) = query.str("query").filter(|s| !s.is_empty()) {
        let f = filter::parse(raw, &access).map_err(|_| query::invalid_query(raw))?;
        conditions.push(filter::to_sql(&f, &mut sql));
    }
    let order_by = projection::order_by(&sort, &mut sql);
    let (users, total) = users_read::list(
        &state.db,
        ListQuery {
            privileged,
            conditions,
            order_by,
            sql,
            offset: page.offset,
            limit: page.limit(),
        },
    )
    .await?;
    let custom = crate::view::user::readable_custom_fields(&state.settings, viewer);
    let list = fields.apply(LIST_FIELDS);
    let items: Vec<Value> = users
        .iter()
        .map(|u| {
            let mut m = project(u, &list, viewer, &custom, &fields);
            m.insert(
                "nameInsensitive".into(),
                json!(u.name.as_deref().unwrap_or("").to_lowercase()),
            );
            Value::Object(m)
        })
        .collect();
    let count = items.len();
    let mut body = Map::new();
    body.insert("users".into(), Value::Array(items));
    body.insert("count".into(), json!(count));
    body.insert("offset".into(), json!(page.offset));
    body.insert("total".into(), json!(total));
    Ok(body)
}
