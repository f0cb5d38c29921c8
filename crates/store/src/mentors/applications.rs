//! Mentor applications and their history.

use super::*;

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
