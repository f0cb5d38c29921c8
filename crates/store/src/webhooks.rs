//! Outgoing webhooks: registrations, and their deliveries with each attempt's outcome.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Webhook {
    pub id: i64,
    pub programme_id: i64,
    pub url: String,
    /// Sealed.
    #[serde(skip)]
    pub secret: String,
    /// Space-separated event names.
    pub events: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl Webhook {
    pub fn wants(&self, event: &str) -> bool {
        self.events.split(' ').any(|e| e == event)
    }
}

const COLUMNS: &str = "id, programme_id, url, secret, events, active, created_at";

pub async fn create(
    c: &impl ConnectionTrait,
    programme_id: i64,
    url: &str,
    sealed_secret: &str,
    events: &[&str],
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO webhooks (programme_id, url, secret, events, active, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        vec![
            programme_id.into(),
            url.into(),
            sealed_secret.into(),
            events.join(" ").into(),
            true.into(),
            by.into(),
            now.into(),
        ],
    )
    .await
}

pub async fn of_programme(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<Webhook>> {
    sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM webhooks WHERE programme_id = $1 ORDER BY id"),
        vec![programme_id.into()],
    )
    .await
}

pub async fn get(c: &impl ConnectionTrait, id: i64) -> Result<Option<Webhook>> {
    sql::one(
        c,
        &format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

pub async fn delete(c: &impl ConnectionTrait, id: i64) -> Result<bool> {
    Ok(sql::exec(c, "DELETE FROM webhooks WHERE id = $1", vec![id.into()]).await? == 1)
}

/// Records one delivery of `event` with `data` (ids and states only) to the webhook; returns
/// its id. The body names the delivery, so it is written once the id is known.
pub async fn add_delivery(
    c: &impl ConnectionTrait,
    w: &Webhook,
    event: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = sql::insert_id(
        c,
        "INSERT INTO webhook_deliveries (webhook_id, event, body, created_at) VALUES ($1, $2, '', $3) RETURNING id",
        vec![w.id.into(), event.into(), now.into()],
    )
    .await?;
    let body = serde_json::json!({
        "id": id,
        "event": event,
        "occurred_at": now,
        "programme_id": w.programme_id,
        "data": data,
    })
    .to_string();
    sql::exec(
        c,
        "UPDATE webhook_deliveries SET body = $2 WHERE id = $1",
        vec![id.into(), body.into()],
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub body: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

const DELIVERY_COLUMNS: &str = "id, webhook_id, event, body, attempts, last_status, last_error, created_at, last_attempt_at, delivered_at";

pub async fn delivery(c: &impl ConnectionTrait, id: i64) -> Result<Option<Delivery>> {
    sql::one(
        c,
        &format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

/// The latest deliveries of a webhook, newest first.
pub async fn deliveries(
    c: &impl ConnectionTrait,
    webhook_id: i64,
    limit: i64,
) -> Result<Vec<Delivery>> {
    sql::all(
        c,
        &format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2"
        ),
        vec![webhook_id.into(), limit.into()],
    )
    .await
}

/// Records one attempt: the receiver's status (if it answered), the error, and whether it was
/// delivered.
pub async fn record_attempt(
    c: &impl ConnectionTrait,
    id: i64,
    status: Option<u16>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let delivered = error.is_none();
    sql::exec(
        c,
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3, last_attempt_at = $4, \
           delivered_at = CASE WHEN $5 THEN $4 ELSE delivered_at END WHERE id = $1",
        vec![
            id.into(),
            status.map(i32::from).into(),
            error.map(str::to_owned).into(),
            now.into(),
            delivered.into(),
        ],
    )
    .await?;
    Ok(())
}
