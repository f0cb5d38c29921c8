//! In-app notifications (one row per message a member should see in Trellis, written in the
//! same transaction as the email it accompanies), each member's email choices, and the
//! letters held for their weekly digest.

use crate::Result;
use crate::sql::{self, Count};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use trellis_domain::notify::Choices;

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Notification {
    pub id: i64,
    pub programme_id: Option<i64>,
    pub subject: String,
    pub body: String,
    /// A path inside Trellis, e.g. `/requests/12`.
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What to tell a member.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub user_id: i64,
    pub programme_id: Option<i64>,
    pub subject: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
}

pub async fn add(
    c: &impl ConnectionTrait,
    n: &NewNotification<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO notifications (user_id, programme_id, subject, body, link, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        vec![
            n.user_id.into(),
            n.programme_id.into(),
            n.subject.into(),
            n.body.into(),
            n.link.map(str::to_owned).into(),
            now.into(),
        ],
    )
    .await
}

/// The member's newest notifications, at most `limit`, newest first.
pub async fn recent(
    c: &impl ConnectionTrait,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    sql::all(
        c,
        "SELECT id, programme_id, subject, body, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        vec![user_id.into(), limit.into()],
    )
    .await
}

/// One of the member's notifications (`None` when it is someone else's).
pub async fn get(c: &impl ConnectionTrait, user_id: i64, id: i64) -> Result<Option<Notification>> {
    sql::one(
        c,
        "SELECT id, programme_id, subject, body, link, created_at, read_at FROM notifications WHERE id = $1 AND user_id = $2",
        vec![id.into(), user_id.into()],
    )
    .await
}

pub async fn unread_count(c: &impl ConnectionTrait, user_id: i64) -> Result<i64> {
    let n: Option<Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        vec![user_id.into()],
    )
    .await?;
    Ok(n.map_or(0, |c| c.n))
}

/// Marks one of the member's notifications read; `false` when it is not theirs (or unknown).
pub async fn mark_read(
    c: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2",
        vec![id.into(), user_id.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Marks all the member's notifications read; returns how many were unread.
pub async fn mark_all_read(
    c: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    sql::exec(
        c,
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
        vec![user_id.into(), now.into()],
    )
    .await
}

/// Holds a letter for the member's weekly digest (its subject and link only).
pub async fn hold_for_digest(
    c: &impl ConnectionTrait,
    user_id: i64,
    subject: &str,
    link: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO digest_items (user_id, subject, link, created_at) VALUES ($1, $2, $3, $4)",
        vec![
            user_id.into(),
            subject.into(),
            link.map(str::to_owned).into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct ChoicesRow {
    choices: String,
}

/// A member's email choices (every email, when never set).
pub async fn choices(c: &impl ConnectionTrait, user_id: i64) -> Result<Choices> {
    let row: Option<ChoicesRow> = sql::one(
        c,
        "SELECT choices FROM notification_settings WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await?;
    Ok(row
        .and_then(|r| serde_json::from_str(&r.choices).ok())
        .unwrap_or_default())
}

pub async fn set_choices(
    c: &impl ConnectionTrait,
    user_id: i64,
    choices: &Choices,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO notification_settings (user_id, choices, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET choices = excluded.choices, updated_at = excluded.updated_at",
        vec![
            user_id.into(),
            serde_json::to_string(choices).unwrap_or_default().into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// A letter held for a member's weekly digest.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct DigestItem {
    pub id: i64,
    pub subject: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The members with letters held for their digest.
pub async fn digest_recipients(c: &impl ConnectionTrait) -> Result<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct U {
        user_id: i64,
    }
    let rows: Vec<U> = sql::all(
        c,
        "SELECT DISTINCT user_id FROM digest_items ORDER BY user_id",
        vec![],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}

/// Takes (reads and removes) a member's held letters, oldest first.
pub async fn take_digest(c: &impl ConnectionTrait, user_id: i64) -> Result<Vec<DigestItem>> {
    let items: Vec<DigestItem> = sql::all(
        c,
        "SELECT id, subject, link, created_at FROM digest_items WHERE user_id = $1 ORDER BY id",
        vec![user_id.into()],
    )
    .await?;
    if let Some(last) = items.last() {
        sql::exec(
            c,
            "DELETE FROM digest_items WHERE user_id = $1 AND id <= $2",
            vec![user_id.into(), last.id.into()],
        )
        .await?;
    }
    Ok(items)
}
