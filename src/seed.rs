//! Start-up seeding, as Rocket.Chat does it: default roles, permissions and settings,
//! `OVERWRITE_SETTING_*`, the `rocket.cat` bot, the `GENERAL` channel and the admin bootstrap.

use serde_json::Value;

use crate::auth::token::sha256_hex;
use crate::authz::defaults::{PERMISSIONS, ROLES};
use crate::config::TEST_ADMIN;
use crate::db::{rooms, users};
use crate::ids::{random_id, random_secret};
use crate::settings::{self, defaults::SETTINGS};
use crate::{App, StartError};

pub async fn run(app: &App) -> Result<(), StartError> {
    seed_roles_and_permissions(app).await?;
    seed_settings(app).await?;
    rooms::insert_room(&app.db, "GENERAL", "general", "c", true).await?;
    seed_rocket_cat(app).await?;
    if let Some(admin) = &app.config.admin {
        bootstrap_admin(
            app,
            &admin.username,
            &admin.password,
            &admin.email,
            &admin.name,
        )
        .await?;
    }
    if app.config.test_mode {
        let email = format!("{TEST_ADMIN}@rocket.chat");
        bootstrap_admin(app, TEST_ADMIN, TEST_ADMIN, &email, "Test Admin").await?;
    }
    if app.config.admin.is_none() && !users::any_user_exists(&app.db).await? {
        tracing::info!("no user exists yet: the first user to register becomes admin (POST /api/v1/users.register)");
    }
    Ok(())
}

async fn seed_roles_and_permissions(app: &App) -> Result<(), sqlx::Error> {
    let mut tx = app.db.begin().await?;
    for (id, scope, description) in ROLES {
        sqlx::query(
            "INSERT INTO roles (id, name, scope, description, protected) VALUES ($1, $1, $2, $3, true) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(scope)
        .bind(description)
        .execute(&mut *tx)
        .await?;
    }
    for (id, roles) in PERMISSIONS {
        sqlx::query(
            "INSERT INTO permissions (id, roles) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(roles)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

async fn seed_settings(app: &App) -> Result<(), sqlx::Error> {
    let mut tx = app.db.begin().await?;
    for def in SETTINGS {
        let runtime = match def.id {
            "Site_Url" => app.config.site_url.clone(),
            _ => random_secret(),
        };
        let default = settings::default_value(def, &runtime);
        let options = match def.kind {
            settings::Kind::Select(opts) => Some(Value::from(opts.to_vec())),
            _ => None,
        };
        sqlx::query(
            "INSERT INTO settings (id, value, type, default_value, public, hidden, options) \
             VALUES ($1, $2, $3, $2, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, public = EXCLUDED.public, \
             hidden = EXCLUDED.hidden, options = EXCLUDED.options \
             WHERE (settings.type, settings.public, settings.hidden, settings.options) \
             IS DISTINCT FROM (EXCLUDED.type, EXCLUDED.public, EXCLUDED.hidden, EXCLUDED.options)",
        )
        .bind(def.id)
        .bind(&default)
        .bind(def.kind.type_name())
        .bind(def.public)
        .bind(def.hidden)
        .bind(options)
        .execute(&mut *tx)
        .await?;
    }
    for (id, raw) in &app.config.overwrite_settings {
        let Some(def) = settings::defaults::find(id) else {
            tracing::warn!(setting = %id, "OVERWRITE_SETTING_ names an unknown setting; ignored");
            continue;
        };
        let value = settings::parse_overwrite(Some(def.kind), raw);
        sqlx::query("UPDATE settings SET value = $2, updated_at = now() WHERE id = $1 AND value IS DISTINCT FROM $2")
            .bind(id)
            .bind(&value)
            .execute(&mut *tx)
            .await?;
        tracing::info!(setting = %id, "setting overwritten from the environment");
    }
    tx.commit().await
}

async fn seed_rocket_cat(app: &App) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, username, name, type, status, status_connection, active, roles) \
         VALUES ('rocket.cat', 'rocket.cat', 'Rocket.Cat', 'bot', 'online', 'online', true, ARRAY['bot']) \
         ON CONFLICT DO NOTHING",
    )
    .execute(&app.db)
    .await?;
    Ok(())
}

/// Create an admin unless that username exists (any case). Prints how to log in.
async fn bootstrap_admin(
    app: &App,
    username: &str,
    password: &str,
    email: &str,
    name: &str,
) -> Result<(), StartError> {
    if users::by_username_ci(&app.db, username).await?.is_some() {
        tracing::info!(%username, "admin user already exists; not created");
        return Ok(());
    }
    let hash = app.hasher.hash(sha256_hex(password)).await?;
    let id = random_id();
    let mut tx = app.db.begin().await?;
    let new = users::NewUser {
        id: id.clone(),
        username: Some(username.to_owned()),
        name: Some(name.to_owned()),
        email: Some(email.trim().to_lowercase()),
        email_verified: true,
        kind: "user".into(),
        active: true,
        roles: vec!["admin".into()],
        ..Default::default()
    };
    match users::insert(&mut *tx, &new).await {
        Ok(()) => {}
        // Another instance bootstrapped the same admin concurrently.
        Err(e) if crate::error::violated_constraint(&e).is_some() => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    users::set_password_hash(&mut *tx, &id, &hash).await?;
    rooms::join_default_rooms(&mut *tx, &id).await?;
    tx.commit().await?;
    tracing::info!(
        %username,
        "admin created; log in with: curl -s -H 'Content-Type: application/json' -d '{{\"user\":\"{username}\",\"password\":\"<ADMIN_PASS>\"}}' http://localhost:{}/api/v1/login",
        app.config.port
    );
    Ok(())
}
