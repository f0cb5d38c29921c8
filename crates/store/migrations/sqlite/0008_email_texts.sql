-- A programme's own wording of its letters (subject, text, optional HTML with {placeholders}).
-- Kept side by side with the other database's 0008_email_texts.sql.

CREATE TABLE email_texts (
    programme_id  INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    template      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body_text     TEXT NOT NULL,
    body_html     TEXT,
    updated_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (programme_id, template)
);
