//! Test harness: every test gets its own fresh database (cloned from a migrated template)
//! and the very application `main` serves, driven in-process.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use rc_users::auth::token::sha256_hex;
use rc_users::config::Config;
use rc_users::{App, AppState};
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::OnceCell;
use tower::ServiceExt;

pub const SERVER: &str = "postgres://postgres@127.0.0.1:5432";
pub const ADMIN_USER: &str = "admin";
pub const ADMIN_PASS: &str = "admin-pass-1";

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Name of a database holding the migrations and default seed, built once per test run.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("{}tpl", db_prefix());
            let mut conn = PgConnection::connect(&format!("{SERVER}/postgres")).await.expect("postgres reachable");
            // Drop what earlier runs left behind (databases of test processes no longer alive).
            let all: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'rc_users_test_p%'")
                .fetch_all(&mut conn)
                .await
                .unwrap();
            for db in all {
                let pid = db.trim_start_matches("rc_users_test_p").split('_').next().unwrap_or("");
                if !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).execute(&mut conn).await;
                }
            }
            let config = config_for(&name, &[]);
            let app = App::start(config).await.expect("template app starts");
            app.db.close().await;
            drop(app);
            // Give the listener task's connection time to close; then no one is connected.
            let _ = sqlx::query(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .execute(&mut conn)
            .await;
            name
        })
        .await
}

/// Every test database of this process starts with this prefix (so stale ones can be found).
pub fn db_prefix() -> String {
    format!("rc_users_test_p{}_", std::process::id())
}

pub fn config_for(db: &str, env: &[(&str, &str)]) -> Config {
    let mut vars: Vec<(String, String)> = vec![
        ("DATABASE_URL".into(), format!("{SERVER}/{db}")),
        ("DATABASE_MAX_CONNECTIONS".into(), "5".into()),
        ("ADMIN_USERNAME".into(), ADMIN_USER.into()),
        ("ADMIN_PASS".into(), ADMIN_PASS.into()),
        ("ADMIN_EMAIL".into(), "admin@rc-users.test".into()),
    ];
    for (k, v) in env {
        vars.retain(|(name, _)| name != k);
        if !v.is_empty() {
            vars.push(((*k).into(), (*v).into()));
        }
    }
    Config::from_vars(vars).expect("valid test config")
}

/// A running application on its own database.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub db_name: String,
}

/// Credentials of a logged-in user.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user_id: String,
    pub token: String,
}

/// A response: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    pub headers: axum::http::HeaderMap,
}

impl Resp {
    pub fn ok(&self) -> &Value {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "expected 200, got {}: {}",
            self.status,
            self.body
        );
        assert_eq!(self.body["success"], json!(true), "{}", self.body);
        &self.body
    }
    pub fn assert(&self, status: u16, body: Value) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.body, body);
    }
}

pub async fn fresh_db() -> String {
    let tpl = template().await;
    let name = format!(
        "rc_users_t{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = PgConnection::connect(&format!("{SERVER}/postgres"))
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{tpl}\""))
        .execute(&mut conn)
        .await
        .unwrap();
    name
}

impl TestApp {
    /// A fresh app with the default test admin.
    pub async fn new() -> TestApp {
        Self::with_env(&[]).await
    }

    /// A fresh app with extra environment variables (an empty value removes a default one).
    pub async fn with_env(env: &[(&str, &str)]) -> TestApp {
        let db_name = fresh_db().await;
        Self::on_db(&db_name, env).await
    }

    /// An app on an existing database (for multi-instance tests).
    pub async fn on_db(db_name: &str, env: &[(&str, &str)]) -> TestApp {
        let state = App::start(config_for(db_name, env))
            .await
            .expect("app starts");
        let router = rc_users::app(state.clone());
        TestApp {
            state,
            router,
            db_name: db_name.to_owned(),
        }
    }

    pub fn db(&self) -> &PgPool {
        &self.state.db
    }

    pub async fn request(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            headers,
        }
    }

    fn builder(method: &str, path: &str, auth: Option<&Auth>) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(a) = auth {
            b = b
                .header("X-User-Id", &a.user_id)
                .header("X-Auth-Token", &a.token);
        }
        b
    }

    pub async fn get(&self, path: &str, auth: Option<&Auth>) -> Resp {
        self.request(
            Self::builder("GET", path, auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn post(&self, path: &str, auth: Option<&Auth>, body: Value) -> Resp {
        self.post_with_headers(path, auth, body, &[]).await
    }

    pub async fn post_with_headers(
        &self,
        path: &str,
        auth: Option<&Auth>,
        body: Value,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Self::builder("POST", path, auth).header("Content-Type", "application/json");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.request(b.body(Body::from(body.to_string())).unwrap())
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        auth: Option<&Auth>,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Resp {
        let b = Self::builder("POST", path, auth).header("Content-Type", content_type);
        self.request(b.body(body.into()).unwrap()).await
    }

    /// Log in through the API.
    pub async fn login(&self, user: &str, password: &str) -> Auth {
        let r = self
            .post(
                "/api/v1/login",
                None,
                json!({"user": user, "password": password}),
            )
            .await;
        let body = r.ok();
        Auth {
            user_id: body["data"]["userId"].as_str().unwrap().into(),
            token: body["data"]["authToken"].as_str().unwrap().into(),
        }
    }

    pub async fn admin(&self) -> Auth {
        self.login(ADMIN_USER, ADMIN_PASS).await
    }

    /// Insert a user straight into the database (bypassing the API), with a password.
    pub async fn insert_user(&self, username: &str, password: &str, roles: &[&str]) -> String {
        let id = rc_users::ids::random_id();
        let new = rc_users::db::users::NewUser {
            id: id.clone(),
            username: Some(username.into()),
            name: Some(format!("{username} name")),
            email: Some(format!("{}@rc-users.test", username.to_lowercase())),
            email_verified: false,
            kind: "user".into(),
            active: true,
            roles: roles.iter().map(|r| r.to_string()).collect(),
            ..Default::default()
        };
        rc_users::db::users::insert(self.db(), &new).await.unwrap();
        let hash = self.state.hasher.hash(sha256_hex(password)).await.unwrap();
        rc_users::db::users::set_password_hash(self.db(), &id, &hash)
            .await
            .unwrap();
        id
    }

    /// Insert a regular user and log in as them.
    pub async fn user(&self, username: &str) -> Auth {
        self.insert_user(username, "pass-word-1", &["user"]).await;
        self.login(username, "pass-word-1").await
    }

    /// Set a setting in the database and reload this instance's caches.
    pub async fn set_setting(&self, id: &str, value: Value) {
        let n = sqlx::query("UPDATE settings SET value = $2 WHERE id = $1")
            .bind(id)
            .bind(&value)
            .execute(self.db())
            .await
            .unwrap();
        assert_eq!(n.rows_affected(), 1, "unknown setting {id}");
        self.state.reload_caches().await.unwrap();
    }

    /// Replace the roles of a permission in the database and reload this instance's caches.
    pub async fn set_permission(&self, id: &str, roles: &[&str]) {
        sqlx::query("UPDATE permissions SET roles = $2 WHERE id = $1")
            .bind(id)
            .bind(roles)
            .execute(self.db())
            .await
            .unwrap();
        self.state.reload_caches().await.unwrap();
    }
}

/// Assert that a JSON document holds no secret: no hash, no token, no bcrypt/argon2 material.
pub fn assert_no_secrets(body: &Value, secrets: &[&str]) {
    let text = body.to_string();
    for needle in [
        "$argon2",
        "$2a$",
        "$2b$",
        "hashedToken",
        "loginTokens",
        "bcrypt",
        "argon2",
    ] {
        assert!(!text.contains(needle), "response contains {needle}: {text}");
    }
    for s in secrets {
        assert!(!text.contains(s), "response contains a secret: {text}");
    }
}
