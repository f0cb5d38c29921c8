//! The work queues of a programme, in one place for its office, mentorship director and admins:
//! what waits for someone, when it is due, and what is late. Never content: names, dates and
//! states. Concerns appear only for their handlers.

use crate::Actor;
use crate::App;
use crate::programmes::standing;
use crate::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use trellis_domain::application::{TargetStatus, target_date, target_status};
use trellis_domain::concern::Status;
use trellis_domain::role::StaffRole;
use trellis_store::programmes::Programme;

/// One thing waiting: what, for whom, since when, due when, and whether it is late.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    /// Where the action is (a page of Trellis).
    pub link: String,
    pub title: String,
    pub since: DateTime<Utc>,
    pub due: Option<DateTime<Utc>>,
    /// on_track, near (within a week, or two days for concerns), overdue
    #[schema(value_type = String)]
    pub state: TargetStatus,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Queues {
    pub applications: Vec<Item>,
    pub requests_with_mentors: Vec<Item>,
    pub requests_with_director: Vec<Item>,
    pub refresh_unconfirmed: Vec<Item>,
    /// Only concerns the viewer handles.
    pub concerns: Vec<Item>,
    pub quiet_relationships: Vec<Item>,
    /// The quiet threshold used, in days.
    pub quiet_days: i64,
}

fn state(now: DateTime<Utc>, due: DateTime<Utc>, near: Duration) -> TargetStatus {
    if now >= due {
        TargetStatus::Overdue
    } else if due - now <= near {
        TargetStatus::Near
    } else {
        TargetStatus::OnTrack
    }
}

/// The queues; `quiet_days` is how long without activity makes a relationship "quiet"
/// (default 45).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn queues(
    s: &App,
    who: &Actor,
    p: &Programme,
    quiet_days: Option<i64>,
) -> AppResult<Queues> {
    let st = standing(s, p, who).await?;
    // The office, the director and admins see every queue; those who handle concerns see the
    // concerns routed to them.
    let office = st.runs_programme();
    let handles = st.holds(StaffRole::ConcernsOfficer) || st.holds(StaffRole::Chair);
    if !office && !handles {
        return Err(AppError::forbidden(
            "Only the programme's staff see the work queues",
        ));
    }
    let quiet_days = quiet_days.unwrap_or(45);
    if !(1..=3650).contains(&quiet_days) {
        return Err(AppError::invalid(
            "quiet_days",
            "Choose a number of days from 1 to 3650",
        ));
    }
    let db = &s.store.db;
    let now = s.now();
    let mut q = Queues {
        applications: Vec::new(),
        requests_with_mentors: Vec::new(),
        requests_with_director: Vec::new(),
        refresh_unconfirmed: Vec::new(),
        concerns: concerns_of(s, who, p, now).await?,
        quiet_relationships: Vec::new(),
        quiet_days,
    };
    if !office {
        return Ok(q);
    }
    let applications = trellis_store::mentors::open_applications(db, p.id)
        .await?
        .into_iter()
        .map(|a| Item {
            link: format!("/applications/{}", a.id),
            title: format!("Mentor application from {}", a.applicant_name),
            since: a.submitted_at,
            due: Some(target_date(a.submitted_at, p.application_target_days)),
            state: target_status(a.submitted_at, p.application_target_days, now),
        })
        .collect();
    let mut with_mentors = Vec::new();
    let mut with_director = Vec::new();
    for r in trellis_store::requests::open_requests(db, p.id).await? {
        let c = r.cascade()?;
        match c.status {
            trellis_domain::request::Status::Offered {
                offered_at, due_at, ..
            } => with_mentors.push(Item {
                link: format!("/requests/{}", r.id),
                title: format!(
                    "Request from {} waiting for a mentor's reply",
                    r.mentee_name
                ),
                since: offered_at,
                due: Some(due_at),
                state: state(now, due_at, Duration::days(7)),
            }),
            trellis_domain::request::Status::WithDirector { since } => with_director.push(Item {
                link: format!("/requests/{}", r.id),
                title: format!("Request from {} with the director", r.mentee_name),
                since,
                due: None,
                state: TargetStatus::Overdue,
            }),
            _ => {}
        }
    }
    let refresh_unconfirmed = trellis_store::queues::unconfirmed_refreshes(db, p.id)
        .await?
        .into_iter()
        .map(|m| Item {
            link: format!("/programmes/{}/mentors/{}", p.slug, m.mentor_user_id),
            title: format!(
                "{} has not confirmed the {} directory refresh{}",
                m.name,
                m.year,
                if m.lapsed_at.is_some() {
                    " (unlisted)"
                } else {
                    ""
                }
            ),
            since: m.asked_at,
            due: Some(m.deadline),
            state: state(now, m.deadline, Duration::days(7)),
        })
        .collect();
    let quiet_relationships =
        trellis_store::queues::quiet_relationships(db, p.id, now - Duration::days(quiet_days))
            .await?
            .into_iter()
            .map(|q| Item {
                link: format!("/relationships/{}", q.id),
                title: format!(
                    "A {} relationship, {} phase,{} quiet since {}",
                    q.model,
                    q.phase,
                    if q.paused { " contact paused," } else { "" },
                    trellis_domain::dates::day(q.last_activity)
                ),
                since: q.last_activity,
                due: None,
                state: TargetStatus::Near,
            })
            .collect();
    q.applications = applications;
    q.requests_with_mentors = with_mentors;
    q.requests_with_director = with_director;
    q.refresh_unconfirmed = refresh_unconfirmed;
    q.quiet_relationships = quiet_relationships;
    Ok(q)
}

/// The open concerns of this programme that the viewer handles.
async fn concerns_of(
    s: &App,
    who: &Actor,
    p: &Programme,
    now: DateTime<Utc>,
) -> AppResult<Vec<Item>> {
    let db = &s.store.db;
    let mut concerns = Vec::new();
    for c in trellis_store::concerns::handled_by(db, who.id()).await? {
        if c.programme_id != p.id || c.status.is_finished() {
            continue;
        }
        let (_, target) = trellis_domain::concern::ack_times(c.created_at, p.concern_ack_days);
        concerns.push(Item {
            link: format!("/concerns/{}", c.id),
            title: format!("Concern ({})", c.status.as_str()),
            since: c.created_at,
            due: (c.status == Status::Open).then_some(target),
            state: if c.status == Status::Open {
                state(now, target, Duration::days(2))
            } else {
                TargetStatus::OnTrack
            },
        });
    }
    Ok(concerns)
}
