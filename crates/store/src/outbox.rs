//! The mail outbox. A message is written here in the same transaction as the change that
//! causes it (with the job that delivers it, queued by the caller); delivery records
//! `sent_at`.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use trellis_domain::mail::Message;

#[derive(Debug, Clone, FromQueryResult)]
pub struct OutboxMail {
    pub id: i64,
    /// A stable RFC 5322 Message-ID (`<uuid@host>`), the same on every delivery attempt.
    pub message_id: String,
    pub to_email: String,
    pub to_name: String,
    pub template: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// An iCalendar attachment, if any.
    pub calendar: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Stores a message with a new Message-ID; returns the outbox id.
pub async fn insert(
    c: &impl ConnectionTrait,
    m: &Message,
    mail_host: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let message_id = format!("<{}@{}>", uuid::Uuid::new_v4(), mail_host);
    let id = sql::insert_id(
        c,
        "INSERT INTO outbox (message_id, to_email, to_name, template, subject, text_body, html_body, created_at, calendar) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        vec![
            message_id.into(),
            m.to_email.clone().into(),
            m.to_name.clone().into(),
            m.template.into(),
            m.subject.clone().into(),
            m.text.clone().into(),
            m.html.clone().into(),
            now.into(),
            m.calendar.clone().into(),
        ],
    )
    .await?;
    Ok(id)
}

const COLUMNS: &str = "id, message_id, to_email, to_name, template, subject, text_body, html_body, calendar, created_at, sent_at";

pub async fn by_id(c: &impl ConnectionTrait, id: i64) -> Result<Option<OutboxMail>> {
    sql::one(
        c,
        &format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

/// Records delivery; `false` when it was already recorded.
pub async fn mark_sent(c: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE outbox SET sent_at = $2 WHERE id = $1 AND sent_at IS NULL",
        vec![id.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// The newest messages to an address, newest first (for tests, the demo and support).
pub async fn to_address(c: &impl ConnectionTrait, email: &str) -> Result<Vec<OutboxMail>> {
    sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM outbox WHERE to_email = $1 ORDER BY id DESC"),
        vec![email.into()],
    )
    .await
}
