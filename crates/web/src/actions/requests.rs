//! Mentorship requests: the mentee asks, the named mentors reply in turn, the director steps
//! in when none can. The rules are `trellis_domain::request::Cascade`; this module loads,
//! calls, and saves each change in one transaction (a compare-and-set on the request's version).

use crate::actions::programmes::{find_by_id, standing};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::Duration;
use trellis_domain::audit::AuditEntry;
use trellis_domain::error::optional_text;
use trellis_domain::request::{Cascade, Event, Refused, RequestDetails, RequestInput};
use trellis_domain::role::StaffRole;
use trellis_store::programmes::Programme;
use trellis_store::requests::{self as store, Effects, RequestRow, state_of};
use trellis_store::{DatabaseTransaction, StoreError, TransactionTrait, audit, mentors};

fn refused(r: Refused) -> AppError {
    match r {
        Refused::NotYourOffer => AppError::forbidden(r.to_string()),
        _ => AppError::Conflict(r.to_string()),
    }
}

fn conflict() -> AppError {
    AppError::Conflict("This request changed just now (someone else acted on it first). Reload it to see where it stands.".into())
}

fn window(p: &Programme) -> Duration {
    Duration::days(i64::from(p.reply_window_days))
}

/// How the person asking relates to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Sees everything.
    Mentee,
    /// The mentor it is waiting for: sees the mentee's words, to decide.
    Holder,
    /// Office, director, admin: status, dates and names, never the mentee's words.
    Staff { may_direct: bool },
    /// A mentor the mentee named or who was offered it: its status only.
    Named,
}

/// Loads a request the person may see; anyone else gets 404.
pub async fn visible(
    s: &AppState,
    who: &CurrentUser,
    id: i64,
) -> AppResult<(RequestRow, Programme, Viewer)> {
    let r = store::get(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("request"))?;
    let p = find_by_id(s, r.programme_id).await?;
    if r.mentee_id == who.id() {
        return Ok((r, p, Viewer::Mentee));
    }
    if r.holder_id == Some(who.id()) {
        return Ok((r, p, Viewer::Holder));
    }
    let st = standing(s, &p, who).await?;
    if st.is_admin || st.holds(StaffRole::Director) || st.holds(StaffRole::Office) {
        let may_direct = st.is_admin || st.holds(StaffRole::Director);
        return Ok((r, p, Viewer::Staff { may_direct }));
    }
    let c = r.cascade()?;
    if c.choices.contains(&who.id()) || c.offered.contains(&who.id()) {
        return Ok((r, p, Viewer::Named));
    }
    Err(AppError::NotFound("request"))
}

/// A member asks for mentorship, naming up to the programme's number of mentors in order.
pub async fn create(
    s: &AppState,
    who: &CurrentUser,
    p: &Programme,
    input: &RequestInput,
) -> AppResult<RequestRow> {
    if !standing(s, p, who).await?.is_member {
        return Err(AppError::forbidden(format!(
            "Join {} before asking for a mentor in it",
            p.name
        )));
    }
    let states = store::mentor_states(&s.store.db, p.id, &input.choices).await?;
    let max = usize::try_from(p.choices_per_request).unwrap_or(3);
    let details = RequestDetails::parse(input, max, who.id(), |m| state_of(&states, m).listed)?;
    let now = s.now();
    let (cascade, events) = Cascade::start(details.choices.clone(), now, window(p), |m| {
        state_of(&states, m)
    });
    let tx = s.store.db.begin().await?;
    let id = match store::create(&tx, p.id, who.id(), &details, &cascade, now).await {
        Ok(id) => id,
        Err(StoreError::Duplicate { .. }) => {
            return Err(AppError::Conflict("You already have an open request in this programme: follow it, or withdraw it first.".into()));
        }
        Err(e) => return Err(e.into()),
    };
    let row = store::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("request"))?;
    Effects {
        site: &s.config.site,
        mail_host: &s.config.mail_host,
        programme: p,
        request: &row,
        now,
    }
    .apply(&tx, &cascade, &events)
    .await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "request.created",
            "request",
            Some(id),
            format!("request with {} choices", details.choices.len()),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    let row = store::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("request"))?;
    tx.commit().await?;
    Ok(row)
}

/// A changed cascade, ready to save.
struct Change<'a> {
    request: &'a RequestRow,
    programme: &'a Programme,
    cascade: &'a Cascade,
    events: &'a [Event],
    /// The audit action.
    action: &'static str,
}

/// Saves a changed cascade and writes its effects and audit row; the caller commits.
async fn save(
    s: &AppState,
    tx: &DatabaseTransaction,
    who: &CurrentUser,
    ch: Change<'_>,
) -> AppResult<()> {
    let now = s.now();
    let (r, p, c) = (ch.request, ch.programme, ch.cascade);
    if !store::save(tx, r.id, r.version, c, now).await? {
        return Err(conflict());
    }
    Effects {
        site: &s.config.site,
        mail_host: &s.config.mail_host,
        programme: p,
        request: r,
        now,
    }
    .apply(tx, c, ch.events)
    .await?;
    audit::record(
        tx,
        &AuditEntry::new(
            ch.action,
            "request",
            Some(r.id),
            format!("request {}", c.status.name()),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    Ok(())
}

/// Saves a change that needs nothing else in its transaction, and returns the request.
async fn commit(s: &AppState, who: &CurrentUser, ch: Change<'_>) -> AppResult<RequestRow> {
    let id = ch.request.id;
    let tx = s.store.db.begin().await?;
    save(s, &tx, who, ch).await?;
    tx.commit().await?;
    reload(s, id).await
}

async fn reload(s: &AppState, id: i64) -> AppResult<RequestRow> {
    store::get(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("request"))
}

/// The mentor holding the request accepts: the relationship is created and both are emailed
/// each other's address. Needs a free place (two acceptances racing for the last one: one wins).
pub async fn accept(s: &AppState, who: &CurrentUser, id: i64) -> AppResult<RequestRow> {
    let (r, p, _) = visible(s, who, id).await?;
    let mut c = r.cascade()?;
    let events = c.accept(who.id(), s.now()).map_err(refused)?;
    let tx = s.store.db.begin().await?;
    if !store::take_place(&tx, p.id, who.id(), s.now()).await? {
        return Err(AppError::Conflict("You have no free place for another mentee. Raise your capacity on your mentoring page, or decline.".into()));
    }
    save(
        s,
        &tx,
        who,
        Change {
            request: &r,
            programme: &p,
            cascade: &c,
            events: &events,
            action: "request.accepted",
        },
    )
    .await?;
    tx.commit().await?;
    reload(s, id).await
}

/// The mentor holding the request declines (optionally saying why, and optionally marking
/// themself unavailable); it passes to the next choice.
pub async fn decline(
    s: &AppState,
    who: &CurrentUser,
    id: i64,
    reason: &str,
    mark_unavailable: bool,
) -> AppResult<RequestRow> {
    let reason = optional_text("reason", reason, 2000)?;
    let (r, p, _) = visible(s, who, id).await?;
    let mut c = r.cascade()?;
    let now = s.now();
    let states = store::mentor_states(&s.store.db, p.id, &c.choices).await?;
    let events = c
        .decline(who.id(), reason, mark_unavailable, now, window(&p), |m| {
            state_of(&states, m)
        })
        .map_err(refused)?;
    let tx = s.store.db.begin().await?;
    if mark_unavailable && let Some(m) = mentors::mentor(&tx, p.id, who.id()).await? {
        mentors::set_availability(&tx, m.id, false, None, now).await?;
    }
    save(
        s,
        &tx,
        who,
        Change {
            request: &r,
            programme: &p,
            cascade: &c,
            events: &events,
            action: "request.declined",
        },
    )
    .await?;
    tx.commit().await?;
    reload(s, id).await
}

/// The mentee withdraws the request, whatever its stage.
pub async fn withdraw(s: &AppState, who: &CurrentUser, id: i64) -> AppResult<RequestRow> {
    let (r, p, viewer) = visible(s, who, id).await?;
    if viewer != Viewer::Mentee {
        return Err(AppError::forbidden(
            "Only the member who made the request can withdraw it",
        ));
    }
    let mut c = r.cascade()?;
    let events = c.withdraw(s.now()).map_err(refused)?;
    commit(
        s,
        who,
        Change {
            request: &r,
            programme: &p,
            cascade: &c,
            events: &events,
            action: "request.withdrawn",
        },
    )
    .await
}

fn require_director(viewer: Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Staff { may_direct: true } => Ok(()),
        _ => Err(AppError::forbidden(
            "Only the mentorship director acts on requests in the director's queue",
        )),
    }
}

/// The director offers a request in their queue to another mentor, with a new window.
pub async fn director_offer(
    s: &AppState,
    who: &CurrentUser,
    id: i64,
    mentor_id: i64,
) -> AppResult<RequestRow> {
    let (r, p, viewer) = visible(s, who, id).await?;
    require_director(viewer)?;
    if mentor_id == r.mentee_id {
        return Err(AppError::invalid(
            "mentor_id",
            "A mentee cannot mentor themself",
        ));
    }
    let mut c = r.cascade()?;
    let states = store::mentor_states(&s.store.db, p.id, &[mentor_id]).await?;
    let events = c
        .director_offer(mentor_id, s.now(), window(&p), state_of(&states, mentor_id))
        .map_err(refused)?;
    if let Some(Event::Skipped { reason, .. }) = events.first() {
        return Err(AppError::invalid(
            "mentor_id",
            format!("This mentor {}", reason.explain()),
        ));
    }
    commit(
        s,
        who,
        Change {
            request: &r,
            programme: &p,
            cascade: &c,
            events: &events,
            action: "request.offered_by_director",
        },
    )
    .await
}

/// The director closes a request in their queue with a message to the mentee.
pub async fn director_close(
    s: &AppState,
    who: &CurrentUser,
    id: i64,
    message: &str,
) -> AppResult<RequestRow> {
    let message = trellis_domain::application::parse_message("message", message)?;
    let (r, p, viewer) = visible(s, who, id).await?;
    require_director(viewer)?;
    let mut c = r.cascade()?;
    let events = c.director_close(message, s.now()).map_err(refused)?;
    commit(
        s,
        who,
        Change {
            request: &r,
            programme: &p,
            cascade: &c,
            events: &events,
            action: "request.closed",
        },
    )
    .await
}

/// A request as each viewer may see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub programme_id: i64,
    pub mentee_id: i64,
    pub mentee_name: String,
    /// offered, with_director, accepted, closed, withdrawn
    pub status: String,
    /// The mentor it is with now.
    pub with_mentor_id: Option<i64>,
    pub with_mentor_name: Option<String>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub reply_due: Option<chrono::DateTime<chrono::Utc>>,
    pub choices: Vec<i64>,
    /// The mentee's words: only for the mentee and the mentor it is with.
    #[schema(value_type = Object)]
    pub details: Option<RequestDetails>,
    pub relationship_id: Option<i64>,
    pub timeline: Vec<TimelineEntry>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub kind: String,
    pub mentor_name: Option<String>,
}

pub async fn view(s: &AppState, r: &RequestRow, viewer: Viewer) -> AppResult<RequestView> {
    let c = r.cascade()?;
    let (since, due) = match c.status {
        trellis_domain::request::Status::Offered {
            offered_at, due_at, ..
        } => (Some(offered_at), Some(due_at)),
        trellis_domain::request::Status::WithDirector { since } => (Some(since), None),
        _ => (None, None),
    };
    let with_name = match r.holder_id {
        Some(m) => trellis_store::accounts::user_by_id(&s.store.db, m)
            .await?
            .map(|u| u.name),
        None => None,
    };
    let timeline = store::events(&s.store.db, r.id)
        .await?
        .into_iter()
        .map(|e| TimelineEntry {
            at: e.at,
            kind: e.kind,
            mentor_name: e.mentor_name,
        })
        .collect();
    Ok(RequestView {
        id: r.id,
        programme_id: r.programme_id,
        mentee_id: r.mentee_id,
        mentee_name: r.mentee_name.clone(),
        status: r.status.clone(),
        with_mentor_id: r.holder_id,
        with_mentor_name: with_name,
        since,
        reply_due: due,
        choices: c.choices.clone(),
        details: matches!(viewer, Viewer::Mentee | Viewer::Holder)
            .then(|| r.details())
            .flatten(),
        relationship_id: store::relationship_for(&s.store.db, r.id)
            .await?
            .map(|rel| rel.id),
        timeline,
        created_at: r.created_at,
    })
}
