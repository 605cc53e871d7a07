//! One table: every endpoint × every kind of caller, and the status each must get. A forgotten
//! permission check (or one asked in the wrong place) shows up as a failing cell.
//!
//! Adding an endpoint is one row in `rows()`, e.g.
//! `Row::post("/api/v1/users.delete", json!({"userId": "nobody"})).route(perm::DELETE_USER).ok(400),`
//! where `.ok(n)` is the status a caller who passes the gate gets with that request, and the
//! gate is `.public()`, `.auth()` (any logged-in user), `.route(p)` (403 without `p`) or
//! `.logic(p, "<exact 400 error text>")` (a 400 inside the logic without `p`). Use requests
//! that answer the same every time (they run once per caller), e.g. ones that fail after the
//! permission check, or idempotent writes.

use axum::http::StatusCode;
use rc_users::auth::token::hash_token;
use rc_users::authz::defaults::PERMISSIONS;
use rc_users::authz::{perm, Permission};
use rc_users::error::ApiError;
use serde_json::{json, Value};

use crate::common::*;

/// Who may pass.
#[derive(Clone, Copy)]
enum Gate {
    /// No authentication needed.
    Public,
    /// Any authenticated user with a username.
    Auth,
    /// Route-level permission: 403 with the one MissingPermission body.
    Route(Permission),
    /// Route-level "any of" these permissions: 403 without all of them.
    RouteAny(&'static [Permission]),
    /// Checked inside the logic: 400 with this exact `error` text (and its code as errorType).
    Logic(Permission, &'static str),
    /// Refused explicitly inside the logic: 403 `{"error":"unauthorized"}`.
    Refused(Permission),
}

struct Row {
    method: &'static str,
    path: &'static str,
    body: Value,
    gate: Gate,
    /// Status for callers that pass the gate.
    ok: u16,
}

impl Row {
    fn get(path: &'static str) -> Row {
        Row {
            method: "GET",
            path,
            body: Value::Null,
            gate: Gate::Auth,
            ok: 200,
        }
    }
    fn post(path: &'static str, body: Value) -> Row {
        Row {
            method: "POST",
            path,
            body,
            gate: Gate::Auth,
            ok: 200,
        }
    }
    fn public(mut self) -> Row {
        self.gate = Gate::Public;
        self
    }
    fn auth(mut self) -> Row {
        self.gate = Gate::Auth;
        self
    }
    fn route(mut self, p: Permission) -> Row {
        self.gate = Gate::Route(p);
        self
    }
    fn route_any(mut self, ps: &'static [Permission]) -> Row {
        self.gate = Gate::RouteAny(ps);
        self
    }
    fn refused(mut self, p: Permission) -> Row {
        self.gate = Gate::Refused(p);
        self
    }
    fn logic(mut self, p: Permission, denial: &'static str) -> Row {
        self.gate = Gate::Logic(p, denial);
        self
    }
    fn ok(mut self, status: u16) -> Row {
        self.ok = status;
        self
    }
    /// The permissions the gate reads (a granted caller gets the first; a revoked admin loses all).
    fn permissions(&self) -> Vec<Permission> {
        match self.gate {
            Gate::Route(p) | Gate::Logic(p, _) | Gate::Refused(p) => vec![p],
            Gate::RouteAny(ps) => ps.to_vec(),
            _ => vec![],
        }
    }
}

/// The id of the matrix's target user (rows that need `userId`).
const MATRIX_TARGET_ID: &str = "MatrixTarget00001";

const NOT_ALLOWED: &str = "Accessing permissions is not allowed [error-action-not-allowed]";

/// Every endpoint that exists, with a request whose answer does not depend on earlier rows.
#[rustfmt::skip]
fn rows() -> Vec<Row> {
    use perm::*;
    vec![
        // foundation
        Row::get("/api/info").public(),
        Row::post("/api/v1/login", json!({"user": ADMIN_USER, "password": ADMIN_PASS})).public(),
        Row::get("/api/v1/me").auth(),
        Row::post("/api/v1/logout", json!({})).auth(),
        Row::get("/api/v1/logout").auth(),
        // roles
        Row::get("/api/v1/roles.list").auth(),
        Row::get("/api/v1/roles.sync?updatedSince=2020-01-01T00:00:00.000Z").auth(),
        Row::get("/api/v1/roles.getUsersInRole?role=admin").route(ACCESS_PERMISSIONS),
        Row::get("/api/v1/users.getUsersOfRole?role=admin").route(ACCESS_PERMISSIONS),
        Row::post("/api/v1/roles.addUserToRole", json!({"username": "matrix-target", "roleId": "moderator", "roomId": "no-room"})).logic(ACCESS_PERMISSIONS, NOT_ALLOWED).ok(400),
        Row::post("/api/v1/roles.removeUserFromRole", json!({"username": "matrix-target", "roleId": "livechat-agent"})).route(ACCESS_PERMISSIONS).ok(400),
        Row::post("/api/v1/roles.delete", json!({"roleId": "user"})).route(ACCESS_PERMISSIONS).ok(400),
        Row::post("/api/v1/roles.create", json!({"name": "admin"})).logic(ACCESS_PERMISSIONS, NOT_ALLOWED).ok(400),
        Row::post("/api/v1/roles.update", json!({"roleId": "admin", "name": "admin", "description": "Admin"})).logic(ACCESS_PERMISSIONS, NOT_ALLOWED),
        // permissions
        Row::get("/api/v1/permissions.listAll").auth(),
        Row::post("/api/v1/permissions.update", json!({"permissions": [{"_id": "view-user-administration", "roles": ["admin"]}]})).route(ACCESS_PERMISSIONS),
        // settings
        Row::get("/api/v1/settings.public?count=1").public(),
        Row::get("/api/v1/settings/Site_Name").route(VIEW_PRIVILEGED_SETTING),
        Row::post("/api/v1/settings/API_Default_Count", json!({"value": 50})).route(EDIT_PRIVILEGED_SETTING),
        // users: reads
        Row::get("/api/v1/users.info?username=matrix-target").auth(),
        Row::get("/api/v1/users.list?count=5").route(VIEW_D_ROOM),
        // users: account management
        Row::post("/api/v1/users.create", json!({"email": "m@rc-users.test", "name": "M", "password": "p", "username": "admin"})).logic(CREATE_USER, "Adding user is not allowed [error-action-not-allowed]").ok(400),
        Row::post("/api/v1/users.update", json!({"userId": MATRIX_TARGET_ID, "data": {"name": "Matrix Target"}})).logic(EDIT_OTHER_USER_INFO, "Editing user is not allowed [error-action-not-allowed]"),
        Row::post("/api/v1/users.delete", json!({"userId": "nobody"})).route(DELETE_USER).ok(400),
        Row::post("/api/v1/users.register", json!({"username": "x y", "email": "bad", "pass": "p", "name": "X"})).public().ok(400),
        Row::post("/api/v1/users.updateOwnBasicInfo", json!({"data": {"nickname": "nick"}})).auth(),
        Row::post("/api/v1/users.setActiveStatus", json!({"userId": MATRIX_TARGET_ID, "activeStatus": true})).route_any(&[EDIT_OTHER_USER_ACTIVE_STATUS, MANAGE_MODERATION_ACTIONS]),
        Row::post("/api/v1/users.deleteOwnAccount", json!({"password": "x"})).auth().ok(400),
        Row::get("/api/v1/users.checkUsernameAvailability?username=free-name").auth(),
        Row::get("/api/v1/users.getUsernameSuggestion").auth(),
        Row::post("/api/v1/users.logout", json!({"userId": MATRIX_TARGET_ID})).refused(LOGOUT_OTHER_USER),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    Anonymous,
    Regular,
    Granted,
    Admin,
    AdminRevoked,
}

const CLASSES: [Class; 5] = [
    Class::Anonymous,
    Class::Regular,
    Class::Granted,
    Class::Admin,
    Class::AdminRevoked,
];

/// A fresh session token for `user_id`, written straight to the database (no password hash
/// per call), so rows that log the caller out cannot disturb the next one.
pub async fn mint_token(app: &TestApp, user_id: &str) -> Auth {
    let token = rc_users::ids::random_secret();
    rc_users::db::tokens::insert_session(app.db(), user_id, &hash_token(&token))
        .await
        .unwrap();
    Auth {
        user_id: user_id.to_owned(),
        token,
    }
}

fn default_roles(p: Permission) -> Vec<&'static str> {
    PERMISSIONS
        .iter()
        .find(|(id, _)| *id == p.0)
        .map(|(_, r)| r.to_vec())
        .unwrap_or_default()
}

/// What a cell must answer: (status, the exact body when the gate refuses).
fn expected(row: &Row, class: Class) -> (u16, Option<Value>) {
    let passes = match (row.gate, class) {
        (Gate::Public, _) => true,
        (_, Class::Anonymous) => {
            return (401, Some(ApiError::Unauthenticated.body()));
        }
        (Gate::Auth, _) => true,
        (_, Class::Granted | Class::Admin) => true,
        (_, Class::Regular | Class::AdminRevoked) => false,
    };
    if passes {
        return (row.ok, None);
    }
    match row.gate {
        Gate::Route(_) | Gate::RouteAny(_) => (403, Some(ApiError::MissingPermission.body())),
        Gate::Refused(_) => (403, Some(ApiError::Forbidden.body())),
        Gate::Logic(_, text) => {
            let code = text
                .rsplit_once(" [")
                .map(|(_, c)| c.trim_end_matches(']'))
                .unwrap_or("");
            (
                400,
                Some(json!({"success": false, "error": text, "errorType": code})),
            )
        }
        _ => unreachable!(),
    }
}

/// Does `got` match the expected refusal? Logic refusals are matched on `error` and
/// `errorType` (their `details` vary by endpoint); the others exactly.
fn matches(expected: &Value, got: &Value) -> bool {
    if expected.get("errorType").is_some() {
        got["success"] == json!(false)
            && got["error"] == expected["error"]
            && got["errorType"] == expected["errorType"]
    } else {
        got == expected
    }
}

#[tokio::test]
async fn every_endpoint_by_every_caller() {
    let app = TestApp::new().await;
    // The callers: a regular user, a user holding the permission through a custom role, and
    // the admin (with and without the permission).
    sqlx::query("INSERT INTO roles (id, name) VALUES ('matrix-granted', 'matrix-granted')")
        .execute(app.db())
        .await
        .unwrap();
    let regular = app.insert_user("matrix-regular", "pw-1", &["user"]).await;
    let granted = app
        .insert_user("matrix-granted", "pw-1", &["user", "matrix-granted"])
        .await;
    app.insert_user("matrix-target", "pw-1", &["user"]).await;
    // A target with a known id, for rows that name a user by id.
    let target = rc_users::db::users::NewUser {
        id: MATRIX_TARGET_ID.into(),
        username: Some("matrix-target-2".into()),
        name: Some("Matrix Target".into()),
        email: Some("matrix-target-2@rc-users.test".into()),
        kind: "user".into(),
        active: true,
        roles: vec!["user".into()],
        ..Default::default()
    };
    rc_users::db::users::insert(app.db(), &target)
        .await
        .unwrap();
    let admin_id: String = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(ADMIN_USER)
        .fetch_one(app.db())
        .await
        .unwrap();

    let mut failures = vec![];
    let mut cells = 0;
    for row in rows() {
        for class in CLASSES {
            // Put the row's permission in the state this caller class needs.
            for (i, p) in row.permissions().into_iter().enumerate() {
                let mut roles = default_roles(p);
                // Regular and granted callers hold `user`: take the permission from that role
                // so only the custom role can grant it (view-d-room is a `user` default).
                if matches!(class, Class::Regular | Class::Granted) {
                    roles.retain(|r| *r != "user");
                }
                match class {
                    Class::Granted if i == 0 => roles.push("matrix-granted"),
                    Class::AdminRevoked => roles.retain(|r| *r != "admin"),
                    _ => {}
                }
                app.set_permission(p.0, &roles).await;
            }
            let auth = match class {
                Class::Anonymous => None,
                Class::Regular => Some(mint_token(&app, &regular).await),
                Class::Granted => Some(mint_token(&app, &granted).await),
                Class::Admin | Class::AdminRevoked => Some(mint_token(&app, &admin_id).await),
            };
            let r = match row.method {
                "GET" => app.get(row.path, auth.as_ref()).await,
                _ => app.post(row.path, auth.as_ref(), row.body.clone()).await,
            };
            cells += 1;
            let (status, body) = expected(&row, class);
            let ok_status = r.status == StatusCode::from_u16(status).unwrap();
            let ok_body = match &body {
                Some(b) => matches(b, &r.body),
                // A caller that passes must not get any refusal body.
                None => {
                    r.body != ApiError::MissingPermission.body()
                        && !r.body["error"].as_str().is_some_and(|e| {
                            e.contains("is not allowed [error-action-not-allowed]")
                        })
                }
            };
            if !ok_status || !ok_body {
                failures.push(format!(
                    "{} {} as {:?}: expected {status}{}, got {} {}",
                    row.method,
                    row.path,
                    class,
                    body.map(|b| format!(" {b}")).unwrap_or_default(),
                    r.status.as_u16(),
                    r.body
                ));
            }
            for p in row.permissions() {
                app.set_permission(p.0, &default_roles(p)).await;
            }
        }
    }
    assert_eq!(cells, rows().len() * CLASSES.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every route registered in the router appears in the table (a new endpoint without a row
/// fails here, so the table cannot silently fall behind).
#[tokio::test]
async fn the_table_covers_every_registered_route() {
    let api = rc_users::http::openapi();
    let table: Vec<(String, String)> = rows()
        .iter()
        .map(|r| {
            let path = r.path.split('?').next().unwrap().to_owned();
            (r.method.to_lowercase(), path)
        })
        .collect();
    let mut missing = vec![];
    for (path, item) in api.paths.paths.iter() {
        let concrete = path.replace("{_id}", "Site_Name");
        let methods = serde_json::to_value(item).unwrap();
        for method in ["get", "post"] {
            if methods.get(method).is_none() {
                continue;
            }
            let covered = table.iter().any(|(m, p)| {
                m == method
                    && (p == &concrete
                        || (path.contains("{_id}") && p.starts_with("/api/v1/settings/")))
            });
            if !covered {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "rows missing for: {missing:?}");
    // And every row names a documented route.
    for (method, path) in &table {
        let documented = api.paths.paths.iter().any(|(p, item)| {
            let concrete = p.replace("{_id}", "");
            let item = serde_json::to_value(item).unwrap();
            item.get(method.as_str()).is_some()
                && (p == path || (p.contains("{_id}") && path.starts_with(&concrete)))
        });
        assert!(documented, "{method} {path} is not in the OpenAPI document");
    }
}
