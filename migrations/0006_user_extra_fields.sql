-- The remaining user-record fields of users-core §2.1: presence details, phone, and the
-- pass-through fields /me returns. `invite_token` is stored but never returned.
ALTER TABLE users
    ADD COLUMN status_source       text,
    ADD COLUMN status_expires_at   timestamptz,
    ADD COLUMN status_livechat     text,
    ADD COLUMN phone               jsonb,
    ADD COLUMN banners             jsonb,
    ADD COLUMN default_room        text,
    ADD COLUMN enable_auto_away    boolean,
    ADD COLUMN idle_time_limit     double precision,
    ADD COLUMN open_business_hours text[],
    ADD COLUMN abac_attributes     jsonb,
    ADD COLUMN oauth               jsonb,
    ADD COLUMN federation          jsonb,
    ADD COLUMN invite_token        text;
