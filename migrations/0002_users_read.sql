-- users.info / users.list: the lookup paths and list orders they need, and a maintained
-- count of listable users so an unfiltered users.list never counts the table.

-- Exact e-mail match (`query={"emails.address": ...}`); the case-insensitive lookup uses
-- the unique users_email_lower_key.
CREATE INDEX users_email_idx ON users (email);
-- users.list sorted by name (Rocket.Chat sorts `name` through the lower-cased nameInsensitive).
CREATE INDEX users_name_insensitive_idx ON users (name_insensitive COLLATE "C", id COLLATE "C");
-- users.list default order, restricted to the rows the list shows: the deferred join reads
-- the page's ids from these with an index-only scan, however deep the offset.
-- (Regular callers see users with a username or a name; privileged ones also e-mail-only users.)
CREATE INDEX users_list_regular_idx ON users (username COLLATE "C" NULLS FIRST, id COLLATE "C")
    WHERE username IS NOT NULL OR name IS NOT NULL;
CREATE INDEX users_list_privileged_idx ON users (username COLLATE "C" NULLS FIRST, id COLLATE "C")
    WHERE username IS NOT NULL OR name IS NOT NULL OR email IS NOT NULL;

-- One row: how many users each class of caller can list.
CREATE TABLE users_list_counts (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- rows with a username or a name (what every caller lists)
    named      bigint NOT NULL,
    -- rows with neither, but an e-mail (listed to view-full-other-user-info holders only)
    email_only bigint NOT NULL
);
INSERT INTO users_list_counts (named, email_only)
SELECT count(*) FILTER (WHERE username IS NOT NULL OR name IS NOT NULL),
       count(*) FILTER (WHERE username IS NULL AND name IS NULL AND email IS NOT NULL)
FROM users;

-- Statement-level triggers over transition tables: one counter update per statement, and
-- none at all when the statement does not change a count (e.g. last_login updates), so
-- ordinary writes do not contend on the counter row.
CREATE FUNCTION rc_users_count_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d_named bigint := 0;
    d_email bigint := 0;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT d_named + count(*) FILTER (WHERE username IS NOT NULL OR name IS NOT NULL),
               d_email + count(*) FILTER (WHERE username IS NULL AND name IS NULL AND email IS NOT NULL)
          INTO d_named, d_email FROM new_rows;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT d_named - count(*) FILTER (WHERE username IS NOT NULL OR name IS NOT NULL),
               d_email - count(*) FILTER (WHERE username IS NULL AND name IS NULL AND email IS NOT NULL)
          INTO d_named, d_email FROM old_rows;
    END IF;
    IF d_named <> 0 OR d_email <> 0 THEN
        UPDATE users_list_counts SET named = named + d_named, email_only = email_only + d_email;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_count_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rc_users_count_delta();
CREATE TRIGGER users_count_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rc_users_count_delta();
CREATE TRIGGER users_count_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rc_users_count_delta();
CREATE FUNCTION rc_users_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users_list_counts SET named = 0, email_only = 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_count_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION rc_users_count_truncate();
