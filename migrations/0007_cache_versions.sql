-- A version per cached table, bumped in the same transaction as the change. A reload reads
-- the version in the same snapshot as the rows, so an instance never replaces a newer copy
-- with an older one (a slow reload racing a newer write).
CREATE TABLE cache_versions (
    name    text PRIMARY KEY,
    version bigint NOT NULL DEFAULT 0
);
INSERT INTO cache_versions (name) VALUES ('settings'), ('permissions'), ('roles');

CREATE OR REPLACE FUNCTION rc_notify_cache() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = TG_TABLE_NAME;
    PERFORM pg_notify('rc_users_cache', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
