//! Cohort matching rounds: the round, who is in it, staff's pinned and forbidden pairs, and the
//! last run's proposal.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use trellis_domain::cohort::{RoundStatus, RuleKind};

#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub programme_id: i64,
    pub name: String,
    pub mode: String,
    /// JSON: weights and constraints.
    #[serde(skip)]
    pub settings: String,
    /// JSON: the last run's figures.
    #[serde(skip)]
    pub summary: String,
    /// proposed or published
    pub status: RoundStatus,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl sea_orm::FromQueryResult for Round {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            programme_id: r.try_get(pre, "programme_id")?,
            name: r.try_get(pre, "name")?,
            mode: r.try_get(pre, "mode")?,
            settings: r.try_get(pre, "settings")?,
            summary: r.try_get(pre, "summary")?,
            status: sql::named(r, pre, "status")?,
            created_at: r.try_get(pre, "created_at")?,
            published_at: r.try_get(pre, "published_at")?,
        })
    }
}

const COLUMNS: &str =
    "id, programme_id, name, mode, settings, summary, status, created_at, published_at";

pub async fn create(
    c: &impl ConnectionTrait,
    programme_id: i64,
    name: &str,
    mode: &str,
    settings: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO matching_rounds (programme_id, name, mode, settings, summary, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, '{}', 'proposed', $5, $6) RETURNING id",
        vec![
            programme_id.into(),
            name.into(),
            mode.into(),
            settings.into(),
            by.into(),
            now.into(),
        ],
    )
    .await
}

pub async fn get(c: &impl ConnectionTrait, id: i64) -> Result<Option<Round>> {
    sql::one(
        c,
        &format!("SELECT {COLUMNS} FROM matching_rounds WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

pub async fn of_programme(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<Round>> {
    sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM matching_rounds WHERE programme_id = $1 ORDER BY id DESC"),
        vec![programme_id.into()],
    )
    .await
}

pub async fn add_person(
    c: &impl ConnectionTrait,
    round: i64,
    side: &str,
    user_id: i64,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO matching_round_people (round_id, side, user_id) VALUES ($1, $2, $3) \
         ON CONFLICT (round_id, side, user_id) DO NOTHING",
        vec![round.into(), side.into(), user_id.into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct UserId {
    user_id: i64,
}

/// The round's mentees or mentors (user ids), in order.
pub async fn people(c: &impl ConnectionTrait, round: i64, side: &str) -> Result<Vec<i64>> {
    let rows: Vec<UserId> = sql::all(
        c,
        "SELECT user_id FROM matching_round_people WHERE round_id = $1 AND side = $2 ORDER BY user_id",
        vec![round.into(), side.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub mentee_id: i64,
    pub mentor_id: i64,
    /// pin or forbid
    pub kind: RuleKind,
}

impl sea_orm::FromQueryResult for Rule {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            mentee_id: r.try_get(pre, "mentee_id")?,
            mentor_id: r.try_get(pre, "mentor_id")?,
            kind: sql::named(r, pre, "kind")?,
        })
    }
}

/// Pins or forbids a pair, replacing what was said about it before.
pub async fn set_rule(
    c: &impl ConnectionTrait,
    round: i64,
    mentee_id: i64,
    mentor_id: i64,
    kind: &str,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO matching_round_rules (round_id, mentee_id, mentor_id, kind) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (round_id, mentee_id, mentor_id) DO UPDATE SET kind = excluded.kind",
        vec![round.into(), mentee_id.into(), mentor_id.into(), kind.into()],
    )
    .await?;
    Ok(())
}

/// Takes back what staff said about a pair; `false` when nothing was said.
pub async fn clear_rule(
    c: &impl ConnectionTrait,
    round: i64,
    mentee_id: i64,
    mentor_id: i64,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "DELETE FROM matching_round_rules WHERE round_id = $1 AND mentee_id = $2 AND mentor_id = $3",
        vec![round.into(), mentee_id.into(), mentor_id.into()],
    )
    .await?;
    Ok(n > 0)
}

pub async fn rules(c: &impl ConnectionTrait, round: i64) -> Result<Vec<Rule>> {
    sql::all(
        c,
        "SELECT mentee_id, mentor_id, kind FROM matching_round_rules WHERE round_id = $1 ORDER BY mentee_id, mentor_id",
        vec![round.into()],
    )
    .await
}

/// One mentee's line of a proposal.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Pair {
    pub mentee_id: i64,
    pub mentee_name: String,
    pub mentor_id: Option<i64>,
    pub mentor_name: Option<String>,
    pub score: Option<f64>,
    pub seat_price: Option<f64>,
    /// JSON: the score's parts and the explanations.
    #[serde(skip)]
    pub detail: String,
    /// no_allowed_mentor or capacity
    pub unmatched: Option<String>,
    pub relationship_id: Option<i64>,
    pub request_id: Option<i64>,
}

/// What a run writes for one mentee.
pub struct NewPair<'a> {
    pub mentee_id: i64,
    pub mentor_id: Option<i64>,
    pub score: Option<f64>,
    pub seat_price: Option<f64>,
    pub detail: &'a str,
    pub unmatched: Option<&'a str>,
}

/// Replaces the proposal and the run's figures.
pub async fn replace_proposal(
    c: &impl ConnectionTrait,
    round: i64,
    pairs: &[NewPair<'_>],
    summary: &str,
) -> Result<()> {
    sql::exec(
        c,
        "DELETE FROM matching_round_pairs WHERE round_id = $1",
        vec![round.into()],
    )
    .await?;
    for p in pairs {
        sql::exec(
            c,
            "INSERT INTO matching_round_pairs (round_id, mentee_id, mentor_id, score, seat_price, detail, unmatched) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![
                round.into(),
                p.mentee_id.into(),
                p.mentor_id.into(),
                p.score.into(),
                p.seat_price.into(),
                p.detail.into(),
                p.unmatched.into(),
            ],
        )
        .await?;
    }
    sql::exec(
        c,
        "UPDATE matching_rounds SET summary = $2 WHERE id = $1",
        vec![round.into(), summary.into()],
    )
    .await?;
    Ok(())
}

pub async fn proposal(c: &impl ConnectionTrait, round: i64) -> Result<Vec<Pair>> {
    sql::all(
        c,
        "SELECT p.mentee_id, e.name AS mentee_name, p.mentor_id, m.name AS mentor_name, p.score, p.seat_price, \
         p.detail, p.unmatched, p.relationship_id, p.request_id \
         FROM matching_round_pairs p JOIN users e ON e.id = p.mentee_id LEFT JOIN users m ON m.id = p.mentor_id \
         WHERE p.round_id = $1 ORDER BY e.name, p.mentee_id",
        vec![round.into()],
    )
    .await
}

/// Marks the round published; false when it already was (a second publish loses).
pub async fn mark_published(
    c: &impl ConnectionTrait,
    round: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(sql::exec(
        c,
        "UPDATE matching_rounds SET status = 'published', published_at = $2 WHERE id = $1 AND status = 'proposed'",
        vec![round.into(), now.into()],
    )
    .await?
        == 1)
}

pub async fn set_relationship(
    c: &impl ConnectionTrait,
    round: i64,
    mentee_id: i64,
    relationship_id: i64,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE matching_round_pairs SET relationship_id = $3 WHERE round_id = $1 AND mentee_id = $2",
        vec![round.into(), mentee_id.into(), relationship_id.into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct Shortlisted {
    mentee_id: i64,
    mentor_id: i64,
}

/// Every (mentee, mentor) shortlisted in the programme, as user ids.
pub async fn shortlists(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<(i64, i64)>> {
    let rows: Vec<Shortlisted> = sql::all(
        c,
        "SELECT mentee_id, mentor_id FROM request_shortlist WHERE programme_id = $1",
        vec![programme_id.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.mentee_id, r.mentor_id))
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct Named {
    id: i64,
    name: String,
}

/// Users' names by id, in name order.
pub async fn names(c: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let rows: Vec<Named> = sql::all(
            c,
            &format!(
                "SELECT id, name FROM users WHERE id IN ({})",
                marks.join(", ")
            ),
            chunk.iter().map(|&i| i.into()).collect(),
        )
        .await?;
        out.extend(rows.into_iter().map(|r| (r.id, r.name)));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

pub async fn set_request(
    c: &impl ConnectionTrait,
    round: i64,
    mentee_id: i64,
    request_id: i64,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE matching_round_pairs SET request_id = $3 WHERE round_id = $1 AND mentee_id = $2",
        vec![round.into(), mentee_id.into(), request_id.into()],
    )
    .await?;
    Ok(())
}

/// A member of a round's default cohort, as staff see them before the run.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct CohortMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// The members of a programme who could ask for a mentor now, by name: members who hold no
/// staff role there and are not administrators, are not mentors there and have no mentor
/// application under review, have no open request, and are in fewer than `max_open` open
/// relationships as a mentee.
pub async fn default_cohort(
    c: &impl ConnectionTrait,
    programme_id: i64,
    max_open: i64,
) -> Result<Vec<CohortMember>> {
    sql::all(
        c,
        "SELECT u.id AS user_id, u.name, u.email FROM programme_members pm JOIN users u ON u.id = pm.user_id \
         WHERE pm.programme_id = $1 AND NOT u.is_admin \
           AND NOT EXISTS (SELECT 1 FROM staff_roles s WHERE s.programme_id = pm.programme_id AND s.user_id = pm.user_id) \
           AND NOT EXISTS (SELECT 1 FROM mentors m WHERE m.programme_id = pm.programme_id AND m.user_id = pm.user_id) \
           AND NOT EXISTS (SELECT 1 FROM mentor_applications a WHERE a.programme_id = pm.programme_id AND a.user_id = pm.user_id AND a.open_key IS NOT NULL) \
           AND NOT EXISTS (SELECT 1 FROM mentorship_requests r WHERE r.programme_id = pm.programme_id AND r.mentee_id = pm.user_id AND r.open_key IS NOT NULL) \
           AND (SELECT COUNT(*) FROM relationships rel JOIN relationship_members rm ON rm.relationship_id = rel.id \
                WHERE rel.programme_id = pm.programme_id AND rm.user_id = pm.user_id AND rm.role = 'mentee' \
                  AND rm.left_at IS NULL AND rel.phase <> 'closed') < $2 \
         ORDER BY u.name, u.id",
        vec![programme_id.into(), max_open.into()],
    )
    .await
}
