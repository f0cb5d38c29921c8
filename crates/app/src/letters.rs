//! How Trellis tells a member something: the letter is queued in the outbox (or held for
//! their weekly digest, or not sent, as they chose for its kind) and its in-app copy goes to
//! their notification centre, all in the caller's transaction; the [`DeliverMail`] job then
//! hands it to the mail transport, and [`WeeklyDigest`] sends the held ones on Mondays.

use crate::jobs::{Job, JobCx, enqueue};
use crate::{App, AppResult};
use chrono::NaiveDate;
use trellis_domain::mail::{Letter, Message};
use trellis_domain::notify::Delivery;
use trellis_store::notifications::{self as centre, NewNotification};
use trellis_store::{ConnectionTrait, accounts, email_texts, outbox};

/// Who a letter goes to.
#[derive(Debug, Clone, Copy)]
pub struct To<'a> {
    pub user_id: i64,
    pub email: &'a str,
    pub name: &'a str,
}

/// The one way Trellis tells a member something: the letter in the programme's own wording
/// (with an `.ics` invitation when `calendar` is given) by email as the member chose, and its
/// in-app copy (subject, first paragraph, and the letter's link as a path inside Trellis).
pub async fn tell(
    s: &App,
    c: &impl ConnectionTrait,
    to: To<'_>,
    programme_id: Option<i64>,
    letter: &Letter,
    calendar: Option<&str>,
) -> AppResult<()> {
    let (site, now) = (&s.config.site, s.now());
    let reworded = match programme_id {
        Some(p) => email_texts::get(c, p, letter.template)
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
    match centre::choices(c, to.user_id)
        .await?
        .for_letter(letter.template)
    {
        Delivery::Each => {
            let mut message = letter.to(site, to.email, to.name);
            message.calendar = calendar.map(str::to_owned);
            queue(s, c, &message).await?;
        }
        Delivery::Digest => {
            centre::hold_for_digest(c, to.user_id, &letter.subject, link.as_deref(), now).await?;
        }
        Delivery::Off => {}
    }
    centre::add(
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
    s: &App,
    c: &impl ConnectionTrait,
    user_id: i64,
    programme_id: Option<i64>,
    letter: &Letter,
) -> AppResult<()> {
    if let Some(u) = accounts::user_by_id(c, user_id).await? {
        let to = To {
            user_id,
            email: &u.email,
            name: &u.name,
        };
        tell(s, c, to, programme_id, letter, None).await?;
    }
    Ok(())
}

/// Queues a message in the outbox with the job that delivers it; returns the outbox id. Only
/// for mail that goes out whatever the member chose (account links, the digest itself):
/// everything else goes through [`tell`].
pub async fn queue(s: &App, c: &impl ConnectionTrait, m: &Message) -> AppResult<i64> {
    let now = s.now();
    let id = outbox::insert(c, m, &s.config.mail_host, now).await?;
    enqueue(c, &DeliverMail { outbox_id: id }, now, now).await?;
    Ok(id)
}

/// Hands one outbox message to the mail transport, once: a message already sent, or deleted
/// with its erased recipient, is not sent again.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct DeliverMail {
    pub outbox_id: i64,
}

impl Job for DeliverMail {
    const KIND: &'static str = "deliver_mail";
    /// With the back-off of `jobs::backoff`, 12 attempts span about a day and a half.
    const MAX_ATTEMPTS: i32 = 12;

    fn key(&self) -> String {
        format!("mail:{}", self.outbox_id)
    }

    #[tracing::instrument(skip_all, fields(outbox_id = self.outbox_id))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let Some(mail) = outbox::by_id(&cx.app.store.db, self.outbox_id).await? else {
            return Ok(());
        };
        if mail.sent_at.is_none() {
            cx.couriers.send_mail(&mail).await?;
        }
        outbox::mark_sent(cx.tx().await?, self.outbox_id, cx.now()).await?;
        Ok(())
    }
}

/// The weekly digest: one email per member who chose it, listing the letters held for them
/// since the last one (each also in their notification centre). One job a week, keyed by the
/// Monday it goes out.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct WeeklyDigest {
    /// The Monday it is for (only in its key: queued rows carry an empty payload).
    #[serde(skip)]
    pub monday: Option<NaiveDate>,
}

impl Job for WeeklyDigest {
    const KIND: &'static str = "weekly_digest";
    const MAX_ATTEMPTS: i32 = 5;

    fn key(&self) -> String {
        let day = self.monday.map(|d| d.to_string()).unwrap_or_default();
        format!("{}:{day}", Self::KIND)
    }

    /// Each member's digest is its own transaction: run again after a crash, it finds nothing
    /// left for those already sent.
    #[tracing::instrument(skip_all)]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (s, db) = (cx.app, &cx.app.store.db);
        for user_id in centre::digest_recipients(db).await? {
            let tx = trellis_store::begin(db).await?;
            let items = centre::take_digest(&tx, user_id).await?;
            if let (Some(u), false) = (accounts::user_by_id(&tx, user_id).await?, items.is_empty())
            {
                let site = &s.config.site;
                let base = site.public_url.trim_end_matches('/');
                let lines: Vec<(String, Option<String>)> = items
                    .into_iter()
                    .map(|i| (i.subject, i.link.map(|l| format!("{base}{l}"))))
                    .collect();
                let message =
                    trellis_domain::mail::digest(site, &lines).to(site, &u.email, &u.name);
                queue(s, &tx, &message).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }
}
