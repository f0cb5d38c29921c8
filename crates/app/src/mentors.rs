//! Mentor applications and their review, the directory, mentors' own listings, and the
//! refresh confirmation; their timed rules are in [`jobs`].

mod jobs;

pub(crate) use jobs::schedule_refreshes;
pub use jobs::{
    ApplicationReminder, DirectoryRefresh, MentorAvailable, RefreshClose, RefreshReminder,
};

use crate::Actor;
use crate::App;
use crate::programmes::{find_by_id, standing};
use crate::{AppError, AppResult};
use chrono::NaiveDate;
use trellis_domain::application::{
    self, Action, ApplicationDetails, ApplicationInput, Event, State,
};
use trellis_domain::audit::AuditEntry;
use trellis_domain::directory;
use trellis_domain::mail::{Letter, mentoring as letters};
use trellis_domain::role::{StaffRole, Standing};
use trellis_store::mentors as store;

pub use trellis_store::mentors::{ApplicationEvent, ApplicationRow, MentorRow, entries, list_of};
use trellis_store::programmes::{self, Programme};
use trellis_store::taxonomy::{self, Term};
use trellis_store::{ConnectionTrait, StoreError, audit};

mod listing;
mod refresh;
mod search;

pub use listing::*;
pub use refresh::*;
pub use search::*;

#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    pub audiences: Vec<Term>,
    pub expertise: Vec<Term>,
}

impl Taxonomy {
    pub fn label(&self, id: i64) -> Option<&str> {
        self.audiences
            .iter()
            .chain(self.expertise.iter())
            .find(|t| t.id == id)
            .map(|t| t.label.as_str())
    }
}

#[tracing::instrument(skip_all, fields(programme_id = p.id))]
pub async fn taxonomy(s: &App, p: &Programme) -> AppResult<Taxonomy> {
    Ok(Taxonomy {
        audiences: taxonomy::terms(&s.store.db, p.id, taxonomy::AUDIENCE, false).await?,
        expertise: taxonomy::terms(&s.store.db, p.id, taxonomy::EXPERTISE, false).await?,
    })
}

fn conflict(message: impl Into<String>) -> AppError {
    AppError::Conflict(message.into())
}

/// Tells everyone holding `roles` in the programme (inside the caller's transaction).
async fn tell_staff(
    s: &App,
    c: &impl ConnectionTrait,
    p: &Programme,
    roles: &[StaffRole],
    letter: &Letter,
) -> AppResult<()> {
    let mut sent: Vec<i64> = Vec::new();
    for m in programmes::staff(c, p.id).await? {
        if roles.contains(&m.role) && !sent.contains(&m.user_id) {
            sent.push(m.user_id);
            tell(s, c, p.id, m.user_id, letter).await?;
        }
    }
    Ok(())
}

/// Emails a member and puts the in-app copy in their notification centre.
async fn tell(
    s: &App,
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
    letter: &Letter,
) -> AppResult<()> {
    crate::letters::tell_user(s, c, user_id, Some(programme_id), letter).await
}

fn url(s: &App, path: &str) -> String {
    format!("{}{path}", s.config.site.public_url)
}

fn review_url(s: &App, app_id: i64) -> String {
    url(s, &format!("/applications/{app_id}"))
}

/// Builds the text the directory searches for a mentor.
fn search_text(name: &str, d: &ApplicationDetails, tax: &Taxonomy) -> String {
    let labels: Vec<String> = d
        .audiences
        .iter()
        .chain(d.expertise.iter())
        .filter_map(|id| tax.label(*id))
        .map(str::to_owned)
        .collect();
    store::search_text(name, d, &labels)
}

/// Applies to mentor. Programmes that review mentors [003] queue the application for the
/// director; the others [000] list the member at once.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn apply(
    s: &App,
    who: &Actor,
    p: &Programme,
    input: &ApplicationInput,
) -> AppResult<ApplicationRow> {
    let st = standing(s, p, who).await?;
    if !st.is_member {
        return Err(AppError::forbidden(format!(
            "Join {} before applying to mentor in it",
            p.name
        )));
    }
    let settings = p.settings();
    if !settings.mentor_member_types.is_empty() {
        let listed = programmes::on_member_list(&s.store.db, p.id, &who.user.email).await?;
        let ok = listed.and_then(|l| l.member_type).is_some_and(|t| {
            settings
                .mentor_member_types
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&t))
        });
        if !ok {
            return Err(AppError::forbidden(format!(
                "In {}, mentors must be {} members",
                p.name,
                settings.mentor_member_types.join(" or ")
            )));
        }
    }
    if store::mentor(&s.store.db, p.id, who.id()).await?.is_some() {
        return Err(conflict(
            "You are already a mentor in this programme: change your listing instead",
        ));
    }
    let tax = taxonomy(s, p).await?;
    let ids = |v: &[Term]| v.iter().map(|t| t.id).collect::<Vec<_>>();
    let details = ApplicationDetails::parse(input, &ids(&tax.audiences), &ids(&tax.expertise))?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let id = match store::create_application(&tx, p.id, who.id(), &details, now).await {
        Ok(id) => id,
        Err(StoreError::Duplicate { .. }) => {
            return Err(conflict(
                "You already have an application waiting for a decision in this programme",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    store::add_event(&tx, id, Some(who.id()), "submitted", None, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "application.submitted",
            "mentor_application",
            Some(id),
            format!("{} applied to mentor", who.user.email),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    if settings.review_mentors {
        tell(
            s,
            &tx,
            p.id,
            who.id(),
            &letters::application_received(&p.name, &url(s, &format!("/applications/{id}")), true),
        )
        .await?;
        tell_staff(
            s,
            &tx,
            p,
            &[StaffRole::Director],
            &letters::application_to_review(&p.name, &who.user.name, &review_url(s, id), false),
        )
        .await?;
        let remind = application::reminder_at(now, settings.application_target_days);
        let job = ApplicationReminder { application_id: id };
        crate::jobs::enqueue(&tx, &job, remind, now).await?;
    } else {
        // Guide 000: "ASM does not qualify mentors prior to their registration."
        store::move_application(
            &tx,
            id,
            store::Move {
                from: State::Submitted,
                to: State::Approved,
                by: None,
                note: Some("listed on registration"),
                details: None,
            },
            now,
        )
        .await?;
        store::add_event(
            &tx,
            id,
            None,
            "approved",
            Some("Listed on registration: this programme does not review mentors."),
            now,
        )
        .await?;
        store::upsert_mentor(
            &tx,
            p.id,
            who.id(),
            Some(id),
            &details,
            &search_text(&who.user.name, &details, &tax),
            now,
        )
        .await?;
        audit::record(
            &tx,
            &AuditEntry::new(
                "mentor.listed",
                "mentor_application",
                Some(id),
                format!("{} listed as a mentor", who.user.email),
            )
            .in_programme(p.id),
            now,
        )
        .await?;
        tell(
            s,
            &tx,
            p.id,
            who.id(),
            &letters::application_received(
                &p.name,
                &url(s, &format!("/programmes/{}/mentoring", p.slug)),
                false,
            ),
        )
        .await?;
    }
    let row = store::application(&tx, id)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    tx.commit().await?;
    Ok(row)
}

/// Who may see an application: its applicant, the programme's director and office, admins.
fn may_view(who: &Actor, app: &ApplicationRow, st: &Standing) -> bool {
    app.user_id == who.id()
        || st.is_admin
        || st.holds(StaffRole::Director)
        || st.holds(StaffRole::Office)
}

fn may_decide(st: &Standing) -> bool {
    st.is_admin || st.holds(StaffRole::Director)
}

/// Loads an application the person may see; others get 404, so its existence is not revealed.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn visible_application(
    s: &App,
    who: &Actor,
    id: i64,
) -> AppResult<(ApplicationRow, Programme, Standing)> {
    let app = store::application(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    let p = find_by_id(s, app.programme_id).await?;
    let st = standing(s, &p, who).await?;
    if !may_view(who, &app, &st) {
        return Err(AppError::NotFound("application"));
    }
    Ok((app, p, st))
}

/// The director's decision: `approve`, `clarify` (with the question) or `decline` (with the reason).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn decide(
    s: &App,
    who: &Actor,
    id: i64,
    decision: &str,
    message: &str,
) -> AppResult<ApplicationRow> {
    let (app, p, st) = visible_application(s, who, id).await?;
    if !may_decide(&st) {
        return Err(AppError::forbidden(
            "Only the mentorship director decides mentor applications",
        ));
    }
    let action = match decision {
        "approve" => Action::Approve,
        "clarify" => Action::RequestClarification {
            question: application::parse_message("message", message)?,
        },
        "decline" => Action::Decline {
            reason: application::parse_message("message", message)?,
        },
        _ => {
            return Err(AppError::invalid(
                "decision",
                "Choose approve, clarify or decline",
            ));
        }
    };
    let from = app.state();
    let (to, event) =
        application::transition(from, &action).map_err(|r| conflict(r.to_string()))?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if !store::move_application(
        &tx,
        id,
        store::Move {
            from,
            to,
            by: Some(who.id()),
            note: matches!(event, Event::Declined { .. }).then_some(message.trim()),
            details: None,
        },
        now,
    )
    .await?
    {
        return Err(conflict(
            "Someone else changed this application just now. Reload it to see its state.",
        ));
    }
    let applicant_url = url(s, &format!("/applications/{id}"));
    match &event {
        Event::ClarificationRequested { question } => {
            store::add_event(
                &tx,
                id,
                Some(who.id()),
                "clarification_requested",
                Some(question),
                now,
            )
            .await?;
            tell(
                s,
                &tx,
                p.id,
                app.user_id,
                &letters::clarification_requested(&p.name, question, &applicant_url),
            )
            .await?;
        }
        Event::Approved => {
            let details = app.details().ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("application {id} has unreadable details"))
            })?;
            let tax = taxonomy(s, &p).await?;
            store::upsert_mentor(
                &tx,
                p.id,
                app.user_id,
                Some(id),
                &details,
                &search_text(&app.applicant_name, &details, &tax),
                now,
            )
            .await?;
            store::add_event(&tx, id, Some(who.id()), "approved", None, now).await?;
            tell(
                s,
                &tx,
                p.id,
                app.user_id,
                &letters::approved(
                    &p.name,
                    &url(s, &format!("/programmes/{}/mentoring", p.slug)),
                ),
            )
            .await?;
        }
        Event::Declined { reason } => {
            store::add_event(&tx, id, Some(who.id()), "declined", Some(reason), now).await?;
            tell(
                s,
                &tx,
                p.id,
                app.user_id,
                &letters::declined(&p.name, reason),
            )
            .await?;
        }
        Event::Resubmitted | Event::Withdrawn => {}
    }
    if matches!(event, Event::Approved | Event::Declined { .. }) {
        crate::webhooks::emit(
            &tx,
            p.id,
            "application.decided",
            serde_json::json!({"application_id": id, "user_id": app.user_id, "state": to.as_str()}),
            now,
        )
        .await?;
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            audit_action(&event),
            "mentor_application",
            Some(id),
            format!("application from {} {}", app.applicant_email, to.as_str()),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    let row = store::application(&tx, id)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    tx.commit().await?;
    Ok(row)
}

fn audit_action(e: &Event) -> &'static str {
    match e {
        Event::ClarificationRequested { .. } => "application.clarification_requested",
        Event::Resubmitted => "application.resubmitted",
        Event::Approved => "application.approved",
        Event::Declined { .. } => "application.declined",
        Event::Withdrawn => "application.withdrawn",
    }
}

/// The applicant answers the director's question, with an updated application.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn resubmit(
    s: &App,
    who: &Actor,
    id: i64,
    answer: &str,
    input: &ApplicationInput,
) -> AppResult<ApplicationRow> {
    let (app, p, _) = visible_application(s, who, id).await?;
    if app.user_id != who.id() {
        return Err(AppError::forbidden("Only the applicant can answer"));
    }
    let from = app.state();
    let (to, _) =
        application::transition(from, &Action::Resubmit).map_err(|r| conflict(r.to_string()))?;
    let answer = application::parse_message("answer", answer)?;
    let tax = taxonomy(s, &p).await?;
    let ids = |v: &[Term]| v.iter().map(|t| t.id).collect::<Vec<_>>();
    let details = ApplicationDetails::parse(input, &ids(&tax.audiences), &ids(&tax.expertise))?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if !store::move_application(
        &tx,
        id,
        store::Move {
            from,
            to,
            by: Some(who.id()),
            note: None,
            details: Some(&details),
        },
        now,
    )
    .await?
    {
        return Err(conflict(
            "This application changed just now. Reload it to see its state.",
        ));
    }
    store::add_event(&tx, id, Some(who.id()), "resubmitted", Some(&answer), now).await?;
    tell_staff(
        s,
        &tx,
        &p,
        &[StaffRole::Director],
        &letters::application_to_review(&p.name, &who.user.name, &review_url(s, id), true),
    )
    .await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "application.resubmitted",
            "mentor_application",
            Some(id),
            "applicant answered the director",
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    let row = store::application(&tx, id)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    tx.commit().await?;
    Ok(row)
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn withdraw(s: &App, who: &Actor, id: i64) -> AppResult<ApplicationRow> {
    let (app, p, _) = visible_application(s, who, id).await?;
    if app.user_id != who.id() {
        return Err(AppError::forbidden(
            "Only the applicant can withdraw an application",
        ));
    }
    let from = app.state();
    let (to, _) =
        application::transition(from, &Action::Withdraw).map_err(|r| conflict(r.to_string()))?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if !store::move_application(
        &tx,
        id,
        store::Move {
            from,
            to,
            by: Some(who.id()),
            note: Some("withdrawn by the applicant"),
            details: None,
        },
        now,
    )
    .await?
    {
        return Err(conflict(
            "This application changed just now. Reload it to see its state.",
        ));
    }
    store::add_event(&tx, id, Some(who.id()), "withdrawn", None, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "application.withdrawn",
            "mentor_application",
            Some(id),
            "withdrawn by the applicant",
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    let row = store::application(&tx, id)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    tx.commit().await?;
    Ok(row)
}

/// The director's queue (director, office and admin).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn queue(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<ApplicationRow>> {
    let st = standing(s, p, who).await?;
    if !(st.runs_programme()) {
        return Err(AppError::forbidden(
            "Only the mentorship director and the programme office see the applications",
        ));
    }
    Ok(store::open_applications(&s.store.db, p.id).await?)
}

/// An application's history, oldest first (for those who may see the application).
#[tracing::instrument(skip_all)]
pub async fn history(s: &App, a: &ApplicationRow) -> AppResult<Vec<store::ApplicationEvent>> {
    Ok(store::events(&s.store.db, a.id).await?)
}

/// The person's own applications to the programme, newest first.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn my_applications(
    s: &App,
    who: &Actor,
    p: &Programme,
) -> AppResult<Vec<ApplicationRow>> {
    Ok(store::applications_of(&s.store.db, p.id, who.id()).await?)
}
