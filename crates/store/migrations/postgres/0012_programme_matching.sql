-- A programme's rules for matching rounds: what pairs are published as unless staff choose
-- otherwise, and the constraints every round keeps (with the member's manager they need). Kept side by side with the other
-- database's 0012_programme_matching.sql.
ALTER TABLE programmes ADD COLUMN matching_publish TEXT NOT NULL DEFAULT 'offers';
ALTER TABLE programmes ADD COLUMN matching_shared_language BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE programmes ADD COLUMN matching_different_organisation BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE programmes ADD COLUMN matching_not_own_manager BOOLEAN NOT NULL DEFAULT false;
-- A member's line manager (an email address), for keeping people away from their own manager.
ALTER TABLE users ADD COLUMN manager_email TEXT;
