//! Mentorship requests: the mentee asks, the named mentors reply in turn, the director steps
//! in when none can. The rules are `trellis_domain::request::Cascade`; this module loads,
//! calls, and saves each change in one transaction (a compare-and-set on the request's version)
//! with what follows from it ([`effects`]); the timed rules are in [`jobs`].

mod effects;
mod jobs;

pub use jobs::{Deadline, Reminder};
pub use trellis_store::requests::{FileInfo, RequestFile, RequestRow};
pub use trellis_store::shortlist::Pick;

use crate::Actor;
use crate::App;
use crate::programmes::{find_by_id, standing};
use crate::{AppError, AppResult};
use chrono::Duration;
use effects::Effects;
use trellis_domain::audit::AuditEntry;
use trellis_domain::error::optional_text;
use trellis_domain::request::{
    Cascade, Event, Refused, RequestDetails, RequestInput, Stage, Status, Step, check_cv,
    clean_file_name,
};
use trellis_domain::role::StaffRole;
use trellis_store::programmes::Programme;
use trellis_store::requests::{self as store, state_of};
use trellis_store::{DatabaseTransaction, StoreError, audit, mentors};

mod files;
mod made;
mod shortlist;
mod view;

pub use files::*;
pub use made::*;
pub use shortlist::*;
pub use view::*;

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
    /// The mentor it is waiting for (sees the mentee's words, to decide), or who accepted it.
    Holder,
    /// Office, director, admin: status, dates and names, never the mentee's words.
    Staff { may_direct: bool },
    /// A mentor the mentee named or who was offered it: its status only.
    Named,
}

/// Loads a request the person may see; anyone else gets 404.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn visible(s: &App, who: &Actor, id: i64) -> AppResult<(RequestRow, Programme, Viewer)> {
    let r = store::get(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("request"))?;
    let p = find_by_id(s, r.programme_id).await?;
    if r.mentee_id == who.id() {
        return Ok((r, p, Viewer::Mentee));
    }
    let c = r.cascade()?;
    let accepted_by_me =
        matches!(c.status, Status::Accepted { mentor_id, .. } if mentor_id == who.id());
    if r.holder_id == Some(who.id()) || accepted_by_me {
        return Ok((r, p, Viewer::Holder));
    }
    let st = standing(s, &p, who).await?;
    if st.runs_programme() {
        let may_direct = st.is_admin || st.holds(StaffRole::Director);
        return Ok((r, p, Viewer::Staff { may_direct }));
    }
    if c.choices.contains(&who.id()) || c.offered.contains(&who.id()) {
        return Ok((r, p, Viewer::Named));
    }
    Err(AppError::NotFound("request"))
}

/// A member asks for mentorship, naming up to the programme's number of mentors in order.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn create(
    s: &App,
    who: &Actor,
    p: &Programme,
    input: &RequestInput,
    cv: Option<Upload>,
) -> AppResult<RequestRow> {
    if !standing(s, p, who).await?.is_member {
        return Err(AppError::forbidden(format!(
            "Join {} before asking for a mentor in it",
            p.name
        )));
    }
    let open = store::open_relationships_as_mentee(&s.store.db, p.id, who.id()).await?;
    if open >= i64::from(p.max_relationships_per_member) {
        return Err(AppError::Conflict(format!(
            "You already have {open} mentoring relationship{} in {}, the most it allows at once. Close one before asking for another mentor.",
            if open == 1 { "" } else { "s" },
            p.name
        )));
    }
    let states = store::mentor_states(&s.store.db, p.id, &input.choices).await?;
    let mut inv = trellis_domain::Invalid::default();
    let details = match parse(p, who, input, &states) {
        Ok(d) => Some(d),
        Err(e) => {
            inv.0.extend(e.0);
            None
        }
    };
    if let Some(Err(e)) = cv.as_ref().map(|u| check_cv(&u.bytes)) {
        inv.push(e);
    }
    let (Some(details), true) = (details, inv.is_empty()) else {
        return Err(AppError::Invalid(inv));
    };
    let tx = s.store.begin().await?;
    let id = open_in(s, &tx, who, p, who.id(), &details, &states, cv, || {
        "You already have an open request in this programme: follow it, or withdraw it first."
            .into()
    })
    .await?;
    let row = store::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("request"))?;
    tx.commit().await?;
    Ok(row)
}

/// Opens a checked request for `mentee_id` in the caller's transaction: the cascade starts
/// (its offer and letters go out), the CV is attached, the mentee's shortlist has served and is
/// cleared, and `who` is audited as its maker. `Conflict(duplicate())` when the mentee already
/// has an open request.
#[allow(clippy::too_many_arguments)]
async fn open_in(
    s: &App,
    tx: &DatabaseTransaction,
    who: &Actor,
    p: &Programme,
    mentee_id: i64,
    details: &RequestDetails,
    states: &std::collections::HashMap<i64, trellis_domain::request::MentorState>,
    cv: Option<Upload>,
    duplicate: impl FnOnce() -> String,
) -> AppResult<i64> {
    let now = s.now();
    let (cascade, events) = Cascade::start(details.choices.clone(), now, window(p), |m| {
        state_of(states, m)
    });
    let id = match store::create(tx, p.id, mentee_id, details, &cascade, now).await {
        Ok(id) => id,
        Err(StoreError::Duplicate { .. }) => return Err(AppError::Conflict(duplicate())),
        Err(e) => return Err(e.into()),
    };
    if let Some(u) = cv {
        store::put_file(tx, id, &u.file_name, "application/pdf", u.bytes, now).await?;
    }
    trellis_store::shortlist::clear(tx, p.id, mentee_id).await?;
    let row = store::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("request"))?;
    Effects {
        app: s,
        programme: p,
        request: &row,
        now,
    }
    .apply(tx, &cascade, &events)
    .await?;
    audit::record(
        tx,
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
    Ok(id)
}

/// Whether this viewer reads the mentee's words and CV: the mentee, the mentor it is with (or
/// who accepted it), and the staff when the mentee shares it with them.
pub(crate) fn may_read_words(r: &RequestRow, viewer: Viewer) -> bool {
    match viewer {
        Viewer::Mentee | Viewer::Holder => true,
        Viewer::Staff { .. } => r.shared_with_staff,
        Viewer::Named => false,
    }
}

/// The mentee shares (or stops sharing) the request's words and CV with the programme staff.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn share(s: &App, who: &Actor, id: i64, shared: bool) -> AppResult<RequestRow> {
    let (_, p, viewer) = visible(s, who, id).await?;
    if viewer != Viewer::Mentee {
        return Err(AppError::forbidden(
            "Only the member who made the request can share it",
        ));
    }
    let now = s.now();
    let tx = s.store.begin().await?;
    store::set_shared(&tx, id, shared, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            if shared {
                "request.shared"
            } else {
                "request.unshared"
            },
            "request",
            Some(id),
            if shared {
                "shared with the programme staff"
            } else {
                "no longer shared with the programme staff"
            },
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    reload(s, id).await
}

fn parse(
    p: &Programme,
    who: &Actor,
    input: &RequestInput,
    states: &std::collections::HashMap<i64, trellis_domain::request::MentorState>,
) -> Result<RequestDetails, trellis_domain::Invalid> {
    let max = usize::try_from(p.choices_per_request).unwrap_or(3);
    RequestDetails::parse(input, max, who.id(), |m| state_of(states, m).listed)
}

/// Checks a request's fields without making it (to show every problem at once).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn check_input(
    s: &App,
    who: &Actor,
    p: &Programme,
    input: &RequestInput,
) -> AppResult<()> {
    let states = store::mentor_states(&s.store.db, p.id, &input.choices).await?;
    parse(p, who, input, &states).map_err(AppError::Invalid)?;
    Ok(())
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
async fn save(s: &App, tx: &DatabaseTransaction, who: &Actor, ch: Change<'_>) -> AppResult<()> {
    let now = s.now();
    let (r, p, c) = (ch.request, ch.programme, ch.cascade);
    if !store::save(tx, r.id, r.version, c, now).await? {
        return Err(conflict());
    }
    Effects {
        app: s,
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
async fn commit(s: &App, who: &Actor, ch: Change<'_>) -> AppResult<RequestRow> {
    let id = ch.request.id;
    let tx = s.store.begin().await?;
    save(s, &tx, who, ch).await?;
    tx.commit().await?;
    reload(s, id).await
}

async fn reload(s: &App, id: i64) -> AppResult<RequestRow> {
    store::get(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("request"))
}

/// The mentor holding the request accepts: the relationship is created and both are emailed
/// each other's address. Needs a free place (two acceptances racing for the last one: one
/// wins; see `relationships::from_request`).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn accept(s: &App, who: &Actor, id: i64) -> AppResult<RequestRow> {
    let (r, p, _) = visible(s, who, id).await?;
    let mut c = r.cascade()?;
    let events = c.accept(who.id(), s.now()).map_err(refused)?;
    commit(
        s,
        who,
        Change {
            request: &r,
            programme: &p,
            cascade: &c,
            events: &events,
            action: "request.accepted",
        },
    )
    .await
}

/// The mentor holding the request declines (optionally saying why, and optionally marking
/// themself unavailable); it passes to the next choice.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn decline(
    s: &App,
    who: &Actor,
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
    let tx = s.store.begin().await?;
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
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn withdraw(s: &App, who: &Actor, id: i64) -> AppResult<RequestRow> {
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

fn require_staff(viewer: Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Staff { .. } => Ok(()),
        _ => Err(AppError::forbidden(
            "Only the programme office and the mentorship director can do this",
        )),
    }
}

/// Staff ask the mentor holding the request to reply (at most once a day per request).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn nudge(s: &App, who: &Actor, id: i64) -> AppResult<RequestRow> {
    let (r, p, viewer) = visible(s, who, id).await?;
    require_staff(viewer)?;
    let Status::Offered {
        mentor_id, due_at, ..
    } = r.cascade()?.status
    else {
        return Err(refused(Refused::NotWithMentor));
    };
    let now = s.now();
    let last = store::events(&s.store.db, id)
        .await?
        .into_iter()
        .filter(|e| e.kind == Step::Nudged && e.mentor_id == Some(mentor_id))
        .map(|e| e.at)
        .max();
    if let Some(at) = last.filter(|at| now - *at < Duration::hours(24)) {
        return Err(AppError::Conflict(format!(
            "This mentor was already asked to reply at {}; ask again tomorrow at the earliest.",
            at.format("%H:%M UTC on %-d %B")
        )));
    }
    let tx = s.store.begin().await?;
    Effects {
        app: s,
        programme: &p,
        request: &r,
        now,
    }
    .nudge(&tx, mentor_id, due_at)
    .await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "request.nudged",
            "request",
            Some(id),
            "mentor asked to reply",
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    reload(s, id).await
}

/// Staff take the request back from the mentor holding it and send it on (next choice, or
/// the director).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn reroute(s: &App, who: &Actor, id: i64) -> AppResult<RequestRow> {
    let (r, p, viewer) = visible(s, who, id).await?;
    require_staff(viewer)?;
    let mut c = r.cascade()?;
    let states = store::mentor_states(&s.store.db, p.id, &c.choices).await?;
    let events = c
        .reroute(s.now(), window(&p), |m| state_of(&states, m))
        .map_err(refused)?;
    commit(
        s,
        who,
        Change {
            request: &r,
            programme: &p,
            cascade: &c,
            events: &events,
            action: "request.rerouted",
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
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, mentor_id = mentor_id))]
pub async fn director_offer(
    s: &App,
    who: &Actor,
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
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn director_close(s: &App, who: &Actor, id: i64, message: &str) -> AppResult<RequestRow> {
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
