//! users.info and users.list: lookups, per-caller projections, rooms with unread counters,
//! pagination and the safe query/fields/sort.

use rc_users::db::rooms::{self, NewSubscription};
use rc_users::service::unread::{self, NewMessage};
use serde_json::{json, Value};

use crate::common::*;

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn info(app: &TestApp, auth: &Auth, qs: &str) -> Resp {
    app.get(&format!("/api/v1/users.info?{qs}"), Some(auth))
        .await
}

async fn list(app: &TestApp, auth: &Auth, qs: &str) -> Resp {
    app.get(&format!("/api/v1/users.list?{qs}"), Some(auth))
        .await
}

/// `/users.list?query=<json>` with the JSON URL-encoded.
async fn list_query(app: &TestApp, auth: &Auth, query: &str) -> Resp {
    list(app, auth, &format!("query={}", enc(query))).await
}

async fn sql(app: &TestApp, stmt: &str) {
    sqlx::query(stmt).execute(app.db()).await.unwrap();
}

/// The seeds' "Example User" (nSYqWzZ4GsKTX4dyK) and the admin example's "test.john".
async fn seed_examples(app: &TestApp) {
    sql(app, "INSERT INTO users (id, username, name, email, email_verified, type, status, active, roles, utc_offset, avatar_etag) \
        VALUES ('nSYqWzZ4GsKTX4dyK', 'example', 'Example User', 'example@example.com', true, 'user', 'offline', true, \
        ARRAY['user'], 0, 'GFoEi6wv3uAxnzDcD')").await;
    sql(app, "INSERT INTO users (id, username, name, email, email_verified, type, status, active, roles, utc_offset, \
        avatar_etag, created_at, last_login, status_connection, status_text, nickname, require_password_change) \
        VALUES ('5fRTXMt7DMJbpPJfh', 'test.john', 'Test John', 'test.john@test.com', true, 'user', 'offline', true, \
        ARRAY['user','admin'], 1, 'GFoEi6wv3uAxnzDcD', '2023-07-10T16:44:58.548Z', '2023-10-10T23:40:46.093Z', \
        'offline', '', 'tesuser2', false)").await;
    sql(app, "INSERT INTO users (id, username, name, type) VALUES ('rbAXPnMktTFbNpwtJ', 'roxie', 'Roxie', 'user')").await;
    for (id, name, t) in [
        ("JKa7R9zu2DinBhBN9", "Livestream", "c"),
        ("64adb09baa5ad4273bfc0cbf", "test-room", "c"),
        ("5fRTXMt7DMJbpPJfhrbAXPnMktTFbNpwtJ", "roxie", "d"),
        ("WDuJLFkjwk6L7LdFC", "new", "p"),
    ] {
        rooms::insert_room(app.db(), id, name, t, false)
            .await
            .unwrap();
    }
    // Inserted out of order on purpose: the answer sorts by t, then name (binary).
    for (id, rid, name, t, roles, unread) in [
        (
            "64ef8a982c26843a68c1f7ae",
            "WDuJLFkjwk6L7LdFC",
            "new",
            "p",
            Some(vec!["leader"]),
            0,
        ),
        (
            "g5xHGWAGLA7vZXwW8",
            "5fRTXMt7DMJbpPJfhrbAXPnMktTFbNpwtJ",
            "roxie",
            "d",
            None,
            2,
        ),
        (
            "64ac358a79f5c6e276cfe718",
            "GENERAL",
            "general",
            "c",
            None,
            0,
        ),
        (
            "64adb09baa5ad4273bfc0cc0",
            "64adb09baa5ad4273bfc0cbf",
            "test-room",
            "c",
            Some(vec!["owner"]),
            0,
        ),
        (
            "651667dda2f73c7460e18cce",
            "JKa7R9zu2DinBhBN9",
            "Livestream",
            "c",
            None,
            1,
        ),
    ] {
        rooms::insert_subscription(
            app.db(),
            &NewSubscription {
                id: id.into(),
                rid: rid.into(),
                user_id: "5fRTXMt7DMJbpPJfh".into(),
                name: name.into(),
                t: t.into(),
                roles: roles.map(|r| r.iter().map(|s| s.to_string()).collect()),
                unread,
                federated: None,
            },
        )
        .await
        .unwrap();
    }
}

fn admin_example() -> Value {
    json!({
        "_id": "5fRTXMt7DMJbpPJfh",
        "createdAt": "2023-07-10T16:44:58.548Z",
        "username": "test.john",
        "emails": [{"address": "test.john@test.com", "verified": true}],
        "type": "user",
        "status": "offline",
        "active": true,
        "roles": ["user", "admin"],
        "name": "Test John",
        "requirePasswordChange": false,
        "lastLogin": "2023-10-10T23:40:46.093Z",
        "statusConnection": "offline",
        "utcOffset": 1,
        "statusText": "",
        "avatarETag": "GFoEi6wv3uAxnzDcD",
        "nickname": "tesuser2",
        "canViewAllInfo": true,
        "rooms": [
            {"_id": "651667dda2f73c7460e18cce", "rid": "JKa7R9zu2DinBhBN9", "name": "Livestream", "t": "c", "unread": 1},
            {"_id": "64ac358a79f5c6e276cfe718", "rid": "GENERAL", "name": "general", "t": "c", "unread": 0},
            {"_id": "64adb09baa5ad4273bfc0cc0", "rid": "64adb09baa5ad4273bfc0cbf", "name": "test-room", "t": "c", "roles": ["owner"], "unread": 0},
            {"_id": "g5xHGWAGLA7vZXwW8", "rid": "5fRTXMt7DMJbpPJfhrbAXPnMktTFbNpwtJ", "name": "roxie", "t": "d", "unread": 2},
            {"_id": "64ef8a982c26843a68c1f7ae", "rid": "WDuJLFkjwk6L7LdFC", "name": "new", "t": "p", "roles": ["leader"], "unread": 0}
        ]
    })
}

#[tokio::test]
async fn info_reproduces_the_seed_examples() {
    let app = TestApp::new().await;
    seed_examples(&app).await;
    let admin = app.admin().await;
    let regular = app.user("regular").await;

    // Regular user looking at someone else: the public projection only.
    let r = info(&app, &regular, "userId=nSYqWzZ4GsKTX4dyK").await;
    r.assert(200, json!({"user": {
        "_id": "nSYqWzZ4GsKTX4dyK", "type": "user", "status": "offline", "active": true,
        "name": "Example User", "utcOffset": 0, "username": "example", "avatarETag": "GFoEi6wv3uAxnzDcD",
        "canViewAllInfo": false}, "success": true}));
    // The same by username.
    let r2 = info(&app, &regular, "username=example").await;
    assert_eq!(r2.body, r.body);

    // Admin with rooms: both the 7.x parameter and the legacy fields={"userRooms":1}.
    let expected = json!({"user": admin_example(), "success": true});
    info(
        &app,
        &admin,
        "userId=5fRTXMt7DMJbpPJfh&includeUserRooms=true",
    )
    .await
    .assert(200, expected.clone());
    info(
        &app,
        &admin,
        &format!(
            "userId=5fRTXMt7DMJbpPJfh&fields={}",
            enc(r#"{"userRooms": 1}"#)
        ),
    )
    .await
    .assert(200, expected.clone());
    // Key order of the rooms follows the reference.
    let r = info(
        &app,
        &admin,
        "userId=5fRTXMt7DMJbpPJfh&includeUserRooms=true",
    )
    .await;
    let keys: Vec<&String> = r.body["user"]["rooms"][2]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["_id", "rid", "name", "t", "roles", "unread"]);
    // Without the parameter (or with another value): no rooms.
    for qs in [
        "userId=5fRTXMt7DMJbpPJfh",
        "userId=5fRTXMt7DMJbpPJfh&includeUserRooms=1",
    ] {
        let mut e = admin_example();
        e.as_object_mut().unwrap().remove("rooms");
        info(&app, &admin, qs)
            .await
            .assert(200, json!({"user": e, "success": true}));
    }
    // A regular caller asking for someone else's rooms: silently omitted.
    let r = info(
        &app,
        &regular,
        "userId=5fRTXMt7DMJbpPJfh&includeUserRooms=true",
    )
    .await;
    assert!(r.ok()["user"].get("rooms").is_none());
    assert_eq!(r.body["user"]["canViewAllInfo"], false);
    assert!(r.body["user"].get("emails").is_none());
    // view-other-user-channels granted to users: rooms, still without the full info.
    app.set_permission("view-other-user-channels", &["admin", "user"])
        .await;
    let r = info(
        &app,
        &regular,
        "userId=5fRTXMt7DMJbpPJfh&includeUserRooms=true",
    )
    .await;
    assert_eq!(r.ok()["user"]["rooms"], admin_example()["rooms"]);
    assert!(r.body["user"].get("roles").is_none());
}

#[tokio::test]
async fn info_schema_errors_are_exact() {
    let app = TestApp::new().await;
    let auth = app.user("caller").await;
    let none = "must have required property 'userId'\n must have required property 'username'\n must have required property 'importId'\n must have required property 'email'\n must have required property 'freeSwitchExtension'\n must match a schema in anyOf [invalid-params]";
    for qs in ["", "includeUserRooms=true", "fields=%7B%7D"] {
        info(&app, &auth, qs).await.assert(
            400,
            json!({"success": false, "error": none, "errorType": "invalid-params"}),
        );
    }
    let two = "must NOT have additional properties\n must NOT have additional properties\n must have required property 'importId'\n must have required property 'email'\n must have required property 'freeSwitchExtension'\n must match a schema in anyOf [invalid-params]";
    info(&app, &auth, "userId=a&username=b").await.assert(
        400,
        json!({"success": false, "error": two, "errorType": "invalid-params"}),
    );
    let unknown = "must NOT have additional properties\n must have required property 'username'\n must have required property 'importId'\n must have required property 'email'\n must have required property 'freeSwitchExtension'\n must match a schema in anyOf [invalid-params]";
    info(&app, &auth, "userId=x&foo=1").await.assert(
        400,
        json!({"success": false, "error": unknown, "errorType": "invalid-params"}),
    );
    let repeated = "must be string\n must have required property 'username'\n must have required property 'importId'\n must have required property 'email'\n must have required property 'freeSwitchExtension'\n must match a schema in anyOf [invalid-params]";
    info(&app, &auth, "userId=a&userId=b").await.assert(
        400,
        json!({"success": false, "error": repeated, "errorType": "invalid-params"}),
    );
    for qs in [
        "userId=",
        "username=",
        "email=",
        "importId=",
        "freeSwitchExtension=",
    ] {
        info(&app, &auth, qs).await.assert(
            400,
            json!({"success": false, "error": "Invalid search query."}),
        );
    }
    for qs in [
        "userId=nope",
        "username=nope",
        "freeSwitchExtension=999",
        "username=CALLER",
    ] {
        info(&app, &auth, qs)
            .await
            .assert(400, json!({"success": false, "error": "User not found."}));
    }
    let r = info(
        &app,
        &auth,
        &format!("userId={}&fields=%7Boops", auth.user_id),
    )
    .await;
    r.assert(400, json!({"success": false, "error": "Invalid fields parameter provided: \"{oops\" [error-invalid-fields]",
        "errorType": "error-invalid-fields", "details": {"helperMethod": "parseJsonQuery"}}));
    // Not logged in.
    let r = app.get("/api/v1/users.info?userId=x", None).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn info_lookups_and_probing() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let alice_id = app.insert_user("alice", "pw-alice-1", &["user"]).await;
    sql(&app, &format!("UPDATE users SET import_ids = ARRAY['imp-1'], free_switch_extension = '1234' WHERE id = '{alice_id}'")).await;
    // Hidden from a regular caller: e-mail and import-id lookups look like "not found".
    for qs in ["email=alice@rc-users.test", "importId=imp-1"] {
        info(&app, &bob, qs)
            .await
            .assert(400, json!({"success": false, "error": "User not found."}));
        let r = info(&app, &admin, qs).await;
        assert_eq!(r.ok()["user"]["_id"], alice_id.as_str());
        assert_eq!(r.body["user"]["importIds"], json!(["imp-1"]));
    }
    // E-mail lookups are trimmed and case-insensitive.
    let r = info(
        &app,
        &admin,
        &format!("email={}", enc(" ALICE@rc-users.test ")),
    )
    .await;
    assert_eq!(r.ok()["user"]["username"], "alice");
    // Username matches username or _id, exactly.
    assert_eq!(
        info(&app, &bob, &format!("username={alice_id}")).await.ok()["user"]["username"],
        "alice"
    );
    info(&app, &bob, "username=ALICE")
        .await
        .assert(400, json!({"success": false, "error": "User not found."}));
    let r = info(&app, &bob, "freeSwitchExtension=1234").await;
    assert_eq!(r.ok()["user"]["freeSwitchExtension"], "1234");
    assert!(r.body["user"].get("importIds").is_none());
    // Own e-mail: allowed (self), full view.
    let r = info(&app, &bob, "email=bob@rc-users.test").await;
    assert_eq!(r.ok()["user"]["canViewAllInfo"], true);
    assert_eq!(r.body["user"]["services"], json!({"password": true}));
}

#[tokio::test]
async fn info_self_view_and_rooms() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    sql(&app, &format!("UPDATE users SET email2fa_enabled = true, email2fa_changed_at = '2023-07-10T16:44:58.546Z' WHERE id = '{}'", bob.user_id)).await;
    rooms::insert_subscription(
        app.db(),
        &NewSubscription {
            id: "sub-1".into(),
            rid: "GENERAL".into(),
            user_id: bob.user_id.clone(),
            name: "general".into(),
            t: "c".into(),
            roles: Some(vec![]),
            unread: 3,
            federated: Some(false),
        },
    )
    .await
    .unwrap();
    for qs in [
        format!("userId={}&includeUserRooms=true", bob.user_id),
        "username=bob&includeUserRooms=true".to_string(),
    ] {
        let r = info(&app, &bob, &qs).await;
        let u = &r.ok()["user"];
        assert_eq!(u["canViewAllInfo"], true);
        assert_eq!(
            u["services"],
            json!({"password": true, "email2fa": {"enabled": true, "changedAt": "2023-07-10T16:44:58.546Z"}})
        );
        assert_eq!(
            u["emails"],
            json!([{"address": "bob@rc-users.test", "verified": false}])
        );
        assert_eq!(u["roles"], json!(["user"]));
        // Own rooms without view-other-user-channels; empty roles kept, federated when present.
        assert_eq!(
            u["rooms"],
            json!([{"_id": "sub-1", "rid": "GENERAL", "name": "general", "t": "c", "roles": [], "unread": 3, "federated": false}])
        );
        assert_no_secrets(&r.body, &[&bob.token]);
    }
}

#[tokio::test]
async fn info_custom_fields_and_fields_param() {
    let app = TestApp::new().await;
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"clearance":{"type":"text","public":true},"salary":{"type":"text"}}"#),
    )
    .await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let id = app.insert_user("carol", "pw-carol-1", &["user"]).await;
    sql(&app, &format!(r#"UPDATE users SET custom_fields = '{{"clearance":"High","salary":"100"}}' WHERE id = '{id}'"#)).await;
    let r = info(&app, &bob, &format!("userId={id}")).await;
    assert_eq!(r.ok()["user"]["customFields"], json!({"clearance": "High"}));
    let r = info(&app, &admin, &format!("userId={id}")).await;
    assert_eq!(
        r.ok()["user"]["customFields"],
        json!({"clearance": "High", "salary": "100"})
    );
    // fields: exclusions honoured, hidden inclusions ignored.
    let r = info(
        &app,
        &bob,
        &format!(
            "userId={id}&fields={}",
            enc(r#"{"name":0,"services":1,"emails":1,"customFields.salary":1}"#)
        ),
    )
    .await;
    let u = r.ok()["user"].as_object().unwrap();
    assert!(!u.contains_key("name") && !u.contains_key("services") && !u.contains_key("emails"));
    assert_eq!(u["username"], "carol");
}

#[tokio::test]
async fn no_secrets_for_any_caller_class() {
    let app = TestApp::new().await;
    seed_examples(&app).await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let admin_id = admin.user_id.clone();
    let everything = enc(
        r#"{"services":1,"emails":1,"roles":1,"settings":1,"importIds":1,"customFields":1,"inviteToken":1,"userRooms":1}"#,
    );
    let mut requests = vec![];
    for (auth, who) in [(&admin, "admin"), (&bob, "bob")] {
        for target in [admin_id.as_str(), bob.user_id.as_str(), "5fRTXMt7DMJbpPJfh"] {
            requests.push((
                auth.clone(),
                format!("/api/v1/users.info?userId={target}&includeUserRooms=true"),
            ));
            requests.push((
                auth.clone(),
                format!("/api/v1/users.info?userId={target}&fields={everything}"),
            ));
        }
        requests.push((auth.clone(), format!("/api/v1/users.info?username={who}")));
        requests.push((
            auth.clone(),
            format!("/api/v1/users.list?count=0&fields={everything}"),
        ));
        requests.push((
            auth.clone(),
            format!(
                "/api/v1/users.list?query={}",
                enc(r#"{"services.resume":{"$exists":true}}"#)
            ),
        ));
    }
    for (auth, path) in &requests {
        let r = app.get(path, Some(auth)).await;
        assert!(r.status == 200 || r.status == 400, "{path}: {}", r.status);
        assert_no_secrets(
            &r.body,
            &[
                &admin.token,
                &bob.token,
                &rc_users::auth::token::hash_token(&bob.token),
            ],
        );
    }
    // Anonymous.
    for path in [
        "/api/v1/users.info?userId=5fRTXMt7DMJbpPJfh",
        "/api/v1/users.list",
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, 401);
        assert_no_secrets(&r.body, &[]);
    }
}

#[tokio::test]
async fn list_default_projection_total_and_permissions() {
    let app = TestApp::new().await;
    seed_examples(&app).await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    // rocket.cat, admin, example, test.john, roxie, bob
    let r = list(&app, &bob, "").await;
    let b = r.ok();
    assert_eq!(b["total"], 6);
    assert_eq!(b["count"], 6);
    assert_eq!(b["offset"], 0);
    let names: Vec<&str> = b["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "admin",
            "bob",
            "example",
            "rocket.cat",
            "roxie",
            "test.john"
        ]
    );
    let keys: Vec<&String> = b["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "example")
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let mut keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_id",
            "active",
            "avatarETag",
            "name",
            "nameInsensitive",
            "status",
            "type",
            "username"
        ]
    );
    let cat = b["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "rocket.cat")
        .unwrap();
    assert_eq!(
        cat,
        &json!({"_id": "rocket.cat", "username": "rocket.cat", "type": "bot", "status": "online", "active": true, "name": "Rocket.Cat", "nameInsensitive": "rocket.cat"})
    );
    // Admin: plus emails, roles, lastLogin.
    let r = list(&app, &admin, "").await;
    let john = r.ok()["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "test.john")
        .unwrap()
        .clone();
    assert_eq!(
        john,
        json!({"_id": "5fRTXMt7DMJbpPJfh", "username": "test.john", "emails": [{"address": "test.john@test.com", "verified": true}],
        "type": "user", "status": "offline", "active": true, "roles": ["user", "admin"], "name": "Test John",
        "avatarETag": "GFoEi6wv3uAxnzDcD", "lastLogin": "2023-10-10T23:40:46.093Z", "nameInsensitive": "test john"})
    );
    // Users with neither username nor name: only privileged callers list those with an e-mail.
    sql(
        &app,
        "INSERT INTO users (id, email) VALUES ('mailonly', 'm@x.y')",
    )
    .await;
    assert_eq!(list(&app, &bob, "").await.ok()["total"], 6);
    assert_eq!(list(&app, &admin, "").await.ok()["total"], 7);
    // The maintained counter follows deletes.
    sql(&app, "DELETE FROM users WHERE id = 'nSYqWzZ4GsKTX4dyK'").await;
    assert_eq!(list(&app, &bob, "").await.ok()["total"], 5);
    // Unknown parameters are ignored.
    assert_eq!(
        list(
            &app,
            &bob,
            "name%5B%24regex%5D=g&sort=%7B%22createdAt%22%3A-1%7D"
        )
        .await
        .ok()["total"],
        5
    );
    // email filter: privileged only, exact and case-insensitive.
    list(&app, &bob, "email=test.john@test.com")
        .await
        .assert(403, json!({"success": false, "error": "unauthorized"}));
    let r = list(&app, &admin, "email=TEST.JOHN@test.com").await;
    assert_eq!(r.ok()["total"], 1);
    assert_eq!(r.body["users"][0]["username"], "test.john");
    assert_eq!(
        list(&app, &admin, "email=test.john@test").await.ok()["total"],
        0
    );
    list(&app, &admin, "email=").await.assert(400, json!({"success": false, "error": "must NOT have fewer than 1 characters [invalid-params]", "errorType": "invalid-params"}));
    list(&app, &admin, "count=abc").await.assert(400, json!({"success": false, "error": "must be number [invalid-params]", "errorType": "invalid-params"}));
    // view-outside-room gate, when the setting applies it.
    app.set_setting(
        "API_Apply_permission_view-outside-room_on_users-list",
        json!(true),
    )
    .await;
    app.set_permission("view-outside-room", &["admin"]).await;
    list(&app, &bob, "")
        .await
        .assert(403, json!({"success": false, "error": "unauthorized"}));
    list(&app, &admin, "").await.ok();
    // Route permission.
    app.set_permission("view-d-room", &["admin"]).await;
    list(&app, &bob, "").await.assert(403, json!({"success": false, "error": "User does not have the permissions required for this action [error-unauthorized]"}));
}

#[tokio::test]
async fn list_pagination_and_sort() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    sql(&app, "INSERT INTO users (id, username, name, utc_offset, created_at) \
        SELECT 'gen' || lpad(i::text, 4, '0'), 'u' || lpad(i::text, 4, '0'), CASE WHEN i % 2 = 0 THEN 'Name ' || i END, i % 5, \
        '2024-01-01T00:00:00Z'::timestamptz + i * interval '1 hour' FROM generate_series(1, 300) i").await;
    // 300 + rocket.cat + admin + bob = 303
    let r = list(&app, &bob, "count=100&offset=250").await;
    let b = r.ok();
    assert_eq!(
        (b["count"].clone(), b["offset"].clone(), b["total"].clone()),
        (json!(53), json!(250), json!(303))
    );
    // admin, bob, rocket.cat, u0001.. in binary order: "admin" < "bob" < "rocket.cat" < "u0001"
    assert_eq!(b["users"][0]["username"], "u0248");
    assert_eq!(b["users"][49]["username"], "u0297");
    assert_eq!(b["users"][52]["username"], "u0300");
    // Caps: count above API_Upper_Count_Limit, count=0 (infinite), past the end.
    assert_eq!(list(&app, &bob, "count=500").await.ok()["count"], 100);
    assert_eq!(list(&app, &bob, "count=0").await.ok()["count"], 303);
    let r = list(&app, &bob, "offset=5000").await;
    assert_eq!(
        (r.ok()["count"].clone(), r.body["total"].clone()),
        (json!(0), json!(303))
    );
    app.set_setting("API_Allow_Infinite_Count", json!(false))
        .await;
    assert_eq!(list(&app, &bob, "count=0").await.ok()["count"], 50);
    // sort: descending, by created date, by name (case-insensitive, missing first).
    let r = list(
        &app,
        &bob,
        &format!("count=2&sort={}", enc(r#"{"username":-1}"#)),
    )
    .await;
    assert_eq!(r.ok()["users"][0]["username"], "u0300");
    let r = list(
        &app,
        &bob,
        &format!("count=1&sort={}", enc(r#"{"utcOffset":-1,"username":1}"#)),
    )
    .await;
    assert_eq!(r.ok()["users"][0]["username"], "u0004");
    // Hidden sort keys are ignored: same order as the default.
    let plain = list(&app, &bob, "count=5").await.ok().clone();
    for s in [
        r#"{"createdAt":-1}"#,
        r#"{"emails.address":-1}"#,
        r#"{"inviteToken":-1}"#,
        r#"{"services.password":1}"#,
    ] {
        assert_eq!(
            list(&app, &bob, &format!("count=5&sort={}", enc(s)))
                .await
                .ok()["users"],
            plain["users"],
            "{s}"
        );
    }
    let r = list(
        &app,
        &bob,
        &format!("count=2&sort={}", enc(r#"{"name":1}"#)),
    )
    .await;
    assert_eq!(r.ok()["users"][0]["nameInsensitive"], "");
    // Sort errors, exact.
    for s in ["name", r#"{"name":2}"#, r#"{"name":"asc"}"#, "{oops"] {
        list(&app, &bob, &format!("sort={}", enc(s))).await.assert(
            400,
            json!({"success": false,
            "error": format!("Invalid sort parameter provided: \"{s}\" [error-invalid-sort]"),
            "errorType": "error-invalid-sort", "details": {"helperMethod": "parseJsonQuery"}}),
        );
    }
}

#[tokio::test]
async fn list_query_and_fields_as_the_seeds_document_them() {
    let app = TestApp::new().await;
    app.set_setting("Accounts_CustomFields", json!(r#"{"clearance":{"type":"text","public":true},"team":{"type":"text","public":true},"salary":{"type":"text"}}"#)).await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    sql(&app, r#"INSERT INTO users (id, username, name, email, roles, active, custom_fields, created_at) VALUES
        ('ebKHhqGzw3Mu4KeBw', 'ciel', 'Ciel', 'example@test.com', ARRAY['user'], true, '{"clearance":"High","team":"Queen","salary":"9"}', '2020-01-01T00:00:00Z'),
        ('x1', 'dan', 'Dan', 'dan@test.com', ARRAY['user'], false, '{"clearance":"Low","salary":"5"}', '2021-01-01T00:00:00Z'),
        ('x2', 'eve', 'Eve', NULL, ARRAY['guest'], true, NULL, '2022-01-01T00:00:00Z')"#).await;
    let fields = enc(r#"{"customFields":1}"#);
    let q = enc(r#"{"customFields.clearance":"High"}"#);
    let r = list(&app, &admin, &format!("query={q}&fields={fields}")).await;
    r.assert(200, json!({"users": [{"_id": "ebKHhqGzw3Mu4KeBw", "username": "ciel", "emails": [{"address": "example@test.com", "verified": false}],
        "type": "user", "roles": ["user"], "status": "offline", "active": true, "name": "Ciel",
        "customFields": {"clearance": "High", "team": "Queen", "salary": "9"}, "nameInsensitive": "ciel"}],
        "count": 1, "offset": 0, "total": 1, "success": true}));
    // A regular caller: public custom fields only.
    let r = list(&app, &bob, &format!("query={q}&fields={fields}")).await;
    assert_eq!(
        r.ok()["users"][0]["customFields"],
        json!({"clearance": "High", "team": "Queen"})
    );
    assert!(r.body["users"][0].get("emails").is_none());
    let usernames = |r: &Resp| -> Vec<String> {
        r.ok()["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    for (query, expected) in [
        (
            r#"{"username":{"$in":["ciel","eve"]}}"#,
            vec!["ciel", "eve"],
        ),
        (r#"{"active":false}"#, vec!["dan"]),
        (
            r#"{"username":{"$nin":["ciel","eve","admin","rocket.cat"]}}"#,
            vec!["bob", "dan"],
        ),
        (
            r#"{"$or":[{"username":"dan"},{"name":{"$regex":"^ev","$options":"i"}}]}"#,
            vec!["dan", "eve"],
        ),
        (
            r#"{"$and":[{"active":true},{"customFields.team":{"$exists":true}}]}"#,
            vec!["ciel"],
        ),
        (
            r#"{"$nor":[{"customFields.clearance":{"$exists":true}},{"username":{"$regex":"a"}}]}"#,
            vec!["bob", "eve"],
        ),
        (
            r#"{"customFields.clearance":{"$ne":"High"},"username":{"$ne":"bob"}}"#,
            vec!["admin", "dan", "eve", "rocket.cat"],
        ),
        (
            r#"{"customFields.clearance":{"$in":["Low",null]},"type":"user","username":{"$regex":"^[de]"}}"#,
            vec!["dan", "eve"],
        ),
        (r#"{"username":{"$eq":"ciel"}}"#, vec!["ciel"]),
    ] {
        assert_eq!(
            usernames(&list_query(&app, &bob, query).await),
            expected,
            "{query}"
        );
    }
    for (query, expected) in [
        (
            r#"{"createdAt":{"$gte":{"$date":"2021-01-01T00:00:00.000Z"},"$lt":"2022-06-01T00:00:00Z"}}"#,
            vec!["dan", "eve"],
        ),
        (r#"{"roles":"guest"}"#, vec!["eve"]),
        (
            r#"{"roles":{"$in":["guest","bot"]}}"#,
            vec!["eve", "rocket.cat"],
        ),
        (
            r#"{"emails.address":{"$regex":"@test\\.com$"}}"#,
            vec!["ciel", "dan"],
        ),
        (r#"{"customFields.salary":"5"}"#, vec!["dan"]),
    ] {
        assert_eq!(
            usernames(&list_query(&app, &admin, query).await),
            expected,
            "{query}"
        );
    }
    // total counts the filtered set, not the page.
    let r = list(
        &app,
        &bob,
        &format!("count=1&query={}", enc(r#"{"active":true}"#)),
    )
    .await;
    assert_eq!(
        (r.ok()["count"].clone(), r.body["total"].clone()),
        (json!(1), json!(5))
    );
}

#[tokio::test]
async fn forbidden_query_fields_sort_forms_answer_400_never_500() {
    let app = TestApp::new().await;
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"clearance":{"type":"text","public":true},"salary":{"type":"text"}}"#),
    )
    .await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let deep = format!(
        "{}{{\"username\":\"a\"}}{}",
        r#"{"$and":["#.repeat(6),
        "]}".repeat(6)
    );
    let big_in = format!(
        r#"{{"username":{{"$in":[{}]}}}}"#,
        (0..101)
            .map(|i| format!("\"u{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let regular_only = [
        r#"{"emails.address":"bob@rc-users.test"}"#,
        r#"{"roles":"admin"}"#,
        r#"{"customFields.salary":"5"}"#,
        r#"{"lastLogin":{"$exists":true}}"#,
    ];
    let everyone = [
        r#"{"services.password.bcrypt":{"$exists":true}}"#,
        r#"{"services":{"$exists":true}}"#,
        r#"{"importIds":"x"}"#,
        r#"{"inviteToken":"x"}"#,
        r#"{"customFields.undeclared":"x"}"#,
        r#"{"$where":"this.username == 'a'"}"#,
        r#"{"$expr":{"$eq":["$username","a"]}}"#,
        r#"{"username":{"$function":{"body":"x","args":[],"lang":"js"}}}"#,
        r#"{"username":{"$not":{"$eq":"a"}}}"#,
        r#"{"username":{"$regex":"(a)\\1"}}"#,
        r#"{"username":{"$regex":"(?=a)"}}"#,
        r#"{"username":{"$regex":"(a{1,32}){1,32}"}}"#,
        r#"{"username":{"$regex":"[[:alpha:]]"}}"#,
        r#"{"username":{"$regex":"a","$options":"x"}}"#,
        r#"{"username":{"$regex":1}}"#,
        r#"{"username":{"a":1}}"#,
        r#"{"username":1}"#,
        r#"{"active":"false"}"#,
        r#"{"utcOffset":{"$gt":"1"}}"#,
        r#"{"createdAt":{"$gt":"yesterday"}}"#,
        r#"{"username":{"$in":"a"}}"#,
        r#"{"$or":[]}"#,
        r#"{"$or":"x"}"#,
        r#"{"$and":[1]}"#,
        "[]",
        "\"x\"",
        "{oops",
        &deep,
        &big_in,
    ];
    for (auth, forms) in [
        (
            &bob,
            regular_only
                .iter()
                .chain(everyone.iter())
                .copied()
                .collect::<Vec<_>>(),
        ),
        (&admin, everyone.to_vec()),
    ] {
        for q in forms {
            list_query(&app, auth, q).await.assert(
                400,
                json!({"success": false,
                "error": format!("Invalid query parameter provided: \"{q}\" [error-invalid-query]"),
                "errorType": "error-invalid-query", "details": {"helperMethod": "parseJsonQuery"}}),
            );
        }
    }
    let long_regex = format!(r#"{{"username":{{"$regex":"{}"}}}}"#, "a".repeat(200));
    assert_eq!(list_query(&app, &admin, &long_regex).await.status, 400);
    // fields: wrong values or JSON → error-invalid-fields; hidden names → silently dropped.
    for f in [
        r#"{"name":2}"#,
        r#"{"name":true}"#,
        "[]",
        "{oops",
        r#"{"name":"1"}"#,
    ] {
        list(&app, &bob, &format!("fields={}", enc(f)))
            .await
            .assert(
                400,
                json!({"success": false,
            "error": format!("Invalid fields parameter provided: \"{f}\" [error-invalid-fields]"),
            "errorType": "error-invalid-fields", "details": {"helperMethod": "parseJsonQuery"}}),
            );
    }
    let r = list(
        &app,
        &bob,
        &format!(
            "fields={}",
            enc(r#"{"services":1,"emails":1,"inviteToken":1,"roles":1,"customFields.salary":1}"#)
        ),
    )
    .await;
    for u in r.ok()["users"].as_array().unwrap() {
        for k in ["services", "emails", "inviteToken", "roles", "customFields"] {
            assert!(u.get(k).is_none(), "{k} in {u}");
        }
    }
    // Admin: services and inviteToken never, even when asked.
    let r = list(
        &app,
        &admin,
        &format!(
            "fields={}",
            enc(r#"{"services":1,"inviteToken":1,"createdAt":1,"username":0}"#)
        ),
    )
    .await;
    let first = &r.ok()["users"][0];
    assert!(
        first.get("services").is_none()
            && first.get("inviteToken").is_none()
            && first.get("username").is_none()
    );
    assert!(first.get("createdAt").is_some());
}

#[tokio::test]
async fn unread_counters_follow_the_settings() {
    let app = TestApp::new().await;
    let ids: Vec<String> = {
        let mut v = vec![];
        for name in ["sender", "mentioned", "other"] {
            v.push(app.insert_user(name, "pw-123456", &["user"]).await);
        }
        v
    };
    for (rid, t) in [("chan", "c"), ("dm", "d"), ("omni", "l")] {
        rooms::insert_room(app.db(), rid, rid, t, false)
            .await
            .unwrap();
        for uid in &ids {
            rooms::insert_subscription(
                app.db(),
                &NewSubscription {
                    id: format!("{rid}-{uid}"),
                    rid: rid.into(),
                    user_id: uid.clone(),
                    name: rid.into(),
                    t: t.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
    }
    let unread = |rid: &'static str| {
        let db = app.db().clone();
        let ids = ids.clone();
        async move {
            let mut out = vec![];
            for uid in &ids {
                let n: i32 = sqlx::query_scalar(
                    "SELECT unread FROM subscriptions WHERE rid = $1 AND user_id = $2",
                )
                .bind(rid)
                .bind(uid)
                .fetch_one(&db)
                .await
                .unwrap();
                out.push(n);
            }
            out
        }
    };
    let mentioned = vec!["mentioned".to_string()];
    let none: Vec<String> = vec![];
    let send = |rid: &'static str, t: &'static str, m: &'static str, group: bool| {
        let state = app.state.clone();
        let sender = ids[0].clone();
        let mentions = if m.is_empty() {
            none.clone()
        } else {
            mentioned.clone()
        };
        async move {
            unread::on_new_message(
                &state,
                &NewMessage {
                    rid,
                    room_type: t,
                    sender_id: &sender,
                    mentioned: &mentions,
                    group_mention: group,
                },
            )
            .await
            .unwrap()
        }
    };
    // Defaults: channels count mentions (user and group), DMs and omnichannel every message.
    assert_eq!(send("chan", "c", "", false).await, 0);
    assert_eq!(send("chan", "c", "m", false).await, 1);
    assert_eq!(send("chan", "c", "", true).await, 2);
    assert_eq!(unread("chan").await, vec![0, 2, 1]);
    send("dm", "d", "", false).await;
    send("omni", "l", "", false).await;
    assert_eq!(unread("dm").await, vec![0, 1, 1]);
    assert_eq!(unread("omni").await, vec![0, 1, 1]);
    // all_messages: every other member, mentioned ones once.
    app.set_setting("Unread_Count", json!("all_messages")).await;
    send("chan", "c", "m", false).await;
    assert_eq!(unread("chan").await, vec![0, 3, 2]);
    // user_mentions_only: @all does not count, @user does.
    app.set_setting("Unread_Count", json!("user_mentions_only"))
        .await;
    assert_eq!(send("chan", "c", "", true).await, 0);
    assert_eq!(send("chan", "c", "m", false).await, 1);
    // group_mentions_only: @user does not count.
    app.set_setting("Unread_Count", json!("group_mentions_only"))
        .await;
    assert_eq!(send("chan", "c", "m", false).await, 0);
    assert_eq!(send("chan", "c", "m", true).await, 2);
    assert_eq!(unread("chan").await, vec![0, 5, 3]);
    // DM mentions_only: plain messages no longer count, mentions and @all do.
    app.set_setting("Unread_Count_DM", json!("mentions_only"))
        .await;
    assert_eq!(send("dm", "d", "", false).await, 0);
    assert_eq!(send("dm", "d", "m", false).await, 1);
    assert_eq!(send("dm", "d", "", true).await, 2);
    // The counter is what users.info shows.
    let admin = app.admin().await;
    let r = info(
        &app,
        &admin,
        &format!("userId={}&includeUserRooms=true", ids[1]),
    )
    .await;
    let rooms: Vec<(String, i64)> = r.ok()["user"]["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["rid"].as_str().unwrap().to_owned(),
                x["unread"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rooms,
        vec![("chan".into(), 5), ("dm".into(), 3), ("omni".into(), 1)]
    );
}

/// users.info folds authentication into its lookup: the answers must still come in
/// Rocket.Chat's order — 401 before any parameter error, and the username rule.
#[tokio::test]
async fn info_authenticates_before_anything_else() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    let wrong = Auth {
        user_id: bob.user_id.clone(),
        token: "not-the-token".into(),
    };
    let not_logged_in = json!({"success": false, "error": "You must be logged in to do this.",
        "status": "error", "message": "You must be logged in to do this."});
    for qs in [
        "",
        "userId=",
        "userId=a&username=b",
        "fields=%7Boops&userId=x",
        "userId=nobody",
        "userId=rocket.cat",
    ] {
        let path = format!("/api/v1/users.info?{qs}");
        app.get(&path, Some(&wrong))
            .await
            .assert(401, not_logged_in.clone());
        app.get(&path, None)
            .await
            .assert(401, not_logged_in.clone());
    }
    // With valid credentials the same requests get their own errors.
    assert_eq!(
        app.get("/api/v1/users.info?userId=", Some(&bob)).await.body["error"],
        "Invalid search query."
    );
    assert_eq!(
        app.get("/api/v1/users.info?userId=nobody", Some(&bob))
            .await
            .body["error"],
        "User not found."
    );
    // A caller without a username is refused on this route (not on /me).
    sqlx::query("UPDATE users SET username = NULL WHERE id = $1")
        .bind(&bob.user_id)
        .execute(app.db())
        .await
        .unwrap();
    let refused =
        json!({"success": false, "error": "Users must have a username [error-unauthorized]"});
    app.get("/api/v1/users.info?userId=rocket.cat", Some(&bob))
        .await
        .assert(403, refused.clone());
    app.get("/api/v1/users.info?userId=", Some(&bob))
        .await
        .assert(403, refused);
    app.get("/api/v1/me", Some(&bob)).await.ok();
    // A logged-out token stops working for users.info at once.
    let alice = app.user("alice").await;
    app.get("/api/v1/users.info?userId=rocket.cat", Some(&alice))
        .await
        .ok();
    app.post("/api/v1/logout", Some(&alice), json!({})).await;
    app.get("/api/v1/users.info?userId=rocket.cat", Some(&alice))
        .await
        .assert(401, not_logged_in);
}
