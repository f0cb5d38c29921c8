-- Mentorship requests, the allocation cascade, and the relationships it creates.
-- Kept side by side with sqlite/0003_requests.sql.

CREATE TABLE mentorship_requests (
    id            BIGSERIAL PRIMARY KEY,
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    mentee_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The mentee's words (goals, background, SWOT …): shown to the mentee and the mentor
    -- holding the offer, never to staff.
    details       TEXT NOT NULL,
    -- trellis_domain::request::Cascade as JSON; status, holder and due date copied out for queries.
    cascade       TEXT NOT NULL,
    status        TEXT NOT NULL,
    holder_id     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    due_at        TIMESTAMPTZ,
    -- Every change bumps the version; a change based on an older version loses (409).
    version       INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    -- 'programme_id:mentee_id' while open: one open request per member per programme.
    open_key      TEXT UNIQUE
);
CREATE INDEX requests_holder ON mentorship_requests (holder_id, status);
CREATE INDEX requests_queue ON mentorship_requests (programme_id, status, due_at);
CREATE INDEX requests_mentee ON mentorship_requests (mentee_id);

CREATE TABLE request_events (
    id          BIGSERIAL PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES mentorship_requests(id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    kind        TEXT NOT NULL,
    mentor_id   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    detail      TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE relationships (
    id            BIGSERIAL PRIMARY KEY,
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    request_id    BIGINT UNIQUE REFERENCES mentorship_requests(id) ON DELETE SET NULL,
    mentor_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentee_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    model         TEXT NOT NULL,
    phase         TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX relationships_mentor ON relationships (mentor_id);
CREATE INDEX relationships_mentee ON relationships (mentee_id);
