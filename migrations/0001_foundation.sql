-- Foundation schema: users and their credentials/tokens kept apart, authorization,
-- settings, and the rooms/subscriptions the users API needs.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id                             text PRIMARY KEY,
    username                       text,
    name                           text,
    nickname                       text,
    bio                            text,
    email                          text,
    email_verified                 boolean NOT NULL DEFAULT false,
    type                           text NOT NULL DEFAULT 'user',
    status                         text NOT NULL DEFAULT 'offline',
    status_default                 text,
    status_connection              text,
    status_text                    text,
    active                         boolean NOT NULL DEFAULT true,
    roles                          text[] NOT NULL DEFAULT '{}',
    utc_offset                     double precision,
    language                       text,
    created_at                     timestamptz NOT NULL DEFAULT now(),
    updated_at                     timestamptz NOT NULL DEFAULT now(),
    last_login                     timestamptz,
    custom_fields                  jsonb,
    settings                       jsonb,
    avatar_origin                  text,
    avatar_etag                    text,
    import_ids                     text[] NOT NULL DEFAULT '{}',
    free_switch_extension          text,
    require_password_change        boolean,
    require_password_change_reason text,
    reason                         text,
    federated                      boolean,
    email2fa_enabled               boolean,
    email2fa_changed_at            timestamptz,
    totp_enabled                   boolean,
    name_insensitive               text GENERATED ALWAYS AS (lower(coalesce(name, ''))) STORED
);
-- Uniqueness belongs to the database: these names are mapped to Rocket.Chat's errors.
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE UNIQUE INDEX users_free_switch_extension_key ON users (free_switch_extension);
-- Exact username lookups and the default users.list order (binary, like MongoDB).
CREATE INDEX users_username_c_idx ON users (username COLLATE "C" NULLS FIRST, id COLLATE "C");
CREATE INDEX users_import_ids_idx ON users USING gin (import_ids);
CREATE INDEX users_roles_idx ON users USING gin (roles);
CREATE INDEX users_username_trgm_idx ON users USING gin (username gin_trgm_ops);
CREATE INDEX users_name_trgm_idx ON users USING gin (name gin_trgm_ops);

-- Secrets live apart from the profile so no query of a user can carry them by accident.
CREATE TABLE credentials (
    user_id       text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- argon2id PHC string over the lower-hex SHA-256 of the password (what clients may send as digest)
    argon2_hash   text,
    -- Rocket.Chat's bcrypt(sha256-hex(password)); re-hashed to argon2id on the first successful login
    legacy_bcrypt text,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Login tokens, only as base64(SHA-256(token)). Personal access tokens share the table.
CREATE TABLE login_tokens (
    hashed_token                text PRIMARY KEY,
    user_id                     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    kind                        text NOT NULL DEFAULT 'session',
    name                        text,
    last_token_part             text,
    bypass_two_factor           boolean NOT NULL DEFAULT false,
    two_factor_authorized_hash  text,
    two_factor_authorized_until timestamptz
);
CREATE INDEX login_tokens_user_idx ON login_tokens (user_id);
CREATE UNIQUE INDEX login_tokens_pat_name_key ON login_tokens (user_id, name) WHERE kind = 'personalAccessToken';

CREATE TABLE roles (
    id           text PRIMARY KEY,
    name         text NOT NULL,
    scope        text NOT NULL DEFAULT 'Users',
    description  text NOT NULL DEFAULT '',
    protected    boolean NOT NULL DEFAULT false,
    mandatory2fa boolean NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX roles_name_key ON roles (name);

CREATE TABLE permissions (
    id         text PRIMARY KEY,
    roles      text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Tombstones for the *.sync / listAll `remove` answers.
CREATE TABLE removed_records (
    collection text NOT NULL,
    id         text NOT NULL,
    removed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection, id)
);

CREATE TABLE settings (
    id            text PRIMARY KEY,
    value         jsonb NOT NULL,
    type          text NOT NULL,
    default_value jsonb NOT NULL,
    public        boolean NOT NULL DEFAULT false,
    hidden        boolean NOT NULL DEFAULT false,
    options       jsonb,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rooms (
    id         text PRIMARY KEY,
    name       text,
    t          text NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rooms_default_idx ON rooms (id) WHERE is_default;

CREATE TABLE subscriptions (
    id         text PRIMARY KEY,
    rid        text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL,
    t          text NOT NULL,
    roles      text[],
    unread     integer NOT NULL DEFAULT 0,
    federated  boolean,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX subscriptions_rid_user_key ON subscriptions (rid, user_id);
-- users.info rooms: one index range scan already in the answer's order.
CREATE INDEX subscriptions_user_order_idx ON subscriptions (user_id, t COLLATE "C", name COLLATE "C");

-- Every instance caches settings/permissions/roles; a change anywhere tells all of them.
CREATE FUNCTION rc_notify_cache() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rc_users_cache', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION rc_notify_cache();
CREATE TRIGGER permissions_notify AFTER INSERT OR UPDATE OR DELETE ON permissions
    FOR EACH STATEMENT EXECUTE FUNCTION rc_notify_cache();
CREATE TRIGGER roles_notify AFTER INSERT OR UPDATE OR DELETE ON roles
    FOR EACH STATEMENT EXECUTE FUNCTION rc_notify_cache();

-- Meteor-style 17-character random id, for rows created inside SQL (subscriptions).
CREATE FUNCTION rc_random_id() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz',
                             1 + floor(random() * 55)::int, 1), '')
    FROM generate_series(1, 17)
$$;
