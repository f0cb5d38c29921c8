//! Concerns: a member reports; the concern goes to its handlers (never the person it is about);
//! the handlers take it through its steps with a message to the reporter each time. The
//! reporter sees its status and those messages; the person concerned and other staff never
//! learn it exists; every read by a handler is audited. The acknowledgement reminder and the
//! escalation to the chair are in [`jobs`].

mod jobs;

pub use jobs::{AckReminder, Escalation};

use crate::Actor;
use crate::App;
use crate::programmes::{find_by_id, standing};
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use trellis_domain::audit::AuditEntry;
use trellis_domain::concern::{self as rules, About, MessageKind, Report, ReportInput, Status};
use trellis_domain::role::StaffRole;
use trellis_store::concerns::{self as store, ConcernRow, NewConcern};
use trellis_store::programmes::Programme;
use trellis_store::{ConnectionTrait, audit};

fn context(id: i64) -> String {
    format!("concern:{id}")
}

fn seal(s: &App, id: i64, text: &str) -> AppResult<String> {
    s.store
        .keys
        .seal(&context(id), text)
        .map_err(AppError::internal)
}

fn unseal(s: &App, id: i64, sealed: &str) -> AppResult<String> {
    s.store
        .keys
        .open(&context(id), sealed)
        .map_err(AppError::internal)
}

/// The programme's role holders, for routing.
pub(crate) async fn staff_roles(
    c: &impl ConnectionTrait,
    programme_id: i64,
) -> AppResult<Vec<(i64, StaffRole)>> {
    Ok(trellis_store::programmes::staff(c, programme_id)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.role))
        .collect())
}

/// Tells a member something about a concern, by email and in the app, without its content.
async fn tell(
    s: &App,
    c: &impl ConnectionTrait,
    p: &Programme,
    user_id: i64,
    letter: &trellis_domain::mail::Letter,
) -> AppResult<()> {
    crate::letters::tell_user(s, c, user_id, Some(p.id), letter).await
}

/// A member of the programme reports a concern.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn report(s: &App, who: &Actor, p: &Programme, input: &ReportInput) -> AppResult<i64> {
    let st = standing(s, p, who).await?;
    if !(st.is_member || st.is_admin || !st.roles.is_empty()) {
        return Err(AppError::forbidden(format!(
            "Join {} to report a concern in it",
            p.name
        )));
    }
    let r = Report::parse(input)?;
    let db = &s.store.db;
    let (subject, relationship) = match r.about {
        About::Person { user_id } => {
            if !trellis_store::programmes::is_member(db, p.id, user_id).await?
                && !staff_roles(&s.store.db, p.id)
                    .await?
                    .iter()
                    .any(|(u, _)| *u == user_id)
            {
                return Err(AppError::invalid(
                    "about_id",
                    format!("That person is not in {}", p.name),
                ));
            }
            (Some(user_id), None)
        }
        About::Relationship { relationship_id } => {
            match trellis_store::workspace::relationship(db, relationship_id).await? {
                Some(rel) if rel.programme_id == p.id => (None, Some(relationship_id)),
                _ => {
                    return Err(AppError::invalid(
                        "about_id",
                        format!("That relationship is not in {}", p.name),
                    ));
                }
            }
        }
        About::Programme => (None, None),
    };
    let routing = rules::route(
        &staff_roles(&s.store.db, p.id).await?,
        subject,
        r.about_staff,
    )
    .map_err(|e| AppError::Conflict(e.to_string()))?;
    let now = s.now();
    let kind = match r.about {
        About::Person { .. } => "person",
        About::Relationship { .. } => "relationship",
        About::Programme => "programme",
    };
    let tx = s.store.begin().await?;
    let id = store::create(
        &tx,
        &NewConcern {
            programme_id: p.id,
            reporter_id: who.id(),
            about_kind: kind,
            subject_id: subject,
            relationship_id: relationship,
            about_staff: r.about_staff,
            pause_contact: r.pause_contact,
            to_chair: routing.to_chair,
            sealed: "",
        },
        now,
    )
    .await?;
    store::set_body(&tx, id, &seal(s, id, &r.what_happened)?).await?;
    store::add_handlers(&tx, id, &routing.handlers, now).await?;
    // Integrations hear that a concern exists, never who or what it is about.
    crate::webhooks::emit(
        &tx,
        p.id,
        "concern.opened",
        serde_json::json!({"concern_id": id, "status": "open"}),
        now,
    )
    .await?;
    let url = format!("{}/concerns/{id}", s.config.site.public_url);
    for h in &routing.handlers {
        tell(
            s,
            &tx,
            p,
            *h,
            &trellis_domain::mail::concerns::to_handler(
                &p.name,
                &url,
                &p.concern_ack_days.to_string(),
            ),
        )
        .await?;
    }
    tell(
        s,
        &tx,
        p,
        who.id(),
        &trellis_domain::mail::concerns::received(&p.name, &url, &p.concern_ack_days.to_string()),
    )
    .await?;
    if let (true, Some(rel)) = (r.pause_contact, relationship) {
        store::set_paused(&tx, rel, Some(now)).await?;
        for m in trellis_store::workspace::members(&tx, rel)
            .await?
            .iter()
            .filter(|m| m.left_at.is_none())
        {
            tell(
                s,
                &tx,
                p,
                m.user_id,
                &trellis_domain::mail::concerns::paused(
                    &p.name,
                    &format!("{}/relationships/{rel}", s.config.site.public_url),
                ),
            )
            .await?;
        }
    }
    let (remind_at, escalate_at) = rules::ack_times(now, p.concern_ack_days);
    let (reminder, escalation) = (
        AckReminder { concern_id: id },
        Escalation { concern_id: id },
    );
    crate::jobs::enqueue(&tx, &reminder, remind_at, now).await?;
    crate::jobs::enqueue(&tx, &escalation, escalate_at, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "concern.reported",
            "concern",
            Some(id),
            format!(
                "about a {kind}; routed to {} handler(s)",
                routing.handlers.len()
            ),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// How the person asking relates to a concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    Reporter,
    Handler,
}

/// Loads a concern for its reporter or one of its handlers. The person it is about and
/// everyone else get 404 (they must not learn it exists); a concerns officer or chair of the
/// programme it was routed away from gets 403 when acting on it.
async fn seat(
    s: &App,
    who: &Actor,
    id: i64,
    acting: bool,
) -> AppResult<(ConcernRow, Programme, Seat)> {
    let c = store::get(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("concern"))?;
    if c.subject_id == Some(who.id()) {
        return Err(AppError::NotFound("concern"));
    }
    let p = find_by_id(s, c.programme_id).await?;
    if store::handlers(&s.store.db, id).await?.contains(&who.id()) {
        return Ok((c, p, Seat::Handler));
    }
    if c.reporter_id == Some(who.id()) {
        return Ok((c, p, Seat::Reporter));
    }
    if acting {
        let st = standing(s, &p, who).await?;
        if st.holds(StaffRole::ConcernsOfficer) || st.holds(StaffRole::Chair) {
            return Err(AppError::forbidden(
                "This concern was routed to other handlers; you cannot act on it",
            ));
        }
    }
    Err(AppError::NotFound("concern"))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub at: DateTime<Utc>,
    /// step (a message to the reporter) or note (handlers only)
    pub kind: String,
    /// The same, for the pages.
    #[serde(skip)]
    pub is_note: bool,
    pub status: Option<String>,
    pub author: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConcernView {
    pub id: i64,
    pub programme_id: i64,
    pub status: String,
    /// The same, for the pages.
    #[serde(skip)]
    pub is_open: bool,
    /// person, relationship or programme
    pub about: String,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Handlers only: whom it is about, what happened, and whether it went to the chair.
    pub subject_id: Option<i64>,
    pub relationship_id: Option<i64>,
    pub what_happened: Option<String>,
    pub to_chair: Option<bool>,
    pub pause_contact: bool,
    /// Handlers only: who reported it (none when the reporter's account was erased).
    pub reporter_name: Option<String>,
    /// Handlers only: the person it is about, by name.
    pub subject_name: Option<String>,
    /// Handlers only: the members of the relationship it is about, by name.
    pub relationship_members: Vec<String>,
    /// Handlers only, while it is open: when it must be acknowledged by (then it goes to the
    /// chair).
    pub acknowledge_by: Option<DateTime<Utc>>,
    pub messages: Vec<MessageView>,
}

async fn view_of(s: &App, p: &Programme, c: &ConcernRow, seat: Seat) -> AppResult<ConcernView> {
    let handler = seat == Seat::Handler;
    let mut messages = Vec::new();
    for m in store::messages(&s.store.db, c.id).await? {
        if handler || m.kind == MessageKind::Step {
            messages.push(MessageView {
                at: m.created_at,
                kind: m.kind.as_str().to_owned(),
                is_note: m.kind == MessageKind::Note,
                status: m.status.map(|s| s.as_str().to_owned()),
                author: if handler { m.author_name } else { None },
                text: unseal(s, c.id, &m.body)?,
            });
        }
    }
    let name_of = |id: Option<i64>| async move {
        match id.filter(|_| handler) {
            Some(id) => Ok::<_, AppError>(
                trellis_store::accounts::user_by_id(&s.store.db, id)
                    .await?
                    .map(|u| u.name),
            ),
            None => Ok(None),
        }
    };
    let reporter_name = name_of(c.reporter_id).await?;
    let subject_name = name_of(c.subject_id).await?;
    let relationship_members = match c.relationship_id.filter(|_| handler) {
        Some(rel) => trellis_store::workspace::members(&s.store.db, rel)
            .await?
            .into_iter()
            .filter(|m| m.left_at.is_none())
            .map(|m| m.name)
            .collect(),
        None => Vec::new(),
    };
    let acknowledge_by = (handler && c.status == Status::Open)
        .then(|| rules::ack_times(c.created_at, p.settings().concern_ack_days).1);
    Ok(ConcernView {
        id: c.id,
        programme_id: c.programme_id,
        status: c.status.as_str().to_owned(),
        is_open: c.status == Status::Open,
        about: c.about_kind.clone(),
        created_at: c.created_at,
        acknowledged_at: c.acknowledged_at,
        subject_id: c.subject_id.filter(|_| handler),
        relationship_id: c.relationship_id.filter(|_| handler),
        what_happened: if handler || seat == Seat::Reporter {
            Some(unseal(s, c.id, &c.body)?)
        } else {
            None
        },
        to_chair: handler.then_some(c.to_chair),
        pause_contact: c.pause_contact,
        reporter_name,
        subject_name,
        relationship_members,
        acknowledge_by,
        messages,
    })
}

/// One concern, for its reporter or a handler (a handler's read is audited).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn get(s: &App, who: &Actor, id: i64) -> AppResult<ConcernView> {
    let (c, p, seat) = seat(s, who, id, false).await?;
    if seat == Seat::Handler {
        audit::record(
            &s.store.db,
            &AuditEntry::new("concern.read", "concern", Some(id), "read by a handler")
                .by(Some(who.id()))
                .in_programme(p.id),
            s.now(),
        )
        .await?;
    }
    view_of(s, &p, &c, seat).await
}

async fn programme_of<'a>(
    s: &App,
    cache: &'a mut HashMap<i64, Programme>,
    id: i64,
) -> AppResult<&'a Programme> {
    Ok(match cache.entry(id) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(find_by_id(s, id).await?),
    })
}

/// The concerns a member reported, and those they handle.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn mine(s: &App, who: &Actor) -> AppResult<(Vec<ConcernView>, Vec<ConcernView>)> {
    // Each programme read once, however many concerns it has.
    let mut programmes: HashMap<i64, Programme> = HashMap::new();
    let mut reported = Vec::new();
    for c in store::reported_by(&s.store.db, who.id()).await? {
        if c.subject_id != Some(who.id()) {
            let p = programme_of(s, &mut programmes, c.programme_id).await?;
            reported.push(view_of(s, p, &c, Seat::Reporter).await?);
        }
    }
    let mut handled = Vec::new();
    for c in store::handled_by(&s.store.db, who.id()).await? {
        let p = programme_of(s, &mut programmes, c.programme_id).await?;
        let mut v = view_of(s, p, &c, Seat::Handler).await?;
        v.messages.clear();
        v.what_happened = None;
        handled.push(v);
    }
    Ok((reported, handled))
}

/// A handler takes the next step, with a message to the reporter.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn step(
    s: &App,
    who: &Actor,
    id: i64,
    to: &str,
    message: &str,
) -> AppResult<ConcernView> {
    let (c, p, seat) = seat(s, who, id, true).await?;
    if seat != Seat::Handler {
        return Err(AppError::forbidden("Only the concern's handlers act on it"));
    }
    let to = Status::parse(to.trim()).ok_or_else(|| {
        AppError::invalid(
            "status",
            "Choose acknowledged, investigating, resolved or closed",
        )
    })?;
    let message = trellis_domain::error::required_text("message", message, 4000)?;
    let from = c.status;
    rules::step(from, to).map_err(|e| AppError::Conflict(e.to_string()))?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if !store::set_status(&tx, id, c.version, to.as_str(), now).await? {
        return Err(AppError::Conflict(
            "Another handler acted on this concern just now: reload it.".into(),
        ));
    }
    store::add_message(
        &tx,
        id,
        Some(who.id()),
        "step",
        Some(to.as_str()),
        &seal(s, id, &message)?,
        now,
    )
    .await?;
    if let Some(reporter) = c.reporter_id {
        let url = format!("{}/concerns/{id}", s.config.site.public_url);
        tell(
            s,
            &tx,
            &p,
            reporter,
            &trellis_domain::mail::concerns::update(&p.name, to.as_str(), &url),
        )
        .await?;
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "concern.step",
            "concern",
            Some(id),
            format!("{} → {}", from.as_str(), to.as_str()),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    let c = store::get(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("concern"))?;
    view_of(s, &p, &c, Seat::Handler).await
}

/// A handler's note, seen by the handlers only.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn note(s: &App, who: &Actor, id: i64, text: &str) -> AppResult<()> {
    let (_, p, seat) = seat(s, who, id, true).await?;
    if seat != Seat::Handler {
        return Err(AppError::forbidden(
            "Only the concern's handlers write notes on it",
        ));
    }
    let text = trellis_domain::error::required_text("note", text, 8000)?;
    let tx = s.store.begin().await?;
    store::add_message(
        &tx,
        id,
        Some(who.id()),
        "note",
        None,
        &seal(s, id, &text)?,
        s.now(),
    )
    .await?;
    audit::record(
        &tx,
        &AuditEntry::new("concern.note", "concern", Some(id), "handler note")
            .by(Some(who.id()))
            .in_programme(p.id),
        s.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A handler lifts the pause on the relationship; its members are told contact may resume.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn lift_pause(s: &App, who: &Actor, id: i64) -> AppResult<()> {
    let (c, p, seat) = seat(s, who, id, true).await?;
    if seat != Seat::Handler {
        return Err(AppError::forbidden(
            "Only the concern's handlers lift the pause",
        ));
    }
    let Some(rel) = c.relationship_id.filter(|_| c.pause_contact) else {
        return Err(AppError::Conflict(
            "This concern paused no relationship.".into(),
        ));
    };
    let tx = s.store.begin().await?;
    store::set_paused(&tx, rel, None).await?;
    for m in trellis_store::workspace::members(&tx, rel)
        .await?
        .iter()
        .filter(|m| m.left_at.is_none())
    {
        tell(
            s,
            &tx,
            &p,
            m.user_id,
            &trellis_domain::mail::concerns::resumed(
                &p.name,
                &format!("{}/relationships/{rel}", s.config.site.public_url),
            ),
        )
        .await?;
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "concern.pause_lifted",
            "concern",
            Some(id),
            "contact may resume",
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        s.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
