//! The agreement's versions and their signatures.

use super::*;

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
    sql::all(
        c,
        "SELECT v.id, v.version, v.body, v.created_by, u.name AS created_by_name, v.created_at, v.updated_at \
         FROM agreement_versions v LEFT JOIN users u ON u.id = v.created_by \
         WHERE v.relationship_id = $1 ORDER BY v.version",
        vec![relationship_id.into()],
    )
    .await
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
    sql::all(
        c,
        "SELECT s.version_id, s.user_id, u.name, s.typed_name, s.signed_at FROM agreement_signatures s \
         JOIN agreement_versions v ON v.id = s.version_id JOIN users u ON u.id = s.user_id \
         WHERE v.relationship_id = $1 ORDER BY s.signed_at, s.user_id",
        vec![relationship_id.into()],
    )
    .await
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
