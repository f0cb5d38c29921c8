//! iCalendar (RFC 5545) for meetings: invitations sent with the email (METHOD:REQUEST, and
//! METHOD:CANCEL when called off; every change keeps the UID and raises SEQUENCE) and each
//! member's subscribable feed (METHOD:PUBLISH).
//!
//! The calendar carries when, how and a link to the meeting in Trellis, never the place or the
//! agenda: those are the members' words, read in Trellis (a calendar is synced to other
//! services).

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

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
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
            Self::Publish => "PUBLISH",
        }
    }
}

/// A person as a calendar address with their name.
fn person(key: &str, (name, email): &(String, String)) -> Property {
    let mut p = Property::new(key, format!("mailto:{email}"));
    let name: String = name
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    p.add_parameter("CN", &name);
    p
}

fn vevent(e: &Event, method: Method) -> icalendar::Event {
    let cancelled = e.cancelled || method == Method::Cancel;
    let mut ev = icalendar::Event::new();
    ev.uid(&e.uid)
        .sequence(u32::try_from(e.sequence).unwrap_or(0))
        .timestamp(e.stamp)
        .starts(e.starts_at)
        .ends(e.ends_at)
        .summary(&e.summary)
        .description(&e.description)
        .url(&e.url)
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        })
        .append_property(person("ORGANIZER", &e.organizer));
    for a in &e.attendees {
        let mut p = person("ATTENDEE", a);
        p.add_parameter("ROLE", "REQ-PARTICIPANT")
            .add_parameter("PARTSTAT", "NEEDS-ACTION")
            .add_parameter("RSVP", "FALSE");
        ev.append_multi_property(p);
    }
    ev.done()
}

/// A calendar object with the given events, written by the `icalendar` crate (escaping,
/// quoting, folding at 75 octets and CRLF line ends as RFC 5545 says).
pub fn calendar(method: Method, name: &str, events: &[Event]) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Trellis//Mentoring//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()))
        .name(name);
    for e in events {
        cal.push(vevent(e, method));
    }
    cal.done().to_string()
}

/// Reads a calendar back (an invitation, a feed) with the `icalendar` crate's parser.
pub fn read(ics: &str) -> Result<Calendar, String> {
    ics.parse()
}

/// The METHOD of a calendar object (PUBLISH when it names none, or cannot be read).
pub fn method_of(ics: &str) -> String {
    read(ics)
        .ok()
        .and_then(|c| c.property_value("METHOD").map(str::to_owned))
        .unwrap_or_else(|| "PUBLISH".to_owned())
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

    /// The one event of a calendar, read back by the parser.
    fn read_one(ics: &str) -> (Calendar, icalendar::Event) {
        let cal = read(ics).expect("the calendar parses");
        let e = cal.events().next().expect("an event").clone();
        (cal, e)
    }

    #[test]
    fn an_invitation_reads_back_with_its_times_uid_sequence_and_attendees() {
        let ics = calendar(Method::Request, "Trellis", &[ev()]);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "folded");
        let (cal, e) = read_one(&ics);
        assert_eq!(cal.property_value("METHOD"), Some("REQUEST"));
        assert_eq!(
            cal.property_value("PRODID"),
            Some("-//Trellis//Mentoring//EN")
        );
        assert_eq!(cal.get_name(), Some("Trellis"));
        assert_eq!(e.get_uid(), Some("meeting-7@trellis.example.org"));
        assert_eq!(e.get_sequence(), Some(2));
        assert_eq!(e.get_timestamp(), Some(t("2027-03-01T09:00:00Z")));
        assert_eq!(e.get_start(), Some(t("2027-03-14T17:00:00Z").into()));
        assert_eq!(e.get_end(), Some(t("2027-03-14T18:30:00Z").into()));
        assert_eq!(e.get_status(), Some(EventStatus::Confirmed));
        assert_eq!(e.get_summary(), Some("Mentoring: Mo Mentee, Ana Mentor"));
        assert_eq!(
            e.get_description(),
            Some("Video call.\nDetails in Trellis; bring notes; ok"),
            "escaped on the way out, read back as written"
        );
        let organizer = &e.properties()["ORGANIZER"];
        assert_eq!(organizer.value(), "mailto:ana@example.org");
        assert_eq!(
            organizer.params().get("CN").map(|p| p.value()),
            Some("Ana Mentor, PhD")
        );
        let attendees: Vec<&str> = e.multi_properties()["ATTENDEE"]
            .iter()
            .map(|p| p.value())
            .collect();
        assert_eq!(
            attendees,
            vec!["mailto:ana@example.org", "mailto:mo@example.org"]
        );
        assert_eq!(method_of(&ics), "REQUEST");
    }

    #[test]
    fn a_cancellation_keeps_the_uid_and_says_cancelled() {
        let mut e = ev();
        e.sequence = 3;
        let ics = calendar(Method::Cancel, "Trellis", &[e]);
        let (cal, e) = read_one(&ics);
        assert_eq!(cal.property_value("METHOD"), Some("CANCEL"));
        assert_eq!(e.get_status(), Some(EventStatus::Cancelled));
        assert_eq!(e.get_uid(), Some("meeting-7@trellis.example.org"));
        assert_eq!(e.get_sequence(), Some(3));
    }

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let mut e = ev();
        e.summary = "Mentoring: Zoë Ångström and Łukasz Ørsted ".repeat(5);
        let ics = calendar(Method::Publish, "Trellis", &[e.clone()]);
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let (_, read) = read_one(&ics);
        assert_eq!(read.get_summary(), Some(e.summary.as_str()));
    }
}
