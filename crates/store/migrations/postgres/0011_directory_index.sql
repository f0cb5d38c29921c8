-- The mentor directory is searched in memory (crates/store/src/directory.rs). Every change it
-- shows bumps the programme's directory_version and stamps the mentor row with it, so each
-- instance's index loads just what changed. Triggers do it, so no code path can forget; the
-- programme row stays locked until the stamping transaction commits, so versions become
-- visible in order. Kept side by side with sqlite/0011_directory_index.sql.

ALTER TABLE programmes ADD COLUMN directory_version BIGINT NOT NULL DEFAULT 0;
-- Bumped when a mentor row is deleted: the indexes are then rebuilt.
ALTER TABLE programmes ADD COLUMN directory_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mentors ADD COLUMN directory_revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX mentors_directory_revision ON mentors (programme_id, directory_revision);

CREATE FUNCTION trellis_mentor_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE programmes SET directory_version = directory_version + 1 WHERE id = NEW.programme_id
        RETURNING directory_version INTO NEW.directory_revision;
    RETURN NEW;
END $$;
CREATE TRIGGER mentors_directory_stamp BEFORE INSERT OR UPDATE ON mentors
    FOR EACH ROW EXECUTE FUNCTION trellis_mentor_stamp();

CREATE FUNCTION trellis_mentor_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE programmes SET directory_version = directory_version + 1, directory_epoch = directory_epoch + 1
        WHERE id = OLD.programme_id;
    RETURN NULL;
END $$;
CREATE TRIGGER mentors_directory_delete AFTER DELETE ON mentors
    FOR EACH ROW EXECUTE FUNCTION trellis_mentor_deleted();

CREATE FUNCTION trellis_mentor_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE mentors SET directory_revision = 0 WHERE id = OLD.mentor_id;
    ELSE
        UPDATE mentors SET directory_revision = 0 WHERE id = NEW.mentor_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER mentor_terms_directory AFTER INSERT OR DELETE ON mentor_terms
    FOR EACH ROW EXECUTE FUNCTION trellis_mentor_terms_changed();

-- The directory shows the person's name, pronouns, organisation, title, location and time zone.
CREATE FUNCTION trellis_mentor_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mentors SET directory_revision = 0 WHERE user_id = NEW.id;
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
CREATE TRIGGER taxonomy_directory AFTER INSERT OR UPDATE OR DELETE ON taxonomy_terms
    FOR EACH ROW EXECUTE FUNCTION trellis_taxonomy_changed();

-- The full-text index the SQL search used is no longer read.
DROP INDEX mentors_search;
ALTER TABLE mentors DROP COLUMN search_vec;
DROP INDEX mentors_filter;
