//! Registering, verifying, signing in, password reset, profile and personal access tokens.

use crate::App;
use crate::passwords;
use crate::{AppError, AppResult};
use chrono::Duration;
use trellis_domain::Invalid;
use trellis_domain::account::{self, Email, LinkCheck, NewPassword, Registration, TokenPurpose};
use trellis_domain::audit::AuditEntry;
use trellis_domain::mail;
use trellis_domain::profile::{Profile, ProfileInput};
use trellis_store::accounts::{self as store, NewSession};

pub use trellis_store::accounts::{ApiToken, User};
use trellis_store::audit;

/// Creates the account and emails a verification link.
#[tracing::instrument(skip_all)]
pub async fn register(s: &App, name: &str, email: &str, password: &str) -> AppResult<User> {
    let reg = Registration::parse(name, email, password)?;
    let hash = passwords::hash(reg.password.expose().to_owned()).await?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let id = store::create_user(&tx, &reg.name, &reg.email, &hash, now).await?;
    let token = store::issue_email_token(&tx, id, TokenPurpose::VerifyEmail, now).await?;
    crate::letters::queue(
        s,
        &tx,
        &mail::verify_email(&s.config.site, reg.email.as_str(), &reg.name, &token),
    )
    .await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.registered",
            "user",
            Some(id),
            format!("{} registered", reg.email),
        )
        .by(Some(id)),
        now,
    )
    .await?;
    let user = store::user_by_id(&tx, id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    tx.commit().await?;
    Ok(user)
}

/// What following an emailed link found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    Done,
    Expired,
    AlreadyUsed,
    Unknown,
}

impl LinkOutcome {
    pub fn into_result(self) -> AppResult<()> {
        let gone = |m: &str| AppError::Gone(m.into());
        match self {
            Self::Done => Ok(()),
            Self::Expired => Err(gone("This link has expired. Ask for a new one.")),
            Self::AlreadyUsed => Err(gone(
                "This link has already been used. Each link works once.",
            )),
            Self::Unknown => Err(AppError::NotFound("link")),
        }
    }
}

fn link_state(t: &store::EmailToken, now: chrono::DateTime<chrono::Utc>) -> LinkOutcome {
    match account::check_link(t.expires_at, t.used_at, now) {
        LinkCheck::Usable => LinkOutcome::Done,
        LinkCheck::Expired => LinkOutcome::Expired,
        LinkCheck::AlreadyUsed => LinkOutcome::AlreadyUsed,
    }
}

#[tracing::instrument(skip_all)]
pub async fn verify_email(s: &App, token: &str) -> AppResult<LinkOutcome> {
    let now = s.now();
    let tx = s.store.begin().await?;
    let Some(t) = store::find_email_token(&tx, token.trim(), TokenPurpose::VerifyEmail).await?
    else {
        return Ok(LinkOutcome::Unknown);
    };
    let state = link_state(&t, now);
    if state != LinkOutcome::Done {
        return Ok(state);
    }
    if !store::consume_email_token(&tx, t.id, now).await? {
        return Ok(LinkOutcome::AlreadyUsed);
    }
    store::set_email_verified(&tx, t.user_id, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.email_verified",
            "user",
            Some(t.user_id),
            "email address confirmed",
        )
        .by(Some(t.user_id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(LinkOutcome::Done)
}

/// Sends a fresh verification link to an unverified account. Says nothing about whether the
/// address has an account.
#[tracing::instrument(skip_all)]
pub async fn resend_verification(s: &App, email: &str) -> AppResult<()> {
    let email = Email::parse("email", email)?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if let Some(u) = store::user_by_email(&tx, &email)
        .await?
        .filter(|u| !u.is_verified())
    {
        let token = store::issue_email_token(&tx, u.id, TokenPurpose::VerifyEmail, now).await?;
        crate::letters::queue(
            s,
            &tx,
            &mail::verify_email(&s.config.site, &u.email, &u.name, &token),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Checks an email and password, with throttling per account and per network address.
async fn check_credentials(s: &App, email: &str, password: &str, address: &str) -> AppResult<User> {
    let now = s.now();
    let email_key = email.trim().to_lowercase();
    let since = now - Duration::minutes(account::SIGN_IN_WINDOW_MINUTES);
    let recent = store::sign_in_failures(&s.store.db, &email_key, address, since).await?;
    if let Some(wait) = account::sign_in_wait(&recent, now) {
        let seconds = u64::try_from(wait.num_seconds()).unwrap_or(1).max(1);
        return Err(AppError::TooManyRequests {
            message: format!(
                "Too many failed sign-in attempts. Try again in {}, or reset your password \
                 by email.",
                trellis_domain::dates::wait_in_words(seconds)
            ),
            retry_after: seconds,
        });
    }
    let wrong = || AppError::invalid("email", "The email address or password is not right");
    let user = match Email::parse("email", email) {
        Ok(e) => store::user_by_email(&s.store.db, &e).await?,
        Err(e) => return Err(e.into()),
    };
    let ok = match &user {
        Some(u) => passwords::verify(password.to_owned(), u.password_hash.clone()).await?,
        None => {
            passwords::spend_equal_time(password.to_owned()).await?;
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        store::record_sign_in_failure(&s.store.db, &email_key, address, now).await?;
        return Err(wrong());
    };
    if !user.is_verified() {
        return Err(AppError::Unconfirmed(
            "Confirm your email address first: open the link we emailed you, or ask for a new one."
                .into(),
        ));
    }
    store::clear_sign_in_failures(&s.store.db, &email_key, address).await?;
    Ok(user)
}

#[tracing::instrument(skip_all)]
pub async fn sign_in(
    s: &App,
    email: &str,
    password: &str,
    address: &str,
) -> AppResult<(User, NewSession)> {
    let user = check_credentials(s, email, password, address).await?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let session = store::create_session(&tx, user.id, now, account::session_lifetime()).await?;
    audit::record(
        &tx,
        &AuditEntry::new("account.signed_in", "user", Some(user.id), "signed in").by(Some(user.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((user, session))
}

#[tracing::instrument(skip_all)]
pub async fn sign_out(s: &App, session_token: &str) -> AppResult<()> {
    store::delete_session(&s.store.db, session_token).await?;
    Ok(())
}

/// Creates a personal access token after checking the password (for API clients).
#[tracing::instrument(skip_all)]
pub async fn create_token_with_password(
    s: &App,
    email: &str,
    password: &str,
    name: &str,
    address: &str,
) -> AppResult<(i64, String)> {
    let user = check_credentials(s, email, password, address).await?;
    create_token(s, &user, name).await
}

#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_token(s: &App, user: &User, name: &str) -> AppResult<(i64, String)> {
    let name = trellis_domain::error::optional_text("name", name, 80)?
        .unwrap_or_else(|| "API token".into());
    let now = s.now();
    let tx = s.store.begin().await?;
    let (id, token) = store::create_api_token(&tx, user.id, &name, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.token_created",
            "api_token",
            Some(id),
            format!("token '{name}' created"),
        )
        .by(Some(user.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((id, token))
}

#[tracing::instrument(skip_all, fields(user_id = user.id, token_id = token_id))]
pub async fn revoke_token(s: &App, user: &User, token_id: i64) -> AppResult<()> {
    let now = s.now();
    let tx = s.store.begin().await?;
    if !store::revoke_api_token(&tx, user.id, token_id, now).await? {
        return Err(AppError::NotFound("token"));
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.token_revoked",
            "api_token",
            Some(token_id),
            "token revoked",
        )
        .by(Some(user.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Emails a reset link if the address has an account; always succeeds, so the answer does not
/// reveal which addresses are registered.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(s: &App, email: &str) -> AppResult<()> {
    let email = Email::parse("email", email)?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if let Some(u) = store::user_by_email(&tx, &email).await? {
        let token = store::issue_email_token(&tx, u.id, TokenPurpose::ResetPassword, now).await?;
        crate::letters::queue(
            s,
            &tx,
            &mail::reset_password(&s.config.site, &u.email, &u.name, &token),
        )
        .await?;
        audit::record(
            &tx,
            &AuditEntry::new(
                "account.password_reset_requested",
                "user",
                Some(u.id),
                "password reset link sent",
            ),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Checks a reset link without using it (to decide whether to show the form).
#[tracing::instrument(skip_all)]
pub async fn check_reset_link(s: &App, token: &str) -> AppResult<LinkOutcome> {
    Ok(
        match store::find_email_token(&s.store.db, token.trim(), TokenPurpose::ResetPassword)
            .await?
        {
            Some(t) => link_state(&t, s.now()),
            None => LinkOutcome::Unknown,
        },
    )
}

/// Sets a new password from a reset link, signs the account out everywhere, revokes its
/// personal access tokens, and (since the person proved they read the mail) confirms the
/// address.
#[tracing::instrument(skip_all)]
pub async fn reset_password(s: &App, token: &str, password: &str) -> AppResult<LinkOutcome> {
    let now = s.now();
    let Some(t) =
        store::find_email_token(&s.store.db, token.trim(), TokenPurpose::ResetPassword).await?
    else {
        return Ok(LinkOutcome::Unknown);
    };
    let state = link_state(&t, now);
    if state != LinkOutcome::Done {
        return Ok(state);
    }
    let user = store::user_by_id(&s.store.db, t.user_id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let email = Email::parse("email", &user.email).ok();
    let new = NewPassword::parse("password", password, email.as_ref())?;
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let tx = s.store.begin().await?;
    if !store::consume_email_token(&tx, t.id, now).await? {
        return Ok(LinkOutcome::AlreadyUsed);
    }
    store::set_password(&tx, user.id, &hash, now).await?;
    store::set_email_verified(&tx, user.id, now).await?;
    store::delete_sessions_of(&tx, user.id).await?;
    store::revoke_api_tokens_of(&tx, user.id, now).await?;
    crate::letters::queue(
        s,
        &tx,
        &mail::password_changed(&s.config.site, &user.email, &user.name),
    )
    .await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.password_changed",
            "user",
            Some(user.id),
            "password reset by emailed link",
        )
        .by(Some(user.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(LinkOutcome::Done)
}

/// A signed-in person changes their password, giving the current one. Every session and
/// personal access token of the account ends (whoever else had them is out); the person gets
/// a new session here, returned, and a letter saying the password changed.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn change_password(
    s: &App,
    who: &crate::Actor,
    current: &str,
    new: &str,
) -> AppResult<NewSession> {
    let user = store::user_by_id(&s.store.db, who.id())
        .await?
        .ok_or(AppError::NotFound("account"))?;
    if current.is_empty() {
        return Err(Invalid::one("current_password", "Enter your current password").into());
    }
    let email = Email::parse("email", &user.email).ok();
    let new = NewPassword::parse("new_password", new, email.as_ref())?;
    if !passwords::verify(current.to_owned(), user.password_hash.clone()).await? {
        return Err(Invalid::one("current_password", "Your current password is not right").into());
    }
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let now = s.now();
    let tx = s.store.begin().await?;
    store::set_password(&tx, user.id, &hash, now).await?;
    store::delete_sessions_of(&tx, user.id).await?;
    store::revoke_api_tokens_of(&tx, user.id, now).await?;
    let session = store::create_session(&tx, user.id, now, account::session_lifetime()).await?;
    crate::letters::queue(
        s,
        &tx,
        &mail::password_changed(&s.config.site, &user.email, &user.name),
    )
    .await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.password_changed",
            "user",
            Some(user.id),
            "password changed by its owner",
        )
        .by(Some(user.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(session)
}

#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn update_profile(s: &App, user: &User, input: &ProfileInput) -> AppResult<Profile> {
    let profile = Profile::parse(input)?;
    let now = s.now();
    let tx = s.store.begin().await?;
    store::update_profile(&tx, user.id, &profile, now).await?;
    trellis_store::mentors::refresh_search_text_of(&tx, user.id, &user.name, &profile.name).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.profile_updated",
            "user",
            Some(user.id),
            "profile updated",
        )
        .by(Some(user.id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(profile)
}

/// The account a personal access token belongs to, if the token is valid now.
#[tracing::instrument(skip_all)]
pub async fn by_token(s: &App, token: &str) -> AppResult<Option<User>> {
    Ok(trellis_store::bearer::user(&s.store, token, s.now()).await?)
}

/// A browser session: who is signed in, the session's form token, and their unread count.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub unread: i64,
}

/// The session a cookie names, if it is still open and its account exists.
#[tracing::instrument(skip_all)]
pub async fn by_session(s: &App, cookie: &str) -> AppResult<Option<Session>> {
    let db = &s.store.db;
    let lifetime = account::session_lifetime();
    let Some(session) = store::find_session(db, cookie, s.now(), lifetime).await? else {
        return Ok(None);
    };
    let Some(user) = store::user_by_id(db, session.user_id).await? else {
        return Ok(None);
    };
    let unread = trellis_store::notifications::unread_count(db, user.id).await?;
    Ok(Some(Session {
        user,
        csrf_token: session.csrf_token,
        unread,
    }))
}

/// The person's own account as stored now.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn me(s: &App, who: &crate::Actor) -> AppResult<User> {
    store::user_by_id(&s.store.db, who.id())
        .await?
        .ok_or(AppError::NotFound("account"))
}

/// The person's personal access tokens.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn tokens(s: &App, who: &crate::Actor) -> AppResult<Vec<ApiToken>> {
    Ok(store::list_api_tokens(&s.store.db, who.id()).await?)
}

/// The account with this address, if any (for staff naming members by email).
#[tracing::instrument(skip_all)]
pub async fn by_email(s: &App, email: &Email) -> AppResult<Option<User>> {
    Ok(store::user_by_email(&s.store.db, email).await?)
}
