//! Timed rules of concerns: remind the handlers before the acknowledgement target, and send a
//! concern still unacknowledged at the target to the chair (once).

use super::tell;
use crate::AppResult;
use crate::jobs::{Job, JobCx};
use trellis_domain::audit::AuditEntry;
use trellis_domain::concern::{Status, route};
use trellis_domain::mail::concerns as letters;
use trellis_store::{audit, concerns, programmes};

fn url(cx: &JobCx<'_>, id: i64) -> String {
    format!("{}/concerns/{id}", cx.app.config.site.public_url)
}

/// Reminds a concern's handlers before its acknowledgement target, if it is still open.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct AckReminder {
    pub concern_id: i64,
}

impl Job for AckReminder {
    const KIND: &'static str = "concern_reminder";

    fn key(&self) -> String {
        format!("concern_reminder:{}", self.concern_id)
    }

    #[tracing::instrument(skip_all, fields(concern_id = self.concern_id))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (id, tx) = (self.concern_id, cx.tx().await?);
        if let Some(c) = concerns::get(tx, id).await?
            && c.status == Status::Open
            && let Some(p) = programmes::by_id(tx, c.programme_id).await?
        {
            let letter = letters::reminder(&p.name, &url(cx, id));
            for h in concerns::handlers(tx, id).await? {
                tell(cx.app, tx, &p, h, &letter).await?;
            }
        }
        Ok(())
    }
}

/// Sends a concern still unacknowledged at its target to the chair, as a concern about staff
/// (never to its subject).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Escalation {
    pub concern_id: i64,
}

impl Job for Escalation {
    const KIND: &'static str = "concern_escalation";

    fn key(&self) -> String {
        format!("concern_escalation:{}", self.concern_id)
    }

    #[tracing::instrument(skip_all, fields(concern_id = self.concern_id))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (id, now, tx) = (self.concern_id, cx.now(), cx.tx().await?);
        let Some(c) = concerns::get(tx, id).await? else {
            return Ok(());
        };
        if c.status != Status::Open {
            return Ok(());
        }
        let Some(p) = programmes::by_id(tx, c.programme_id).await? else {
            return Ok(());
        };
        if !concerns::escalate(tx, id, now).await? {
            return Ok(());
        }
        let staff = super::staff_roles(tx, p.id).await?;
        if let Ok(routing) = route(&staff, c.subject_id, true) {
            let already = concerns::handlers(tx, id).await?;
            concerns::add_handlers(tx, id, &routing.handlers, now).await?;
            let letter = letters::escalated(&p.name, &url(cx, id));
            for h in routing.handlers.iter().filter(|h| !already.contains(h)) {
                tell(cx.app, tx, &p, *h, &letter).await?;
            }
        }
        audit::record(
            tx,
            &AuditEntry::new(
                "concern.escalated",
                "concern",
                Some(id),
                "not acknowledged in time: to the chair",
            )
            .in_programme(p.id),
            now,
        )
        .await?;
        Ok(())
    }
}
