//! The relationship's timed rule: the periodic evaluation reminder.

use crate::jobs::{Job, JobCx, enqueue};
use crate::{App, AppResult};
use chrono::{DateTime, Utc};
use trellis_domain::evaluation::next_due;
use trellis_domain::mail::workspace as letters;
use trellis_domain::workspace::Phase;
use trellis_store::programmes::{self, Programme};
use trellis_store::{ConnectionTrait, workspace};

/// A relationship's periodic evaluation is due: remind its current members (email and in-app)
/// and set up the next one. A closed relationship gets neither; a paused one (a concern) no
/// reminder, but the next one is still set up. After downtime the reminder goes out once and
/// the next due date is in the future.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct EvaluationDue {
    pub relationship_id: i64,
    pub due: DateTime<Utc>,
}

impl Job for EvaluationDue {
    const KIND: &'static str = "evaluation_due";

    fn key(&self) -> String {
        format!(
            "evaluation_due:{}:{}",
            self.relationship_id,
            self.due.date_naive()
        )
    }

    #[tracing::instrument(skip_all, fields(relationship_id = self.relationship_id, due = %self.due))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (id, now, tx) = (self.relationship_id, cx.now(), cx.tx().await?);
        let Some(rel) = workspace::relationship(tx, id).await? else {
            return Ok(());
        };
        let Some(p) = programmes::by_id(tx, rel.programme_id).await? else {
            return Ok(());
        };
        if rel.phase == Phase::Closed {
            return Ok(());
        }
        if rel.paused_at.is_none() {
            let members = workspace::members(tx, id).await?;
            let current: Vec<_> = members.iter().filter(|m| m.left_at.is_none()).collect();
            let url = format!(
                "{}/relationships/{id}/evaluations",
                cx.app.config.site.public_url
            );
            for m in &current {
                let others: Vec<&str> = current
                    .iter()
                    .filter(|o| o.user_id != m.user_id)
                    .map(|o| o.name.as_str())
                    .collect();
                let letter = letters::evaluation_due(&p.name, &others.join(" and "), &url);
                let to = crate::letters::To {
                    user_id: m.user_id,
                    email: &m.email,
                    name: &m.name,
                };
                crate::letters::tell(cx.app, tx, to, Some(p.id), &letter, None).await?;
            }
        }
        let next = next_due(self.due, p.evaluation_every_days, now);
        schedule_evaluation(cx.app, tx, id, next).await
    }
}

/// Queues the relationship's periodic evaluation due at `due` (once per due date).
async fn schedule_evaluation(
    s: &App,
    c: &impl ConnectionTrait,
    relationship_id: i64,
    due: DateTime<Utc>,
) -> AppResult<()> {
    let job = EvaluationDue {
        relationship_id,
        due,
    };
    enqueue(c, &job, due, s.now()).await?;
    Ok(())
}

/// Queues a new relationship's first periodic evaluation, the programme's interval from now.
pub(crate) async fn schedule_first_evaluation(
    s: &App,
    c: &impl ConnectionTrait,
    p: &Programme,
    relationship_id: i64,
) -> AppResult<()> {
    let due = s.now() + chrono::Duration::days(i64::from(p.evaluation_every_days));
    schedule_evaluation(s, c, relationship_id, due).await
}
