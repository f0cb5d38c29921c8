-- In-app notifications, the CV a mentee attaches to a request, and the mentee's shortlist of
-- mentors picked from the directory. Kept side by side with sqlite/0004_notifications.sql.

CREATE TABLE notifications (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    programme_id  BIGINT REFERENCES programmes(id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    -- A path inside Trellis (/requests/12), or NULL.
    link          TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    read_at       TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- One optional PDF per request (up to 5 MB), shown to the mentee and the mentor holding it.
CREATE TABLE request_files (
    request_id    BIGINT PRIMARY KEY REFERENCES mentorship_requests(id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    bytes         BYTEA NOT NULL,
    uploaded_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE request_shortlist (
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    mentee_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (programme_id, mentee_id, mentor_id)
);

-- The mentee may share their request's words (and CV) with the programme's staff.
ALTER TABLE mentorship_requests ADD COLUMN shared_with_staff BOOLEAN NOT NULL DEFAULT FALSE;
