-- Benchmark data: 100,000 users (custom fields, e-mails, roles), 5,000 rooms and about
-- 20 subscriptions per user, generated inside PostgreSQL. Run after the server has migrated
-- the database (bench/run.sh does). Idempotent: does nothing when the users already exist.
\set ON_ERROR_STOP on
-- The custom fields the data and the `query` case use (public: visible to every caller).
UPDATE settings SET value = to_jsonb('{"clearance":{"type":"select","options":["Low","Medium","High"],"public":true},"team":{"type":"text"}}'::text)
 WHERE id = 'Accounts_CustomFields' AND value IS DISTINCT FROM to_jsonb('{"clearance":{"type":"select","options":["Low","Medium","High"],"public":true},"team":{"type":"text"}}'::text);
SELECT count(*) >= 100000 AS seeded FROM users WHERE id LIKE 'bu%' \gset
\if :seeded
\echo 'bench data already present'
\else
BEGIN;
INSERT INTO users (id, username, name, email, email_verified, type, status, active, roles, utc_offset,
                   avatar_etag, created_at, last_login, custom_fields)
SELECT 'bu' || lpad(i::text, 15, '0'),
       'user.' || i,
       'Bench User ' || i,
       'user.' || i || '@bench.test',
       i % 3 = 0,
       CASE WHEN i % 100 = 0 THEN 'bot' ELSE 'user' END,
       (ARRAY['online', 'away', 'busy', 'offline'])[1 + i % 4],
       i % 17 <> 0,
       CASE WHEN i % 1000 = 0 THEN ARRAY['user', 'admin'] ELSE ARRAY['user'] END,
       (i % 24) - 12,
       md5(i::text),
       '2020-01-01'::timestamptz + i * interval '15 minutes',
       '2024-01-01'::timestamptz + i * interval '1 minute',
       jsonb_build_object('clearance', (ARRAY['Low', 'Medium', 'High'])[1 + i % 3],
                          'team', 'team-' || (i % 50))
FROM generate_series(1, 100000) AS i;
INSERT INTO rooms (id, name, t)
SELECT 'br' || lpad(r::text, 15, '0'),
       CASE WHEN r % 2 = 0 THEN 'room-' || r ELSE 'Room-' || r END,
       CASE WHEN r % 10 = 0 THEN 'p' ELSE 'c' END
FROM generate_series(1, 5000) AS r;
-- 20 rooms per user, spread so every room has about 400 members.
INSERT INTO subscriptions (id, rid, user_id, name, t, roles, unread)
SELECT md5(i::text || '-' || k)::varchar(24),
       'br' || lpad((1 + (i * 7 + k * 251) % 5000)::text, 15, '0'),
       'bu' || lpad(i::text, 15, '0'),
       CASE WHEN (1 + (i * 7 + k * 251) % 5000) % 2 = 0 THEN 'room-' ELSE 'Room-' END || (1 + (i * 7 + k * 251) % 5000),
       CASE WHEN (1 + (i * 7 + k * 251) % 5000) % 10 = 0 THEN 'p' ELSE 'c' END,
       CASE WHEN k = 0 THEN ARRAY['owner'] END,
       (i + k) % 4
FROM generate_series(1, 100000) AS i, generate_series(0, 19) AS k
ON CONFLICT DO NOTHING;
COMMIT;
VACUUM ANALYZE users;
VACUUM ANALYZE subscriptions;
VACUUM ANALYZE rooms;
\endif
SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM subscriptions) AS subscriptions,
       (SELECT named FROM users_list_counts) AS listed;
