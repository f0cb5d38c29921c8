//! Accounts, profiles, emailed-link tokens, sessions, personal access tokens and sign-in
//! throttling.

use crate::sql::{self, Count, duplicate};
use crate::{Result, secrets};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use trellis_domain::account::{Email, Failures, RecentFailures, TokenPurpose};
use trellis_domain::profile::Profile;

#[derive(Debug, Clone, FromQueryResult)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub is_admin: bool,
    pub pronouns: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub career_stage: Option<String>,
    pub location: Option<String>,
    pub time_zone: Option<String>,
    pub languages: String,
    pub background: Option<String>,
    pub interests: Option<String>,
    pub channels: String,
    pub manager_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split('\n')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl User {
    pub fn profile(&self) -> Profile {
        Profile {
            name: self.name.clone(),
            pronouns: self.pronouns.clone(),
            organisation: self.organisation.clone(),
            title: self.title.clone(),
            career_stage: self.career_stage.clone(),
            location: self.location.clone(),
            time_zone: self.time_zone.clone(),
            languages: split_list(&self.languages),
            background: self.background.clone(),
            interests: self.interests.clone(),
            channels: split_list(&self.channels),
            manager_email: self.manager_email.clone(),
        }
    }

    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }
}

pub(crate) const USER_COLUMNS: &str = "id, email, name, password_hash, email_verified_at, is_admin, pronouns, organisation, title, \
     career_stage, location, time_zone, languages, background, interests, channels, manager_email, created_at, updated_at";

/// Creates an account. An email already registered is `Duplicate { field: "email" }`.
pub async fn create_user(
    c: &impl ConnectionTrait,
    name: &str,
    email: &Email,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO users (email, name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        vec![email.as_str().into(), name.into(), password_hash.into(), now.into()],
    )
    .await
    .map_err(duplicate("email"))
}

pub async fn user_by_id(c: &impl ConnectionTrait, id: i64) -> Result<Option<User>> {
    sql::one(
        c,
        &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

/// The accounts with these ids (unknown ids left out, in no particular order), read 500 at a
/// time: a matching round reads thousands of profiles.
pub async fn users_by_ids(c: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<User>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        out.extend(
            sql::all::<User>(
                c,
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id IN ({list})"),
                vec![],
            )
            .await?,
        );
    }
    Ok(out)
}

#[derive(FromQueryResult)]
struct IdByEmail {
    id: i64,
    email: String,
}

/// The ids of the accounts with these addresses, by address (addresses with no account left
/// out), read 500 at a time.
pub async fn ids_by_email(
    c: &impl ConnectionTrait,
    emails: &[Email],
) -> Result<std::collections::HashMap<String, i64>> {
    let mut out = std::collections::HashMap::new();
    for chunk in emails.chunks(500) {
        let marks = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<IdByEmail> = sql::all(
            c,
            &format!("SELECT id, email FROM users WHERE email IN ({marks})"),
            chunk.iter().map(|e| e.as_str().into()).collect(),
        )
        .await?;
        out.extend(rows.into_iter().map(|r| (r.email, r.id)));
    }
    Ok(out)
}

pub async fn user_by_email(c: &impl ConnectionTrait, email: &Email) -> Result<Option<User>> {
    sql::one(
        c,
        &format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"),
        vec![email.as_str().into()],
    )
    .await
}

pub async fn count_users(c: &impl ConnectionTrait) -> Result<i64> {
    Ok(
        sql::one::<Count>(c, "SELECT COUNT(*) AS n FROM users", vec![])
            .await?
            .map_or(0, |r| r.n),
    )
}

pub async fn set_email_verified(
    c: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2 WHERE id = $1",
        vec![user_id.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn set_admin(
    c: &impl ConnectionTrait,
    user_id: i64,
    is_admin: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE users SET is_admin = $2, updated_at = $3 WHERE id = $1",
        vec![user_id.into(), is_admin.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn set_password(
    c: &impl ConnectionTrait,
    user_id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
        vec![user_id.into(), password_hash.into(), now.into()],
    )
    .await?;
    Ok(())
}

pub async fn update_profile(
    c: &impl ConnectionTrait,
    user_id: i64,
    p: &Profile,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE users SET name = $2, pronouns = $3, organisation = $4, title = $5, career_stage = $6, location = $7, \
         time_zone = $8, languages = $9, background = $10, interests = $11, channels = $12, updated_at = $13, manager_email = $14 WHERE id = $1",
        vec![
            user_id.into(),
            p.name.clone().into(),
            p.pronouns.clone().into(),
            p.organisation.clone().into(),
            p.title.clone().into(),
            p.career_stage.clone().into(),
            p.location.clone().into(),
            p.time_zone.clone().into(),
            p.languages.join("\n").into(),
            p.background.clone().into(),
            p.interests.clone().into(),
            p.channels.join("\n").into(),
            now.into(),
            p.manager_email.clone().into(),
        ],
    )
    .await?;
    Ok(())
}

// ---- Emailed-link tokens -------------------------------------------------------------------

#[derive(Debug, Clone, FromQueryResult)]
pub struct EmailToken {
    pub id: i64,
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Issues a token for an emailed link and returns its plain value for the message. Earlier
/// unused tokens for the same purpose stop working, so only the newest link is valid.
pub async fn issue_email_token(
    c: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<String> {
    let (plain, hash) = secrets::new_token();
    sql::exec(
        c,
        "UPDATE email_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        vec![user_id.into(), purpose.as_str().into(), now.into()],
    )
    .await?;
    sql::exec(
        c,
        "INSERT INTO email_tokens (user_id, purpose, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        vec![user_id.into(), purpose.as_str().into(), hash.into(), now.into(), (now + purpose.lifetime()).into()],
    )
    .await?;
    Ok(plain)
}

pub async fn find_email_token(
    c: &impl ConnectionTrait,
    plain: &str,
    purpose: TokenPurpose,
) -> Result<Option<EmailToken>> {
    sql::one(
        c,
        "SELECT id, user_id, expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2",
        vec![secrets::hash(plain).into(), purpose.as_str().into()],
    )
    .await
}

/// Marks a token used; `false` when another request used it first.
pub async fn consume_email_token(
    c: &impl ConnectionTrait,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE email_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
        vec![token_id.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

// ---- Sessions ------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    pub csrf_token: String,
}

pub async fn create_session(
    c: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Result<NewSession> {
    let (token, hash) = secrets::new_token();
    let (csrf_token, _) = secrets::new_token();
    sql::exec(
        c,
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        vec![hash.into(), user_id.into(), csrf_token.clone().into(), now.into(), (now + lifetime).into()],
    )
    .await?;
    Ok(NewSession { token, csrf_token })
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// The live session for a cookie value; sliding expiry is renewed at most once an hour.
pub async fn find_session(
    c: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Result<Option<SessionRow>> {
    let hash = secrets::hash(token);
    let row: Option<SessionRow> =
        sql::one(c, "SELECT user_id, csrf_token, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2", vec![hash.clone().into(), now.into()])
            .await?;
    if let Some(r) = &row
        && r.expires_at < now + lifetime - Duration::hours(1)
    {
        sql::exec(
            c,
            "UPDATE sessions SET expires_at = $2 WHERE id_hash = $1",
            vec![hash.into(), (now + lifetime).into()],
        )
        .await?;
    }
    Ok(row)
}

pub async fn delete_session(c: &impl ConnectionTrait, token: &str) -> Result<()> {
    sql::exec(
        c,
        "DELETE FROM sessions WHERE id_hash = $1",
        vec![secrets::hash(token).into()],
    )
    .await?;
    Ok(())
}

/// Signs a person out everywhere, e.g. after a password reset.
pub async fn delete_sessions_of(c: &impl ConnectionTrait, user_id: i64) -> Result<u64> {
    sql::exec(
        c,
        "DELETE FROM sessions WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await
}

pub async fn delete_expired_sessions(c: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    sql::exec(
        c,
        "DELETE FROM sessions WHERE expires_at <= $1",
        vec![now.into()],
    )
    .await
}

// ---- Personal access tokens ----------------------------------------------------------------

#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Creates a token; returns its id and the plain value, shown to the person once.
pub async fn create_api_token(
    c: &impl ConnectionTrait,
    user_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(i64, String)> {
    let plain = format!("trellis_{}", secrets::new_token().0);
    let id = sql::insert_id(
        c,
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        vec![user_id.into(), name.into(), secrets::hash(&plain).into(), now.into()],
    )
    .await?;
    Ok((id, plain))
}

/// Revokes every live token of the person (after their password is reset or changed); returns
/// how many.
pub async fn revoke_api_tokens_of(
    c: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    sql::exec(
        c,
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        vec![user_id.into(), now.into()],
    )
    .await
}

pub async fn list_api_tokens(c: &impl ConnectionTrait, user_id: i64) -> Result<Vec<ApiToken>> {
    sql::all(
        c,
        "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
        vec![user_id.into()],
    )
    .await
}

/// Revokes one of the person's own tokens; `false` when there is no such live token of theirs.
pub async fn revoke_api_token(
    c: &impl ConnectionTrait,
    user_id: i64,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        vec![token_id.into(), user_id.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

// ---- Sign-in throttling --------------------------------------------------------------------

pub async fn record_sign_in_failure(
    c: &impl ConnectionTrait,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::exec(
        c,
        "INSERT INTO sign_in_failures (email, address, at) VALUES ($1, $2, $3)",
        vec![email.into(), address.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// The failures since `since` that bear on an attempt for `email` from `address`.
pub async fn sign_in_failures(
    c: &impl ConnectionTrait,
    email: &str,
    address: &str,
    since: DateTime<Utc>,
) -> Result<RecentFailures> {
    #[derive(FromQueryResult)]
    struct Row {
        n: i64,
        first: Option<DateTime<Utc>>,
        last: Option<DateTime<Utc>>,
    }
    let failures = |condition: &'static str, keys: Vec<String>| {
        let mut values: Vec<sea_orm::Value> = vec![since.into()];
        values.extend(keys.into_iter().map(Into::into));
        async move {
            let text = format!(
                "SELECT COUNT(*) AS n, MIN(at) AS first, MAX(at) AS last \
                 FROM sign_in_failures WHERE at > $1 AND {condition}"
            );
            let row: Option<Row> = sql::one(c, &text, values).await?;
            Ok::<_, crate::StoreError>(row.map_or_else(Failures::default, |r| Failures {
                count: u64::try_from(r.n).unwrap_or(0),
                first: r.first,
                last: r.last,
            }))
        }
    };
    Ok(RecentFailures {
        account_from_address: failures(
            "email = $2 AND address = $3",
            vec![email.to_owned(), address.to_owned()],
        )
        .await?,
        address: failures("address = $2", vec![address.to_owned()]).await?,
        account: failures("email = $2", vec![email.to_owned()]).await?,
    })
}

/// A successful sign-in forgives the account's earlier failures from the same address (the
/// owner's own slips); failures from elsewhere stand until the window passes them.
pub async fn clear_sign_in_failures(
    c: &impl ConnectionTrait,
    email: &str,
    address: &str,
) -> Result<()> {
    sql::exec(
        c,
        "DELETE FROM sign_in_failures WHERE email = $1 AND address = $2",
        vec![email.into(), address.into()],
    )
    .await?;
    Ok(())
}

pub async fn delete_old_sign_in_failures(
    c: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64> {
    sql::exec(
        c,
        "DELETE FROM sign_in_failures WHERE at < $1",
        vec![before.into()],
    )
    .await
}

// ---- Bulk creation (the generator for benchmarks and load tests) --------------------------

/// A confirmed account with a profile, for bulk creation.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub password_hash: String,
    pub profile: Profile,
}

/// Creates accounts with multi-row inserts (500 a statement); returns their ids in order.
pub async fn create_many(
    c: &impl ConnectionTrait,
    accounts: &[NewAccount],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    const COLS: usize = 15;
    let mut ids = Vec::with_capacity(accounts.len());
    for chunk in accounts.chunks(500) {
        let mut text = String::from(
            "INSERT INTO users (email, name, password_hash, email_verified_at, created_at, updated_at, pronouns, organisation, title, \
             career_stage, location, time_zone, languages, background, channels) VALUES ",
        );
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * COLS);
        for (i, a) in chunk.iter().enumerate() {
            let p = &a.profile;
            if i > 0 {
                text.push_str(", ");
            }
            let base = i * COLS;
            text.push('(');
            text.push_str(
                &(1..=COLS)
                    .map(|k| format!("${}", base + k))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            text.push(')');
            values.extend([
                a.email.as_str().into(),
                p.name.clone().into(),
                a.password_hash.clone().into(),
                now.into(),
                now.into(),
                now.into(),
                p.pronouns.clone().into(),
                p.organisation.clone().into(),
                p.title.clone().into(),
                p.career_stage.clone().into(),
                p.location.clone().into(),
                p.time_zone.clone().into(),
                p.languages.join("\n").into(),
                p.background.clone().into(),
                p.channels.join("\n").into(),
            ]);
        }
        text.push_str(" RETURNING id");
        #[derive(FromQueryResult)]
        struct Id {
            id: i64,
        }
        let mut rows: Vec<Id> = sql::all(c, &text, values)
            .await
            .map_err(duplicate("email"))?;
        rows.sort_by_key(|r| r.id);
        ids.extend(rows.into_iter().map(|r| r.id));
    }
    Ok(ids)
}
