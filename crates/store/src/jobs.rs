//! The jobs table: timed work as rows (the kinds of job and what they do are
//! `trellis_app::jobs`). A job has a kind, a unique key naming the one effect it has (so
//! enqueueing the same effect twice keeps one row), a due time, and a lease while a runner
//! works on it. Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
//! instances never take the same job; SQLite serialises writers by itself.

use crate::Result;
use crate::sql::{self, Count};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult};

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    /// Unique per effect, e.g. `mail:42` or `maintenance:2026-11-23`.
    pub key: String,
    pub payload: serde_json::Value,
    pub due_at: DateTime<Utc>,
    pub max_attempts: i32,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    pub due_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Adds a job unless one with the same key exists; returns whether it was added.
pub async fn enqueue(c: &impl ConnectionTrait, j: &NewJob, now: DateTime<Utc>) -> Result<bool> {
    let n = sql::exec(
        c,
        "INSERT INTO jobs (kind, key, payload, due_at, attempts, max_attempts, created_at) VALUES ($1, $2, $3, $4, 0, $5, $6) \
         ON CONFLICT (key) DO NOTHING",
        vec![j.kind.into(), j.key.clone().into(), j.payload.to_string().into(), j.due_at.into(), j.max_attempts.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// The database's own time. Leases are measured on it, never on a runner's clock: a runner
/// told to act as of another time (`jobs run --as-of`) or whose clock is off must still see
/// the leases other runners hold as they do.
pub async fn database_now(c: &impl ConnectionTrait) -> Result<DateTime<Utc>> {
    let query = if c.get_database_backend() == DbBackend::Postgres {
        r#"SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now"#
    } else {
        "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS now"
    };
    #[derive(FromQueryResult)]
    struct Now {
        now: String,
    }
    let row: Option<Now> = sql::one(c, query, vec![]).await?;
    let text = row.map(|r| r.now).unwrap_or_default();
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            crate::StoreError::Db(sea_orm::DbErr::Custom(format!(
                "the database's time '{text}': {e}"
            )))
        })
}

/// Takes up to `limit` jobs due by `due_by` (the runner's "now", which `--as-of` moves) for
/// `runner`, leased for `lease` of the database's time. A job whose lease ran out (its runner
/// died or lost touch) can be taken again.
pub async fn claim(
    c: &impl ConnectionTrait,
    runner: &str,
    due_by: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Job>> {
    let lock = if c.get_database_backend() == DbBackend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let now = database_now(c).await?;
    let text = format!(
        "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 WHERE id IN (\
           SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND due_at <= $3 \
           AND (locked_until IS NULL OR locked_until <= $5) ORDER BY due_at, id LIMIT $4 {lock}) \
         RETURNING id, kind, key, payload, due_at, attempts, max_attempts"
    );
    let mut jobs: Vec<Job> = sql::all(
        c,
        &text,
        vec![
            runner.into(),
            (now + lease).into(),
            due_by.into(),
            i64::try_from(limit).unwrap_or(1).into(),
            now.into(),
        ],
    )
    .await?;
    jobs.sort_by_key(|j| (j.due_at, j.id));
    Ok(jobs)
}

/// Extends the leases `runner` still holds by `lease` from the database's time, while it
/// works on them; returns how many.
pub async fn renew(c: &impl ConnectionTrait, runner: &str, lease: Duration) -> Result<u64> {
    let now = database_now(c).await?;
    sql::exec(
        c,
        "UPDATE jobs SET locked_until = $2 WHERE locked_by = $1 AND locked_until IS NOT NULL \
         AND done_at IS NULL AND failed_at IS NULL",
        vec![runner.into(), (now + lease).into()],
    )
    .await
}

/// Marks a job done, if `runner` still holds it. `false` means the lease was lost and another
/// runner may have taken it: the caller must roll back its effect.
pub async fn complete(
    c: &impl ConnectionTrait,
    id: i64,
    runner: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE jobs SET done_at = $3, locked_until = NULL, last_error = NULL WHERE id = $1 AND locked_by = $2 AND done_at IS NULL",
        vec![id.into(), runner.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Exponential back-off after the `attempts`-th failure: 30 s, 1 min, 2 min … at most 6 h.
pub fn backoff(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let secs = 30_i64.saturating_mul(2_i64.saturating_pow(exp));
    Duration::seconds(secs.min(6 * 3600))
}

/// Records a failure: retried after [`backoff`], or given up after `max_attempts`.
pub async fn fail(
    c: &impl ConnectionTrait,
    job: &Job,
    runner: &str,
    now: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    let error: String = error.chars().take(2000).collect();
    if job.attempts >= job.max_attempts {
        sql::exec(
            c,
            "UPDATE jobs SET failed_at = $3, locked_until = NULL, last_error = $4 WHERE id = $1 AND locked_by = $2",
            vec![job.id.into(), runner.into(), now.into(), error.into()],
        )
        .await?;
    } else {
        sql::exec(
            c,
            "UPDATE jobs SET due_at = $3, locked_until = NULL, last_error = $4 WHERE id = $1 AND locked_by = $2",
            vec![job.id.into(), runner.into(), (now + backoff(job.attempts)).into(), error.into()],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub waiting: i64,
    pub done: i64,
    pub failed: i64,
}

pub async fn counts(c: &impl ConnectionTrait) -> Result<QueueCounts> {
    let n = |q: &'static str| async move {
        sql::one::<Count>(c, q, vec![])
            .await
            .map(|r| r.map_or(0, |r| r.n))
    };
    Ok(QueueCounts {
        waiting: n("SELECT COUNT(*) AS n FROM jobs WHERE done_at IS NULL AND failed_at IS NULL")
            .await?,
        done: n("SELECT COUNT(*) AS n FROM jobs WHERE done_at IS NOT NULL").await?,
        failed: n("SELECT COUNT(*) AS n FROM jobs WHERE failed_at IS NOT NULL").await?,
    })
}

/// The earliest due time of a waiting job, for a runner deciding how long to sleep.
pub async fn next_due(c: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>> {
    #[derive(FromQueryResult)]
    struct Next {
        due_at: Option<DateTime<Utc>>,
    }
    let r: Option<Next> = sql::one(
        c,
        "SELECT MIN(due_at) AS due_at FROM jobs WHERE done_at IS NULL AND failed_at IS NULL",
        vec![],
    )
    .await?;
    Ok(r.and_then(|r| r.due_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(40), Duration::hours(6));
    }
}
