//! The roles endpoints (users-extended §9) against the real database.

use rc_users::error::ApiError;
use serde_json::{json, Value};

use crate::common::*;

fn forbidden() -> Value {
    ApiError::MissingPermission.body()
}

fn coded(code: &str, reason: &str) -> Value {
    json!({"success": false, "error": format!("{reason} [{code}]"), "errorType": code})
}

async fn user_roles(app: &TestApp, username: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT roles FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db())
        .await
        .unwrap()
}

async fn subscription_roles(app: &TestApp, user_id: &str, rid: &str) -> Option<Vec<String>> {
    sqlx::query_scalar("SELECT roles FROM subscriptions WHERE user_id = $1 AND rid = $2")
        .bind(user_id)
        .bind(rid)
        .fetch_one(app.db())
        .await
        .unwrap()
}

/// Subscribe a user to a room (creating the room).
async fn join(app: &TestApp, user_id: &str, rid: &str, roles: Option<&[&str]>) {
    rc_users::db::rooms::insert_room(app.db(), rid, rid, "c", false)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO subscriptions (id, rid, user_id, name, t, roles) VALUES (rc_random_id(), $1, $2, $1, 'c', $3)",
    )
    .bind(rid)
    .bind(user_id)
    .bind(roles.map(|r| r.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
    .execute(app.db())
    .await
    .unwrap();
}

#[tokio::test]
async fn roles_list_returns_every_role_without_updated_at() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("lister").await;
    let r = app.get("/api/v1/roles.list", Some(&user)).await;
    let roles = r.ok()["roles"].as_array().unwrap().clone();
    assert_eq!(roles.len(), 12);
    assert!(
        roles.contains(&json!({"_id": "admin", "name": "admin", "scope": "Users",
        "description": "Admin", "protected": true, "mandatory2fa": false}))
    );
    assert!(roles.contains(
        &json!({"_id": "moderator", "name": "moderator", "scope": "Subscriptions",
        "description": "Moderator", "protected": true, "mandatory2fa": false})
    ));
    assert!(roles.iter().all(|r| r.get("_updatedAt").is_none()));
    assert_eq!(r.body.as_object().unwrap().len(), 2);
    app.get("/api/v1/roles.list", None)
        .await
        .assert(401, ApiError::Unauthenticated.body());
    // A custom role shows up at once.
    app.post(
        "/api/v1/roles.create",
        Some(&admin),
        json!({"name": "Support"}),
    )
    .await
    .ok();
    let r = app.get("/api/v1/roles.list", Some(&user)).await;
    assert!(r.ok()["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "Support" && r["protected"] == false));
}

#[tokio::test]
async fn get_users_in_role_answers_holders_sorted_with_total() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    for name in ["zed", "amy", "Bob", "carl"] {
        app.insert_user(name, "pw-1", &["user", "livechat-agent"])
            .await;
    }
    // Inactive users are included.
    sqlx::query("UPDATE users SET active = false WHERE username = 'carl'")
        .execute(app.db())
        .await
        .unwrap();
    let r = app
        .get(
            "/api/v1/roles.getUsersInRole?role=livechat-agent",
            Some(&admin),
        )
        .await;
    let b = r.ok();
    assert_eq!(b["total"], 4);
    assert!(b.get("count").is_none() && b.get("offset").is_none());
    let names: Vec<&str> = b["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bob", "amy", "carl", "zed"]);
    let amy = &b["users"][1];
    let keys: Vec<&str> = amy
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "_id",
            "name",
            "username",
            "emails",
            "createdAt",
            "_updatedAt"
        ]
    );
    assert_eq!(
        amy["emails"],
        json!([{"address": "amy@rc-users.test", "verified": false}])
    );
    assert_no_secrets(b, &[]);

    // Pagination.
    let r = app
        .get(
            "/api/v1/roles.getUsersInRole?role=livechat-agent&count=2&offset=1",
            Some(&admin),
        )
        .await;
    let b = r.ok();
    assert_eq!(b["total"], 4);
    let names: Vec<&str> = b["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["amy", "carl"]);

    // users.getUsersOfRole is the same endpoint.
    let a = app
        .get("/api/v1/roles.getUsersInRole?role=admin", Some(&admin))
        .await;
    let b = app
        .get("/api/v1/users.getUsersOfRole?role=admin", Some(&admin))
        .await;
    assert_eq!(a.ok(), b.ok());
    assert_eq!(a.body["total"], 1);
    assert_eq!(a.body["users"][0]["username"], ADMIN_USER);
}

#[tokio::test]
async fn get_users_in_role_errors() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("plain").await;
    for path in [
        "/api/v1/roles.getUsersInRole?role=admin",
        "/api/v1/users.getUsersOfRole?role=admin",
    ] {
        app.get(path, Some(&user)).await.assert(403, forbidden());
        app.get(path, None)
            .await
            .assert(401, ApiError::Unauthenticated.body());
    }
    app.get("/api/v1/roles.getUsersInRole", Some(&admin))
        .await
        .assert(
            400,
            coded(
                "error-param-not-provided",
                "Query param \"role\" is required",
            ),
        );
    app.get("/api/v1/users.getUsersOfRole?role=", Some(&admin))
        .await
        .assert(
            400,
            coded(
                "error-param-not-provided",
                "Query param \"role\" is required",
            ),
        );
    app.get("/api/v1/roles.getUsersInRole?role=nope", Some(&admin))
        .await
        .assert(
            400,
            json!({"success": false, "error": "[error-invalid-roleId]", "errorType": "error-invalid-roleId"}),
        );
    // The role *name* of a custom role is not its id.
    app.post(
        "/api/v1/roles.create",
        Some(&admin),
        json!({"name": "Custom"}),
    )
    .await
    .ok();
    app.get("/api/v1/roles.getUsersInRole?role=Custom", Some(&admin))
        .await
        .assert(
            400,
            json!({"success": false, "error": "[error-invalid-roleId]", "errorType": "error-invalid-roleId"}),
        );
    // roomId needs view-other-user-channels (checked inside the logic: 400).
    app.set_permission("view-other-user-channels", &[]).await;
    app.get(
        "/api/v1/roles.getUsersInRole?role=moderator&roomId=GENERAL",
        Some(&admin),
    )
    .await
    .assert(400, coded("error-not-allowed", "Not allowed"));
    app.get("/api/v1/roles.getUsersInRole?role=admin&count=x", Some(&admin))
        .await
        .assert(
            400,
            json!({"success": false, "error": "must be number [invalid-params]", "errorType": "invalid-params"}),
        );
}

#[tokio::test]
async fn get_users_in_room_role() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let ann = app.insert_user("ann", "pw-1", &["user"]).await;
    let ben = app.insert_user("ben", "pw-1", &["user"]).await;
    join(&app, &ann, "room-a", Some(&["moderator"])).await;
    join(&app, &ben, "room-b", Some(&["moderator", "owner"])).await;
    join(&app, &ben, "room-a", None).await;
    let names = |b: &Value| -> Vec<String> {
        b["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = app
        .get("/api/v1/roles.getUsersInRole?role=moderator", Some(&admin))
        .await;
    assert_eq!(names(r.ok()), ["ann", "ben"]);
    assert_eq!(r.body["total"], 2);
    let r = app
        .get(
            "/api/v1/roles.getUsersInRole?role=moderator&roomId=room-a",
            Some(&admin),
        )
        .await;
    assert_eq!(names(r.ok()), ["ann"]);
    assert_eq!(r.body["total"], 1);
    // A global role ignores roomId.
    let r = app
        .get(
            "/api/v1/roles.getUsersInRole?role=admin&roomId=room-a",
            Some(&admin),
        )
        .await;
    assert_eq!(names(r.ok()), [ADMIN_USER]);
}

#[tokio::test]
async fn add_user_to_role_global_and_room() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.insert_user("bob", "pw-1", &["user"]).await;
    let r = app
        .post(
            "/api/v1/roles.addUserToRole",
            Some(&admin),
            json!({"username": "BOB", "roleId": "livechat-agent"}),
        )
        .await;
    let role = &r.ok()["role"];
    assert_eq!(role["_id"], "livechat-agent");
    assert_eq!(role["scope"], "Users");
    assert_eq!(role["description"], "Livechat Agent");
    assert!(role["_updatedAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(user_roles(&app, "bob").await, ["user", "livechat-agent"]);
    // The holder shows up at once.
    let r = app
        .get(
            "/api/v1/roles.getUsersInRole?role=livechat-agent",
            Some(&admin),
        )
        .await;
    assert_eq!(r.ok()["users"][0]["_id"], bob.as_str());

    // A room role goes to the membership.
    join(&app, &bob, "team-room", None).await;
    app.post(
        "/api/v1/roles.addUserToRole",
        Some(&admin),
        json!({"username": "bob", "roleId": "moderator", "roomId": "team-room"}),
    )
    .await
    .ok();
    assert_eq!(
        subscription_roles(&app, &bob, "team-room").await,
        Some(vec!["moderator".to_owned()])
    );
    assert_eq!(user_roles(&app, "bob").await, ["user", "livechat-agent"]);
    // A room role without a room: answered with the role, nothing changes (Rocket.Chat).
    let r = app
        .post(
            "/api/v1/roles.addUserToRole",
            Some(&admin),
            json!({"username": "bob", "roleId": "leader"}),
        )
        .await;
    assert_eq!(r.ok()["role"]["_id"], "leader");
    assert_eq!(
        subscription_roles(&app, &bob, "team-room").await,
        Some(vec!["moderator".to_owned()])
    );
    assert_eq!(user_roles(&app, "bob").await, ["user", "livechat-agent"]);
    // Not a member of that room.
    app.post(
        "/api/v1/roles.addUserToRole",
        Some(&admin),
        json!({"username": "bob", "roleId": "owner", "roomId": "GENERAL-nope"}),
    )
    .await
    .assert(
        400,
        json!({"success": false, "error": "User is not part of given room [error-invalid-user]",
               "errorType": "error-invalid-user", "details": {"method": "authorization:addUserToRole"}}),
    );
    // Already in the room role.
    app.post(
        "/api/v1/roles.addUserToRole",
        Some(&admin),
        json!({"username": "bob", "roleId": "moderator", "roomId": "team-room"}),
    )
    .await
    .assert(
        400,
        coded("error-user-already-in-role", "User already in role"),
    );
}

#[tokio::test]
async fn add_user_to_role_errors_in_rocket_chat_order() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("asker").await;
    app.insert_user("target", "pw-1", &["user"]).await;
    let post = |auth: Auth, body: Value| {
        let app = &app;
        async move {
            app.post("/api/v1/roles.addUserToRole", Some(&auth), body)
                .await
        }
    };
    post(admin.clone(), json!({"roleId": "user"})).await.assert(
        400,
        json!({"success": false, "error": "must have required property 'username' [invalid-params]", "errorType": "invalid-params"}),
    );
    post(admin.clone(), json!({"username": "target", "roleId": "user", "x": 1}))
        .await
        .assert(
            400,
            json!({"success": false, "error": "must NOT have additional properties [invalid-params]", "errorType": "invalid-params"}),
        );
    post(
        admin.clone(),
        json!({"username": "ghost", "roleId": "user"}),
    )
    .await
    .assert(
        400,
        coded(
            "error-invalid-user",
            "The required \"userId\" or \"username\" param provided does not match any users",
        ),
    );
    post(admin.clone(), json!({"username": " ", "roleId": "user"}))
        .await
        .assert(
            400,
            coded(
                "error-user-param-not-provided",
                "The required \"userId\" or \"username\" param was not provided",
            ),
        );
    post(admin.clone(), json!({"username": "target"}))
        .await
        .assert(
            400,
            json!({"success": false, "error": "error-invalid-role-properties"}),
        );
    // Unknown role: error and errorType swapped, as in Rocket.Chat.
    post(
        admin.clone(),
        json!({"username": "target", "roleId": "nope"}),
    )
    .await
    .assert(
        400,
        json!({"success": false, "error": "error-role-not-found", "errorType": "Role not found"}),
    );
    // "Already in role" comes before the permission check: a regular user can probe.
    post(
        user.clone(),
        json!({"username": "target", "roleId": "user"}),
    )
    .await
    .assert(
        400,
        coded("error-user-already-in-role", "User already in role"),
    );
    post(user.clone(), json!({"username": "target", "roleId": "bot"}))
        .await
        .assert(
            400,
            json!({"success": false, "error": "Accessing permissions is not allowed [error-action-not-allowed]",
                   "errorType": "error-action-not-allowed",
                   "details": {"method": "authorization:addUserToRole", "action": "Accessing_permissions"}}),
        );
    assert_eq!(user_roles(&app, "target").await, ["user"]);
    // Giving admin needs assign-admin-role too.
    app.set_permission("assign-admin-role", &[]).await;
    post(admin.clone(), json!({"username": "target", "roleId": "admin"}))
        .await
        .assert(
            400,
            json!({"success": false, "error": "Assigning admin is not allowed [error-action-not-allowed]",
                   "errorType": "error-action-not-allowed",
                   "details": {"method": "authorization:addUserToRole", "action": "Assign_admin"}}),
        );
    assert_eq!(user_roles(&app, "target").await, ["user"]);
    app.set_permission("assign-admin-role", &["admin"]).await;
    post(
        admin.clone(),
        json!({"username": "target", "roleId": "admin"}),
    )
    .await
    .ok();
    assert_eq!(user_roles(&app, "target").await, ["user", "admin"]);
    app.post("/api/v1/roles.addUserToRole", None, json!({}))
        .await
        .assert(401, ApiError::Unauthenticated.body());
}

#[tokio::test]
async fn remove_user_from_role_and_its_errors() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("nobody-special").await;
    let eve = app
        .insert_user("eve", "pw-1", &["user", "livechat-agent"])
        .await;
    let post = |auth: &Auth, body: Value| {
        let app = &app;
        let auth = auth.clone();
        async move {
            app.post("/api/v1/roles.removeUserFromRole", Some(&auth), body)
                .await
        }
    };
    post(
        &user,
        json!({"username": "eve", "roleId": "livechat-agent"}),
    )
    .await
    .assert(403, forbidden());
    post(&admin, json!({"roleId": "livechat-agent"}))
        .await
        .assert(
            400,
            json!({"success": false, "error": "must have required property 'username' [invalid-params]", "errorType": "invalid-params"}),
        );
    post(&admin, json!({"username": "eve"})).await.assert(
        400,
        json!({"success": false, "error": "error-invalid-role-properties"}),
    );
    // Exact, case-sensitive username.
    post(
        &admin,
        json!({"username": "EVE", "roleId": "livechat-agent"}),
    )
    .await
    .assert(
        400,
        coded("error-invalid-user", "There is no user with this username"),
    );
    post(&admin, json!({"username": "eve", "roleId": "nope"}))
        .await
        .assert(
            400,
            coded("error-invalid-roleId", "This role does not exist"),
        );
    post(&admin, json!({"username": "eve", "roleId": "bot"}))
        .await
        .assert(
            400,
            coded("error-user-not-in-role", "User is not in this role"),
        );
    let r = post(
        &admin,
        json!({"username": "eve", "roleId": "livechat-agent"}),
    )
    .await;
    assert_eq!(r.ok()["role"]["_id"], "livechat-agent");
    assert_eq!(user_roles(&app, "eve").await, ["user"]);

    // Room roles are addressed with `scope`; `roomId` is ignored.
    join(&app, &eve, "ops", Some(&["owner"])).await;
    post(
        &admin,
        json!({"username": "eve", "roleId": "owner", "roomId": "ops"}),
    )
    .await
    .assert(
        400,
        coded("error-user-not-in-role", "User is not in this role"),
    );
    post(
        &admin,
        json!({"username": "eve", "roleId": "owner", "scope": "ops"}),
    )
    .await
    .ok();
    assert_eq!(
        subscription_roles(&app, &eve, "ops").await,
        Some(Vec::<String>::new())
    );
}

#[tokio::test]
async fn the_last_admin_keeps_the_admin_role() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.post(
        "/api/v1/roles.removeUserFromRole",
        Some(&admin),
        json!({"username": ADMIN_USER, "roleId": "admin"}),
    )
    .await
    .assert(
        400,
        coded(
            "error-admin-required",
            "You need to have at least one admin",
        ),
    );
    assert_eq!(user_roles(&app, ADMIN_USER).await, ["admin"]);

    // Two admins removing each other at the same time: exactly one succeeds.
    app.insert_user("second", "pw-2", &["admin"]).await;
    let second = app.login("second", "pw-2").await;
    let (a, b) = tokio::join!(
        app.post(
            "/api/v1/roles.removeUserFromRole",
            Some(&admin),
            json!({"username": "second", "roleId": "admin"}),
        ),
        app.post(
            "/api/v1/roles.removeUserFromRole",
            Some(&second),
            json!({"username": ADMIN_USER, "roleId": "admin"}),
        ),
    );
    let statuses = [a.status.as_u16(), b.status.as_u16()];
    assert!(
        statuses == [200, 400]
            || statuses == [200, 403]
            || statuses == [400, 200]
            || statuses == [403, 200],
        "{statuses:?} {} {}",
        a.body,
        b.body
    );
    let admins: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE roles @> ARRAY['admin']")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn delete_role_rules_and_tombstone() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("deleter").await;
    let post = |auth: &Auth, body: Value| {
        let app = &app;
        let auth = auth.clone();
        async move { app.post("/api/v1/roles.delete", Some(&auth), body).await }
    };
    post(&user, json!({"roleId": "bot"}))
        .await
        .assert(403, forbidden());
    post(&admin, json!({})).await.assert(
        400,
        json!({"success": false, "error": "must have required property 'roleId' [invalid-params]", "errorType": "invalid-params"}),
    );
    post(&admin, json!({"roleId": "nope"})).await.assert(
        400,
        coded("error-invalid-roleId", "This role does not exist"),
    );
    for protected in ["admin", "user", "bot", "guest", "moderator", "owner"] {
        post(&admin, json!({"roleId": protected})).await.assert(
            400,
            coded("error-role-protected", "Cannot delete a protected role"),
        );
    }
    let before = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let id = app
        .post(
            "/api/v1/roles.create",
            Some(&admin),
            json!({"name": "Temp"}),
        )
        .await
        .ok()["role"]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let room_role = app
        .post(
            "/api/v1/roles.create",
            Some(&admin),
            json!({"name": "RoomTemp", "scope": "Subscriptions"}),
        )
        .await
        .ok()["role"]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // In use globally, then in a room.
    let holder = app
        .insert_user("holder", "pw-1", &["user", id.as_str()])
        .await;
    post(&admin, json!({"roleId": id})).await.assert(
        400,
        coded(
            "error-role-in-use",
            "Cannot delete role because it's in use",
        ),
    );
    join(&app, &holder, "r1", Some(&[room_role.as_str()])).await;
    post(&admin, json!({"roleId": "RoomTemp"})).await.assert(
        400,
        coded(
            "error-role-in-use",
            "Cannot delete role because it's in use",
        ),
    );
    sqlx::query("UPDATE users SET roles = ARRAY['user'] WHERE id = $1")
        .bind(&holder)
        .execute(app.db())
        .await
        .unwrap();
    // A permission lists the role: deleting drops it there too.
    app.post(
        "/api/v1/permissions.update",
        Some(&admin),
        json!({"permissions": [{"_id": "view-user-administration", "roles": ["admin", id]}]}),
    )
    .await
    .ok();
    // By name works as well as by id.
    post(&admin, json!({"roleId": "Temp"}))
        .await
        .assert(200, json!({"success": true}));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM roles WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(left, 0);
    let perm: Vec<String> =
        sqlx::query_scalar("SELECT roles FROM permissions WHERE id = 'view-user-administration'")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(perm, ["admin"]);
    // roles.sync reports the deletion.
    let since = rc_users::view::iso(&before);
    let r = app
        .get(
            &format!("/api/v1/roles.sync?updatedSince={since}"),
            Some(&user),
        )
        .await;
    let b = r.ok();
    let removed = b["roles"]["remove"].as_array().unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["_id"], id.as_str());
    assert!(removed[0]["_deletedAt"].as_str().unwrap().ends_with('Z'));
    let updated: Vec<&str> = b["roles"]["update"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["_id"].as_str().unwrap())
        .collect();
    assert_eq!(updated, [room_role.as_str()]);
}

#[tokio::test]
async fn create_custom_roles() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("creator").await;
    let r = app
        .post(
            "/api/v1/roles.create",
            Some(&admin),
            json!({"name": "Helpdesk", "description": "First line", "mandatory2fa": true}),
        )
        .await;
    let role = r.ok()["role"].clone();
    let id = role["_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 17);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        role,
        json!({"_id": id, "name": "Helpdesk", "scope": "Users", "description": "First line",
               "protected": false, "mandatory2fa": true, "_updatedAt": role["_updatedAt"]})
    );
    let row: (String, String, String, bool, bool) = sqlx::query_as(
        "SELECT name, scope, description, protected, mandatory2fa FROM roles WHERE id = $1",
    )
    .bind(&id)
    .fetch_one(app.db())
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "Helpdesk".into(),
            "Users".into(),
            "First line".into(),
            false,
            true
        )
    );
    // Defaults and nulls.
    let r = app
        .post(
            "/api/v1/roles.create",
            Some(&admin),
            json!({"name": "RoomHelper", "scope": "Subscriptions", "description": null}),
        )
        .await;
    let role = &r.ok()["role"];
    assert_eq!(role["scope"], "Subscriptions");
    assert_eq!(role["description"], "");
    assert_eq!(role["mandatory2fa"], false);

    let dup = coded(
        "error-duplicate-role-names-not-allowed",
        "Role name already exists",
    );
    for name in ["Helpdesk", "admin", id.as_str()] {
        app.post("/api/v1/roles.create", Some(&admin), json!({"name": name}))
            .await
            .assert(400, dup.clone());
    }
    let invalid = coded(
        "error-invalid-role-properties",
        "The role properties are invalid.",
    );
    for body in [
        json!({}),
        json!({"name": "X", "scope": "Rooms"}),
        json!({"name": "X", "extra": 1}),
        json!({"name": {"a": 1}}),
        json!({"name": "X", "mandatory2fa": "maybe"}),
        json!({"name": ""}),
    ] {
        app.post("/api/v1/roles.create", Some(&admin), body.clone())
            .await
            .assert(400, invalid.clone());
        // The body is checked before the permission, as in Rocket.Chat.
        app.post("/api/v1/roles.create", Some(&user), body)
            .await
            .assert(400, invalid.clone());
    }
    app.post("/api/v1/roles.create", Some(&user), json!({"name": "Mine"}))
        .await
        .assert(
            400,
            coded(
                "error-action-not-allowed",
                "Accessing permissions is not allowed",
            ),
        );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM roles WHERE name = 'Mine'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(n, 0);
    // The new role can be given at once.
    app.insert_user("helper", "pw-1", &["user"]).await;
    app.post(
        "/api/v1/roles.addUserToRole",
        Some(&admin),
        json!({"username": "helper", "roleId": id}),
    )
    .await
    .ok();
    assert_eq!(
        user_roles(&app, "helper").await,
        vec!["user".to_owned(), id]
    );
}

#[tokio::test]
async fn update_roles() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("updater").await;
    let id = app
        .post(
            "/api/v1/roles.create",
            Some(&admin),
            json!({"name": "Old", "description": "d", "scope": "Subscriptions", "mandatory2fa": true}),
        )
        .await
        .ok()["role"]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/api/v1/roles.create",
        Some(&admin),
        json!({"name": "Taken"}),
    )
    .await
    .ok();
    // Omitted scope means "Users", omitted description "", omitted mandatory2fa keeps.
    let r = app
        .post(
            "/api/v1/roles.update",
            Some(&admin),
            json!({"roleId": id, "name": "New"}),
        )
        .await;
    let role = r.ok()["role"].clone();
    assert_eq!(role["_id"], id.as_str());
    assert_eq!(role["name"], "New");
    assert_eq!(role["scope"], "Users");
    assert_eq!(role["description"], "");
    assert_eq!(role["mandatory2fa"], true);
    assert_eq!(role["protected"], false);
    let stored: (String, String) = sqlx::query_as("SELECT name, scope FROM roles WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(stored, ("New".into(), "Users".into()));
    // An empty name keeps the current one.
    let r = app
        .post(
            "/api/v1/roles.update",
            Some(&admin),
            json!({"roleId": id, "name": "", "description": "again", "mandatory2fa": false}),
        )
        .await;
    assert_eq!(r.ok()["role"]["name"], "New");
    assert_eq!(r.body["role"]["description"], "again");
    assert_eq!(r.body["role"]["mandatory2fa"], false);

    app.post(
        "/api/v1/roles.update",
        Some(&admin),
        json!({"roleId": id, "name": "Taken"}),
    )
    .await
    .assert(
        400,
        coded(
            "error-duplicate-role-names-not-allowed",
            "Role name already exists",
        ),
    );
    app.post(
        "/api/v1/roles.update",
        Some(&admin),
        json!({"roleId": "nope", "name": "x"}),
    )
    .await
    .assert(
        400,
        coded("error-invalid-roleId", "This role does not exist"),
    );
    // Protected roles: the description may change, the name and scope may not.
    let r = app
        .post(
            "/api/v1/roles.update",
            Some(&admin),
            json!({"roleId": "user", "name": "user", "description": "Everyone"}),
        )
        .await;
    assert_eq!(r.ok()["role"]["description"], "Everyone");
    assert_eq!(r.body["role"]["protected"], true);
    for body in [
        json!({"roleId": "admin", "name": "boss"}),
        // moderator is a room role: the omitted scope reads as "Users".
        json!({"roleId": "moderator", "name": "moderator"}),
    ] {
        app.post("/api/v1/roles.update", Some(&admin), body)
            .await
            .assert(400, coded("error-role-protected", "Role is protected"));
    }
    app.post(
        "/api/v1/roles.update",
        Some(&admin),
        json!({"roleId": "moderator", "name": "moderator", "scope": "Subscriptions", "description": "Mod"}),
    )
    .await
    .ok();
    let invalid = coded(
        "error-invalid-role-properties",
        "The role properties are invalid.",
    );
    for body in [
        json!({"name": "x"}),
        json!({"roleId": id}),
        json!({"roleId": id, "name": "x", "protected": true}),
    ] {
        app.post("/api/v1/roles.update", Some(&admin), body)
            .await
            .assert(400, invalid.clone());
    }
    app.post(
        "/api/v1/roles.update",
        Some(&user),
        json!({"roleId": id, "name": "Hacked"}),
    )
    .await
    .assert(
        400,
        coded(
            "error-action-not-allowed",
            "Accessing permissions is not allowed",
        ),
    );
    let name: String = sqlx::query_scalar("SELECT name FROM roles WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(name, "New");
}

#[tokio::test]
async fn roles_sync() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("syncer").await;
    app.get("/api/v1/roles.sync", Some(&user)).await.assert(
        200,
        json!({"roles": {"update": [], "remove": []}, "success": true}),
    );
    // Everything seeded counts as updated after 2000.
    let r = app
        .get("/api/v1/roles.sync?updatedSince=2000-01-01", Some(&user))
        .await;
    assert_eq!(r.ok()["roles"]["update"].as_array().unwrap().len(), 12);
    assert!(r.body["roles"]["update"][0]["_updatedAt"].is_string());
    let now = rc_users::view::iso(&chrono::Utc::now());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.post(
        "/api/v1/roles.update",
        Some(&admin),
        json!({"roleId": "bot", "name": "bot", "description": "Bots"}),
    )
    .await
    .ok();
    let r = app
        .get(
            &format!("/api/v1/roles.sync?updatedSince={now}"),
            Some(&user),
        )
        .await;
    let update = r.ok()["roles"]["update"].as_array().unwrap();
    assert_eq!(update.len(), 1);
    assert_eq!(update[0]["_id"], "bot");
    assert_eq!(update[0]["description"], "Bots");
    // The `_updatedAt` a client got back excludes that same row next time.
    let last = update[0]["_updatedAt"].as_str().unwrap().to_owned();
    let r = app
        .get(
            &format!("/api/v1/roles.sync?updatedSince={last}"),
            Some(&user),
        )
        .await;
    assert_eq!(r.ok()["roles"]["update"], json!([]));
    app.get("/api/v1/roles.sync?updatedSince=yesterday", Some(&user))
        .await
        .assert(
            400,
            coded(
                "error-updatedSince-param-invalid",
                "The \"updatedSince\" query parameter must be a valid date.",
            ),
        );
    app.get("/api/v1/roles.sync?since=2000-01-01", Some(&user))
        .await
        .assert(
            400,
            json!({"success": false, "error": "must NOT have additional properties [invalid-params]", "errorType": "invalid-params"}),
        );
    app.get("/api/v1/roles.sync", None)
        .await
        .assert(401, ApiError::Unauthenticated.body());
}

#[tokio::test]
async fn hostile_input_is_a_400_never_a_500() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let nul = json!({"success": false, "error": "Invalid characters in request"});
    for (path, body) in [
        ("/api/v1/roles.create", json!({"name": "a\u{0}b"})),
        (
            "/api/v1/roles.addUserToRole",
            json!({"username": "x\u{0}", "roleId": "user"}),
        ),
        (
            "/api/v1/roles.removeUserFromRole",
            json!({"username": "x\u{0}", "roleId": "user"}),
        ),
        ("/api/v1/roles.delete", json!({"roleId": "\u{0}"})),
        (
            "/api/v1/roles.update",
            json!({"roleId": "\u{0}", "name": "x"}),
        ),
        (
            "/api/v1/permissions.update",
            json!({"permissions": [{"_id": "\u{0}", "roles": []}]}),
        ),
        ("/api/v1/settings/Site_Name", json!({"value": "a\u{0}"})),
    ] {
        app.post(path, Some(&admin), body)
            .await
            .assert(400, nul.clone());
    }
    app.get("/api/v1/roles.getUsersInRole?role=%00", Some(&admin))
        .await
        .assert(400, nul.clone());
    app.get("/api/v1/roles.sync?updatedSince=%00", Some(&admin))
        .await
        .assert(
            400,
            coded(
                "error-updatedSince-param-invalid",
                "The \"updatedSince\" query parameter must be a valid date.",
            ),
        );
    app.get("/api/v1/settings/%00", Some(&admin))
        .await
        .assert(400, json!({"success": false}));
    for (path, ct, body) in [
        ("/api/v1/roles.create", "application/json", "{\"name\":"),
        ("/api/v1/permissions.update", "application/json", "[1,2]"),
        ("/api/v1/settings/Site_Name", "application/json", "nope"),
    ] {
        let r = app.post_raw(path, Some(&admin), ct, body).await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert_eq!(r.body["success"], false);
    }
    // Form bodies work like JSON ones.
    let r = app
        .post_raw(
            "/api/v1/roles.create",
            Some(&admin),
            "application/x-www-form-urlencoded",
            "name=FormRole&description=via+form",
        )
        .await;
    assert_eq!(r.ok()["role"]["description"], "via form");
}
