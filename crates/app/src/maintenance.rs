//! Recurring work: one job per period, keyed by the period, so a runner that was down for a
//! week catches up once, not seven times. Daily maintenance clears expired sessions and old
//! sign-in failures and starts each programme's annual directory refresh when it is due; the
//! weekly digest goes out on Monday mornings.

use crate::jobs::{Job, JobCx, enqueue};
use crate::letters::WeeklyDigest;
use crate::{App, AppResult};
use chrono::{Datelike, Duration, NaiveDate};
use trellis_store::accounts;

/// Daily maintenance, keyed by its day.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Maintenance {
    /// The day it is for (only in its key: queued rows carry an empty payload).
    #[serde(skip)]
    pub day: Option<NaiveDate>,
}

impl Job for Maintenance {
    const KIND: &'static str = "maintenance";
    const MAX_ATTEMPTS: i32 = 3;

    fn key(&self) -> String {
        let day = self.day.map(|d| d.to_string()).unwrap_or_default();
        format!("{}:{day}", Self::KIND)
    }

    #[tracing::instrument(skip_all)]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let now = cx.now();
        let tx = cx.tx().await?;
        let sessions = accounts::delete_expired_sessions(tx, now).await?;
        let failures = accounts::delete_old_sign_in_failures(tx, now - Duration::days(1)).await?;
        crate::mentors::schedule_refreshes(cx.app, tx).await?;
        tracing::info!(sessions, failures, "maintenance done");
        Ok(())
    }
}

/// Makes sure today's maintenance and the next weekly digest are queued.
pub async fn ensure_recurring(s: &App) -> AppResult<()> {
    let (db, now) = (&s.store.db, s.now());
    let day = now.date_naive();
    let midnight = day.and_hms_opt(0, 0, 0).map_or(now, |d| d.and_utc());
    enqueue(db, &Maintenance { day: Some(day) }, midnight, now).await?;
    // The weekly digest goes out on Monday mornings: the next one is always waiting.
    let this_monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let mut due = this_monday
        .and_hms_opt(7, 0, 0)
        .map_or(now, |d| d.and_utc());
    if due <= now {
        due += Duration::days(7);
    }
    let digest = WeeklyDigest {
        monday: Some(due.date_naive()),
    };
    enqueue(db, &digest, due, now).await?;
    Ok(())
}
