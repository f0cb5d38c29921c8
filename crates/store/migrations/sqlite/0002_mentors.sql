-- SQLite: timestamps are RFC 3339 UTC text, booleans 0/1.
-- Mentor applications, the mentor directory and its annual refresh.
-- Kept side by side with postgres/0002_mentors.sql.

-- Each programme's taxonomies: who mentors can mentor (audiences) and expertise areas.
CREATE TABLE taxonomy_terms (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id  INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    label         TEXT NOT NULL,
    position      INTEGER NOT NULL,
    retired       BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (programme_id, kind, label)
);

CREATE TABLE mentor_applications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id    INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state           TEXT NOT NULL,
    details         TEXT NOT NULL,
    submitted_at    TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decision_note   TEXT,
    -- 'programme_id:user_id' while the application is open, NULL after: one open application each.
    open_key        TEXT UNIQUE
);
CREATE INDEX mentor_applications_queue ON mentor_applications (programme_id, state, submitted_at);
CREATE INDEX mentor_applications_user ON mentor_applications (user_id);

-- The application's history: questions, answers, decisions.
CREATE TABLE application_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  INTEGER NOT NULL REFERENCES mentor_applications(id) ON DELETE CASCADE,
    at              TEXT NOT NULL,
    actor_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,
    message         TEXT
);
CREATE INDEX application_events_application ON application_events (application_id, id);

CREATE TABLE mentors (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id          INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id               INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The mentor's name, copied from users for sorting the directory by name with an index.
    name                  TEXT NOT NULL,
    application_id        INTEGER REFERENCES mentor_applications(id) ON DELETE SET NULL,
    background            TEXT NOT NULL,
    tags                  TEXT NOT NULL DEFAULT '',
    training_course_date  TEXT,
    training_equivalent   TEXT,
    capacity              INTEGER NOT NULL,
    hours_per_month       INTEGER NOT NULL,
    channels              TEXT NOT NULL DEFAULT '',
    languages             TEXT NOT NULL DEFAULT '',
    availability          TEXT,
    active_mentees        INTEGER NOT NULL DEFAULT 0,
    listed                BOOLEAN NOT NULL,
    unlisted_reason       TEXT,
    available             BOOLEAN NOT NULL,
    unavailable_until     TEXT,
    listed_at             TEXT NOT NULL,
    search_text           TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (programme_id, user_id)
);
-- Directory filters, counts and the name order are answered from these indexes.
CREATE INDEX mentors_directory ON mentors (programme_id, listed, available, capacity, active_mentees);
-- Covers the filters when a text search arrives at mentors by id, so the wide rows (background,
-- search text) are read only for the page shown.
CREATE INDEX mentors_filter ON mentors (id, programme_id, listed, available, capacity, active_mentees, name, listed_at, languages);
CREATE INDEX mentors_by_name ON mentors (programme_id, listed, name, id);
CREATE INDEX mentors_by_listing ON mentors (programme_id, listed, listed_at, id);
-- Full-text search: an FTS5 index over mentors.search_text, kept in step by triggers
-- (PostgreSQL uses a generated tsvector column instead). Porter stemming: "compiler" finds
-- "Compilers".
CREATE VIRTUAL TABLE mentor_fts USING fts5(search_text, content='mentors', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER mentors_fts_insert AFTER INSERT ON mentors BEGIN
    INSERT INTO mentor_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER mentors_fts_delete AFTER DELETE ON mentors BEGIN
    INSERT INTO mentor_fts (mentor_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER mentors_fts_update AFTER UPDATE OF search_text ON mentors BEGIN
    INSERT INTO mentor_fts (mentor_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO mentor_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE mentor_terms (
    mentor_id  INTEGER NOT NULL REFERENCES mentors(id) ON DELETE CASCADE,
    term_id    INTEGER NOT NULL REFERENCES taxonomy_terms(id) ON DELETE CASCADE,
    PRIMARY KEY (mentor_id, term_id)
);
CREATE INDEX mentor_terms_term ON mentor_terms (term_id, mentor_id);

CREATE TABLE refresh_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id  INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    mentor_id     INTEGER NOT NULL REFERENCES mentors(id) ON DELETE CASCADE,
    year          INTEGER NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    asked_at      TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    reminded_at   TEXT,
    confirmed_at  TEXT,
    lapsed_at     TEXT,
    UNIQUE (mentor_id, year)
);
CREATE INDEX refresh_requests_open ON refresh_requests (programme_id, year, confirmed_at);
