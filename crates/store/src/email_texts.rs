//! A programme's own wording of its letters, one row per reworded letter. The wording is
//! checked by `trellis_domain::email_text` before it is saved and applied when a letter is
//! sent ([`crate::notifications::tell`]).

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use trellis_domain::email_text::Wording;

#[derive(Debug, Clone, FromQueryResult)]
pub struct Row {
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Row {
    pub fn wording(&self) -> Wording {
        Wording {
            subject: self.subject.clone(),
            text: self.body_text.clone(),
            html: self.body_html.clone(),
        }
    }
}

const COLUMNS: &str = "template, subject, body_text, body_html, updated_at";

/// The programme's wording of one letter, if it has one.
pub async fn get(
    c: &impl ConnectionTrait,
    programme_id: i64,
    template: &str,
) -> Result<Option<Row>> {
    sql::one(
        c,
        &format!("SELECT {COLUMNS} FROM email_texts WHERE programme_id = $1 AND template = $2"),
        vec![programme_id.into(), template.into()],
    )
    .await
}

/// Every letter the programme has reworded.
pub async fn of_programme(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<Row>> {
    sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM email_texts WHERE programme_id = $1 ORDER BY template"),
        vec![programme_id.into()],
    )
    .await
}

/// Saves (or replaces) the programme's wording of a letter.
pub async fn put(
    c: &impl ConnectionTrait,
    programme_id: i64,
    template: &str,
    w: &Wording,
    by: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO email_texts (programme_id, template, subject, body_text, body_html, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (programme_id, template) DO UPDATE SET subject = excluded.subject, \
         body_text = excluded.body_text, body_html = excluded.body_html, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        vec![
            programme_id.into(),
            template.into(),
            w.subject.clone().into(),
            w.text.clone().into(),
            w.html.clone().into(),
            by.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Goes back to Trellis's own wording; true when there was one to remove.
pub async fn delete(c: &impl ConnectionTrait, programme_id: i64, template: &str) -> Result<bool> {
    Ok(sql::exec(
        c,
        "DELETE FROM email_texts WHERE programme_id = $1 AND template = $2",
        vec![programme_id.into(), template.into()],
    )
    .await?
        == 1)
}

/// A new programme made like another one starts with its wordings.
pub async fn copy(c: &impl ConnectionTrait, from: i64, to: i64, now: DateTime<Utc>) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO email_texts (programme_id, template, subject, body_text, body_html, updated_by, updated_at) \
         SELECT $2, template, subject, body_text, body_html, updated_by, $3 FROM email_texts WHERE programme_id = $1",
        vec![from.into(), to.into(), now.into()],
    )
    .await?;
    Ok(())
}
