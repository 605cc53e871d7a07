//! Account management: users.create / update / delete / register / updateOwnBasicInfo /
//! setActiveStatus / deleteOwnAccount / checkUsernameAvailability / getUsernameSuggestion /
//! users.logout — success shapes, exact errors, permissions, settings, 2FA, concurrency and
//! the database state after every write.

use rc_users::auth::token::sha256_hex;
use serde_json::{json, Value};

use crate::common::*;

const PW: &str = "pass-word-1";

fn coded(code: &str, reason: &str) -> Value {
    json!({"success": false, "error": format!("{reason} [{code}]"), "errorType": code})
}
fn coded_d(code: &str, reason: &str, details: Value) -> Value {
    json!({"success": false, "error": format!("{reason} [{code}]"), "errorType": code, "details": details})
}
fn failure(text: &str) -> Value {
    json!({"success": false, "error": text})
}
fn invalid_params(msg: &str) -> Value {
    json!({"success": false, "error": format!("{msg} [invalid-params]"), "errorType": "invalid-params"})
}
fn iou(code: &str, reason: &str, extra: Value) -> Value {
    let mut d = json!({"method": "insertOrUpdateUser"});
    d.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    coded_d(code, reason, d)
}
fn not_allowed(action: &str, reason: &str) -> Value {
    iou(
        "error-action-not-allowed",
        reason,
        json!({"action": action}),
    )
}

fn new_user(username: &str) -> Value {
    json!({"username": username, "email": format!("{username}@rc-users.test"), "name": format!("{username} Name"), "password": PW})
}

async fn scalar_i64(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(app.db())
        .await
        .unwrap()
}

async fn user_id(app: &TestApp, username: &str) -> Option<String> {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(app.db())
        .await
        .unwrap()
}

async fn tokens_of(app: &TestApp, id: &str) -> i64 {
    scalar_i64(
        app,
        "SELECT count(*) FROM login_tokens WHERE user_id = $1",
        id,
    )
    .await
}

async fn age_account(app: &TestApp, id: &str) {
    sqlx::query("UPDATE users SET created_at = now() - interval '1 day' WHERE id = $1")
        .bind(id)
        .execute(app.db())
        .await
        .unwrap();
}

async fn can_log_in(app: &TestApp, user: &str, pw: &str) -> bool {
    app.post("/api/v1/login", None, json!({"user": user, "password": pw}))
        .await
        .status
        == 200
}

// ------------------------------------------------------------------ users.create

#[tokio::test]
async fn create_success_shape_and_database_state() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/users.create",
            Some(&admin),
            json!({"username": "example", "email": " Example@RC-Users.test ", "name": "Example User",
                   "password": "secret-1", "bio": "  hi  ", "nickname": "  ", "statusText": "busy day"}),
        )
        .await;
    let b = r.ok().clone();
    let u = &b["user"];
    let mut keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_id",
            "_updatedAt",
            "active",
            "bio",
            "createdAt",
            "emails",
            "name",
            "requirePasswordChange",
            "roles",
            "settings",
            "status",
            "statusText",
            "type",
            "username"
        ]
    );
    assert_eq!(u["username"], "example");
    assert_eq!(
        u["emails"],
        json!([{"address": "example@rc-users.test", "verified": false}])
    );
    assert_eq!(u["type"], "user");
    assert_eq!(u["status"], "offline");
    assert_eq!(u["active"], true);
    assert_eq!(u["roles"], json!(["user"]));
    assert_eq!(u["name"], "Example User");
    assert_eq!(u["bio"], "hi");
    assert_eq!(u["requirePasswordChange"], false);
    assert_eq!(u["settings"], json!({}));
    assert_eq!(u["_id"].as_str().unwrap().len(), 17);
    assert_no_secrets(&b, &["secret-1", &sha256_hex("secret-1")]);
    let id = u["_id"].as_str().unwrap();
    // Database: argon2id credentials, a history entry, GENERAL joined, e-mail 2FA opted in.
    let hash: String = sqlx::query_scalar("SELECT argon2_hash FROM credentials WHERE user_id = $1")
        .bind(id)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM password_history WHERE user_id = $1",
            id
        )
        .await,
        1
    );
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM subscriptions WHERE user_id = $1 AND rid = 'GENERAL'",
            id
        )
        .await,
        1
    );
    let (nick, e2fa): (Option<String>, Option<bool>) =
        sqlx::query_as("SELECT nickname, email2fa_enabled FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!((nick, e2fa), (None, Some(true)));
    assert!(can_log_in(&app, "example", "secret-1").await);
    // A regular caller who may create users sees the public projection only.
    app.set_permission("create-user", &["admin", "user"]).await;
    let bob = app.user("bob").await;
    let r = app
        .post("/api/v1/users.create", Some(&bob), new_user("carl"))
        .await;
    let u = &r.ok()["user"];
    assert!(
        u.get("emails").is_none() && u.get("roles").is_none() && u.get("createdAt").is_none(),
        "{u}"
    );
    assert_eq!(u["username"], "carl");
}

#[tokio::test]
async fn create_schema_errors() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let cases = [
        (
            json!({"name": "a", "password": "p", "username": "u"}),
            "must have required property 'email'",
        ),
        (
            json!({"email": "a@rc-users.test", "password": "p", "username": "u"}),
            "must have required property 'name'",
        ),
        (
            json!({"email": "a@rc-users.test", "name": "a", "password": "p", "username": "u", "extra": 1}),
            "must NOT have additional properties",
        ),
        (
            json!({"email": "a@rc-users.test", "name": "a", "password": "p", "username": "u", "roles": {"a": 1}}),
            "must be array",
        ),
        (
            json!({"email": "a@rc-users.test", "name": "a", "password": "p", "username": "u", "active": "maybe"}),
            "must be boolean",
        ),
        (
            json!({"email": "a@rc-users.test", "name": "a", "password": "p", "username": "u", "customFields": "x"}),
            "must be object",
        ),
        (
            json!({"email": ["a"], "name": "a", "password": "p", "username": "u"}),
            "must be string",
        ),
    ];
    for (body, msg) in cases {
        app.post("/api/v1/users.create", Some(&admin), body)
            .await
            .assert(400, invalid_params(msg));
    }
    // Unauthenticated → 401.
    assert_eq!(
        app.post("/api/v1/users.create", None, new_user("x"))
            .await
            .status,
        401
    );
    assert_eq!(
        scalar_i64(&app, "SELECT count(*) FROM users WHERE username <> $1", "").await,
        2
    );
}

#[tokio::test]
async fn create_validation_errors_in_order() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.insert_user("taken", PW, &["user"]).await;
    let post = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/v1/users.create", Some(&admin), body).await }
    };
    let with = |patch: Value| {
        let mut b = new_user("fresh");
        b.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        b
    };
    post(with(json!({"name": "100% Bob"})))
        .await
        .assert(400, failure("Name contains invalid characters"));
    post(with(json!({"name": "a/b"})))
        .await
        .assert(400, failure("Name contains invalid characters"));
    post(with(json!({"freeSwitchExtension": "100"}))).await.assert(
        400,
        json!({"success": false, "error": "Setting user voice call extension is not allowed", "errorType": "error-action-not-allowed"}),
    );
    post(with(json!({"roles": ["user", "no-such-role"]})))
        .await
        .assert(
            400,
            not_allowed("Assign_role", "The field Roles consist invalid role id"),
        );
    post(with(json!({"name": "  "}))).await.assert(
        400,
        iou(
            "error-the-field-is-required",
            "The field Name is required",
            json!({"field": "Name"}),
        ),
    );
    post(with(json!({"username": " "}))).await.assert(
        400,
        iou(
            "error-the-field-is-required",
            "The field Username is required",
            json!({"field": "Username"}),
        ),
    );
    post(with(json!({"username": "<b>x"}))).await.assert(
        400,
        iou(
            "error-input-is-not-a-valid-field",
            "&lt;b&gt;x is not a valid username",
            json!({"input": "<b>x", "field": "Username"}),
        ),
    );
    post(with(json!({"password": ""}))).await.assert(
        400,
        iou(
            "error-the-field-is-required",
            "The field Password is required",
            json!({"field": "Password"}),
        ),
    );
    post(with(json!({"username": "Admin"}))).await.assert(
        400,
        iou(
            "error-blocked-username",
            "Admin is blocked and can't be used!",
            json!({"field": "Admin"}),
        ),
    );
    post(with(json!({"username": "all"}))).await.assert(
        400,
        iou(
            "error-blocked-username",
            "all is blocked and can't be used!",
            json!({"field": "all"}),
        ),
    );
    post(with(json!({"username": "TAKEN"}))).await.assert(
        400,
        iou(
            "error-field-unavailable",
            "TAKEN is already in use :(",
            json!({"field": "TAKEN"}),
        ),
    );
    post(with(json!({"email": "Taken@rc-users.test"})))
        .await
        .assert(
            400,
            iou(
                "error-field-unavailable",
                "Taken@rc-users.test is already in use :(",
                json!({"field": "Taken@rc-users.test"}),
            ),
        );
    post(with(json!({"email": "not-an-email<>"}))).await.assert(
        400,
        coded("error-invalid-email", "Invalid email not-an-email&lt;&gt;"),
    );
    post(with(json!({"email": "x@example.com"}))).await.assert(
        400,
        coded(
            "error-email-domain-blacklisted",
            "The email domain is blacklisted",
        ),
    );
    post(with(json!({"bio": "b".repeat(261)}))).await.assert(
        400,
        coded("error-bio-size-exceeded", "Bio size exceeds 260 characters"),
    );
    post(with(json!({"nickname": "n".repeat(121)})))
        .await
        .assert(
            400,
            coded(
                "error-nickname-size-exceeded",
                "Nickname size exceeds 120 characters",
            ),
        );
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"department":{"type":"select","options":["IT"],"required":true}}"#),
    )
    .await;
    post(with(json!({"customFields": {"department": "HR"}})))
        .await
        .assert(
            400,
            coded_d(
                "error-user-registration-custom-field",
                "Value for field department is invalid",
                json!({"method": "registerUser"}),
            ),
        );
    app.set_setting("Accounts_CustomFields", json!("{not json"))
        .await;
    post(with(json!({"customFields": {}}))).await.assert(
        400,
        coded(
            "error-invalid-customfield-json",
            "Invalid JSON for Custom Fields",
        ),
    );
    app.set_setting("Accounts_CustomFields", json!("")).await;
    // Domain settings.
    app.set_setting("Accounts_UseDefaultBlockedDomainsList", json!(false))
        .await;
    post(with(json!({"email": "ok@example.com", "username": "ex1"})))
        .await
        .ok();
    app.set_setting("Accounts_AllowedDomainsList", json!("good.org"))
        .await;
    post(with(json!({"email": "x@rc-users.test"})))
        .await
        .assert(
            400,
            coded(
                "error-invalid-domain",
                "The email domain is not in whitelist",
            ),
        );
    app.set_setting("Accounts_AllowedDomainsList", json!(""))
        .await;
    app.set_setting("Accounts_BlockedDomainsList", json!("rc-users.test"))
        .await;
    post(with(json!({}))).await.assert(
        400,
        coded(
            "error-email-domain-blacklisted",
            "The email domain is blacklisted",
        ),
    );
    app.set_setting("Accounts_BlockedDomainsList", json!(""))
        .await;
    // Name not required when the setting is off; a custom username pattern.
    app.set_setting("Accounts_RequireNameForSignUp", json!(false))
        .await;
    app.set_setting("UTF8_User_Names_Validation", json!("[a-z ]+"))
        .await;
    post(with(json!({"name": "", "username": "with space"})))
        .await
        .ok();
    // Nothing half-written by any refused call.
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM users WHERE username = $1",
            "fresh"
        )
        .await,
        0
    );
    assert_eq!(
        scalar_i64(&app, "SELECT count(*) FROM users WHERE type = $1", "user").await,
        4
    );
}

#[tokio::test]
async fn create_permissions_and_roles() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    app.post("/api/v1/users.create", Some(&bob), new_user("x"))
        .await
        .assert(
            400,
            not_allowed("Adding_user", "Adding user is not allowed"),
        );
    // A role that may create users but not assign roles / admin.
    sqlx::query("INSERT INTO roles (id, name) VALUES ('creator', 'creator')")
        .execute(app.db())
        .await
        .unwrap();
    app.set_permission("create-user", &["admin", "creator"])
        .await;
    app.insert_user("maker", PW, &["user", "creator"]).await;
    let maker = app.login("maker", PW).await;
    let mut body = new_user("x1");
    body["roles"] = json!(["admin"]);
    app.post("/api/v1/users.create", Some(&maker), body.clone())
        .await
        .assert(
            400,
            not_allowed("Assign_admin", "Assigning admin is not allowed"),
        );
    body["roles"] = json!(["bot"]);
    app.post("/api/v1/users.create", Some(&maker), body.clone())
        .await
        .assert(
            400,
            not_allowed("Assign_role", "Assign roles is not allowed"),
        );
    body["roles"] = json!(["user"]);
    app.post("/api/v1/users.create", Some(&maker), body)
        .await
        .ok();
    // The admin may give any existing roles; defaults come from the setting.
    let admin = app.admin().await;
    let mut body = new_user("x2");
    body["roles"] = json!(["bot", "livechat-agent"]);
    let r = app.post("/api/v1/users.create", Some(&admin), body).await;
    assert_eq!(r.ok()["user"]["roles"], json!(["bot", "livechat-agent"]));
    app.set_setting(
        "Accounts_Registration_Users_Default_Roles",
        json!("user, guest"),
    )
    .await;
    let r = app
        .post("/api/v1/users.create", Some(&admin), new_user("x3"))
        .await;
    assert_eq!(r.ok()["user"]["roles"], json!(["user", "guest"]));
    // active, verified, requirePasswordChange, setRandomPassword, joinDefaultChannels.
    let mut body = new_user("x4");
    body["active"] = json!(false);
    body["verified"] = json!(true);
    body["joinDefaultChannels"] = json!(false);
    body["requirePasswordChange"] = json!(true);
    let u = app
        .post("/api/v1/users.create", Some(&admin), body)
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["active"], false);
    assert_eq!(u["emails"][0]["verified"], true);
    assert_eq!(u["requirePasswordChange"], true);
    let id = u["_id"].as_str().unwrap();
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM subscriptions WHERE user_id = $1",
            id
        )
        .await,
        0
    );
    let mut body = new_user("x5");
    body["password"] = json!("");
    body["setRandomPassword"] = json!(true);
    let u = app
        .post("/api/v1/users.create", Some(&admin), body)
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["requirePasswordChange"], true);
    assert!(!can_log_in(&app, "x5", "").await);
    // Manual approval makes new users inactive.
    app.set_setting("Accounts_ManuallyApproveNewUsers", json!(true))
        .await;
    let u = app
        .post("/api/v1/users.create", Some(&admin), new_user("x6"))
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["active"], false);
    // active in the body needs edit-other-user-active-status.
    let mut body = new_user("x7");
    body["active"] = json!(true);
    app.post("/api/v1/users.create", Some(&maker), body)
        .await
        .assert(
            400,
            coded_d(
                "error-not-allowed",
                "Not allowed",
                json!({"method": "setUserActiveStatus"}),
            ),
        );
}

#[tokio::test]
async fn create_custom_fields_saved_and_projected() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"department":{"type":"select","options":["IT","Sales"],"required":true,"public":true},
                  "secret":{"type":"text"},
                  "team":{"type":"text","modifyRecordField":{"field":"roles","array":true}},
                  "title":{"type":"text","modifyRecordField":{"field":"nickname","array":false}}}"#),
    )
    .await;
    let mut body = new_user("cf");
    body["customFields"] = json!({"department": "IT", "secret": "s", "team": "bot", "title": "Boss", "undeclared": "x"});
    let u = app
        .post("/api/v1/users.create", Some(&admin), body)
        .await
        .ok()["user"]
        .clone();
    assert_eq!(
        u["customFields"],
        json!({"department": "IT", "secret": "s", "team": "bot", "title": "Boss"})
    );
    assert_eq!(u["roles"], json!(["user", "bot"]));
    assert_eq!(u["nickname"], "Boss");
    // modifyRecordField never grants admin.
    let mut body = new_user("cf2");
    body["customFields"] = json!({"department": "IT", "team": "admin"});
    let u = app
        .post("/api/v1/users.create", Some(&admin), body)
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["roles"], json!(["user"]));
    let mut body = new_user("cf3");
    body["customFields"] = json!({"secret": "s"});
    app.post("/api/v1/users.create", Some(&admin), body)
        .await
        .assert(
            400,
            coded_d(
                "error-user-registration-custom-field",
                "Field department is required",
                json!({"method": "registerUser"}),
            ),
        );
}

#[tokio::test]
async fn create_fifty_concurrent_same_username_one_wins() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let mut handles = vec![];
    for i in 0..50 {
        let router = app.router.clone();
        let admin = admin.clone();
        handles.push(tokio::spawn(async move {
            use axum::body::Body;
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let body = json!({"username": if i % 2 == 0 { "Racer" } else { "racer" },
                              "email": format!("racer{i}@rc-users.test"), "name": "Racer", "password": PW});
            let req = axum::http::Request::post("/api/v1/users.create")
                .header("Content-Type", "application/json")
                .header("X-User-Id", &admin.user_id)
                .header("X-Auth-Token", &admin.token)
                .body(Body::from(body.to_string()))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap())
        }));
    }
    let mut ok = 0;
    let mut refused = 0;
    for h in handles {
        let (status, body) = h.await.unwrap();
        match status {
            200 => ok += 1,
            400 => {
                let name = body["details"]["field"].as_str().unwrap().to_owned();
                assert_eq!(
                    body,
                    iou(
                        "error-field-unavailable",
                        &format!("{name} is already in use :("),
                        json!({"field": name})
                    )
                );
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((ok, refused), (1, 49));
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM users WHERE lower(username) = $1",
            "racer"
        )
        .await,
        1
    );
    assert_eq!(scalar_i64(&app, "SELECT count(*) FROM credentials c JOIN users u ON u.id = c.user_id WHERE lower(u.username) = $1", "racer").await, 1);
}

#[tokio::test]
async fn two_factor_on_create_and_update() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    age_account(&app, &admin.user_id).await;
    let required = coded_d(
        "totp-required",
        "TOTP Required",
        json!({"method": "password", "codeGenerated": false, "availableMethods": []}),
    );
    app.post("/api/v1/users.create", Some(&admin), new_user("tf"))
        .await
        .assert(400, required.clone());
    let bob_id = app.insert_user("bob", PW, &["user"]).await;
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob_id, "data": {"name": "B"}}),
    )
    .await
    .assert(400, required);
    let wrong = [("x-2fa-code", "0000"), ("x-2fa-method", "password")];
    app.post_with_headers("/api/v1/users.create", Some(&admin), new_user("tf"), &wrong)
        .await
        .assert(400, coded("totp-invalid", "TOTP Invalid"));
    let digest = sha256_hex(ADMIN_PASS);
    let right = [
        ("x-2fa-code", digest.as_str()),
        ("x-2fa-method", "password"),
    ];
    app.post_with_headers("/api/v1/users.create", Some(&admin), new_user("tf"), &right)
        .await
        .ok();
    // Remembered for this token and client: no code needed now.
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob_id, "data": {"name": "B"}}),
    )
    .await
    .ok();
    assert!(user_id(&app, "tf").await.is_some());

    // The settings switch and TEST_MODE turn the prompt off.
    for env in [
        vec![(
            "OVERWRITE_SETTING_Accounts_TwoFactorAuthentication_Enabled",
            "false",
        )],
        vec![("TEST_MODE", "true")],
    ] {
        let app = TestApp::with_env(&env).await;
        let admin = app.admin().await;
        age_account(&app, &admin.user_id).await;
        app.post("/api/v1/users.create", Some(&admin), new_user("tf2"))
            .await
            .ok();
    }
}

// ------------------------------------------------------------------ users.update

#[tokio::test]
async fn update_success_and_database_state() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"a":{"type":"text"},"b":{"type":"text"},"c":{"type":"text"}}"#),
    )
    .await;
    let bob_id = app.insert_user("bob", PW, &["user"]).await;
    sqlx::query("UPDATE users SET custom_fields = '{\"a\":\"1\",\"b\":\"2\"}' WHERE id = $1")
        .bind(&bob_id)
        .execute(app.db())
        .await
        .unwrap();
    let r = app
        .post(
            "/api/v1/users.update",
            Some(&admin),
            json!({"userId": bob_id, "data": {"name": "Robert", "username": "robert", "email": "Robert@RC-users.test",
                   "bio": "bio", "nickname": "Bobby", "statusText": "here", "status": "away", "roles": ["user", "bot"],
                   "customFields": {"b": "", "c": null, "zzz": 1}, "requirePasswordChange": false}}),
        )
        .await;
    let u = r.ok()["user"].clone();
    assert_eq!(u["_id"], bob_id.as_str());
    assert_eq!(u["name"], "Robert");
    assert_eq!(u["username"], "robert");
    assert_eq!(
        u["emails"],
        json!([{"address": "robert@rc-users.test", "verified": false}])
    );
    assert_eq!(u["nickname"], "Bobby");
    assert_eq!(u["statusText"], "here");
    assert_eq!(u["status"], "away");
    assert_eq!(u["roles"], json!(["user", "bot"]));
    assert_eq!(u["customFields"], json!({"a": "1", "b": "", "c": null}));
    assert_no_secrets(&u, &[]);
    let (name, cf): (String, Value) =
        sqlx::query_as("SELECT name, custom_fields FROM users WHERE id = $1")
            .bind(&bob_id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), cf),
        ("Robert", json!({"a": "1", "b": "", "c": null}))
    );
    // Unchanged address + verified marks it verified; blank bio removes it.
    let u = app
        .post("/api/v1/users.update", Some(&admin),
              json!({"userId": bob_id, "data": {"email": "robert@rc-users.test", "verified": true, "bio": " "}}))
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["emails"][0]["verified"], true);
    assert!(u.get("bio").is_none());
    // Own update by a regular user: allowed, sees their own full record.
    let carl = app.user("carl").await;
    let u = app
        .post(
            "/api/v1/users.update",
            Some(&carl),
            json!({"userId": carl.user_id, "data": {"name": "Carl C"}}),
        )
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["name"], "Carl C");
    assert!(u.get("emails").is_some());
}

#[tokio::test]
async fn update_errors() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let carl_id = app.insert_user("carl", PW, &["user"]).await;
    let up = |auth: &Auth, body: Value| {
        let app = &app;
        let auth = auth.clone();
        async move { app.post("/api/v1/users.update", Some(&auth), body).await }
    };
    up(&admin, json!({"userId": "", "data": {}}))
        .await
        .assert(400, invalid_params("must NOT have fewer than 1 characters"));
    up(
        &admin,
        json!({"userId": carl_id, "data": {"joinDefaultChannels": true}}),
    )
    .await
    .assert(400, invalid_params("must NOT have additional properties"));
    up(&admin, json!({"userId": carl_id}))
        .await
        .assert(400, invalid_params("must have required property 'data'"));
    up(&admin, json!({"userId": carl_id, "data": {"name": "<x>"}}))
        .await
        .assert(400, failure("Name contains invalid characters"));
    up(&bob, json!({"userId": carl_id, "data": {"name": "x"}}))
        .await
        .assert(
            400,
            not_allowed("Editing_user", "Editing user is not allowed"),
        );
    up(
        &bob,
        json!({"userId": bob.user_id, "data": {"verified": true}}),
    )
    .await
    .assert(
        400,
        not_allowed("Editing_user", "Editing email verification is not allowed"),
    );
    up(
        &admin,
        json!({"userId": carl_id, "data": {"roles": ["nope"]}}),
    )
    .await
    .assert(
        400,
        not_allowed("Assign_role", "The field Roles consist invalid role id"),
    );
    up(
        &admin,
        json!({"userId": carl_id, "data": {"username": "a b"}}),
    )
    .await
    .assert(
        400,
        iou(
            "error-input-is-not-a-valid-field",
            "a b is not a valid username",
            json!({"input": "a b", "field": "Username"}),
        ),
    );
    up(&admin, json!({"userId": "nobody", "data": {"name": "x"}}))
        .await
        .assert(
            400,
            coded_d(
                "error-user-not-found",
                "User not found",
                json!({"method": "insertOrUpdateUser"}),
            ),
        );
    let identity = coded_d(
        "error-could-not-save-identity",
        "Could not save user identity",
        json!({"method": "insertOrUpdateUser"}),
    );
    up(
        &admin,
        json!({"userId": carl_id, "data": {"username": "BOB"}}),
    )
    .await
    .assert(400, identity.clone());
    up(
        &admin,
        json!({"userId": carl_id, "data": {"username": "system"}}),
    )
    .await
    .assert(400, identity);
    up(
        &admin,
        json!({"userId": carl_id, "data": {"email": "BOB@rc-users.test"}}),
    )
    .await
    .assert(
        400,
        iou(
            "error-field-unavailable",
            "bob@rc-users.test is already in use :(",
            json!({"field": "bob@rc-users.test"}),
        ),
    );
    up(
        &admin,
        json!({"userId": carl_id, "data": {"email": "nope"}}),
    )
    .await
    .assert(400, coded("error-invalid-email", "Invalid email"));
    up(
        &admin,
        json!({"userId": carl_id, "data": {"email": "c@mailinator.com"}}),
    )
    .await
    .assert(
        400,
        coded(
            "error-email-domain-blacklisted",
            "The email domain is blacklisted",
        ),
    );
    up(
        &admin,
        json!({"userId": carl_id, "data": {"nickname": "n".repeat(121)}}),
    )
    .await
    .assert(
        400,
        coded(
            "error-nickname-size-exceeded",
            "Nickname size exceeds 120 characters",
        ),
    );
    up(
        &admin,
        json!({"userId": carl_id, "data": {"status": "sleeping"}}),
    )
    .await
    .assert(
        400,
        coded(
            "error-invalid-status",
            "Valid status types include online, away, offline, and busy.",
        ),
    );
    // A role without assign-roles cannot change roles.
    sqlx::query("INSERT INTO roles (id, name) VALUES ('editor', 'editor')")
        .execute(app.db())
        .await
        .unwrap();
    app.set_permission("edit-other-user-info", &["admin", "editor"])
        .await;
    app.insert_user("ed", PW, &["user", "editor"]).await;
    let ed = app.login("ed", PW).await;
    up(&ed, json!({"userId": carl_id, "data": {"roles": ["bot"]}}))
        .await
        .assert(
            400,
            not_allowed("Assign_role", "Assign roles is not allowed"),
        );
    up(
        &ed,
        json!({"userId": carl_id, "data": {"roles": ["admin"]}}),
    )
    .await
    .assert(
        400,
        not_allowed("Assign_admin", "Assigning admin is not allowed"),
    );
    // Removing the last admin's admin role is refused.
    up(
        &admin,
        json!({"userId": admin.user_id, "data": {"roles": ["user"]}}),
    )
    .await
    .assert(
        400,
        coded(
            "error-action-not-allowed",
            "Leaving the app without an admin is not allowed",
        ),
    );
    // Nothing changed by any of it.
    let (username, name, email): (String, String, String) =
        sqlx::query_as("SELECT username, name, email FROM users WHERE id = $1")
            .bind(&carl_id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(
        (username.as_str(), name.as_str(), email.as_str()),
        ("carl", "carl name", "carl@rc-users.test")
    );
}

#[tokio::test]
async fn update_editing_rules_follow_settings() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob_id = app.insert_user("bob", PW, &["user"]).await;
    let up = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/v1/users.update", Some(&admin), body).await }
    };
    let cases = [
        (
            "Accounts_AllowRealNameChange",
            json!({"name": "New"}),
            "Edit user real name is not allowed",
        ),
        (
            "Accounts_AllowUsernameChange",
            json!({"username": "newname"}),
            "Edit username is not allowed",
        ),
        (
            "Accounts_AllowUserStatusMessageChange",
            json!({"statusText": "new"}),
            "Edit user status is not allowed",
        ),
        (
            "Accounts_AllowEmailChange",
            json!({"email": "new@rc-users.test"}),
            "Edit user email is not allowed",
        ),
        (
            "Accounts_AllowPasswordChange",
            json!({"password": "new-pass"}),
            "Edit user password is not allowed",
        ),
    ];
    for (setting, data, reason) in cases {
        app.set_setting(setting, json!(false)).await;
        // Self-edit: refused even for an admin.
        up(json!({"userId": admin.user_id, "data": data}))
            .await
            .assert(400, not_allowed("Update_user", reason));
        // Editing another user with the permission: allowed.
        up(json!({"userId": bob_id, "data": data})).await.ok();
        app.set_setting(setting, json!(true)).await;
    }
    app.set_setting("Accounts_AllowUserProfileChange", json!(false))
        .await;
    let bob = app.login("newname", "new-pass").await;
    app.post(
        "/api/v1/users.update",
        Some(&bob),
        json!({"userId": bob.user_id, "data": {"bio": "x"}}),
    )
    .await
    .assert(
        400,
        not_allowed("Update_user", "Edit user profile is not allowed"),
    );
    up(json!({"userId": admin.user_id, "data": {"bio": "x"}}))
        .await
        .ok();
}

#[tokio::test]
async fn update_password_rules() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let bob2 = app.login("bob", PW).await;
    assert_eq!(tokens_of(&app, &bob.user_id).await, 2);
    // Another user's password: every session of that user ends.
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob.user_id, "data": {"password": "second-1"}}),
    )
    .await
    .ok();
    assert_eq!(tokens_of(&app, &bob.user_id).await, 0);
    assert_eq!(app.get("/api/v1/me", Some(&bob2)).await.status, 401);
    assert!(can_log_in(&app, "bob", "second-1").await);
    assert!(!can_log_in(&app, "bob", PW).await);
    // Without edit-other-user-password a password in data is silently ignored.
    let bob = app.login("bob", "second-1").await;
    app.post(
        "/api/v1/users.update",
        Some(&bob),
        json!({"userId": bob.user_id, "data": {"password": "third-1"}}),
    )
    .await
    .ok();
    assert!(can_log_in(&app, "bob", "second-1").await);
    // Own password by an admin: the current session survives, the others end.
    let admin2 = app.admin().await;
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": admin.user_id, "data": {"password": "admin-new-1"}}),
    )
    .await
    .ok();
    assert_eq!(app.get("/api/v1/me", Some(&admin)).await.status, 200);
    assert_eq!(app.get("/api/v1/me", Some(&admin2)).await.status, 401);
    // Policy and history.
    app.set_setting("Accounts_Password_Policy_Enabled", json!(true))
        .await;
    let r = app
        .post(
            "/api/v1/users.update",
            Some(&admin),
            json!({"userId": bob.user_id, "data": {"password": "short"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errorType"], "error-password-policy-not-met");
    assert_eq!(
        r.body["error"],
        "The password provided does not meet the server's password policy."
    );
    assert_eq!(
        r.body["details"],
        json!([
            {"error": "error-password-policy-not-met-minLength", "message": "The password does not meet the minimum length password policy."},
            {"error": "error-password-policy-not-met-oneUppercase", "message": "The password does not contain at least one uppercase character which is against the password policy."},
            {"error": "error-password-policy-not-met-oneNumber", "message": "The password does not contain at least one numerical character which is against the password policy."},
            {"error": "error-password-policy-not-met-oneSpecial", "message": "The password does not contain at least one special character which is against the password policy."}
        ])
    );
    app.set_setting("Accounts_Password_Policy_Enabled", json!(false))
        .await;
    app.set_setting("Accounts_Password_History_Enabled", json!(true))
        .await;
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob.user_id, "data": {"password": "second-1"}}),
    )
    .await
    .assert(
        400,
        coded_d(
            "error-password-in-history",
            "Entered password has been previously used",
            json!({"method": "insertOrUpdateUser"}),
        ),
    );
    assert!(can_log_in(&app, "bob", "second-1").await);
}

#[tokio::test]
async fn update_active_and_deactivation_rules() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let u = app
        .post(
            "/api/v1/users.update",
            Some(&admin),
            json!({"userId": bob.user_id, "data": {"active": false}}),
        )
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["active"], false);
    assert_eq!(tokens_of(&app, &bob.user_id).await, 0);
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": admin.user_id, "data": {"active": false}}),
    )
    .await
    .assert(
        400,
        coded_d(
            "error-action-not-allowed",
            "Leaving the app without an active admin is not allowed",
            json!({"method": "removeUserFromRole", "action": "Remove_last_admin"}),
        ),
    );
}

// ------------------------------------------------------------------ users.setActiveStatus

#[tokio::test]
async fn set_active_status() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let forbidden = json!({"success": false, "error": "User does not have the permissions required for this action [error-unauthorized]"});
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&bob),
        json!({"userId": bob.user_id, "activeStatus": false}),
    )
    .await
    .assert(403, forbidden);
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&admin),
        json!({"userId": bob.user_id}),
    )
    .await
    .assert(
        400,
        invalid_params("must have required property 'activeStatus'"),
    );
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&admin),
        json!({"userId": bob.user_id, "activeStatus": "false"}),
    )
    .await
    .assert(
        200,
        json!({"user": {"_id": bob.user_id, "active": false}, "success": true}),
    );
    assert_eq!(tokens_of(&app, &bob.user_id).await, 0);
    assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status, 401);
    assert!(!can_log_in(&app, "bob", PW).await);
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(&bob.user_id)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert!(!active);
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&admin),
        json!({"userId": bob.user_id, "activeStatus": true}),
    )
    .await
    .assert(
        200,
        json!({"user": {"_id": bob.user_id, "active": true}, "success": true}),
    );
    assert!(can_log_in(&app, "bob", PW).await);
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&admin),
        json!({"userId": admin.user_id, "activeStatus": false}),
    )
    .await
    .assert(
        400,
        coded_d(
            "error-action-not-allowed",
            "Leaving the app without an active admin is not allowed",
            json!({"method": "removeUserFromRole", "action": "Remove_last_admin"}),
        ),
    );
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&admin),
        json!({"userId": "nobody", "activeStatus": false}),
    )
    .await
    .assert(400, failure("User not found"));
    // Holding only manage-moderation-actions passes the route gate but not the operation.
    app.set_permission("manage-moderation-actions", &["admin", "user"])
        .await;
    let carl = app.user("carl").await;
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&carl),
        json!({"userId": bob.user_id, "activeStatus": false}),
    )
    .await
    .assert(
        400,
        coded_d(
            "error-not-allowed",
            "Not allowed",
            json!({"method": "setUserActiveStatus"}),
        ),
    );
}

#[tokio::test]
async fn last_owner_rules_on_deactivate_and_delete() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let carl_id = app.insert_user("carl", PW, &["user"]).await;
    for (rid, name) in [("ROOM1", "shared"), ("ROOM2", "alone")] {
        sqlx::query("INSERT INTO rooms (id, name, t) VALUES ($1, $2, 'c')")
            .bind(rid)
            .bind(name)
            .execute(app.db())
            .await
            .unwrap();
    }
    let mut pair = [bob.user_id.clone(), carl_id.clone()];
    pair.sort();
    let dm = pair.concat();
    sqlx::query("INSERT INTO rooms (id, t) VALUES ($1, 'd')")
        .bind(&dm)
        .execute(app.db())
        .await
        .unwrap();
    for (rid, uid, name, t, roles) in [
        (
            "ROOM1",
            bob.user_id.as_str(),
            "shared",
            "c",
            Some(vec!["owner"]),
        ),
        ("ROOM1", carl_id.as_str(), "shared", "c", None),
        (
            "ROOM2",
            bob.user_id.as_str(),
            "alone",
            "c",
            Some(vec!["owner"]),
        ),
        (dm.as_str(), bob.user_id.as_str(), "carl", "d", None),
        (dm.as_str(), carl_id.as_str(), "bob", "d", None),
    ] {
        sqlx::query("INSERT INTO subscriptions (id, rid, user_id, name, t, roles) VALUES (rc_random_id(), $1, $2, $3, $4, $5)")
            .bind(rid).bind(uid).bind(name).bind(t).bind(roles.map(|r| r.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
            .execute(app.db()).await.unwrap();
    }
    let last_owner = json!({"success": false, "error": "[user-last-owner]", "errorType": "user-last-owner",
                            "details": {"shouldChangeOwner": ["shared"], "shouldBeRemoved": ["alone"]}});
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&admin),
        json!({"userId": bob.user_id, "activeStatus": false}),
    )
    .await
    .assert(400, last_owner.clone());
    app.post(
        "/api/v1/users.delete",
        Some(&admin),
        json!({"userId": bob.user_id}),
    )
    .await
    .assert(400, last_owner);
    assert_eq!(tokens_of(&app, &bob.user_id).await, 1, "nothing done");
    // Deleting with confirmRelinquish: carl owns ROOM1, ROOM2 and the DM are gone, bob is gone.
    let r = app
        .post(
            "/api/v1/users.delete",
            Some(&admin),
            json!({"username": "BOB", "confirmRelinquish": true}),
        )
        .await;
    let mut expected = vec!["ROOM2".to_string(), dm.clone()];
    expected.sort();
    r.assert(200, json!({"deletedRooms": expected, "success": true}));
    assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status, 401);
    let carl_roles: Option<Vec<String>> =
        sqlx::query_scalar("SELECT roles FROM subscriptions WHERE rid = 'ROOM1' AND user_id = $1")
            .bind(&carl_id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(carl_roles, Some(vec!["owner".to_string()]));
    for (sql, bind) in [
        (
            "SELECT count(*) FROM users WHERE id = $1",
            bob.user_id.as_str(),
        ),
        (
            "SELECT count(*) FROM subscriptions WHERE user_id = $1",
            bob.user_id.as_str(),
        ),
        (
            "SELECT count(*) FROM login_tokens WHERE user_id = $1",
            bob.user_id.as_str(),
        ),
        (
            "SELECT count(*) FROM credentials WHERE user_id = $1",
            bob.user_id.as_str(),
        ),
        ("SELECT count(*) FROM rooms WHERE id = $1", "ROOM2"),
        ("SELECT count(*) FROM rooms WHERE id = $1", dm.as_str()),
    ] {
        assert_eq!(scalar_i64(&app, sql, bind).await, 0, "{sql}");
    }
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM removed_records WHERE id = $1",
            &bob.user_id
        )
        .await,
        1
    );
}

// ------------------------------------------------------------------ users.delete

#[tokio::test]
async fn delete_rules() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let forbidden = json!({"success": false, "error": "User does not have the permissions required for this action [error-unauthorized]"});
    app.post(
        "/api/v1/users.delete",
        Some(&bob),
        json!({"userId": admin.user_id}),
    )
    .await
    .assert(403, forbidden);
    app.post("/api/v1/users.delete", Some(&admin), json!({}))
        .await
        .assert(
            400,
            coded(
                "error-user-param-not-provided",
                "The required \"userId\" or \"username\" param was not provided",
            ),
        );
    app.post(
        "/api/v1/users.delete",
        Some(&admin),
        json!({"userId": "nobody"}),
    )
    .await
    .assert(
        400,
        coded(
            "error-invalid-user",
            "The required \"userId\" or \"username\" param provided does not match any users",
        ),
    );
    app.post(
        "/api/v1/users.delete",
        Some(&admin),
        json!({"userId": "rocket.cat"}),
    )
    .await
    .assert(
        400,
        coded(
            "error-action-not-allowed",
            "Deleting the rocket.cat user is not allowed",
        ),
    );
    app.post(
        "/api/v1/users.delete",
        Some(&admin),
        json!({"userId": admin.user_id}),
    )
    .await
    .assert(
        400,
        coded(
            "error-action-not-allowed",
            "Leaving the app without an admin is not allowed",
        ),
    );
    app.post(
        "/api/v1/users.delete",
        Some(&admin),
        json!({"userId": bob.user_id, "extra": 1}),
    )
    .await
    .assert(400, invalid_params("must NOT have additional properties"));
    app.post("/api/v1/users.delete", Some(&admin), json!({"user": "bob"}))
        .await
        .assert(200, json!({"deletedRooms": [], "success": true}));
    assert!(user_id(&app, "bob").await.is_none());
    assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status, 401);
}

#[tokio::test]
async fn two_admins_deleting_each_other_concurrently_leave_one() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.insert_user("admin2", PW, &["admin"]).await;
    let admin2 = app.login("admin2", PW).await;
    for _ in 0..3 {
        let (a, b) = tokio::join!(
            app.post(
                "/api/v1/users.delete",
                Some(&admin),
                json!({"userId": admin2.user_id})
            ),
            app.post(
                "/api/v1/users.setActiveStatus",
                Some(&admin2),
                json!({"userId": admin.user_id, "activeStatus": false})
            ),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert!(
            statuses == [200, 400] || statuses == [200, 401],
            "{statuses:?} {} {}",
            a.body,
            b.body
        );
        let active_admins = scalar_i64(
            &app,
            "SELECT count(*) FROM users WHERE roles @> ARRAY['admin'] AND active AND id <> $1",
            "",
        )
        .await;
        assert_eq!(active_admins, 1);
        // Reset for the next round.
        sqlx::query("UPDATE users SET active = true WHERE id = $1")
            .bind(&admin.user_id)
            .execute(app.db())
            .await
            .unwrap();
        if user_id(&app, "admin2").await.is_none() {
            return;
        }
    }
}

// ------------------------------------------------------------------ users.register

#[tokio::test]
async fn register_success_and_errors() {
    let app = TestApp::new().await;
    let body = json!({"username": "newbie", "email": "Newbie@RC-users.test", "pass": "pw-1", "name": "New Bie", "reason": "hello"});
    let r = app.post("/api/v1/users.register", None, body.clone()).await;
    let u = r.ok()["user"].clone();
    let mut keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["_id", "active", "name", "reason", "status", "type", "username"]
    );
    assert_no_secrets(&r.body, &["pw-1"]);
    let id = u["_id"].as_str().unwrap();
    let (email, roles, reason): (String, Vec<String>, String) =
        sqlx::query_as("SELECT email, roles, reason FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(
        (email.as_str(), roles, reason.as_str()),
        ("newbie@rc-users.test", vec!["user".to_string()], "hello")
    );
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM subscriptions WHERE user_id = $1 AND rid = 'GENERAL'",
            id
        )
        .await,
        1
    );
    assert!(can_log_in(&app, "newbie", "pw-1").await);

    let reg = |b: Value| {
        let app = &app;
        async move { app.post("/api/v1/users.register", None, b).await }
    };
    let with = |patch: Value| {
        let mut b = json!({"username": "other", "email": "other@rc-users.test", "pass": "pw-1", "name": "Other"});
        b.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        b
    };
    reg(json!({"username": "x", "email": "x@rc-users.test"}))
        .await
        .assert(400, invalid_params("must have required property 'pass'"));
    reg(with(json!({"password": "x"})))
        .await
        .assert(400, invalid_params("must NOT have additional properties"));
    let bob = app.user("bob").await;
    app.post("/api/v1/users.register", Some(&bob), with(json!({})))
        .await
        .assert(400, failure("Logged in users can not register again."));
    reg(with(json!({"name": "a<b"})))
        .await
        .assert(400, failure("Name contains invalid characters"));
    reg(with(json!({"username": "bad name"})))
        .await
        .assert(400, failure("The username provided is not valid"));
    reg(with(json!({"username": "NEWBIE"})))
        .await
        .assert(400, failure("Username is already in use"));
    reg(with(json!({"username": "administrator"})))
        .await
        .assert(400, failure("Username is already in use"));
    reg(with(json!({"email": "NEWBIE@rc-users.test"})))
        .await
        .assert(400, failure("Email already exists"));
    reg(with(json!({"email": "x@yopmail.com"}))).await.assert(
        400,
        coded(
            "error-email-domain-blacklisted",
            "The email domain is blacklisted",
        ),
    );
    reg(with(json!({"email": "nope"})))
        .await
        .assert(400, coded("error-invalid-email", "Invalid email nope"));
    reg(with(json!({"pass": "  "}))).await.assert(400, json!({"success": false,
        "error": "The password provided does not meet the server's password policy.", "errorType": "error-password-policy-not-met"}));
    let mut no_name = with(json!({}));
    no_name.as_object_mut().unwrap().remove("name");
    reg(no_name)
        .await
        .assert(400, failure("Match error: Missing key 'name'"));
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"department":{"type":"select","options":["IT"],"required":true,"public":true}}"#),
    )
    .await;
    reg(with(json!({"customFields": {}}))).await.assert(400, json!({
        "isClientSafe": true, "error": "error-user-registration-custom-field", "reason": "Field department is required",
        "details": {"method": "registerUser"}, "message": "Field department is required [error-user-registration-custom-field]",
        "errorType": "Meteor.Error", "success": false}));
    let u = reg(with(json!({"username": "withcf", "email": "withcf@rc-users.test", "customFields": {"department": "IT"}})))
        .await.ok()["user"].clone();
    assert_eq!(u["customFields"], json!({"department": "IT"}));
    app.set_setting("Accounts_CustomFields", json!("")).await;
    app.set_setting("Accounts_Password_Policy_Enabled", json!(true))
        .await;
    let r = reg(with(json!({"pass": "abc"}))).await;
    assert_eq!(r.body["errorType"], "error-password-policy-not-met");
    assert!(r.body["details"].as_array().unwrap().len() >= 3);
    app.set_setting("Accounts_Password_Policy_Enabled", json!(false))
        .await;
    app.set_setting("Accounts_RegistrationForm", json!("Disabled"))
        .await;
    reg(with(json!({}))).await.assert(
        400,
        coded_d(
            "error-user-registration-disabled",
            "User registration is disabled",
            json!({"method": "registerUser"}),
        ),
    );
    app.set_setting("Accounts_RegistrationForm", json!("Secret URL"))
        .await;
    app.set_setting("Accounts_RegistrationForm_SecretURL", json!("s3cr3t"))
        .await;
    reg(with(json!({"secret": "wrong"}))).await.assert(
        400,
        coded_d(
            "error-user-registration-secret",
            "User registration is only allowed via Secret URL",
            json!({"method": "registerUser"}),
        ),
    );
    reg(with(json!({"secret": "s3cr3t"}))).await.ok();
    app.set_setting("Accounts_RegistrationForm", json!("Public"))
        .await;
    app.set_setting("Accounts_ManuallyApproveNewUsers", json!(true))
        .await;
    let u = reg(with(
        json!({"username": "pending", "email": "pending@rc-users.test"}),
    ))
    .await
    .ok()["user"]
        .clone();
    assert_eq!(u["active"], false);
    assert_eq!(
        scalar_i64(
            &app,
            "SELECT count(*) FROM users WHERE username = $1",
            "other"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn first_registered_user_becomes_admin() {
    let app = TestApp::new().await;
    // As on a server where no admin exists yet.
    sqlx::query("UPDATE users SET roles = ARRAY['user'] WHERE roles @> ARRAY['admin']")
        .execute(app.db())
        .await
        .unwrap();
    let r = app
        .post("/api/v1/users.register", None,
              json!({"username": "first", "email": "first@rc-users.test", "pass": "pw-1", "name": "First"}))
        .await;
    r.ok();
    let roles: Vec<String> = sqlx::query_scalar("SELECT roles FROM users WHERE username = 'first'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(roles, ["user", "admin"]);
    app.post("/api/v1/users.register", None,
             json!({"username": "second", "email": "second@rc-users.test", "pass": "pw-1", "name": "Second"}))
        .await
        .ok();
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT roles FROM users WHERE username = 'second'")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(roles, ["user"]);
}

// ------------------------------------------------------------------ users.updateOwnBasicInfo

#[tokio::test]
async fn update_own_basic_info_profile_fields() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    let r = app
        .post(
            "/api/v1/users.updateOwnBasicInfo",
            Some(&bob),
            json!({"data": {"name": "Bob B", "username": "bobby", "nickname": "bb", "bio": "my bio",
                              "statusText": "coding", "statusType": "busy"}}),
        )
        .await;
    let u = r.ok()["user"].clone();
    assert_eq!(u["name"], "Bob B");
    assert_eq!(u["username"], "bobby");
    assert_eq!(u["nickname"], "bb");
    assert_eq!(u["bio"], "my bio");
    assert_eq!(u["statusText"], "coding");
    assert_eq!(u["status"], "busy");
    assert_eq!(u["services"], json!({"password": {"exists": true}}));
    assert!(
        u.get("settings").is_none(),
        "no default-preferences expansion: {u}"
    );
    assert_no_secrets(&r.body, &[]);
    let (username, status_default): (String, String) =
        sqlx::query_as("SELECT username, status_default FROM users WHERE id = $1")
            .bind(&bob.user_id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(
        (username.as_str(), status_default.as_str()),
        ("bobby", "busy")
    );

    let own = |data: Value| {
        let app = &app;
        let bob = bob.clone();
        async move {
            app.post(
                "/api/v1/users.updateOwnBasicInfo",
                Some(&bob),
                json!({"data": data}),
            )
            .await
        }
    };
    app.post("/api/v1/users.updateOwnBasicInfo", Some(&bob), json!({}))
        .await
        .assert(400, invalid_params("must have required property 'data'"));
    own(json!({"roles": ["admin"]}))
        .await
        .assert(400, invalid_params("must NOT have additional properties"));
    own(json!({"name": "a\\b"}))
        .await
        .assert(400, failure("Name contains invalid characters"));
    let identity = coded_d(
        "error-could-not-save-identity",
        "Could not save user identity",
        json!({"method": "saveUserProfile"}),
    );
    for data in [
        json!({"username": "admin"}),
        json!({"username": "user"}),
        json!({"name": "  "}),
        json!({"username": "ADMIN"}),
        json!({"username": "bad name"}),
    ] {
        own(data).await.assert(400, identity.clone());
    }
    app.insert_user("carl", PW, &["user"]).await;
    own(json!({"username": "Carl"})).await.assert(400, identity);
    own(json!({"bio": "b".repeat(261)})).await.assert(
        400,
        coded("error-bio-size-exceeded", "Bio size exceeds 260 characters"),
    );
    own(json!({"statusType": "gone"})).await.assert(
        400,
        coded(
            "error-invalid-status",
            "Valid status types include online, away, offline, and busy.",
        ),
    );
    // Settings: even an admin cannot change what a setting forbids on their own profile.
    let admin = app.admin().await;
    for (setting, data, reason) in [
        (
            "Accounts_AllowRealNameChange",
            json!({"name": "Other"}),
            "Edit user real name is not allowed",
        ),
        (
            "Accounts_AllowUsernameChange",
            json!({"username": "other1"}),
            "Edit username is not allowed",
        ),
        (
            "Accounts_AllowUserStatusMessageChange",
            json!({"statusText": "x"}),
            "Edit user status is not allowed",
        ),
        (
            "Accounts_AllowEmailChange",
            json!({"email": "a@rc-users.test"}),
            "Edit user email is not allowed",
        ),
        (
            "Accounts_AllowPasswordChange",
            json!({"newPassword": "Whatever-1"}),
            "Edit user password is not allowed",
        ),
    ] {
        app.set_setting(setting, json!(false)).await;
        app.post(
            "/api/v1/users.updateOwnBasicInfo",
            Some(&admin),
            json!({"data": data}),
        )
        .await
        .assert(400, not_allowed("Update_user", reason));
        app.set_setting(setting, json!(true)).await;
    }
    app.set_setting("Accounts_AllowUserProfileChange", json!(false))
        .await;
    own(json!({"bio": "x"})).await.assert(
        400,
        coded_d(
            "error-not-allowed",
            "Not allowed",
            json!({"method": "saveUserProfile"}),
        ),
    );
    // Custom fields at the top level.
    app.set_setting("Accounts_AllowUserProfileChange", json!(true))
        .await;
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"city":{"type":"text","maxLength":5}}"#),
    )
    .await;
    app.post(
        "/api/v1/users.updateOwnBasicInfo",
        Some(&bob),
        json!({"data": {}, "customFields": {"city": "Toolong"}}),
    )
    .await
    .assert(
        400,
        coded_d(
            "error-user-registration-custom-field",
            "Max length of field city 5",
            json!({"method": "registerUser"}),
        ),
    );
    let u = app
        .post(
            "/api/v1/users.updateOwnBasicInfo",
            Some(&bob),
            json!({"data": {}, "customFields": {"city": "Oslo"}}),
        )
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["customFields"], json!({"city": "Oslo"}));
}

#[tokio::test]
async fn update_own_basic_info_password_and_email_need_current_password() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    let bob_other = app.login("bob", PW).await;
    let own = |data: Value| {
        let app = &app;
        let bob = bob.clone();
        async move {
            app.post(
                "/api/v1/users.updateOwnBasicInfo",
                Some(&bob),
                json!({"data": data}),
            )
            .await
        }
    };
    let invalid = coded_d(
        "error-invalid-password",
        "Invalid password",
        json!({"method": "saveUserProfile"}),
    );
    own(json!({"email": "new@rc-users.test"})).await.assert(
        400,
        coded_d(
            "totp-required",
            "TOTP Required",
            json!({"method": "password", "codeGenerated": false, "availableMethods": []}),
        ),
    );
    own(json!({"email": "new@rc-users.test", "currentPassword": sha256_hex("wrong")}))
        .await
        .assert(400, invalid.clone());
    own(json!({"newPassword": "Next-pass-1", "currentPassword": sha256_hex("wrong")}))
        .await
        .assert(400, invalid.clone());
    // Also when 2FA is switched off (where Rocket.Chat would skip the check).
    app.set_setting("Accounts_TwoFactorAuthentication_Enabled", json!(false))
        .await;
    own(json!({"newPassword": "Next-pass-1", "currentPassword": sha256_hex("wrong"), "name": "Changed"})).await.assert(400, invalid.clone());
    own(json!({"newPassword": "Next-pass-1"}))
        .await
        .assert(400, invalid);
    let (email, name): (String, String) =
        sqlx::query_as("SELECT email, name FROM users WHERE id = $1")
            .bind(&bob.user_id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(
        (email.as_str(), name.as_str()),
        ("bob@rc-users.test", "bob name"),
        "nothing changed"
    );
    assert!(can_log_in(&app, "bob", PW).await);
    let current = sha256_hex(PW);
    own(json!({"newPassword": PW, "currentPassword": current}))
        .await
        .assert(
            400,
            coded_d(
                "error-password-same-as-current",
                "Entered password same as current password",
                json!({"method": "saveUserProfile"}),
            ),
        );
    app.set_setting("Accounts_Password_Policy_Enabled", json!(true))
        .await;
    let r = own(json!({"newPassword": "weak", "currentPassword": current})).await;
    assert_eq!(r.body["errorType"], "error-password-policy-not-met");
    app.set_setting("Accounts_Password_Policy_Enabled", json!(false))
        .await;
    // E-mail change with the right current password: stored unverified.
    sqlx::query("UPDATE users SET email_verified = true WHERE id = $1")
        .bind(&bob.user_id)
        .execute(app.db())
        .await
        .unwrap();
    let u = own(json!({"email": "New@RC-users.test", "currentPassword": current.to_uppercase()}))
        .await
        .ok()["user"]
        .clone();
    assert_eq!(
        u["emails"],
        json!([{"address": "new@rc-users.test", "verified": false}])
    );
    own(json!({"email": "carl@", "currentPassword": current}))
        .await
        .assert(400, coded("error-invalid-email", "Invalid email"));
    // Password change: the current token is kept, the others end; requirePasswordChange cleared.
    sqlx::query("UPDATE users SET require_password_change = true, require_password_change_reason = 'x' WHERE id = $1")
        .bind(&bob.user_id).execute(app.db()).await.unwrap();
    let u = own(json!({"newPassword": "Next-pass-1", "currentPassword": current}))
        .await
        .ok()["user"]
        .clone();
    assert!(u.get("requirePasswordChange").is_none(), "{u}");
    assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status, 200);
    assert_eq!(app.get("/api/v1/me", Some(&bob_other)).await.status, 401);
    assert_eq!(tokens_of(&app, &bob.user_id).await, 1);
    assert!(can_log_in(&app, "bob", "Next-pass-1").await);
    // History: an earlier password cannot come back.
    app.set_setting("Accounts_Password_History_Enabled", json!(true))
        .await;
    own(json!({"newPassword": "Third-pass-1", "currentPassword": sha256_hex("Next-pass-1")}))
        .await
        .ok();
    own(json!({"newPassword": "Next-pass-1", "currentPassword": sha256_hex("Third-pass-1")}))
        .await
        .assert(
            400,
            coded_d(
                "error-password-in-history",
                "Entered password has been previously used",
                json!({"method": "saveUserProfile"}),
            ),
        );
    assert!(can_log_in(&app, "bob", "Third-pass-1").await);
    // An e-mail already used by another user.
    app.insert_user("carl", PW, &["user"]).await;
    own(json!({"email": "carl@rc-users.test", "currentPassword": sha256_hex("Third-pass-1")}))
        .await
        .assert(
            400,
            iou(
                "error-field-unavailable",
                "carl@rc-users.test is already in use :(",
                json!({"field": "carl@rc-users.test"}),
            ),
        );
}

// ------------------------------------------------------------------ users.deleteOwnAccount

#[tokio::test]
async fn delete_own_account() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    let method = json!({"method": "deleteUserOwnAccount"});
    app.post(
        "/api/v1/users.deleteOwnAccount",
        Some(&bob),
        json!({"password": sha256_hex(PW)}),
    )
    .await
    .assert(
        400,
        coded_d("error-not-allowed", "Not allowed", method.clone()),
    );
    app.set_setting("Accounts_AllowDeleteOwnAccount", json!(true))
        .await;
    app.post("/api/v1/users.deleteOwnAccount", Some(&bob), json!({}))
        .await
        .assert(
            400,
            invalid_params("must have required property 'password'"),
        );
    app.post(
        "/api/v1/users.deleteOwnAccount",
        Some(&bob),
        json!({"password": sha256_hex("nope")}),
    )
    .await
    .assert(
        400,
        coded_d("error-invalid-password", "Invalid password", method.clone()),
    );
    assert!(user_id(&app, "bob").await.is_some());
    app.post(
        "/api/v1/users.deleteOwnAccount",
        Some(&bob),
        json!({"password": sha256_hex(PW)}),
    )
    .await
    .assert(200, json!({"success": true}));
    assert!(user_id(&app, "bob").await.is_none());
    assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status, 401);
    // A user without a password confirms with the SHA-256 of the username.
    let carl = app.user("carl").await;
    sqlx::query("DELETE FROM credentials WHERE user_id = $1")
        .bind(&carl.user_id)
        .execute(app.db())
        .await
        .unwrap();
    app.post(
        "/api/v1/users.deleteOwnAccount",
        Some(&carl),
        json!({"password": sha256_hex("wrong")}),
    )
    .await
    .assert(
        400,
        coded_d("error-invalid-username", "Invalid username", method),
    );
    app.post(
        "/api/v1/users.deleteOwnAccount",
        Some(&carl),
        json!({"password": sha256_hex("carl")}),
    )
    .await
    .ok();
    // The last admin cannot delete themself.
    let admin = app.admin().await;
    app.post(
        "/api/v1/users.deleteOwnAccount",
        Some(&admin),
        json!({"password": sha256_hex(ADMIN_PASS)}),
    )
    .await
    .assert(
        400,
        coded(
            "error-action-not-allowed",
            "Leaving the app without an admin is not allowed",
        ),
    );
}

// ------------------------------------------------------------------ availability, suggestion, logout

#[tokio::test]
async fn check_username_availability() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    app.insert_user("carl", PW, &["user"]).await;
    sqlx::query("INSERT INTO teams (id, name) VALUES ('T1', 'TeamRocket')")
        .execute(app.db())
        .await
        .unwrap();
    let check = |u: &str| {
        let app = &app;
        let bob = bob.clone();
        let path = format!("/api/v1/users.checkUsernameAvailability?username={u}");
        async move { app.get(&path, Some(&bob)).await }
    };
    check("free.name")
        .await
        .assert(200, json!({"result": true, "success": true}));
    check("CARL")
        .await
        .assert(200, json!({"result": false, "success": true}));
    check("teamrocket")
        .await
        .assert(200, json!({"result": false, "success": true}));
    check("bob")
        .await
        .assert(200, json!({"result": true, "success": true}));
    check("a%20b")
        .await
        .assert(200, json!({"result": true, "success": true}));
    check("Admin").await.assert(
        400,
        coded_d(
            "error-blocked-username",
            "Admin is blocked and can't be used!",
            json!({"method": "checkUsernameAvailability", "field": "Admin"}),
        ),
    );
    check("").await.assert(
        400,
        coded_d(
            "error-invalid-username",
            "Invalid username",
            json!({"method": "checkUsernameAvailability"}),
        ),
    );
    app.get("/api/v1/users.checkUsernameAvailability", Some(&bob))
        .await
        .assert(
            400,
            invalid_params("must have required property 'username'"),
        );
    app.set_setting("Accounts_AllowUsernameChange", json!(false))
        .await;
    check("free").await.assert(
        400,
        coded_d(
            "error-not-allowed",
            "Not allowed",
            json!({"method": "checkUsernameAvailability"}),
        ),
    );
    assert_eq!(
        app.get("/api/v1/users.checkUsernameAvailability?username=x", None)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn username_suggestion() {
    let app = TestApp::new().await;
    let id = app.insert_user("jd", PW, &["user"]).await;
    sqlx::query("UPDATE users SET name = 'John Doe' WHERE id = $1")
        .bind(&id)
        .execute(app.db())
        .await
        .unwrap();
    let jd = app.login("jd", PW).await;
    let get = || async {
        app.get("/api/v1/users.getUsernameSuggestion", Some(&jd))
            .await
    };
    get()
        .await
        .assert(200, json!({"result": "john.doe", "success": true}));
    app.insert_user("john.doe", PW, &["user"]).await;
    get()
        .await
        .assert(200, json!({"result": "jdoe", "success": true}));
    app.insert_user("jdoe", PW, &["user"]).await;
    app.insert_user("johnd", PW, &["user"]).await;
    get()
        .await
        .assert(200, json!({"result": "john.doe-0", "success": true}));
    // A caller without a username may ask (route flagged "username not required").
    sqlx::query("UPDATE users SET username = NULL, name = NULL WHERE id = $1")
        .bind(&id)
        .execute(app.db())
        .await
        .unwrap();
    get()
        .await
        .assert(200, json!({"result": "user-0", "success": true}));
}

#[tokio::test]
async fn users_logout() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let bob2 = app.login("bob", PW).await;
    let carl = app.user("carl").await;
    app.post(
        "/api/v1/users.logout",
        Some(&bob),
        json!({"userId": carl.user_id}),
    )
    .await
    .assert(403, json!({"success": false, "error": "unauthorized"}));
    app.post(
        "/api/v1/users.logout",
        Some(&admin),
        json!({"userId": "nobody"}),
    )
    .await
    .assert(400, coded("error-invalid-user-id", "Invalid user id"));
    app.post(
        "/api/v1/users.logout",
        Some(&admin),
        json!({"userId": carl.user_id}),
    )
    .await
    .assert(
        200,
        json!({"message": format!("User {} has been logged out!", carl.user_id), "success": true}),
    );
    assert_eq!(tokens_of(&app, &carl.user_id).await, 0);
    sqlx::query("INSERT INTO login_tokens (hashed_token, user_id, kind, name) VALUES ('pat-hash', $1, 'personalAccessToken', 'pat')")
        .bind(&bob.user_id).execute(app.db()).await.unwrap();
    app.post("/api/v1/users.logout", Some(&bob), json!({}))
        .await
        .assert(200, json!({"message": format!("User {} has been logged out!", bob.user_id), "success": true}));
    assert_eq!(
        tokens_of(&app, &bob.user_id).await,
        0,
        "sessions and PATs removed"
    );
    assert_eq!(app.get("/api/v1/me", Some(&bob2)).await.status, 401);
}

#[tokio::test]
async fn write_endpoints_are_in_openapi() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", None).await.body;
    for p in [
        "users.create",
        "users.update",
        "users.delete",
        "users.register",
        "users.updateOwnBasicInfo",
        "users.setActiveStatus",
        "users.deleteOwnAccount",
        "users.checkUsernameAvailability",
        "users.getUsernameSuggestion",
        "users.logout",
    ] {
        assert!(doc["paths"].get(format!("/api/v1/{p}")).is_some(), "{p}");
    }
}

#[tokio::test]
async fn rename_extension_team_names_and_random_password() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let carl_id = app.insert_user("carl", PW, &["user"]).await;
    let mut pair = [bob.user_id.clone(), carl_id.clone()];
    pair.sort();
    let dm = pair.concat();
    sqlx::query("INSERT INTO rooms (id, t) VALUES ($1, 'd')")
        .bind(&dm)
        .execute(app.db())
        .await
        .unwrap();
    for (uid, name) in [(bob.user_id.as_str(), "carl"), (carl_id.as_str(), "bob")] {
        sqlx::query("INSERT INTO subscriptions (id, rid, user_id, name, t) VALUES (rc_random_id(), $1, $2, $3, 'd')")
            .bind(&dm).bind(uid).bind(name).execute(app.db()).await.unwrap();
    }
    // A rename shows in the other member's direct-message subscription.
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob.user_id, "data": {"username": "bobby"}}),
    )
    .await
    .ok();
    let name: String =
        sqlx::query_scalar("SELECT name FROM subscriptions WHERE rid = $1 AND user_id = $2")
            .bind(&dm)
            .bind(&carl_id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(name, "bobby");
    // Team names are taken usernames.
    sqlx::query("INSERT INTO teams (id, name) VALUES ('T1', 'Rockets')")
        .execute(app.db())
        .await
        .unwrap();
    app.post("/api/v1/users.create", Some(&admin), new_user("rockets"))
        .await
        .assert(
            400,
            iou(
                "error-field-unavailable",
                "rockets is already in use :(",
                json!({"field": "rockets"}),
            ),
        );
    // Voice-call extensions: allowed with the VoIP setting, unique.
    app.set_setting("VoIP_TeamCollab_SIP_Integration_Enabled", json!(true))
        .await;
    let mut body = new_user("ext1");
    body["freeSwitchExtension"] = json!("1001");
    let u = app
        .post("/api/v1/users.create", Some(&admin), body)
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["freeSwitchExtension"], "1001");
    let mut body = new_user("ext2");
    body["freeSwitchExtension"] = json!("1001");
    app.post("/api/v1/users.create", Some(&admin), body)
        .await
        .assert(
            400,
            coded("error-extension-not-available", "Extension not available"),
        );
    assert!(user_id(&app, "ext2").await.is_none());
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": carl_id, "data": {"freeSwitchExtension": "1001"}}),
    )
    .await
    .assert(
        400,
        coded("error-extension-not-available", "Extension not available"),
    );
    app.set_setting("VoIP_TeamCollab_SIP_Integration_Enabled", json!(false))
        .await;
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": carl_id, "data": {"freeSwitchExtension": "1002"}}),
    )
    .await
    .assert(
        400,
        not_allowed(
            "Update_user",
            "Edit user voice call extension is not allowed",
        ),
    );
    // setRandomPassword on update: old password gone, change required, sessions ended.
    let u = app
        .post(
            "/api/v1/users.update",
            Some(&admin),
            json!({"userId": bob.user_id, "data": {"setRandomPassword": true}}),
        )
        .await
        .ok()["user"]
        .clone();
    assert_eq!(u["requirePasswordChange"], true);
    assert!(!can_log_in(&app, "bobby", PW).await);
    assert_eq!(tokens_of(&app, &bob.user_id).await, 0);
}
