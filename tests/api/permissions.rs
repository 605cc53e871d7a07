//! permissions.listAll / permissions.update (users-extended §10), and permission changes
//! taking effect at once — on this instance and on a second one serving the same database.

use std::time::{Duration, Instant};

use rc_users::authz::defaults::PERMISSIONS;
use rc_users::error::ApiError;
use serde_json::{json, Value};

use crate::common::*;

async fn perm_roles(app: &TestApp, id: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT roles FROM permissions WHERE id = $1")
        .bind(id)
        .fetch_one(app.db())
        .await
        .unwrap()
}

fn invalid_params(msg: &str) -> Value {
    json!({"success": false, "error": format!("{msg} [invalid-params]"), "errorType": "invalid-params"})
}

#[tokio::test]
async fn list_all_without_and_with_updated_since() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("reader").await;
    let r = app.get("/api/v1/permissions.listAll", Some(&user)).await;
    let b = r.ok();
    assert_eq!(b["remove"], json!([]));
    let update = b["update"].as_array().unwrap();
    assert_eq!(update.len(), PERMISSIONS.len());
    let d_room = update.iter().find(|p| p["_id"] == "view-d-room").unwrap();
    assert_eq!(
        d_room["roles"],
        json!(["admin", "user", "bot", "app", "guest"])
    );
    assert_eq!(d_room.as_object().unwrap().len(), 3);
    assert!(d_room["_updatedAt"].as_str().unwrap().ends_with('Z'));

    let since = rc_users::view::iso(&chrono::Utc::now());
    tokio::time::sleep(Duration::from_millis(5)).await;
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [{"_id": "send-mail", "roles": ["admin", "user"]}]}),
    )
    .await
    .ok();
    sqlx::query("DELETE FROM permissions WHERE id = 'bulk-register-user'")
        .execute(app.db())
        .await
        .unwrap();
    let r = app
        .get(
            &format!("/api/v1/permissions.listAll?updatedSince={since}"),
            Some(&user),
        )
        .await;
    let b = r.ok();
    let update = b["update"].as_array().unwrap();
    assert_eq!(update.len(), 1);
    assert_eq!(update[0]["_id"], "send-mail");
    assert_eq!(update[0]["roles"], json!(["admin", "user"]));
    let remove = b["remove"].as_array().unwrap();
    assert_eq!(remove.len(), 1);
    assert_eq!(remove[0]["_id"], "bulk-register-user");
    assert!(remove[0]["_deletedAt"].is_string());
    // An empty updatedSince is "not given".
    let r = app
        .get("/api/v1/permissions.listAll?updatedSince=", Some(&user))
        .await;
    assert_eq!(
        r.ok()["update"].as_array().unwrap().len(),
        PERMISSIONS.len() - 1
    );
    // Re-creating a permission clears its tombstone.
    sqlx::query(
        "INSERT INTO permissions (id, roles) VALUES ('bulk-register-user', ARRAY['admin'])",
    )
    .execute(app.db())
    .await
    .unwrap();
    let r = app
        .get(
            &format!("/api/v1/permissions.listAll?updatedSince={since}"),
            Some(&user),
        )
        .await;
    assert_eq!(r.ok()["remove"], json!([]));
}

#[tokio::test]
async fn list_all_errors() {
    let app = TestApp::new().await;
    let user = app.user("reader").await;
    app.get(
        "/api/v1/permissions.listAll?updatedSince=not-a-date",
        Some(&user),
    )
    .await
    .assert(
        400,
        json!({"success": false,
               "error": "The \"updatedSince\" query parameter must be a valid date. [error-roomId-param-invalid]",
               "errorType": "error-roomId-param-invalid"}),
    );
    app.get("/api/v1/permissions.listAll?foo=1", Some(&user))
        .await
        .assert(400, invalid_params("must NOT have additional properties"));
    app.get("/api/v1/permissions.listAll", None)
        .await
        .assert(401, ApiError::Unauthenticated.body());
}

#[tokio::test]
async fn update_replaces_role_lists_in_one_transaction() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/permissions.update",
            Some(&admin),
            json!({"permissions": [
                {"_id": "view-d-room", "roles": ["admin"]},
                {"_id": "send-mail", "roles": ["admin", "bot", "user"]},
            ]}),
        )
        .await;
    let all = r.ok()["permissions"].as_array().unwrap();
    assert_eq!(all.len(), PERMISSIONS.len());
    let d_room = all.iter().find(|p| p["_id"] == "view-d-room").unwrap();
    assert_eq!(d_room["roles"], json!(["admin"]));
    assert_eq!(perm_roles(&app, "view-d-room").await, ["admin"]);
    assert_eq!(
        perm_roles(&app, "send-mail").await,
        ["admin", "bot", "user"]
    );
    // An empty list is allowed.
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [{"_id": "send-mail", "roles": []}]}),
    )
    .await
    .ok();
    assert!(perm_roles(&app, "send-mail").await.is_empty());

    // Any unknown permission or role: nothing is written.
    let before = perm_roles(&app, "view-d-room").await;
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [
            {"_id": "view-d-room", "roles": ["admin", "user"]},
            {"_id": "no-such-permission", "roles": ["admin"]},
        ]}),
    )
    .await
    .assert(
        400,
        json!({"success": false, "error": "Invalid permission", "errorType": "error-invalid-permission"}),
    );
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [
            {"_id": "view-d-room", "roles": ["admin", "user"]},
            {"_id": "send-mail", "roles": ["no-such-role"]},
        ]}),
    )
    .await
    .assert(
        400,
        json!({"success": false, "error": "Invalid role", "errorType": "error-invalid-role"}),
    );
    // The same permission twice counts as invalid (Rocket.Chat compares counts).
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [
            {"_id": "view-d-room", "roles": ["admin"]},
            {"_id": "view-d-room", "roles": ["user"]},
        ]}),
    )
    .await
    .assert(
        400,
        json!({"success": false, "error": "Invalid permission", "errorType": "error-invalid-permission"}),
    );
    assert_eq!(perm_roles(&app, "view-d-room").await, before);
}

#[tokio::test]
async fn update_validation_and_permission() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("nope").await;
    let body = json!({"permissions": [{"_id": "send-mail", "roles": ["user"]}]});
    app.post("/api/v1/permissions.update", Some(&user), body.clone())
        .await
        .assert(403, ApiError::MissingPermission.body());
    app.post("/api/v1/permissions.update", None, body)
        .await
        .assert(401, ApiError::Unauthenticated.body());
    assert_eq!(perm_roles(&app, "send-mail").await, ["admin"]);
    for (body, msg) in [
        (json!({}), "must have required property 'permissions'"),
        (
            json!({"permissions": [], "x": 1}),
            "must NOT have additional properties",
        ),
        (
            json!({"permissions": [{"roles": []}]}),
            "must have required property '_id'",
        ),
        (
            json!({"permissions": [{"_id": "send-mail"}]}),
            "must have required property 'roles'",
        ),
        (
            json!({"permissions": [{"_id": "send-mail", "roles": [], "level": "x"}]}),
            "must NOT have additional properties",
        ),
        (
            json!({"permissions": [{"_id": "send-mail", "roles": [{"a": 1}]}]}),
            "must be string",
        ),
        (
            json!({"permissions": [{"_id": "send-mail", "roles": ["admin", "user", "admin"]}]}),
            "must NOT have duplicate items (items ## 2 and 0 are identical)",
        ),
        (json!({"permissions": {"a": 1}}), "must be array"),
    ] {
        app.post("/api/v1/permissions.update", Some(&admin), body.clone())
            .await
            .assert(400, invalid_params(msg));
    }
    assert_eq!(perm_roles(&app, "send-mail").await, ["admin"]);
}

#[tokio::test]
async fn a_permission_change_applies_to_the_very_next_request() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("promoted").await;
    let path = "/api/v1/roles.getUsersInRole?role=admin";
    app.get(path, Some(&user))
        .await
        .assert(403, ApiError::MissingPermission.body());
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [{"_id": "access-permissions", "roles": ["admin", "user"]}]}),
    )
    .await
    .ok();
    app.get(path, Some(&user)).await.ok();
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [{"_id": "access-permissions", "roles": ["user"]}]}),
    )
    .await
    .ok();
    // Admin gets nothing implicitly.
    app.get(path, Some(&admin))
        .await
        .assert(403, ApiError::MissingPermission.body());
    // A new role's holders gain a permission granted to it at once.
    let id = {
        app.post(
            "/api/v1/permissions.update",
            Some(&user),
            json!({"permissions": [{"_id": "access-permissions", "roles": ["admin", "user"]}]}),
        )
        .await
        .ok();
        app.post(
            "/api/v1/roles.create",
            Some(&admin),
            json!({"name": "Auditor"}),
        )
        .await
        .ok()["role"]["_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    app.insert_user("auditor", "pw-1", &["user"]).await;
    let auditor = app.login("auditor", "pw-1").await;
    app.get("/api/v1/settings/Site_Name", Some(&auditor))
        .await
        .assert(403, ApiError::MissingPermission.body());
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [{"_id": "view-privileged-setting", "roles": ["admin", id]}]}),
    )
    .await
    .ok();
    app.post(
        "/api/v1/roles.addUserToRole",
        Some(&admin),
        json!({"username": "auditor", "roleId": id}),
    )
    .await
    .ok();
    app.get("/api/v1/settings/Site_Name", Some(&auditor))
        .await
        .ok();
}

/// Poll `f` until it returns true, for at most `limit`; the time it took.
pub async fn within<F, Fut>(limit: Duration, mut f: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if f().await {
            return Some(start.elapsed());
        }
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_permission_revoked_on_instance_a_is_enforced_by_instance_b_within_a_second() {
    let db = fresh_db().await;
    let a = TestApp::on_db(&db, &[]).await;
    let b = TestApp::on_db(&db, &[]).await;
    let admin = a.admin().await;
    let path = "/api/v1/roles.getUsersInRole?role=admin";
    // Both instances have read the table; B serves the admin.
    b.get(path, Some(&admin)).await.ok();
    a.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [{"_id": "access-permissions", "roles": ["user"]}]}),
    )
    .await
    .ok();
    // A enforces it at once.
    a.get(path, Some(&admin))
        .await
        .assert(403, ApiError::MissingPermission.body());
    let took = within(Duration::from_secs(1), || async {
        b.get(path, Some(&admin)).await.status == 403
    })
    .await;
    assert!(
        took.is_some(),
        "instance B still allowed the revoked permission after 1 s"
    );
    // And the grant back travels the same way.
    let user = b.user("granted-later").await;
    b.post(
        "/api/v1/permissions.update",
        Some(&user),
        json!({"permissions": [{"_id": "access-permissions", "roles": ["admin"]}]}),
    )
    .await
    .ok();
    let took = within(Duration::from_secs(1), || async {
        a.get(path, Some(&admin)).await.status == 200
    })
    .await;
    assert!(
        took.is_some(),
        "instance A did not follow B's change within 1 s"
    );
}
