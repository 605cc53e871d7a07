//! Reads of users.info and users.list. Each answer is one statement: the user row together
//! with its rooms, or a page of users through a deferred join (ids first, from an index,
//! then the rows of that page only).

use serde::Deserialize;
use sqlx::types::Json;
use sqlx::{FromRow, PgExecutor};

use super::tokens::{self, LoginToken};
use super::users::{User, USER_COLUMNS};
use crate::auth::{Caller, Presented};
use crate::query::{Bind, SqlBuilder};

/// How users.info names its user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Exact `_id`.
    Id(String),
    /// Exact (case-sensitive) `_id` or `username`.
    Username(String),
    /// An entry of `importIds`.
    ImportId(String),
    /// Trimmed, case-insensitive e-mail.
    Email(String),
    FreeSwitchExtension(String),
}

/// One room of users.info: the target's subscription.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct RoomItem {
    pub id: String,
    pub rid: String,
    pub name: String,
    pub t: String,
    pub roles: Option<Vec<String>>,
    pub unread: i64,
    pub federated: Option<bool>,
}

/// The condition selecting `lookup`'s user from `users u`, with its term as bind `$n`.
fn lookup_condition(lookup: &Lookup, n: usize) -> (String, &str) {
    match lookup {
        Lookup::Id(v) => (format!("u.id = ${n}"), v.as_str()),
        // Both indexed: the primary key, and the unique lower(username) index (the exact
        // comparison then keeps Rocket.Chat's case-sensitive match).
        Lookup::Username(v) => (
            format!("(u.id = ${n} OR (lower(u.username) = lower(${n}) AND u.username = ${n}))"),
            v.as_str(),
        ),
        Lookup::ImportId(v) => (format!("u.import_ids @> ARRAY[${n}]"), v.as_str()),
        Lookup::Email(v) => (format!("lower(u.email) = lower(${n})"), v.trim()),
        Lookup::FreeSwitchExtension(v) => (format!("u.free_switch_extension = ${n}"), v.as_str()),
    }
}

/// The rooms column: the target's subscriptions sorted by type then name in binary order.
fn rooms_column(with_rooms: bool) -> &'static str {
    if with_rooms {
        "(SELECT coalesce(json_agg(json_build_object('id', s.id, 'rid', s.rid, 'name', s.name, 't', s.t, \
         'roles', s.roles, 'unread', s.unread, 'federated', s.federated) \
         ORDER BY s.t COLLATE \"C\", s.name COLLATE \"C\"), '[]'::json) \
         FROM subscriptions s WHERE s.user_id = u.id)"
    } else {
        "NULL::json"
    }
}

/// One row of [`info_with_caller`]: the caller (`ord` 0, token columns set) or the target
/// (`ord` 1, with its rooms).
#[derive(FromRow)]
struct CallerOrTargetRow {
    ord: i32,
    #[sqlx(flatten)]
    user: User,
    hashed_token: Option<String>,
    token_created_at: Option<chrono::DateTime<chrono::Utc>>,
    kind: Option<String>,
    bypass_two_factor: Option<bool>,
    two_factor_authorized_hash: Option<String>,
    two_factor_authorized_until: Option<chrono::DateTime<chrono::Utc>>,
    rooms: Option<Json<Vec<RoomItem>>>,
}

/// The target of a users.info lookup found by a caller.
pub type InfoTarget = (User, Option<Vec<RoomItem>>);

/// users.info in ONE round trip, authentication included: the caller behind the presented
/// credentials and, only when they match, the user named by `lookup` (and its rooms).
pub async fn info_with_caller(
    db: impl PgExecutor<'_>,
    presented: &Presented,
    lookup: &Lookup,
    with_rooms: bool,
) -> Result<Option<(Caller, Option<InfoTarget>)>, sqlx::Error> {
    let (cond, term) = lookup_condition(lookup, 3);
    let rooms = rooms_column(with_rooms);
    let caller = tokens::caller_select();
    let sql = format!(
        "WITH c AS ({caller}) \
         SELECT 0 AS ord, c.*, NULL::json AS rooms FROM c \
         UNION ALL \
         (SELECT 1 AS ord, {USER_COLUMNS}, NULL::text, NULL::timestamptz, NULL::text, NULL::bool, NULL::text, \
          NULL::timestamptz, {rooms} AS rooms FROM users u WHERE {cond} AND EXISTS (SELECT 1 FROM c) LIMIT 1)"
    );
    let rows: Vec<CallerOrTargetRow> = sqlx::query_as(&sql)
        .bind(&presented.hashed_token)
        .bind(&presented.user_id)
        .bind(term)
        .fetch_all(db)
        .await?;
    let mut caller = None;
    let mut target = None;
    for r in rows {
        if r.ord == 0 {
            let token = LoginToken {
                hashed_token: r.hashed_token.unwrap_or_default(),
                token_created_at: r.token_created_at.unwrap_or_default(),
                kind: r.kind.unwrap_or_default(),
                bypass_two_factor: r.bypass_two_factor.unwrap_or(false),
                two_factor_authorized_hash: r.two_factor_authorized_hash,
                two_factor_authorized_until: r.two_factor_authorized_until,
            };
            caller = Some(Caller {
                user: r.user,
                token,
            });
        } else {
            target = Some((r.user, r.rooms.map(|j| j.0)));
        }
    }
    Ok(caller.map(|c| (c, target)))
}

/// A users.list request, already checked and compiled by `query/`.
pub struct ListQuery {
    /// Privileged callers also list users that only have an e-mail.
    pub privileged: bool,
    /// Extra conditions (the `email` filter, the compiled `query`), over `users u`.
    pub conditions: Vec<String>,
    /// `ORDER BY` text over `users u`.
    pub order_by: String,
    /// The binds of `conditions` and `order_by`.
    pub sql: SqlBuilder,
    pub offset: i64,
    pub limit: Option<i64>,
}

#[derive(FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    user: User,
    total: Option<i64>,
}

fn base_condition(privileged: bool) -> &'static str {
    // Exactly the predicates of the partial list indexes (migration 0002).
    if privileged {
        "(u.username IS NOT NULL OR u.name IS NOT NULL OR u.email IS NOT NULL)"
    } else {
        "(u.username IS NOT NULL OR u.name IS NOT NULL)"
    }
}

/// The maintained count of listable users (no table scan).
fn counter(privileged: bool) -> &'static str {
    if privileged {
        "(SELECT named + email_only FROM users_list_counts)"
    } else {
        "(SELECT named FROM users_list_counts)"
    }
}

/// One page of users and the number of matching users.
pub async fn list(db: &sqlx::PgPool, q: ListQuery) -> Result<(Vec<User>, i64), sqlx::Error> {
    let mut sql = q.sql.clone();
    let mut cond = vec![base_condition(q.privileged).to_owned()];
    cond.extend(q.conditions.iter().cloned());
    let filter = cond.join(" AND ");
    let filtered = !q.conditions.is_empty();
    let limit = sql.bind(Bind::OptInt(q.limit));
    let offset = sql.bind(Bind::Int(q.offset));
    // Unfiltered: the total rides along from the counter. Filtered: counted concurrently.
    let total_col = if filtered {
        "NULL::int8".to_owned()
    } else {
        counter(q.privileged).to_owned()
    };
    let page_sql = format!(
        "SELECT {USER_COLUMNS}, {total_col} AS total \
         FROM unnest(ARRAY(SELECT u.id FROM users u WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset})) \
         WITH ORDINALITY AS p(id, ord) JOIN users u ON u.id = p.id ORDER BY p.ord",
        order = q.order_by
    );
    let count_sql = if filtered {
        format!("SELECT count(*) FROM users u WHERE {filter}")
    } else {
        format!("SELECT {}", counter(q.privileged))
    };
    // A caller-built filter is planned with its actual values every time (an unnamed
    // statement): a cached generic plan cannot use an index for e.g. `username ~ $4` and
    // turned a 1 ms query into a table scan. The unfiltered list keeps its prepared plan.
    let page = sql
        .apply(sqlx::query_as::<_, ListRow>(&page_sql))
        .persistent(!filtered)
        .fetch_all(db);
    let rows = if filtered {
        let count = count_query(&sql, &count_sql, db);
        let (rows, total) = tokio::try_join!(page, count)?;
        return Ok((rows.into_iter().map(|r| r.user).collect(), total));
    } else {
        page.await?
    };
    let total = match rows.first().and_then(|r| r.total) {
        Some(t) => t,
        // An empty page (offset past the end): ask the counter alone.
        None => sqlx::query_scalar::<_, Option<i64>>(&count_sql)
            .fetch_one(db)
            .await?
            .unwrap_or(0),
    };
    Ok((rows.into_iter().map(|r| r.user).collect(), total))
}

/// `SELECT count(*)` with the binds of the page query (the page's limit/offset binds are
/// the last two and unused by the count, so they are dropped).
async fn count_query(
    sql: &SqlBuilder,
    count_sql: &str,
    db: &sqlx::PgPool,
) -> Result<i64, sqlx::Error> {
    let mut b = SqlBuilder::new();
    let binds = sql.binds();
    for bind in &binds[..binds.len() - 2] {
        b.bind(bind.clone());
    }
    let (n,): (i64,) = b
        .apply(sqlx::query_as(count_sql))
        .persistent(false)
        .fetch_one(db)
        .await?;
    Ok(n)
}
