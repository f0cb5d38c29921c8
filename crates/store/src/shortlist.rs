//! A mentee's shortlist: mentors picked from the directory while searching, from which the
//! request form takes its ranked choices.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Pick {
    pub mentor_id: i64,
    pub name: String,
    pub listed: bool,
    pub available: bool,
    pub free_places: i32,
}

/// Adds a mentor (idempotent).
pub async fn add(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
    mentor_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO request_shortlist (programme_id, mentee_id, mentor_id, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (programme_id, mentee_id, mentor_id) DO NOTHING",
        vec![programme_id.into(), mentee_id.into(), mentor_id.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn remove(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
    mentor_id: i64,
) -> Result<()> {
    sql::exec(
        c,
        "DELETE FROM request_shortlist WHERE programme_id = $1 AND mentee_id = $2 AND mentor_id = $3",
        vec![programme_id.into(), mentee_id.into(), mentor_id.into()],
    )
    .await?;
    Ok(())
}

/// Empties the shortlist (once a request is made from it).
pub async fn clear(c: &impl ConnectionTrait, programme_id: i64, mentee_id: i64) -> Result<()> {
    sql::exec(
        c,
        "DELETE FROM request_shortlist WHERE programme_id = $1 AND mentee_id = $2",
        vec![programme_id.into(), mentee_id.into()],
    )
    .await?;
    Ok(())
}

/// The shortlisted mentors in the order they were picked, with where they stand now.
pub async fn of(c: &impl ConnectionTrait, programme_id: i64, mentee_id: i64) -> Result<Vec<Pick>> {
    sql::all(
        c,
        "SELECT s.mentor_id, u.name, COALESCE(m.listed, FALSE) AS listed, COALESCE(m.available, FALSE) AS available, \
                COALESCE(m.capacity - m.active_mentees, 0) AS free_places \
         FROM request_shortlist s JOIN users u ON u.id = s.mentor_id \
         LEFT JOIN mentors m ON m.programme_id = s.programme_id AND m.user_id = s.mentor_id \
         WHERE s.programme_id = $1 AND s.mentee_id = $2 ORDER BY s.added_at, s.mentor_id",
        vec![programme_id.into(), mentee_id.into()],
    )
    .await
}
