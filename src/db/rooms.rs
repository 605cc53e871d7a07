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
