//! Meetings, and each member's calendar feed.

use super::*;

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
