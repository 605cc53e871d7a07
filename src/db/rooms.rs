//! Rooms and subscriptions, as far as the users API needs them.

use sqlx::PgExecutor;

pub async fn insert_room(
    db: impl PgExecutor<'_>,
    id: &str,
    name: &str,
    t: &str,
    is_default: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO rooms (id, name, t, is_default) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
        .bind(id)
        .bind(name)
        .bind(t)
        .bind(is_default)
        .execute(db)
        .await?;
    Ok(())
}

/// Subscribe a user to every default room it is not in yet (`joinDefaultChannels`).
pub async fn join_default_rooms(
    db: impl PgExecutor<'_>,
    user_id: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO subscriptions (id, rid, user_id, name, t) \
         SELECT rc_random_id(), r.id, $1, coalesce(r.name, r.id), r.t FROM rooms r WHERE r.is_default \
         ON CONFLICT (rid, user_id) DO NOTHING",
    )
    .bind(user_id)
    .execute(db)
    .await?
    .rows_affected())
}

/// A new subscription row (tests, importers, and later the room endpoints).
#[derive(Clone, Debug, Default)]
pub struct NewSubscription {
    pub id: String,
    pub rid: String,
    pub user_id: String,
    pub name: String,
    pub t: String,
    pub roles: Option<Vec<String>>,
    pub unread: i32,
    pub federated: Option<bool>,
}

pub async fn insert_subscription(
    db: impl PgExecutor<'_>,
    s: &NewSubscription,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO subscriptions (id, rid, user_id, name, t, roles, unread, federated) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&s.id)
    .bind(&s.rid)
    .bind(&s.user_id)
    .bind(&s.name)
    .bind(&s.t)
    .bind(&s.roles)
    .bind(s.unread)
    .bind(s.federated)
    .execute(db)
    .await?;
    Ok(())
}

/// One statement raising `unread` by one for the members of `rid` other than the sender:
/// everyone when `everyone`, else the members whose username is in `mentioned`.
pub async fn increment_unread(
    db: impl PgExecutor<'_>,
    rid: &str,
    sender_id: &str,
    everyone: bool,
    mentioned: &[String],
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE subscriptions s SET unread = s.unread + 1, updated_at = now() \
         WHERE s.rid = $1 AND s.user_id <> $2 \
         AND ($3 OR s.user_id IN (SELECT u.id FROM users u WHERE u.username = ANY($4)))",
    )
    .bind(rid)
    .bind(sender_id)
    .bind(everyone)
    .bind(mentioned)
    .execute(db)
    .await?
    .rows_affected())
}
