//! The runner's pass: claims the due jobs under a lease and runs each through the one helper
//! that reads its payload, runs it, completes it in its transaction, and retries a failure
//! after its back-off. It knows every kind of job ([`standard`]).

use crate::jobs::{Couriers, JobCx, Registry};
use crate::{App, AppError, AppResult};
use chrono::Duration;
use tokio::sync::OnceCell;
use tracing::Instrument;
use trellis_store::jobs as rows;

/// Every job Trellis runs.
pub fn standard() -> Registry {
    Registry::new()
        .with::<crate::letters::DeliverMail>()
        .with::<crate::letters::WeeklyDigest>()
        .with::<crate::maintenance::Maintenance>()
        .with::<crate::mentors::ApplicationReminder>()
        .with::<crate::mentors::MentorAvailable>()
        .with::<crate::mentors::DirectoryRefresh>()
        .with::<crate::mentors::RefreshReminder>()
        .with::<crate::mentors::RefreshClose>()
        .with::<crate::requests::Deadline>()
        .with::<crate::requests::Reminder>()
        .with::<crate::relationships::EvaluationDue>()
        .with::<crate::concerns::AckReminder>()
        .with::<crate::concerns::Escalation>()
        .with::<crate::webhooks::Deliver>()
}

/// How many jobs one pass ran, how many of them failed (to be retried), and how many it gave
/// up because its lease was lost (another runner has them; nothing of this run was kept).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub succeeded: usize,
    pub failed: usize,
    pub lost: usize,
}

/// How long a runner holds the jobs it claimed, measured on the database's clock, and how
/// often it renews that while it works. A runner that dies lets its jobs go after `length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub length: std::time::Duration,
    pub renew_every: std::time::Duration,
}

impl Default for Lease {
    fn default() -> Self {
        Self {
            length: std::time::Duration::from_secs(30),
            renew_every: std::time::Duration::from_secs(10),
        }
    }
}

/// Jobs claimed at once.
const BATCH: u64 = 10;

/// A runner: its name in the leases it takes, the jobs it knows, its couriers and its lease.
pub struct Runner<'a> {
    pub app: &'a App,
    pub registry: &'a Registry,
    pub couriers: &'a dyn Couriers,
    pub id: &'a str,
    pub lease: Lease,
}

/// What became of one claimed job.
enum Outcome {
    Done,
    Lost,
}

impl Runner<'_> {
    /// Runs every job due at the clock's "now", each once, until none is left; jobs that fail
    /// are rescheduled after their back-off, so they are not run again in this pass. While a
    /// batch runs, its leases are renewed every `lease.renew_every`.
    pub async fn run_due(&self) -> AppResult<RunReport> {
        crate::maintenance::ensure_recurring(self.app).await?;
        let mut report = RunReport::default();
        let length = Duration::from_std(self.lease.length)
            .map_err(|e| AppError::internal(anyhow::anyhow!("lease length: {e}")))?;
        loop {
            let db = &self.app.store.db;
            let batch = rows::claim(db, self.id, self.app.now(), length, BATCH).await?;
            if batch.is_empty() {
                return Ok(report);
            }
            let work = async {
                for row in batch {
                    let span = tracing::info_span!("job", id = row.id, kind = %row.kind, attempt = row.attempts);
                    match self.run_one(&row).instrument(span).await {
                        Ok(Outcome::Done) => report.succeeded += 1,
                        Ok(Outcome::Lost) => {
                            report.lost += 1;
                            tracing::warn!(job = row.id, kind = %row.kind, "job's lease was lost to another runner; its work here was rolled back");
                        }
                        Err(e) => {
                            report.failed += 1;
                            tracing::warn!(job = row.id, kind = %row.kind, attempts = row.attempts, "job failed: {}", e.log_text());
                            let error = e.to_string();
                            rows::fail(db, &row, self.id, self.app.now(), &error).await?;
                        }
                    }
                }
                AppResult::Ok(())
            };
            let renew = async {
                loop {
                    tokio::time::sleep(self.lease.renew_every).await;
                    if let Err(e) = rows::renew(db, self.id, length).await {
                        tracing::warn!("could not renew the runner's leases: {e}");
                    }
                }
            };
            tokio::select! {
                done = work => done?,
                never = renew => never,
            }
        }
    }

    /// One claimed job: run, then completed in its transaction and committed, unless the
    /// lease was lost meanwhile (then the transaction is rolled back).
    async fn run_one(&self, row: &rows::Job) -> AppResult<Outcome> {
        let handler = self
            .registry
            .handlers
            .get(row.kind.as_str())
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("unknown job kind '{}'", row.kind))
            })?;
        let cx = JobCx {
            app: self.app,
            couriers: self.couriers,
            row,
            tx: OnceCell::new(),
        };
        handler(&cx, &row.payload).await?;
        let tx = match cx.tx.into_inner() {
            Some(tx) => tx,
            None => self.app.store.begin().await?,
        };
        if !rows::complete(&tx, row.id, self.id, self.app.now()).await? {
            tx.rollback().await?;
            return Ok(Outcome::Lost);
        }
        tx.commit().await?;
        Ok(Outcome::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::Job;
    use chrono::NaiveDate;
    use chrono::{DateTime, Utc};
    use serde_json::json;

    /// A job type reads the payload that rows queued before typed jobs carry, writes the same
    /// JSON back, and keys it as those rows are keyed.
    fn same_row<J: Job>(payload: serde_json::Value, job: &J, key: &str) {
        let read: J = serde_json::from_value(payload.clone())
            .unwrap_or_else(|e| panic!("{} reads {payload}: {e}", J::KIND));
        assert_eq!(
            serde_json::to_value(&read).ok(),
            Some(payload.clone()),
            "{}",
            J::KIND
        );
        assert_eq!(serde_json::to_value(job).ok(), Some(payload), "{}", J::KIND);
        assert_eq!(job.key(), key, "{}", J::KIND);
    }

    #[test]
    fn queued_rows_of_every_kind_keep_working() {
        use crate::{concerns, letters, maintenance, mentors, relationships, requests, webhooks};
        let day = NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
        let due: DateTime<Utc> = "2027-01-04T09:30:00Z".parse().expect("a time");
        same_row(
            json!({"outbox_id": 7}),
            &letters::DeliverMail { outbox_id: 7 },
            "mail:7",
        );
        same_row(
            json!({}),
            &letters::WeeklyDigest { monday: Some(day) },
            "weekly_digest:2027-01-04",
        );
        same_row(
            json!({}),
            &maintenance::Maintenance { day: Some(day) },
            "maintenance:2027-01-04",
        );
        same_row(
            json!({"application_id": 3}),
            &mentors::ApplicationReminder { application_id: 3 },
            "application_reminder:3",
        );
        same_row(
            json!({"mentor_id": 5, "until": "2027-01-04"}),
            &mentors::MentorAvailable {
                mentor_id: 5,
                until: day,
            },
            "mentor_available:5:2027-01-04",
        );
        let year = json!({"programme_id": 2, "year": 2027});
        let (programme_id, y) = (2, 2027);
        same_row(
            year.clone(),
            &mentors::DirectoryRefresh {
                programme_id,
                year: y,
            },
            "refresh:2:2027",
        );
        same_row(
            year.clone(),
            &mentors::RefreshReminder {
                programme_id,
                year: y,
            },
            "refresh_reminder:2:2027",
        );
        same_row(
            year,
            &mentors::RefreshClose {
                programme_id,
                year: y,
            },
            "refresh_close:2:2027",
        );
        let offer = json!({"request_id": 9, "offer": 2});
        same_row(
            offer.clone(),
            &requests::Deadline {
                request_id: 9,
                offer: 2,
            },
            "request_deadline:9:2",
        );
        same_row(
            offer,
            &requests::Reminder {
                request_id: 9,
                offer: 2,
                which: 1,
            },
            "request_reminder:9:2:1",
        );
        same_row(
            json!({"relationship_id": 4, "due": "2027-01-04T09:30:00Z"}),
            &relationships::EvaluationDue {
                relationship_id: 4,
                due,
            },
            "evaluation_due:4:2027-01-04",
        );
        let concern = json!({"concern_id": 6});
        same_row(
            concern.clone(),
            &concerns::AckReminder { concern_id: 6 },
            "concern_reminder:6",
        );
        same_row(
            concern,
            &concerns::Escalation { concern_id: 6 },
            "concern_escalation:6",
        );
        same_row(
            json!({"delivery_id": 8}),
            &webhooks::Deliver { delivery_id: 8 },
            "webhook:8",
        );
    }

    #[test]
    fn the_registry_knows_every_kind_once() {
        let mut kinds: Vec<&str> = standard().kinds().collect();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            [
                "application_reminder",
                "concern_escalation",
                "concern_reminder",
                "deliver_mail",
                "directory_refresh",
                "evaluation_due",
                "maintenance",
                "mentor_available",
                "refresh_close",
                "refresh_reminder",
                "request_deadline",
                "request_reminder",
                "webhook_delivery",
                "weekly_digest",
            ]
        );
    }
}
