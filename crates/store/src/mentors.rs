//! Mentor applications, the mentors listed in each programme's directory, directory search
//! (SQLite FTS5 / PostgreSQL full-text search), and the annual refresh requests.

use crate::sql::{self, Count};
use crate::{Result, StoreError, secrets};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use trellis_domain::application::{ApplicationDetails, State};

mod applications;
mod refresh;

pub use applications::*;
pub use refresh::*;

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
