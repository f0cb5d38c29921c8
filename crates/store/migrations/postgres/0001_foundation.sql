-- Foundation: accounts, sessions, tokens, programmes, roles, member lists, audit, jobs, outbox.
-- Kept side by side with sqlite/0001_foundation.sql: same tables, same columns, same names.

CREATE TABLE users (
    id                 BIGSERIAL PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    email_verified_at  TIMESTAMPTZ,
    is_admin           BOOLEAN NOT NULL DEFAULT FALSE,
    pronouns           TEXT,
    organisation       TEXT,
    title              TEXT,
    career_stage       TEXT,
    location           TEXT,
    time_zone          TEXT,
    languages          TEXT NOT NULL DEFAULT '',
    background         TEXT,
    interests          TEXT,
    channels           TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE email_tokens (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sign_in_failures (
    id       BIGSERIAL PRIMARY KEY,
    email    TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

CREATE TABLE programmes (
    id                            BIGSERIAL PRIMARY KEY,
    slug                          TEXT NOT NULL UNIQUE,
    name                          TEXT NOT NULL,
    description                   TEXT,
    model                         TEXT NOT NULL,
    membership                    TEXT NOT NULL,
    review_mentors                BOOLEAN NOT NULL,
    mentor_member_types           TEXT NOT NULL DEFAULT '',
    choices_per_request           INTEGER NOT NULL,
    reply_window_days             INTEGER NOT NULL,
    application_target_days       INTEGER NOT NULL,
    concern_ack_days              INTEGER NOT NULL,
    refresh_month                 INTEGER NOT NULL,
    refresh_grace_days            INTEGER NOT NULL,
    meeting_minutes_min           INTEGER NOT NULL,
    meeting_minutes_max           INTEGER NOT NULL,
    default_mentor_capacity       INTEGER NOT NULL,
    max_relationships_per_member  INTEGER NOT NULL,
    created_at                    TIMESTAMPTZ NOT NULL,
    updated_at                    TIMESTAMPTZ NOT NULL
);

CREATE TABLE programme_members (
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (programme_id, user_id)
);
CREATE INDEX programme_members_user ON programme_members (user_id);

CREATE TABLE staff_roles (
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role          TEXT NOT NULL,
    granted_at    TIMESTAMPTZ NOT NULL,
    granted_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (programme_id, user_id, role)
);
CREATE INDEX staff_roles_user ON staff_roles (user_id);

CREATE TABLE member_list (
    programme_id   BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    member_number  TEXT,
    name           TEXT NOT NULL,
    member_type    TEXT,
    imported_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (programme_id, email)
);

CREATE TABLE audit_log (
    id            BIGSERIAL PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL,
    actor_id      BIGINT,
    programme_id  BIGINT,
    action        TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    BIGINT,
    summary       TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_programme ON audit_log (programme_id, at);

CREATE TABLE jobs (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    key           TEXT NOT NULL UNIQUE,
    payload       TEXT NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    locked_by     TEXT,
    locked_until  TIMESTAMPTZ,
    last_error    TEXT,
    done_at       TIMESTAMPTZ,
    failed_at     TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE done_at IS NULL AND failed_at IS NULL;

CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    message_id  TEXT NOT NULL UNIQUE,
    to_email    TEXT NOT NULL,
    to_name     TEXT NOT NULL,
    template    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    text_body   TEXT NOT NULL,
    html_body   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ
);
