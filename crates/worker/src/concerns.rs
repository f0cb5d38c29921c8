//! Timed rules of concerns: remind the handlers before the acknowledgement target, and send a
//! concern still unacknowledged at the target to the chair (once).

use crate::runner::Runner;
use anyhow::{Result, anyhow};
use sea_orm::TransactionTrait;
use trellis_domain::audit::AuditEntry;
use trellis_domain::concern::route;
use trellis_domain::mail::concerns as letters;
use trellis_domain::role::StaffRole;
use trellis_store::jobs::{self, Job};
use trellis_store::{audit, concerns, notifications, programmes};

impl Runner {
    async fn tell(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        programme_id: i64,
        user_id: i64,
        letter: &trellis_domain::mail::Letter,
    ) -> Result<()> {
        notifications::tell_user(
            tx,
            notifications::From {
                site: &self.site,
                mail_host: &self.mail_host,
                now: self.clock.now(),
            },
            user_id,
            Some(programme_id),
            letter,
        )
        .await?;
        Ok(())
    }

    fn concern_of(job: &Job) -> Result<i64> {
        job.payload_json()["concern_id"]
            .as_i64()
            .ok_or_else(|| anyhow!("payload has no concern_id"))
    }

    pub(crate) async fn concern_reminder(&self, job: &Job) -> Result<()> {
        let id = Self::concern_of(job)?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        if let Some(c) = concerns::get(&tx, id).await?
            && c.status == "open"
            && let Some(p) = programmes::by_id(&tx, c.programme_id).await?
        {
            let link = format!("/concerns/{id}");
            let url = format!("{}{link}", self.site.public_url);
            for h in concerns::handlers(&tx, id).await? {
                self.tell(&tx, p.id, h, &letters::reminder(&p.name, &url))
                    .await?;
            }
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn concern_escalation(&self, job: &Job) -> Result<()> {
        let id = Self::concern_of(job)?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        if let Some(c) = concerns::get(&tx, id).await?
            && c.status == "open"
            && let Some(p) = programmes::by_id(&tx, c.programme_id).await?
            && concerns::escalate(&tx, id, now).await?
        {
            let staff: Vec<(i64, StaffRole)> = programmes::staff(&tx, p.id)
                .await?
                .into_iter()
                .filter_map(|m| m.role.parse().ok().map(|r| (m.user_id, r)))
                .collect();
            // As a concern about staff: the chair, never the subject.
            if let Ok(routing) = route(&staff, c.subject_id, true) {
                let already = concerns::handlers(&tx, id).await?;
                concerns::add_handlers(&tx, id, &routing.handlers, now).await?;
                let link = format!("/concerns/{id}");
                let url = format!("{}{link}", self.site.public_url);
                for h in routing.handlers.iter().filter(|h| !already.contains(h)) {
                    self.tell(&tx, p.id, *h, &letters::escalated(&p.name, &url))
                        .await?;
                }
            }
            audit::record(
                &tx,
                &AuditEntry::new(
                    "concern.escalated",
                    "concern",
                    Some(id),
                    "not acknowledged in time: to the chair",
                )
                .in_programme(p.id),
                now,
            )
            .await?;
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }
}
