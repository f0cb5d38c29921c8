-- Cohort matching rounds: staff pick mentees and mentors, weights and constraints; the matcher
-- proposes pairs (with their scores and explanations); staff pin or forbid pairs and run again,
-- then publish. Kept side by side with the other database's 0009_matching_rounds.sql.

CREATE TABLE matching_rounds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id  INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    mode          TEXT NOT NULL,
    -- JSON: the weights and the hard constraints.
    settings      TEXT NOT NULL,
    -- JSON: the figures of the last run.
    summary       TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    published_at  TEXT
);
CREATE INDEX matching_rounds_programme ON matching_rounds (programme_id, id);

-- Who is in a round: side is mentee or mentor.
CREATE TABLE matching_round_people (
    round_id  INTEGER NOT NULL REFERENCES matching_rounds(id) ON DELETE CASCADE,
    side      TEXT NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, side, user_id)
);

-- Pairs staff pinned (the mentee gets this mentor if at all possible) or forbade.
CREATE TABLE matching_round_rules (
    round_id   INTEGER NOT NULL REFERENCES matching_rounds(id) ON DELETE CASCADE,
    mentee_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    PRIMARY KEY (round_id, mentee_id, mentor_id)
);

-- The last run's proposal: one row per mentee.
CREATE TABLE matching_round_pairs (
    round_id         INTEGER NOT NULL REFERENCES matching_rounds(id) ON DELETE CASCADE,
    mentee_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id        INTEGER REFERENCES users(id) ON DELETE CASCADE,
    score            REAL,
    seat_price       REAL,
    -- JSON: the score's parts and the explanations.
    detail           TEXT NOT NULL,
    unmatched        TEXT,
    relationship_id  INTEGER REFERENCES relationships(id) ON DELETE SET NULL,
    -- Published as an offer: the request made for the mentee.
    request_id       INTEGER REFERENCES mentorship_requests(id) ON DELETE SET NULL,
    PRIMARY KEY (round_id, mentee_id)
);
