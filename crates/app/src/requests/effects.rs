//! What follows from the cascade's events, written in the caller's transaction: the
//! timeline, the letters (who is told what), webhooks, the deadline and reminder jobs of each
//! offer, and, on acceptance, the relationship.

use super::jobs::{Deadline, Reminder};
use crate::jobs::enqueue;
use crate::letters::tell_user;
use crate::{App, AppResult};
use chrono::{DateTime, Utc};
use trellis_domain::dates::day;
use trellis_domain::mail::{Letter, requests as letters};
use trellis_domain::request::{Cascade, Event, reminders};
use trellis_domain::role::StaffRole;
use trellis_store::programmes::{self, Programme};
use trellis_store::requests::{RequestRow, add_event};
use trellis_store::{ConnectionTrait, accounts};

/// What the effects of a change need to know.
pub(crate) struct Effects<'a> {
    pub app: &'a App,
    pub programme: &'a Programme,
    pub request: &'a RequestRow,
    pub now: DateTime<Utc>,
}

impl Effects<'_> {
    fn url(&self) -> String {
        format!(
            "{}/requests/{}",
            self.app.config.site.public_url, self.request.id
        )
    }

    async fn mail(&self, c: &impl ConnectionTrait, user_id: i64, letter: &Letter) -> AppResult<()> {
        tell_user(self.app, c, user_id, Some(self.programme.id), letter).await
    }

    async fn name(&self, c: &impl ConnectionTrait, user_id: i64) -> AppResult<String> {
        Ok(accounts::user_by_id(c, user_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_else(|| "A mentor".into()))
    }

    /// Staff ask the mentor holding the request to reply: a timeline entry and a letter.
    pub async fn nudge(
        &self,
        c: &impl ConnectionTrait,
        mentor_id: i64,
        due_at: DateTime<Utc>,
    ) -> AppResult<()> {
        add_event(
            c,
            self.request.id,
            self.now,
            "nudged",
            Some(mentor_id),
            None,
        )
        .await?;
        let letter = letters::nudge(
            &self.programme.name,
            &self.request.mentee_name,
            &day(due_at),
            &self.url(),
        );
        self.mail(c, mentor_id, &letter).await
    }

    /// The timed reminder to the mentor holding the request (email and in-app).
    pub async fn remind(
        &self,
        c: &impl ConnectionTrait,
        mentor_id: i64,
        due_at: DateTime<Utc>,
    ) -> AppResult<()> {
        let letter = letters::reminder(
            &self.programme.name,
            &self.request.mentee_name,
            &day(due_at),
            &self.url(),
        );
        self.mail(c, mentor_id, &letter).await
    }

    /// Writes what follows from `events` (the cascade already saved as `cascade`).
    pub async fn apply(
        &self,
        c: &impl ConnectionTrait,
        cascade: &Cascade,
        events: &[Event],
    ) -> AppResult<()> {
        for e in events {
            self.apply_one(c, cascade, e).await?;
        }
        Ok(())
    }

    async fn apply_one(
        &self,
        c: &impl ConnectionTrait,
        cascade: &Cascade,
        e: &Event,
    ) -> AppResult<()> {
        let (id, p, now) = (self.request.id, self.programme, self.now);
        let (mentee, mentee_name) = (self.request.mentee_id, &self.request.mentee_name);
        match e {
            Event::Offered {
                mentor_id,
                choice,
                due_at,
            } => {
                let detail =
                    choice.map_or_else(|| "director".to_owned(), |r| format!("choice {}", r + 1));
                add_event(c, id, now, "offered", Some(*mentor_id), Some(detail)).await?;
                crate::webhooks::emit(
                    c,
                    p.id,
                    "request.offered",
                    serde_json::json!({"request_id": id, "status": "offered", "mentor_id": mentor_id, "choice": choice.map(|r| r + 1), "due_at": due_at}),
                    now,
                )
                .await?;
                let mentor = self.name(c, *mentor_id).await?;
                let url = self.url();
                let to_mentor = letters::offer_to_mentor(
                    &p.name,
                    mentee_name,
                    &day(*due_at),
                    &url,
                    choice.is_none(),
                );
                self.mail(c, *mentor_id, &to_mentor).await?;
                let to_mentee = letters::with_mentor(&p.name, &mentor, &day(*due_at), &url);
                self.mail(c, mentee, &to_mentee).await?;
                let offer = cascade.offered.len();
                enqueue(
                    c,
                    &Deadline {
                        request_id: id,
                        offer,
                    },
                    *due_at,
                    now,
                )
                .await?;
                for (k, at) in reminders(now, *due_at).into_iter().enumerate() {
                    let job = Reminder {
                        request_id: id,
                        offer,
                        which: k,
                    };
                    enqueue(c, &job, at, now).await?;
                }
            }
            Event::Skipped { mentor_id, reason } => {
                let detail = Some(reason.as_str().to_owned());
                add_event(c, id, now, "skipped", Some(*mentor_id), detail).await?;
                let mentor = self.name(c, *mentor_id).await?;
                let letter = letters::skipped(&p.name, &mentor, reason.explain(), &self.url());
                self.mail(c, mentee, &letter).await?;
            }
            Event::Declined {
                mentor_id, reason, ..
            } => {
                add_event(c, id, now, "declined", Some(*mentor_id), reason.clone()).await?;
                let mentor = self.name(c, *mentor_id).await?;
                self.mail(c, mentee, &letters::declined(&p.name, &mentor, &self.url()))
                    .await?;
            }
            Event::TimedOut { mentor_id, at } => {
                add_event(c, id, *at, "timed_out", Some(*mentor_id), None).await?;
                self.mail(c, *mentor_id, &letters::passed_on(&p.name, mentee_name))
                    .await?;
            }
            Event::Escalated => {
                add_event(c, id, now, "escalated", None, None).await?;
                crate::webhooks::emit(
                    c,
                    p.id,
                    "request.escalated",
                    serde_json::json!({"request_id": id, "status": "with_director"}),
                    now,
                )
                .await?;
                self.mail(
                    c,
                    mentee,
                    &letters::escalated_to_mentee(&p.name, &self.url()),
                )
                .await?;
                let to_director = letters::escalated_to_director(&p.name, mentee_name, &self.url());
                for s in programmes::staff(c, p.id).await? {
                    if s.role == StaffRole::Director {
                        self.mail(c, s.user_id, &to_director).await?;
                    }
                }
            }
            Event::Accepted { mentor_id } => {
                add_event(c, id, now, "accepted", Some(*mentor_id), None).await?;
                let rel =
                    crate::relationships::from_request(self.app, c, p, id, *mentor_id, mentee)
                        .await?;
                crate::webhooks::emit(
                    c,
                    p.id,
                    "request.accepted",
                    serde_json::json!({"request_id": id, "status": "accepted", "mentor_id": mentor_id, "relationship_id": rel}),
                    now,
                )
                .await?;
                crate::relationships::schedule_first_evaluation(self.app, c, p, rel).await?;
                let (m, e) = (
                    accounts::user_by_id(c, *mentor_id).await?,
                    accounts::user_by_id(c, mentee).await?,
                );
                if let (Some(m), Some(e)) = (m, e) {
                    let url = format!("{}/relationships/{rel}", self.app.config.site.public_url);
                    let minutes = format!("{} to {}", p.meeting_minutes_min, p.meeting_minutes_max);
                    let to_mentor =
                        letters::allocated(&p.name, "mentee", &e.name, &e.email, &url, &minutes);
                    let to_mentee =
                        letters::allocated(&p.name, "mentor", &m.name, &m.email, &url, &minutes);
                    self.mail(c, m.id, &to_mentor).await?;
                    self.mail(c, e.id, &to_mentee).await?;
                }
            }
            Event::Rerouted { mentor_id } => {
                add_event(c, id, now, "rerouted", Some(*mentor_id), None).await?;
                self.mail(c, *mentor_id, &letters::rerouted(&p.name, mentee_name))
                    .await?;
            }
            Event::Withdrawn { mentor_id } => {
                add_event(c, id, now, "withdrawn", *mentor_id, None).await?;
                if let Some(m) = mentor_id {
                    self.mail(c, *m, &letters::withdrawn_to_mentor(&p.name, mentee_name))
                        .await?;
                }
            }
            Event::Closed { message, .. } => {
                add_event(c, id, now, "closed", None, Some(message.clone())).await?;
                self.mail(c, mentee, &letters::closed(&p.name, message))
                    .await?;
            }
        }
        Ok(())
    }
}
