use std::sync::Arc;
use trellis_domain::clock::SharedClock;
use trellis_domain::mail::Site;
use trellis_store::Store;

/// What the web layer needs to know about the installation.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub site: Site,
    /// Host part used in Message-IDs of queued mail.
    pub mail_host: String,
    /// Set the `Secure` flag on cookies (true when the public URL is https).
    pub secure_cookies: bool,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: SharedClock,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(store: Store, clock: SharedClock, config: WebConfig) -> Self {
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
