//! The job runner: `trellis serve` runs it in a loop, `trellis jobs run --as-of` once, at the
//! clock's time. Everything around a job (claim, run, complete, back-off) is
//! [`trellis_app::jobs`]; this holds the couriers the jobs reach the world with.

use crate::mailer::Mailer;
use crate::webhooks::WebhookClient;
use anyhow::Result;
use std::sync::Arc;
use tokio::sync::watch;
use trellis_app::App;
use trellis_app::jobs::{BoxFuture, Couriers, OutboxMail, Registry, WebhookPost};
use trellis_app::runner;

pub use trellis_app::runner::{Lease, RunReport};

/// The real couriers: lettre for mail, reqwest for webhooks (its client made at the first
/// delivery: most runs send none).
#[derive(Debug)]
struct Real {
    mailer: Arc<Mailer>,
    webhooks: std::sync::OnceLock<Result<WebhookClient, String>>,
}

impl Couriers for Real {
    fn send_mail<'a>(&'a self, mail: &'a OutboxMail) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(self.mailer.deliver(mail))
    }

    fn post<'a>(&'a self, post: &'a WebhookPost) -> BoxFuture<'a, Result<u16, String>> {
        Box::pin(async move {
            let client = self
                .webhooks
                .get_or_init(|| WebhookClient::new().map_err(|e| format!("no HTTP client: {e:#}")));
            match client {
                Ok(c) => c.post(post).await,
                Err(e) => Err(e.clone()),
            }
        })
    }
}

#[derive(Clone)]
pub struct Runner {
    app: App,
    registry: Arc<Registry>,
    couriers: Arc<Real>,
    id: String,
    lease: runner::Lease,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Runner {
    pub fn new(app: App, mailer: Arc<Mailer>) -> Self {
        let id = format!(
            "{}-{}-{}",
            hostname(),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            app,
            registry: Arc::new(runner::standard()),
            couriers: Arc::new(Real {
                mailer,
                webhooks: std::sync::OnceLock::new(),
            }),
            id,
            lease: runner::Lease::default(),
        }
    }

    /// The same runner under another name and lease (tests use short ones).
    pub fn with_lease(mut self, id: &str, lease: runner::Lease) -> Self {
        self.id = id.to_owned();
        self.lease = lease;
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs every job due at the clock's "now", each once, until none is left; jobs that fail
    /// are rescheduled after their back-off, so they are not run again in this call.
    pub async fn run_due(&self) -> Result<RunReport> {
        let runner = runner::Runner {
            app: &self.app,
            registry: &self.registry,
            couriers: self.couriers.as_ref(),
            id: &self.id,
            lease: self.lease,
        };
        Ok(runner.run_due().await?)
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
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "trellis".into())
}
