//! The `trellis` program: configuration, assembling the app from its parts, the demo
//! installation and the command line. `main.rs` only parses arguments and calls in here.

pub mod backup;
pub mod cli;
pub mod config;
pub mod demo;
pub mod generate;
pub mod logging;
pub mod matching;
pub mod progress;

use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use trellis_app::{App, AppConfig};
use trellis_domain::clock::SharedClock;
use trellis_domain::mail::Site;
use trellis_store::Store;
use trellis_web::AppState;
use trellis_worker::{MailTransport, Mailer, Runner};

pub use config::Config;

/// Everything a running Trellis is made of.
#[derive(Debug, Clone)]
pub struct Parts {
    pub state: AppState,
    pub runner: Runner,
}

/// Opens and migrates the database, and builds the web state and the job runner.
pub async fn assemble(config: &Config, clock: SharedClock) -> Result<Parts> {
    let url = config.database_url();
    let store = trellis_store::connect(&url)
        .await
        .with_context(|| format!("opening the database {}", config::hide_password(&url)))?;
    let ran = store
        .migrate()
        .await
        .context("applying database migrations")?;
    if !ran.is_empty() {
        tracing::info!(migrations = ?ran, "database migrated");
    }
    parts_for(config, store, clock)
}

/// Builds the parts over an already migrated store.
pub fn parts_for(config: &Config, store: Store, clock: SharedClock) -> Result<Parts> {
    let keys = trellis_store::sealed::Keys::parse(&config.content_keys()?)
        .context("content keys (TRELLIS_CONTENT_KEYS)")?;
    if config.content_keys.is_none() && store.backend() == trellis_store::Backend::Postgres {
        tracing::warn!(
            "PostgreSQL without TRELLIS_CONTENT_KEYS: this instance keeps its own key file; give every instance the same keys"
        );
    }
    let store = store.with_keys(keys);
    let transport = MailTransport::parse(&config.mail_transport, config.mail_dir())?;
    let mailer = Arc::new(Mailer::new(transport, &config.mail_from)?);
    let public_url = config.public_url();
    let app = App::new(
        store,
        clock,
        AppConfig {
            site: Site {
                public_url: public_url.clone(),
                name: config.site_name.clone(),
            },
            mail_host: config.mail_host(),
        },
    );
    let runner = Runner::new(app.clone(), mailer);
    Ok(Parts {
        state: AppState::new(app, public_url.starts_with("https://"))
            .behind(config.trusted_proxies()?),
        runner,
    })
}

/// A Trellis serving on a listener; stop it with [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    pub parts: Parts,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    jobs: Option<JoinHandle<()>>,
}

impl Running {
    pub async fn stop(self) -> Result<()> {
        let _ = self.shutdown.send(true);
        self.server.await??;
        if let Some(j) = self.jobs {
            j.await?;
        }
        Ok(())
    }

    /// A handle that stops the server when sent `true`.
    pub fn shutdown_handle(&self) -> watch::Sender<bool> {
        self.shutdown.clone()
    }

    /// Waits until the server ends (on Ctrl-C or SIGTERM when started by [`serve`]).
    pub async fn wait(self) -> Result<()> {
        let Self {
            server,
            jobs,
            shutdown,
            ..
        } = self;
        server.await??;
        let _ = shutdown.send(true);
        if let Some(j) = jobs {
            j.await?;
        }
        Ok(())
    }
}

/// Serves the web app on `listener` and, if `run_jobs`, runs the job runner beside it.
pub fn start(
    parts: Parts,
    listener: TcpListener,
    run_jobs: bool,
    poll: std::time::Duration,
) -> Result<Running> {
    let addr = listener.local_addr()?;
    let (tx, rx) = watch::channel(false);
    let app = trellis_web::router(parts.state.clone());
    let mut server_rx = rx.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = server_rx.wait_for(|stop| *stop).await;
        })
        .await
    });
    let jobs = run_jobs.then(|| {
        let runner = parts.runner.clone();
        tokio::spawn(async move { runner.run_until(poll, rx).await })
    });
    Ok(Running {
        addr,
        parts,
        shutdown: tx,
        server,
        jobs,
    })
}

/// Resolves when the process is asked to stop (Ctrl-C, or SIGTERM on Unix).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
