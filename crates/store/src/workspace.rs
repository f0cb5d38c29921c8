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

mod agreement;
mod development;
mod evaluations;
mod log;
mod meetings;
mod places;
mod sealed;

pub use agreement::*;
pub use development::*;
pub use evaluations::*;
pub use log::*;
pub use meetings::*;
pub use places::*;
pub use sealed::*;

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
        "UPDATE relationships SET phase = $3, updated_at = $4 WHERE id = $1 AND phase = $2 AND paused_at IS NULL",
        vec![relationship_id.into(), from.into(), to.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
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

/// The relationships a member is currently in within a programme, newest first.
/// Every relationship the person is or was a member of, in any programme, newest first.
pub async fn relationships_of_user(
    c: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<Relationship>> {
    sql::all(
        c,
        "SELECT r.id, r.programme_id, r.request_id, r.model, r.phase, r.created_at, r.paused_at FROM relationships r \
         JOIN relationship_members m ON m.relationship_id = r.id \
         WHERE m.user_id = $1 ORDER BY r.id DESC",
        vec![user_id.into()],
    )
    .await
}

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
