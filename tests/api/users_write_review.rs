//! Review of the account-management endpoints against Rocket.Chat's behaviour: the cases the
//! first round of tests did not pin down (each test names the rule it holds).

use serde_json::json;

use crate::common::*;

const PW: &str = "pass-word-1";

async fn can_log_in(app: &TestApp, user: &str, pw: &str) -> bool {
    app.post("/api/v1/login", None, json!({"user": user, "password": pw}))
        .await
        .status
        == 200
}

async fn users_named(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(username) = lower($1)")
        .bind(username)
        .fetch_one(app.db())
        .await
        .unwrap()
}

/// A name that does not compress (so it cannot hide inside an index entry).
fn long_name(chars: usize) -> String {
    let mut x: u32 = 12345;
    (0..chars)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            char::from(b'a' + ((x >> 16) % 26) as u8)
        })
        .collect()
}

// users.create: an empty `roles` array means "the default roles" (Rocket.Chat only replaces the
// defaults with a non-empty list), so the user can log in.
#[tokio::test]
async fn create_with_empty_roles_gets_the_default_roles() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/users.create",
            Some(&admin),
            json!({"username": "norole", "email": "norole@rc-users.test", "name": "No Role",
                   "password": PW, "roles": []}),
        )
        .await;
    assert_eq!(r.ok()["user"]["roles"], json!(["user"]));
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT roles FROM users WHERE username = 'norole'")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(roles, ["user"]);
    assert!(can_log_in(&app, "norole", PW).await);
}

// users.update `data.password`: only a non-blank password is applied (blank is ignored, not a
// policy error), and it is stored trimmed.
#[tokio::test]
async fn update_password_blank_is_ignored_and_value_is_trimmed() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob.user_id, "data": {"password": "   "}}),
    )
    .await
    .ok();
    assert!(can_log_in(&app, "bob", PW).await);
    assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status, 200);
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob.user_id, "data": {"password": "  new-pass-1  "}}),
    )
    .await
    .ok();
    assert!(can_log_in(&app, "bob", "new-pass-1").await);
    assert!(!can_log_in(&app, "bob", PW).await);
}

// users.setActiveStatus on an id that matches nobody: the operation does nothing and the
// endpoint answers the plain failure `User not found`.
#[tokio::test]
async fn set_active_status_of_unknown_user_is_user_not_found() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    for active in [true, false] {
        app.post(
            "/api/v1/users.setActiveStatus",
            Some(&admin),
            json!({"userId": "nobody", "activeStatus": active}),
        )
        .await
        .assert(400, json!({"success": false, "error": "User not found"}));
    }
}

// Activating a user removes the registration `reason` (Rocket.Chat unsets it on activation).
#[tokio::test]
async fn activation_clears_the_registration_reason() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.set_setting("Accounts_ManuallyApproveNewUsers", json!(true))
        .await;
    let r = app
        .post(
            "/api/v1/users.register",
            None,
            json!({"username": "pending", "email": "pending@rc-users.test", "pass": PW,
                   "name": "Pending", "reason": "let me in"}),
        )
        .await;
    let id = r.ok()["user"]["_id"].as_str().unwrap().to_owned();
    let reason = |app: &TestApp, id: String| {
        let db = app.db().clone();
        async move {
            sqlx::query_scalar::<_, Option<String>>("SELECT reason FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(reason(&app, id.clone()).await.as_deref(), Some("let me in"));
    app.post(
        "/api/v1/users.setActiveStatus",
        Some(&admin),
        json!({"userId": id, "activeStatus": true}),
    )
    .await
    .ok();
    assert_eq!(reason(&app, id.clone()).await, None);
}

// A name too long for the database's indexes is a clean 400 with nothing written — never 500
// (a deviation: Rocket.Chat has no limit; 500 characters is far beyond any real name).
#[tokio::test]
async fn huge_names_are_refused_cleanly() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let name = long_name(20_000);
    let expect = |r: Resp| {
        r.assert(
            400,
            json!({"success": false, "error": "Name size exceeds 500 characters [error-name-size-exceeded]",
                   "errorType": "error-name-size-exceeded"}),
        )
    };
    expect(
        app.post(
            "/api/v1/users.create",
            Some(&admin),
            json!({"username": "longname", "email": "longname@rc-users.test", "name": name, "password": PW}),
        )
        .await,
    );
    assert_eq!(users_named(&app, "longname").await, 0);
    expect(
        app.post(
            "/api/v1/users.register",
            None,
            json!({"username": "longname2", "email": "longname2@rc-users.test", "name": name, "pass": PW}),
        )
        .await,
    );
    assert_eq!(users_named(&app, "longname2").await, 0);
    expect(
        app.post(
            "/api/v1/users.update",
            Some(&admin),
            json!({"userId": bob.user_id, "data": {"name": name}}),
        )
        .await,
    );
    expect(
        app.post(
            "/api/v1/users.updateOwnBasicInfo",
            Some(&bob),
            json!({"data": {"name": name}}),
        )
        .await,
    );
    let ok = long_name(500);
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob.user_id, "data": {"name": ok}}),
    )
    .await
    .ok();
    app.post(
        "/api/v1/users.update",
        Some(&admin),
        json!({"userId": bob.user_id, "data": {"name": "bob name"}}),
    )
    .await
    .ok();
    let stored: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(&bob.user_id)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("bob name"));
}

// `Accounts_AllowEmailChange=false` only forbids replacing an address: a user without one may
// still be given one (Rocket.Chat's rule checks the existing first address).
#[tokio::test]
async fn email_change_setting_only_guards_an_existing_address() {
    let app = TestApp::new().await;
    let bob = app.user("bob").await;
    app.set_setting("Accounts_AllowEmailChange", json!(false))
        .await;
    app.post(
        "/api/v1/users.update",
        Some(&bob),
        json!({"userId": bob.user_id, "data": {"email": "other@rc-users.test"}}),
    )
    .await
    .assert(
        400,
        json!({"success": false, "error": "Edit user email is not allowed [error-action-not-allowed]",
               "errorType": "error-action-not-allowed",
               "details": {"method": "insertOrUpdateUser", "action": "Update_user"}}),
    );
    sqlx::query("UPDATE users SET email = NULL WHERE id = $1")
        .bind(&bob.user_id)
        .execute(app.db())
        .await
        .unwrap();
    // (A fresh account passes the 2FA check without a code.)
    let r = app
        .post(
            "/api/v1/users.update",
            Some(&bob),
            json!({"userId": bob.user_id, "data": {"email": "new@rc-users.test"}}),
        )
        .await;
    assert_eq!(r.ok()["user"]["emails"][0]["address"], "new@rc-users.test");
    let stored: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(&bob.user_id)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("new@rc-users.test"));
}

#[tokio::test]
async fn deactivating_an_agent_makes_it_not_available() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let id = app
        .insert_user("agent.one", "pw-agent-1", &["user", "livechat-agent"])
        .await;
    sqlx::query("UPDATE users SET status_livechat = 'available' WHERE id = $1")
        .bind(&id)
        .execute(app.db())
        .await
        .unwrap();
    let set = |active: bool| json!({"userId": id, "activeStatus": active});
    app.post("/api/v1/users.setActiveStatus", Some(&admin), set(false))
        .await
        .ok();
    let (livechat, roles): (Option<String>, Vec<String>) =
        sqlx::query_as("SELECT status_livechat, roles FROM users WHERE id = $1")
            .bind(&id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(livechat.as_deref(), Some("not-available"));
    assert_eq!(
        roles,
        vec!["user", "livechat-agent"],
        "roles are kept on deactivation"
    );
    app.post("/api/v1/users.setActiveStatus", Some(&admin), set(true))
        .await
        .ok();
    let livechat: Option<String> =
        sqlx::query_scalar("SELECT status_livechat FROM users WHERE id = $1")
            .bind(&id)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(
        livechat.as_deref(),
        Some("not-available"),
        "re-activation leaves it not-available"
    );
}
