//! Every setting the server knows, with its Rocket.Chat id, type and default
//! (users-core §7, users-extended §12). Seeded at start-up; stored values win,
//! `OVERWRITE_SETTING_<id>` wins over both.

/// The type of a setting, which decides what `POST settings/:_id` accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Boolean,
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Text,
    /// A JSON document kept as a string (e.g. `Accounts_CustomFields`).
    Code,
    Select(&'static [&'static str]),
    /// A list value (e.g. `sidebarSectionsOrder`).
    Array,
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Boolean => "boolean",
            Kind::Integer { .. } => "int",
            Kind::Text => "string",
            Kind::Code => "code",
            Kind::Select(_) => "select",
            Kind::Array => "multiSelect",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    List(&'static [&'static str]),
    /// Filled in at start-up (Site_Url, the registration secret).
    Runtime,
}

pub struct SettingDef {
    pub id: &'static str,
    pub kind: Kind,
    pub default: DefaultValue,
    /// Served by `GET settings.public`.
    pub public: bool,
    /// Never served nor editable over the API.
    pub hidden: bool,
}

const fn def(id: &'static str, kind: Kind, default: DefaultValue) -> SettingDef {
    SettingDef {
        id,
        kind,
        default,
        public: false,
        hidden: false,
    }
}
const fn public(id: &'static str, kind: Kind, default: DefaultValue) -> SettingDef {
    SettingDef {
        id,
        kind,
        default,
        public: true,
        hidden: false,
    }
}
const fn hidden(id: &'static str, kind: Kind, default: DefaultValue) -> SettingDef {
    SettingDef {
        id,
        kind,
        default,
        public: false,
        hidden: true,
    }
}

use DefaultValue::*;
use Kind::*;

const INT: Kind = Integer {
    min: None,
    max: None,
};
const UNREAD: &[&str] = &[
    "all_messages",
    "user_mentions_only",
    "group_mentions_only",
    "user_and_group_mentions_only",
];
const MENTIONS: &[&str] = &["all_messages", "mentions_only"];

pub const PREFERENCE_PREFIX: &str = "Accounts_Default_User_Preferences_";

pub static SETTINGS: &[SettingDef] = &[
    // General / site
    public("Site_Url", Text, Runtime),
    public("Site_Name", Text, Str("Rocket.Chat")),
    public("Language", Text, Str("en")),
    public("UTF8_User_Names_Validation", Text, Str("[0-9a-zA-Z-_.]+")),
    public(
        "UTF8_Channel_Names_Validation",
        Text,
        Str("[0-9a-zA-Z-_.]+"),
    ),
    public("UTF8_Names_Slugify", Boolean, Bool(true)),
    public(
        "Unread_Count",
        Select(UNREAD),
        Str("user_and_group_mentions_only"),
    ),
    public("Unread_Count_DM", Select(MENTIONS), Str("all_messages")),
    public("Unread_Count_Omni", Select(MENTIONS), Str("all_messages")),
    def(
        "Message_ErasureType",
        Select(&["Keep", "Delete", "Unlink"]),
        Str("Delete"),
    ),
    public("UI_Use_Name_Avatar", Boolean, Bool(false)),
    public("UI_DisplayRoles", Boolean, Bool(true)),
    public(
        "VoIP_TeamCollab_SIP_Integration_Enabled",
        Boolean,
        Bool(false),
    ),
    def("SMTP_Host", Text, Str("")),
    public(
        "FileUpload_MaxFileSize",
        Integer {
            min: Some(-1),
            max: None,
        },
        Int(104857600),
    ),
    public("FileUpload_RotateImages", Boolean, Bool(true)),
    public("Presence_broadcast_disabled", Boolean, Bool(false)),
    def(
        "Troubleshoot_Disable_Presence_Broadcast",
        Boolean,
        Bool(false),
    ),
    public("LDAP_Enable", Boolean, Bool(false)),
    def("AutoTranslate_AutoEnableOnJoinRoom", Boolean, Bool(false)),
    // REST API
    def("API_Default_Count", INT, Int(50)),
    def("API_Upper_Count_Limit", INT, Int(100)),
    def("API_Allow_Infinite_Count", Boolean, Bool(true)),
    def("API_Enable_Rate_Limiter", Boolean, Bool(true)),
    def("API_Enable_Rate_Limiter_Dev", Boolean, Bool(true)),
    def(
        "API_Enable_Rate_Limiter_Limit_Calls_Default",
        Integer {
            min: Some(1),
            max: None,
        },
        Int(10),
    ),
    def(
        "API_Enable_Rate_Limiter_Limit_Time_Default",
        Integer {
            min: Some(1),
            max: None,
        },
        Int(60000),
    ),
    def(
        "Rate_Limiter_Limit_RegisterUser",
        Integer {
            min: Some(1),
            max: None,
        },
        Int(1),
    ),
    def("API_Enable_CORS", Boolean, Bool(false)),
    def("API_CORS_Origin", Text, Str("*")),
    def(
        "API_Apply_permission_view-outside-room_on_users-list",
        Boolean,
        Bool(false),
    ),
    // Accounts
    def("Accounts_LoginExpiration", INT, Int(90)),
    public("Accounts_AllowUserProfileChange", Boolean, Bool(true)),
    public("Accounts_AllowUsernameChange", Boolean, Bool(true)),
    public("Accounts_AllowRealNameChange", Boolean, Bool(true)),
    public("Accounts_AllowEmailChange", Boolean, Bool(true)),
    public("Accounts_AllowPasswordChange", Boolean, Bool(true)),
    public("Accounts_AllowUserStatusMessageChange", Boolean, Bool(true)),
    public("Accounts_AllowInvisibleStatusOption", Boolean, Bool(true)),
    public("Accounts_AllowDeleteOwnAccount", Boolean, Bool(false)),
    public("Accounts_AllowUserAvatarChange", Boolean, Bool(true)),
    public("Accounts_RequireNameForSignUp", Boolean, Bool(true)),
    public("Accounts_ManuallyApproveNewUsers", Boolean, Bool(false)),
    public("Accounts_EmailVerification", Boolean, Bool(false)),
    public(
        "Accounts_RegistrationForm",
        Select(&["Public", "Disabled", "Secret URL"]),
        Str("Public"),
    ),
    def("Accounts_RegistrationForm_SecretURL", Text, Runtime),
    public("Accounts_PasswordReset", Boolean, Bool(true)),
    public("Accounts_CustomFields", Code, Str("")),
    def(
        "Accounts_Registration_Users_Default_Roles",
        Text,
        Str("user"),
    ),
    def("Accounts_SetDefaultAvatar", Boolean, Bool(true)),
    def("Accounts_Send_Email_When_Activating", Boolean, Bool(true)),
    def("Accounts_Send_Email_When_Deactivating", Boolean, Bool(true)),
    def("Accounts_BlockedUsernameList", Text, Str("")),
    hidden(
        "Accounts_SystemBlockedUsernameList",
        Text,
        Str("admin,administrator,system,user"),
    ),
    def("Accounts_AllowedDomainsList", Text, Str("")),
    def("Accounts_BlockedDomainsList", Text, Str("")),
    def("Accounts_UseDefaultBlockedDomainsList", Boolean, Bool(true)),
    def("Accounts_UseDNSDomainCheck", Boolean, Bool(false)),
    public(
        "Accounts_DefaultUsernamePrefixSuggestion",
        Text,
        Str("user"),
    ),
    public(
        "Accounts_SearchFields",
        Text,
        Str("username, name, bio, nickname"),
    ),
    public("Accounts_AvatarResize", Boolean, Bool(true)),
    public("Accounts_AvatarSize", INT, Int(200)),
    public("Accounts_AvatarCacheTime", INT, Int(3600)),
    public(
        "Accounts_AvatarBlockUnauthenticatedAccess",
        Boolean,
        Bool(true),
    ),
    public("Accounts_AvatarExternalProviderUrl", Text, Str("")),
    // Password policy and history
    public("Accounts_Password_Policy_Enabled", Boolean, Bool(false)),
    public("Accounts_Password_Policy_MinLength", INT, Int(7)),
    public("Accounts_Password_Policy_MaxLength", INT, Int(-1)),
    public(
        "Accounts_Password_Policy_ForbidRepeatingCharacters",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Password_Policy_ForbidRepeatingCharactersCount",
        INT,
        Int(3),
    ),
    public(
        "Accounts_Password_Policy_AtLeastOneLowercase",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Password_Policy_AtLeastOneUppercase",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Password_Policy_AtLeastOneNumber",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Password_Policy_AtLeastOneSpecialCharacter",
        Boolean,
        Bool(true),
    ),
    def("Accounts_Password_History_Enabled", Boolean, Bool(false)),
    def(
        "Accounts_Password_History_Amount",
        Integer {
            min: Some(1),
            max: None,
        },
        Int(5),
    ),
    // Two-factor
    public(
        "Accounts_TwoFactorAuthentication_Enabled",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_TwoFactorAuthentication_RememberFor",
        INT,
        Int(1800),
    ),
    public(
        "Accounts_TwoFactorAuthentication_By_TOTP_Enabled",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_TwoFactorAuthentication_By_Email_Enabled",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In",
        Boolean,
        Bool(true),
    ),
    // Failed-login blocking
    def("Block_Multiple_Failed_Logins_Enabled", Boolean, Bool(true)),
    def("Block_Multiple_Failed_Logins_By_User", Boolean, Bool(true)),
    def("Block_Multiple_Failed_Logins_By_Ip", Boolean, Bool(true)),
    def(
        "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User",
        INT,
        Int(10),
    ),
    def(
        "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip",
        INT,
        Int(50),
    ),
    def(
        "Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes",
        INT,
        Int(5),
    ),
    def(
        "Block_Multiple_Failed_Logins_Time_To_Unblock_By_Ip_In_Minutes",
        INT,
        Int(5),
    ),
    // Default user preferences (the exact key set /me exposes, users-core §4.1)
    public(
        "Accounts_Default_User_Preferences_alsoSendThreadToChannel",
        Select(&["default", "always", "never"]),
        Str("default"),
    ),
    public(
        "Accounts_Default_User_Preferences_newRoomNotification",
        Select(&["none", "door"]),
        Str("door"),
    ),
    public(
        "Accounts_Default_User_Preferences_newMessageNotification",
        Select(&["none", "chime"]),
        Str("chime"),
    ),
    public(
        "Accounts_Default_User_Preferences_showThreadsInMainChannel",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_useEmojis",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_convertAsciiEmoji",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_saveMobileBandwidth",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_collapseMediaByDefault",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_autoImageLoad",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_emailNotificationMode",
        Select(&["nothing", "mentions"]),
        Str("mentions"),
    ),
    public(
        "Accounts_Default_User_Preferences_unreadAlert",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_notificationsSoundVolume",
        Integer {
            min: Some(0),
            max: Some(100),
        },
        Int(100),
    ),
    public(
        "Accounts_Default_User_Preferences_omnichannelTranscriptEmail",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_desktopNotifications",
        Select(&["all", "mentions", "nothing"]),
        Str("all"),
    ),
    public(
        "Accounts_Default_User_Preferences_pushNotifications",
        Select(&["all", "mentions", "nothing"]),
        Str("all"),
    ),
    public(
        "Accounts_Default_User_Preferences_enableAutoAway",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_desktopNotificationRequireInteraction",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_hideUsernames",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_hideRoles",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_displayAvatars",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_hideFlexTab",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_sendOnEnter",
        Select(&["normal", "alternative", "desktop"]),
        Str("normal"),
    ),
    public(
        "Accounts_Default_User_Preferences_idleTimeLimit",
        INT,
        Int(300),
    ),
    public(
        "Accounts_Default_User_Preferences_sidebarShowFavorites",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_sidebarShowUnread",
        Boolean,
        Bool(false),
    ),
    public(
        "Accounts_Default_User_Preferences_themeAppearence",
        Select(&["auto", "light", "dark"]),
        Str("auto"),
    ),
    public(
        "Accounts_Default_User_Preferences_sidebarSortby",
        Select(&["activity", "alphabetical"]),
        Str("activity"),
    ),
    public(
        "Accounts_Default_User_Preferences_sidebarViewMode",
        Select(&["extended", "medium", "condensed"]),
        Str("medium"),
    ),
    public(
        "Accounts_Default_User_Preferences_sidebarDisplayAvatar",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_sidebarGroupByType",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_sidebarSectionsOrder",
        Array,
        List(&[
            "Incoming_Calls",
            "Incoming_Livechats",
            "Open_Livechats",
            "On_Hold_Chats",
            "Unread",
            "Favorites",
            "Teams",
            "Discussions",
            "Channels",
            "Direct_Messages",
            "Conversations",
        ]),
    ),
    public(
        "Accounts_Default_User_Preferences_muteFocusedConversations",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_notifyCalendarEvents",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_enableMobileRinging",
        Boolean,
        Bool(true),
    ),
    public(
        "Accounts_Default_User_Preferences_featuresPreview",
        Code,
        Str("[]"),
    ),
];

pub fn find(id: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.id == id)
}
