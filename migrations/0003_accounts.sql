-- Account management (users.create / update / delete / register / updateOwnBasicInfo …).

-- Earlier password hashes (argon2id PHC strings), for Accounts_Password_History_*.
-- Only the newest Accounts_Password_History_Amount entries per user are kept.
CREATE TABLE password_history (
    id          bigserial PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    argon2_hash text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_user_idx ON password_history (user_id, id DESC);

-- Team names share the username namespace (users-core §5.1: a username is unavailable when a
-- team has that name, case-insensitively). Teams are managed elsewhere; this is the minimal
-- shape the availability check reads.
CREATE TABLE IF NOT EXISTS teams (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS teams_name_lower_key ON teams (lower(name));

-- Room members by age: the new owner when a last owner relinquishes a room is the oldest
-- remaining member.
CREATE INDEX subscriptions_rid_created_idx ON subscriptions (rid, created_at, id);
-- Direct-message subscriptions by display name (renaming a user renames them).
CREATE INDEX subscriptions_direct_name_idx ON subscriptions (name) WHERE t = 'd';
