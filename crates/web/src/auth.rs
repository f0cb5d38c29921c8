//! Who is asking: a session cookie (pages, and API calls from the browser) or a personal access
//! token (`Authorization: Bearer …`, API clients). Also the cross-site request check that,
//! with SameSite cookies and per-session form tokens, protects every form against CSRF.

use crate::error::{ApiError, WebError};
use crate::state::AppState;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use trellis_app::accounts;
use trellis_app::programmes::{self, Programme};
use trellis_app::{Actor, AppError};
use trellis_domain::account::session_lifetime;
use trellis_domain::role::Standing;

pub const SESSION_COOKIE: &str = "trellis_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
}

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    /// The session's form token; `None` for bearer-token requests, which need none.
    pub csrf_token: Option<String>,
    pub via: Via,
    /// Unread in-app notifications (counted for pages, which show it; 0 for bearer tokens).
    pub unread: i64,
}

impl std::ops::Deref for CurrentUser {
    type Target = Actor;

    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl CurrentUser {
    /// Checks the token a signed-in form carried against the session's.
    pub fn check_form_token(&self, submitted: &str) -> Result<(), WebError> {
        match &self.csrf_token {
            Some(t) if constant_time_eq(t.as_bytes(), submitted.as_bytes()) => Ok(()),
            _ => Err(WebError::Status {
                status: StatusCode::FORBIDDEN,
                code: "csrf",
                message: "This form has expired or did not come from Trellis. Go back, reload the page and try again.".into(),
            }),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub fn session_cookie_value(headers: &HeaderMap) -> Option<String> {
    axum_extra::extract::CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

/// Resolves the person making the request, if any. A bearer token that is not valid is an
/// error (401), not an anonymous request, so clients notice a revoked token.
pub async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, WebError> {
    if let Some(token) = bearer(&parts.headers) {
        let Some(user) = accounts::by_token(state, token).await? else {
            return Err(WebError::Unauthenticated);
        };
        return Ok(Some(CurrentUser {
            actor: Actor::new(user),
            csrf_token: None,
            via: Via::Token,
            unread: 0,
        }));
    }
    let Some(cookie) = session_cookie_value(&parts.headers) else {
        return Ok(None);
    };
    let Some(session) = accounts::by_session(state, &cookie).await? else {
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        actor: Actor::new(session.user),
        csrf_token: Some(session.csrf_token),
        via: Via::Session,
        unread: session.unread,
    }))
}

/// Anyone: `MaybeUser(None)` when signed out.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match resolve(parts, state).await {
            Ok(u) => Ok(Self(u)),
            Err(e) => Err(crate::pages::error_page(&e, None)),
        }
    }
}

/// Anyone, for the API: a bad bearer token is still a 401.
pub struct MaybeUserApi(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUserApi {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(resolve(parts, state).await?))
    }
}

/// A signed-in person, for pages: signed-out visitors are sent to the sign-in page and back.
pub struct PageUser(pub CurrentUser);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match resolve(parts, state).await {
            Ok(Some(u)) => Ok(Self(u)),
            Ok(None) => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                Err(Redirect::to(&format!("/sign-in?{q}")).into_response())
            }
            Err(e) => Err(crate::pages::error_page(&e, None)),
        }
    }
}

/// A signed-in person, for the API: 401 otherwise.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match resolve(parts, state).await? {
            Some(u) => Ok(Self(u)),
            None => Err(ApiError(WebError::Unauthenticated)),
        }
    }
}

/// A signed-in person with the programme the path's `{slug}` names and what they are in it,
/// for API calls about one programme: 401 when signed out, 404 when there is no such
/// programme. With a bearer token all three come from one query (the mentor directory's hot
/// path); with a session, from the session's queries and one more.
pub struct ApiUserIn {
    pub me: CurrentUser,
    pub programme: Programme,
    pub standing: Standing,
}

impl FromRequestParts<AppState> for ApiUserIn {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::from(AppError::NotFound("programme")))?;
        let slug = params
            .iter()
            .find_map(|(k, v)| (k == "slug").then(|| v.to_owned()))
            .ok_or(AppError::NotFound("programme"))?;
        if let Some(token) = bearer(&parts.headers) {
            let found = programmes::find_for_token(state, &slug, token).await?;
            let Some((user, in_programme)) = found else {
                return Err(WebError::Unauthenticated.into());
            };
            let (programme, standing) = in_programme.ok_or(AppError::NotFound("programme"))?;
            return Ok(Self {
                me: CurrentUser {
                    actor: Actor::new(user),
                    csrf_token: None,
                    via: Via::Token,
                    unread: 0,
                },
                programme,
                standing,
            });
        }
        let ApiUser(me) = ApiUser::from_request_parts(parts, state).await?;
        let (programme, standing) = trellis_app::programmes::find_as(state, &slug, &me).await?;
        Ok(Self {
            me,
            programme,
            standing,
        })
    }
}

/// The network address the request came from, for sign-in throttling ("unknown" when the
/// server was started without connection info).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(Self(addr.map_or_else(
            || "unknown".to_owned(),
            |a| a.0.ip().to_string(),
        )))
    }
}

pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    let mut c = Cookie::new(SESSION_COOKIE, token);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(state.secure_cookies);
    c.set_path("/");
    c.set_max_age(time_from_chrono(session_lifetime()));
    c
}

pub fn clear_session_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = session_cookie(state, String::new());
    c.make_removal();
    c
}

fn time_from_chrono(d: chrono::Duration) -> cookie::time::Duration {
    cookie::time::Duration::seconds(d.num_seconds())
}

/// Refuses state-changing requests that a browser says come from another site: the
/// `Sec-Fetch-Site` header when present, else `Origin` compared with the request's host and
/// the public URL. Requests without either (API clients, curl) carry no ambient browser
/// credentials and pass; bearer-token requests always pass.
pub async fn reject_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method
        && bearer(req.headers()).is_none()
        && is_cross_site(req.headers(), &state.config.site.public_url)
    {
        let err = WebError::Status {
            status: StatusCode::FORBIDDEN,
            code: "cross_site",
            message: "Cross-site form submissions are not accepted.".into(),
        };
        return if req.uri().path().starts_with("/api/") {
            ApiError(err).into_response()
        } else {
            crate::pages::error_page(&err, None)
        };
    }
    next.run(req).await
}

fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
    let public = public_url.trim_end_matches('/');
    !(origin_host == host || origin == public)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header"));
        }
        h
    }

    #[test]
    fn cross_site_detection() {
        let public = "https://m.example.org";
        assert!(!is_cross_site(&headers(&[]), public));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            public
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            public
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "https://m.example.org"),
                ("host", "10.0.0.5:8080")
            ]),
            public
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:8080")
            ]),
            public
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), public));
    }

    #[test]
    fn form_tokens_compare_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
