//! Timed work: each job is a Rust type (its payload a serde struct) with its kind, its
//! idempotency key and its `run`; a row of the jobs table holds one until it is done. One
//! helper, [`crate::runner::Runner::run_due`], owns what surrounds every job: claiming due
//! rows under a lease, reading the payload, running it, completing it in the job's own
//! transaction, and retrying a failure after its back-off.
//!
//! A job's kind and payload are what the rows already in an installation's jobs table say, so
//! an upgrade loses no queued job: a type may gain fields only with `#[serde(default)]`.

use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::OnceCell;
use trellis_store::jobs::{self as rows, NewJob};
pub use trellis_store::outbox::OutboxMail;
use trellis_store::{ConnectionTrait, DatabaseTransaction};

/// Timed work, stored as a row until it is done.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The row's kind. Never change it: queued rows carry it.
    const KIND: &'static str;
    /// Tries before the job is given up (with [`rows::backoff`] between them).
    const MAX_ATTEMPTS: i32 = 10;

    /// Names the one effect the job has, so that queueing it twice keeps one row.
    fn key(&self) -> String;

    /// Does the work. What it writes goes through [`JobCx::tx`], the transaction that also
    /// records the job done; work outside the database (sending mail) comes before it.
    fn run(&self, cx: &JobCx<'_>) -> impl Future<Output = AppResult<()>> + Send;
}

/// Queues `job` to run at `due` in the caller's transaction, unless a job with its key is
/// queued already; returns whether it was added.
pub async fn enqueue<J: Job>(
    c: &impl ConnectionTrait,
    job: &J,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let payload = serde_json::to_value(job)
        .map_err(|e| AppError::internal(anyhow::anyhow!("{} payload: {e}", J::KIND)))?;
    let row = NewJob {
        kind: J::KIND,
        key: job.key(),
        payload,
        due_at: due,
        max_attempts: J::MAX_ATTEMPTS,
    };
    Ok(rows::enqueue(c, &row, now).await?)
}

/// What a job may reach outside the database: mail and webhook receivers. The worker crate
/// gives the real ones (lettre, reqwest); tests may give their own.
pub trait Couriers: Send + Sync {
    /// Hands one message to the mail transport.
    fn send_mail<'a>(&'a self, mail: &'a OutboxMail) -> BoxFuture<'a, anyhow::Result<()>>;

    /// POSTs a webhook delivery; the receiver's status, or why it could not be reached.
    fn post<'a>(&'a self, post: &'a WebhookPost) -> BoxFuture<'a, Result<u16, String>>;
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One webhook delivery, ready to send.
#[derive(Debug, Clone)]
pub struct WebhookPost {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// What a running job has: the application, the couriers, and its transaction.
pub struct JobCx<'a> {
    pub app: &'a App,
    pub couriers: &'a dyn Couriers,
    /// The job's row.
    pub row: &'a rows::Job,
    pub(crate) tx: OnceCell<DatabaseTransaction>,
}

impl JobCx<'_> {
    /// The job's transaction, begun at first use; it is committed with the job's completion,
    /// or rolled back if the job fails.
    pub async fn tx(&self) -> AppResult<&DatabaseTransaction> {
        self.tx
            .get_or_try_init(|| self.app.store.begin())
            .await
            .map_err(AppError::from)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.app.now()
    }
}

pub(crate) type Handler = for<'a> fn(&'a JobCx<'a>, &'a str) -> BoxFuture<'a, AppResult<()>>;

fn handle<'a, J: Job>(cx: &'a JobCx<'a>, payload: &'a str) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(async move {
        let job: J = serde_json::from_str(payload).map_err(|e| {
            AppError::internal(anyhow::anyhow!(
                "{} job {}: payload {e}",
                J::KIND,
                cx.row.id
            ))
        })?;
        job.run(cx).await
    })
}

/// Every kind of job, by the name its rows carry.
#[derive(Default)]
pub struct Registry {
    pub(crate) handlers: HashMap<&'static str, Handler>,
}

impl Registry {
    pub fn new() -> Self {
        Self {
            handlers: HashMap::new(),
        }
    }

    /// Adds a kind of job.
    #[must_use]
    pub fn with<J: Job>(mut self) -> Self {
        let old = self.handlers.insert(J::KIND, handle::<J>);
        assert!(old.is_none(), "job kind {} registered twice", J::KIND);
        self
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }
}
