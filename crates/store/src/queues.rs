//! What a programme's staff have to act on, gathered for one page: the queries the work queues
//! need beyond those of the flows themselves.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

/// A mentor asked to confirm the annual refresh who has not.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct UnconfirmedRefresh {
    pub mentor_user_id: i64,
    pub name: String,
    pub year: i32,
    pub asked_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    /// Unlisted because the deadline passed.
    pub lapsed_at: Option<DateTime<Utc>>,
}

pub async fn unconfirmed_refreshes(
    c: &impl ConnectionTrait,
    programme_id: i64,
) -> Result<Vec<UnconfirmedRefresh>> {
    sql::all(
        c,
        "SELECT m.user_id AS mentor_user_id, m.name, r.year, r.asked_at, r.deadline, r.lapsed_at \
         FROM refresh_requests r JOIN mentors m ON m.id = r.mentor_id \
         WHERE r.programme_id = $1 AND r.confirmed_at IS NULL \
           AND r.year = (SELECT MAX(year) FROM refresh_requests WHERE programme_id = $1) \
         ORDER BY r.deadline, m.name",
        vec![programme_id.into()],
    )
    .await
}

/// A relationship that is not closed, with when anything last happened in it.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Quiet {
    pub id: i64,
    pub model: String,
    pub phase: String,
    /// Contact is paused by the programme team (a concern).
    pub paused: bool,
    pub created_at: DateTime<Utc>,
    pub last_activity: DateTime<Utc>,
}

/// Relationships (not closed) with no log entry, meeting, agreement change, plan change or
/// phase change since `since`, quietest first. Dates and counts only, never content.
pub async fn quiet_relationships(
    c: &impl ConnectionTrait,
    programme_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<Quiet>> {
    let rows: Vec<Quiet> = sql::all(
        c,
        "SELECT r.id, r.model, r.phase, r.paused_at IS NOT NULL AS paused, r.created_at, \
           (SELECT MAX(t) FROM ( \
              SELECT r.updated_at AS t \
              UNION ALL SELECT MAX(l.created_at) FROM log_entries l WHERE l.relationship_id = r.id \
              UNION ALL SELECT MAX(m.updated_at) FROM meetings m WHERE m.relationship_id = r.id \
              UNION ALL SELECT MAX(v.updated_at) FROM agreement_versions v WHERE v.relationship_id = r.id \
              UNION ALL SELECT MAX(g.updated_at) FROM plan_goals g WHERE g.relationship_id = r.id \
           ) AS activity) AS last_activity \
         FROM relationships r WHERE r.programme_id = $1 AND r.phase <> 'closed'",
        vec![programme_id.into()],
    )
    .await?;
    let mut quiet: Vec<Quiet> = rows
        .into_iter()
        .filter(|q| q.last_activity < since)
        .collect();
    quiet.sort_by_key(|q| q.last_activity);
    Ok(quiet)
}
