-- Authorization administration: tombstones for roles.sync / permissions.listAll `remove`,
-- and the indexes of the lookups those endpoints and the role endpoints make.

-- A deleted role or permission leaves a tombstone; re-creating the same id clears it.
CREATE FUNCTION rc_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO removed_records (collection, id, removed_at)
    VALUES (TG_TABLE_NAME, OLD.id, now())
    ON CONFLICT (collection, id) DO UPDATE SET removed_at = EXCLUDED.removed_at;
    RETURN OLD;
END
$$;
CREATE FUNCTION rc_untombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM removed_records WHERE collection = TG_TABLE_NAME AND id = NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER roles_tombstone AFTER DELETE ON roles
    FOR EACH ROW EXECUTE FUNCTION rc_tombstone();
CREATE TRIGGER roles_untombstone AFTER INSERT ON roles
    FOR EACH ROW EXECUTE FUNCTION rc_untombstone();
CREATE TRIGGER permissions_tombstone AFTER DELETE ON permissions
    FOR EACH ROW EXECUTE FUNCTION rc_tombstone();
CREATE TRIGGER permissions_untombstone AFTER INSERT ON permissions
    FOR EACH ROW EXECUTE FUNCTION rc_untombstone();

-- `updatedSince` lookups (roles.sync, permissions.listAll).
CREATE INDEX roles_updated_at_idx ON roles (updated_at);
CREATE INDEX permissions_updated_at_idx ON permissions (updated_at);
CREATE INDEX removed_records_removed_at_idx ON removed_records (collection, removed_at);
-- Room-scoped role holders (roles.getUsersInRole, roles.delete "in use").
CREATE INDEX subscriptions_roles_idx ON subscriptions USING gin (roles);
