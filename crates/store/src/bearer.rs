//! Bearer-token look-ups: the account a personal access token belongs to, alone or with a
//! programme and the account's standing in it, each one query; on SQLite kept in memory while
//! the database is unchanged ([`cache`]).

pub(crate) mod cache;

use crate::accounts::{USER_COLUMNS, User};
use crate::programmes::{self, Programme};
use crate::{Result, Store, secrets, sql};
use cache::Kept;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use trellis_domain::role::Standing;

/// The account a bearer token belongs to, if the token is live (one query; the token's
/// last use is written at most every five minutes). On SQLite the answer is kept and served
/// again while no other connection has committed (see [`cache`]).
pub async fn user(store: &Store, plain: &str, now: DateTime<Utc>) -> Result<Option<User>> {
    let token_hash = secrets::hash(plain);
    let (version, kept) = store.tokens.look_up(&token_hash, None, now);
    if let Some(k) = kept {
        return Ok(Some(k.user));
    }
    let c = &store.db;
    let cols = sql::qualified(USER_COLUMNS, "u");
    let Some(row) = c
        .query_one_raw(sql::stmt(
            c,
            &format!(
                "SELECT {cols}, t.id AS token_id, t.last_used_at AS token_used_at FROM api_tokens t \
                 JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
            ),
            vec![token_hash.clone().into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    note_token_use(c, &row, now).await?;
    let user = User::from_query_result(&row, "")?;
    let used_at = row.try_get("", "token_used_at")?;
    store.tokens.keep(version, token_hash, || Kept {
        slug: None,
        used_at,
        user: user.clone(),
        programme: None,
    });
    Ok(Some(user))
}

/// The account a live bearer token belongs to and, if the programme `slug` exists, the
/// programme with the person's standing in it — one query, for API calls about one programme
/// (the mentor directory's hot path). `None`: the token is not live. On SQLite the answer is
/// kept and served again while no other connection has committed (see [`cache`]).
pub async fn user_in_programme(
    store: &Store,
    slug: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(User, Option<(Programme, Standing)>)>> {
    let token_hash = secrets::hash(token);
    let (version, kept) = store.tokens.look_up(&token_hash, Some(slug), now);
    if let Some(k) = kept {
        return Ok(Some((k.user, k.programme)));
    }
    let c = &store.db;
    let user_cols = sql::qualified(USER_COLUMNS, "u");
    let cols = sql::prefixed(programmes::COLUMNS, "p", "p_");
    let (standing_cols, join) = programmes::standing_sql("u.id");
    let rows = c
        .query_all_raw(sql::stmt(
            c,
            &format!(
                "SELECT {user_cols}, t.id AS token_id, t.last_used_at AS token_used_at, {cols}, {standing_cols} \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN programmes p ON p.slug = $2 {join} \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
            ),
            vec![token_hash.clone().into(), slug.into()],
        ))
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    note_token_use(c, first, now).await?;
    let user = User::from_query_result(first, "")?;
    let programme_id: Option<i64> = first.try_get("", "p_id")?;
    if programme_id.is_none() {
        return Ok(Some((user, None)));
    }
    let programme = Programme::from_query_result(first, "p_")?;
    let standing = programmes::standing_of_rows(&rows, user.is_admin)?;
    let used_at = first.try_get("", "token_used_at")?;
    store.tokens.keep(version, token_hash, || Kept {
        slug: Some(slug.to_owned()),
        used_at,
        user: user.clone(),
        programme: Some((programme.clone(), standing.clone())),
    });
    Ok(Some((user, Some((programme, standing)))))
}

/// Whether a token last used at `used_at` has its use written now (every five minutes).
pub(crate) fn token_use_due(used_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    used_at.is_none_or(|t| now - t > Duration::minutes(5))
}

/// Notes a bearer token's use from a row carrying `token_id` and `token_used_at`: written at
/// most every five minutes, so most requests write nothing.
pub(crate) async fn note_token_use(
    c: &impl ConnectionTrait,
    row: &sea_orm::QueryResult,
    now: DateTime<Utc>,
) -> Result<()> {
    let token_id: i64 = row.try_get("", "token_id")?;
    let used_at: Option<DateTime<Utc>> = row.try_get("", "token_used_at")?;
    if token_use_due(used_at, now) {
        sql::exec(
            c,
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
            vec![token_id.into(), now.into()],
        )
        .await?;
    }
    Ok(())
}
