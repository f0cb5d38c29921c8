//! Timed rules of the allocation cascade: passing a request on when a mentor's reply window
//! ends, and reminding the mentor before it does.

use crate::runner::Runner;
use anyhow::{Result, anyhow};
use chrono::Duration;
use sea_orm::TransactionTrait;
use trellis_domain::audit::AuditEntry;
use trellis_domain::request::{Refused, Status};
use trellis_store::jobs::{self, Job};
use trellis_store::requests::{self, Effects, state_of};
use trellis_store::{audit, programmes};

/// The mentor and deadline of the request's `n`-th offer, if it is still the current one.
fn held(
    c: &trellis_domain::request::Cascade,
    n: usize,
) -> Option<(i64, chrono::DateTime<chrono::Utc>)> {
    match c.status {
        Status::Offered {
            mentor_id, due_at, ..
        } if c.offered.len() == n => Some((mentor_id, due_at)),
        _ => None,
    }
}

fn offer_of(job: &Job) -> Result<(i64, usize)> {
    let p = job.payload_json();
    let id = p["request_id"]
        .as_i64()
        .ok_or_else(|| anyhow!("payload has no request_id"))?;
    let n = p["offer"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| anyhow!("payload has no offer"))?;
    Ok((id, n))
}

impl Runner {
    /// The window of the request's `offer`-th offer has ended: pass it on, once. If the
    /// request moved on meanwhile (accepted, declined, withdrawn) there is nothing to do. If a
    /// reply lands at the same moment, one of the two wins (version check) and this job then
    /// finds nothing to do on its retry.
    pub(crate) async fn request_deadline(&self, job: &Job) -> Result<()> {
        let (id, n) = offer_of(job)?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        let Some(r) = requests::get(&tx, id).await? else {
            jobs::complete(&tx, job.id, self.id(), now).await?;
            tx.commit().await?;
            return Ok(());
        };
        let mut c = r.cascade()?;
        if c.offered.len() == n && matches!(c.status, Status::Offered { .. }) {
            let p = programmes::by_id(&tx, r.programme_id)
                .await?
                .ok_or_else(|| anyhow!("programme gone"))?;
            let states = requests::mentor_states(&tx, p.id, &c.choices).await?;
            let window = Duration::days(i64::from(p.reply_window_days));
            match c.deadline(now, window, |m| state_of(&states, m)) {
                Ok(events) => {
                    if !requests::save(&tx, id, r.version, &c, now).await? {
                        return Err(anyhow!(
                            "request {id} changed while passing it on; will look again"
                        ));
                    }
                    Effects {
                        site: &self.site,
                        mail_host: &self.mail_host,
                        programme: &p,
                        request: &r,
                        now,
                    }
                    .apply(&tx, &c, &events)
                    .await?;
                    audit::record(
                        &tx,
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
                }
                Err(Refused::NotDue) => {
                    return Err(anyhow!(
                        "request {id}: the deadline job ran before the deadline"
                    ));
                }
                Err(_) => {}
            }
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reminds the mentor holding the request's `offer`-th offer, if they still hold it.
    pub(crate) async fn request_reminder(&self, job: &Job) -> Result<()> {
        let (id, n) = offer_of(job)?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        if let Some(r) = requests::get(&tx, id).await?
            && let Some((mentor_id, due_at)) = held(&r.cascade()?, n)
            && let Some(p) = programmes::by_id(&tx, r.programme_id).await?
        {
            Effects {
                site: &self.site,
                mail_host: &self.mail_host,
                programme: &p,
                request: &r,
                now,
            }
            .remind(&tx, mentor_id, due_at)
            .await?;
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }
}
