//! The job runner: claims due jobs, runs each once, records the outcome. The same code serves
//! `trellis serve` (a loop) and `trellis jobs run --as-of` (once, at the clock's time).

use crate::mailer::Mailer;
use anyhow::{Result, anyhow};
use chrono::Duration;
use sea_orm::TransactionTrait;
use std::sync::Arc;
use tokio::sync::watch;
use trellis_domain::clock::SharedClock;
use trellis_domain::mail::Site;
use trellis_store::jobs::{self, Job, NewJob, kinds};
use trellis_store::{Store, accounts, outbox};

pub const MAINTENANCE_JOB: &str = kinds::MAINTENANCE;
const LEASE_MINUTES: i64 = 5;
const BATCH: u64 = 10;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub succeeded: usize,
    pub failed: usize,
}

#[derive(Debug, Clone)]
pub struct Runner {
    pub(crate) store: Store,
    pub(crate) clock: SharedClock,
    mailer: Arc<Mailer>,
    /// For links and Message-IDs in the mail that jobs send.
    pub(crate) site: Site,
    pub(crate) mail_host: String,
    id: String,
}

impl Runner {
    pub fn new(
        store: Store,
        clock: SharedClock,
        mailer: Arc<Mailer>,
        site: Site,
        mail_host: String,
    ) -> Self {
        let id = format!(
            "{}-{}-{}",
            hostname(),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            store,
            clock,
            mailer,
            site,
            mail_host,
            id,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs every job due at the clock's "now", each once, until none is left; jobs that fail
    /// are rescheduled after their back-off, so they are not run again in this call.
    pub async fn run_due(&self) -> Result<RunReport> {
        self.ensure_recurring().await?;
        let mut report = RunReport::default();
        loop {
            let now = self.clock.now();
            let batch = jobs::claim(
                &self.store.db,
                &self.id,
                now,
                Duration::minutes(LEASE_MINUTES),
                BATCH,
            )
            .await?;
            if batch.is_empty() {
                return Ok(report);
            }
            for job in batch {
                match self.run_one(&job).await {
                    Ok(()) => report.succeeded += 1,
                    Err(e) => {
                        report.failed += 1;
                        tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %format!("{e:#}"), "job failed");
                        jobs::fail(
                            &self.store.db,
                            &job,
                            &self.id,
                            self.clock.now(),
                            &format!("{e:#}"),
                        )
                        .await?;
                    }
                }
            }
        }
    }

    /// Runs due jobs every `poll` until `shutdown` turns true.
    pub async fn run_until(&self, poll: std::time::Duration, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(runner = %self.id, "job runner started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            if let Err(e) = self.run_due().await {
                tracing::error!(error = %format!("{e:#}"), "job runner pass failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!(runner = %self.id, "job runner stopped");
    }

    /// Recurring work gets one job per period, keyed by the period: a runner that was down
    /// for a week catches up once, not seven times.
    async fn ensure_recurring(&self) -> Result<()> {
        let now = self.clock.now();
        let day = now.date_naive();
        let due = day.and_hms_opt(0, 0, 0).map_or(now, |d| d.and_utc());
        let job = NewJob {
            kind: MAINTENANCE_JOB,
            key: format!("{MAINTENANCE_JOB}:{day}"),
            payload: serde_json::json!({}),
            due_at: due,
            max_attempts: 3,
        };
        jobs::enqueue(&self.store.db, &job, now).await?;
        // The weekly digest goes out on Monday mornings: the next one is always waiting.
        use chrono::Datelike;
        let this_monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        let mut due = this_monday
            .and_hms_opt(7, 0, 0)
            .map_or(now, |d| d.and_utc());
        if due <= now {
            due += Duration::days(7);
        }
        let digest = NewJob {
            kind: kinds::WEEKLY_DIGEST,
            key: format!("{}:{}", kinds::WEEKLY_DIGEST, due.date_naive()),
            payload: serde_json::json!({}),
            due_at: due,
            max_attempts: 5,
        };
        jobs::enqueue(&self.store.db, &digest, now).await?;
        Ok(())
    }

    async fn run_one(&self, job: &Job) -> Result<()> {
        match job.kind.as_str() {
            kinds::DELIVER_MAIL => self.deliver_mail(job).await,
            kinds::MAINTENANCE => self.maintenance(job).await,
            kinds::APPLICATION_REMINDER => self.application_reminder(job).await,
            kinds::MENTOR_AVAILABLE => self.mentor_available(job).await,
            kinds::DIRECTORY_REFRESH => self.directory_refresh(job).await,
            kinds::REFRESH_REMINDER => self.refresh_reminder(job).await,
            kinds::REFRESH_CLOSE => self.refresh_close(job).await,
            kinds::REQUEST_DEADLINE => self.request_deadline(job).await,
            kinds::REQUEST_REMINDER => self.request_reminder(job).await,
            kinds::EVALUATION_DUE => self.evaluation_due(job).await,
            kinds::CONCERN_REMINDER => self.concern_reminder(job).await,
            kinds::CONCERN_ESCALATION => self.concern_escalation(job).await,
            kinds::WEBHOOK_DELIVERY => self.webhook_delivery(job).await,
            kinds::WEEKLY_DIGEST => self.weekly_digest(job).await,
            other => Err(anyhow!("unknown job kind '{other}'")),
        }
    }

    async fn deliver_mail(&self, job: &Job) -> Result<()> {
        let id = job.payload_json()["outbox_id"]
            .as_i64()
            .ok_or_else(|| anyhow!("payload has no outbox_id"))?;
        let Some(mail) = outbox::by_id(&self.store.db, id).await? else {
            // Deleted (its recipient was erased): nothing to send.
            let tx = self.store.db.begin().await?;
            jobs::complete(&tx, job.id, &self.id, self.clock.now()).await?;
            tx.commit().await?;
            return Ok(());
        };
        if mail.sent_at.is_none() {
            self.mailer.deliver(&mail).await?;
        }
        let tx = self.store.db.begin().await?;
        outbox::mark_sent(&tx, id, self.clock.now()).await?;
        jobs::complete(&tx, job.id, &self.id, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn maintenance(&self, job: &Job) -> Result<()> {
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        let sessions = accounts::delete_expired_sessions(&tx, now).await?;
        let failures = accounts::delete_old_sign_in_failures(&tx, now - Duration::days(1)).await?;
        self.schedule_refreshes(&tx).await?;
        jobs::complete(&tx, job.id, &self.id, now).await?;
        tx.commit().await?;
        tracing::info!(sessions, failures, "maintenance done");
        Ok(())
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "trellis".into())
}
