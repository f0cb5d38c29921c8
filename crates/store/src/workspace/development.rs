//! The development plan, skill assessments and the checklist.

use super::*;

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
