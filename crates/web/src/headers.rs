//! The headers every answer carries so that a browser treats Trellis's pages as what they are:
//! no script at all (the pages need none), never framed by another site, no address sent to
//! other sites, no guessing at content types, and nothing personal kept in a cache.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;

/// What a page may load: its own stylesheet, forms posted back to Trellis, and nothing else:
/// no script, no plug-in, no framing by another site.
pub const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The email-text editor previews a letter's HTML in a sandboxed frame; a letter styles itself
/// inline (as mail clients require), so that page alone allows inline styles. Scripts stay off.
pub const LETTER_PREVIEW_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the headers to every answer of `router`. Each is set only when the answer has none of
/// its own: the stylesheet may be cached, the letter preview has its own policy.
pub fn apply<S: Clone + Send + Sync + 'static>(router: axum::Router<S>) -> axum::Router<S> {
    router
        .layer(if_absent(header::CONTENT_SECURITY_POLICY, PAGE_POLICY))
        .layer(if_absent(header::X_FRAME_OPTIONS, "DENY"))
        .layer(if_absent(header::REFERRER_POLICY, "same-origin"))
        .layer(if_absent(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(if_absent(header::CACHE_CONTROL, "no-store"))
}

fn if_absent(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Gives one answer its own content policy (see [`LETTER_PREVIEW_POLICY`]).
pub fn with_policy(mut r: Response, policy: &'static str) -> Response {
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    r
}
