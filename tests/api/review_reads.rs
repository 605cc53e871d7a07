//! Review of the reads against the reference: users.info / users.list details the other
//! modules do not pin, `/me` vs login's `data.me`, and query-compiler edges that reached
//! the database with values it cannot hold.

use serde_json::json;

use crate::common::*;

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn sql(app: &TestApp, stmt: &str) {
    sqlx::query(stmt).execute(app.db()).await.unwrap();
}

/// Dates chrono can represent but PostgreSQL cannot (before 4713 BC) were bound as-is and
/// failed in the database: a 500. They are refused like any other invalid filter.
#[tokio::test]
async fn query_dates_postgres_cannot_hold_answer_400() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    for q in [
        r#"{"createdAt":{"$gt":{"$date":-8000000000000000}}}"#,
        r#"{"lastLogin":{"$in":[{"$date":-220000000000000}]}}"#,
        r#"{"createdAt":{"$ne":{"$date":-8000000000000000}}}"#,
    ] {
        let r = app
            .get(
                &format!("/api/v1/users.list?query={}", enc(q)),
                Some(&admin),
            )
            .await;
        r.assert(
            400,
            json!({"success": false,
                "error": format!("Invalid query parameter provided: \"{q}\" [error-invalid-query]"),
                "errorType": "error-invalid-query", "details": {"helperMethod": "parseJsonQuery"}}),
        );
    }
    // Early but representable dates still work.
    let q = enc(r#"{"createdAt":{"$gt":{"$date":-100000000000000}}}"#);
    let r = app
        .get(&format!("/api/v1/users.list?query={q}"), Some(&admin))
        .await;
    assert_eq!(r.ok()["total"], 2);
}

/// `roles` equality compiles to containment so the GIN index serves it; the answers keep
/// Mongo's array semantics.
#[tokio::test]
async fn query_on_roles_keeps_array_semantics() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.insert_user("gus", "pw-gus-123", &["user", "guest"])
        .await;
    let names = |q: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let r = app
                .get(
                    &format!("/api/v1/users.list?query={}", enc(q)),
                    Some(&admin),
                )
                .await;
            r.ok()["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names(r#"{"roles":"guest"}"#).await, ["gus"]);
    assert_eq!(names(r#"{"roles":{"$eq":"admin"}}"#).await, ["admin"]);
    assert_eq!(
        names(r#"{"roles":{"$ne":"guest"}}"#).await,
        ["admin", "rocket.cat"]
    );
    assert_eq!(
        names(r#"{"$nor":[{"roles":"bot"},{"roles":"admin"}]}"#).await,
        ["gus"]
    );
    assert!(names(r#"{"roles":"nobody"}"#).await.is_empty());
}

/// users-core §4.2: `canViewAllInfo` adds every custom field *declared* in
/// `Accounts_CustomFields`; a stored key that is not declared (any more) is shown to nobody.
#[tokio::test]
async fn info_shows_declared_custom_fields_only() {
    let app = TestApp::new().await;
    app.set_setting(
        "Accounts_CustomFields",
        json!(r#"{"clearance":{"type":"text","public":true},"salary":{"type":"text"}}"#),
    )
    .await;
    let admin = app.admin().await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    sql(
        &app,
        &format!(
            r#"UPDATE users SET custom_fields = '{{"clearance":"High","salary":"100","legacy":"old"}}' WHERE id = '{}'"#,
            carol.user_id
        ),
    )
    .await;
    let path = format!("/api/v1/users.info?userId={}", carol.user_id);
    let full = json!({"clearance": "High", "salary": "100"});
    for (auth, expected) in [
        (&admin, full.clone()),
        (&carol, full),
        (&bob, json!({"clearance": "High"})),
    ] {
        let r = app.get(&path, Some(auth)).await;
        assert_eq!(r.ok()["user"]["customFields"], expected);
    }
    // Only undeclared keys left: no customFields at all.
    sql(
        &app,
        &format!(
            r#"UPDATE users SET custom_fields = '{{"legacy":"old"}}' WHERE id = '{}'"#,
            carol.user_id
        ),
    )
    .await;
    let r = app.get(&path, Some(&admin)).await;
    assert!(r.ok()["user"].get("customFields").is_none());
}

/// users-core §4.1 / §3.1: login's `data.me` is the `/me` object; `email` only for a verified
/// address; the safe `services` summary; `avatarUrl` absolute without a doubled slash.
#[tokio::test]
async fn me_and_login_data_me_agree() {
    let app = TestApp::new().await;
    app.set_setting("Site_Url", json!("https://chat.example.com/"))
        .await;
    app.insert_user("dora", "pw-dora-123", &["user"]).await;
    sql(
        &app,
        "UPDATE users SET totp_enabled = false, email2fa_enabled = true, \
         email2fa_changed_at = '2023-07-10T16:44:58.546Z' WHERE username = 'dora'",
    )
    .await;
    let r = app
        .post(
            "/api/v1/login",
            None,
            json!({"user": "dora", "password": "pw-dora-123"}),
        )
        .await;
    let login = r.ok().clone();
    let auth = Auth {
        user_id: login["data"]["userId"].as_str().unwrap().to_owned(),
        token: login["data"]["authToken"].as_str().unwrap().to_owned(),
    };
    let me = app.get("/api/v1/me", Some(&auth)).await.ok().clone();
    let mut flat = me.as_object().unwrap().clone();
    assert_eq!(flat.remove("success"), Some(json!(true)));
    assert_eq!(login["data"]["me"], serde_json::Value::Object(flat));
    // The address is not verified: `emails` yes, `email` no.
    assert!(me.get("email").is_none());
    assert_eq!(
        me["emails"],
        json!([{"address": "dora@rc-users.test", "verified": false}])
    );
    assert_eq!(
        me["services"],
        json!({"password": {"exists": true}, "totp": {"enabled": false}, "email2fa": {"enabled": true}})
    );
    assert_eq!(me["avatarUrl"], "https://chat.example.com/avatar/dora");
    assert_no_secrets(&me, &[&auth.token]);
    assert_no_secrets(&login["data"]["me"], &[&auth.token]);
}
