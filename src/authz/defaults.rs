//! Rocket.Chat's default roles and the default permission table (users-extended §3).

/// (id = name, scope, description)
pub static ROLES: &[(&str, &str, &str)] = &[
    ("admin", "Users", "Admin"),
    ("moderator", "Subscriptions", "Moderator"),
    ("leader", "Subscriptions", "Leader"),
    ("owner", "Subscriptions", "Owner"),
    ("user", "Users", ""),
    ("bot", "Users", ""),
    ("app", "Users", ""),
    ("guest", "Users", ""),
    ("anonymous", "Users", ""),
    ("livechat-agent", "Users", "Livechat Agent"),
    ("livechat-manager", "Users", "Livechat Manager"),
    ("livechat-monitor", "Users", "Livechat Monitor"),
];

const A: &[&str] = &["admin"];

/// (permission id, default roles)
pub static PERMISSIONS: &[(&str, &[&str])] = &[
    ("access-permissions", A),
    ("access-setting-permissions", A),
    ("add-oauth-service", A),
    ("api-bypass-rate-limit", &["admin", "bot", "app"]),
    ("assign-admin-role", A),
    ("assign-roles", A),
    ("bulk-register-user", A),
    ("create-personal-access-tokens", &["admin", "user"]),
    ("create-user", A),
    ("delete-user", A),
    ("edit-other-user-active-status", A),
    ("edit-other-user-avatar", A),
    ("edit-other-user-e2ee", A),
    ("edit-other-user-info", A),
    ("edit-other-user-password", A),
    ("edit-other-user-totp", A),
    ("edit-privileged-setting", A),
    ("logout-other-user", A),
    ("manage-moderation-actions", A),
    ("manage-own-incoming-integrations", A),
    ("manage-own-outgoing-integrations", A),
    ("manage-user-status", A),
    ("send-mail", A),
    ("user-generate-access-token", A),
    ("view-all-teams", A),
    ("view-d-room", &["admin", "user", "bot", "app", "guest"]),
    ("view-full-other-user-info", A),
    ("view-joined-room", &["guest", "bot", "app", "anonymous"]),
    ("view-moderation-console", A),
    ("view-other-user-channels", A),
    (
        "view-outside-room",
        &["admin", "owner", "moderator", "user"],
    ),
    ("view-privileged-setting", A),
    ("view-user-administration", A),
    ("view-user-voip-extension", &["admin", "user"]),
];
