//! Making relationships (staff, a matching round, an accepted request), members joining and
//! leaving, and the mentors' places each membership holds.

use super::{Seat, audited, visible};
use crate::programmes::standing;
use crate::{Actor, App, AppError, AppResult};
use trellis_domain::audit::AuditEntry;
use trellis_domain::programme::Model;
use trellis_domain::role::StaffRole;
use trellis_domain::workspace::{self as rules, Phase, Role};
use trellis_store::programmes::Programme;
use trellis_store::workspace::{self as store, MemberRow};
use trellis_store::{ConnectionTrait, DatabaseTransaction, audit};

/// Who may make relationships of a model in a programme: the mentorship director and admins
/// any; the office groups and peer circles [002].
pub(crate) async fn may_make(s: &App, who: &Actor, p: &Programme, model: Model) -> AppResult<()> {
    let st = standing(s, p, who).await?;
    let ok = st.is_admin
        || st.holds(StaffRole::Director)
        || (st.holds(StaffRole::Office) && matches!(model, Model::Group | Model::Peer));
    if ok {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only the mentorship director (any relationship) and the programme office (groups and peer circles) make relationships here",
        ))
    }
}

/// A mentor without `n` free places for a relationship being made or joined.
fn no_free_place(name: &str, n: i32) -> AppError {
    AppError::Conflict(format!(
        "{name} has no free place for {} now: they may raise their capacity, or choose another mentor",
        if n == 1 {
            "another mentee".to_owned()
        } else {
            format!("{n} more mentees")
        }
    ))
}

/// Tells each listed member they are in the relationship, with the other members' addresses.
async fn welcome(
    s: &App,
    tx: &DatabaseTransaction,
    ws_id: i64,
    p: &Programme,
    members: &[MemberRow],
    newcomers: &[i64],
) -> AppResult<()> {
    let url = format!("{}/relationships/{ws_id}", s.config.site.public_url);
    for m in members.iter().filter(|m| newcomers.contains(&m.user_id)) {
        let others: Vec<String> = members
            .iter()
            .filter(|o| o.user_id != m.user_id && o.left_at.is_none())
            .map(|o| format!("{} ({}, {})", o.name, o.role, o.email))
            .collect();
        let letter = trellis_domain::mail::workspace::welcome(&p.name, &others.join("; "), &url);
        let to = crate::letters::To {
            user_id: m.user_id,
            email: &m.email,
            name: &m.name,
        };
        crate::letters::tell(s, tx, to, Some(p.id), &letter, None).await?;
    }
    Ok(())
}

/// Staff make a relationship of any model from members of the programme.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn create(
    s: &App,
    who: &Actor,
    p: &Programme,
    model: &str,
    members: &[(i64, Role)],
) -> AppResult<i64> {
    let model = Model::parse("model", model)?;
    rules::check_members(model, members)?;
    may_make(s, who, p, model).await?;
    let tx = s.store.begin().await?;
    let id = create_in(s, &tx, who, p, model, members).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`]'s writes, in the caller's transaction (a matching round publishes many at
/// once); the caller has checked the model's rules and who may do it.
pub(crate) async fn create_in(
    s: &App,
    tx: &trellis_store::DatabaseTransaction,
    who: &Actor,
    p: &Programme,
    model: Model,
    members: &[(i64, Role)],
) -> AppResult<i64> {
    for (u, _) in members {
        if !trellis_store::programmes::is_member(tx, p.id, *u).await? {
            return Err(AppError::invalid(
                "members",
                format!("Member {u} is not in {}", p.name),
            ));
        }
    }
    let now = s.now();
    let id = store::create_relationship(tx, p.id, None, model.as_str(), now).await?;
    for (u, role) in members {
        store::add_member(tx, id, *u, role.as_str(), now).await?;
    }
    super::schedule_first_evaluation(s, tx, p, id).await?;
    let rows = store::members(tx, id).await?;
    // Each mentor takes one of their places a mentee (a group's mentor one per mentee).
    let mentees = members.iter().filter(|(_, r)| *r == Role::Mentee).count();
    let places = i32::try_from(mentees).unwrap_or(i32::MAX);
    for m in rows.iter().filter(|m| m.role == Role::Mentor) {
        if places > 0 && !hold_places(tx, p.id, id, m.user_id, places, now).await? {
            return Err(no_free_place(&m.name, places));
        }
    }
    let ids: Vec<i64> = members.iter().map(|(u, _)| *u).collect();
    welcome(s, tx, id, p, &rows, &ids).await?;
    audit::record(
        tx,
        &AuditEntry::new(
            "relationship.created",
            "relationship",
            Some(id),
            format!("{model} relationship with {} members", members.len()),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    Ok(id)
}

/// Staff add a member to a relationship (a second mentor, another mentee of a group, a peer).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, user_id = user_id))]
pub async fn add_member(s: &App, who: &Actor, id: i64, user_id: i64, role: &str) -> AppResult<()> {
    let ws = visible(s, who, id).await?;
    may_make(s, who, &ws.programme, ws.rel.model).await?;
    let role = Role::parse(role.trim())
        .ok_or_else(|| AppError::invalid("role", "Choose mentor, mentee or peer"))?;
    if ws.phase() == Phase::Closed {
        return Err(AppError::Conflict("This relationship is closed.".into()));
    }
    let mut members: Vec<(i64, Role)> = ws.current_members().map(|m| (m.user_id, m.role)).collect();
    if ws.members.iter().any(|m| m.user_id == user_id) {
        return Err(AppError::invalid(
            "user_id",
            "This person is or was already a member",
        ));
    }
    members.push((user_id, role));
    rules::check_members(ws.rel.model, &members).map_err(|e| {
        AppError::invalid(
            "role",
            e.0.first().map_or(String::new(), |f| f.message.clone()),
        )
    })?;
    if !trellis_store::programmes::is_member(&s.store.db, ws.programme.id, user_id).await? {
        return Err(AppError::invalid(
            "user_id",
            format!("This person is not in {}", ws.programme.name),
        ));
    }
    let tx = s.store.begin().await?;
    store::add_member(&tx, id, user_id, role.as_str(), s.now()).await?;
    let rows = store::members(&tx, id).await?;
    // Places: a new mentee takes one of each mentor's; a new mentor one a mentee.
    let current = |r: Role| {
        rows.iter()
            .filter(move |m| m.role == r && m.left_at.is_none())
    };
    let takes: Vec<(&MemberRow, i32)> = match role {
        Role::Mentee => current(Role::Mentor).map(|m| (m, 1)).collect(),
        Role::Mentor => current(Role::Mentor)
            .filter(|m| m.user_id == user_id)
            .map(|m| {
                (
                    m,
                    current(Role::Mentee).count().try_into().unwrap_or(i32::MAX),
                )
            })
            .collect(),
        Role::Peer => Vec::new(),
    };
    for (m, n) in takes {
        if n > 0 && !hold_places(&tx, ws.programme.id, id, m.user_id, n, s.now()).await? {
            return Err(no_free_place(&m.name, n));
        }
    }
    welcome(s, &tx, id, &ws.programme, &rows, &[user_id]).await?;
    audited(
        &tx,
        s,
        who,
        &ws,
        "relationship.member_added",
        format!("member {user_id} added as {}", role.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A member leaves the relationship; they keep reading what was written while they were in it.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn leave(s: &App, who: &Actor, id: i64) -> AppResult<()> {
    let ws = visible(s, who, id).await?;
    if !ws.seat.is_current_member() {
        return Err(AppError::forbidden(
            "You are not a member of this relationship",
        ));
    }
    let tx = s.store.begin().await?;
    if !store::leave(&tx, id, who.id(), s.now()).await? {
        return Err(AppError::Conflict(
            "You have already left this relationship.".into(),
        ));
    }
    // Places: a mentor leaving gives back all they hold; a mentee, one of each mentor's.
    if ws.phase() != Phase::Closed {
        match ws.seat {
            Seat::Member {
                role: Role::Mentor, ..
            } => store::release_places(&tx, ws.programme.id, id, who.id(), s.now()).await?,
            Seat::Member {
                role: Role::Mentee, ..
            } => {
                for m in ws.current_members().filter(|m| m.role == Role::Mentor) {
                    store::release_place(&tx, ws.programme.id, id, m.user_id, s.now()).await?;
                }
            }
            _ => {}
        }
    }
    audited(
        &tx,
        s,
        who,
        &ws,
        "relationship.left",
        format!("member {} left", who.id()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The relationship an accepted request makes: the mentor (holding one of their places, which
/// needs a free one: of two acceptances racing for the last place one wins) and the mentee, in
/// the programme's model. Returns its id.
pub(crate) async fn from_request(
    s: &App,
    c: &impl ConnectionTrait,
    p: &Programme,
    request_id: i64,
    mentor_id: i64,
    mentee_id: i64,
) -> AppResult<i64> {
    let now = s.now();
    if !store::take_places(c, p.id, mentor_id, 1, now).await? {
        return Err(AppError::Conflict("You have no free place for another mentee. Raise your capacity on your mentoring page, or decline.".into()));
    }
    let rel = store::create_relationship(c, p.id, Some(request_id), &p.model, now).await?;
    store::add_member(c, rel, mentor_id, "mentor", now).await?;
    store::note_places(c, rel, mentor_id, 1).await?;
    store::add_member(c, rel, mentee_id, "mentee", now).await?;
    Ok(rel)
}

/// Takes `n` of the mentor's free places for the relationship and notes them on the mentor's
/// membership, to be given back when it closes or the mentor leaves. `false`, taking none,
/// when the mentor has fewer than `n` free places; a member with no listing in the programme's
/// directory has no places to take (`true`).
async fn hold_places(
    c: &impl ConnectionTrait,
    programme_id: i64,
    relationship_id: i64,
    mentor_id: i64,
    n: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<bool> {
    if !store::take_places(c, programme_id, mentor_id, n, now).await? {
        return Ok(!trellis_store::mentors::is_listed_in(c, programme_id, mentor_id).await?);
    }
    store::note_places(c, relationship_id, mentor_id, n).await?;
    Ok(true)
}
