//! In-app notifications: one row per message a member should see in Trellis, written in the
//! same transaction as the email it accompanies.

use crate::Result;
use crate::sql::{self, Count};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

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
    Ok(sql::insert_id(
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
    .await?)
}

/// The member's newest notifications, at most `limit`, newest first.
pub async fn recent(
    c: &impl ConnectionTrait,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    Ok(sql::all(
        c,
        "SELECT id, programme_id, subject, body, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        vec![user_id.into(), limit.into()],
    )
    .await?)
}

/// One of the member's notifications (`None` when it is someone else's).
pub async fn get(c: &impl ConnectionTrait, user_id: i64, id: i64) -> Result<Option<Notification>> {
    Ok(sql::one(
        c,
        "SELECT id, programme_id, subject, body, link, created_at, read_at FROM notifications WHERE id = $1 AND user_id = $2",
        vec![id.into(), user_id.into()],
    )
    .await?)
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
    Ok(sql::exec(
        c,
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
        vec![user_id.into(), now.into()],
    )
    .await?)
}

/// Who sends, and when: the installation's site (for links) and mail host (for Message-IDs).
#[derive(Debug, Clone, Copy)]
pub struct From<'a> {
    pub site: &'a trellis_domain::mail::Site,
    pub mail_host: &'a str,
    pub now: DateTime<Utc>,
}

/// Who a letter goes to.
#[derive(Debug, Clone, Copy)]
pub struct To<'a> {
    pub user_id: i64,
    pub email: &'a str,
    pub name: &'a str,
}

/// The one way Trellis tells a member something: the letter (with an `.ics` invitation when
/// `calendar` is given) is queued in the outbox and its in-app copy (subject, first paragraph, and the letter's link as a path inside Trellis) goes
/// to their notification centre, both in the caller's transaction.
pub async fn tell(
    c: &impl ConnectionTrait,
    from: From<'_>,
    to: To<'_>,
    programme_id: Option<i64>,
    letter: &trellis_domain::mail::Letter,
    calendar: Option<&str>,
) -> Result<()> {
    let From {
        site,
        mail_host,
        now,
    } = from;
    let mut message = letter.to(site, to.email, to.name);
    message.calendar = calendar.map(str::to_owned);
    crate::outbox::queue(c, &message, mail_host, now).await?;
    let link = letter.action.as_ref().map(|(_, url)| {
        url.strip_prefix(site.public_url.trim_end_matches('/'))
            .unwrap_or(url)
            .to_owned()
    });
    add(
        c,
        &NewNotification {
            user_id: to.user_id,
            programme_id,
            subject: &letter.subject,
            body: letter.paragraphs.first().map_or("", String::as_str),
            link: link.as_deref(),
        },
        now,
    )
    .await?;
    Ok(())
}

/// [`tell`] a member known by id (nothing when the account is gone).
pub async fn tell_user(
    c: &impl ConnectionTrait,
    from: From<'_>,
    user_id: i64,
    programme_id: Option<i64>,
    letter: &trellis_domain::mail::Letter,
) -> Result<()> {
    if let Some(u) = crate::accounts::user_by_id(c, user_id).await? {
        let to = To {
            user_id,
            email: &u.email,
            name: &u.name,
        };
        tell(c, from, to, programme_id, letter, None).await?;
    }
    Ok(())
}
