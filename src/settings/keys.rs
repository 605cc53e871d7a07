//! Typed keys for the settings the code reads. Call sites name these, never raw strings.

use super::Key;

macro_rules! keys {
    ($($name:ident: $ty:ty = $id:literal;)*) => {
        $(pub const $name: Key<$ty> = Key::new($id);)*
    };
}

keys! {
    SITE_URL: String = "Site_Url";
    UTF8_USER_NAMES_VALIDATION: String = "UTF8_User_Names_Validation";
    UTF8_NAMES_SLUGIFY: bool = "UTF8_Names_Slugify";
    UNREAD_COUNT: String = "Unread_Count";
    UNREAD_COUNT_DM: String = "Unread_Count_DM";
    UNREAD_COUNT_OMNI: String = "Unread_Count_Omni";
    VOIP_SIP_INTEGRATION_ENABLED: bool = "VoIP_TeamCollab_SIP_Integration_Enabled";
    API_DEFAULT_COUNT: i64 = "API_Default_Count";
    API_UPPER_COUNT_LIMIT: i64 = "API_Upper_Count_Limit";
    API_ALLOW_INFINITE_COUNT: bool = "API_Allow_Infinite_Count";
    API_ENABLE_RATE_LIMITER: bool = "API_Enable_Rate_Limiter";
    API_RATE_LIMIT_CALLS: i64 = "API_Enable_Rate_Limiter_Limit_Calls_Default";
    API_RATE_LIMIT_TIME_MS: i64 = "API_Enable_Rate_Limiter_Limit_Time_Default";
    RATE_LIMIT_REGISTER_USER: i64 = "Rate_Limiter_Limit_RegisterUser";
    API_APPLY_VIEW_OUTSIDE_ROOM_ON_USERS_LIST: bool = "API_Apply_permission_view-outside-room_on_users-list";
    ACCOUNTS_LOGIN_EXPIRATION: i64 = "Accounts_LoginExpiration";
    ACCOUNTS_ALLOW_USER_PROFILE_CHANGE: bool = "Accounts_AllowUserProfileChange";
    ACCOUNTS_ALLOW_USERNAME_CHANGE: bool = "Accounts_AllowUsernameChange";
    ACCOUNTS_ALLOW_REAL_NAME_CHANGE: bool = "Accounts_AllowRealNameChange";
    ACCOUNTS_ALLOW_EMAIL_CHANGE: bool = "Accounts_AllowEmailChange";
    ACCOUNTS_ALLOW_PASSWORD_CHANGE: bool = "Accounts_AllowPasswordChange";
    ACCOUNTS_ALLOW_STATUS_MESSAGE_CHANGE: bool = "Accounts_AllowUserStatusMessageChange";
    ACCOUNTS_ALLOW_INVISIBLE_STATUS: bool = "Accounts_AllowInvisibleStatusOption";
    ACCOUNTS_ALLOW_DELETE_OWN_ACCOUNT: bool = "Accounts_AllowDeleteOwnAccount";
    ACCOUNTS_REQUIRE_NAME_FOR_SIGN_UP: bool = "Accounts_RequireNameForSignUp";
    ACCOUNTS_MANUALLY_APPROVE_NEW_USERS: bool = "Accounts_ManuallyApproveNewUsers";
    ACCOUNTS_EMAIL_VERIFICATION: bool = "Accounts_EmailVerification";
    ACCOUNTS_REGISTRATION_FORM: String = "Accounts_RegistrationForm";
    ACCOUNTS_REGISTRATION_FORM_SECRET_URL: String = "Accounts_RegistrationForm_SecretURL";
    ACCOUNTS_CUSTOM_FIELDS: String = "Accounts_CustomFields";
    ACCOUNTS_DEFAULT_ROLES: String = "Accounts_Registration_Users_Default_Roles";
    ACCOUNTS_BLOCKED_USERNAME_LIST: String = "Accounts_BlockedUsernameList";
    ACCOUNTS_SYSTEM_BLOCKED_USERNAME_LIST: String = "Accounts_SystemBlockedUsernameList";
    ACCOUNTS_ALLOWED_DOMAINS_LIST: String = "Accounts_AllowedDomainsList";
    ACCOUNTS_BLOCKED_DOMAINS_LIST: String = "Accounts_BlockedDomainsList";
    ACCOUNTS_USE_DEFAULT_BLOCKED_DOMAINS_LIST: bool = "Accounts_UseDefaultBlockedDomainsList";
    ACCOUNTS_DEFAULT_USERNAME_PREFIX: String = "Accounts_DefaultUsernamePrefixSuggestion";
    PASSWORD_POLICY_ENABLED: bool = "Accounts_Password_Policy_Enabled";
    PASSWORD_POLICY_MIN_LENGTH: i64 = "Accounts_Password_Policy_MinLength";
    PASSWORD_POLICY_MAX_LENGTH: i64 = "Accounts_Password_Policy_MaxLength";
    PASSWORD_POLICY_FORBID_REPEATING: bool = "Accounts_Password_Policy_ForbidRepeatingCharacters";
    PASSWORD_POLICY_FORBID_REPEATING_COUNT: i64 = "Accounts_Password_Policy_ForbidRepeatingCharactersCount";
    PASSWORD_POLICY_LOWERCASE: bool = "Accounts_Password_Policy_AtLeastOneLowercase";
    PASSWORD_POLICY_UPPERCASE: bool = "Accounts_Password_Policy_AtLeastOneUppercase";
    PASSWORD_POLICY_NUMBER: bool = "Accounts_Password_Policy_AtLeastOneNumber";
    PASSWORD_POLICY_SPECIAL: bool = "Accounts_Password_Policy_AtLeastOneSpecialCharacter";
    PASSWORD_HISTORY_ENABLED: bool = "Accounts_Password_History_Enabled";
    PASSWORD_HISTORY_AMOUNT: i64 = "Accounts_Password_History_Amount";
    TWO_FACTOR_ENABLED: bool = "Accounts_TwoFactorAuthentication_Enabled";
    TWO_FACTOR_PASSWORD_FALLBACK: bool = "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback";
    TWO_FACTOR_REMEMBER_FOR: i64 = "Accounts_TwoFactorAuthentication_RememberFor";
    TWO_FACTOR_BY_EMAIL_ENABLED: bool = "Accounts_TwoFactorAuthentication_By_Email_Enabled";
    TWO_FACTOR_EMAIL_AUTO_OPT_IN: bool = "Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In";
}

keys! {
    BLOCK_FAILED_LOGINS_ENABLED: bool = "Block_Multiple_Failed_Logins_Enabled";
    BLOCK_FAILED_LOGINS_BY_USER: bool = "Block_Multiple_Failed_Logins_By_User";
    BLOCK_FAILED_LOGINS_BY_IP: bool = "Block_Multiple_Failed_Logins_By_Ip";
    BLOCK_FAILED_LOGINS_ATTEMPTS_BY_USER: i64 = "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User";
    BLOCK_FAILED_LOGINS_ATTEMPTS_BY_IP: i64 = "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip";
    BLOCK_FAILED_LOGINS_UNBLOCK_USER_MINUTES: f64 = "Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes";
    BLOCK_FAILED_LOGINS_UNBLOCK_IP_MINUTES: f64 = "Block_Multiple_Failed_Logins_Time_To_Unblock_By_Ip_In_Minutes";
}
