//! Webhook deliveries: one POST per delivery job, signed with the webhook's secret. A receiver
//! that does not answer 2xx (or cannot be reached) makes the job fail, so the runner retries it
//! after its back-off; every attempt is written to the delivery log.

use crate::runner::Runner;
use anyhow::{Result, anyhow, bail};
use sea_orm::TransactionTrait;
use std::sync::OnceLock;
use trellis_domain::webhook::signature;
use trellis_store::jobs::{self, Job};
use trellis_store::webhooks;

type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<hyper::body::Bytes>,
>;

/// One HTTP client for all deliveries: HTTP/1.1, HTTPS through rustls on ring with the
/// system's root certificates (plain http too, for receivers on a private network). Redirects
/// are not followed: a receiver that moved must be registered again.
fn client() -> Result<&'static HttpClient> {
    static CLIENT: OnceLock<HttpClient> = OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c);
    }
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(
            hyper_rustls::ConfigBuilderExt::with_native_roots(tls)?.with_no_client_auth(),
        )
        .https_or_http()
        .enable_http1()
        .build();
    let c = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(https);
    Ok(CLIENT.get_or_init(|| c))
}

/// POSTs `body`; the receiver's status, or why it could not be reached (10 s at most).
async fn post(url: &str, headers: &[(&str, String)], body: String) -> Result<u16, String> {
    let mut req = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("Trellis-Webhooks/", env!("CARGO_PKG_VERSION")),
        );
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let req = req
        .body(http_body_util::Full::new(hyper::body::Bytes::from(body)))
        .map_err(|e| format!("bad request: {e}"))?;
    let client = client().map_err(|e| format!("no HTTP client: {e}"))?;
    match tokio::time::timeout(std::time::Duration::from_secs(10), client.request(req)).await {
        Ok(Ok(r)) => Ok(r.status().as_u16()),
        Ok(Err(e)) => Err(format!("could not reach the receiver: {e}")),
        Err(_) => Err("the receiver did not answer within 10 seconds".into()),
    }
}

impl Runner {
    pub(crate) async fn webhook_delivery(&self, job: &Job) -> Result<()> {
        let id = job.payload_json()["delivery_id"]
            .as_i64()
            .ok_or_else(|| anyhow!("payload has no delivery_id"))?;
        let db = &self.store.db;
        // Deleted with its webhook, or already delivered: nothing to send.
        let found = match webhooks::delivery(db, id).await? {
            Some(d) if d.delivered_at.is_none() => {
                webhooks::get(db, d.webhook_id).await?.map(|w| (d, w))
            }
            _ => None,
        };
        let Some((d, w)) = found else {
            jobs::complete(db, job.id, self.id(), self.clock.now()).await?;
            return Ok(());
        };
        let secret = self.store.keys.open("webhook", &w.secret)?;
        let now = self.clock.now();
        let sent = post(
            &w.url,
            &[
                ("trellis-event", d.event.clone()),
                ("trellis-delivery", d.id.to_string()),
                (
                    "trellis-signature",
                    signature(&secret, now.timestamp(), &d.body),
                ),
            ],
            d.body.clone(),
        )
        .await;
        let (status, error) = match sent {
            Ok(code) if (200..300).contains(&code) => (Some(code), None),
            Ok(code) => (Some(code), Some(format!("the receiver answered {code}"))),
            Err(e) => (None, Some(e)),
        };
        if let Some(e) = error {
            // The job fails and is retried after its back-off; the attempt is logged.
            webhooks::record_attempt(db, id, status, Some(&e), self.clock.now()).await?;
            bail!("webhook delivery {id}: {e}");
        }
        let tx = db.begin().await?;
        webhooks::record_attempt(&tx, id, status, None, self.clock.now()).await?;
        jobs::complete(&tx, job.id, self.id(), self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
