//! Webhook receivers reached over HTTP: one client for every delivery, HTTPS through rustls on
//! ring with the system's root certificates (plain http too, for receivers on a private
//! network). Redirects are not followed: a receiver that moved must be registered again.

use anyhow::{Context, Result};
use std::time::Duration;
use trellis_app::jobs::WebhookPost;

#[derive(Debug, Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
}

/// Makes ring the process's rustls provider (as lettre's is): reqwest, built with rustls and
/// no provider of its own, needs one to build any client, even a plain-HTTP one. Idempotent.
pub fn install_ring() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl WebhookClient {
    pub fn new() -> Result<Self> {
        install_ring();
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        for e in &found.errors {
            tracing::warn!(error = %e, "a system root certificate could not be read");
        }
        let (added, _) = roots.add_parsable_certificates(found.certs);
        tracing::debug!(added, "system root certificates for webhooks");
        let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .context("TLS for webhooks")?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("Trellis-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("the webhook HTTP client")?;
        Ok(Self { http })
    }

    /// POSTs the delivery; the receiver's status, or why it could not be reached (10 s at most).
    pub async fn post(&self, p: &WebhookPost) -> Result<u16, String> {
        let mut req = self
            .http
            .post(&p.url)
            .header("content-type", "application/json")
            .body(p.body.clone());
        for (k, v) in &p.headers {
            req = req.header(*k, v);
        }
        match req.send().await {
            Ok(r) => Ok(r.status().as_u16()),
            Err(e) if e.is_timeout() => Err("the receiver did not answer within 10 seconds".into()),
            Err(e) if e.is_builder() => Err(format!("bad request: {e}")),
            Err(e) => Err(format!("could not reach the receiver: {}", chain(&e))),
        }
    }
}

/// An error with its causes, as one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}
