-- SQLite: timestamps are RFC 3339 UTC text.
-- Mentorship requests, the allocation cascade, and the relationships it creates.
-- Kept side by side with postgres/0003_requests.sql.

CREATE TABLE mentorship_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id  INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    mentee_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The mentee's words (goals, background, SWOT …): shown to the mentee and the mentor
    -- holding the offer, never to staff.
    details       TEXT NOT NULL,
    -- trellis_domain::request::Cascade as JSON; status, holder and due date copied out for queries.
    cascade       TEXT NOT NULL,
    status        TEXT NOT NULL,
    holder_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due_at        TEXT,
    -- Every change bumps the version; a change based on an older version loses (409).
    version       INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    -- 'programme_id:mentee_id' while open: one open request per member per programme.
    open_key      TEXT UNIQUE
);
CREATE INDEX requests_holder ON mentorship_requests (holder_id, status);
CREATE INDEX requests_queue ON mentorship_requests (programme_id, status, due_at);
CREATE INDEX requests_mentee ON mentorship_requests (mentee_id);

CREATE TABLE request_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id  INTEGER NOT NULL REFERENCES mentorship_requests(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    mentor_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    detail      TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE relationships (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id  INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    request_id    INTEGER UNIQUE REFERENCES mentorship_requests(id) ON DELETE SET NULL,
    mentor_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentee_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    model         TEXT NOT NULL,
    phase         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX relationships_mentor ON relationships (mentor_id);
CREATE INDEX relationships_mentee ON relationships (mentee_id);
