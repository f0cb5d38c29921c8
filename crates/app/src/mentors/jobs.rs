//! Timed rules of mentor applications and the directory: reminding the director before an
//! application's target, making mentors available again, and the annual refresh.

use super::{tell, tell_staff, url};
use crate::jobs::{Job, JobCx, enqueue};
use crate::{App, AppError, AppResult};
use chrono::NaiveDate;
use trellis_domain::audit::AuditEntry;
use trellis_domain::dates::day;
use trellis_domain::mail::mentoring as letters;
use trellis_domain::role::StaffRole;
use trellis_domain::{application, directory};
use trellis_store::mentors;
use trellis_store::programmes::{self, Programme};
use trellis_store::{ConnectionTrait, audit};

async fn programme(c: &impl ConnectionTrait, id: i64) -> AppResult<Programme> {
    programmes::by_id(c, id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("programme {id} gone")))
}

/// Reminds the director(s) and the office of an application nearing its target, if it is
/// still open.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ApplicationReminder {
    pub application_id: i64,
}

impl Job for ApplicationReminder {
    const KIND: &'static str = "application_reminder";

    fn key(&self) -> String {
        format!("application_reminder:{}", self.application_id)
    }

    #[tracing::instrument(skip_all, fields(application_id = self.application_id))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (id, now, tx) = (self.application_id, cx.now(), cx.tx().await?);
        let Some(a) = mentors::application(tx, id)
            .await?
            .filter(|a| a.state().is_open())
        else {
            return Ok(());
        };
        let p = programme(tx, a.programme_id).await?;
        let target = day(application::target_date(
            a.submitted_at,
            p.application_target_days,
        ));
        let letter = letters::review_reminder(
            &p.name,
            &a.applicant_name,
            &target,
            &url(cx.app, &format!("/applications/{id}")),
        );
        tell_staff(
            cx.app,
            tx,
            &p,
            &[StaffRole::Director, StaffRole::Office],
            &letter,
        )
        .await?;
        audit::record(
            tx,
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
        Ok(())
    }
}

/// Ends a mentor's unavailability on the date they gave (unless they changed it since).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct MentorAvailable {
    pub mentor_id: i64,
    pub until: NaiveDate,
}

impl Job for MentorAvailable {
    const KIND: &'static str = "mentor_available";

    fn key(&self) -> String {
        format!("mentor_available:{}:{}", self.mentor_id, self.until)
    }

    #[tracing::instrument(skip_all, fields(mentor_id = self.mentor_id, until = %self.until))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (id, now, tx) = (self.mentor_id, cx.now(), cx.tx().await?);
        let until = self.until.to_string();
        if mentors::end_unavailability(tx, id, &until, now).await?
            && let Some(m) = mentors::mentor_by_id(tx, id).await?
        {
            audit::record(
                tx,
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
        Ok(())
    }
}

/// Daily: start each programme's annual refresh when it is due (once a year, keyed by year).
pub(crate) async fn schedule_refreshes(s: &App, c: &impl ConnectionTrait) -> AppResult<()> {
    let now = s.now();
    for p in programmes::list(c).await? {
        if let Some((year, _)) = directory::refresh_due(now, p.refresh_month, p.created_at) {
            let job = DirectoryRefresh {
                programme_id: p.id,
                year,
            };
            enqueue(c, &job, now, now).await?;
        }
    }
    Ok(())
}

/// Asks every listed mentor of a programme to confirm, and schedules the reminder and the end
/// of the grace period. Mentors asked already this year are not asked again.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct DirectoryRefresh {
    pub programme_id: i64,
    pub year: i32,
}

impl Job for DirectoryRefresh {
    const KIND: &'static str = "directory_refresh";

    fn key(&self) -> String {
        format!("refresh:{}:{}", self.programme_id, self.year)
    }

    #[tracing::instrument(skip_all, fields(programme_id = self.programme_id, year = self.year))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (pid, year) = (self.programme_id, self.year);
        let (now, tx) = (cx.now(), cx.tx().await?);
        let p = programme(tx, pid).await?;
        let deadline = directory::refresh_deadline(now, p.refresh_grace_days);
        let mut asked = 0;
        for m in mentors::listed_mentors(tx, pid).await? {
            if let Some(token) = mentors::ask_refresh(tx, pid, m.id, year, deadline, now).await? {
                let link = url(cx.app, &format!("/refresh/confirm?token={token}"));
                let letter = letters::refresh_request(&p.name, &day(deadline), &link);
                tell(cx.app, tx, p.id, m.user_id, &letter).await?;
                asked += 1;
            }
        }
        let remind_at = directory::refresh_reminder_at(now, p.refresh_grace_days);
        enqueue(
            tx,
            &RefreshReminder {
                programme_id: pid,
                year,
            },
            remind_at,
            now,
        )
        .await?;
        enqueue(
            tx,
            &RefreshClose {
                programme_id: pid,
                year,
            },
            deadline,
            now,
        )
        .await?;
        audit::record(
            tx,
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
        Ok(())
    }
}

/// Half-way through the grace period: reminds those who have not confirmed, once each. Only
/// the link token's hash is stored, so the reminder points to the mentor's listing page
/// (after signing in), where one button confirms.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RefreshReminder {
    pub programme_id: i64,
    pub year: i32,
}

impl Job for RefreshReminder {
    const KIND: &'static str = "refresh_reminder";

    fn key(&self) -> String {
        format!("refresh_reminder:{}:{}", self.programme_id, self.year)
    }

    #[tracing::instrument(skip_all, fields(programme_id = self.programme_id, year = self.year))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (now, tx) = (cx.now(), cx.tx().await?);
        let p = programme(tx, self.programme_id).await?;
        for r in mentors::refresh_to_remind(tx, p.id, self.year).await? {
            if !mentors::mark_reminded(tx, r.id, now).await? {
                continue;
            }
            let Some(m) = mentors::mentor_by_id(tx, r.mentor_id).await? else {
                continue;
            };
            let link = url(cx.app, &format!("/programmes/{}/mentoring", p.slug));
            let letter = letters::refresh_reminder(&p.name, &day(r.deadline), &link);
            tell(cx.app, tx, p.id, m.user_id, &letter).await?;
        }
        Ok(())
    }
}

/// At the end of the grace period: unlists those who have not confirmed (they are listed
/// again as soon as they confirm).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RefreshClose {
    pub programme_id: i64,
    pub year: i32,
}

impl Job for RefreshClose {
    const KIND: &'static str = "refresh_close";

    fn key(&self) -> String {
        format!("refresh_close:{}:{}", self.programme_id, self.year)
    }

    #[tracing::instrument(skip_all, fields(programme_id = self.programme_id, year = self.year))]
    async fn run(&self, cx: &JobCx<'_>) -> AppResult<()> {
        let (year, now, tx) = (self.year, cx.now(), cx.tx().await?);
        let p = programme(tx, self.programme_id).await?;
        let mut unlisted = 0;
        for r in mentors::refresh_lapsing(tx, p.id, year, now).await? {
            if !mentors::mark_lapsed(tx, r.id, now).await? {
                continue;
            }
            let Some(m) = mentors::mentor_by_id(tx, r.mentor_id).await? else {
                continue;
            };
            if mentors::set_listed(tx, m.id, false, Some("refresh"), now).await? {
                unlisted += 1;
                let link = url(cx.app, &format!("/programmes/{}/mentoring", p.slug));
                let letter = letters::refresh_unlisted(&p.name, &link);
                tell(cx.app, tx, p.id, m.user_id, &letter).await?;
                audit::record(
                    tx,
                    &AuditEntry::new(
                        "mentor.unlisted_by_refresh",
                        "mentor",
                        Some(m.id),
                        format!("{} did not confirm in the {year} refresh", m.name),
                    )
                    .in_programme(p.id),
                    now,
                )
                .await?;
            }
        }
        tracing::info!(unlisted, "refresh closed");
        Ok(())
    }
}
