//! Foundation: start-up, login/logout, /me, authentication headers, error envelopes.

use axum::body::Body;
use axum::http::Request;
use rc_users::auth::token::{hash_token, sha256_hex};
use rc_users::error::ApiError;
use serde_json::json;

use crate::common::*;

const UNAUTHORIZED_LOGIN: &str =
    r#"{"success":false,"error":"Unauthorized","status":"error","message":"Unauthorized"}"#;

fn not_logged_in() -> serde_json::Value {
    json!({"success": false, "error": "You must be logged in to do this.", "status": "error",
           "message": "You must be logged in to do this."})
}

#[tokio::test]
async fn login_by_username_email_digest_and_user_object() {
    let app = TestApp::new().await;
    app.insert_user("alice", "s3cret-pw", &["user"]).await;
    for body in [
        json!({"user": "alice", "password": "s3cret-pw"}),
        json!({"username": "alice", "password": "s3cret-pw"}),
        json!({"user": "alice@rc-users.test", "password": "s3cret-pw"}),
        json!({"email": "ALICE@rc-users.test", "password": "s3cret-pw"}),
        json!({"user": {"username": "alice"}, "password": "s3cret-pw"}),
        json!({"user": {"email": "alice@rc-users.test"}, "password": "s3cret-pw"}),
        json!({"user": "alice", "password": {"digest": sha256_hex("s3cret-pw"), "algorithm": "sha-256"}}),
    ] {
        let r = app.post("/api/v1/login", None, body.clone()).await;
        let b = r.ok();
        assert_eq!(b["status"], "success", "{body}");
        let token = b["data"]["authToken"].as_str().unwrap();
        assert_eq!(token.len(), 43);
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(b["data"]["me"]["username"], "alice");
        assert_eq!(b["data"]["userId"], b["data"]["me"]["_id"]);
        assert_no_secrets(b, &[]);
        // Only the hash is stored.
        let stored: i64 =
            sqlx::query_scalar("SELECT count(*) FROM login_tokens WHERE hashed_token = $1")
                .bind(hash_token(token))
                .fetch_one(app.db())
                .await
                .unwrap();
        assert_eq!(stored, 1);
        let clear: i64 =
            sqlx::query_scalar("SELECT count(*) FROM login_tokens WHERE hashed_token = $1")
                .bind(token)
                .fetch_one(app.db())
                .await
                .unwrap();
        assert_eq!(clear, 0);
    }
    let last_login: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT last_login FROM users WHERE username = 'alice'")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert!(last_login.is_some());
}

#[tokio::test]
async fn login_form_encoded_and_resume() {
    let app = TestApp::new().await;
    app.insert_user("bob", "pw-bob-1", &["user"]).await;
    let r = app
        .post_raw(
            "/api/v1/login",
            None,
            "application/x-www-form-urlencoded",
            "user=bob&password=pw-bob-1",
        )
        .await;
    let token = r.ok()["data"]["authToken"].as_str().unwrap().to_owned();
    let r = app
        .post("/api/v1/login", None, json!({"resume": token}))
        .await;
    let b = r.ok();
    assert_eq!(b["data"]["authToken"], token.as_str());
    assert_eq!(b["data"]["me"]["username"], "bob");
    let r = app
        .post("/api/v1/login", None, json!({"resume": "not-a-token"}))
        .await;
    r.assert(401, serde_json::from_str(UNAUTHORIZED_LOGIN).unwrap());
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_the_same_401() {
    let app = TestApp::new().await;
    app.insert_user("carol", "right-pw", &["user"]).await;
    let expected: serde_json::Value = serde_json::from_str(UNAUTHORIZED_LOGIN).unwrap();
    for body in [
        json!({"user": "carol", "password": "wrong"}),
        json!({"user": "nobody", "password": "whatever"}),
        json!({"user": "Carol", "password": "right-pw"}),
        json!({"password": "right-pw"}),
        json!({"user": "carol"}),
        json!({}),
    ] {
        app.post("/api/v1/login", None, body)
            .await
            .assert(401, expected.clone());
    }
}

#[tokio::test]
async fn inactive_user_cannot_log_in() {
    let app = TestApp::new().await;
    let id = app.insert_user("dave", "pw-dave", &["user"]).await;
    sqlx::query("UPDATE users SET active = false WHERE id = $1")
        .bind(&id)
        .execute(app.db())
        .await
        .unwrap();
    app.post("/api/v1/login", None, json!({"user": "dave", "password": "pw-dave"})).await.assert(
        401,
        json!({"success": false, "error": "error-user-is-not-activated", "status": "error", "message": "User is not activated"}),
    );
}

#[tokio::test]
async fn legacy_bcrypt_password_logs_in_and_is_rehashed() {
    let app = TestApp::new().await;
    let id = app.insert_user("legacy", "unused", &["user"]).await;
    let bcrypt = bcrypt::hash(sha256_hex("old-rc-pass"), 4).unwrap();
    sqlx::query("UPDATE credentials SET argon2_hash = NULL, legacy_bcrypt = $2 WHERE user_id = $1")
        .bind(&id)
        .bind(&bcrypt)
        .execute(app.db())
        .await
        .unwrap();
    app.login("legacy", "old-rc-pass").await;
    let (argon, legacy): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT argon2_hash, legacy_bcrypt FROM credentials WHERE user_id = $1")
            .bind(&id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert!(argon.unwrap().starts_with("$argon2id$"));
    assert!(legacy.is_none());
    app.login("legacy", "old-rc-pass").await;
}

#[tokio::test]
async fn logout_revokes_only_the_current_token() {
    let app = TestApp::new().await;
    app.insert_user("erin", "pw-erin", &["user"]).await;
    let a = app.login("erin", "pw-erin").await;
    let b = app.login("erin", "pw-erin").await;
    let r = app.post("/api/v1/logout", Some(&a), json!({})).await;
    r.assert(
        200,
        json!({"status": "success", "data": {"message": "You've been logged out!"}}),
    );
    app.get("/api/v1/me", Some(&a))
        .await
        .assert(401, not_logged_in());
    app.get("/api/v1/me", Some(&b)).await.ok();
    // GET is accepted too.
    app.get("/api/v1/logout", Some(&b)).await;
    app.get("/api/v1/me", Some(&b))
        .await
        .assert(401, not_logged_in());
    app.post("/api/v1/logout", None, json!({}))
        .await
        .assert(401, not_logged_in());
}

#[tokio::test]
async fn me_shape_and_no_secrets() {
    let app = TestApp::new().await;
    let auth = app.admin().await;
    let r = app.get("/api/v1/me", Some(&auth)).await;
    let me = r.ok();
    assert_eq!(me["username"], ADMIN_USER);
    assert_eq!(me["_id"], auth.user_id.as_str());
    assert_eq!(me["roles"], json!(["admin"]));
    assert_eq!(me["email"], "admin@rc-users.test");
    assert_eq!(
        me["emails"],
        json!([{"address": "admin@rc-users.test", "verified": true}])
    );
    assert_eq!(me["services"], json!({"password": {"exists": true}}));
    assert_eq!(me["avatarUrl"], "http://localhost:3000/avatar/admin");
    assert_eq!(me["isOAuthUser"], false);
    assert_eq!(me["settings"]["profile"], json!({}));
    let prefs = me["settings"]["preferences"].as_object().unwrap();
    let mut keys: Vec<&str> = prefs.keys().map(String::as_str).collect();
    keys.sort();
    let mut expected = vec![
        "alsoSendThreadToChannel",
        "newRoomNotification",
        "newMessageNotification",
        "showThreadsInMainChannel",
        "useEmojis",
        "convertAsciiEmoji",
        "saveMobileBandwidth",
        "collapseMediaByDefault",
        "autoImageLoad",
        "emailNotificationMode",
        "unreadAlert",
        "notificationsSoundVolume",
        "omnichannelTranscriptEmail",
        "desktopNotifications",
        "pushNotifications",
        "enableAutoAway",
        "desktopNotificationRequireInteraction",
        "hideUsernames",
        "hideRoles",
        "displayAvatars",
        "hideFlexTab",
        "sendOnEnter",
        "idleTimeLimit",
        "sidebarShowFavorites",
        "sidebarShowUnread",
        "themeAppearence",
        "sidebarSortby",
        "sidebarViewMode",
        "sidebarDisplayAvatar",
        "sidebarGroupByType",
        "sidebarSectionsOrder",
        "muteFocusedConversations",
        "notifyCalendarEvents",
        "enableMobileRinging",
        "featuresPreview",
    ];
    expected.sort();
    assert_eq!(keys, expected);
    for absent in ["createdAt", "lastLogin", "type", "importIds"] {
        assert!(me.get(absent).is_none(), "{absent} must not be in /me");
    }
    // `success` is appended last.
    assert_eq!(
        me.as_object().unwrap().keys().next_back().unwrap(),
        "success"
    );
    assert_no_secrets(me, &[&auth.token, &hash_token(&auth.token)]);
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(r.headers["pragma"], "no-cache");
    // Every answer carries a request id (a UUID unless the client sent one).
    assert_eq!(r.headers["x-request-id"].len(), 36);
}

#[tokio::test]
async fn missing_partial_and_wrong_headers_get_401() {
    let app = TestApp::new().await;
    let auth = app.admin().await;
    let cases: Vec<Vec<(&str, String)>> = vec![
        vec![],
        vec![("X-User-Id", auth.user_id.clone())],
        vec![("X-Auth-Token", auth.token.clone())],
        vec![
            ("X-User-Id", auth.user_id.clone()),
            ("X-Auth-Token", "wrong".into()),
        ],
        vec![
            ("X-User-Id", "someone-else".into()),
            ("X-Auth-Token", auth.token.clone()),
        ],
        vec![
            ("X-User-Id", auth.user_id.clone()),
            ("X-Auth-Token", hash_token(&auth.token)),
        ],
        vec![
            ("X-User-Id", "x".repeat(10_000)),
            ("X-Auth-Token", auth.token.clone()),
        ],
    ];
    for headers in cases {
        let mut b = Request::builder().uri("/api/v1/me");
        for (k, v) in &headers {
            b = b.header(*k, v);
        }
        app.request(b.body(Body::empty()).unwrap())
            .await
            .assert(401, not_logged_in());
    }
    // Header names are case-insensitive.
    let r = app
        .request(
            Request::builder()
                .uri("/api/v1/me")
                .header("x-user-id", &auth.user_id)
                .header("x-auth-token", &auth.token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    r.ok();
}

#[tokio::test]
async fn error_envelopes() {
    let app = TestApp::new().await;
    // Unknown API route: JSON 404.
    app.get("/api/v1/users.doesNotExist", None).await.assert(
        404,
        json!({"success": false, "error": "Resource not found"}),
    );
    // Preflight.
    let r = app
        .request(
            Request::builder()
                .method("OPTIONS")
                .uri("/api/v1/me")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200);
    // Malformed JSON, non-object JSON, huge body: Rocket.Chat-style 400s.
    let r = app
        .post_raw("/api/v1/login", None, "application/json", "{not json")
        .await;
    r.assert(400, json!({"success": false, "error": "request body must be valid JSON [invalid-params]", "errorType": "invalid-params"}));
    let r = app
        .post_raw("/api/v1/login", None, "application/json", "[1,2]")
        .await;
    r.assert(400, json!({"success": false, "error": "must be object [invalid-params]", "errorType": "invalid-params"}));
    let huge = format!("{{\"user\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let r = app
        .post_raw("/api/v1/login", None, "application/json", huge)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["success"], false);
    assert_eq!(r.body["errorType"], "invalid-params");
    // The renderings of the other envelopes.
    assert_eq!(
        ApiError::coded("error-invalid-password", "Invalid password").body(),
        json!({"success": false, "error": "Invalid password [error-invalid-password]", "errorType": "error-invalid-password"})
    );
    assert_eq!(
        ApiError::coded_with("error-x", "Reason", json!({"method": "m"})).body(),
        json!({"success": false, "error": "Reason [error-x]", "errorType": "error-x", "details": {"method": "m"}})
    );
    assert_eq!(
        ApiError::coded_no_reason("user-last-owner").body()["error"],
        "[user-last-owner]"
    );
    assert_eq!(
        ApiError::failure("User not found.").body(),
        json!({"success": false, "error": "User not found."})
    );
    assert_eq!(
        ApiError::MissingPermission.body(),
        json!({"success": false, "error": "User does not have the permissions required for this action [error-unauthorized]"})
    );
    assert_eq!(
        ApiError::Forbidden.body(),
        json!({"success": false, "error": "unauthorized"})
    );
    assert_eq!(
        ApiError::InvalidParams(vec!["a".into(), "b".into()]).body(),
        json!({"success": false, "error": "a\n b [invalid-params]", "errorType": "invalid-params"})
    );
    assert_eq!(
        ApiError::coded("error-unauthorized", "Users must have a username").body(),
        json!({"success": false, "error": "Users must have a username [error-unauthorized]"})
    );
}

#[tokio::test]
async fn info_and_openapi() {
    let app = TestApp::new().await;
    app.get("/api/info", None)
        .await
        .assert(200, json!({"version": "8.5.0", "success": true}));
    let r = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(r.status, 200);
    let paths = r.body["paths"].as_object().unwrap();
    for p in ["/api/v1/login", "/api/v1/logout", "/api/v1/me", "/api/info"] {
        assert!(paths.contains_key(p), "openapi lacks {p}");
    }
}

#[tokio::test]
async fn startup_creates_database_bootstraps_admin_and_applies_overwrites() {
    let name = format!("{}fresh_{}", db_prefix(), rand_suffix());
    let app = TestApp::on_db(
        &name,
        &[
            ("OVERWRITE_SETTING_API_Default_Count", "7"),
            ("OVERWRITE_SETTING_Accounts_AllowDeleteOwnAccount", "true"),
        ],
    )
    .await;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert!(exists);
    let count: serde_json::Value =
        sqlx::query_scalar("SELECT value FROM settings WHERE id = 'API_Default_Count'")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(count, json!(7));
    assert!(app
        .state
        .settings
        .get(&rc_users::settings::keys::ACCOUNTS_ALLOW_DELETE_OWN_ACCOUNT));
    let roles: Vec<String> = sqlx::query_scalar("SELECT roles FROM users WHERE username = $1")
        .bind(ADMIN_USER)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(roles, vec!["admin"]);
    // Seeds: rocket.cat, GENERAL, roles, permissions; the admin joined GENERAL.
    let cat: String = sqlx::query_scalar("SELECT type FROM users WHERE username = 'rocket.cat'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(cat, "bot");
    let joined: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM subscriptions s JOIN users u ON u.id = s.user_id WHERE s.rid = 'GENERAL' AND u.username = $1",
    )
    .bind(ADMIN_USER)
    .fetch_one(app.db())
    .await
    .unwrap();
    assert_eq!(joined, 1);
    let perm: Vec<String> =
        sqlx::query_scalar("SELECT roles FROM permissions WHERE id = 'view-d-room'")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(perm, vec!["admin", "user", "bot", "app", "guest"]);
    app.admin().await;
    // A second start on the same database neither duplicates the admin nor fails.
    let again = TestApp::on_db(&name, &[("ADMIN_PASS", "a-different-pass")]).await;
    let admins: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(username) = $1")
        .bind(ADMIN_USER)
        .fetch_one(again.db())
        .await
        .unwrap();
    assert_eq!(admins, 1);
    again.admin().await;
    // Stored value survives a restart without the overwrite.
    assert_eq!(
        again
            .state
            .settings
            .get(&rc_users::settings::keys::API_DEFAULT_COUNT),
        7
    );
}

#[tokio::test]
async fn test_mode_creates_the_internal_admin() {
    let app = TestApp::with_env(&[("TEST_MODE", "true")]).await;
    let auth = app
        .login(
            "rocketchat.internal.admin.test",
            "rocketchat.internal.admin.test",
        )
        .await;
    let me = app.get("/api/v1/me", Some(&auth)).await;
    assert_eq!(
        me.ok()["email"],
        "rocketchat.internal.admin.test@rocket.chat"
    );
    assert_eq!(me.body["roles"], json!(["admin"]));
}

#[tokio::test]
async fn help_lists_every_variable() {
    for var in [
        "PORT",
        "BIND_IP",
        "DATABASE_URL",
        "ADMIN_USERNAME",
        "ADMIN_PASS",
        "ADMIN_EMAIL",
        "OVERWRITE_SETTING_",
        "TEST_MODE",
    ] {
        assert!(rc_users::config::HELP.contains(var), "--help lacks {var}");
    }
}

fn rand_suffix() -> String {
    rc_users::ids::random_id().to_lowercase()
}

#[tokio::test]
async fn repeated_failures_block_the_account_then_unblock() {
    let app = TestApp::new().await;
    app.insert_user("frank", "pw-frank", &["user"]).await;
    app.set_setting(
        "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User",
        json!(3),
    )
    .await;
    app.set_setting(
        "Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes",
        json!(0.02),
    )
    .await;
    let unauthorized: serde_json::Value = serde_json::from_str(UNAUTHORIZED_LOGIN).unwrap();
    for _ in 0..3 {
        app.post(
            "/api/v1/login",
            None,
            json!({"user": "frank", "password": "nope"}),
        )
        .await
        .assert(401, unauthorized.clone());
    }
    let blocked = json!({"success": false, "error": "error-login-blocked-for-user", "status": "error",
                         "message": "Login has been temporarily blocked For User"});
    app.post(
        "/api/v1/login",
        None,
        json!({"user": "frank", "password": "pw-frank"}),
    )
    .await
    .assert(401, blocked.clone());
    // Same account by e-mail counts too.
    app.post(
        "/api/v1/login",
        None,
        json!({"user": "frank@rc-users.test", "password": "pw-frank"}),
    )
    .await
    .assert(401, blocked);
    // Another account is not affected.
    app.admin().await;
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    app.login("frank", "pw-frank").await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE kind = 'user'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(left, 0, "a successful login resets the count");
}

#[tokio::test]
async fn repeated_failures_from_one_ip_block_every_account_from_it() {
    let app = TestApp::new().await;
    app.set_setting("Block_Multiple_Failed_Logins_By_User", json!(false))
        .await;
    app.set_setting(
        "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip",
        json!(2),
    )
    .await;
    let from = |ip: &'static str, user: &str, pw: &str| {
        Request::builder()
            .method("POST")
            .uri("/api/v1/login")
            .header("Content-Type", "application/json")
            .header("X-Real-IP", ip)
            .body(Body::from(
                json!({"user": user, "password": pw}).to_string(),
            ))
            .unwrap()
    };
    assert_eq!(
        app.request(from("10.9.9.9", "ghost1", "x")).await.status,
        401
    );
    assert_eq!(
        app.request(from("10.9.9.9", "ghost2", "x")).await.status,
        401
    );
    app.request(from("10.9.9.9", ADMIN_USER, ADMIN_PASS))
        .await
        .assert(
            401,
            json!({"success": false, "error": "error-login-blocked-for-ip", "status": "error",
               "message": "Login has been temporarily blocked For IP"}),
        );
    // Another address still logs in.
    assert_eq!(
        app.request(from("10.9.9.10", ADMIN_USER, ADMIN_PASS))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn me_passes_through_presence_and_profile_fields() {
    let app = TestApp::new().await;
    let auth = app.user("gina").await;
    sqlx::query(
        "UPDATE users SET status_livechat = 'available', default_room = 'GENERAL', enable_auto_away = true, \
         idle_time_limit = 300, banners = $2, oauth = $3, status_source = 'manual', phone = '[{\"phoneNumber\":\"123\"}]' \
         WHERE id = $1",
    )
    .bind(&auth.user_id)
    .bind(json!({"versionUpdate-8.5.0": {"id": "versionUpdate-8.5.0"}, "other": {"id": "other"}}))
    .bind(json!({"authorizedClients": ["client-1"], "secretThing": "x"}))
    .execute(app.db())
    .await
    .unwrap();
    let me = app.get("/api/v1/me", Some(&auth)).await;
    let me = me.ok();
    assert_eq!(me["statusLivechat"], "available");
    assert_eq!(me["defaultRoom"], "GENERAL");
    assert_eq!(me["enableAutoAway"], true);
    assert_eq!(me["idleTimeLimit"], 300);
    assert_eq!(me["statusSource"], "manual");
    assert_eq!(me["oauth"], json!({"authorizedClients": ["client-1"]}));
    assert_eq!(
        me["banners"],
        json!({"versionUpdate-8.5.0": {"id": "versionUpdate-8.5.0"}})
    );
    assert!(me.get("phone").is_none());
    // Another regular user sees the presence fields but not phone or the /me-only fields.
    let other = app.user("hank").await;
    let r = app
        .get(
            &format!("/api/v1/users.info?userId={}", auth.user_id),
            Some(&other),
        )
        .await;
    let u = &r.ok()["user"];
    assert_eq!(u["statusLivechat"], "available");
    assert_eq!(u["statusSource"], "manual");
    for hidden in ["phone", "banners", "oauth", "defaultRoom", "idleTimeLimit"] {
        assert!(u.get(hidden).is_none(), "{hidden} leaked: {u}");
    }
    // The admin sees phone.
    let admin = app.admin().await;
    let r = app
        .get(
            &format!("/api/v1/users.info?userId={}", auth.user_id),
            Some(&admin),
        )
        .await;
    assert_eq!(r.ok()["user"]["phone"], json!([{"phoneNumber": "123"}]));
    // Filtering on a self-only field is refused like any hidden field.
    let q = "/api/v1/users.list?query=%7B%22defaultRoom%22%3A%22GENERAL%22%7D";
    assert_eq!(
        app.get(q, Some(&other)).await.body["errorType"],
        "error-invalid-query"
    );
}

#[tokio::test]
async fn expired_session_tokens_are_removed_but_personal_access_tokens_kept() {
    let app = TestApp::new().await;
    let old = app.user("ivy").await;
    let fresh = app.login("ivy", "pass-word-1").await;
    sqlx::query(
        "UPDATE login_tokens SET created_at = now() - interval '91 days' WHERE hashed_token = $1",
    )
    .bind(hash_token(&old.token))
    .execute(app.db())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO login_tokens (hashed_token, user_id, created_at, kind, name) \
         VALUES ('pat-hash', $1, now() - interval '400 days', 'personalAccessToken', 'ci')",
    )
    .bind(&old.user_id)
    .execute(app.db())
    .await
    .unwrap();
    let removed = rc_users::jobs::remove_expired_tokens(&app.state)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    app.get("/api/v1/me", Some(&old))
        .await
        .assert(401, not_logged_in());
    app.get("/api/v1/me", Some(&fresh)).await.ok();
    let pats: i64 =
        sqlx::query_scalar("SELECT count(*) FROM login_tokens WHERE hashed_token = 'pat-hash'")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(pats, 1);
}

#[tokio::test]
async fn a_statement_timeout_is_a_400_not_a_500() {
    let app = TestApp::new().await;
    let mut tx = app.db().begin().await.unwrap();
    sqlx::query("SET LOCAL statement_timeout = '20ms'")
        .execute(&mut *tx)
        .await
        .unwrap();
    let err = sqlx::query("SELECT pg_sleep(2)")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    let body = ApiError::from(err).body();
    assert_eq!(
        body,
        json!({"success": false, "error": "The request took too long to answer; narrow it down"})
    );
    // The pool's connections carry the server-wide timeout.
    let timeout: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(timeout, rc_users::db::STATEMENT_TIMEOUT);
}
