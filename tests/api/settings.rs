//! Settings by id (users-extended §11), settings.public, and setting changes taking effect
//! at once on every instance.

use std::time::Duration;

use rc_users::auth::token::sha256_hex;
use rc_users::error::ApiError;
use rc_users::settings::{keys, SETTINGS};
use serde_json::{json, Value};

use crate::common::*;
use crate::permissions::within;

fn bare() -> Value {
    json!({"success": false})
}

fn match_error(detail: &str) -> Value {
    json!({"success": false, "error": format!("Match error: {detail}")})
}

fn invalid_value(text: &str) -> Value {
    json!({"success": false, "error": format!("{text} [error-invalid-setting-value]"),
           "errorType": "error-invalid-setting-value", "details": {"method": "saveSettings"}})
}

async fn stored(app: &TestApp, id: &str) -> Value {
    sqlx::query_scalar("SELECT value FROM settings WHERE id = $1")
        .bind(id)
        .fetch_one(app.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn get_setting_by_id() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("curious").await;
    app.get(
        "/api/v1/settings/Accounts_AllowUserAvatarChange",
        Some(&admin),
    )
    .await
    .assert(
        200,
        json!({"_id": "Accounts_AllowUserAvatarChange", "value": true, "success": true}),
    );
    app.get("/api/v1/settings/API_Upper_Count_Limit", Some(&admin))
        .await
        .assert(
            200,
            json!({"_id": "API_Upper_Count_Limit", "value": 100, "success": true}),
        );
    // The permission is needed even for a public setting.
    app.get("/api/v1/settings/Site_Name", Some(&user))
        .await
        .assert(403, ApiError::MissingPermission.body());
    app.get("/api/v1/settings/Site_Name", None)
        .await
        .assert(401, ApiError::Unauthenticated.body());
    for id in ["Accounts_SystemBlockedUsernameList", "No_Such_Setting"] {
        app.get(&format!("/api/v1/settings/{id}"), Some(&admin))
            .await
            .assert(400, bare());
    }
    app.get("/api/v1/settings/%FF", Some(&admin))
        .await
        .assert(400, bare());
}

#[tokio::test]
async fn set_setting_checks_the_declared_type() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let set = |id: &'static str, body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.post(&format!("/api/v1/settings/{id}"), Some(&admin), body)
                .await
        }
    };
    let cases: Vec<(&str, Value, Value)> = vec![
        // boolean
        ("Accounts_AllowDeleteOwnAccount", json!("true"), match_error("Expected boolean, got string")),
        ("Accounts_AllowDeleteOwnAccount", json!(1), match_error("Expected boolean, got number")),
        ("Accounts_AllowDeleteOwnAccount", json!(null), match_error("Expected boolean, got null")),
        ("Accounts_AllowDeleteOwnAccount", json!([true]), match_error("Expected boolean, got object")),
        // int
        ("API_Default_Count", json!("many"), match_error("Expected number, got string")),
        ("API_Default_Count", json!(false), match_error("Expected number, got boolean")),
        ("API_Default_Count", json!(2.5), invalid_value("Value for setting API_Default_Count must be an integer")),
        ("Accounts_Default_User_Preferences_notificationsSoundVolume", json!("-1"),
            invalid_value("Value for setting Accounts_Default_User_Preferences_notificationsSoundVolume must be greater than or equal to 0")),
        ("Accounts_Default_User_Preferences_notificationsSoundVolume", json!(101),
            invalid_value("Value for setting Accounts_Default_User_Preferences_notificationsSoundVolume must be less than or equal to 100")),
        ("API_Enable_Rate_Limiter_Limit_Calls_Default", json!(0),
            invalid_value("Value for setting API_Enable_Rate_Limiter_Limit_Calls_Default must be greater than or equal to 1")),
        // select
        ("Unread_Count_DM", json!("sometimes"),
            invalid_value("Value for setting Unread_Count_DM must be one of: all_messages, mentions_only")),
        ("Unread_Count_DM", json!(5), match_error("Expected string, got number")),
        // string
        ("Site_Name", json!(5), match_error("Expected string, got number")),
        ("Site_Name", json!({"a": 1}), match_error("Expected string, got object")),
        // code (JSON)
        ("Accounts_CustomFields", json!("{not json"),
            json!({"success": false, "error": "[Invalid JSON provided]", "errorType": "Invalid JSON provided"})),
        ("Accounts_CustomFields", json!({"a": 1}), match_error("Expected string, got object")),
        // multiSelect
        ("Accounts_Default_User_Preferences_sidebarSectionsOrder", json!("Unread"), match_error("Expected Array")),
    ];
    for (id, value, expected) in cases {
        let before = stored(&app, id).await;
        set(id, json!({ "value": value }))
            .await
            .assert(400, expected);
        assert_eq!(stored(&app, id).await, before, "{id} changed");
    }

    let ok: Vec<(&str, Value, Value)> = vec![
        ("Accounts_AllowDeleteOwnAccount", json!(true), json!(true)),
        // A numeric string is stored as the number it means.
        ("API_Default_Count", json!("25"), json!(25)),
        (
            "Accounts_Default_User_Preferences_notificationsSoundVolume",
            json!(0),
            json!(0),
        ),
        (
            "Unread_Count_DM",
            json!("mentions_only"),
            json!("mentions_only"),
        ),
        ("Site_Name", json!("Acme Chat"), json!("Acme Chat")),
        (
            "Accounts_CustomFields",
            json!("{\"team\":{\"type\":\"text\"}}"),
            json!("{\"team\":{\"type\":\"text\"}}"),
        ),
        ("Accounts_CustomFields", json!(""), json!("")),
        (
            "Accounts_Default_User_Preferences_sidebarSectionsOrder",
            json!(["Unread", "Channels"]),
            json!(["Unread", "Channels"]),
        ),
    ];
    for (id, value, expected) in ok {
        set(id, json!({ "value": value }))
            .await
            .assert(200, json!({"success": true}));
        assert_eq!(stored(&app, id).await, expected);
        app.get(&format!("/api/v1/settings/{id}"), Some(&admin))
            .await
            .assert(200, json!({"_id": id, "value": expected, "success": true}));
    }
    assert!(app
        .state
        .settings
        .get(&keys::ACCOUNTS_ALLOW_DELETE_OWN_ACCOUNT));
    assert_eq!(app.state.settings.get(&keys::API_DEFAULT_COUNT), 25);
}

#[tokio::test]
async fn set_setting_body_forms_unknown_and_hidden() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let user = app.user("meddler").await;
    let path = "/api/v1/settings/Site_Name";
    for body in [
        json!({}),
        json!({"val": "x"}),
        json!({"value": "x", "editor": "color"}),
        json!({"execute": true}),
    ] {
        app.post(path, Some(&admin), body).await.assert(400, bare());
    }
    for id in ["Accounts_SystemBlockedUsernameList", "No_Such_Setting"] {
        app.post(
            &format!("/api/v1/settings/{id}"),
            Some(&admin),
            json!({"value": "x"}),
        )
        .await
        .assert(400, bare());
    }
    assert_eq!(
        stored(&app, "Accounts_SystemBlockedUsernameList").await,
        json!("admin,administrator,system,user")
    );
    app.post(path, Some(&user), json!({"value": "Mine"}))
        .await
        .assert(403, ApiError::MissingPermission.body());
    app.post(path, None, json!({"value": "Mine"}))
        .await
        .assert(401, ApiError::Unauthenticated.body());
    assert_eq!(stored(&app, "Site_Name").await, json!("Rocket.Chat"));
}

#[tokio::test]
async fn set_setting_asks_for_the_second_factor() {
    let app = TestApp::new().await;
    // An account older than the remember window (1800 s) must prove the second factor.
    sqlx::query("UPDATE users SET created_at = now() - interval '2 hours' WHERE username = $1")
        .bind(ADMIN_USER)
        .execute(app.db())
        .await
        .unwrap();
    let admin = app.admin().await;
    let path = "/api/v1/settings/Site_Name";
    app.post(path, Some(&admin), json!({"value": "Two"}))
        .await
        .assert(
            400,
            json!({"success": false, "error": "TOTP Required [totp-required]", "errorType": "totp-required",
                   "details": {"method": "password", "codeGenerated": false, "availableMethods": []}}),
        );
    app.post_with_headers(
        path,
        Some(&admin),
        json!({"value": "Two"}),
        &[("x-2fa-code", sha256_hex("wrong").as_str()), ("x-2fa-method", "password")],
    )
    .await
    .assert(
        400,
        json!({"success": false, "error": "TOTP Invalid [totp-invalid]", "errorType": "totp-invalid"}),
    );
    assert_eq!(stored(&app, "Site_Name").await, json!("Rocket.Chat"));
    // The permission is checked before the second factor.
    let user = app.user("no-perm").await;
    sqlx::query(
        "UPDATE users SET created_at = now() - interval '2 hours' WHERE username = 'no-perm'",
    )
    .execute(app.db())
    .await
    .unwrap();
    app.post(path, Some(&user), json!({"value": "Two"}))
        .await
        .assert(403, ApiError::MissingPermission.body());
    app.post_with_headers(
        path,
        Some(&admin),
        json!({"value": "Two"}),
        &[
            ("x-2fa-code", sha256_hex(ADMIN_PASS).as_str()),
            ("x-2fa-method", "password"),
        ],
    )
    .await
    .assert(200, json!({"success": true}));
    assert_eq!(stored(&app, "Site_Name").await, json!("Two"));
    // Remembered for this token and client afterwards.
    app.post(path, Some(&admin), json!({"value": "Three"}))
        .await
        .assert(200, json!({"success": true}));
    // With 2FA switched off, no code is asked.
    app.set_setting("Accounts_TwoFactorAuthentication_Enabled", json!(false))
        .await;
    let fresh = app.admin().await;
    app.post(path, Some(&fresh), json!({"value": "Four"}))
        .await
        .assert(200, json!({"success": true}));
}

#[tokio::test]
async fn a_setting_change_applies_to_the_very_next_request() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    for name in ["s1", "s2", "s3"] {
        app.insert_user(name, "pw-1", &["user"]).await;
    }
    let r = app
        .get("/api/v1/roles.getUsersInRole?role=user", Some(&admin))
        .await;
    assert_eq!(r.ok()["users"].as_array().unwrap().len(), 3);
    app.post(
        "/api/v1/settings/API_Default_Count",
        Some(&admin),
        json!({"value": 2}),
    )
    .await
    .ok();
    let r = app
        .get("/api/v1/roles.getUsersInRole?role=user", Some(&admin))
        .await;
    assert_eq!(r.ok()["users"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["total"], 3);
    app.post(
        "/api/v1/settings/Accounts_Default_User_Preferences_sidebarViewMode",
        Some(&admin),
        json!({"value": "condensed"}),
    )
    .await
    .ok();
    let me = app.get("/api/v1/me", Some(&admin)).await;
    assert_eq!(
        me.ok()["settings"]["preferences"]["sidebarViewMode"],
        "condensed"
    );
}

#[tokio::test]
async fn a_setting_changed_on_instance_a_is_seen_by_instance_b_within_a_second() {
    let db = fresh_db().await;
    let a = TestApp::on_db(&db, &[]).await;
    let b = TestApp::on_db(&db, &[]).await;
    let admin = a.admin().await;
    let id = "Accounts_Default_User_Preferences_sidebarViewMode";
    b.get("/api/v1/me", Some(&admin)).await.ok();
    a.post(
        &format!("/api/v1/settings/{id}"),
        Some(&admin),
        json!({"value": "extended"}),
    )
    .await
    .ok();
    let took = within(Duration::from_secs(1), || async {
        let me = b.get("/api/v1/me", Some(&admin)).await;
        me.body["settings"]["preferences"]["sidebarViewMode"] == "extended"
    })
    .await;
    assert!(
        took.is_some(),
        "instance B did not see the setting within 1 s"
    );
    b.get(&format!("/api/v1/settings/{id}"), Some(&admin))
        .await
        .assert(
            200,
            json!({"_id": id, "value": "extended", "success": true}),
        );
    assert_eq!(
        b.state
            .settings
            .get(&rc_users::settings::Key::<String>::new(id)),
        "extended"
    );
}

#[tokio::test]
async fn settings_public_needs_no_login_and_pages() {
    let app = TestApp::new().await;
    let public: Vec<&str> = {
        let mut v: Vec<&str> = SETTINGS
            .iter()
            .filter(|d| d.public && !d.hidden)
            .map(|d| d.id)
            .collect();
        v.sort();
        v
    };
    let r = app.get("/api/v1/settings.public?count=0", None).await;
    let b = r.ok();
    assert_eq!(b["total"], public.len());
    assert_eq!(b["count"], public.len());
    assert_eq!(b["offset"], 0);
    let ids: Vec<&str> = b["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, public);
    assert!(b["settings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s.as_object().unwrap().len() == 2));
    // Private and hidden settings never appear.
    for private in [
        "API_Default_Count",
        "SMTP_Host",
        "Accounts_SystemBlockedUsernameList",
    ] {
        assert!(!ids.contains(&private));
    }
    let r = app
        .get("/api/v1/settings.public?count=2&offset=3", None)
        .await;
    let b = r.ok();
    assert_eq!(b["count"], 2);
    assert_eq!(b["offset"], 3);
    assert_eq!(b["total"], public.len());
    assert_eq!(b["settings"][0]["_id"], public[3]);
    assert_eq!(b.as_object().unwrap().len(), 5);
    // Default page size follows API_Default_Count.
    app.set_setting("API_Default_Count", json!(4)).await;
    let r = app.get("/api/v1/settings.public", None).await;
    assert_eq!(r.ok()["count"], 4);
    let r = app
        .get(
            "/api/v1/settings.public?_id=Site_Name,%20Language,API_Default_Count",
            None,
        )
        .await;
    assert_eq!(
        r.ok()["settings"],
        json!([{"_id": "Language", "value": "en"}, {"_id": "Site_Name", "value": "Rocket.Chat"}])
    );
    assert_eq!(r.body["total"], 2);
    app.get("/api/v1/settings.public?count=abc", None)
        .await
        .assert(
            400,
            json!({"success": false, "error": "must be number [invalid-params]", "errorType": "invalid-params"}),
        );
}

#[tokio::test]
async fn overwrite_setting_wins_over_the_stored_value_at_start_up() {
    let db = fresh_db().await;
    let env = [("OVERWRITE_SETTING_Site_Name", "From Env")];
    let first = TestApp::on_db(&db, &env).await;
    let admin = first.admin().await;
    first
        .get("/api/v1/settings/Site_Name", Some(&admin))
        .await
        .assert(
            200,
            json!({"_id": "Site_Name", "value": "From Env", "success": true}),
        );
    first
        .post(
            "/api/v1/settings/Site_Name",
            Some(&admin),
            json!({"value": "Stored"}),
        )
        .await
        .ok();
    assert_eq!(stored(&first, "Site_Name").await, json!("Stored"));
    let second = TestApp::on_db(&db, &env).await;
    second
        .get("/api/v1/settings/Site_Name", Some(&admin))
        .await
        .assert(
            200,
            json!({"_id": "Site_Name", "value": "From Env", "success": true}),
        );
    let r = second
        .get("/api/v1/settings.public?_id=Site_Name", None)
        .await;
    assert_eq!(r.ok()["settings"][0]["value"], "From Env");
}
