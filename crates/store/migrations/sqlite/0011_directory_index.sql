-- The mentor directory is searched in memory (crates/store/src/directory.rs). Every change it
-- shows bumps the programme's directory_version and stamps the mentor row with it, so each
-- instance's index loads just what changed. Triggers do it, so no code path can forget.
-- Kept side by side with postgres/0011_directory_index.sql.

ALTER TABLE programmes ADD COLUMN directory_version INTEGER NOT NULL DEFAULT 0;
-- Bumped when a mentor row is deleted: the indexes are then rebuilt.
ALTER TABLE programmes ADD COLUMN directory_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mentors ADD COLUMN directory_revision INTEGER NOT NULL DEFAULT 0;
CREATE INDEX mentors_directory_revision ON mentors (programme_id, directory_revision);

CREATE TRIGGER mentors_directory_insert AFTER INSERT ON mentors BEGIN
    UPDATE programmes SET directory_version = directory_version + 1 WHERE id = NEW.programme_id;
    UPDATE mentors SET directory_revision = (SELECT directory_version FROM programmes WHERE id = NEW.programme_id)
        WHERE id = NEW.id;
END;
-- Any change but the stamp itself (which changes the revision) stamps the row.
CREATE TRIGGER mentors_directory_update AFTER UPDATE ON mentors
WHEN NEW.directory_revision = OLD.directory_revision BEGIN
    UPDATE programmes SET directory_version = directory_version + 1 WHERE id = NEW.programme_id;
    UPDATE mentors SET directory_revision = (SELECT directory_version FROM programmes WHERE id = NEW.programme_id)
        WHERE id = NEW.id;
END;
CREATE TRIGGER mentors_directory_delete AFTER DELETE ON mentors BEGIN
    UPDATE programmes SET directory_version = directory_version + 1, directory_epoch = directory_epoch + 1
        WHERE id = OLD.programme_id;
END;
CREATE TRIGGER mentor_terms_directory_insert AFTER INSERT ON mentor_terms BEGIN
    UPDATE mentors SET directory_revision = directory_revision WHERE id = NEW.mentor_id;
END;
CREATE TRIGGER mentor_terms_directory_delete AFTER DELETE ON mentor_terms BEGIN
    UPDATE mentors SET directory_revision = directory_revision WHERE id = OLD.mentor_id;
END;
-- The directory shows the person's name, pronouns, organisation, title, location and time zone.
CREATE TRIGGER users_directory_update AFTER UPDATE ON users
WHEN NEW.name IS NOT OLD.name OR NEW.pronouns IS NOT OLD.pronouns OR NEW.organisation IS NOT OLD.organisation
  OR NEW.title IS NOT OLD.title OR NEW.location IS NOT OLD.location OR NEW.time_zone IS NOT OLD.time_zone BEGIN
    UPDATE mentors SET directory_revision = directory_revision WHERE user_id = NEW.id;
END;

-- The taxonomy a search's terms are checked against (held with the index).
CREATE TRIGGER taxonomy_directory_insert AFTER INSERT ON taxonomy_terms BEGIN
    UPDATE programmes SET directory_version = directory_version + 1 WHERE id = NEW.programme_id;
END;
CREATE TRIGGER taxonomy_directory_update AFTER UPDATE ON taxonomy_terms BEGIN
    UPDATE programmes SET directory_version = directory_version + 1 WHERE id = NEW.programme_id;
END;
CREATE TRIGGER taxonomy_directory_delete AFTER DELETE ON taxonomy_terms BEGIN
    UPDATE programmes SET directory_version = directory_version + 1 WHERE id = OLD.programme_id;
END;

-- The full-text index the SQL search used is no longer read.
DROP TRIGGER mentors_fts_insert;
DROP TRIGGER mentors_fts_delete;
DROP TRIGGER mentors_fts_update;
DROP TABLE mentor_fts;
DROP INDEX mentors_filter;
