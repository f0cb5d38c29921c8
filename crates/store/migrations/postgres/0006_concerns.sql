-- Concerns [000, 003]: who reported what about whom, who handles it (never the subject), its
-- steps and messages. What was written is sealed by the application. Kept side by side with the
-- other database's 0006_concerns.sql.

CREATE TABLE concerns (
    id               BIGSERIAL PRIMARY KEY,
    programme_id     BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    reporter_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- person, relationship or programme
    about_kind       TEXT NOT NULL,
    subject_id       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    relationship_id  BIGINT REFERENCES relationships(id) ON DELETE SET NULL,
    about_staff      BOOLEAN NOT NULL,
    pause_contact    BOOLEAN NOT NULL,
    to_chair         BOOLEAN NOT NULL,
    status           TEXT NOT NULL,
    -- What happened, sealed.
    body             TEXT NOT NULL,
    acknowledged_at  TIMESTAMPTZ,
    escalated_at     TIMESTAMPTZ,
    version          INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX concerns_programme ON concerns (programme_id, status);
CREATE INDEX concerns_reporter ON concerns (reporter_id);

CREATE TABLE concern_handlers (
    concern_id  BIGINT NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (concern_id, user_id)
);
CREATE INDEX concern_handlers_user ON concern_handlers (user_id);

-- A step (with its message to the reporter) or a handler's note (handlers only); sealed.
CREATE TABLE concern_messages (
    id           BIGSERIAL PRIMARY KEY,
    concern_id   BIGINT NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
    author_id    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- step or note
    kind         TEXT NOT NULL,
    status       TEXT,
    body         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX concern_messages_concern ON concern_messages (concern_id, id);

-- "Pause contact": the relationship is paused until a handler lifts it.
ALTER TABLE relationships ADD COLUMN paused_at TIMESTAMPTZ;
