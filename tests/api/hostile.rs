//! Every route × hostile inputs: malformed JSON, wrong types, huge values, unicode, NUL bytes,
//! injection attempts. Nothing may answer 500, and nothing may leak a secret.

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};

use crate::authz_matrix::mint_token;
use crate::common::*;

fn hostile_bodies() -> Vec<String> {
    let big = "x".repeat(200_000);
    let mut bodies: Vec<String> = vec![
        "".into(),
        "{".into(),
        "null".into(),
        "[]".into(),
        "\"str\"".into(),
        "12".into(),
        "{\"a\":".into(),
        "{\"userId\": {\"$ne\": null}}".into(),
    ];
    let values = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e308),
        json!("'; DROP TABLE users; --"),
        json!("\u{0000}nul"),
        json!("ünïcødé 🎉 \u{202e}"),
        json!(big),
        json!({"$where": "1"}),
        json!([1, {"a": []}]),
    ];
    let keys = [
        "userId",
        "username",
        "user",
        "email",
        "password",
        "pass",
        "name",
        "data",
        "roleId",
        "roles",
        "permissions",
        "value",
        "activeStatus",
        "customFields",
        "confirmRelinquish",
        "resume",
        "roomId",
        "scope",
    ];
    for v in &values {
        let mut obj = serde_json::Map::new();
        for k in keys {
            obj.insert(k.into(), v.clone());
        }
        bodies.push(Value::Object(obj.clone()).to_string());
        // Nested under data too (users.update / updateOwnBasicInfo shapes).
        let mut outer = serde_json::Map::new();
        outer.insert("userId".into(), json!("x"));
        outer.insert("data".into(), Value::Object(obj));
        bodies.push(Value::Object(outer).to_string());
    }
    bodies
}

fn hostile_queries() -> Vec<String> {
    [
        "userId=%00",
        "username=%27%20OR%201%3D1--",
        "count=-5&offset=-1",
        "count=abc&offset=1e999",
        "count=99999999999999999999",
        "sort=%7B%22username%22%3A2%7D",
        "sort=%7B%22%24where%22%3A1%7D",
        "query=%7B%22%24where%22%3A%22sleep(1)%22%7D",
        "query=%7B%22username%22%3A%7B%22%24regex%22%3A%22(a%2B)%2B%24%22%7D%7D",
        "fields=%7B%22services%22%3A1%7D",
        "role=%00&roomId=%FF",
        "updatedSince=not-a-date",
        "updatedSince=99999-01-01",
        "userId=a&userId=b&username[]=c",
        "includeUserRooms=true&fields=%5B%5D",
        "email=%E2%80%AE",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[tokio::test]
async fn no_route_answers_500_to_hostile_input() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let regular = app.user("plain.user").await;
    let api = rc_users::http::openapi();
    let mut failures = vec![];
    let mut requests = 0;
    for (path, item) in api.paths.paths.iter() {
        let path = path.replace("{_id}", "Accounts_AllowDeleteOwnAccount");
        let methods = serde_json::to_value(item).unwrap();
        // Fresh sessions per route and body: some hostile bodies legitimately log the caller
        // out (users.logout with an empty userId targets the caller).
        let fresh = || async {
            (
                mint_token(&app, &admin.user_id).await,
                mint_token(&app, &regular.user_id).await,
            )
        };
        if methods.get("post").is_some() {
            for body in hostile_bodies() {
                let (a, u) = fresh().await;
                for auth in [Some(&u), Some(&a), None] {
                    let mut b = Request::builder()
                        .method("POST")
                        .uri(&path)
                        .header("Content-Type", "application/json");
                    if let Some(a) = auth {
                        b = b
                            .header("X-User-Id", &a.user_id)
                            .header("X-Auth-Token", &a.token);
                    }
                    let r = app.request(b.body(Body::from(body.clone())).unwrap()).await;
                    requests += 1;
                    check(
                        &mut failures,
                        "POST",
                        &path,
                        &body,
                        &r,
                        &[&a.token, &u.token],
                    );
                }
            }
        }
        if methods.get("get").is_some() {
            for q in hostile_queries() {
                let (a, u) = fresh().await;
                for auth in [Some(&u), Some(&a), None] {
                    let r = app.get(&format!("{path}?{q}"), auth).await;
                    requests += 1;
                    check(&mut failures, "GET", &path, &q, &r, &[&a.token, &u.token]);
                }
            }
        }
    }
    eprintln!("hostile sweep: {requests} requests");
    assert!(requests > 500, "only {requests} requests");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check(
    failures: &mut Vec<String>,
    method: &str,
    path: &str,
    input: &str,
    r: &Resp,
    secrets: &[&str],
) {
    let shown: String = input.chars().take(120).collect();
    if r.status.is_server_error() {
        failures.push(format!(
            "{method} {path} [{shown}] → {} {}",
            r.status, r.body
        ));
    }
    if r.status.as_u16() >= 400 && r.body.get("success") != Some(&json!(false)) {
        failures.push(format!(
            "{method} {path} [{shown}] → {} without the error envelope: {}",
            r.status, r.body
        ));
    }
    let text = r.body.to_string();
    for needle in [
        "$argon2",
        "$2b$",
        "hashedToken",
        "argon2_hash",
        "legacy_bcrypt",
    ] {
        if text.contains(needle) {
            failures.push(format!("{method} {path} [{shown}] leaks {needle}"));
        }
    }
    for s in secrets {
        if text.contains(s) {
            failures.push(format!("{method} {path} [{shown}] leaks a token"));
        }
    }
}
