use trellis_app::{App, AppConfig};
use trellis_domain::clock::SharedClock;
use trellis_store::Store;

/// What the web layer needs to know about the installation.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub app: AppConfig,
    /// Set the `Secure` flag on cookies (true when the public URL is https).
    pub secure_cookies: bool,
}

/// The application and what only the web needs beside it.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Store, clock: SharedClock, config: WebConfig) -> Self {
        Self {
            app: App::new(store, clock, config.app),
            secure_cookies: config.secure_cookies,
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
