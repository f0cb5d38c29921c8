//! The annual directory refresh: who was asked, reminded, confirmed or lapsed.

use super::*;

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
