//! Meetings of a relationship, their invitations, and each member's calendar feed.
//!
//! Scheduling, moving or cancelling a meeting emails every current member an `.ics`
//! (METHOD:REQUEST, or CANCEL) that keeps the meeting's UID and raises its SEQUENCE, and puts
//! the same news in their notification centre, in one transaction with the change. The time
//! is shown to each member in their own time zone.

use crate::Actor;
use crate::App;
use crate::relationships::{self as ws_act, Workspace, seal, unseal};
use crate::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use trellis_domain::calendar::{self, Event, Method};
use trellis_domain::mail::meetings as letters;
use trellis_domain::meeting::{self as rules, MeetingInput, MeetingText, Schedule};
use trellis_store::workspace::{self as store, MeetingRow, When};
use trellis_store::{DatabaseTransaction, secrets};

/// A meeting as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub uid: String,
    pub sequence: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The zone the meeting was set in.
    pub time_zone: String,
    /// The start in the reader's own time zone, in words.
    pub starts_shown: String,
    pub minutes: i64,
    /// in_person, phone or video
    pub mode: String,
    pub cancelled: bool,
    /// Place or link, agenda, outcomes: `None` for what a former member may not read.
    #[schema(value_type = Option<Object>)]
    pub text: Option<MeetingText>,
}

fn view(
    s: &App,
    ws: &Workspace,
    reader_tz: Option<&str>,
    m: &MeetingRow,
) -> AppResult<MeetingView> {
    let text = if ws.may_read(m.created_at) {
        Some(unseal(s, &ws.context(), &m.body)?)
    } else {
        None
    };
    Ok(MeetingView {
        id: m.id,
        uid: m.uid.clone(),
        sequence: m.sequence,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        time_zone: m.time_zone.clone(),
        starts_shown: rules::shown_in(m.starts_at, reader_tz),
        minutes: (m.ends_at - m.starts_at).num_minutes(),
        mode: m.mode.clone(),
        cancelled: m.cancelled_at.is_some(),
        text,
    })
}

fn reader_tz(who: &Actor) -> Option<String> {
    who.user.time_zone.clone()
}

/// The relationship's meetings (members only).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn list(s: &App, who: &Actor, id: i64) -> AppResult<Vec<MeetingView>> {
    let ws = ws_act::readable(s, who, id).await?;
    let tz = reader_tz(who);
    store::meetings(&s.store.db, id)
        .await?
        .iter()
        .map(|m| view(s, &ws, tz.as_deref(), m))
        .collect()
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, meeting = meeting))]
pub async fn get(s: &App, who: &Actor, id: i64, meeting: i64) -> AppResult<MeetingView> {
    let ws = ws_act::readable(s, who, id).await?;
    let m = store::meeting(&s.store.db, id, meeting)
        .await?
        .ok_or(AppError::NotFound("meeting"))?;
    view(s, &ws, reader_tz(who).as_deref(), &m)
}

fn when(schedule: &Schedule) -> When<'_> {
    When {
        starts_at: schedule.starts_at,
        ends_at: schedule.ends_at,
        time_zone: &schedule.time_zone,
        mode: &schedule.mode,
    }
}

/// The iCalendar event of a meeting, as the members' calendars know it.
fn event(s: &App, ws: &Workspace, m: &MeetingRow, organizer: Option<i64>) -> Event {
    let members: Vec<_> = ws.current_members().collect();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let organizer = members
        .iter()
        .find(|x| Some(x.user_id) == organizer)
        .or(members.first())
        .map(|x| (x.name.clone(), x.email.clone()))
        .unwrap_or_default();
    let url = format!(
        "{}/relationships/{}/meetings/{}",
        s.config.site.public_url, ws.rel.id, m.id
    );
    Event {
        uid: m.uid.clone(),
        sequence: m.sequence,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        stamp: m.updated_at,
        summary: format!("Mentoring meeting: {}", names.join(", ")),
        description: format!(
            "{} ({}). The place or link and the agenda are in Trellis: {url}",
            rules::mode_label(&m.mode),
            ws.programme.name
        ),
        url,
        organizer,
        attendees: members
            .iter()
            .map(|x| (x.name.clone(), x.email.clone()))
            .collect(),
        cancelled: m.cancelled_at.is_some(),
    }
}

/// Emails every current member the invitation (or cancellation) and notifies them in the app.
async fn send(
    s: &App,
    tx: &DatabaseTransaction,
    ws: &Workspace,
    m: &MeetingRow,
    method: Method,
    changed: bool,
) -> AppResult<()> {
    let ics = calendar::calendar(
        method,
        &s.config.site.name,
        &[event(s, ws, m, m.created_by)],
    );
    let url = format!(
        "{}/relationships/{}/meetings/{}",
        s.config.site.public_url, ws.rel.id, m.id
    );
    for member in ws.current_members() {
        let others: Vec<&str> = ws
            .current_members()
            .filter(|x| x.user_id != member.user_id)
            .map(|x| x.name.as_str())
            .collect();
        let others = others.join(" and ");
        let shown = rules::shown_in(m.starts_at, member.time_zone.as_deref());
        let letter = match method {
            Method::Cancel => letters::cancelled(&ws.programme.name, &others, &shown, &url),
            _ => letters::invitation(
                &ws.programme.name,
                &others,
                &shown,
                &rules::mode_label(&m.mode).to_lowercase(),
                &url,
                changed,
            ),
        };
        let to = crate::letters::To {
            user_id: member.user_id,
            email: &member.email,
            name: &member.name,
        };
        crate::letters::tell(s, tx, to, Some(ws.programme.id), &letter, Some(&ics)).await?;
    }
    Ok(())
}

/// A member sets up a meeting; every member receives the invitation.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn schedule(s: &App, who: &Actor, id: i64, input: &MeetingInput) -> AppResult<i64> {
    let ws = ws_act::writable(s, who, id).await?;
    let (schedule, text) = rules::parse(input)?;
    let uid = format!(
        "meeting-{}@{}",
        uuid::Uuid::new_v4().simple(),
        s.config.mail_host
    );
    let sealed = seal(s, id, &text)?;
    let tx = s.store.begin().await?;
    let mid =
        store::add_meeting(&tx, id, &uid, &when(&schedule), &sealed, who.id(), s.now()).await?;
    let m = store::meeting(&tx, id, mid)
        .await?
        .ok_or(AppError::NotFound("meeting"))?;
    send(s, &tx, &ws, &m, Method::Request, false).await?;
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "meeting.scheduled",
        format!("meeting {mid} scheduled"),
    )
    .await?;
    tx.commit().await?;
    Ok(mid)
}

/// A member moves or changes a meeting; the invitation is sent again with SEQUENCE raised.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, meeting = meeting))]
pub async fn reschedule(
    s: &App,
    who: &Actor,
    id: i64,
    meeting: i64,
    input: &MeetingInput,
) -> AppResult<()> {
    let ws = ws_act::writable(s, who, id).await?;
    let (schedule, mut text) = rules::parse(input)?;
    let m = store::meeting(&s.store.db, id, meeting)
        .await?
        .ok_or(AppError::NotFound("meeting"))?;
    if m.cancelled_at.is_some() {
        return Err(AppError::Conflict(
            "This meeting is cancelled; set up a new one instead.".into(),
        ));
    }
    let old: MeetingText = unseal(s, &ws.context(), &m.body)?;
    text.outcomes = old.outcomes;
    let sealed = seal(s, id, &text)?;
    let tx = s.store.begin().await?;
    if !store::reschedule(&tx, m.id, m.sequence, &when(&schedule), &sealed, s.now()).await? {
        return Err(AppError::Conflict(
            "Someone changed this meeting just now: reload it and make your change again.".into(),
        ));
    }
    let m = store::meeting(&tx, id, meeting)
        .await?
        .ok_or(AppError::NotFound("meeting"))?;
    send(s, &tx, &ws, &m, Method::Request, true).await?;
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "meeting.changed",
        format!("meeting {meeting} changed"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A member cancels a meeting; every member's calendar is told (METHOD:CANCEL).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, meeting = meeting))]
pub async fn cancel(s: &App, who: &Actor, id: i64, meeting: i64) -> AppResult<()> {
    let ws = ws_act::writable(s, who, id).await?;
    let m = store::meeting(&s.store.db, id, meeting)
        .await?
        .ok_or(AppError::NotFound("meeting"))?;
    let tx = s.store.begin().await?;
    if !store::cancel_meeting(&tx, m.id, m.sequence, s.now()).await? {
        return Err(AppError::Conflict(
            "This meeting is already cancelled, or changed just now.".into(),
        ));
    }
    let m = store::meeting(&tx, id, meeting)
        .await?
        .ok_or(AppError::NotFound("meeting"))?;
    send(s, &tx, &ws, &m, Method::Cancel, true).await?;
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "meeting.cancelled",
        format!("meeting {meeting} cancelled"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A member writes the outcomes after a meeting (no new invitation).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, meeting = meeting))]
pub async fn record_outcomes(
    s: &App,
    who: &Actor,
    id: i64,
    meeting: i64,
    outcomes: &str,
) -> AppResult<()> {
    let ws = ws_act::writable(s, who, id).await?;
    let outcomes =
        trellis_domain::error::optional_text("outcomes", outcomes, 8000)?.unwrap_or_default();
    let m = store::meeting(&s.store.db, id, meeting)
        .await?
        .ok_or(AppError::NotFound("meeting"))?;
    let mut text: MeetingText = unseal(s, &ws.context(), &m.body)?;
    text.outcomes = outcomes;
    let sealed = seal(s, id, &text)?;
    let tx = s.store.begin().await?;
    store::set_meeting_text(&tx, m.id, &sealed, s.now()).await?;
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "meeting.outcomes",
        format!("outcomes of meeting {meeting}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- The calendar feed ----

/// The feed's address for a token.
pub fn feed_url(s: &App, token: &str) -> String {
    format!("{}/calendar/{token}.ics", s.config.site.public_url)
}

/// Makes (or replaces) the member's feed and returns its address; an earlier address stops
/// working. Only a hash of the token is kept, so the address is shown this once.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn new_feed(s: &App, who: &Actor) -> AppResult<String> {
    let (token, hash) = secrets::new_token();
    store::set_feed(&s.store.db, who.id(), &hash, s.now()).await?;
    Ok(feed_url(s, &token))
}

/// When the member's current feed address was made, if they have one.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn feed_made(s: &App, who: &Actor) -> AppResult<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(store::feed_of(&s.store.db, who.id())
        .await?
        .map(|f| f.created_at))
}

#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn revoke_feed(s: &App, who: &Actor) -> AppResult<bool> {
    Ok(store::delete_feed(&s.store.db, who.id()).await?)
}

/// The feed for a token: every meeting of the owner's current relationships from 90 days ago
/// on. An unknown or revoked token is 404.
#[tracing::instrument(skip_all)]
pub async fn feed(s: &App, token: &str) -> AppResult<String> {
    let owner = store::feed_by_hash(&s.store.db, &secrets::hash(token))
        .await?
        .ok_or(AppError::NotFound("calendar"))?;
    let rows =
        store::meetings_of_member(&s.store.db, owner.user_id, s.now() - Duration::days(90)).await?;
    let mut members = std::collections::HashMap::new();
    let mut events = Vec::new();
    for r in rows {
        if let std::collections::hash_map::Entry::Vacant(e) = members.entry(r.relationship_id) {
            e.insert(store::members(&s.store.db, r.relationship_id).await?);
        }
        let people: Vec<_> = members[&r.relationship_id]
            .iter()
            .filter(|m| m.left_at.is_none())
            .collect();
        let others: Vec<&str> = people
            .iter()
            .filter(|m| m.user_id != owner.user_id)
            .map(|m| m.name.as_str())
            .collect();
        let url = format!(
            "{}/relationships/{}/meetings/{}",
            s.config.site.public_url, r.relationship_id, r.id
        );
        let organizer = people
            .first()
            .map(|m| (m.name.clone(), m.email.clone()))
            .unwrap_or_default();
        events.push(Event {
            uid: r.uid,
            sequence: r.sequence,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            stamp: r.updated_at,
            summary: format!("Mentoring meeting with {}", others.join(", ")),
            description: format!(
                "{}. The place or link and the agenda are in Trellis: {url}",
                rules::mode_label(&r.mode)
            ),
            url,
            organizer,
            attendees: people
                .iter()
                .map(|m| (m.name.clone(), m.email.clone()))
                .collect(),
            cancelled: r.cancelled_at.is_some(),
        });
    }
    Ok(calendar::calendar(
        Method::Publish,
        &format!("{}: mentoring meetings", s.config.site.name),
        &events,
    ))
}
