//! Timed rules of mentor applications and the directory: reminding the director before an
//! application's target, making mentors available again, and the annual refresh.

use crate::runner::Runner;
use anyhow::{Result, anyhow};
use sea_orm::{ConnectionTrait, TransactionTrait};
use trellis_domain::application;
use trellis_domain::audit::AuditEntry;
use trellis_domain::directory;
use trellis_domain::mail::{Letter, mentoring as letters};
use trellis_store::jobs::{self, Job, NewJob, kinds};
use trellis_store::mentors;
use trellis_store::{audit, notifications, programmes};

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

impl Runner {
    /// Emails a member and puts the in-app copy in their notification centre.
    async fn send(
        &self,
        c: &impl ConnectionTrait,
        programme_id: i64,
        user_id: i64,
        letter: &Letter,
    ) -> Result<()> {
        let from = notifications::From {
            site: &self.site,
            mail_host: &self.mail_host,
            now: self.clock.now(),
        };
        notifications::tell_user(c, from, user_id, Some(programme_id), letter).await?;
        Ok(())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.site.public_url)
    }

    /// Reminds the director(s) and the office of an application nearing its target, if it is
    /// still open.
    pub(crate) async fn application_reminder(&self, job: &Job) -> Result<()> {
        let id = job.payload_json()["application_id"]
            .as_i64()
            .ok_or_else(|| anyhow!("payload has no application_id"))?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        if let Some(app) = mentors::application(&tx, id)
            .await?
            .filter(|a| a.state().is_open())
        {
            let p = programmes::by_id(&tx, app.programme_id)
                .await?
                .ok_or_else(|| anyhow!("programme gone"))?;
            let target = day(application::target_date(
                app.submitted_at,
                p.application_target_days,
            ));
            let letter = letters::review_reminder(
                &p.name,
                &app.applicant_name,
                &target,
                &self.url(&format!("/applications/{id}")),
            );
            let mut sent = Vec::new();
            for m in programmes::staff(&tx, p.id).await? {
                if (m.role == "director" || m.role == "office") && !sent.contains(&m.user_id) {
                    sent.push(m.user_id);
                    self.send(&tx, p.id, m.user_id, &letter).await?;
                }
            }
            audit::record(
                &tx,
                &AuditEntry::new(
                    "application.reminder_sent",
                    "mentor_application",
                    Some(id),
                    format!("staff reminded of the {target} target"),
                )
                .in_programme(p.id),
                now,
            )
            .await?;
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a mentor's unavailability on the date they gave (unless they changed it since).
    pub(crate) async fn mentor_available(&self, job: &Job) -> Result<()> {
        let p = job.payload_json();
        let id = p["mentor_id"]
            .as_i64()
            .ok_or_else(|| anyhow!("payload has no mentor_id"))?;
        let until = p["until"]
            .as_str()
            .ok_or_else(|| anyhow!("payload has no until"))?
            .to_owned();
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        if mentors::end_unavailability(&tx, id, &until, now).await?
            && let Some(m) = mentors::mentor_by_id(&tx, id).await?
        {
            audit::record(
                &tx,
                &AuditEntry::new(
                    "mentor.available_again",
                    "mentor",
                    Some(id),
                    format!("available again from {until}"),
                )
                .in_programme(m.programme_id),
                now,
            )
            .await?;
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Daily: start each programme's annual refresh when it is due (once a year, keyed by year).
    pub(crate) async fn schedule_refreshes(&self, c: &impl ConnectionTrait) -> Result<()> {
        let now = self.clock.now();
        for p in programmes::list(c).await? {
            if let Some((year, _)) = directory::refresh_due(now, p.refresh_month, p.created_at) {
                let job = NewJob::new(
                    kinds::DIRECTORY_REFRESH,
                    format!("refresh:{}:{year}", p.id),
                    serde_json::json!({ "programme_id": p.id, "year": year }),
                    now,
                );
                jobs::enqueue(c, &job, now).await?;
            }
        }
        Ok(())
    }

    /// Asks every listed mentor of a programme to confirm, and schedules the reminder and the
    /// end of the grace period. Mentors asked already this year are not asked again.
    pub(crate) async fn directory_refresh(&self, job: &Job) -> Result<()> {
        let (pid, year) = programme_year(job)?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        let p = programmes::by_id(&tx, pid)
            .await?
            .ok_or_else(|| anyhow!("programme {pid} gone"))?;
        let deadline = directory::refresh_deadline(now, p.refresh_grace_days);
        let mut asked = 0;
        for m in mentors::listed_mentors(&tx, pid).await? {
            if let Some(token) = mentors::ask_refresh(&tx, pid, m.id, year, deadline, now).await? {
                self.send(
                    &tx,
                    p.id,
                    m.user_id,
                    &letters::refresh_request(
                        &p.name,
                        &day(deadline),
                        &self.url(&format!("/refresh/confirm?token={token}")),
                    ),
                )
                .await?;
                asked += 1;
            }
        }
        let payload = serde_json::json!({ "programme_id": pid, "year": year });
        jobs::enqueue(
            &tx,
            &NewJob::new(
                kinds::REFRESH_REMINDER,
                format!("refresh_reminder:{pid}:{year}"),
                payload.clone(),
                directory::refresh_reminder_at(now, p.refresh_grace_days),
            ),
            now,
        )
        .await?;
        jobs::enqueue(
            &tx,
            &NewJob::new(
                kinds::REFRESH_CLOSE,
                format!("refresh_close:{pid}:{year}"),
                payload,
                deadline,
            ),
            now,
        )
        .await?;
        audit::record(
            &tx,
            &AuditEntry::new(
                "directory.refresh_started",
                "programme",
                Some(pid),
                format!(
                    "{year} refresh: {asked} mentors asked to confirm by {}",
                    day(deadline)
                ),
            )
            .in_programme(pid),
            now,
        )
        .await?;
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Half-way through the grace period: reminds those who have not confirmed, once each. Only
    /// the link token's hash is stored, so the reminder points to the mentor's listing page
    /// (after signing in), where one button confirms.
    pub(crate) async fn refresh_reminder(&self, job: &Job) -> Result<()> {
        let (pid, year) = programme_year(job)?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        let p = programmes::by_id(&tx, pid)
            .await?
            .ok_or_else(|| anyhow!("programme {pid} gone"))?;
        for r in mentors::refresh_to_remind(&tx, pid, year).await? {
            if !mentors::mark_reminded(&tx, r.id, now).await? {
                continue;
            }
            let Some(m) = mentors::mentor_by_id(&tx, r.mentor_id).await? else {
                continue;
            };
            let url = self.url(&format!("/programmes/{}/mentoring", p.slug));
            self.send(
                &tx,
                p.id,
                m.user_id,
                &letters::refresh_reminder(&p.name, &day(r.deadline), &url),
            )
            .await?;
        }
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// At the end of the grace period: unlists those who have not confirmed (they are listed
    /// again as soon as they confirm).
    pub(crate) async fn refresh_close(&self, job: &Job) -> Result<()> {
        let (pid, year) = programme_year(job)?;
        let now = self.clock.now();
        let tx = self.store.db.begin().await?;
        let p = programmes::by_id(&tx, pid)
            .await?
            .ok_or_else(|| anyhow!("programme {pid} gone"))?;
        let mut unlisted = 0;
        for r in mentors::refresh_lapsing(&tx, pid, year, now).await? {
            if !mentors::mark_lapsed(&tx, r.id, now).await? {
                continue;
            }
            let Some(m) = mentors::mentor_by_id(&tx, r.mentor_id).await? else {
                continue;
            };
            if mentors::set_listed(&tx, m.id, false, Some("refresh"), now).await? {
                unlisted += 1;
                self.send(
                    &tx,
                    p.id,
                    m.user_id,
                    &letters::refresh_unlisted(
                        &p.name,
                        &self.url(&format!("/programmes/{}/mentoring", p.slug)),
                    ),
                )
                .await?;
                audit::record(
                    &tx,
                    &AuditEntry::new(
                        "mentor.unlisted_by_refresh",
                        "mentor",
                        Some(m.id),
                        format!("{} did not confirm in the {year} refresh", m.name),
                    )
                    .in_programme(pid),
                    now,
                )
                .await?;
            }
        }
        tracing::info!(programme = pid, year, unlisted, "refresh closed");
        jobs::complete(&tx, job.id, self.id(), now).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn programme_year(job: &Job) -> Result<(i64, i32)> {
    let p = job.payload_json();
    let pid = p["programme_id"]
        .as_i64()
        .ok_or_else(|| anyhow!("payload has no programme_id"))?;
    let year = p["year"]
        .as_i64()
        .and_then(|y| i32::try_from(y).ok())
        .ok_or_else(|| anyhow!("payload has no year"))?;
    Ok((pid, year))
}
