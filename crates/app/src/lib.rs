//! Trellis's application layer: what people can do, written once and called by the pages, the
//! API, the job runner and the CLI. Each action parses its input into domain types, checks the
//! access rule, and writes its change, what follows from it (letters, notifications, webhooks,
//! timed jobs) and its audit row in one transaction. Nothing here knows HTTP: errors are
//! [`AppError`], which each edge shows in its own way.

pub mod accounts;
pub mod audit;
pub mod concerns;
pub mod dashboard;
pub mod development;
pub mod email_texts;
mod error;
pub mod exports;
pub mod home;
pub mod imports;
pub mod jobs;
pub mod letters;
mod maintenance;
pub mod matching;
pub mod meetings;
pub mod mentors;
pub mod my_data;
pub mod notifications;
pub mod passwords;
pub mod programmes;
pub mod queues;
pub mod relationships;
pub mod requests;
pub mod runner;
pub mod taxonomy;
pub mod webhooks;

pub use error::{AppError, AppResult};

use std::sync::Arc;
use trellis_domain::clock::SharedClock;
use trellis_domain::mail::Site;
use trellis_store::Store;
use trellis_store::accounts::User;

/// What the application needs to know about the installation.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The site's name and public address, for letters and their links.
    pub site: Site,
    /// Host part used in Message-IDs of queued mail.
    pub mail_host: String,
}

/// The application: the store, the one clock, and the installation's settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    pub store: Store,
    pub clock: SharedClock,
    pub config: Arc<AppConfig>,
}

impl App {
    pub fn new(store: Store, clock: SharedClock, config: AppConfig) -> Self {
        Self {
            store,
            clock,
            config: Arc::new(config),
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// Whether the database answers (for health checks).
pub async fn healthy(s: &App) -> AppResult<()> {
    Ok(s.store.ping().await?)
}

/// The person an action is done for: whoever is signed in, or the account the CLI or the demo
/// acts as.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
}

impl Actor {
    pub fn new(user: User) -> Self {
        Self { user }
    }

    pub fn id(&self) -> i64 {
        self.user.id
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.user.is_admin {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "Only an installation admin may do this",
            ))
        }
    }
}
