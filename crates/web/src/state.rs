use trellis_app::App;

/// The application and what only the web needs beside it.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    /// Set the `Secure` flag on cookies (true when the public URL is https).
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(app: App, secure_cookies: bool) -> Self {
        Self {
            app,
            secure_cookies,
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
