//! Mentorship requests: the cascade as stored, its timeline, and the attached CV.
//!
//! Every change is a compare-and-set on the request's `version`: of two changes made at once
//! (an accept racing the deadline job, a double click) exactly one wins; the other sees a
//! conflict and its caller reports it.

use crate::sql::{self, duplicate};
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use std::collections::HashMap;
use trellis_domain::request::{Cascade, MentorState, RequestDetails, Status};
use trellis_domain::request::{Stage, Step};

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub programme_id: i64,
    pub mentee_id: i64,
    pub mentee_name: String,
    pub mentee_email: String,
    pub details: String,
    pub cascade: String,
    pub status: Stage,
    pub holder_id: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The mentee shares their words and CV with the programme's staff.
    pub shared_with_staff: bool,
}

impl sea_orm::FromQueryResult for RequestRow {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            programme_id: r.try_get(pre, "programme_id")?,
            mentee_id: r.try_get(pre, "mentee_id")?,
            mentee_name: r.try_get(pre, "mentee_name")?,
            mentee_email: r.try_get(pre, "mentee_email")?,
            details: r.try_get(pre, "details")?,
            cascade: r.try_get(pre, "cascade")?,
            status: sql::named(r, pre, "status")?,
            holder_id: r.try_get(pre, "holder_id")?,
            due_at: r.try_get(pre, "due_at")?,
            version: r.try_get(pre, "version")?,
            created_at: r.try_get(pre, "created_at")?,
            updated_at: r.try_get(pre, "updated_at")?,
            shared_with_staff: r.try_get(pre, "shared_with_staff")?,
        })
    }
}

impl RequestRow {
    pub fn cascade(&self) -> Result<Cascade> {
        serde_json::from_str(&self.cascade).map_err(|e| {
            StoreError::Db(sea_orm::DbErr::Custom(format!("request {}: {e}", self.id)))
        })
    }

    pub fn details(&self) -> Option<RequestDetails> {
        serde_json::from_str(&self.details).ok()
    }
}

const COLUMNS: &str = "r.id, r.programme_id, r.mentee_id, u.name AS mentee_name, u.email AS mentee_email, r.details, r.cascade, r.status, \
     r.holder_id, r.due_at, r.version, r.created_at, r.updated_at, r.shared_with_staff";

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))
}

fn columns_of(c: &Cascade) -> (String, Option<i64>, Option<DateTime<Utc>>) {
    match c.status {
        Status::Offered {
            mentor_id, due_at, ..
        } => (c.status.name().into(), Some(mentor_id), Some(due_at)),
        _ => (c.status.name().into(), None, None),
    }
}

/// Records a new request; a second open one of the same member in the programme is
/// `Duplicate { field: "request" }`.
pub async fn create(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
    details: &RequestDetails,
    cascade: &Cascade,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (status, holder, due) = columns_of(cascade);
    let open_key = cascade
        .status
        .is_open()
        .then(|| format!("{programme_id}:{mentee_id}"));
    sql::insert_id(
        c,
        "INSERT INTO mentorship_requests (programme_id, mentee_id, details, cascade, status, holder_id, due_at, version, created_at, updated_at, open_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $9) RETURNING id",
        vec![programme_id.into(), mentee_id.into(), to_json(details)?.into(), to_json(cascade)?.into(), status.into(), holder.into(), due.into(), now.into(), open_key.into()],
    )
    .await
    .map_err(duplicate("request"))
}

pub async fn get(c: &impl ConnectionTrait, id: i64) -> Result<Option<RequestRow>> {
    sql::one(c, &format!("SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id WHERE r.id = $1"), vec![id.into()]).await
}

/// Saves a changed cascade if nobody changed the request since `version` was read.
pub async fn save(
    c: &impl ConnectionTrait,
    id: i64,
    version: i32,
    cascade: &Cascade,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (status, holder, due) = columns_of(cascade);
    let closed = !cascade.status.is_open();
    let n = sql::exec(
        c,
        "UPDATE mentorship_requests SET cascade = $3, status = $4, holder_id = $5, due_at = $6, updated_at = $7, version = version + 1, \
           open_key = CASE WHEN $8 THEN NULL ELSE open_key END \
         WHERE id = $1 AND version = $2",
        vec![id.into(), version.into(), to_json(cascade)?.into(), status.into(), holder.into(), due.into(), now.into(), closed.into()],
    )
    .await?;
    Ok(n == 1)
}

/// The mentee shares (or stops sharing) the request's words and CV with the staff.
pub async fn set_shared(
    c: &impl ConnectionTrait,
    id: i64,
    shared: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE mentorship_requests SET shared_with_staff = $2, updated_at = $3 WHERE id = $1",
        vec![id.into(), shared.into(), now.into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestEvent {
    pub at: DateTime<Utc>,
    pub kind: Step,
    pub mentor_id: Option<i64>,
    pub mentor_name: Option<String>,
    pub detail: Option<String>,
}

impl sea_orm::FromQueryResult for RequestEvent {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            at: r.try_get(pre, "at")?,
            kind: sql::named(r, pre, "kind")?,
            mentor_id: r.try_get(pre, "mentor_id")?,
            mentor_name: r.try_get(pre, "mentor_name")?,
            detail: r.try_get(pre, "detail")?,
        })
    }
}

pub async fn events(c: &impl ConnectionTrait, id: i64) -> Result<Vec<RequestEvent>> {
    sql::all(
        c,
        "SELECT e.at, e.kind, e.mentor_id, u.name AS mentor_name, e.detail FROM request_events e LEFT JOIN users u ON u.id = e.mentor_id \
         WHERE e.request_id = $1 ORDER BY e.id",
        vec![id.into()],
    )
    .await
}

/// Adds an entry to the request's timeline.
pub async fn add_event(
    c: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
    kind: &str,
    mentor: Option<i64>,
    detail: Option<String>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO request_events (request_id, at, kind, mentor_id, detail) VALUES ($1, $2, $3, $4, $5)",
        vec![id.into(), at.into(), kind.into(), mentor.into(), detail.into()],
    )
    .await?;
    Ok(())
}

pub async fn of_mentee(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
) -> Result<Vec<RequestRow>> {
    sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id WHERE r.programme_id = $1 AND r.mentee_id = $2 ORDER BY r.id DESC"),
        vec![programme_id.into(), mentee_id.into()],
    )
    .await
}

/// Requests waiting for this mentor's reply.
pub async fn offers_to(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentor_id: i64,
) -> Result<Vec<RequestRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id \
             WHERE r.programme_id = $1 AND r.holder_id = $2 AND r.status = 'offered' ORDER BY r.due_at"
        ),
        vec![programme_id.into(), mentor_id.into()],
    )
    .await
}

/// The staff queue: open requests, those with the director first, then by due date.
pub async fn open_requests(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<RequestRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id \
             WHERE r.programme_id = $1 AND r.open_key IS NOT NULL \
             ORDER BY CASE WHEN r.status = 'with_director' THEN 0 ELSE 1 END, r.due_at, r.id"
        ),
        vec![programme_id.into()],
    )
    .await
}

#[derive(Debug, FromQueryResult)]
struct StateRow {
    user_id: i64,
    listed: bool,
    available: bool,
    capacity: i32,
    active_mentees: i32,
}

/// The current state of the given mentors (user ids) in the programme; unknown ids are
/// reported as unlisted.
pub async fn mentor_states(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_ids: &[i64],
) -> Result<HashMap<i64, MentorState>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = user_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<StateRow> = sql::all(
        c,
        &format!("SELECT user_id, listed, available, capacity, active_mentees FROM mentors WHERE programme_id = $1 AND user_id IN ({list})"),
        vec![programme_id.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.user_id,
                MentorState {
                    listed: r.listed,
                    available: r.available,
                    has_capacity: r.active_mentees < r.capacity,
                },
            )
        })
        .collect())
}

pub fn state_of(states: &HashMap<i64, MentorState>, id: i64) -> MentorState {
    states.get(&id).copied().unwrap_or(MentorState {
        listed: false,
        available: false,
        has_capacity: false,
    })
}

/// The PDF a mentee attached to a request.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RequestFile {
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub bytes: Vec<u8>,
    pub uploaded_at: DateTime<Utc>,
}

/// Attaches (or replaces) the request's file.
pub async fn put_file(
    c: &impl ConnectionTrait,
    request_id: i64,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<()> {
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    sql::exec(
        c,
        "INSERT INTO request_files (request_id, file_name, content_type, size, bytes, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (request_id) DO UPDATE SET file_name = excluded.file_name, content_type = excluded.content_type, \
           size = excluded.size, bytes = excluded.bytes, uploaded_at = excluded.uploaded_at",
        vec![request_id.into(), file_name.into(), content_type.into(), size.into(), bytes.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn file(c: &impl ConnectionTrait, request_id: i64) -> Result<Option<RequestFile>> {
    sql::one(
        c,
        "SELECT file_name, content_type, size, bytes, uploaded_at FROM request_files WHERE request_id = $1",
        vec![request_id.into()],
    )
    .await
}

/// The attached file's name and size, without its bytes.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct FileInfo {
    pub file_name: String,
    pub size: i64,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn file_info(c: &impl ConnectionTrait, request_id: i64) -> Result<Option<FileInfo>> {
    sql::one(
        c,
        "SELECT file_name, size, uploaded_at FROM request_files WHERE request_id = $1",
        vec![request_id.into()],
    )
    .await
}

/// A member's relationships in the programme that are not closed.
pub async fn open_relationships_as_mentee(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
) -> Result<i64> {
    let n: Option<sql::Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM relationships r JOIN relationship_members m ON m.relationship_id = r.id \
         WHERE r.programme_id = $1 AND m.user_id = $2 AND m.role = 'mentee' AND m.left_at IS NULL AND r.phase <> 'closed'",
        vec![programme_id.into(), mentee_id.into()],
    )
    .await?;
    Ok(n.map_or(0, |n| n.n))
}

/// Members of the programme who are not mentors in it and have never made a request there,
/// by id; at most `limit` (for generated benchmark data).
pub async fn members_without_request(
    c: &impl ConnectionTrait,
    programme_id: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Id {
        user_id: i64,
    }
    let rows: Vec<Id> = sql::all(
        c,
        "SELECT pm.user_id FROM programme_members pm \
         WHERE pm.programme_id = $1 \
           AND NOT EXISTS (SELECT 1 FROM mentors m WHERE m.programme_id = pm.programme_id AND m.user_id = pm.user_id) \
           AND NOT EXISTS (SELECT 1 FROM mentorship_requests r WHERE r.programme_id = pm.programme_id AND r.mentee_id = pm.user_id) \
         ORDER BY pm.user_id LIMIT $2",
        vec![programme_id.into(), limit.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}
