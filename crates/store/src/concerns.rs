//! Concerns: rows, handlers, messages (sealed by the caller), and the pause of a relationship.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use trellis_domain::concern::{MessageKind, Status};

#[derive(Debug, Clone, Serialize)]
pub struct ConcernRow {
    pub id: i64,
    pub programme_id: i64,
    pub reporter_id: Option<i64>,
    pub about_kind: String,
    pub subject_id: Option<i64>,
    pub relationship_id: Option<i64>,
    pub about_staff: bool,
    pub pause_contact: bool,
    pub to_chair: bool,
    pub status: Status,
    /// Sealed.
    pub body: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl sea_orm::FromQueryResult for ConcernRow {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            programme_id: r.try_get(pre, "programme_id")?,
            reporter_id: r.try_get(pre, "reporter_id")?,
            about_kind: r.try_get(pre, "about_kind")?,
            subject_id: r.try_get(pre, "subject_id")?,
            relationship_id: r.try_get(pre, "relationship_id")?,
            about_staff: r.try_get(pre, "about_staff")?,
            pause_contact: r.try_get(pre, "pause_contact")?,
            to_chair: r.try_get(pre, "to_chair")?,
            status: sql::named(r, pre, "status")?,
            body: r.try_get(pre, "body")?,
            acknowledged_at: r.try_get(pre, "acknowledged_at")?,
            escalated_at: r.try_get(pre, "escalated_at")?,
            version: r.try_get(pre, "version")?,
            created_at: r.try_get(pre, "created_at")?,
            updated_at: r.try_get(pre, "updated_at")?,
        })
    }
}

const COLUMNS: &str = "id, programme_id, reporter_id, about_kind, subject_id, relationship_id, about_staff, pause_contact, \
     to_chair, status, body, acknowledged_at, escalated_at, version, created_at, updated_at";

/// What a new concern is.
pub struct NewConcern<'a> {
    pub programme_id: i64,
    pub reporter_id: i64,
    pub about_kind: &'a str,
    pub subject_id: Option<i64>,
    pub relationship_id: Option<i64>,
    pub about_staff: bool,
    pub pause_contact: bool,
    pub to_chair: bool,
    pub sealed: &'a str,
}

pub async fn create(
    c: &impl ConnectionTrait,
    n: &NewConcern<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO concerns (programme_id, reporter_id, about_kind, subject_id, relationship_id, about_staff, pause_contact, \
         to_chair, status, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $10) RETURNING id",
        vec![
            n.programme_id.into(),
            n.reporter_id.into(),
            n.about_kind.into(),
            n.subject_id.into(),
            n.relationship_id.into(),
            n.about_staff.into(),
            n.pause_contact.into(),
            n.to_chair.into(),
            n.sealed.into(),
            now.into(),
        ],
    )
    .await
}

/// Replaces a concern's sealed text (after its id, which the seal is bound to, is known).
pub async fn set_body(c: &impl ConnectionTrait, id: i64, sealed: &str) -> Result<()> {
    sql::exec(
        c,
        "UPDATE concerns SET body = $2 WHERE id = $1",
        vec![id.into(), sealed.into()],
    )
    .await?;
    Ok(())
}

pub async fn get(c: &impl ConnectionTrait, id: i64) -> Result<Option<ConcernRow>> {
    sql::one(
        c,
        &format!("SELECT {COLUMNS} FROM concerns WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

pub async fn add_handlers(
    c: &impl ConnectionTrait,
    id: i64,
    users: &[i64],
    now: DateTime<Utc>,
) -> Result<()> {
    for u in users {
        sql::exec(
            c,
            "INSERT INTO concern_handlers (concern_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (concern_id, user_id) DO NOTHING",
            vec![id.into(), (*u).into(), now.into()],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
struct UserId {
    user_id: i64,
}

pub async fn handlers(c: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<UserId> = sql::all(
        c,
        "SELECT user_id FROM concern_handlers WHERE concern_id = $1 ORDER BY user_id",
        vec![id.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}

/// Concerns the member reported.
pub async fn reported_by(c: &impl ConnectionTrait, user_id: i64) -> Result<Vec<ConcernRow>> {
    sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM concerns WHERE reporter_id = $1 ORDER BY id DESC"),
        vec![user_id.into()],
    )
    .await
}

/// Concerns the member handles (never one they are the subject of).
pub async fn handled_by(c: &impl ConnectionTrait, user_id: i64) -> Result<Vec<ConcernRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {COLUMNS} FROM concerns WHERE id IN (SELECT concern_id FROM concern_handlers WHERE user_id = $1) \
             AND (subject_id IS NULL OR subject_id <> $1) ORDER BY id DESC"
        ),
        vec![user_id.into()],
    )
    .await
}

/// Moves a concern from `from` to `to` if nobody moved it meanwhile.
pub async fn set_status(
    c: &impl ConnectionTrait,
    id: i64,
    version: i32,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(sql::exec(
        c,
        "UPDATE concerns SET status = $3, updated_at = $4, version = version + 1, \
           acknowledged_at = CASE WHEN $3 = 'acknowledged' THEN $4 ELSE acknowledged_at END \
         WHERE id = $1 AND version = $2",
        vec![id.into(), version.into(), to.into(), now.into()],
    )
    .await?
        == 1)
}

/// Sends an unacknowledged concern to the chair (once).
pub async fn escalate(c: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(sql::exec(
        c,
        "UPDATE concerns SET escalated_at = $2, to_chair = TRUE, updated_at = $2, version = version + 1 \
         WHERE id = $1 AND status = 'open' AND escalated_at IS NULL",
        vec![id.into(), now.into()],
    )
    .await?
        == 1)
}

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub kind: MessageKind,
    pub status: Option<Status>,
    /// Sealed.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl sea_orm::FromQueryResult for MessageRow {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            author_id: r.try_get(pre, "author_id")?,
            author_name: r.try_get(pre, "author_name")?,
            kind: sql::named(r, pre, "kind")?,
            status: sql::named_or_none(r, pre, "status")?,
            body: r.try_get(pre, "body")?,
            created_at: r.try_get(pre, "created_at")?,
        })
    }
}

pub async fn add_message(
    c: &impl ConnectionTrait,
    id: i64,
    author: Option<i64>,
    kind: &str,
    status: Option<&str>,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO concern_messages (concern_id, author_id, kind, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![id.into(), author.into(), kind.into(), status.map(str::to_owned).into(), sealed.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn messages(c: &impl ConnectionTrait, id: i64) -> Result<Vec<MessageRow>> {
    sql::all(
        c,
        "SELECT m.id, m.author_id, u.name AS author_name, m.kind, m.status, m.body, m.created_at FROM concern_messages m \
         LEFT JOIN users u ON u.id = m.author_id WHERE m.concern_id = $1 ORDER BY m.id",
        vec![id.into()],
    )
    .await
}

/// Pauses (or, with `None`, lifts the pause of) a relationship.
pub async fn set_paused(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    at: Option<DateTime<Utc>>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE relationships SET paused_at = $2 WHERE id = $1",
        vec![relationship_id.into(), at.into()],
    )
    .await?;
    Ok(())
}
