//! The mentoring log.

use super::*;

#[derive(Debug, Clone, FromQueryResult)]
pub struct LogRow {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Sealed.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn log_entries(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<LogRow>> {
    sql::all(
        c,
        "SELECT l.id, l.author_id, u.name AS author_name, l.body, l.created_at FROM log_entries l \
         LEFT JOIN users u ON u.id = l.author_id WHERE l.relationship_id = $1 ORDER BY l.id",
        vec![relationship_id.into()],
    )
    .await
}

pub async fn add_log_entry(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    author_id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO log_entries (relationship_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        vec![relationship_id.into(), author_id.into(), sealed.into(), now.into()],
    )
    .await
}
