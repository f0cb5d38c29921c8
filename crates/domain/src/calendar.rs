//! iCalendar (RFC 5545) for meetings: invitations sent with the email (METHOD:REQUEST, and
//! METHOD:CANCEL when called off; every change keeps the UID and raises SEQUENCE) and each
//! member's subscribable feed (METHOD:PUBLISH).
//!
//! The calendar carries when, how and a link to the meeting in Trellis, never the place or the
//! agenda: those are the members' words, read in Trellis (a calendar is synced to other
//! services).

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub sequence: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// When this version of the event was made.
    pub stamp: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub url: String,
    /// (name, email)
    pub organizer: (String, String),
    pub attendees: Vec<(String, String)>,
    pub cancelled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    Publish,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
            Self::Publish => "PUBLISH",
        }
    }
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// A parameter value, quoted when it holds a separator; quotes themselves are dropped.
fn param(s: &str) -> String {
    let s: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if s.contains([',', ';', ':']) {
        format!("\"{s}\"")
    } else {
        s
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Folds a content line at 75 octets (never inside a UTF-8 character) and ends it with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn event(e: &Event, method: Method, out: &mut String) {
    let mut lines = vec![
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", text(&e.uid)),
        format!("SEQUENCE:{}", e.sequence),
        format!("DTSTAMP:{}", time(e.stamp)),
        format!("DTSTART:{}", time(e.starts_at)),
        format!("DTEND:{}", time(e.ends_at)),
        format!("SUMMARY:{}", text(&e.summary)),
        format!("DESCRIPTION:{}", text(&e.description)),
        format!("URL:{}", e.url),
        format!(
            "STATUS:{}",
            if e.cancelled || method == Method::Cancel {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
        format!(
            "ORGANIZER;CN={}:mailto:{}",
            param(&e.organizer.0),
            e.organizer.1
        ),
    ];
    for (name, email) in &e.attendees {
        lines.push(format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{email}",
            param(name)
        ));
    }
    lines.push("END:VEVENT".into());
    for l in lines {
        fold(&l, out);
    }
}

/// A calendar object with the given events.
pub fn calendar(method: Method, name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".into(),
        "PRODID:-//Trellis//Mentoring//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{}", method.as_str()),
        format!("X-WR-CALNAME:{}", text(name)),
    ] {
        fold(&l, &mut out);
    }
    for e in events {
        event(e, method, &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

/// Unfolds and splits a calendar into (name with parameters, value) lines: for tests and for
/// reading invitations back.
pub fn content_lines(ics: &str) -> Vec<(String, String)> {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    unfolded
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            // The value starts after the first colon that is not inside a quoted parameter.
            let mut quoted = false;
            let at = l.char_indices().find(|(_, c)| {
                if *c == '"' {
                    quoted = !quoted;
                }
                *c == ':' && !quoted
            })?;
            Some((l[..at.0].to_owned(), l[at.0 + 1..].to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.to_utc())
            .expect("time")
    }

    fn ev() -> Event {
        Event {
            uid: "meeting-7@trellis.example.org".into(),
            sequence: 2,
            starts_at: t("2027-03-14T17:00:00Z"),
            ends_at: t("2027-03-14T18:30:00Z"),
            stamp: t("2027-03-01T09:00:00Z"),
            summary: "Mentoring: Mo Mentee, Ana Mentor".into(),
            description: "Video call.\nDetails in Trellis; bring notes; ok".into(),
            url: "https://trellis.example.org/relationships/3/meetings/7".into(),
            organizer: ("Ana Mentor, PhD".into(), "ana@example.org".into()),
            attendees: vec![
                ("Ana Mentor, PhD".into(), "ana@example.org".into()),
                ("Mo Mentee".into(), "mo@example.org".into()),
            ],
            cancelled: false,
        }
    }

    #[test]
    fn an_invitation_reads_back_with_its_times_uid_sequence_and_attendees() {
        let ics = calendar(Method::Request, "Trellis", &[ev()]);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "folded");
        let lines = content_lines(&ics);
        let get = |k: &str| lines.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("METHOD"), Some("REQUEST"));
        assert_eq!(get("UID"), Some("meeting-7@trellis.example.org"));
        assert_eq!(get("SEQUENCE"), Some("2"));
        assert_eq!(get("DTSTART"), Some("20270314T170000Z"));
        assert_eq!(get("DTEND"), Some("20270314T183000Z"));
        assert_eq!(get("STATUS"), Some("CONFIRMED"));
        assert_eq!(
            get("DESCRIPTION"),
            Some("Video call.\\nDetails in Trellis\\; bring notes\\; ok")
        );
        assert_eq!(
            get("ORGANIZER;CN=\"Ana Mentor, PhD\""),
            Some("mailto:ana@example.org")
        );
        let attendees: Vec<&str> = lines
            .iter()
            .filter(|(n, _)| n.starts_with("ATTENDEE"))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(
            attendees,
            vec!["mailto:ana@example.org", "mailto:mo@example.org"]
        );
    }

    #[test]
    fn a_cancellation_keeps_the_uid_and_says_cancelled() {
        let mut e = ev();
        e.sequence = 3;
        let lines = content_lines(&calendar(Method::Cancel, "Trellis", &[e]));
        assert!(lines.contains(&("METHOD".into(), "CANCEL".into())));
        assert!(lines.contains(&("STATUS".into(), "CANCELLED".into())));
        assert!(lines.contains(&("UID".into(), "meeting-7@trellis.example.org".into())));
        assert!(lines.contains(&("SEQUENCE".into(), "3".into())));
    }

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let mut e = ev();
        e.summary = "Mentoring: Zoë Ångström and Łukasz Ørsted ".repeat(5);
        let ics = calendar(Method::Publish, "Trellis", &[e.clone()]);
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let lines = content_lines(&ics);
        assert!(lines.contains(&("SUMMARY".into(), e.summary.clone())));
    }
}
