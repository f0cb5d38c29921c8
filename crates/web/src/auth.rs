//! Who is asking: a session cookie (pages, and API calls from the browser) or a personal access
//! token (`Authorization: Bearer …`, API clients); the session cookie itself; and the
//! cross-site request test that, with SameSite cookies and per-session form tokens, protects
//! every form against CSRF. The extractors built on it are the pages' (`pages::extract`) and
//! the API's (`api::extract`).

use crate::error::WebError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, SameSite};
use trellis_app::Actor;
use trellis_app::accounts;
use trellis_domain::account::session_lifetime;

pub const SESSION_COOKIE: &str = "trellis_session";

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    /// The session's form token; `None` for bearer-token requests, which need none.
    pub csrf_token: Option<String>,
    /// Unread in-app notifications (counted for pages, which show it; 0 for bearer tokens).
    pub unread: i64,
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
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
pub async fn resolve(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<CurrentUser>, WebError> {
    if let Some(token) = bearer(headers) {
        let Some(user) = accounts::by_token(state, token).await? else {
            return Err(WebError::Unauthenticated);
        };
        return Ok(Some(CurrentUser {
            actor: Actor::new(user),
            csrf_token: None,
            unread: 0,
        }));
    }
    let Some(cookie) = session_cookie_value(headers) else {
        return Ok(None);
    };
    let Some(session) = accounts::by_session(state, &cookie).await? else {
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        actor: Actor::new(session.user),
        csrf_token: Some(session.csrf_token),
        unread: session.unread,
    }))
}

/// The network address the request came from, for sign-in throttling ("unknown" when the
/// server was started without connection info). Behind a trusted proxy it is the last address
/// in `X-Forwarded-For` that is not itself a trusted proxy.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|a| a.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .collect::<Vec<_>>();
        Ok(Self(
            visitor(peer, &forwarded, &state.trusted_proxies)
                .map_or_else(|| "unknown".to_owned(), |a| a.to_string()),
        ))
    }
}

/// Walks back from the peer through trusted proxies to the first address that is not one.
fn visitor(
    peer: Option<std::net::IpAddr>,
    forwarded: &[Option<std::net::IpAddr>],
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let mut at = peer?;
    for hop in forwarded.iter().rev() {
        if !trusted.contains(&at) {
            break;
        }
        // A proxy that passed on an unreadable address: it is the last one we can trust.
        let Some(hop) = hop else { break };
        at = *hop;
    }
    Some(at)
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

pub(crate) fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod address_tests {
    use super::visitor;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_visitor_is_named_only_by_trusted_proxies() {
        let proxy = ip("10.0.0.1");
        let forwarded = [Some(ip("203.0.113.9"))];
        // Nobody trusted: the header is ignored, the peer is the visitor.
        assert_eq!(visitor(Some(proxy), &forwarded, &[]), Some(proxy));
        // From the trusted proxy: the address it names.
        assert_eq!(
            visitor(Some(proxy), &forwarded, &[proxy]),
            Some(ip("203.0.113.9"))
        );
        // A visitor cannot pick an address by sending the header itself.
        let spoofed = [Some(ip("198.51.100.1")), Some(ip("203.0.113.9"))];
        assert_eq!(
            visitor(Some(proxy), &spoofed, &[proxy]),
            Some(ip("203.0.113.9"))
        );
        // A request straight from a stranger who sends the header: the stranger.
        assert_eq!(
            visitor(Some(ip("192.0.2.7")), &forwarded, &[proxy]),
            Some(ip("192.0.2.7"))
        );
        assert_eq!(visitor(None, &forwarded, &[proxy]), None);
    }
}
