//! What page handlers take: who is asking with the page's header ([`Visitor`], [`SignedIn`]),
//! and signed-in form posts whose form token has been checked ([`FormPost`]), so that a
//! handler reads as "parse, call the action, render".

use super::{Chrome, PageError};
use crate::auth::{CurrentUser, constant_time_eq, resolve};
use crate::error::WebError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::de::DeserializeOwned;
use trellis_app::Actor;

/// Anyone: who is signed in, if anyone, and the page's header.
pub struct Visitor {
    pub me: Option<Actor>,
    pub c: Chrome,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let who = resolve(&parts.headers, s).await?;
        Ok(Self {
            c: Chrome::new(s, who.as_ref()),
            me: who.map(|u| u.actor),
        })
    }
}

/// A signed-in person and the page's header; signed-out visitors are sent to the sign-in page
/// and back.
pub struct SignedIn {
    pub me: Actor,
    pub c: Chrome,
}

impl Chrome {
    /// Checks the form token a form carried against the session's (for the forms that
    /// [`FormPost`] cannot read, such as file uploads).
    pub fn check_form_token(&self, submitted: &str) -> Result<(), WebError> {
        if !self.csrf.is_empty() && constant_time_eq(self.csrf.as_bytes(), submitted.as_bytes()) {
            Ok(())
        } else {
            Err(form_token_refused())
        }
    }
}

fn form_token_refused() -> WebError {
    WebError::Status {
        status: StatusCode::FORBIDDEN,
        code: "csrf",
        message: "This form has expired or did not come from Trellis. Go back, reload the page and try again.".into(),
    }
}

/// Why a signed-in page was not shown: the visitor must sign in, or the request failed.
pub enum NotSignedIn {
    SignIn(Redirect),
    Failed(PageError),
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn(r) => r.into_response(),
            Self::Failed(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = NotSignedIn;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        match resolve(&parts.headers, s).await {
            Ok(Some(u)) => Ok(Self::from(s, u)),
            Ok(None) => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                Err(NotSignedIn::SignIn(Redirect::to(&format!("/sign-in?{q}"))))
            }
            Err(e) => Err(NotSignedIn::Failed(e.into())),
        }
    }
}

impl SignedIn {
    fn from(s: &AppState, u: CurrentUser) -> Self {
        Self {
            c: Chrome::new(s, Some(&u)),
            me: u.actor,
        }
    }
}

/// A signed-in form post (`application/x-www-form-urlencoded`) whose form token matched the
/// session's: who, the page's header, and the form's other fields.
pub struct FormPost<T> {
    pub me: Actor,
    pub c: Chrome,
    pub form: T,
}

/// A form with no fields but its token (sign out, join, withdraw …).
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for FormPost<T> {
    type Rejection = NotSignedIn;
    async fn from_request(req: Request, s: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let SignedIn { me, c } = SignedIn::from_request_parts(&mut parts, s).await?;
        let failed = |e: WebError| NotSignedIn::Failed(e.into());
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), s)
            .await
            .map_err(|e| failed(WebError::BadRequest(e.body_text())))?;
        let token = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        c.check_form_token(&token).map_err(failed)?;
        let Form(form) = Form::<T>::from_request(Request::from_parts(parts, Body::from(bytes)), s)
            .await
            .map_err(|e| {
                failed(WebError::Status {
                    status: e.status(),
                    code: "bad_request",
                    message: e.body_text(),
                })
            })?;
        Ok(Self { me, c, form })
    }
}
