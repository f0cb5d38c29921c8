-- The relationship workspace: who is in each relationship (and when), the agreement's versions
-- and signatures, and the mentoring log. Text the members write is sealed (encrypted) by the
-- application before it gets here. Kept side by side with sqlite/0005_workspace.sql.

CREATE TABLE relationship_members (
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- mentor, mentee or peer
    role             TEXT NOT NULL,
    joined_at        TIMESTAMPTZ NOT NULL,
    left_at          TIMESTAMPTZ,
    PRIMARY KEY (relationship_id, user_id)
);
CREATE INDEX relationship_members_user ON relationship_members (user_id);
INSERT INTO relationship_members (relationship_id, user_id, role, joined_at)
    SELECT id, mentor_id, 'mentor', created_at FROM relationships;
INSERT INTO relationship_members (relationship_id, user_id, role, joined_at)
    SELECT id, mentee_id, 'mentee', created_at FROM relationships;

-- Who is in a relationship now lives in relationship_members (a group or a peer circle has
-- several members of each kind), so the pair columns of 0003 go.
ALTER TABLE relationships DROP COLUMN mentor_id;
ALTER TABLE relationships DROP COLUMN mentee_id;
CREATE INDEX relationships_programme ON relationships (programme_id, phase);

CREATE TABLE agreement_versions (
    id               BIGSERIAL PRIMARY KEY,
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL,
    -- trellis_domain::workspace::Agreement as JSON, sealed.
    body             TEXT NOT NULL,
    created_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (relationship_id, version)
);

CREATE TABLE agreement_signatures (
    version_id   BIGINT NOT NULL REFERENCES agreement_versions(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    typed_name   TEXT NOT NULL,
    signed_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (version_id, user_id)
);

CREATE TABLE log_entries (
    id               BIGSERIAL PRIMARY KEY,
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    author_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- trellis_domain::workspace::LogEntry as JSON, sealed.
    body             TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX log_entries_relationship ON log_entries (relationship_id, id);

-- Meetings: when and how in clear (calendars and staff dates need them); place, agenda and
-- outcomes sealed. uid and sequence are the iCalendar identity of the invitations.
CREATE TABLE meetings (
    id               BIGSERIAL PRIMARY KEY,
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    uid              TEXT NOT NULL UNIQUE,
    sequence         INTEGER NOT NULL DEFAULT 0,
    starts_at        TIMESTAMPTZ NOT NULL,
    ends_at          TIMESTAMPTZ NOT NULL,
    time_zone        TEXT NOT NULL,
    mode             TEXT NOT NULL,
    body             TEXT NOT NULL,
    cancelled_at     TIMESTAMPTZ,
    created_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_relationship ON meetings (relationship_id, starts_at);

-- Each member's calendar feed: only the token's hash is kept; revoking deletes the row.
CREATE TABLE calendar_feeds (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

-- An iCalendar attachment (an invitation) sent with a message.
ALTER TABLE outbox ADD COLUMN calendar TEXT;

-- The Personal Development Plan: one row per goal, sealed.
CREATE TABLE plan_goals (
    id               BIGSERIAL PRIMARY KEY,
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    body             TEXT NOT NULL,
    created_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_goals_relationship ON plan_goals (relationship_id, id);

-- Skill assessments [001], repeated over time by a member; sealed.
CREATE TABLE skill_assessments (
    id               BIGSERIAL PRIMARY KEY,
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    member_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body             TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX skill_assessments_relationship ON skill_assessments (relationship_id, member_id, id);

-- Each member's ticks on the checklist of mentee tasks [001].
CREATE TABLE checklist_ticks (
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item             TEXT NOT NULL,
    done_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (relationship_id, user_id, item)
);

-- How often a relationship's periodic evaluation is due [001, 002].
ALTER TABLE programmes ADD COLUMN evaluation_every_days INTEGER NOT NULL DEFAULT 60;

-- Evaluations: the ratings (1 to 5) in their own rows, so staff aggregates are plain SQL; the
-- words sealed.
CREATE TABLE evaluations (
    id               BIGSERIAL PRIMARY KEY,
    relationship_id  BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    member_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind             TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX evaluations_relationship ON evaluations (relationship_id, id);
CREATE TABLE evaluation_ratings (
    evaluation_id  BIGINT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    question       TEXT NOT NULL,
    rating         INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, question)
);
