//! The NUL character: no text in Trellis can hold it (PostgreSQL refuses it in text columns,
//! and no person types it), so a request carrying one is refused before any action runs, the
//! same on both databases: 400 for an address (`/programmes/a%00b`), 422 naming the field for
//! a query parameter, a form field or a JSON member. Uploaded files are read by their own
//! parsers, which refuse a NUL line by line.

use crate::error::{ApiError, WebError};
use crate::pages::PageError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const MESSAGE: &str = "contains a NUL character, which text cannot hold";

pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let answer = |e: WebError| {
        if api {
            ApiError(e).into_response()
        } else {
            PageError(e).into_response()
        }
    };
    if req.uri().path().contains("%00") {
        return answer(WebError::BadParameter {
            field: "path".into(),
            message: format!("The address {MESSAGE}."),
        });
    }
    if let Some(field) = req.uri().query().and_then(|q| in_form(q.as_bytes())) {
        return answer(refused(field));
    }
    let kind = body_kind(&req);
    if kind == Kind::Other {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
        return answer(WebError::Status {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "payload_too_large",
            message: format!(
                "The request is larger than the {} KiB allowed.",
                crate::BODY_LIMIT / 1024
            ),
        });
    };
    let field = match kind {
        Kind::Form => in_form(&bytes),
        Kind::Json => in_json(&bytes),
        Kind::Other => None,
    };
    if let Some(field) = field {
        return answer(refused(field));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refused(field: String) -> WebError {
    WebError::BadText {
        message: format!("{field}: {MESSAGE}"),
        field,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Form,
    Json,
    Other,
}

fn body_kind(req: &Request) -> Kind {
    let Some(ct) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return Kind::Other;
    };
    let essence = ct.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Kind::Form
    } else if essence.eq_ignore_ascii_case("application/json") {
        Kind::Json
    } else {
        Kind::Other
    }
}

/// The first form field (or query parameter) whose name or value holds a NUL.
fn in_form(encoded: &[u8]) -> Option<String> {
    if !encoded.contains(&0) && !encoded.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
        return None;
    }
    form_urlencoded::parse(encoded)
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
}

/// The JSON member (as `a.b[2]`) whose key or string value holds a NUL. A NUL can only reach
/// a JSON string escaped (`\u0000`); a raw one is not JSON, and the JSON reader refuses it.
fn in_json(body: &[u8]) -> Option<String> {
    if !body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    find_in_value(&value, "")
}

fn find_in_value(v: &serde_json::Value, at: &str) -> Option<String> {
    let name = |at: &str| {
        if at.is_empty() {
            "body".to_owned()
        } else {
            at.to_owned()
        }
    };
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(name(at)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| find_in_value(item, &format!("{}[{i}]", name(at)))),
        serde_json::Value::Object(members) => members.iter().find_map(|(k, item)| {
            let key = k.replace('\0', "");
            let path = if at.is_empty() {
                key
            } else {
                format!("{at}.{key}")
            };
            if k.contains('\0') {
                Some(path)
            } else {
                find_in_value(item, &path)
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_named() {
        assert_eq!(in_form(b"email=a%00b&password=x").as_deref(), Some("email"));
        assert_eq!(in_form(b"email=ab&name=%00").as_deref(), Some("name"));
        assert_eq!(in_form(b"email=ab&name=c"), None);
    }

    #[test]
    fn json_members_are_named_with_their_path() {
        assert_eq!(in_json(br#"{"name":"A\u0000B"}"#).as_deref(), Some("name"));
        assert_eq!(
            in_json(br#"{"profile":{"tags":["a","\u0000"]}}"#).as_deref(),
            Some("profile.tags[1]")
        );
        assert_eq!(in_json(br#""\u0000""#).as_deref(), Some("body"));
        assert_eq!(in_json(br#"{"name":"\\u0000 is fine"}"#), None);
    }
}
