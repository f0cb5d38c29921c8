//! The append-only audit log. Rows are only ever inserted; nothing in Trellis updates or
//! deletes them.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use trellis_domain::audit::AuditEntry;

pub async fn record(c: &impl ConnectionTrait, e: &AuditEntry, now: DateTime<Utc>) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO audit_log (at, actor_id, programme_id, action, subject_type, subject_id, summary) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![now.into(), e.actor_id.into(), e.programme_id.into(), e.action.into(), e.subject_type.into(), e.subject_id.into(), e.summary.clone().into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub programme_id: Option<i64>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub summary: String,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub programme_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// Matches actions starting with this text, e.g. `account.`.
    pub action_prefix: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: u64,
    pub offset: u64,
}

/// Newest first.
pub async fn list(c: &impl ConnectionTrait, f: &Filter) -> Result<Vec<AuditRow>> {
    let mut sql_text = String::from(
        "SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.programme_id, a.action, a.subject_type, a.subject_id, a.summary \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE 1 = 1",
    );
    // Each condition ends with its placeholder's number, filled in below.
    let mut conds: Vec<(&str, Value)> = Vec::new();
    if let Some(p) = f.programme_id {
        conds.push(("a.programme_id = ${}", p.into()));
    }
    if let Some(a) = f.actor_id {
        conds.push(("a.actor_id = ${}", a.into()));
    }
    if let Some(prefix) = &f.action_prefix {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        conds.push((
            "a.action LIKE ${} ESCAPE '\\'",
            format!("{escaped}%").into(),
        ));
    }
    if let Some(s) = f.since {
        conds.push(("a.at >= ${}", s.into()));
    }
    if let Some(u) = f.until {
        conds.push(("a.at < ${}", u.into()));
    }
    let mut values: Vec<Value> = Vec::new();
    for (i, (cond, v)) in conds.into_iter().enumerate() {
        sql_text.push_str(" AND ");
        sql_text.push_str(&cond.replace("{}", &(i + 1).to_string()));
        values.push(v);
    }
    let limit = i64::try_from(f.limit.clamp(1, 500)).unwrap_or(100);
    let offset = i64::try_from(f.offset).unwrap_or(0);
    values.push(limit.into());
    values.push(offset.into());
    sql_text.push_str(&format!(
        " ORDER BY a.id DESC LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    ));
    sql::all(c, &sql_text, values).await
}
