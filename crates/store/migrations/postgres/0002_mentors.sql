-- Mentor applications, the mentor directory and its annual refresh.
-- Kept side by side with sqlite/0002_mentors.sql.

-- Each programme's taxonomies: who mentors can mentor (audiences) and expertise areas.
CREATE TABLE taxonomy_terms (
    id            BIGSERIAL PRIMARY KEY,
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    label         TEXT NOT NULL,
    position      INTEGER NOT NULL,
    retired       BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (programme_id, kind, label)
);

CREATE TABLE mentor_applications (
    id              BIGSERIAL PRIMARY KEY,
    programme_id    BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state           TEXT NOT NULL,
    details         TEXT NOT NULL,
    submitted_at    TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    decided_at      TIMESTAMPTZ,
    decided_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    decision_note   TEXT,
    -- 'programme_id:user_id' while the application is open, NULL after: one open application each.
    open_key        TEXT UNIQUE
);
CREATE INDEX mentor_applications_queue ON mentor_applications (programme_id, state, submitted_at);
CREATE INDEX mentor_applications_user ON mentor_applications (user_id);

-- The application's history: questions, answers, decisions.
CREATE TABLE application_events (
    id              BIGSERIAL PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES mentor_applications(id) ON DELETE CASCADE,
    at              TIMESTAMPTZ NOT NULL,
    actor_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,
    message         TEXT
);
CREATE INDEX application_events_application ON application_events (application_id, id);

CREATE TABLE mentors (
    id                    BIGSERIAL PRIMARY KEY,
    programme_id          BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id               BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The mentor's name, copied from users for sorting the directory by name with an index.
    name                  TEXT NOT NULL,
    application_id        BIGINT REFERENCES mentor_applications(id) ON DELETE SET NULL,
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
    listed_at             TIMESTAMPTZ NOT NULL,
    search_text           TEXT NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (programme_id, user_id)
);
-- Directory filters, counts and the name order are answered from these indexes.
CREATE INDEX mentors_directory ON mentors (programme_id, listed, available, capacity, active_mentees);
-- Covers the filters when a text search arrives at mentors by id, so the wide rows (background,
-- search text) are read only for the page shown.
CREATE INDEX mentors_filter ON mentors (id, programme_id, listed, available, capacity, active_mentees, name, listed_at, languages);
CREATE INDEX mentors_by_name ON mentors (programme_id, listed, name, id);
CREATE INDEX mentors_by_listing ON mentors (programme_id, listed, listed_at, id);
ALTER TABLE mentors ADD COLUMN search_vec tsvector GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED;
CREATE INDEX mentors_search ON mentors USING GIN (search_vec);

CREATE TABLE mentor_terms (
    mentor_id  BIGINT NOT NULL REFERENCES mentors(id) ON DELETE CASCADE,
    term_id    BIGINT NOT NULL REFERENCES taxonomy_terms(id) ON DELETE CASCADE,
    PRIMARY KEY (mentor_id, term_id)
);
CREATE INDEX mentor_terms_term ON mentor_terms (term_id, mentor_id);

CREATE TABLE refresh_requests (
    id            BIGSERIAL PRIMARY KEY,
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    mentor_id     BIGINT NOT NULL REFERENCES mentors(id) ON DELETE CASCADE,
    year          INTEGER NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    asked_at      TIMESTAMPTZ NOT NULL,
    deadline      TIMESTAMPTZ NOT NULL,
    reminded_at   TIMESTAMPTZ,
    confirmed_at  TIMESTAMPTZ,
    lapsed_at     TIMESTAMPTZ,
    UNIQUE (mentor_id, year)
);
CREATE INDEX refresh_requests_open ON refresh_requests (programme_id, year, confirmed_at);
