-- Outgoing webhooks and members' notification settings. Kept side by side with the other
-- database's 0007_staff_tools.sql.

CREATE TABLE webhooks (
    id            BIGSERIAL PRIMARY KEY,
    programme_id  BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    url           TEXT NOT NULL,
    -- The signing secret, sealed.
    secret        TEXT NOT NULL,
    -- Event names separated by spaces.
    events        TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    created_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhooks_programme ON webhooks (programme_id);

-- One event to one webhook: its body (ids and states only), and how its delivery went.
CREATE TABLE webhook_deliveries (
    id            BIGSERIAL PRIMARY KEY,
    webhook_id    BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event         TEXT NOT NULL,
    body          TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER,
    last_error    TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ,
    delivered_at  TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

-- Which emails a member gets, by kind: each one (default), a weekly digest instead, or none.
-- Letters that must always go out ignore it.
CREATE TABLE notification_settings (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    -- trellis_domain::notify::Choices as JSON: {category: "each" | "digest" | "off"}.
    choices     TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
-- Letters held for the weekly digest.
CREATE TABLE digest_items (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    link        TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX digest_items_user ON digest_items (user_id, id);
