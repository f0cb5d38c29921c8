//! Mentor applications, the mentors listed in each programme's directory, directory search
//! (SQLite FTS5 / PostgreSQL full-text search), and the annual refresh requests.

use crate::sql::{self, Count};
use crate::{Result, StoreError, secrets};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use trellis_domain::application::{ApplicationDetails, State};

// ---- Applications --------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct ApplicationRow {
    pub id: i64,
    pub programme_id: i64,
    pub user_id: i64,
    pub applicant_name: String,
    pub applicant_email: String,
    pub state: State,
    pub details: String,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

impl sea_orm::FromQueryResult for ApplicationRow {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            programme_id: r.try_get(pre, "programme_id")?,
            user_id: r.try_get(pre, "user_id")?,
            applicant_name: r.try_get(pre, "applicant_name")?,
            applicant_email: r.try_get(pre, "applicant_email")?,
            state: sql::named(r, pre, "state")?,
            details: r.try_get(pre, "details")?,
            submitted_at: r.try_get(pre, "submitted_at")?,
            updated_at: r.try_get(pre, "updated_at")?,
            decided_at: r.try_get(pre, "decided_at")?,
            decision_note: r.try_get(pre, "decision_note")?,
        })
    }
}

impl ApplicationRow {
    pub fn state(&self) -> State {
        self.state
    }

    pub fn details(&self) -> Option<ApplicationDetails> {
        serde_json::from_str(&self.details).ok()
    }
}

const APPLICATION_COLUMNS: &str = "a.id, a.programme_id, a.user_id, u.name AS applicant_name, u.email AS applicant_email, a.state, a.details, \
     a.submitted_at, a.updated_at, a.decided_at, a.decision_note";

fn open_key(programme_id: i64, user_id: i64) -> String {
    format!("{programme_id}:{user_id}")
}

/// Records a new application; a second open one for the same member and programme is
/// `Duplicate { field: "application" }`.
pub async fn create_application(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
    details: &ApplicationDetails,
    now: DateTime<Utc>,
) -> Result<i64> {
    let json = serde_json::to_string(details)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
    sql::insert_id(
        c,
        "INSERT INTO mentor_applications (programme_id, user_id, state, details, submitted_at, updated_at, open_key) \
         VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
        vec![programme_id.into(), user_id.into(), State::Submitted.as_str().into(), json.into(), now.into(), open_key(programme_id, user_id).into()],
    )
    .await
    .map_err(sql::duplicate("application"))
}

pub async fn application(c: &impl ConnectionTrait, id: i64) -> Result<Option<ApplicationRow>> {
    sql::one(c, &format!("SELECT {APPLICATION_COLUMNS} FROM mentor_applications a JOIN users u ON u.id = a.user_id WHERE a.id = $1"), vec![id.into()]).await
}

/// A change of an application's state.
#[derive(Debug, Clone, Copy)]
pub struct Move<'a> {
    pub from: State,
    pub to: State,
    pub by: Option<i64>,
    /// The decision's reason, kept with the application.
    pub note: Option<&'a str>,
    /// New details (when the applicant resubmits).
    pub details: Option<&'a ApplicationDetails>,
}

/// Moves an application from `m.from` to `m.to`, only if it is still in `m.from` (so two
/// directors deciding at once cannot both succeed). Returns whether it moved.
pub async fn move_application(
    c: &impl ConnectionTrait,
    id: i64,
    m: Move<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Move {
        from,
        to,
        by,
        note,
        details,
    } = m;
    let decided = matches!(to, State::Approved | State::Declined | State::Withdrawn);
    let details_json = details.map(|d| serde_json::to_string(d).unwrap_or_default());
    let n = sql::exec(
        c,
        "UPDATE mentor_applications SET state = $3, updated_at = $4, \
           decided_at = CASE WHEN $5 THEN $4 ELSE decided_at END, \
           decided_by = CASE WHEN $5 THEN $6 ELSE decided_by END, \
           decision_note = CASE WHEN $5 THEN $7 ELSE decision_note END, \
           open_key = CASE WHEN $5 THEN NULL ELSE open_key END, \
           details = COALESCE($8, details) \
         WHERE id = $1 AND state = $2",
        vec![
            id.into(),
            from.as_str().into(),
            to.as_str().into(),
            now.into(),
            decided.into(),
            by.into(),
            note.map(str::to_owned).into(),
            details_json.into(),
        ],
    )
    .await?;
    Ok(n == 1)
}

pub async fn add_event(
    c: &impl ConnectionTrait,
    application_id: i64,
    actor: Option<i64>,
    kind: &str,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO application_events (application_id, at, actor_id, kind, message) VALUES ($1, $2, $3, $4, $5)",
        vec![application_id.into(), now.into(), actor.into(), kind.into(), message.map(str::to_owned).into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct ApplicationEvent {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub kind: State,
    pub message: Option<String>,
}

impl sea_orm::FromQueryResult for ApplicationEvent {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            at: r.try_get(pre, "at")?,
            actor_name: r.try_get(pre, "actor_name")?,
            kind: sql::named(r, pre, "kind")?,
            message: r.try_get(pre, "message")?,
        })
    }
}

pub async fn events(
    c: &impl ConnectionTrait,
    application_id: i64,
) -> Result<Vec<ApplicationEvent>> {
    sql::all(
        c,
        "SELECT e.at, u.name AS actor_name, e.kind, e.message FROM application_events e LEFT JOIN users u ON u.id = e.actor_id \
         WHERE e.application_id = $1 ORDER BY e.id",
        vec![application_id.into()],
    )
    .await
}

/// The director's queue: open applications, oldest first.
pub async fn open_applications(
    c: &impl ConnectionTrait,
    programme_id: i64,
) -> Result<Vec<ApplicationRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {APPLICATION_COLUMNS} FROM mentor_applications a JOIN users u ON u.id = a.user_id \
             WHERE a.programme_id = $1 AND a.open_key IS NOT NULL ORDER BY a.submitted_at, a.id"
        ),
        vec![programme_id.into()],
    )
    .await
}

/// Decided applications, newest decision first.
pub async fn decided_applications(
    c: &impl ConnectionTrait,
    programme_id: i64,
    limit: u64,
) -> Result<Vec<ApplicationRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {APPLICATION_COLUMNS} FROM mentor_applications a JOIN users u ON u.id = a.user_id \
             WHERE a.programme_id = $1 AND a.open_key IS NULL ORDER BY a.decided_at DESC, a.id DESC LIMIT $2"
        ),
        vec![programme_id.into(), i64::try_from(limit).unwrap_or(50).into()],
    )
    .await
}

/// A member's applications to a programme, newest first.
pub async fn applications_of(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
) -> Result<Vec<ApplicationRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {APPLICATION_COLUMNS} FROM mentor_applications a JOIN users u ON u.id = a.user_id \
             WHERE a.programme_id = $1 AND a.user_id = $2 ORDER BY a.id DESC"
        ),
        vec![programme_id.into(), user_id.into()],
    )
    .await
}

// ---- Mentors -------------------------------------------------------------------------------

#[derive(Debug, Clone, FromQueryResult)]
pub struct MentorRow {
    pub id: i64,
    pub programme_id: i64,
    pub user_id: i64,
    pub name: String,
    pub pronouns: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub location: Option<String>,
    pub time_zone: Option<String>,
    pub background: String,
    pub tags: String,
    pub training_course_date: Option<String>,
    pub training_equivalent: Option<String>,
    pub capacity: i32,
    pub hours_per_month: i32,
    pub channels: String,
    pub languages: String,
    pub availability: Option<String>,
    pub active_mentees: i32,
    pub listed: bool,
    pub unlisted_reason: Option<String>,
    pub available: bool,
    pub unavailable_until: Option<String>,
    pub listed_at: DateTime<Utc>,
}

pub fn list_of(s: &str) -> Vec<String> {
    entries(s).map(str::to_owned).collect()
}

/// The entries of a stored list, borrowed.
pub fn entries(s: &str) -> impl Iterator<Item = &str> {
    s.split('\n').filter(|x| !x.is_empty())
}

/// Lists are stored newline-separated with a newline at each end, so `LIKE '%\nword\n%'`
/// matches one whole entry.
fn store_list(v: &[String]) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format!("\n{}\n", v.join("\n"))
    }
}

impl MentorRow {
    pub fn free_places(&self) -> i32 {
        (self.capacity - self.active_mentees).max(0)
    }
}

pub(crate) const MENTOR_COLUMNS: &str = "m.id, m.programme_id, m.user_id, u.name, u.pronouns, u.organisation, u.title, u.location, u.time_zone, \
     m.background, m.tags, m.training_course_date, m.training_equivalent, m.capacity, m.hours_per_month, m.channels, m.languages, \
     m.availability, m.active_mentees, m.listed, m.unlisted_reason, m.available, m.unavailable_until, m.listed_at";

/// The text the directory searches: name, background, expertise, audiences and tags.
pub fn search_text(name: &str, d: &ApplicationDetails, term_labels: &[String]) -> String {
    let mut parts = vec![name.to_owned(), d.background.clone()];
    parts.extend(term_labels.iter().cloned());
    parts.extend(d.tags.iter().cloned());
    parts.join(" \n")
}

/// Lists (or re-lists, with new details) a member as a mentor of the programme.
pub async fn upsert_mentor(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
    application_id: Option<i64>,
    d: &ApplicationDetails,
    search: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = c
        .query_one_raw(sql::stmt(
            c,
            "INSERT INTO mentors (programme_id, user_id, name, application_id, background, tags, training_course_date, training_equivalent, capacity, \
               hours_per_month, channels, languages, availability, listed, available, listed_at, search_text, created_at, updated_at) \
             VALUES ($1, $2, (SELECT name FROM users WHERE id = $2), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $14, $14) \
             ON CONFLICT (programme_id, user_id) DO UPDATE SET name = excluded.name, application_id = excluded.application_id, background = excluded.background, \
               tags = excluded.tags, training_course_date = excluded.training_course_date, training_equivalent = excluded.training_equivalent, \
               capacity = excluded.capacity, hours_per_month = excluded.hours_per_month, channels = excluded.channels, \
               languages = excluded.languages, availability = excluded.availability, listed = excluded.listed, unlisted_reason = NULL, \
               listed_at = excluded.listed_at, search_text = excluded.search_text, updated_at = excluded.updated_at \
             RETURNING id",
            vec![
                programme_id.into(),
                user_id.into(),
                application_id.into(),
                d.background.clone().into(),
                store_list(&d.tags).into(),
                d.training_course_date.map(|x| x.to_string()).into(),
                d.training_equivalent.clone().into(),
                d.capacity.into(),
                d.hours_per_month.into(),
                store_list(&d.channels).into(),
                store_list(&d.languages).into(),
                d.availability.clone().into(),
                true.into(),
                now.into(),
                search.into(),
            ],
        ))
        .await?
        .ok_or(sea_orm::DbErr::RecordNotInserted)?;
    let id: i64 = row.try_get("", "id")?;
    sql::exec(
        c,
        "DELETE FROM mentor_terms WHERE mentor_id = $1",
        vec![id.into()],
    )
    .await?;
    for term in d.audiences.iter().chain(d.expertise.iter()) {
        sql::exec(
            c,
            "INSERT INTO mentor_terms (mentor_id, term_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            vec![id.into(), (*term).into()],
        )
        .await?;
    }
    Ok(id)
}

pub async fn mentor(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
) -> Result<Option<MentorRow>> {
    sql::one(
        c,
        &format!("SELECT {MENTOR_COLUMNS} FROM mentors m JOIN users u ON u.id = m.user_id WHERE m.programme_id = $1 AND m.user_id = $2"),
        vec![programme_id.into(), user_id.into()],
    )
    .await
}

/// Mentors who could be offered a request now (listed, available, with a free place), by
/// name; at most `limit`.
pub async fn open_mentors(
    c: &impl ConnectionTrait,
    programme_id: i64,
    limit: i64,
) -> Result<Vec<MentorRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {MENTOR_COLUMNS} FROM mentors m JOIN users u ON u.id = m.user_id \
             WHERE m.programme_id = $1 AND m.listed AND m.available AND m.active_mentees < m.capacity \
             ORDER BY m.name, m.id LIMIT $2"
        ),
        vec![programme_id.into(), limit.into()],
    )
    .await
}

pub async fn mentor_by_id(c: &impl ConnectionTrait, id: i64) -> Result<Option<MentorRow>> {
    sql::one(c, &format!("SELECT {MENTOR_COLUMNS} FROM mentors m JOIN users u ON u.id = m.user_id WHERE m.id = $1"), vec![id.into()]).await
}

/// The taxonomy terms (audiences and expertise) of a mentor.
pub async fn mentor_terms(
    c: &impl ConnectionTrait,
    mentor_id: i64,
) -> Result<Vec<crate::taxonomy::Term>> {
    sql::all(
        c,
        "SELECT t.id, t.kind, t.label, t.position, t.retired FROM mentor_terms mt JOIN taxonomy_terms t ON t.id = mt.term_id \
         WHERE mt.mentor_id = $1 ORDER BY t.kind, t.position",
        vec![mentor_id.into()],
    )
    .await
}

/// The taxonomy terms of every mentor of the programme, by mentor row id (one query).
pub async fn terms_by_mentor(
    c: &impl ConnectionTrait,
    programme_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<crate::taxonomy::Term>>> {
    let rows = c
        .query_all_raw(sql::stmt(
            c,
            "SELECT mt.mentor_id, t.id, t.kind, t.label, t.position, t.retired FROM mentor_terms mt \
             JOIN taxonomy_terms t ON t.id = mt.term_id JOIN mentors m ON m.id = mt.mentor_id \
             WHERE m.programme_id = $1 ORDER BY mt.mentor_id, t.kind, t.position",
            vec![programme_id.into()],
        ))
        .await?;
    let mut out: std::collections::HashMap<i64, Vec<crate::taxonomy::Term>> = Default::default();
    for r in &rows {
        let mentor: i64 = r.try_get("", "mentor_id")?;
        out.entry(mentor)
            .or_default()
            .push(crate::taxonomy::Term::from_query_result(r, "")?);
    }
    Ok(out)
}

/// Marks a mentor unavailable (until a date, or until they say otherwise) or available.
pub async fn set_availability(
    c: &impl ConnectionTrait,
    mentor_id: i64,
    available: bool,
    until: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE mentors SET available = $2, unavailable_until = $3, updated_at = $4 WHERE id = $1",
        vec![
            mentor_id.into(),
            available.into(),
            until.map(str::to_owned).into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Makes a mentor available again if they are still unavailable until exactly `until`.
pub async fn end_unavailability(
    c: &impl ConnectionTrait,
    mentor_id: i64,
    until: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE mentors SET available = $3, unavailable_until = NULL, updated_at = $4 WHERE id = $1 AND available = $5 AND unavailable_until = $2",
        vec![mentor_id.into(), until.into(), true.into(), now.into(), false.into()],
    )
    .await?;
    Ok(n == 1)
}

pub async fn set_capacity(
    c: &impl ConnectionTrait,
    mentor_id: i64,
    capacity: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE mentors SET capacity = $2, updated_at = $3 WHERE id = $1",
        vec![mentor_id.into(), capacity.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Lists or unlists a mentor; `reason` says why they left (`self`, `refresh`).
pub async fn set_listed(
    c: &impl ConnectionTrait,
    mentor_id: i64,
    listed: bool,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE mentors SET listed = $2, unlisted_reason = $3, updated_at = $4, listed_at = CASE WHEN $2 THEN $4 ELSE listed_at END \
         WHERE id = $1 AND listed <> $2",
        vec![mentor_id.into(), listed.into(), reason.map(str::to_owned).into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Refreshes the search text of every mentor row of a person (after a name change).
pub async fn refresh_search_text_of(
    c: &impl ConnectionTrait,
    user_id: i64,
    old_name: &str,
    new_name: &str,
) -> Result<()> {
    if old_name == new_name {
        return Ok(());
    }
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
        search_text: String,
    }
    let rows: Vec<Row> = sql::all(
        c,
        "SELECT id, search_text FROM mentors WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await?;
    for r in rows {
        let rest = r
            .search_text
            .strip_prefix(old_name)
            .unwrap_or(&r.search_text);
        let text = format!("{new_name}{rest}");
        sql::exec(
            c,
            "UPDATE mentors SET search_text = $2, name = $3 WHERE id = $1",
            vec![r.id.into(), text.into(), new_name.into()],
        )
        .await?;
    }
    Ok(())
}

/// Listed mentors of a programme (for the refresh).
pub async fn listed_mentors(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<MentorRow>> {
    sql::all(
        c,
        &format!("SELECT {MENTOR_COLUMNS} FROM mentors m JOIN users u ON u.id = m.user_id WHERE m.programme_id = $1 AND m.listed = $2 ORDER BY m.id"),
        vec![programme_id.into(), true.into()],
    )
    .await
}

// ---- Directory search: see `crate::directory` -------------------------------------------

pub use crate::directory::SearchPage;
pub use trellis_domain::directory_index::{MAX_COUNT, Search};

// ---- Annual refresh ------------------------------------------------------------------------

#[derive(Debug, Clone, FromQueryResult)]
pub struct RefreshRequest {
    pub id: i64,
    pub programme_id: i64,
    pub mentor_id: i64,
    pub year: i32,
    pub asked_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub lapsed_at: Option<DateTime<Utc>>,
}

const REFRESH_COLUMNS: &str =
    "id, programme_id, mentor_id, year, asked_at, deadline, reminded_at, confirmed_at, lapsed_at";

/// Asks a mentor to confirm for `year`; returns the link token, or `None` if they were
/// already asked this year (so a rerun asks no one twice).
pub async fn ask_refresh(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentor_id: i64,
    year: i32,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let (token, hash) = secrets::new_token();
    let n = sql::exec(
        c,
        "INSERT INTO refresh_requests (programme_id, mentor_id, year, token_hash, asked_at, deadline) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (mentor_id, year) DO NOTHING",
        vec![programme_id.into(), mentor_id.into(), year.into(), hash.into(), now.into(), deadline.into()],
    )
    .await?;
    Ok((n == 1).then_some(token))
}

pub async fn refresh_by_token(
    c: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<RefreshRequest>> {
    sql::one(
        c,
        &format!("SELECT {REFRESH_COLUMNS} FROM refresh_requests WHERE token_hash = $1"),
        vec![secrets::hash(token).into()],
    )
    .await
}

/// The newest request of a mentor (for the in-app prompt and to tell old links apart).
pub async fn latest_refresh(
    c: &impl ConnectionTrait,
    mentor_id: i64,
) -> Result<Option<RefreshRequest>> {
    sql::one(c, &format!("SELECT {REFRESH_COLUMNS} FROM refresh_requests WHERE mentor_id = $1 ORDER BY year DESC LIMIT 1"), vec![mentor_id.into()]).await
}

pub async fn confirm_refresh(
    c: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE refresh_requests SET confirmed_at = $2 WHERE id = $1 AND confirmed_at IS NULL",
        vec![id.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Unconfirmed requests of a programme's refresh whose reminder time has come.
pub async fn refresh_to_remind(
    c: &impl ConnectionTrait,
    programme_id: i64,
    year: i32,
) -> Result<Vec<RefreshRequest>> {
    sql::all(
        c,
        &format!("SELECT {REFRESH_COLUMNS} FROM refresh_requests WHERE programme_id = $1 AND year = $2 AND confirmed_at IS NULL AND reminded_at IS NULL AND lapsed_at IS NULL ORDER BY id"),
        vec![programme_id.into(), year.into()],
    )
    .await
}

pub async fn mark_reminded(c: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE refresh_requests SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL",
        vec![id.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Unconfirmed requests past their deadline, not yet acted on.
pub async fn refresh_lapsing(
    c: &impl ConnectionTrait,
    programme_id: i64,
    year: i32,
    now: DateTime<Utc>,
) -> Result<Vec<RefreshRequest>> {
    sql::all(
        c,
        &format!("SELECT {REFRESH_COLUMNS} FROM refresh_requests WHERE programme_id = $1 AND year = $2 AND confirmed_at IS NULL AND lapsed_at IS NULL AND deadline <= $3 ORDER BY id"),
        vec![programme_id.into(), year.into(), now.into()],
    )
    .await
}

pub async fn mark_lapsed(c: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = sql::exec(c, "UPDATE refresh_requests SET lapsed_at = $2 WHERE id = $1 AND lapsed_at IS NULL AND confirmed_at IS NULL", vec![id.into(), now.into()]).await?;
    Ok(n == 1)
}

/// How many of a refresh's mentors have not confirmed (for the office's queue).
pub async fn unconfirmed_count(
    c: &impl ConnectionTrait,
    programme_id: i64,
    year: i32,
) -> Result<i64> {
    Ok(sql::one::<Count>(
        c,
        "SELECT COUNT(*) AS n FROM refresh_requests WHERE programme_id = $1 AND year = $2 AND confirmed_at IS NULL",
        vec![programme_id.into(), year.into()],
    )
    .await?
    .map_or(0, |r| r.n))
}

/// Every mentor of the programme (listed or not) after `after` (by mentor id), at most `limit`.
pub async fn mentors_after(
    c: &impl ConnectionTrait,
    programme_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<MentorRow>> {
    sql::all(
        c,
        &format!(
            "SELECT {MENTOR_COLUMNS} FROM mentors m JOIN users u ON u.id = m.user_id \
             WHERE m.programme_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3"
        ),
        vec![programme_id.into(), after.into(), limit.into()],
    )
    .await
}

/// Whether the member has a listing (listed or not) in the programme's directory.
pub async fn is_listed_in(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
) -> Result<bool> {
    let n: Option<sql::Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM mentors WHERE programme_id = $1 AND user_id = $2",
        vec![programme_id.into(), user_id.into()],
    )
    .await?;
    Ok(n.is_some_and(|n| n.n > 0))
}
