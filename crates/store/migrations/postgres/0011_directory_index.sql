-- The mentor directory is searched in memory (crates/store/src/directory.rs). Every change it
-- shows bumps the programme's directory_version and stamps the mentor row with it, so each
-- instance's index loads just what changed. Triggers do it, so no code path can forget.
-- Kept side by side with sqlite/0011_directory_index.sql.
--
-- The triggers run when the transaction commits (constraint triggers, deferred): the
-- programme row is then locked only from the bump to the end of the commit, after every other
-- lock the transaction takes, so two transactions changing mentors of one programme cannot
-- deadlock on it; and since the row stays locked until the commit, versions become visible in
-- order: once version v is visible, every mentor stamped at or below v is too.

ALTER TABLE programmes ADD COLUMN directory_version BIGINT NOT NULL DEFAULT 0;
-- Bumped when a mentor row is deleted: the indexes are then rebuilt.
ALTER TABLE programmes ADD COLUMN directory_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mentors ADD COLUMN directory_revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX mentors_directory_revision ON mentors (programme_id, directory_revision);

-- Stamps a mentor row with a new version of its programme's directory.
CREATE FUNCTION trellis_mentor_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    UPDATE programmes SET directory_version = directory_version + 1 WHERE id = NEW.programme_id
        RETURNING directory_version INTO v;
    -- Changes the revision, so the update trigger below does not fire again.
    UPDATE mentors SET directory_revision = v WHERE id = NEW.id;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER mentors_directory_insert AFTER INSERT ON mentors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trellis_mentor_stamp();
-- Any change but the stamp itself (which changes the revision) stamps the row.
CREATE CONSTRAINT TRIGGER mentors_directory_update AFTER UPDATE ON mentors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.directory_revision = OLD.directory_revision)
    EXECUTE FUNCTION trellis_mentor_stamp();

CREATE FUNCTION trellis_mentor_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE programmes SET directory_version = directory_version + 1, directory_epoch = directory_epoch + 1
        WHERE id = OLD.programme_id;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER mentors_directory_delete AFTER DELETE ON mentors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trellis_mentor_deleted();

-- A change of a mentor's terms touches the mentor row (same revision), which stamps it.
CREATE FUNCTION trellis_mentor_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE mentors SET directory_revision = directory_revision WHERE id = OLD.mentor_id;
    ELSE
        UPDATE mentors SET directory_revision = directory_revision WHERE id = NEW.mentor_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER mentor_terms_directory AFTER INSERT OR DELETE ON mentor_terms
    FOR EACH ROW EXECUTE FUNCTION trellis_mentor_terms_changed();

-- The directory shows the person's name, pronouns, organisation, title, location and time zone.
CREATE FUNCTION trellis_mentor_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mentors SET directory_revision = directory_revision WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_directory_update AFTER UPDATE ON users FOR EACH ROW
    WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.pronouns IS DISTINCT FROM OLD.pronouns
       OR NEW.organisation IS DISTINCT FROM OLD.organisation OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.location IS DISTINCT FROM OLD.location OR NEW.time_zone IS DISTINCT FROM OLD.time_zone)
    EXECUTE FUNCTION trellis_mentor_person_changed();

-- The taxonomy a search's terms are checked against (held with the index).
CREATE FUNCTION trellis_taxonomy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE programmes SET directory_version = directory_version + 1 WHERE id = OLD.programme_id;
    ELSE
        UPDATE programmes SET directory_version = directory_version + 1 WHERE id = NEW.programme_id;
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER taxonomy_directory_insert AFTER INSERT ON taxonomy_terms
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trellis_taxonomy_changed();
CREATE CONSTRAINT TRIGGER taxonomy_directory_update AFTER UPDATE ON taxonomy_terms
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trellis_taxonomy_changed();
CREATE CONSTRAINT TRIGGER taxonomy_directory_delete AFTER DELETE ON taxonomy_terms
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trellis_taxonomy_changed();

-- The full-text index the SQL search used is no longer read.
DROP INDEX mentors_search;
ALTER TABLE mentors DROP COLUMN search_vec;
DROP INDEX mentors_filter;
