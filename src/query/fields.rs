//! Which user fields a caller may name in `query` / `sort` / `fields`, and the SQL each maps
//! to. Built on [`UserField`] + [`Viewer`], so what can be filtered or sorted on is exactly
//! what the caller can read.

use crate::settings::Settings;
use crate::view::user::{readable_custom_fields, CustomFieldAccess, UserField, Viewer};

/// How a field is stored, which decides the operators and value types it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Bool,
    Num,
    Date,
    /// A `text[]` column (Mongo array semantics: equality means "contains").
    TextArray,
}

/// A field a filter or sort may use. The SQL text is a constant of this module; custom-field
/// keys are bound as parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Plain {
        sql: &'static str,
        kind: Kind,
    },
    /// `customFields.<key>` — a declared custom field the caller may read.
    Custom(String),
}

/// The caller's read access, computed once per request.
#[derive(Clone, Debug)]
pub struct Access {
    pub viewer: Viewer,
    pub custom: CustomFieldAccess,
    /// Declared custom field names (`Accounts_CustomFields`).
    pub declared: Vec<String>,
}

impl Access {
    pub fn new(settings: &Settings, viewer: Viewer) -> Access {
        Access {
            viewer,
            custom: readable_custom_fields(settings, viewer),
            declared: settings
                .custom_fields()
                .into_iter()
                .map(|d| d.name)
                .collect(),
        }
    }

    /// May the caller read this user field through `query`/`sort`/`fields`? Besides the
    /// viewer's visibility, `services`, `importIds` are never selectable (users-core §1.8).
    pub fn can_read(&self, f: UserField) -> bool {
        !matches!(f, UserField::Services | UserField::ImportIds) && f.readable_by(self.viewer)
    }

    /// May the caller read `customFields.<key>`? Only declared fields, per their `public` flag
    /// and the caller's permissions.
    pub fn can_read_custom(&self, key: &str) -> bool {
        self.can_read(UserField::CustomFields)
            && self.declared.iter().any(|d| d == key)
            && self.custom.allows(key)
    }

    /// Resolve a dotted field name of a filter or sort. `None`: unknown, hidden, or not
    /// filterable (whole objects such as `emails`, `settings`, `customFields`).
    pub fn column(&self, name: &str) -> Option<Column> {
        if let Some(key) = name.strip_prefix("customFields.") {
            return self
                .can_read_custom(key)
                .then(|| Column::Custom(key.to_owned()));
        }
        let (field, sql, kind) = match name {
            "emails.address" => (UserField::Emails, "u.email", Kind::Text),
            "emails.verified" => (UserField::Emails, "u.email_verified", Kind::Bool),
            _ => {
                let f = UserField::from_name(name)?;
                let (sql, kind) = plain_column(f)?;
                (f, sql, kind)
            }
        };
        self.can_read(field).then_some(Column::Plain { sql, kind })
    }
}

/// The column of each scalar (or array-of-text) user field.
fn plain_column(f: UserField) -> Option<(&'static str, Kind)> {
    use Kind::*;
    use UserField::*;
    Some(match f {
        Id => ("u.id", Text),
        Username => ("u.username", Text),
        Name => ("u.name", Text),
        Nickname => ("u.nickname", Text),
        Bio => ("u.bio", Text),
        Type => ("u.type", Text),
        Status => ("u.status", Text),
        StatusText => ("u.status_text", Text),
        Active => ("u.active", Bool),
        UtcOffset => ("u.utc_offset", Num),
        AvatarETag => ("u.avatar_etag", Text),
        Reason => ("u.reason", Text),
        Federated => ("u.federated", Bool),
        FreeSwitchExtension => ("u.free_switch_extension", Text),
        StatusConnection => ("u.status_connection", Text),
        StatusDefault => ("u.status_default", Text),
        CreatedAt => ("u.created_at", Date),
        UpdatedAt => ("u.updated_at", Date),
        LastLogin => ("u.last_login", Date),
        RequirePasswordChange => ("u.require_password_change", Bool),
        RequirePasswordChangeReason => ("u.require_password_change_reason", Text),
        Roles => ("u.roles", TextArray),
        AvatarOrigin => ("u.avatar_origin", Text),
        Language => ("u.language", Text),
        StatusSource => ("u.status_source", Text),
        StatusExpiresAt => ("u.status_expires_at", Date),
        StatusLivechat => ("u.status_livechat", Text),
        // Objects (and secrets, and what only the user themself sees) are not filterable.
        Emails | ImportIds | Settings | CustomFields | Services | Phone | Banners | DefaultRoom
        | EnableAutoAway | IdleTimeLimit | OpenBusinessHours | AbacAttributes | Oauth => {
            return None
        }
    })
}
