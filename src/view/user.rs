//! User projections. A [`Viewer`] decides which [`UserField`]s may be read; the same list
//! drives rendering (and, in `query/`, filtering and sorting), so nothing hidden leaks.

use serde_json::{json, Map, Value};

use super::iso;
use crate::db::users::User;
use crate::settings::{defaults::PREFERENCE_PREFIX, keys, Settings};

/// Who is looking at a user record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    /// The caller is the user being viewed.
    pub is_self: bool,
    /// The caller holds `view-full-other-user-info`.
    pub full: bool,
}

impl Viewer {
    pub fn can_view_all_info(&self) -> bool {
        self.is_self || self.full
    }
}

/// Who may read a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Any authenticated caller.
    Public,
    /// The user themself or a holder of `view-full-other-user-info`.
    Full,
    /// Only the user themself.
    SelfOnly,
}

macro_rules! user_fields {
    ($($variant:ident = $name:literal, $vis:ident;)*) => {
        /// Every user field the API can return, by its Rocket.Chat name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum UserField { $($variant,)* }
        impl UserField {
            pub const ALL: &'static [UserField] = &[$(UserField::$variant,)*];
            pub fn name(self) -> &'static str { match self { $(UserField::$variant => $name,)* } }
            pub fn visibility(self) -> Visibility { match self { $(UserField::$variant => Visibility::$vis,)* } }
            pub fn from_name(name: &str) -> Option<Self> { match name { $($name => Some(UserField::$variant),)* _ => None } }
        }
    };
}

user_fields! {
    Id = "_id", Public;
    Username = "username", Public;
    Name = "name", Public;
    Nickname = "nickname", Public;
    Bio = "bio", Public;
    Type = "type", Public;
    Status = "status", Public;
    StatusText = "statusText", Public;
    Active = "active", Public;
    UtcOffset = "utcOffset", Public;
    AvatarETag = "avatarETag", Public;
    Reason = "reason", Public;
    Federated = "federated", Public;
    FreeSwitchExtension = "freeSwitchExtension", Public;
    StatusSource = "statusSource", Public;
    StatusExpiresAt = "statusExpiresAt", Public;
    StatusLivechat = "statusLivechat", Public;
    Phone = "phone", Full;
    Emails = "emails", Full;
    StatusConnection = "statusConnection", Full;
    StatusDefault = "statusDefault", Full;
    CreatedAt = "createdAt", Full;
    UpdatedAt = "_updatedAt", Full;
    LastLogin = "lastLogin", Full;
    RequirePasswordChange = "requirePasswordChange", Full;
    RequirePasswordChangeReason = "requirePasswordChangeReason", Full;
    Roles = "roles", Full;
    ImportIds = "importIds", Full;
    AvatarOrigin = "avatarOrigin", Full;
    Language = "language", Full;
    Settings = "settings", Full;
    CustomFields = "customFields", Public;
    Services = "services", SelfOnly;
    // What /me passes through: the user's own business only.
    Banners = "banners", SelfOnly;
    DefaultRoom = "defaultRoom", SelfOnly;
    EnableAutoAway = "enableAutoAway", SelfOnly;
    IdleTimeLimit = "idleTimeLimit", SelfOnly;
    OpenBusinessHours = "openBusinessHours", SelfOnly;
    AbacAttributes = "abacAttributes", SelfOnly;
    Oauth = "oauth", SelfOnly;
}

impl UserField {
    /// May `viewer` read this field? (`customFields` is filtered per key, see [`render`].)
    pub fn readable_by(self, viewer: Viewer) -> bool {
        match self.visibility() {
            Visibility::Public => true,
            Visibility::Full => viewer.can_view_all_info(),
            Visibility::SelfOnly => viewer.is_self,
        }
    }
}

/// Which custom-field keys a viewer may read: all of them, or only those declared `public`.
pub fn readable_custom_fields(settings: &Settings, viewer: Viewer) -> CustomFieldAccess {
    if viewer.can_view_all_info() {
        return CustomFieldAccess::All;
    }
    let public = settings
        .custom_fields()
        .into_iter()
        .filter(|d| d.public)
        .map(|d| d.name)
        .collect();
    CustomFieldAccess::Only(public)
}

#[derive(Clone, Debug)]
pub enum CustomFieldAccess {
    All,
    Only(Vec<String>),
}

impl CustomFieldAccess {
    pub fn allows(&self, key: &str) -> bool {
        match self {
            CustomFieldAccess::All => true,
            CustomFieldAccess::Only(keys) => keys.iter().any(|k| k == key),
        }
    }
}

/// The value of one field of `user`, or `None` when the record does not have it.
pub fn field_value(user: &User, field: UserField, custom: &CustomFieldAccess) -> Option<Value> {
    use UserField::*;
    let s = |v: &Option<String>| v.as_ref().map(|x| Value::String(x.clone()));
    match field {
        Id => Some(json!(user.id)),
        Username => s(&user.username),
        Name => s(&user.name),
        Nickname => s(&user.nickname),
        Bio => s(&user.bio),
        Type => Some(json!(user.kind)),
        Status => Some(json!(user.status)),
        StatusText => s(&user.status_text),
        Active => Some(json!(user.active)),
        UtcOffset => user.utc_offset.map(number),
        AvatarETag => s(&user.avatar_etag),
        Reason => s(&user.reason),
        Federated => user.federated.map(Value::Bool),
        FreeSwitchExtension => s(&user.free_switch_extension),
        Emails => emails(user),
        StatusConnection => s(&user.status_connection),
        StatusDefault => s(&user.status_default),
        CreatedAt => Some(json!(iso(&user.created_at))),
        UpdatedAt => Some(json!(iso(&user.updated_at))),
        LastLogin => user.last_login.as_ref().map(|d| json!(iso(d))),
        RequirePasswordChange => user.require_password_change.map(Value::Bool),
        RequirePasswordChangeReason => s(&user.require_password_change_reason),
        Roles => Some(json!(user.roles)),
        ImportIds => (!user.import_ids.is_empty()).then(|| json!(user.import_ids)),
        AvatarOrigin => s(&user.avatar_origin),
        Language => s(&user.language),
        Settings => user.settings.clone(),
        CustomFields => {
            let Some(Value::Object(all)) = &user.custom_fields else {
                return None;
            };
            let visible: Map<String, Value> = all
                .iter()
                .filter(|(k, _)| custom.allows(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (!visible.is_empty()).then_some(Value::Object(visible))
        }
        Services => Some(services_summary(user)),
        StatusSource => s(&user.status_source),
        StatusExpiresAt => user.status_expires_at.as_ref().map(|d| json!(iso(d))),
        StatusLivechat => s(&user.status_livechat),
        Phone => user.phone.clone(),
        Banners => user.banners.clone(),
        DefaultRoom => s(&user.default_room),
        EnableAutoAway => user.enable_auto_away.map(Value::Bool),
        IdleTimeLimit => user.idle_time_limit.map(number),
        OpenBusinessHours => user.open_business_hours.as_ref().map(|h| json!(h)),
        AbacAttributes => user.abac_attributes.clone(),
        // Only the authorized clients, never tokens an OAuth provider may have stored.
        Oauth => user
            .oauth
            .as_ref()
            .and_then(|o| o.get("authorizedClients"))
            .map(|c| json!({"authorizedClients": c})),
    }
}

/// Numbers that are whole print as integers (`utcOffset: 1`, not `1.0`).
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        json!(f as i64)
    } else {
        json!(f)
    }
}

fn emails(user: &User) -> Option<Value> {
    user.email
        .as_ref()
        .map(|address| json!([{"address": address, "verified": user.email_verified}]))
}

/// The sanitised `services` object a user sees of themself: flags, never hashes or tokens.
pub fn services_summary(user: &User) -> Value {
    let mut services = Map::new();
    if user.has_password {
        services.insert("password".into(), Value::Bool(true));
    }
    if let Some(enabled) = user.email2fa_enabled {
        let mut e = json!({"enabled": enabled});
        if let Some(at) = &user.email2fa_changed_at {
            e["changedAt"] = json!(iso(at));
        }
        services.insert("email2fa".into(), e);
    }
    if let Some(enabled) = user.totp_enabled {
        services.insert("totp".into(), json!({"enabled": enabled}));
    }
    Value::Object(services)
}

/// Render the readable subset of `fields` in the given order.
pub fn render(
    user: &User,
    fields: &[UserField],
    viewer: Viewer,
    custom: &CustomFieldAccess,
) -> Map<String, Value> {
    let mut out = Map::new();
    for &f in fields {
        if !f.readable_by(viewer) {
            continue;
        }
        if let Some(v) = field_value(user, f, custom) {
            out.insert(f.name().into(), v);
        }
    }
    out
}

/// The fields users.create / users.update / users.register return: everything the viewer
/// may read except `services` and `importIds` (users-core §1.8).
pub const WRITE_RESULT_FIELDS: &[UserField] = {
    use UserField::*;
    &[
        Id,
        CreatedAt,
        Username,
        Emails,
        Type,
        Status,
        Active,
        UpdatedAt,
        Roles,
        Name,
        Nickname,
        Bio,
        StatusText,
        UtcOffset,
        AvatarETag,
        AvatarOrigin,
        Reason,
        Federated,
        FreeSwitchExtension,
        StatusConnection,
        StatusDefault,
        StatusSource,
        StatusExpiresAt,
        StatusLivechat,
        Phone,
        LastLogin,
        RequirePasswordChange,
        RequirePasswordChangeReason,
        Language,
        Settings,
        CustomFields,
    ]
};

/// The user object of `GET /api/v1/me` (users-core §4.1), also `data.me` of login.
pub fn me(user: &User, settings: &Settings) -> Map<String, Value> {
    use UserField::*;
    let viewer = Viewer {
        is_self: true,
        full: true,
    };
    let mut out = render(
        user,
        &[
            Id,
            Name,
            Username,
            Nickname,
            Emails,
            Status,
            StatusDefault,
            StatusText,
            StatusConnection,
            StatusSource,
            StatusExpiresAt,
            Bio,
            AvatarOrigin,
            UtcOffset,
            Language,
            EnableAutoAway,
            IdleTimeLimit,
            Roles,
            Active,
            DefaultRoom,
            CustomFields,
            RequirePasswordChange,
            RequirePasswordChangeReason,
            StatusLivechat,
            Banners,
            Oauth,
            UpdatedAt,
            AvatarETag,
            OpenBusinessHours,
            AbacAttributes,
        ],
        viewer,
        &CustomFieldAccess::All,
    );
    // Non-admins only see the version-update banners (users-core §4.1).
    if let Some(Value::Object(banners)) = out.get_mut("banners") {
        if !user.roles.iter().any(|r| r == "admin") {
            banners.retain(|id, _| id.starts_with("versionUpdate-"));
        }
    }
    if let (Some(address), true) = (&user.email, user.email_verified) {
        out.insert("email".into(), json!(address));
    }
    out.insert(
        "settings".into(),
        json!({"profile": {}, "preferences": preferences_with_defaults(user, settings)}),
    );
    let mut services = json!({"password": {"exists": user.has_password}});
    if let Some(enabled) = user.totp_enabled {
        services["totp"] = json!({"enabled": enabled});
    }
    if let Some(enabled) = user.email2fa_enabled {
        services["email2fa"] = json!({"enabled": enabled});
    }
    out.insert("services".into(), services);
    let site = settings.get(&keys::SITE_URL);
    if let Some(username) = &user.username {
        out.insert(
            "avatarUrl".into(),
            json!(format!(
                "{}/avatar/{}",
                site.trim_end_matches('/'),
                username
            )),
        );
    }
    out.insert("isOAuthUser".into(), Value::Bool(false));
    out
}

/// Every `Accounts_Default_User_Preferences_*` default, overridden by the user's own values.
pub fn preferences_with_defaults(user: &User, settings: &Settings) -> Map<String, Value> {
    let mut prefs: Map<String, Value> = settings
        .with_prefix(PREFERENCE_PREFIX)
        .into_iter()
        .map(|(id, v)| {
            let key = id[PREFERENCE_PREFIX.len()..].to_owned();
            // JSON-string settings (featuresPreview) are exposed parsed.
            let v = match (&key[..], v) {
                ("featuresPreview", Value::String(s)) => {
                    serde_json::from_str(&s).unwrap_or(Value::Array(vec![]))
                }
                (_, v) => v,
            };
            (key, v)
        })
        .collect();
    if let Some(Value::Object(own)) = user.settings.as_ref().and_then(|s| s.get("preferences")) {
        for (k, v) in own {
            prefs.insert(k.clone(), v.clone());
        }
    }
    prefs
}
