//! The relationship workspace's tables: members, phase, agreement versions and signatures, the
//! mentoring log. Bodies arrive sealed (see [`crate::sealed`]); this module never sees them in
//! clear.

use crate::Result;
use crate::sql::{self, Count, duplicate};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use trellis_domain::evaluation::Kind as EvaluationKind;
use trellis_domain::programme::Model;
use trellis_domain::workspace::{Phase, Role};

/// A mentoring relationship: its members are in `relationship_members`.
#[derive(Debug, Clone, Serialize)]
pub struct Relationship {
    pub id: i64,
    pub programme_id: i64,
    /// The request it came from, if any.
    pub request_id: Option<i64>,
    /// traditional, group or peer
    pub model: Model,
    pub phase: Phase,
    pub created_at: DateTime<Utc>,
    /// Contact paused by a concern's handlers until they lift it.
    pub paused_at: Option<DateTime<Utc>>,
}

impl sea_orm::FromQueryResult for Relationship {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            programme_id: r.try_get(pre, "programme_id")?,
            request_id: r.try_get(pre, "request_id")?,
            model: sql::named(r, pre, "model")?,
            phase: sql::named(r, pre, "phase")?,
            created_at: r.try_get(pre, "created_at")?,
            paused_at: r.try_get(pre, "paused_at")?,
        })
    }
}

const RELATIONSHIP_COLUMNS: &str =
    "id, programme_id, request_id, model, phase, created_at, paused_at";

pub async fn relationship(c: &impl ConnectionTrait, id: i64) -> Result<Option<Relationship>> {
    sql::one(
        c,
        &format!("SELECT {RELATIONSHIP_COLUMNS} FROM relationships WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

/// The relationship an accepted request created.
pub async fn relationship_for_request(
    c: &impl ConnectionTrait,
    request_id: i64,
) -> Result<Option<Relationship>> {
    sql::one(
        c,
        &format!("SELECT {RELATIONSHIP_COLUMNS} FROM relationships WHERE request_id = $1"),
        vec![request_id.into()],
    )
    .await
}

/// A new relationship in its first phase (preparing); add its members next.
pub async fn create_relationship(
    c: &impl ConnectionTrait,
    programme_id: i64,
    request_id: Option<i64>,
    model: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO relationships (programme_id, request_id, model, phase, created_at, updated_at) \
         VALUES ($1, $2, $3, 'preparing', $4, $4) RETURNING id",
        vec![programme_id.into(), request_id.into(), model.into(), now.into()],
    )
    .await
}

/// A member leaves: they keep reading what was written while they were a member.
pub async fn leave(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(sql::exec(
        c,
        "UPDATE relationship_members SET left_at = $3 WHERE relationship_id = $1 AND user_id = $2 AND left_at IS NULL",
        vec![relationship_id.into(), user_id.into(), now.into()],
    )
    .await?
        == 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub time_zone: Option<String>,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

impl sea_orm::FromQueryResult for MemberRow {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            user_id: r.try_get(pre, "user_id")?,
            name: r.try_get(pre, "name")?,
            email: r.try_get(pre, "email")?,
            role: sql::named(r, pre, "role")?,
            time_zone: r.try_get(pre, "time_zone")?,
            joined_at: r.try_get(pre, "joined_at")?,
            left_at: r.try_get(pre, "left_at")?,
        })
    }
}

/// Everyone who is or was in the relationship, current members first.
pub async fn members(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<MemberRow>> {
    sql::all(
        c,
        "SELECT m.user_id, u.name, u.email, m.role, u.time_zone, m.joined_at, m.left_at \
         FROM relationship_members m JOIN users u ON u.id = m.user_id \
         WHERE m.relationship_id = $1 ORDER BY m.left_at IS NOT NULL, m.joined_at, m.user_id",
        vec![relationship_id.into()],
    )
    .await
}

pub async fn add_member(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    user_id: i64,
    role: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO relationship_members (relationship_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
        vec![relationship_id.into(), user_id.into(), role.into(), now.into()],
    )
    .await
    .map_err(duplicate("user_id"))?;
    Ok(())
}

/// Moves the phase if it is still `from` (of two moves at once, one wins).
pub async fn set_phase(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE relationships SET phase = $3, updated_at = $4 WHERE id = $1 AND phase = $2",
        vec![relationship_id.into(), from.into(), to.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct VersionRow {
    pub id: i64,
    pub version: i32,
    /// Sealed.
    pub body: String,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every version of the agreement, oldest first.
pub async fn agreement_versions(
    c: &impl ConnectionTrait,
    relationship_id: i64,
) -> Result<Vec<VersionRow>> {
    sql::all(
        c,
        "SELECT v.id, v.version, v.body, v.created_by, u.name AS created_by_name, v.created_at, v.updated_at \
         FROM agreement_versions v LEFT JOIN users u ON u.id = v.created_by \
         WHERE v.relationship_id = $1 ORDER BY v.version",
        vec![relationship_id.into()],
    )
    .await
}

/// Adds version `version`; another version with that number (a change made at the same
/// moment) is `Duplicate { field: "version" }`.
pub async fn add_agreement_version(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    version: i32,
    sealed: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO agreement_versions (relationship_id, version, body, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        vec![relationship_id.into(), version.into(), sealed.into(), by.into(), now.into()],
    )
    .await
    .map_err(duplicate("version"))
}

/// Rewrites a version nobody has signed yet; `false` when it has a signature.
pub async fn update_unsigned_version(
    c: &impl ConnectionTrait,
    version_id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE agreement_versions SET body = $2, updated_at = $3 WHERE id = $1 \
         AND NOT EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.version_id = $1)",
        vec![version_id.into(), sealed.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct SignatureRow {
    pub version_id: i64,
    pub user_id: i64,
    pub name: String,
    pub typed_name: String,
    pub signed_at: DateTime<Utc>,
}

pub async fn signatures(
    c: &impl ConnectionTrait,
    relationship_id: i64,
) -> Result<Vec<SignatureRow>> {
    sql::all(
        c,
        "SELECT s.version_id, s.user_id, u.name, s.typed_name, s.signed_at FROM agreement_signatures s \
         JOIN agreement_versions v ON v.id = s.version_id JOIN users u ON u.id = s.user_id \
         WHERE v.relationship_id = $1 ORDER BY s.signed_at, s.user_id",
        vec![relationship_id.into()],
    )
    .await
}

/// Signs a version; signing twice is `Duplicate { field: "signature" }`.
pub async fn sign(
    c: &impl ConnectionTrait,
    version_id: i64,
    user_id: i64,
    typed_name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO agreement_signatures (version_id, user_id, typed_name, signed_at) VALUES ($1, $2, $3, $4)",
        vec![version_id.into(), user_id.into(), typed_name.into(), now.into()],
    )
    .await
    .map_err(duplicate("signature"))?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct LogRow {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Sealed.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn log_entries(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<LogRow>> {
    sql::all(
        c,
        "SELECT l.id, l.author_id, u.name AS author_name, l.body, l.created_at FROM log_entries l \
         LEFT JOIN users u ON u.id = l.author_id WHERE l.relationship_id = $1 ORDER BY l.id",
        vec![relationship_id.into()],
    )
    .await
}

pub async fn add_log_entry(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    author_id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO log_entries (relationship_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        vec![relationship_id.into(), author_id.into(), sealed.into(), now.into()],
    )
    .await
}

/// How much the workspace holds, for staff (counts, never content).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub agreement_versions: i64,
    pub log_entries: i64,
    pub meetings: i64,
    pub plan_goals: i64,
    pub skill_assessments: i64,
}

pub async fn counts(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Counts> {
    let n = |table: &'static str| async move {
        let row: Option<Count> = sql::one(
            c,
            &format!("SELECT COUNT(*) AS n FROM {table} WHERE relationship_id = $1"),
            vec![relationship_id.into()],
        )
        .await?;
        Ok::<i64, crate::StoreError>(row.map_or(0, |r| r.n))
    };
    Ok(Counts {
        agreement_versions: n("agreement_versions").await?,
        log_entries: n("log_entries").await?,
        meetings: n("meetings").await?,
        plan_goals: n("plan_goals").await?,
        skill_assessments: n("skill_assessments").await?,
    })
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct MeetingRow {
    pub id: i64,
    pub relationship_id: i64,
    pub uid: String,
    pub sequence: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub mode: String,
    /// Sealed place, agenda and outcomes.
    pub body: String,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const MEETING_COLUMNS: &str = "m.id, m.relationship_id, m.uid, m.sequence, m.starts_at, m.ends_at, m.time_zone, m.mode, m.body, \
     m.cancelled_at, m.created_by, m.created_at, m.updated_at";

/// When and how a meeting takes place (in clear).
pub struct When<'a> {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: &'a str,
    pub mode: &'a str,
}

pub async fn add_meeting(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    uid: &str,
    when: &When<'_>,
    sealed: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO meetings (relationship_id, uid, sequence, starts_at, ends_at, time_zone, mode, body, created_by, created_at, updated_at) \
         VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        vec![
            relationship_id.into(),
            uid.into(),
            when.starts_at.into(),
            when.ends_at.into(),
            when.time_zone.into(),
            when.mode.into(),
            sealed.into(),
            by.into(),
            now.into(),
        ],
    )
    .await
}

/// The relationship's meetings, by start.
pub async fn meetings(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<MeetingRow>> {
    sql::all(
        c,
        &format!("SELECT {MEETING_COLUMNS} FROM meetings m WHERE m.relationship_id = $1 ORDER BY m.starts_at, m.id"),
        vec![relationship_id.into()],
    )
    .await
}

pub async fn meeting(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    id: i64,
) -> Result<Option<MeetingRow>> {
    sql::one(
        c,
        &format!(
            "SELECT {MEETING_COLUMNS} FROM meetings m WHERE m.relationship_id = $1 AND m.id = $2"
        ),
        vec![relationship_id.into(), id.into()],
    )
    .await
}

/// Reschedules a meeting if nobody changed it since `sequence` was read; the new invitation's
/// SEQUENCE is one higher.
pub async fn reschedule(
    c: &impl ConnectionTrait,
    id: i64,
    sequence: i32,
    when: &When<'_>,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE meetings SET sequence = sequence + 1, starts_at = $3, ends_at = $4, time_zone = $5, mode = $6, body = $7, updated_at = $8 \
         WHERE id = $1 AND sequence = $2 AND cancelled_at IS NULL",
        vec![
            id.into(),
            sequence.into(),
            when.starts_at.into(),
            when.ends_at.into(),
            when.time_zone.into(),
            when.mode.into(),
            sealed.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(n == 1)
}

/// Rewrites the sealed text only (outcomes after the meeting): no new invitation.
pub async fn set_meeting_text(
    c: &impl ConnectionTrait,
    id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE meetings SET body = $2, updated_at = $3 WHERE id = $1",
        vec![id.into(), sealed.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn cancel_meeting(
    c: &impl ConnectionTrait,
    id: i64,
    sequence: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE meetings SET sequence = sequence + 1, cancelled_at = $3, updated_at = $3 \
         WHERE id = $1 AND sequence = $2 AND cancelled_at IS NULL",
        vec![id.into(), sequence.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// A meeting of one of the member's relationships, with who is in it, for their feed.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FeedRow {
    pub id: i64,
    pub relationship_id: i64,
    pub uid: String,
    pub sequence: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub mode: String,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Meetings of the relationships the member is currently in, from `since` on.
pub async fn meetings_of_member(
    c: &impl ConnectionTrait,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<FeedRow>> {
    sql::all(
        c,
        "SELECT m.id, m.relationship_id, m.uid, m.sequence, m.starts_at, m.ends_at, m.mode, m.cancelled_at, m.updated_at \
         FROM meetings m JOIN relationship_members rm ON rm.relationship_id = m.relationship_id \
         WHERE rm.user_id = $1 AND rm.left_at IS NULL AND m.ends_at >= $2 ORDER BY m.starts_at, m.id",
        vec![user_id.into(), since.into()],
    )
    .await
}

/// Sets the member's feed token (replacing any earlier one, which stops working).
pub async fn set_feed(
    c: &impl ConnectionTrait,
    user_id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
        vec![user_id.into(), token_hash.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn delete_feed(c: &impl ConnectionTrait, user_id: i64) -> Result<bool> {
    Ok(sql::exec(
        c,
        "DELETE FROM calendar_feeds WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await?
        == 1)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct FeedOwner {
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
}

pub async fn feed_by_hash(c: &impl ConnectionTrait, token_hash: &str) -> Result<Option<FeedOwner>> {
    sql::one(
        c,
        "SELECT user_id, created_at FROM calendar_feeds WHERE token_hash = $1",
        vec![token_hash.into()],
    )
    .await
}

pub async fn feed_of(c: &impl ConnectionTrait, user_id: i64) -> Result<Option<FeedOwner>> {
    sql::one(
        c,
        "SELECT user_id, created_at FROM calendar_feeds WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await
}

/// A sealed document of a relationship (a plan goal, a skill assessment).
#[derive(Debug, Clone, FromQueryResult)]
pub struct DocRow {
    pub id: i64,
    /// Who wrote it (the member assessed, for assessments).
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Sealed.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn plan_goals(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<DocRow>> {
    sql::all(
        c,
        "SELECT g.id, g.created_by AS author_id, u.name AS author_name, g.body, g.created_at, g.updated_at \
         FROM plan_goals g LEFT JOIN users u ON u.id = g.created_by WHERE g.relationship_id = $1 ORDER BY g.id",
        vec![relationship_id.into()],
    )
    .await
}

pub async fn add_plan_goal(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    sealed: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO plan_goals (relationship_id, body, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        vec![relationship_id.into(), sealed.into(), by.into(), now.into()],
    )
    .await
}

/// Rewrites a goal of this relationship; `false` when there is no such goal.
pub async fn update_plan_goal(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(sql::exec(
        c,
        "UPDATE plan_goals SET body = $3, updated_at = $4 WHERE relationship_id = $1 AND id = $2",
        vec![relationship_id.into(), id.into(), sealed.into(), now.into()],
    )
    .await?
        == 1)
}

pub async fn assessments(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<DocRow>> {
    sql::all(
        c,
        "SELECT a.id, a.member_id AS author_id, u.name AS author_name, a.body, a.created_at, a.created_at AS updated_at \
         FROM skill_assessments a LEFT JOIN users u ON u.id = a.member_id WHERE a.relationship_id = $1 ORDER BY a.id",
        vec![relationship_id.into()],
    )
    .await
}

pub async fn add_assessment(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    member_id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO skill_assessments (relationship_id, member_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        vec![relationship_id.into(), member_id.into(), sealed.into(), now.into()],
    )
    .await
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Tick {
    pub user_id: i64,
    pub item: String,
    pub done_at: DateTime<Utc>,
}

pub async fn ticks(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<Tick>> {
    sql::all(
        c,
        "SELECT user_id, item, done_at FROM checklist_ticks WHERE relationship_id = $1 ORDER BY done_at",
        vec![relationship_id.into()],
    )
    .await
}

/// Ticks or unticks one of the member's checklist items.
pub async fn set_tick(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    user_id: i64,
    item: &str,
    done: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if done {
        sql::exec(
            c,
            "INSERT INTO checklist_ticks (relationship_id, user_id, item, done_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (relationship_id, user_id, item) DO NOTHING",
            vec![relationship_id.into(), user_id.into(), item.into(), now.into()],
        )
        .await?;
    } else {
        sql::exec(
            c,
            "DELETE FROM checklist_ticks WHERE relationship_id = $1 AND user_id = $2 AND item = $3",
            vec![relationship_id.into(), user_id.into(), item.into()],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct EvaluationRow {
    pub id: i64,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub kind: EvaluationKind,
    /// Sealed.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl sea_orm::FromQueryResult for EvaluationRow {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            member_id: r.try_get(pre, "member_id")?,
            member_name: r.try_get(pre, "member_name")?,
            kind: sql::named(r, pre, "kind")?,
            body: r.try_get(pre, "body")?,
            created_at: r.try_get(pre, "created_at")?,
        })
    }
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct RatingRow {
    pub evaluation_id: i64,
    pub question: String,
    pub rating: i32,
}

pub async fn add_evaluation(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    member_id: i64,
    kind: &str,
    ratings: &std::collections::BTreeMap<String, i32>,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = sql::insert_id(
        c,
        "INSERT INTO evaluations (relationship_id, member_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        vec![relationship_id.into(), member_id.into(), kind.into(), sealed.into(), now.into()],
    )
    .await?;
    for (q, r) in ratings {
        sql::exec(
            c,
            "INSERT INTO evaluation_ratings (evaluation_id, question, rating) VALUES ($1, $2, $3)",
            vec![id.into(), q.clone().into(), (*r).into()],
        )
        .await?;
    }
    Ok(id)
}

pub async fn evaluations(
    c: &impl ConnectionTrait,
    relationship_id: i64,
) -> Result<(Vec<EvaluationRow>, Vec<RatingRow>)> {
    let rows = sql::all(
        c,
        "SELECT e.id, e.member_id, u.name AS member_name, e.kind, e.body, e.created_at FROM evaluations e \
         LEFT JOIN users u ON u.id = e.member_id WHERE e.relationship_id = $1 ORDER BY e.id",
        vec![relationship_id.into()],
    )
    .await?;
    let ratings = sql::all(
        c,
        "SELECT r.evaluation_id, r.question, r.rating FROM evaluation_ratings r JOIN evaluations e ON e.id = r.evaluation_id \
         WHERE e.relationship_id = $1",
        vec![relationship_id.into()],
    )
    .await?;
    Ok((rows, ratings))
}

/// A question's answers across a programme (for staff, who see it only over enough answers).
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct QuestionSummary {
    pub question: String,
    pub answers: i64,
    pub total: i64,
}

pub async fn evaluation_summary(
    c: &impl ConnectionTrait,
    programme_id: i64,
) -> Result<Vec<QuestionSummary>> {
    sql::all(
        c,
        "SELECT r.question, COUNT(*) AS answers, SUM(r.rating) AS total FROM evaluation_ratings r \
         JOIN evaluations e ON e.id = r.evaluation_id JOIN relationships rel ON rel.id = e.relationship_id \
         WHERE rel.programme_id = $1 GROUP BY r.question",
        vec![programme_id.into()],
    )
    .await
}

/// Takes `n` of the mentor's free places; `false`, taking none, when fewer are left (two
/// acceptances racing for the last place: one wins).
pub async fn take_places(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentor_id: i64,
    n: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let taken = sql::exec(
        c,
        "UPDATE mentors SET active_mentees = active_mentees + $3, updated_at = $4 \
         WHERE programme_id = $1 AND user_id = $2 AND active_mentees + $3 <= capacity",
        vec![programme_id.into(), mentor_id.into(), n.into(), now.into()],
    )
    .await?;
    Ok(taken == 1)
}

/// Adds `n` to the places the mentor's membership notes as taken for the relationship.
pub async fn note_places(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    mentor_id: i64,
    n: i32,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE relationship_members SET places = places + $3 WHERE relationship_id = $1 AND user_id = $2",
        vec![relationship_id.into(), mentor_id.into(), n.into()],
    )
    .await?;
    Ok(())
}

/// Gives the mentor back every place they hold for the relationship (it closed, or they left).
pub async fn release_places(
    c: &impl ConnectionTrait,
    programme_id: i64,
    relationship_id: i64,
    mentor_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    give_back(c, programme_id, relationship_id, mentor_id, i32::MAX, now).await
}

/// Gives the mentor back one place they hold for the relationship (a mentee left it).
pub async fn release_place(
    c: &impl ConnectionTrait,
    programme_id: i64,
    relationship_id: i64,
    mentor_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    give_back(c, programme_id, relationship_id, mentor_id, 1, now).await
}

/// Gives back up to `n` of the places the mentor holds for the relationship.
async fn give_back(
    c: &impl ConnectionTrait,
    programme_id: i64,
    relationship_id: i64,
    mentor_id: i64,
    n: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    let given = "(SELECT CASE WHEN places < $5 THEN places ELSE $5 END FROM relationship_members \
                  WHERE relationship_id = $3 AND user_id = $2)";
    sql::exec(
        c,
        &format!(
            "UPDATE mentors SET active_mentees = CASE WHEN active_mentees > {given} THEN active_mentees - {given} ELSE 0 END, \
             updated_at = $4 WHERE programme_id = $1 AND user_id = $2 AND {given} > 0"
        ),
        vec![
            programme_id.into(),
            mentor_id.into(),
            relationship_id.into(),
            now.into(),
            n.into(),
        ],
    )
    .await?;
    sql::exec(
        c,
        "UPDATE relationship_members SET places = CASE WHEN places < $3 THEN 0 ELSE places - $3 END \
         WHERE relationship_id = $1 AND user_id = $2",
        vec![relationship_id.into(), mentor_id.into(), n.into()],
    )
    .await?;
    Ok(())
}

/// The tables whose `body` holds sealed text bound to `relationship:{relationship_id}`.
const SEALED_TABLES: [&str; 6] = [
    "agreement_versions",
    "log_entries",
    "meetings",
    "plan_goals",
    "skill_assessments",
    "evaluations",
];

#[derive(Debug, FromQueryResult)]
struct SealedRow {
    id: i64,
    relationship_id: i64,
    body: String,
}

/// Re-seals every value sealed with an older key under the current one (after a key rotation),
/// in one transaction per table; returns how many were re-sealed. Afterwards the old keys can
/// be dropped from the configuration.
pub async fn reseal_all(
    db: &sea_orm::DatabaseConnection,
    keys: &crate::sealed::Keys,
) -> Result<usize> {
    use sea_orm::TransactionTrait;
    let current = keys.current_id().ok_or_else(|| {
        crate::StoreError::Db(sea_orm::DbErr::Custom(
            "no content key is configured".into(),
        ))
    })?;
    let mut n = 0;
    for table in SEALED_TABLES {
        let tx = db.begin().await?;
        let rows: Vec<SealedRow> = sql::all(
            &tx,
            &format!("SELECT id, relationship_id, body FROM {table} WHERE body NOT LIKE $1"),
            vec![format!("tv1.{current}.%").into()],
        )
        .await?;
        for r in rows {
            let ctx = format!("relationship:{}", r.relationship_id);
            let fail = |e: crate::sealed::SealError| {
                crate::StoreError::Db(sea_orm::DbErr::Custom(format!("{table} {}: {e}", r.id)))
            };
            let plain = keys.open(&ctx, &r.body).map_err(fail)?;
            let sealed = keys.seal(&ctx, &plain).map_err(fail)?;
            sql::exec(
                &tx,
                &format!("UPDATE {table} SET body = $2 WHERE id = $1"),
                vec![r.id.into(), sealed.into()],
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n)
}

/// The relationships a member is currently in within a programme, newest first.
pub async fn relationships_of_member(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
) -> Result<Vec<Relationship>> {
    sql::all(
        c,
        "SELECT r.id, r.programme_id, r.request_id, r.model, r.phase, r.created_at, r.paused_at FROM relationships r \
         JOIN relationship_members m ON m.relationship_id = r.id \
         WHERE r.programme_id = $1 AND m.user_id = $2 AND m.left_at IS NULL ORDER BY r.id DESC",
        vec![programme_id.into(), user_id.into()],
    )
    .await
}
