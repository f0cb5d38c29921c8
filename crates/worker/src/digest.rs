//! The weekly digest: one email per member who chose it, listing the letters held for them
//! since the last one (each also in their notification centre).

use crate::runner::Runner;
use anyhow::Result;
use sea_orm::TransactionTrait;
use trellis_store::jobs::{self, Job};
use trellis_store::{accounts, notifications, outbox};

impl Runner {
    pub(crate) async fn weekly_digest(&self, job: &Job) -> Result<()> {
        for user_id in notifications::digest_recipients(&self.store.db).await? {
            let tx = self.store.db.begin().await?;
            let items = notifications::take_digest(&tx, user_id).await?;
            if let (Some(u), false) = (accounts::user_by_id(&tx, user_id).await?, items.is_empty())
            {
                let base = self.site.public_url.trim_end_matches('/');
                let lines: Vec<(String, Option<String>)> = items
                    .into_iter()
                    .map(|i| (i.subject, i.link.map(|l| format!("{base}{l}"))))
                    .collect();
                let message = trellis_domain::mail::digest(&self.site, &lines)
                    .to(&self.site, &u.email, &u.name);
                outbox::queue(&tx, &message, &self.mail_host, self.clock.now()).await?;
            }
            tx.commit().await?;
        }
        // Run again after a crash, it finds nothing left for those already sent.
        jobs::complete(&self.store.db, job.id, self.id(), self.clock.now()).await?;
        Ok(())
    }
}
