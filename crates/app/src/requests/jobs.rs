//! Timed rules of the allocation cascade: passing a request on when a mentor's reply window
//! ends, and reminding the mentor before it does. Each job names the offer it is about (the
//! request's `offer`-th), so a job outlived by its offer finds nothing to do.

use super::effects::Effects;
use crate::jobs::{Job, JobCx};
use crate::{AppError, AppResult};
use chrono::Duration;
use trellis_domain::audit::AuditEntry;
use trellis_domain::request::{Cascade, Refused, Status};
use trellis_store::requests::{self as store, state_of};
use trellis_store::{audit, programmes};

/// The mentor and deadline of the request's `n`-th offer, if it is still the current one.
fn held(c: &Cascade, n: usize) -> Option<(i64, chrono::DateTime<chrono::Utc>)> {
    match c.status {
        Status::Offered {
            mentor_id, due_at, ..
        } if c.offered.len() == n => Some((mentor_id, due_at)),
        _ => None,
    }
}

/// The window of the request's `offer`-th offer has ended: pass it on, once. If the request
/// moved on meanwhile (accepted, declined, withdrawn) there is nothing to do. If a reply lands
/// at the same moment, one of the two wins (version check) and this job then finds nothing to
/// do on its retry.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Deadline {
    pub request_id: i64,
    pub offer: usize,
}

impl Job for Deadline {
    const KIND: &'static str = "request_deadline";

    fn key(&self) -> String {
        format!("request_deadline:{}:{}", self.request_id, self.offer)
    }

    #[tracing::instrument(skip_all, fields(request_id = self.request_id, offer = self.offer))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (id, n, now) = (self.request_id, self.offer, cx.now());
        let tx = cx.tx().await?;
        let Some(r) = store::get(tx, id).await? else {
            return Ok(());
        };
        let mut c = r.cascade()?;
        if held(&c, n).is_none() {
            return Ok(());
        }
        let p = programmes::by_id(tx, r.programme_id)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("programme gone")))?;
        let states = store::mentor_states(tx, p.id, &c.choices).await?;
        let window = Duration::days(i64::from(p.reply_window_days));
        let events = match c.deadline(now, window, |m| state_of(&states, m)) {
            Ok(events) => events,
            Err(Refused::NotDue) => {
                return Err(AppError::internal(anyhow::anyhow!(
                    "request {id}: the deadline job ran before the deadline"
                )));
            }
            Err(_) => return Ok(()),
        };
        if !store::save(tx, id, r.version, &c, now).await? {
            return Err(AppError::internal(anyhow::anyhow!(
                "request {id} changed while passing it on; will look again"
            )));
        }
        Effects {
            app: cx.app,
            programme: &p,
            request: &r,
            now,
        }
        .apply(tx, &c, &events)
        .await?;
        audit::record(
            tx,
            &AuditEntry::new(
                "request.timed_out",
                "request",
                Some(id),
                format!("reply window ended; now {}", c.status.name()),
            )
            .in_programme(p.id),
            now,
        )
        .await?;
        Ok(())
    }
}

/// Reminds the mentor holding the request's `offer`-th offer, if they still hold it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Reminder {
    pub request_id: i64,
    pub offer: usize,
    /// Which of the offer's reminders (only in its key: queued rows carry the request and the
    /// offer).
    #[serde(skip)]
    pub which: usize,
}

impl Job for Reminder {
    const KIND: &'static str = "request_reminder";

    fn key(&self) -> String {
        format!(
            "request_reminder:{}:{}:{}",
            self.request_id, self.offer, self.which
        )
    }

    #[tracing::instrument(skip_all, fields(request_id = self.request_id, offer = self.offer))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let tx = cx.tx().await?;
        if let Some(r) = store::get(tx, self.request_id).await?
            && let Some((mentor_id, due_at)) = held(&r.cascade()?, self.offer)
            && let Some(p) = programmes::by_id(tx, r.programme_id).await?
        {
            Effects {
                app: cx.app,
                programme: &p,
                request: &r,
                now: cx.now(),
            }
            .remind(tx, mentor_id, due_at)
            .await?;
        }
        Ok(())
    }
}
