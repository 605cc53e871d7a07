//! Every environment variable the server reads, documented once (`rc-users --help`).

use std::collections::BTreeMap;

/// What `rc-users --help` prints.
pub const HELP: &str = "\
rc-users — a Rocket.Chat-compatible users service on PostgreSQL

Usage: rc-users [--help]

Environment variables:
  PORT                      port to listen on (default 3000)
  BIND_IP                   address to bind (default 0.0.0.0)
  DATABASE_URL              PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/rc_users);
                            the database is created if it does not exist
  DATABASE_MAX_CONNECTIONS  pool size (default 16)
  ADMIN_USERNAME            with ADMIN_PASS and ADMIN_EMAIL: create this admin at start-up
  ADMIN_PASS                  unless the username exists
  ADMIN_EMAIL
  ADMIN_NAME                display name of that admin (default: \"Administrator\")
  OVERWRITE_SETTING_<id>    force setting <id> to this value at start-up
  TEST_MODE                 \"true\": rate limiting and 2FA prompts off, and the admin
                            rocketchat.internal.admin.test is created
  SITE_URL                  default of the Site_Url setting (default http://localhost:<PORT>)
  RUST_LOG                  log filter (default info)
";

#[derive(Clone, Debug)]
pub struct AdminBootstrap {
    pub username: String,
    pub password: String,
    pub email: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16,
    pub bind_ip: String,
    pub database_url: String,
    pub max_connections: u32,
    pub admin: Option<AdminBootstrap>,
    /// `OVERWRITE_SETTING_<id>` values, raw as given.
    pub overwrite_settings: BTreeMap<String, String>,
    pub test_mode: bool,
    pub site_url: String,
}

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/rc_users";
pub const TEST_ADMIN: &str = "rocketchat.internal.admin.test";

impl Config {
    /// Read the configuration from an iterator of (name, value) pairs (the process environment
    /// in production, a literal list in tests).
    pub fn from_vars<I: IntoIterator<Item = (String, String)>>(vars: I) -> Result<Self, String> {
        let vars: BTreeMap<String, String> = vars.into_iter().collect();
        let get = |k: &str| vars.get(k).filter(|v| !v.is_empty()).cloned();
        let port = match get("PORT") {
            Some(p) => p
                .parse()
                .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
            None => 3000,
        };
        let max_connections = match get("DATABASE_MAX_CONNECTIONS") {
            Some(p) => p
                .parse()
                .map_err(|_| format!("DATABASE_MAX_CONNECTIONS must be a number, got {p:?}"))?,
            None => 16,
        };
        let admin = match (get("ADMIN_USERNAME"), get("ADMIN_PASS"), get("ADMIN_EMAIL")) {
            (Some(username), Some(password), Some(email)) => Some(AdminBootstrap {
                username,
                password,
                email,
                name: get("ADMIN_NAME").unwrap_or_else(|| "Administrator".into()),
            }),
            (None, None, None) => None,
            _ => {
                return Err(
                    "ADMIN_USERNAME, ADMIN_PASS and ADMIN_EMAIL must be set together".into(),
                )
            }
        };
        let overwrite_settings = vars
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("OVERWRITE_SETTING_")
                    .map(|id| (id.to_owned(), v.clone()))
            })
            .filter(|(id, _)| !id.is_empty())
            .collect();
        let test_mode = get("TEST_MODE").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Ok(Config {
            port,
            bind_ip: get("BIND_IP").unwrap_or_else(|| "0.0.0.0".into()),
            database_url: get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            max_connections,
            admin,
            overwrite_settings,
            test_mode,
            site_url: get("SITE_URL").unwrap_or_else(|| format!("http://localhost:{port}")),
        })
    }

    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(std::env::vars())
    }
}
