//! Authorization: permission ids, the default role table, and the one place that answers
//! "may this caller do X" — from an in-memory copy that follows the database.

pub mod defaults;

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::PgPool;

use crate::cache::Versioned;
use crate::error::ApiError;

/// A permission id (`create-user`, `view-d-room`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Permission(pub &'static str);

/// Permission ids the code checks. Call sites name these constants.
pub mod perm {
    use super::Permission;
    pub const ACCESS_PERMISSIONS: Permission = Permission("access-permissions");
    pub const API_BYPASS_RATE_LIMIT: Permission = Permission("api-bypass-rate-limit");
    pub const ASSIGN_ADMIN_ROLE: Permission = Permission("assign-admin-role");
    pub const ASSIGN_ROLES: Permission = Permission("assign-roles");
    pub const CREATE_PERSONAL_ACCESS_TOKENS: Permission =
        Permission("create-personal-access-tokens");
    pub const CREATE_USER: Permission = Permission("create-user");
    pub const DELETE_USER: Permission = Permission("delete-user");
    pub const EDIT_OTHER_USER_ACTIVE_STATUS: Permission =
        Permission("edit-other-user-active-status");
    pub const EDIT_OTHER_USER_AVATAR: Permission = Permission("edit-other-user-avatar");
    pub const EDIT_OTHER_USER_INFO: Permission = Permission("edit-other-user-info");
    pub const EDIT_OTHER_USER_PASSWORD: Permission = Permission("edit-other-user-password");
    pub const EDIT_PRIVILEGED_SETTING: Permission = Permission("edit-privileged-setting");
    pub const LOGOUT_OTHER_USER: Permission = Permission("logout-other-user");
    pub const MANAGE_MODERATION_ACTIONS: Permission = Permission("manage-moderation-actions");
    pub const VIEW_D_ROOM: Permission = Permission("view-d-room");
    pub const VIEW_FULL_OTHER_USER_INFO: Permission = Permission("view-full-other-user-info");
    pub const VIEW_OTHER_USER_CHANNELS: Permission = Permission("view-other-user-channels");
    pub const VIEW_OUTSIDE_ROOM: Permission = Permission("view-outside-room");
    pub const VIEW_PRIVILEGED_SETTING: Permission = Permission("view-privileged-setting");
}

/// permission id → the roles that hold it.
type RoleTable = HashMap<String, Vec<String>>;

/// Which roles hold each permission, as this instance last read it.
#[derive(Clone, Default)]
pub struct Authz {
    inner: Arc<Versioned<RoleTable>>,
}

impl Authz {
    /// True when one of `roles` is listed on `permission` (users-core §1.5).
    pub fn has(&self, roles: &[String], permission: Permission) -> bool {
        let snap = self.inner.get();
        snap.get(permission.0)
            .is_some_and(|allowed| allowed.iter().any(|r| roles.contains(r)))
    }

    /// True when `roles` hold at least one of `permissions`.
    pub fn has_any(&self, roles: &[String], permissions: &[Permission]) -> bool {
        permissions.iter().any(|p| self.has(roles, *p))
    }

    /// The route-level check: 403 with Rocket.Chat's exact body when missing.
    pub fn require(&self, roles: &[String], permission: Permission) -> Result<(), ApiError> {
        if self.has(roles, permission) {
            Ok(())
        } else {
            Err(ApiError::MissingPermission)
        }
    }

    /// The route-level "any of" check (`operation: hasAny`).
    pub fn require_any(
        &self,
        roles: &[String],
        permissions: &[Permission],
    ) -> Result<(), ApiError> {
        if self.has_any(roles, permissions) {
            Ok(())
        } else {
            Err(ApiError::MissingPermission)
        }
    }

    pub async fn reload(&self, db: &PgPool) -> Result<(), sqlx::Error> {
        // The version comes from the same snapshot as the rows (one statement).
        let rows: Vec<(i64, Option<String>, Option<Vec<String>>)> = sqlx::query_as(
            "SELECT v.version, p.id, p.roles FROM cache_versions v LEFT JOIN permissions p ON true \
             WHERE v.name = 'permissions'",
        )
        .fetch_all(db)
        .await?;
        let version = rows.first().map(|r| r.0).unwrap_or(0);
        let table = rows
            .into_iter()
            .filter_map(|(_, id, roles)| Some((id?, roles.unwrap_or_default())))
            .collect();
        self.inner.install(version, table);
        Ok(())
    }
}
