//! Outgoing webhooks: the events an integration (an HR system, a chat tool) may subscribe to,
//! what each carries (ids and states, never what anyone wrote), and the signature a receiver
//! checks.
//!
//! Each delivery is a POST of a JSON body with the headers `Trellis-Event`, `Trellis-Delivery`
//! and `Trellis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
//! webhook's secret>`.

use crate::error::FieldError;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The events, with what each means.
pub const EVENTS: [(&str, &str); 6] = [
    (
        "application.decided",
        "A mentor application was approved or declined",
    ),
    (
        "request.offered",
        "A mentorship request was offered to a mentor",
    ),
    ("request.accepted", "A mentor accepted a request"),
    (
        "request.escalated",
        "A request went to the mentorship director",
    ),
    (
        "relationship.phase_changed",
        "A relationship moved to another phase",
    ),
    ("concern.opened", "A concern was reported"),
];

/// Checks a receiver's address: http or https, with a host.
pub fn check_url(raw: &str) -> Result<String, FieldError> {
    let u = url::Url::parse(raw.trim()).map_err(|_| {
        FieldError::new(
            "url",
            "Give the full address, such as https://hr.example.org/hooks/trellis",
        )
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return Err(FieldError::new(
            "url",
            "The address must start with https:// (or http://) and name a host",
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(FieldError::new(
            "url",
            "Put no user name or password in the address; check the signature instead",
        ));
    }
    Ok(u.to_string())
}

/// Checks the chosen events: at least one, each known; returns them in the order of [`EVENTS`].
pub fn check_events(chosen: &[String]) -> Result<Vec<&'static str>, FieldError> {
    if let Some(bad) = chosen.iter().find(|c| !EVENTS.iter().any(|(e, _)| e == c)) {
        return Err(FieldError::new(
            "events",
            format!("'{bad}' is not an event Trellis sends"),
        ));
    }
    let out: Vec<&'static str> = EVENTS
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| chosen.iter().any(|c| c == e))
        .collect();
    if out.is_empty() {
        return Err(FieldError::new("events", "Choose at least one event"));
    }
    Ok(out)
}

/// The `Trellis-Signature` header value for `body` sent at `timestamp` (unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| {
        // HMAC takes a key of any length; this cannot happen.
        unreachable!("HMAC accepts any key length")
    });
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// How a receiver checks a delivery: the signature matches and is at most `tolerance` seconds
/// old (against replays).
pub fn verify(secret: &str, header: &str, body: &str, now: i64, tolerance: i64) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    if (now - t).abs() > tolerance {
        return false;
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac.verify_slice(&v1).is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_and_body() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let sig = signature("Jefe", 1_700_000_000, "{\"a\":1}");
        assert!(sig.starts_with("t=1700000000,v1="));
        assert!(verify("Jefe", &sig, "{\"a\":1}", 1_700_000_100, 300));
        assert!(
            !verify("Jefe", &sig, "{\"a\":2}", 1_700_000_100, 300),
            "body changed"
        );
        assert!(
            !verify("other", &sig, "{\"a\":1}", 1_700_000_100, 300),
            "wrong secret"
        );
        assert!(
            !verify("Jefe", &sig, "{\"a\":1}", 1_700_001_000, 300),
            "too old"
        );
    }

    #[test]
    fn urls_and_events_are_checked() {
        assert_eq!(
            check_url(" https://hr.example.org/hook ").unwrap(),
            "https://hr.example.org/hook"
        );
        assert_eq!(check_url("ftp://x.org").unwrap_err().field, "url");
        assert_eq!(check_url("hr.example.org").unwrap_err().field, "url");
        assert!(check_url("https://u:p@x.org/").is_err());
        assert_eq!(
            check_events(&["concern.opened".into(), "request.offered".into()]).unwrap(),
            vec!["request.offered", "concern.opened"]
        );
        assert_eq!(check_events(&[]).unwrap_err().field, "events");
        assert!(
            check_events(&["request.deleted".into()])
                .unwrap_err()
                .message
                .contains("request.deleted")
        );
    }
}
