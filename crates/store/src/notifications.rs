//! In-app notifications: one row per message a member should see in Trellis, written in the
//! same transaction as the email it accompanies.

use crate::Result;
use crate::sql::{self, Count};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use trellis_domain::notify::{Choices, Delivery};

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
    let reworded = match programme_id {
        Some(p) => crate::email_texts::get(c, p, letter.template)
            .await?
            .map(|row| trellis_domain::email_text::reword(letter, &row.wording())),
        None => None,
    };
    let letter = reworded.as_ref().unwrap_or(letter);
    let link = letter.action.as_ref().map(|(_, url)| {
        url.strip_prefix(site.public_url.trim_end_matches('/'))
            .unwrap_or(url)
            .to_owned()
    });
    match choices(c, to.user_id).await?.for_letter(letter.template) {
        Delivery::Each => {
            let mut message = letter.to(site, to.email, to.name);
            message.calendar = calendar.map(str::to_owned);
            crate::outbox::queue(c, &message, mail_host, now).await?;
        }
        Delivery::Digest => {
            sql::exec(
                c,
                "INSERT INTO digest_items (user_id, subject, link, created_at) VALUES ($1, $2, $3, $4)",
                vec![
                    to.user_id.into(),
                    letter.subject.clone().into(),
                    link.clone().into(),
                    now.into(),
                ],
            )
            .await?;
        }
        Delivery::Off => {}
    }
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
