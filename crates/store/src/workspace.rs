//! The relationship workspace's tables: members, phase, agreement versions and signatures, the
//! mentoring log. Bodies arrive sealed (see [`crate::sealed`]); this module never sees them in
//! clear.

use crate::Result;
use crate::sql::{self, Count, duplicate};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

/// Everyone who is or was in the relationship, current members first.
pub async fn members(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Vec<MemberRow>> {
    Ok(sql::all(
        c,
        "SELECT m.user_id, u.name, u.email, m.role, m.joined_at, m.left_at \
         FROM relationship_members m JOIN users u ON u.id = m.user_id \
         WHERE m.relationship_id = $1 ORDER BY m.left_at IS NOT NULL, m.joined_at, m.user_id",
        vec![relationship_id.into()],
    )
    .await?)
}

pub async fn add_member(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    user_id: i64,
    role: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO relationship_members (relationship_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
        vec![relationship_id.into(), user_id.into(), role.into(), now.into()],
    )
    .await
    .map_err(duplicate("user_id"))?;
    Ok(())
}

/// Moves the phase if it is still `from` (of two moves at once, one wins).
pub async fn set_phase(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE relationships SET phase = $3, updated_at = $4 WHERE id = $1 AND phase = $2",
        vec![relationship_id.into(), from.into(), to.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct VersionRow {
    pub id: i64,
    pub version: i32,
    /// Sealed.
    pub body: String,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every version of the agreement, oldest first.
pub async fn agreement_versions(
    c: &impl ConnectionTrait,
    relationship_id: i64,
) -> Result<Vec<VersionRow>> {
    Ok(sql::all(
        c,
        "SELECT v.id, v.version, v.body, v.created_by, u.name AS created_by_name, v.created_at, v.updated_at \
         FROM agreement_versions v LEFT JOIN users u ON u.id = v.created_by \
         WHERE v.relationship_id = $1 ORDER BY v.version",
        vec![relationship_id.into()],
    )
    .await?)
}

/// Adds version `version`; another version with that number (a change made at the same
/// moment) is `Duplicate { field: "version" }`.
pub async fn add_agreement_version(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    version: i32,
    sealed: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO agreement_versions (relationship_id, version, body, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        vec![relationship_id.into(), version.into(), sealed.into(), by.into(), now.into()],
    )
    .await
    .map_err(duplicate("version"))
}

/// Rewrites a version nobody has signed yet; `false` when it has a signature.
pub async fn update_unsigned_version(
    c: &impl ConnectionTrait,
    version_id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE agreement_versions SET body = $2, updated_at = $3 WHERE id = $1 \
         AND NOT EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.version_id = $1)",
        vec![version_id.into(), sealed.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct SignatureRow {
    pub version_id: i64,
    pub user_id: i64,
    pub name: String,
    pub typed_name: String,
    pub signed_at: DateTime<Utc>,
}

pub async fn signatures(
    c: &impl ConnectionTrait,
    relationship_id: i64,
) -> Result<Vec<SignatureRow>> {
    Ok(sql::all(
        c,
        "SELECT s.version_id, s.user_id, u.name, s.typed_name, s.signed_at FROM agreement_signatures s \
         JOIN agreement_versions v ON v.id = s.version_id JOIN users u ON u.id = s.user_id \
         WHERE v.relationship_id = $1 ORDER BY s.signed_at, s.user_id",
        vec![relationship_id.into()],
    )
    .await?)
}

/// Signs a version; signing twice is `Duplicate { field: "signature" }`.
pub async fn sign(
    c: &impl ConnectionTrait,
    version_id: i64,
    user_id: i64,
    typed_name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO agreement_signatures (version_id, user_id, typed_name, signed_at) VALUES ($1, $2, $3, $4)",
        vec![version_id.into(), user_id.into(), typed_name.into(), now.into()],
    )
    .await
    .map_err(duplicate("signature"))?;
    Ok(())
}

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
    Ok(sql::all(
        c,
        "SELECT l.id, l.author_id, u.name AS author_name, l.body, l.created_at FROM log_entries l \
         LEFT JOIN users u ON u.id = l.author_id WHERE l.relationship_id = $1 ORDER BY l.id",
        vec![relationship_id.into()],
    )
    .await?)
}

pub async fn add_log_entry(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    author_id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(sql::insert_id(
        c,
        "INSERT INTO log_entries (relationship_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        vec![relationship_id.into(), author_id.into(), sealed.into(), now.into()],
    )
    .await?)
}

/// How much the workspace holds, for staff (counts, never content).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub agreement_versions: i64,
    pub log_entries: i64,
}

pub async fn counts(c: &impl ConnectionTrait, relationship_id: i64) -> Result<Counts> {
    let n = |table: &'static str| async move {
        let row: Option<Count> = sql::one(
            c,
            &format!("SELECT COUNT(*) AS n FROM {table} WHERE relationship_id = $1"),
            vec![relationship_id.into()],
        )
        .await?;
        Ok::<i64, crate::StoreError>(row.map_or(0, |r| r.n))
    };
    Ok(Counts {
        agreement_versions: n("agreement_versions").await?,
        log_entries: n("log_entries").await?,
    })
}
