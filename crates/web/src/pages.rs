//! Server-rendered pages. Each form is shown again with what was typed and a message at each
//! bad field; every page works without JavaScript.

mod accounts;
mod admin;
mod concerns;
mod dashboard;
mod email_texts;
mod extract;
pub mod filters;
mod home;
mod matching;
mod mentoring;
mod programmes;
mod queues;
mod relationships;
mod requests;
mod webhooks;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
pub use extract::{FormPost, NoFields, SignedIn, Visitor};
use std::collections::HashMap;
use trellis_app::AppError;
use trellis_domain::Invalid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/my-mentoring", get(home::my_mentoring))
        .route(
            "/register",
            get(accounts::register_form).post(accounts::register),
        )
        .route("/verify", get(accounts::verify))
        .route(
            "/verify/resend",
            get(accounts::resend_form).post(accounts::resend),
        )
        .route(
            "/sign-in",
            get(accounts::sign_in_form).post(accounts::sign_in),
        )
        .route("/sign-out", post(accounts::sign_out))
        .route(
            "/password/forgot",
            get(accounts::forgot_form).post(accounts::forgot),
        )
        .route(
            "/password/reset",
            get(accounts::reset_form).post(accounts::reset),
        )
        .route(
            "/password/change",
            get(accounts::password_change_form).post(accounts::password_change),
        )
        .route(
            "/profile",
            get(accounts::profile_form).post(accounts::profile_save),
        )
        .route("/my-data.json", get(accounts::my_data))
        .route("/erase-account", post(accounts::erase_account))
        .route(
            "/tokens",
            get(accounts::tokens).post(accounts::token_create),
        )
        .route("/tokens/{id}/revoke", post(accounts::token_revoke))
        .route("/programmes/{slug}", get(programmes::show))
        .route("/programmes/{slug}/join", post(programmes::join))
        .merge(admin::routes())
        .merge(mentoring::routes())
        .merge(requests::routes())
        .merge(relationships::routes())
        .merge(concerns::routes())
        .merge(queues::routes())
        .merge(dashboard::routes())
        .merge(webhooks::routes())
        .merge(email_texts::routes())
        .merge(matching::routes())
}

/// The stylesheet, built into the binary so it runs from anywhere.
pub fn static_files() -> Router<AppState> {
    fn asset(body: &'static str, content_type: &'static str) -> Response {
        (
            [
                (axum::http::header::CONTENT_TYPE, content_type),
                (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            body,
        )
            .into_response()
    }
    Router::new().route(
        "/site.css",
        get(|| async {
            asset(
                include_str!("../static/site.css"),
                "text/css; charset=utf-8",
            )
        }),
    )
}

/// What every page's header needs: who is signed in and their form token (for sign-out).
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub user_name: Option<String>,
    pub is_admin: bool,
    pub csrf: String,
    pub site_name: String,
    /// Unread notifications, shown next to the link to the notification centre.
    pub unread: i64,
}

impl Chrome {
    pub fn new(s: &AppState, who: Option<&CurrentUser>) -> Self {
        Self {
            user_name: who.map(|u| u.actor.user.name.clone()),
            is_admin: who.is_some_and(|u| u.actor.user.is_admin),
            csrf: who.and_then(|u| u.csrf_token.clone()).unwrap_or_default(),
            site_name: s.config.site.name.clone(),
            unread: who.map_or(0, |u| u.unread),
        }
    }

    /// The header of a page for someone signed out (the sign-in and registration forms).
    pub fn signed_out(s: &AppState) -> Self {
        Self::new(s, None)
    }
}

/// A form's typed values and its errors, for re-showing it.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: Invalid,
}

impl FormState {
    pub fn with(pairs: &[(&str, &str)]) -> Self {
        Self {
            values: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            errors: Invalid::default(),
        }
    }

    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn checked(&self, name: &str, value: &str) -> bool {
        self.values
            .get(name)
            .is_some_and(|v| v.split('\n').any(|x| x == value))
    }

    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.message_for(name)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn failed(mut self, e: &AppError) -> Self {
        self.errors = match e {
            AppError::Invalid(inv) => inv.clone(),
            other => Invalid::one("form", other.public_message()),
        };
        self
    }
}

/// Renders a template into a response with `status`.
pub fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>Something went wrong</h1>".to_owned()),
            )
                .into_response()
        }
    }
}

pub fn ok(t: &impl Template) -> Response {
    render(StatusCode::OK, t)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    title: String,
    message: String,
}

/// The 4xx/5xx page for an error, with the page's header.
pub fn error_page(e: &WebError, c: Chrome) -> Response {
    e.log();
    let title = match e.status() {
        StatusCode::NOT_FOUND => "Page not found".to_owned(),
        StatusCode::FORBIDDEN => "You cannot do this".to_owned(),
        StatusCode::UNAUTHORIZED => "Sign in first".to_owned(),
        StatusCode::GONE => "This link no longer works".to_owned(),
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts".to_owned(),
        s if s.is_server_error() => "Sorry, something went wrong".to_owned(),
        _ => "There is a problem".to_owned(),
    };
    let message = match e {
        WebError::App(AppError::NotFound(_)) => "If you typed the web address, check it is correct. If you followed a link, it may be out of date.".to_owned(),
        other => other.public_message(),
    };
    render(e.status(), &ErrorPage { c, title, message })
}

/// Page handlers return this: an error becomes the matching error page, with the header of
/// whoever is signed in (see [`render_errors`]).
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

/// An error a handler answered with, waiting for its page.
#[derive(Clone)]
struct Unrendered(std::sync::Arc<WebError>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut r = self.0.status().into_response();
        r.extensions_mut()
            .insert(Unrendered(std::sync::Arc::new(self.0)));
        r
    }
}

/// Renders the error pages handlers answered with: the header shows who is signed in, found
/// again from the session cookie (only for errors, so pages pay nothing for it).
pub async fn render_errors(
    axum::extract::State(s): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let cookie = req.headers().get(axum::http::header::COOKIE).cloned();
    let mut resp = next.run(req).await;
    let Some(Unrendered(e)) = resp.extensions_mut().remove::<Unrendered>() else {
        return resp;
    };
    let mut headers = axum::http::HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert(axum::http::header::COOKIE, cookie);
    }
    let who = crate::auth::resolve(&headers, &s).await.ok().flatten();
    e.mark(error_page(&e, Chrome::new(&s, who.as_ref())))
}

pub type PageResult = Result<Response, PageError>;

pub async fn not_found(uri: axum::http::Uri) -> Response {
    let e = WebError::from(AppError::NotFound("page"));
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError(e).into_response();
    }
    PageError(e).into_response()
}

/// A simple page with a heading and a message, e.g. "Check your email".
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub c: Chrome,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}
