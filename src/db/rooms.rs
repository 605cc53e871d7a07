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

/// A room whose only owner is the user in question (users-core §4.6 last-owner rules).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OwnedRoom {
    pub rid: String,
    pub name: String,
    /// Members other than the user.
    pub others: i64,
}

/// Non-direct rooms where `user_id` holds `owner` and no other member does. One query.
pub async fn sole_owned_rooms(
    db: impl PgExecutor<'_>,
    user_id: &str,
) -> Result<Vec<OwnedRoom>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id AS rid, coalesce(r.name, r.id) AS name, \
         (SELECT count(*) FROM subscriptions o WHERE o.rid = r.id AND o.user_id <> $1) AS others \
         FROM subscriptions s JOIN rooms r ON r.id = s.rid \
         WHERE s.user_id = $1 AND s.roles @> ARRAY['owner'] AND r.t <> 'd' \
         AND NOT EXISTS (SELECT 1 FROM subscriptions o WHERE o.rid = s.rid AND o.user_id <> $1 \
                         AND o.roles @> ARRAY['owner']) \
         ORDER BY coalesce(r.name, r.id) COLLATE \"C\", r.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Make the oldest other member of each room an owner.
pub async fn give_ownership_to_oldest_member(
    db: impl PgExecutor<'_>,
    rids: &[String],
    leaving_user: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE subscriptions SET roles = array_append(coalesce(roles, '{}'), 'owner'), updated_at = now() \
         WHERE id IN (SELECT DISTINCT ON (rid) id FROM subscriptions \
                      WHERE rid = ANY($1) AND user_id <> $2 ORDER BY rid, created_at, id)",
    )
    .bind(rids)
    .bind(leaving_user)
    .execute(db)
    .await?
    .rows_affected())
}

/// Delete rooms (their subscriptions go with them).
pub async fn delete_rooms(db: impl PgExecutor<'_>, rids: &[String]) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM rooms WHERE id = ANY($1)")
        .bind(rids)
        .execute(db)
        .await?
        .rows_affected())
}

/// Delete every direct-message room `user_id` is in; returns their ids.
pub async fn delete_direct_rooms_of(
    db: impl PgExecutor<'_>,
    user_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "DELETE FROM rooms WHERE t = 'd' AND id IN \
         (SELECT rid FROM subscriptions WHERE user_id = $1 AND t = 'd') RETURNING id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// After a rename: the other members' direct-message subscriptions carry the new name.
pub async fn rename_in_direct_subscriptions(
    db: impl PgExecutor<'_>,
    user_id: &str,
    old: &str,
    new: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE subscriptions SET name = $3, updated_at = now() \
         WHERE t = 'd' AND name = $2 AND user_id <> $1 \
         AND rid IN (SELECT rid FROM subscriptions WHERE user_id = $1 AND t = 'd')",
    )
    .bind(user_id)
    .bind(old)
    .bind(new)
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
         AND ($3 OR s.user_id IN (SELECT u.id FROM users u WHERE lower(u.username) = ANY(SELECT lower(x) FROM unnest($4::text[]) x) AND u.username = ANY($4)))",
    )
    .bind(rid)
    .bind(sender_id)
    .bind(everyone)
    .bind(mentioned)
    .execute(db)
    .await?
    .rows_affected())
}
