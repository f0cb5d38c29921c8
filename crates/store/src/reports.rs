//! The rows behind a programme's dashboard and reports: dates, states, counts and ratings, never
//! what members wrote. `cohort` is an intake window (the first instant of a year and of the
//! next): it keeps the requests and relationships that began in it.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;

pub type Window = (DateTime<Utc>, DateTime<Utc>);

/// A window around all of a programme's life, written the same way by both databases.
const EVER: Window = (
    DateTime::from_timestamp_nanos(0),
    DateTime::from_timestamp_nanos(i64::MAX),
);

#[derive(Debug, FromQueryResult)]
struct At {
    at: DateTime<Utc>,
}

/// When each mentor application of the period was submitted.
pub async fn application_times(
    c: &impl ConnectionTrait,
    programme_id: i64,
    period: Window,
) -> Result<Vec<DateTime<Utc>>> {
    let rows: Vec<At> = sql::all(
        c,
        "SELECT submitted_at AS at FROM mentor_applications \
         WHERE programme_id = $1 AND submitted_at >= $2 AND submitted_at < $3",
        vec![programme_id.into(), period.0.into(), period.1.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.at).collect())
}

/// A request's start and its cascade (JSON): who was offered it, in what rank, and how it ended.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RequestRow {
    pub created_at: DateTime<Utc>,
    pub cascade: String,
}

/// The requests made in the period (and the cohort).
pub async fn requests(
    c: &impl ConnectionTrait,
    programme_id: i64,
    period: Window,
    cohort: Option<Window>,
) -> Result<Vec<RequestRow>> {
    let (from, to) = narrow(period, cohort);
    sql::all(
        c,
        "SELECT created_at, cascade FROM mentorship_requests \
         WHERE programme_id = $1 AND created_at >= $2 AND created_at < $3",
        vec![programme_id.into(), from.into(), to.into()],
    )
    .await
}

/// The overlap of the period and the cohort (possibly empty).
fn narrow(period: Window, cohort: Option<Window>) -> Window {
    match cohort {
        None => period,
        Some((a, b)) => (period.0.max(a), period.1.min(b).max(period.0.max(a))),
    }
}

/// How many relationships are in one model and phase.
#[derive(Debug, Clone, FromQueryResult, Serialize, PartialEq, Eq)]
pub struct PhaseCount {
    pub model: String,
    pub phase: String,
    pub n: i64,
}

/// Relationships begun before the end of the period (and in the cohort), by model and current
/// phase.
pub async fn relationships_by_phase(
    c: &impl ConnectionTrait,
    programme_id: i64,
    period_end: DateTime<Utc>,
    cohort: Option<Window>,
) -> Result<Vec<PhaseCount>> {
    let (from, to) = cohort.unwrap_or((EVER.0, period_end));
    sql::all(
        c,
        "SELECT model, phase, COUNT(*) AS n FROM relationships \
         WHERE programme_id = $1 AND created_at >= $2 AND created_at < $3 AND created_at < $4 \
         GROUP BY model, phase ORDER BY model, phase",
        vec![
            programme_id.into(),
            from.into(),
            to.into(),
            period_end.into(),
        ],
    )
    .await
}

/// The listed mentors' places: how many there are and how many are taken.
#[derive(Debug, Clone, Default, FromQueryResult, Serialize, PartialEq, Eq)]
pub struct Capacity {
    pub mentors: i64,
    pub places: i64,
    pub taken: i64,
    /// Mentors with every place taken.
    pub full: i64,
    /// Mentors with no mentee.
    pub idle: i64,
}

pub async fn capacity(c: &impl ConnectionTrait, programme_id: i64) -> Result<Capacity> {
    Ok(sql::one(
        c,
        "SELECT COUNT(*) AS mentors, COALESCE(SUM(capacity), 0) AS places, \
           COALESCE(SUM(CASE WHEN active_mentees > capacity THEN capacity ELSE active_mentees END), 0) AS taken, \
           COALESCE(SUM(CASE WHEN active_mentees >= capacity THEN 1 ELSE 0 END), 0) AS full, \
           COALESCE(SUM(CASE WHEN active_mentees = 0 THEN 1 ELSE 0 END), 0) AS idle \
         FROM mentors WHERE programme_id = $1 AND listed",
        vec![programme_id.into()],
    )
    .await?
    .unwrap_or_default())
}

/// One rating of an evaluation.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RatingRow {
    pub at: DateTime<Utc>,
    pub question: String,
    pub rating: i64,
}

/// The ratings given in the period (for relationships of the cohort).
pub async fn ratings(
    c: &impl ConnectionTrait,
    programme_id: i64,
    period: Window,
    cohort: Option<Window>,
) -> Result<Vec<RatingRow>> {
    let (cf, ct) = cohort.unwrap_or(EVER);
    sql::all(
        c,
        "SELECT e.created_at AS at, x.question, CAST(x.rating AS BIGINT) AS rating \
         FROM evaluation_ratings x JOIN evaluations e ON e.id = x.evaluation_id \
         JOIN relationships r ON r.id = e.relationship_id \
         WHERE r.programme_id = $1 AND e.created_at >= $2 AND e.created_at < $3 \
           AND r.created_at >= $4 AND r.created_at < $5",
        vec![
            programme_id.into(),
            period.0.into(),
            period.1.into(),
            cf.into(),
            ct.into(),
        ],
    )
    .await
}

/// A relationship as the relationships report lists it: dates, states and who is in it.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct RelationshipLine {
    pub id: i64,
    pub model: String,
    pub phase: String,
    pub request_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub paused_at: Option<DateTime<Utc>>,
}

/// A page of the programme's relationships (in the cohort), after `after_id`.
pub async fn relationships_after(
    c: &impl ConnectionTrait,
    programme_id: i64,
    cohort: Option<Window>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<RelationshipLine>> {
    let (cf, ct) = cohort.unwrap_or(EVER);
    sql::all(
        c,
        "SELECT id, model, phase, request_id, created_at, updated_at, paused_at FROM relationships \
         WHERE programme_id = $1 AND id > $2 AND created_at >= $3 AND created_at < $4 \
         ORDER BY id LIMIT $5",
        vec![
            programme_id.into(),
            after_id.into(),
            cf.into(),
            ct.into(),
            limit.into(),
        ],
    )
    .await
}

/// Who is (or was) in a relationship, by relationship.
#[derive(Debug, Clone, FromQueryResult)]
pub struct MemberLine {
    pub relationship_id: i64,
    pub name: String,
    pub role: String,
    pub left_at: Option<DateTime<Utc>>,
}

/// The members of the relationships with these ids, in one query.
pub async fn members_of(c: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<MemberLine>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let values: Vec<Value> = ids.iter().map(|&i| i.into()).collect();
    sql::all(
        c,
        &format!(
            "SELECT m.relationship_id, u.name, m.role, m.left_at FROM relationship_members m \
             JOIN users u ON u.id = m.user_id WHERE m.relationship_id IN ({}) \
             ORDER BY m.relationship_id, m.role, u.name",
            marks.join(", ")
        ),
        values,
    )
    .await
}
