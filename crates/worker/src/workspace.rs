//! Timed rules of the relationship workspace: the periodic evaluation reminder.

use crate::runner::Runner;
use anyhow::{Result, anyhow};
use sea_orm::TransactionTrait;
use trellis_domain::evaluation::next_due;
use trellis_domain::mail::workspace as letters;
use trellis_store::jobs::{self, Job};
use trellis_store::{notifications, programmes, workspace};

impl Runner {
    /// A relationship's periodic evaluation is due: remind its current members (email and
    /// in-app) and set up the next one. A closed relationship gets neither. After downtime
    /// the reminder goes out once and the next due date is in the future.
    pub(crate) async fn evaluation_due(&self, job: &Job) -> Result<()> {
        let p = job.payload_json();
        let id = p["relationship_id"]
            .as_i64()
            .ok_or_else(|| anyhow!("payload has no relationship_id"))?;
        let due: chrono::DateTime<chrono::Utc> = serde_json::from_value(p["due"].clone())
            .map_err(|e| anyhow!("payload has no due date: {e}"))?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        if let Some(rel) = workspace::relationship(&tx, id).await?
            && rel.phase != "closed"
            && let Some(prog) = programmes::by_id(&tx, rel.programme_id).await?
        {
            // Paused (a concern): no reminder now; the next one is still set up.
            let paused = rel.paused_at.is_some();
            let members = workspace::members(&tx, id).await?;
            let current: Vec<_> = members.iter().filter(|m| m.left_at.is_none()).collect();
            let url = format!("{}/relationships/{id}/evaluations", self.site.public_url);
            for m in current.iter().filter(|_| !paused) {
                let others: Vec<&str> = current
                    .iter()
                    .filter(|o| o.user_id != m.user_id)
                    .map(|o| o.name.as_str())
                    .collect();
                let letter = letters::evaluation_due(&prog.name, &others.join(" and "), &url);
                let to = notifications::To {
                    user_id: m.user_id,
                    email: &m.email,
                    name: &m.name,
                };
                notifications::tell(
                    &tx,
                    notifications::From {
                        site: &self.site,
                        mail_host: &self.mail_host,
                        now,
                    },
                    to,
                    Some(prog.id),
                    &letter,
                    None,
                )
                .await?;
            }
            let next = next_due(due, prog.evaluation_every_days, now);
            workspace::schedule_evaluation(&tx, id, next, now).await?;
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }
}
