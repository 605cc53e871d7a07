-- Failed-login counters for Block_Multiple_Failed_Logins_* (per username and per client IP).
-- A successful login clears them; rows are tiny and keyed, so checks are one index lookup.
CREATE TABLE login_failures (
    kind            text NOT NULL CHECK (kind IN ('user', 'ip')),
    key             text NOT NULL,
    failures        integer NOT NULL DEFAULT 0,
    last_failure_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, key)
);
