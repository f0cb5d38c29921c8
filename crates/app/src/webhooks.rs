//! Outgoing webhooks of a programme, registered by an admin: the address, the events it wants,
//! a signing secret shown once, and the delivery log. Deliveries carry ids and states only.

use crate::Actor;
use crate::App;
use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use trellis_domain::audit::AuditEntry;
use trellis_domain::webhook::{check_events, check_url};
use trellis_store::programmes::Programme;
use trellis_store::webhooks as store;

use trellis_store::audit;
pub use trellis_store::webhooks::{Delivery, Webhook};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WebhookInput {
    /// Where to POST, e.g. https://hr.example.org/hooks/trellis
    #[serde(default)]
    pub url: String,
    /// Event names (see the list in the API description).
    #[serde(default)]
    pub events: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub id: i64,
    /// Shown once: the receiver checks `Trellis-Signature` with it.
    pub secret: String,
}

fn require_admin(who: &Actor) -> AppResult<()> {
    if who.user.is_admin {
        Ok(())
    } else {
        Err(AppError::forbidden("Only an admin manages webhooks"))
    }
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn register(
    s: &App,
    who: &Actor,
    p: &Programme,
    input: &WebhookInput,
) -> AppResult<Registered> {
    require_admin(who)?;
    let url = check_url(&input.url)?;
    let events = check_events(&input.events)?;
    let (secret, _) = trellis_store::secrets::new_token();
    let sealed = s
        .store
        .keys
        .seal("webhook", &secret)
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let id = store::create(&tx, p.id, &url, &sealed, &events, who.id(), now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "webhook.registered",
            "webhook",
            Some(id),
            format!("webhook to {url} for {}", events.join(", ")),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Registered { id, secret })
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn list(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<Webhook>> {
    require_admin(who)?;
    Ok(store::of_programme(&s.store.db, p.id).await?)
}

async fn of_programme(s: &App, p: &Programme, id: i64) -> AppResult<Webhook> {
    store::get(&s.store.db, id)
        .await?
        .filter(|w| w.programme_id == p.id)
        .ok_or(AppError::NotFound("webhook"))
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id))]
pub async fn remove(s: &App, who: &Actor, p: &Programme, id: i64) -> AppResult<()> {
    require_admin(who)?;
    let w = of_programme(s, p, id).await?;
    let now = s.now();
    let tx = s.store.begin().await?;
    store::delete(&tx, w.id).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "webhook.removed",
            "webhook",
            Some(w.id),
            format!("webhook to {} removed", w.url),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The latest 100 deliveries of a webhook, newest first.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id))]
pub async fn deliveries(s: &App, who: &Actor, p: &Programme, id: i64) -> AppResult<Vec<Delivery>> {
    require_admin(who)?;
    let w = of_programme(s, p, id).await?;
    Ok(store::deliveries(&s.store.db, w.id, 100).await?)
}

/// Queues `event` with `data` (ids and states only) for every active webhook of the programme
/// that wants it: one delivery and one [`Deliver`] job each, in the caller's transaction.
#[tracing::instrument(skip_all, fields(programme_id = programme_id))]
pub async fn emit(
    c: &impl trellis_store::ConnectionTrait,
    programme_id: i64,
    event: &str,
    data: serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    for w in store::of_programme(c, programme_id).await? {
        if w.active && w.wants(event) {
            let delivery_id = store::add_delivery(c, &w, event, &data, now).await?;
            crate::jobs::enqueue(c, &Deliver { delivery_id }, now, now).await?;
        }
    }
    Ok(())
}

/// One POST of a webhook delivery, signed with the webhook's secret. A receiver that does not
/// answer 2xx (or cannot be reached) makes the job fail, so it is retried after its back-off;
/// every attempt is written to the delivery log.
#[derive(Debug, Serialize, Deserialize)]
pub struct Deliver {
    pub delivery_id: i64,
}

impl crate::jobs::Job for Deliver {
    const KIND: &'static str = "webhook_delivery";
    const MAX_ATTEMPTS: i32 = 8;

    fn key(&self) -> String {
        format!("webhook:{}", self.delivery_id)
    }

    #[tracing::instrument(skip_all, fields(delivery_id = self.delivery_id))]
    async fn run(&self, cx: &crate::jobs::JobCx<'_>) -> AppResult<()> {
        let (id, db) = (self.delivery_id, &cx.app.store.db);
        // Deleted with its webhook, or already delivered: nothing to send.
        let found = match store::delivery(db, id).await? {
            Some(d) if d.delivered_at.is_none() => {
                store::get(db, d.webhook_id).await?.map(|w| (d, w))
            }
            _ => None,
        };
        let Some((d, w)) = found else {
            return Ok(());
        };
        let secret = cx
            .app
            .store
            .keys
            .open("webhook", &w.secret)
            .map_err(AppError::internal)?;
        let post = crate::jobs::WebhookPost {
            url: w.url.clone(),
            headers: vec![
                ("trellis-event", d.event.clone()),
                ("trellis-delivery", d.id.to_string()),
                (
                    "trellis-signature",
                    trellis_domain::webhook::signature(&secret, cx.now().timestamp(), &d.body),
                ),
            ],
            body: d.body.clone(),
        };
        let (status, error) = match cx.couriers.post(&post).await {
            Ok(code) if (200..300).contains(&code) => (Some(code), None),
            Ok(code) => (Some(code), Some(format!("the receiver answered {code}"))),
            Err(e) => (None, Some(e)),
        };
        if let Some(e) = error {
            // The job fails and is retried after its back-off; the attempt is logged.
            store::record_attempt(db, id, status, Some(&e), cx.now()).await?;
            return Err(AppError::internal(anyhow::anyhow!(
                "webhook delivery {id}: {e}"
            )));
        }
        store::record_attempt(cx.tx().await?, id, status, None, cx.now()).await?;
        Ok(())
    }
}
