use super::contract::{HashingLimit, SignInLimits};
use super::extract::ApiUser;
use super::json::{ApiJson, ApiPath, ErrorBody};
use crate::auth::ClientAddress;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use trellis_app::accounts as act;
use trellis_app::accounts::{ApiToken, User};
use trellis_app::programmes;
use trellis_domain::profile::{Profile, ProfileInput};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    name: String,
    email: String,
    /// At least 12 characters.
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct AccountOut {
    id: i64,
    email: String,
    name: String,
    email_verified: bool,
}

impl From<&User> for AccountOut {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            email_verified: u.is_verified(),
        }
    }
}

/// Register. A verification link is emailed; the account can sign in once it is followed.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = RegisterBody,
    responses((status = 201, body = AccountOut), (status = 422, description = "invalid field or email already registered", body = ErrorBody), HashingLimit))]
pub async fn register(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<RegisterBody>,
) -> ApiResult<(StatusCode, Json<AccountOut>)> {
    let user = act::register(&s, &b.name, &b.email, &b.password).await?;
    Ok((StatusCode::CREATED, Json(AccountOut::from(&user))))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    /// The token from the emailed link (`…/verify?token=…`).
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct StatusOut {
    status: &'static str,
}

/// Verify an email address with the token from the emailed link.
#[utoipa::path(post, path = "/accounts/verify", tag = "accounts", request_body = TokenBody,
    responses((status = 200, body = StatusOut), (status = 404, body = ErrorBody), (status = 410, description = "expired or already used", body = ErrorBody)))]
pub async fn verify(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<TokenBody>,
) -> ApiResult<Json<StatusOut>> {
    act::verify_email(&s, &b.token).await?.into_result()?;
    Ok(Json(StatusOut { status: "verified" }))
}

#[derive(Deserialize, ToSchema)]
pub struct EmailBody {
    email: String,
}

/// Send a new verification link (answers the same whether or not the address has an account).
#[utoipa::path(post, path = "/accounts/verify/resend", tag = "accounts", request_body = EmailBody,
    responses((status = 202, body = StatusOut), (status = 422, body = ErrorBody)))]
pub async fn resend_verification(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<EmailBody>,
) -> ApiResult<(StatusCode, Json<StatusOut>)> {
    act::resend_verification(&s, &b.email).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(StatusOut {
            status: "sent if the address has an unverified account",
        }),
    ))
}

/// Ask for a password reset link (answers the same whether or not the address has an account).
#[utoipa::path(post, path = "/accounts/password-reset", tag = "accounts", request_body = EmailBody,
    responses((status = 202, body = StatusOut), (status = 422, body = ErrorBody)))]
pub async fn request_reset(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<EmailBody>,
) -> ApiResult<(StatusCode, Json<StatusOut>)> {
    act::request_password_reset(&s, &b.email).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(StatusOut {
            status: "sent if the address has an account",
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    token: String,
    password: String,
}

/// Set a new password with the token from the emailed reset link. Signs out every session and
/// revokes every personal access token of the account.
#[utoipa::path(post, path = "/accounts/password-reset/confirm", tag = "accounts", request_body = ResetBody,
    responses((status = 200, body = StatusOut), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody), HashingLimit))]
pub async fn confirm_reset(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<ResetBody>,
) -> ApiResult<Json<StatusOut>> {
    act::reset_password(&s, &b.token, &b.password)
        .await?
        .into_result()?;
    Ok(Json(StatusOut {
        status: "password changed",
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChangeBody {
    current_password: String,
    new_password: String,
}

/// Change your password, giving the current one. Every session and personal access token of
/// the account ends, the one making this call included: create a new token afterwards.
#[utoipa::path(post, path = "/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordChangeBody,
    responses((status = 200, body = StatusOut), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), HashingLimit))]
pub async fn change_password(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<PasswordChangeBody>,
) -> ApiResult<Json<StatusOut>> {
    // The new session is for a browser; an API caller signs in again or makes a new token.
    act::change_password(&s, &me, &b.current_password, &b.new_password).await?;
    Ok(Json(StatusOut {
        status: "password changed",
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewTokenBody {
    email: String,
    password: String,
    /// A name to recognise the token by, e.g. "HR sync".
    #[serde(default)]
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenOut {
    id: i64,
    /// Shown once: store it now. Send it as `Authorization: Bearer <token>`.
    token: String,
}

/// Create a personal access token with your email and password.
#[utoipa::path(post, path = "/tokens", tag = "accounts", request_body = NewTokenBody,
    responses((status = 201, body = NewTokenOut), (status = 422, body = ErrorBody), (status = 403, description = "email not verified", body = ErrorBody), SignInLimits))]
pub async fn create_token(
    State(s): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(b): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<NewTokenOut>)> {
    let (id, token) =
        act::create_token_with_password(&s, &b.email, &b.password, &b.name, &address).await?;
    Ok((StatusCode::CREATED, Json(NewTokenOut { id, token })))
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    id: i64,
    name: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// Your live personal access tokens.
#[utoipa::path(get, path = "/tokens", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = [TokenOut]), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
) -> ApiResult<Json<Vec<TokenOut>>> {
    let tokens = act::tokens(&s, &me).await?;
    Ok(Json(tokens.into_iter().map(Into::into).collect()))
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    act::revoke_token(&s, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MembershipOut {
    slug: String,
    name: String,
    roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    id: i64,
    email: String,
    email_verified: bool,
    is_admin: bool,
    #[schema(value_type = Object)]
    profile: Profile,
    programmes: Vec<MembershipOut>,
}

async fn me_out(s: &AppState, user: &User) -> ApiResult<MeOut> {
    let mut programmes_out = Vec::new();
    let who = trellis_app::Actor::new(user.clone());
    for (p, st) in programmes::mine_with_standing(s, &who).await? {
        programmes_out.push(MembershipOut {
            slug: p.slug,
            name: p.name,
            roles: st.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        });
    }
    Ok(MeOut {
        id: user.id,
        email: user.email.clone(),
        email_verified: user.is_verified(),
        is_admin: user.is_admin,
        profile: user.profile(),
        programmes: programmes_out,
    })
}

/// Your account, profile and programmes.
#[utoipa::path(get, path = "/me", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = MeOut), (status = 401, body = ErrorBody)))]
pub async fn me(State(s): State<AppState>, ApiUser(me): ApiUser) -> ApiResult<Json<MeOut>> {
    Ok(Json(me_out(&s, &me.user).await?))
}

/// What concerns you now, most urgent first (the home page's content): offers waiting for your
/// reply, the concerns you handle, your work queues in figures, your relationships with their
/// next step, your open requests, and your programmes.
#[utoipa::path(get, path = "/me/home", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = trellis_app::home::Home), (status = 401, body = ErrorBody)))]
pub async fn home(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
) -> ApiResult<Json<trellis_app::home::Home>> {
    Ok(Json(trellis_app::home::home(&s, &me).await?))
}

/// Every relationship you are or were in, newest first ("My mentoring").
#[utoipa::path(get, path = "/me/relationships", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = [trellis_app::home::MyRelationship]), (status = 401, body = ErrorBody)))]
pub async fn my_relationships(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
) -> ApiResult<Json<Vec<trellis_app::home::MyRelationship>>> {
    Ok(Json(trellis_app::home::my_relationships(&s, &me).await?))
}

/// Profile fields to change; fields left out keep their value, `""` clears a text field.
#[derive(Deserialize, ToSchema, Default)]
pub struct ProfilePatch {
    name: Option<String>,
    pronouns: Option<String>,
    organisation: Option<String>,
    title: Option<String>,
    /// One of student, trainee, early_career, mid_career, senior, retired.
    career_stage: Option<String>,
    location: Option<String>,
    /// IANA name, e.g. Europe/London.
    time_zone: Option<String>,
    languages: Option<Vec<String>>,
    background: Option<String>,
    interests: Option<String>,
    /// Any of email, phone, video, in_person, chat, conferences.
    channels: Option<Vec<String>>,
    /// Your line manager's email address (matching rounds may keep you apart); "" clears it.
    manager_email: Option<String>,
}

/// Edit your profile.
#[utoipa::path(patch, path = "/me", tag = "accounts", security(("bearer" = [])), request_body = ProfilePatch,
    responses((status = 200, body = MeOut), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_me(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<ProfilePatch>,
) -> ApiResult<Json<MeOut>> {
    let mut input = ProfileInput::from_profile(&me.user.profile());
    let set = |slot: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *slot = v;
        }
    };
    set(&mut input.name, b.name);
    set(&mut input.pronouns, b.pronouns);
    set(&mut input.organisation, b.organisation);
    set(&mut input.title, b.title);
    set(&mut input.career_stage, b.career_stage);
    set(&mut input.location, b.location);
    set(&mut input.time_zone, b.time_zone);
    set(&mut input.languages, b.languages.map(|l| l.join(", ")));
    set(&mut input.background, b.background);
    set(&mut input.interests, b.interests);
    set(&mut input.manager_email, b.manager_email);
    if let Some(c) = b.channels {
        input.channels = c;
    }
    act::update_profile(&s, &me.user, &input).await?;
    let user = act::me(&s, &me).await?;
    Ok(Json(me_out(&s, &user).await?))
}

/// Everything Trellis holds about you, as one JSON archive: profile, memberships and roles,
/// mentor applications and listing, requests, your relationships with the workspace entries
/// you wrote, the concerns you reported, and your notifications.
#[utoipa::path(get, path = "/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, content_type = "application/json", body = Object), (status = 401, body = ErrorBody)))]
pub async fn export(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
) -> ApiResult<axum::response::Response> {
    Ok(my_data_download(
        trellis_app::my_data::export(&s, &me).await?,
    ))
}

/// The archive as a download.
pub fn my_data_download(v: serde_json::Value) -> axum::response::Response {
    crate::copies::download(
        serde_json::to_string_pretty(&v).unwrap_or_default(),
        "application/json",
        "my-trellis-data.json",
    )
}

#[derive(Deserialize, ToSchema)]
pub struct EraseBody {
    /// Must be `erase my account`.
    confirm: String,
}

/// Erase your account: it becomes a placeholder that cannot sign in; your private entries are
/// deleted; records others need keep a placeholder name. Held (409) while a matter that
/// involves you is open with the programme.
#[utoipa::path(post, path = "/me/erase", tag = "accounts", security(("bearer" = [])), request_body = EraseBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn erase(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<EraseBody>,
) -> ApiResult<StatusCode> {
    if b.confirm.trim() != "erase my account" {
        return Err(trellis_app::AppError::invalid(
            "confirm",
            "Type \"erase my account\" to confirm",
        )
        .into());
    }
    trellis_app::my_data::erase(&s, &me).await?;
    Ok(StatusCode::NO_CONTENT)
}
