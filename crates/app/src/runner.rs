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

/// How many jobs one pass ran, and how many of them failed (to be retried).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub succeeded: usize,
    pub failed: usize,
}

/// How long a runner holds the jobs it claimed.
const LEASE_MINUTES: i64 = 5;
/// Jobs claimed at once.
const BATCH: u64 = 10;

/// A runner: its name in the leases it takes, the jobs it knows, and its couriers.
pub struct Runner<'a> {
    pub app: &'a App,
    pub registry: &'a Registry,
    pub couriers: &'a dyn Couriers,
    pub id: &'a str,
}

impl Runner<'_> {
    /// Runs every job due at the clock's "now", each once, until none is left; jobs that fail
    /// are rescheduled after their back-off, so they are not run again in this pass.
    pub async fn run_due(&self) -> AppResult<RunReport> {
        crate::maintenance::ensure_recurring(self.app).await?;
        let mut report = RunReport::default();
        loop {
            let now = self.app.now();
            let lease = Duration::minutes(LEASE_MINUTES);
            let batch = rows::claim(&self.app.store.db, self.id, now, lease, BATCH).await?;
            if batch.is_empty() {
                return Ok(report);
            }
            for row in batch {
                let span = tracing::info_span!("job", id = row.id, kind = %row.kind, attempt = row.attempts);
                match self.run_one(&row).instrument(span).await {
                    Ok(()) => report.succeeded += 1,
                    Err(e) => {
                        report.failed += 1;
                        tracing::warn!(job = row.id, kind = %row.kind, attempts = row.attempts, "job failed: {}", e.log_text());
                        let error = e.to_string();
                        rows::fail(&self.app.store.db, &row, self.id, self.app.now(), &error)
                            .await?;
                    }
                }
            }
        }
    }

    /// One claimed job: run, then completed in its transaction and committed.
    async fn run_one(&self, row: &rows::Job) -> AppResult<()> {
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
        rows::complete(&tx, row.id, self.id, self.app.now()).await?;
        tx.commit().await?;
        Ok(())
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
