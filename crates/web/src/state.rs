use std::net::IpAddr;
use std::sync::Arc;
use trellis_app::App;

/// The application and what only the web needs beside it.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    /// Set the `Secure` flag on cookies (true when the public URL is https).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the visitor.
    pub trusted_proxies: Arc<[IpAddr]>,
}

impl AppState {
    pub fn new(app: App, secure_cookies: bool) -> Self {
        Self {
            app,
            secure_cookies,
            trusted_proxies: Arc::new([]),
        }
    }

    /// The same state behind these reverse proxies.
    #[must_use]
    pub fn behind(self, proxies: Vec<IpAddr>) -> Self {
        Self {
            trusted_proxies: proxies.into(),
            ..self
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
