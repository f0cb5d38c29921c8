//! Register, verify, sign in and out, password reset, profile and tokens.

use super::{
    Chrome, FormPost, FormState, MessagePage, NoFields, PageError, PageResult, SignedIn, Visitor,
    ok, render,
};
use crate::auth::{self, ClientAddress};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::{CookieJar, Form};
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::accounts::ApiToken;
use trellis_app::accounts::{self as act, LinkOutcome};
use trellis_domain::profile::{CAREER_STAGES, CHANNELS, ProfileInput};

fn message(c: Chrome, title: &str, paragraphs: &[&str], link: Option<(&str, &str)>) -> MessagePage {
    MessagePage {
        c,
        title: title.into(),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
        link: link.map(|(h, t)| (h.to_owned(), t.to_owned())),
    }
}

/// A local path to return to after signing in; anything else goes home.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

// ---- Register ----

#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    c: Chrome,
    f: FormState,
}

pub async fn register_form(Visitor { c, .. }: Visitor) -> PageResult {
    Ok(ok(&RegisterPage {
        c: c.clone(),
        f: FormState::default(),
    }))
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn register(State(s): State<AppState>, Form(f): Form<RegisterForm>) -> PageResult {
    match act::register(&s, &f.name, &f.email, &f.password).await {
        Ok(u) => Ok(ok(&message(
            Chrome::signed_out(&s),
            "Check your email",
            &[
                &format!(
                    "We have sent a link to {} to confirm your email address.",
                    u.email
                ),
                "Open the link to finish registering. It works for 7 days.",
            ],
            Some(("/verify/resend", "Not received it? Send the link again")),
        ))),
        Err(e @ AppError::Invalid(_)) => {
            // The password is never sent back to the browser.
            let form = FormState::with(&[("name", &f.name), ("email", &f.email)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterPage {
                    c: Chrome::signed_out(&s),
                    f: form,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- Verify ----

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn verify(
    State(s): State<AppState>,
    Visitor { c, .. }: Visitor,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let outcome = act::verify_email(&s, &q.token).await?;
    let (status, page) = match outcome {
        LinkOutcome::Done => (
            StatusCode::OK,
            message(
                c,
                "Email address confirmed",
                &["Thank you: your email address is confirmed and you can now sign in."],
                Some(("/sign-in", "Sign in")),
            ),
        ),
        LinkOutcome::Expired => (
            StatusCode::GONE,
            message(
                c,
                "This link has expired",
                &["Confirmation links work for 7 days. Nothing was changed."],
                Some(("/verify/resend", "Send a new link")),
            ),
        ),
        LinkOutcome::AlreadyUsed => (
            StatusCode::GONE,
            message(
                c,
                "This link has already been used",
                &["Each link works once. If your address is confirmed, you can sign in."],
                Some(("/sign-in", "Sign in")),
            ),
        ),
        LinkOutcome::Unknown => (
            StatusCode::NOT_FOUND,
            message(
                c,
                "This link is not valid",
                &["Check that you copied the whole link from the email. Nothing was changed."],
                Some(("/verify/resend", "Send a new link")),
            ),
        ),
    };
    Ok(render(status, &page))
}

#[derive(Template)]
#[template(path = "email_only.html")]
pub struct EmailOnlyPage {
    c: Chrome,
    f: FormState,
    title: &'static str,
    intro: &'static str,
    action: &'static str,
    button: &'static str,
}

fn resend_page(c: Chrome, f: FormState) -> EmailOnlyPage {
    EmailOnlyPage {
        c,
        f,
        title: "Send the confirmation link again",
        intro: "Enter the email address you registered with. If it has an account that is not yet confirmed, we will send a new link.",
        action: "/verify/resend",
        button: "Send the link",
    }
}

pub async fn resend_form(Visitor { c, .. }: Visitor) -> PageResult {
    Ok(ok(&resend_page(c.clone(), FormState::default())))
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

pub async fn resend(State(s): State<AppState>, Form(f): Form<EmailForm>) -> PageResult {
    match act::resend_verification(&s, &f.email).await {
        Ok(()) => Ok(ok(&message(
            Chrome::signed_out(&s),
            "Check your email",
            &[
                "If that address has an account that is not yet confirmed, we have sent a new link to it.",
            ],
            None,
        ))),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &resend_page(
                Chrome::signed_out(&s),
                FormState::with(&[("email", &f.email)]).failed(&e),
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

// ---- Sign in / out ----

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    c: Chrome,
    f: FormState,
    next: String,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    notice: Option<String>,
}

pub async fn sign_in_form(Visitor { c, .. }: Visitor, Query(q): Query<NextQuery>) -> PageResult {
    let notice = match q.notice.as_deref() {
        Some("password-changed") => {
            Some("Your password has been changed. Sign in with your new password.")
        }
        Some("signed-out") => Some("You have signed out."),
        _ => None,
    };
    Ok(ok(&SignInPage {
        c: c.clone(),
        f: FormState::default(),
        next: safe_next(q.next.as_deref()),
        notice,
    }))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(s): State<AppState>,
    jar: CookieJar,
    ClientAddress(address): ClientAddress,
    Form(f): Form<SignInForm>,
) -> PageResult {
    match act::sign_in(&s, &f.email, &f.password, &address).await {
        Ok((_, session)) => {
            let jar = jar.add(auth::session_cookie(&s, session.token));
            Ok((jar, Redirect::to(&safe_next(f.next.as_deref()))).into_response())
        }
        Err(e)
            if matches!(
                e,
                AppError::Invalid(_) | AppError::TooManyRequests { .. } | AppError::Unconfirmed(_)
            ) =>
        {
            let status = crate::error::status_of(&e);
            let form = FormState::with(&[("email", &f.email)]).failed(&e);
            let page = SignInPage {
                c: Chrome::signed_out(&s),
                f: form,
                next: safe_next(f.next.as_deref()),
                notice: None,
            };
            Ok(crate::error::WebError::from(e).mark(render(status, &page)))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn sign_out(
    State(s): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    _: FormPost<NoFields>,
) -> PageResult {
    if let Some(token) = auth::session_cookie_value(&headers) {
        act::sign_out(&s, &token).await?;
    }
    Ok((
        jar.add(auth::clear_session_cookie(&s)),
        Redirect::to("/sign-in?notice=signed-out"),
    )
        .into_response())
}

// ---- Password reset ----

fn forgot_page(c: Chrome, f: FormState) -> EmailOnlyPage {
    EmailOnlyPage {
        c,
        f,
        title: "Reset your password",
        intro: "Enter your email address. If it has an account, we will send a link to choose a new password. The link works for 1 hour.",
        action: "/password/forgot",
        button: "Send the reset link",
    }
}

pub async fn forgot_form(Visitor { c, .. }: Visitor) -> PageResult {
    Ok(ok(&forgot_page(c.clone(), FormState::default())))
}

pub async fn forgot(State(s): State<AppState>, Form(f): Form<EmailForm>) -> PageResult {
    match act::request_password_reset(&s, &f.email).await {
        Ok(()) => Ok(ok(&message(
            Chrome::signed_out(&s),
            "Check your email",
            &[
                "If that address has an account, we have sent a link to reset the password. It works for 1 hour.",
            ],
            None,
        ))),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &forgot_page(
                Chrome::signed_out(&s),
                FormState::with(&[("email", &f.email)]).failed(&e),
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    c: Chrome,
    f: FormState,
    token: String,
}

fn link_problem(c: Chrome, outcome: LinkOutcome) -> PageResult {
    let (status, title, text) = match outcome {
        LinkOutcome::Expired => (
            StatusCode::GONE,
            "This link has expired",
            "Reset links work for 1 hour. Nothing was changed.",
        ),
        LinkOutcome::AlreadyUsed => (
            StatusCode::GONE,
            "This link has already been used",
            "Each link works once. Nothing was changed.",
        ),
        _ => (
            StatusCode::NOT_FOUND,
            "This link is not valid",
            "Check that you copied the whole link from the email. Nothing was changed.",
        ),
    };
    Ok(render(
        status,
        &message(
            c,
            title,
            &[text],
            Some(("/password/forgot", "Ask for a new link")),
        ),
    ))
}

pub async fn reset_form(
    State(s): State<AppState>,
    Visitor { c, .. }: Visitor,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    match act::check_reset_link(&s, &q.token).await? {
        LinkOutcome::Done => Ok(ok(&ResetPage {
            c,
            f: FormState::default(),
            token: q.token,
        })),
        other => link_problem(c, other),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset(State(s): State<AppState>, Form(f): Form<ResetForm>) -> PageResult {
    match act::reset_password(&s, &f.token, &f.password).await {
        Ok(LinkOutcome::Done) => {
            Ok(Redirect::to("/sign-in?notice=password-changed").into_response())
        }
        Ok(other) => link_problem(Chrome::signed_out(&s), other),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPage {
                c: Chrome::signed_out(&s),
                f: FormState::default().failed(&e),
                token: f.token,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

// ---- Changing the password ----

#[derive(Template)]
#[template(path = "password_change.html")]
pub struct PasswordChangePage {
    c: Chrome,
    f: FormState,
}

pub async fn password_change_form(SignedIn { c, .. }: SignedIn) -> PageResult {
    Ok(ok(&PasswordChangePage {
        c,
        f: FormState::default(),
    }))
}

#[derive(Deserialize)]
pub struct PasswordChangeForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Every session ends with the old password; this browser gets the new one's session.
pub async fn password_change(
    State(s): State<AppState>,
    jar: CookieJar,
    FormPost { me, c, form: f }: FormPost<PasswordChangeForm>,
) -> PageResult {
    match act::change_password(&s, &me, &f.current_password, &f.new_password).await {
        Ok(session) => {
            let jar = jar.add(auth::session_cookie(&s, session.token));
            Ok((jar, Redirect::to("/profile?password=changed")).into_response())
        }
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordChangePage {
                c,
                f: FormState::default().failed(&e),
            },
        )),
        Err(e) => Err(e.into()),
    }
}

// ---- Profile ----

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    c: Chrome,
    f: FormState,
    email: String,
    saved: bool,
    password_changed: bool,
    stages: &'static [(&'static str, &'static str)],
    channels: &'static [(&'static str, &'static str)],
}

fn profile_state(p: &ProfileInput) -> FormState {
    FormState::with(&[
        ("name", &p.name),
        ("pronouns", &p.pronouns),
        ("organisation", &p.organisation),
        ("title", &p.title),
        ("career_stage", &p.career_stage),
        ("location", &p.location),
        ("time_zone", &p.time_zone),
        ("languages", &p.languages),
        ("background", &p.background),
        ("interests", &p.interests),
        ("manager_email", &p.manager_email),
        ("channels", &p.channels.join("\n")),
    ])
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
    password: Option<String>,
}

pub async fn profile_form(SignedIn { me, c }: SignedIn, Query(q): Query<SavedQuery>) -> PageResult {
    let f = profile_state(&ProfileInput::from_profile(&me.user.profile()));
    let page = ProfilePage {
        c: c.clone(),
        f,
        email: me.user.email.clone(),
        saved: q.saved.is_some(),
        password_changed: q.password.is_some(),
        stages: &CAREER_STAGES,
        channels: &CHANNELS,
    };
    Ok(ok(&page))
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    pronouns: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    career_stage: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    languages: String,
    #[serde(default)]
    background: String,
    #[serde(default)]
    interests: String,
    #[serde(default)]
    channels: Vec<String>,
    #[serde(default)]
    manager_email: String,
}

impl ProfileForm {
    fn input(self) -> ProfileInput {
        ProfileInput {
            name: self.name,
            pronouns: self.pronouns,
            organisation: self.organisation,
            title: self.title,
            career_stage: self.career_stage,
            location: self.location,
            time_zone: self.time_zone,
            languages: self.languages,
            background: self.background,
            interests: self.interests,
            channels: self.channels,
            manager_email: self.manager_email,
        }
    }
}

pub async fn profile_save(
    State(s): State<AppState>,
    FormPost { me, c, form: f }: FormPost<ProfileForm>,
) -> PageResult {
    let input = f.input();
    match act::update_profile(&s, &me.user, &input).await {
        Ok(_) => Ok(Redirect::to("/profile?saved=1").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let page = ProfilePage {
                c: c.clone(),
                f: profile_state(&input).failed(&e),
                email: me.user.email.clone(),
                saved: false,
                password_changed: false,
                stages: &CAREER_STAGES,
                channels: &CHANNELS,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- Tokens ----

#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    c: Chrome,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    f: FormState,
}

pub async fn tokens(State(s): State<AppState>, SignedIn { me, c }: SignedIn) -> PageResult {
    let tokens = act::tokens(&s, &me).await?;
    Ok(ok(&TokensPage {
        c: c.clone(),
        tokens,
        new_token: None,
        f: FormState::default(),
    }))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn token_create(
    State(s): State<AppState>,
    FormPost { me, c, form: f }: FormPost<TokenForm>,
) -> PageResult {
    let result = act::create_token(&s, &me.user, &f.name).await;
    let tokens = act::tokens(&s, &me).await?;
    match result {
        Ok((_, token)) => Ok(ok(&TokensPage {
            c: c.clone(),
            tokens,
            new_token: Some(token),
            f: FormState::default(),
        })),
        Err(e @ AppError::Invalid(_)) => {
            let f = FormState::with(&[("name", &f.name)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &TokensPage {
                    c: c.clone(),
                    tokens,
                    new_token: None,
                    f,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn token_revoke(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    act::revoke_token(&s, &me.user, id).await?;
    Ok(Redirect::to("/tokens").into_response())
}

/// The member's own archive (see `actions::my_data`), from their profile page.
pub(super) async fn my_data(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
) -> PageResult {
    let v = trellis_app::my_data::export(&s, &me).await?;
    Ok(crate::api::my_data_download(v))
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    confirm: String,
}

/// The member erases their account from the profile page; the session ends with it.
pub(super) async fn erase_account(
    State(s): State<AppState>,
    jar: CookieJar,
    FormPost { me, form: f, .. }: FormPost<EraseForm>,
) -> PageResult {
    if f.confirm.trim() != "erase my account" {
        return Err(PageError::from(AppError::invalid(
            "confirm",
            "Type \"erase my account\" to confirm",
        )));
    }
    trellis_app::my_data::erase(&s, &me).await?;
    let page = MessagePage {
        c: Chrome::signed_out(&s),
        title: "Your account is erased".into(),
        paragraphs: vec![
            "Your account and your private entries are gone. Records others need, such as your partner's copy of what you wrote together, now carry a placeholder name.".into(),
        ],
        link: Some(("/".into(), "Home".into())),
    };
    Ok((jar.add(auth::clear_session_cookie(&s)), ok(&page)).into_response())
}
