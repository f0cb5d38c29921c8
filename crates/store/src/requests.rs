//! Mentorship requests: persistence of the cascade, and the effects of its events (timeline,
//! mail, timed jobs, the relationship) written in the caller's transaction.
//!
//! Every change is a compare-and-set on the request's `version`: of two changes made at once
//! (an accept racing the deadline job, a double click) exactly one wins; the other sees a
//! conflict and its caller reports it.

use crate::jobs::{self, NewJob, kinds};
use crate::programmes::{self, Programme};
use crate::sql::{self, duplicate};
use crate::{Result, StoreError, notifications};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use std::collections::HashMap;
use trellis_domain::mail::{Site, requests as letters};
use trellis_domain::request::{Cascade, Event, MentorState, RequestDetails, Status, reminders};

#[derive(Debug, Clone, FromQueryResult)]
pub struct RequestRow {
    pub id: i64,
    pub programme_id: i64,
    pub mentee_id: i64,
    pub mentee_name: String,
    pub mentee_email: String,
    pub details: String,
    pub cascade: String,
    pub status: String,
    pub holder_id: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The mentee shares their words and CV with the programme's staff.
    pub shared_with_staff: bool,
}

impl RequestRow {
    pub fn cascade(&self) -> Result<Cascade> {
        serde_json::from_str(&self.cascade).map_err(|e| {
            StoreError::Db(sea_orm::DbErr::Custom(format!("request {}: {e}", self.id)))
        })
    }

    pub fn details(&self) -> Option<RequestDetails> {
        serde_json::from_str(&self.details).ok()
    }
}

const COLUMNS: &str = "r.id, r.programme_id, r.mentee_id, u.name AS mentee_name, u.email AS mentee_email, r.details, r.cascade, r.status, \
     r.holder_id, r.due_at, r.version, r.created_at, r.updated_at, r.shared_with_staff";

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))
}

fn columns_of(c: &Cascade) -> (String, Option<i64>, Option<DateTime<Utc>>) {
    match c.status {
        Status::Offered {
            mentor_id, due_at, ..
        } => (c.status.name().into(), Some(mentor_id), Some(due_at)),
        _ => (c.status.name().into(), None, None),
    }
}

/// Records a new request; a second open one of the same member in the programme is
/// `Duplicate { field: "request" }`.
pub async fn create(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
    details: &RequestDetails,
    cascade: &Cascade,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (status, holder, due) = columns_of(cascade);
    let open_key = cascade
        .status
        .is_open()
        .then(|| format!("{programme_id}:{mentee_id}"));
    sql::insert_id(
        c,
        "INSERT INTO mentorship_requests (programme_id, mentee_id, details, cascade, status, holder_id, due_at, version, created_at, updated_at, open_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $9) RETURNING id",
        vec![programme_id.into(), mentee_id.into(), to_json(details)?.into(), to_json(cascade)?.into(), status.into(), holder.into(), due.into(), now.into(), open_key.into()],
    )
    .await
    .map_err(duplicate("request"))
}

pub async fn get(c: &impl ConnectionTrait, id: i64) -> Result<Option<RequestRow>> {
    Ok(sql::one(c, &format!("SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id WHERE r.id = $1"), vec![id.into()]).await?)
}

/// Saves a changed cascade if nobody changed the request since `version` was read.
pub async fn save(
    c: &impl ConnectionTrait,
    id: i64,
    version: i32,
    cascade: &Cascade,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (status, holder, due) = columns_of(cascade);
    let closed = !cascade.status.is_open();
    let n = sql::exec(
        c,
        "UPDATE mentorship_requests SET cascade = $3, status = $4, holder_id = $5, due_at = $6, updated_at = $7, version = version + 1, \
           open_key = CASE WHEN $8 THEN NULL ELSE open_key END \
         WHERE id = $1 AND version = $2",
        vec![id.into(), version.into(), to_json(cascade)?.into(), status.into(), holder.into(), due.into(), now.into(), closed.into()],
    )
    .await?;
    Ok(n == 1)
}

/// The mentee shares (or stops sharing) the request's words and CV with the staff.
pub async fn set_shared(
    c: &impl ConnectionTrait,
    id: i64,
    shared: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE mentorship_requests SET shared_with_staff = $2, updated_at = $3 WHERE id = $1",
        vec![id.into(), shared.into(), now.into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct RequestEvent {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub mentor_id: Option<i64>,
    pub mentor_name: Option<String>,
    pub detail: Option<String>,
}

pub async fn events(c: &impl ConnectionTrait, id: i64) -> Result<Vec<RequestEvent>> {
    Ok(sql::all(
        c,
        "SELECT e.at, e.kind, e.mentor_id, u.name AS mentor_name, e.detail FROM request_events e LEFT JOIN users u ON u.id = e.mentor_id \
         WHERE e.request_id = $1 ORDER BY e.id",
        vec![id.into()],
    )
    .await?)
}

async fn add_event(
    c: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
    kind: &str,
    mentor: Option<i64>,
    detail: Option<String>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO request_events (request_id, at, kind, mentor_id, detail) VALUES ($1, $2, $3, $4, $5)",
        vec![id.into(), at.into(), kind.into(), mentor.into(), detail.into()],
    )
    .await?;
    Ok(())
}

pub async fn of_mentee(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
) -> Result<Vec<RequestRow>> {
    Ok(sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id WHERE r.programme_id = $1 AND r.mentee_id = $2 ORDER BY r.id DESC"),
        vec![programme_id.into(), mentee_id.into()],
    )
    .await?)
}

/// Requests waiting for this mentor's reply.
pub async fn offers_to(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentor_id: i64,
) -> Result<Vec<RequestRow>> {
    Ok(sql::all(
        c,
        &format!(
            "SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id \
             WHERE r.programme_id = $1 AND r.holder_id = $2 AND r.status = 'offered' ORDER BY r.due_at"
        ),
        vec![programme_id.into(), mentor_id.into()],
    )
    .await?)
}

/// The staff queue: open requests, those with the director first, then by due date.
pub async fn open_requests(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<RequestRow>> {
    Ok(sql::all(
        c,
        &format!(
            "SELECT {COLUMNS} FROM mentorship_requests r JOIN users u ON u.id = r.mentee_id \
             WHERE r.programme_id = $1 AND r.open_key IS NOT NULL \
             ORDER BY CASE WHEN r.status = 'with_director' THEN 0 ELSE 1 END, r.due_at, r.id"
        ),
        vec![programme_id.into()],
    )
    .await?)
}

#[derive(Debug, FromQueryResult)]
struct StateRow {
    user_id: i64,
    listed: bool,
    available: bool,
    capacity: i32,
    active_mentees: i32,
}

/// The current state of the given mentors (user ids) in the programme; unknown ids are
/// reported as unlisted.
pub async fn mentor_states(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_ids: &[i64],
) -> Result<HashMap<i64, MentorState>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = user_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<StateRow> = sql::all(
        c,
        &format!("SELECT user_id, listed, available, capacity, active_mentees FROM mentors WHERE programme_id = $1 AND user_id IN ({list})"),
        vec![programme_id.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.user_id,
                MentorState {
                    listed: r.listed,
                    available: r.available,
                    has_capacity: r.active_mentees < r.capacity,
                },
            )
        })
        .collect())
}

pub fn state_of(states: &HashMap<i64, MentorState>, id: i64) -> MentorState {
    states.get(&id).copied().unwrap_or(MentorState {
        listed: false,
        available: false,
        has_capacity: false,
    })
}

/// The PDF a mentee attached to a request.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RequestFile {
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub bytes: Vec<u8>,
    pub uploaded_at: DateTime<Utc>,
}

/// Attaches (or replaces) the request's file.
pub async fn put_file(
    c: &impl ConnectionTrait,
    request_id: i64,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<()> {
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    sql::exec(
        c,
        "INSERT INTO request_files (request_id, file_name, content_type, size, bytes, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (request_id) DO UPDATE SET file_name = excluded.file_name, content_type = excluded.content_type, \
           size = excluded.size, bytes = excluded.bytes, uploaded_at = excluded.uploaded_at",
        vec![request_id.into(), file_name.into(), content_type.into(), size.into(), bytes.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn file(c: &impl ConnectionTrait, request_id: i64) -> Result<Option<RequestFile>> {
    Ok(sql::one(
        c,
        "SELECT file_name, content_type, size, bytes, uploaded_at FROM request_files WHERE request_id = $1",
        vec![request_id.into()],
    )
    .await?)
}

/// The attached file's name and size, without its bytes.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct FileInfo {
    pub file_name: String,
    pub size: i64,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn file_info(c: &impl ConnectionTrait, request_id: i64) -> Result<Option<FileInfo>> {
    Ok(sql::one(
        c,
        "SELECT file_name, size, uploaded_at FROM request_files WHERE request_id = $1",
        vec![request_id.into()],
    )
    .await?)
}

/// A member's relationships in the programme that are not closed.
pub async fn open_relationships_as_mentee(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
) -> Result<i64> {
    let n: Option<sql::Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM relationships r JOIN relationship_members m ON m.relationship_id = r.id \
         WHERE r.programme_id = $1 AND m.user_id = $2 AND m.role = 'mentee' AND m.left_at IS NULL AND r.phase <> 'closed'",
        vec![programme_id.into(), mentee_id.into()],
    )
    .await?;
    Ok(n.map_or(0, |n| n.n))
}

/// Members of the programme who are not mentors in it and have never made a request there,
/// by id; at most `limit` (for generated benchmark data).
pub async fn members_without_request(
    c: &impl ConnectionTrait,
    programme_id: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Id {
        user_id: i64,
    }
    let rows: Vec<Id> = sql::all(
        c,
        "SELECT pm.user_id FROM programme_members pm \
         WHERE pm.programme_id = $1 \
           AND NOT EXISTS (SELECT 1 FROM mentors m WHERE m.programme_id = pm.programme_id AND m.user_id = pm.user_id) \
           AND NOT EXISTS (SELECT 1 FROM mentorship_requests r WHERE r.programme_id = pm.programme_id AND r.mentee_id = pm.user_id) \
         ORDER BY pm.user_id LIMIT $2",
        vec![programme_id.into(), limit.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}

/// Records a request already offered to its first choice, as it stands once the offer's
/// mail and reminders have gone out: the request, its "offered" timeline entry and its
/// deadline job. Used only to build benchmark data (`trellis generate --requests`); the app
/// makes requests through [`create`] and [`Effects::apply`].
pub async fn record_offered(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
    details: &RequestDetails,
    cascade: &Cascade,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = create(c, programme_id, mentee_id, details, cascade, now).await?;
    if let Status::Offered {
        mentor_id, due_at, ..
    } = cascade.status
    {
        add_event(
            c,
            id,
            now,
            "offered",
            Some(mentor_id),
            Some("choice 1".into()),
        )
        .await?;
        let n = cascade.offered.len();
        jobs::enqueue(
            c,
            &NewJob::new(
                kinds::REQUEST_DEADLINE,
                format!("request_deadline:{id}:{n}"),
                serde_json::json!({ "request_id": id, "offer": n }),
                due_at,
            ),
            now,
        )
        .await?;
    }
    Ok(id)
}

/// What the effects of a change need to know.
pub struct Effects<'a> {
    pub site: &'a Site,
    pub mail_host: &'a str,
    pub programme: &'a Programme,
    pub request: &'a RequestRow,
    pub now: DateTime<Utc>,
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

impl Effects<'_> {
    fn url(&self) -> String {
        format!("{}/requests/{}", self.site.public_url, self.request.id)
    }

    async fn mail(
        &self,
        c: &impl ConnectionTrait,
        user_id: i64,
        letter: &trellis_domain::mail::Letter,
    ) -> Result<()> {
        notifications::tell_user(
            c,
            notifications::From {
                site: self.site,
                mail_host: self.mail_host,
                now: self.now,
            },
            user_id,
            Some(self.programme.id),
            letter,
        )
        .await
    }

    async fn name(&self, c: &impl ConnectionTrait, user_id: i64) -> Result<String> {
        Ok(crate::accounts::user_by_id(c, user_id)
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
    ) -> Result<()> {
        add_event(
            c,
            self.request.id,
            self.now,
            "nudged",
            Some(mentor_id),
            None,
        )
        .await?;
        self.mail(
            c,
            mentor_id,
            &letters::nudge(
                &self.programme.name,
                &self.request.mentee_name,
                &day(due_at),
                &self.url(),
            ),
        )
        .await
    }

    /// The timed reminder to the mentor holding the request (email and in-app).
    pub async fn remind(
        &self,
        c: &impl ConnectionTrait,
        mentor_id: i64,
        due_at: DateTime<Utc>,
    ) -> Result<()> {
        self.mail(
            c,
            mentor_id,
            &letters::reminder(
                &self.programme.name,
                &self.request.mentee_name,
                &day(due_at),
                &self.url(),
            ),
        )
        .await
    }

    /// Writes what follows from `events` (the cascade already saved as `cascade`).
    pub async fn apply(
        &self,
        c: &impl ConnectionTrait,
        cascade: &Cascade,
        events: &[Event],
    ) -> Result<()> {
        let (id, p, now) = (self.request.id, self.programme, self.now);
        let mentee = self.request.mentee_id;
        for e in events {
            match e {
                Event::Offered {
                    mentor_id,
                    choice,
                    due_at,
                } => {
                    add_event(
                        c,
                        id,
                        now,
                        "offered",
                        Some(*mentor_id),
                        Some(choice.map_or_else(
                            || "director".to_owned(),
                            |r| format!("choice {}", r + 1),
                        )),
                    )
                    .await?;
                    crate::webhooks::emit(
                        c,
                        p.id,
                        "request.offered",
                        serde_json::json!({"request_id": id, "status": "offered", "mentor_id": mentor_id, "choice": choice.map(|r| r + 1), "due_at": due_at}),
                        now,
                    )
                    .await?;
                    let mentor = self.name(c, *mentor_id).await?;
                    self.mail(
                        c,
                        *mentor_id,
                        &letters::offer_to_mentor(
                            &p.name,
                            &self.request.mentee_name,
                            &day(*due_at),
                            &self.url(),
                            choice.is_none(),
                        ),
                    )
                    .await?;
                    self.mail(
                        c,
                        mentee,
                        &letters::with_mentor(&p.name, &mentor, &day(*due_at), &self.url()),
                    )
                    .await?;
                    let n = cascade.offered.len();
                    let payload = serde_json::json!({ "request_id": id, "offer": n });
                    jobs::enqueue(
                        c,
                        &NewJob::new(
                            kinds::REQUEST_DEADLINE,
                            format!("request_deadline:{id}:{n}"),
                            payload.clone(),
                            *due_at,
                        ),
                        now,
                    )
                    .await?;
                    for (k, at) in reminders(now, *due_at).into_iter().enumerate() {
                        jobs::enqueue(
                            c,
                            &NewJob::new(
                                kinds::REQUEST_REMINDER,
                                format!("request_reminder:{id}:{n}:{k}"),
                                payload.clone(),
                                at,
                            ),
                            now,
                        )
                        .await?;
                    }
                }
                Event::Skipped { mentor_id, reason } => {
                    add_event(
                        c,
                        id,
                        now,
                        "skipped",
                        Some(*mentor_id),
                        Some(reason.as_str().to_owned()),
                    )
                    .await?;
                    let mentor = self.name(c, *mentor_id).await?;
                    self.mail(
                        c,
                        mentee,
                        &letters::skipped(&p.name, &mentor, reason.explain(), &self.url()),
                    )
                    .await?;
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
                    self.mail(
                        c,
                        *mentor_id,
                        &letters::passed_on(&p.name, &self.request.mentee_name),
                    )
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
                    for s in programmes::staff(c, p.id).await? {
                        if s.role == "director" {
                            self.mail(
                                c,
                                s.user_id,
                                &letters::escalated_to_director(
                                    &p.name,
                                    &self.request.mentee_name,
                                    &self.url(),
                                ),
                            )
                            .await?;
                        }
                    }
                }
                Event::Accepted { mentor_id } => {
                    add_event(c, id, now, "accepted", Some(*mentor_id), None).await?;
                    let rel =
                        crate::workspace::create_relationship(c, p.id, Some(id), &p.model, now)
                            .await?;
                    crate::workspace::add_member(c, rel, *mentor_id, "mentor", now).await?;
                    // The place the acceptance took (`workspace::take_places`), held by the
                    // relationship.
                    crate::workspace::note_places(c, rel, *mentor_id, 1).await?;
                    crate::workspace::add_member(c, rel, mentee, "mentee", now).await?;
                    crate::webhooks::emit(
                        c,
                        p.id,
                        "request.accepted",
                        serde_json::json!({"request_id": id, "status": "accepted", "mentor_id": mentor_id, "relationship_id": rel}),
                        now,
                    )
                    .await?;
                    crate::workspace::schedule_evaluation(
                        c,
                        rel,
                        now + chrono::Duration::days(i64::from(p.evaluation_every_days)),
                        now,
                    )
                    .await?;
                    let (m, e) = (
                        crate::accounts::user_by_id(c, *mentor_id).await?,
                        crate::accounts::user_by_id(c, mentee).await?,
                    );
                    if let (Some(m), Some(e)) = (m, e) {
                        let url = format!("{}/relationships/{rel}", self.site.public_url);
                        let minutes =
                            format!("{} to {}", p.meeting_minutes_min, p.meeting_minutes_max);
                        let to_mentor = letters::allocated(
                            &p.name, "mentee", &e.name, &e.email, &url, &minutes,
                        );
                        let to_mentee = letters::allocated(
                            &p.name, "mentor", &m.name, &m.email, &url, &minutes,
                        );
                        self.mail(c, m.id, &to_mentor).await?;
                        self.mail(c, e.id, &to_mentee).await?;
                    }
                }
                Event::Rerouted { mentor_id } => {
                    add_event(c, id, now, "rerouted", Some(*mentor_id), None).await?;
                    self.mail(
                        c,
                        *mentor_id,
                        &letters::rerouted(&p.name, &self.request.mentee_name),
                    )
                    .await?;
                }
                Event::Withdrawn { mentor_id } => {
                    add_event(c, id, now, "withdrawn", *mentor_id, None).await?;
                    if let Some(m) = mentor_id {
                        self.mail(
                            c,
                            *m,
                            &letters::withdrawn_to_mentor(&p.name, &self.request.mentee_name),
                        )
                        .await?;
                    }
                }
                Event::Closed { message, .. } => {
                    add_event(c, id, now, "closed", None, Some(message.clone())).await?;
                    self.mail(c, mentee, &letters::closed(&p.name, message))
                        .await?;
                }
            }
        }
        Ok(())
    }
}
