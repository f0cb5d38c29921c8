//! Meetings of a relationship [001, 003]: when (in the organiser's time zone, shown to each
//! member in their own), how long (60 to 90 minutes suggested), how (in person, phone, video),
//! where or which link, the agenda, and afterwards the outcomes.

use crate::error::{FieldError, Invalid, optional_text};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub const MODES: [(&str, &str); 3] = [
    ("in_person", "In person"),
    ("phone", "Phone"),
    ("video", "Video call"),
];

/// What a meeting form carries, unparsed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct MeetingInput {
    /// Local date and time, `YYYY-MM-DDTHH:MM`, in `time_zone`.
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    /// An IANA time zone such as `Europe/London`.
    #[serde(default)]
    pub time_zone: String,
    /// in_person, phone or video
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub agenda: String,
}

/// When and how: stored in clear (staff see dates; calendars need them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub mode: String,
}

/// What members write about a meeting: sealed at rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingText {
    pub place: String,
    pub agenda: String,
    #[serde(default)]
    pub outcomes: String,
}

fn local_time(
    field: &'static str,
    raw: &str,
    tz: Option<Tz>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    let raw = raw.trim();
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .ok_or_else(|| {
            FieldError::new(field, "Enter a date and time, for example 2027-03-14T18:00")
        })?;
    let Some(tz) = tz else { return Ok(None) };
    // A time skipped by a clock change does not exist; an ambiguous one takes the earlier.
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(|| {
            FieldError::new(
                field,
                "That time does not exist in this time zone (the clocks change then)",
            )
        })
}

pub fn parse_time_zone(raw: &str) -> Option<Tz> {
    raw.trim().parse::<Tz>().ok()
}

/// Checks a meeting: a known time zone, an end after the start, at most 8 hours, a mode.
pub fn parse(input: &MeetingInput) -> Result<(Schedule, MeetingText), Invalid> {
    let mut inv = Invalid::default();
    let tz = parse_time_zone(&input.time_zone);
    if tz.is_none() {
        inv.push(FieldError::new(
            "time_zone",
            "Choose a time zone such as Europe/London or America/Toronto",
        ));
    }
    let start = inv
        .check(local_time("starts_at", &input.starts_at, tz))
        .flatten();
    let end = inv
        .check(local_time("ends_at", &input.ends_at, tz))
        .flatten();
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            inv.push(FieldError::new(
                "ends_at",
                "The meeting must end after it starts",
            ));
        } else if e - s > chrono::Duration::hours(8) {
            inv.push(FieldError::new(
                "ends_at",
                "A meeting can last at most 8 hours",
            ));
        }
    }
    let mode = MODES
        .iter()
        .find(|(k, _)| *k == input.mode.trim())
        .map(|(k, _)| *k);
    if mode.is_none() {
        inv.push(FieldError::new(
            "mode",
            "Choose in person, phone or video call",
        ));
    }
    let place = inv
        .check(optional_text("place", &input.place, 500))
        .flatten();
    let agenda = inv
        .check(optional_text("agenda", &input.agenda, 4000))
        .flatten();
    inv.into_result()?;
    match (start, end, tz, mode) {
        (Some(starts_at), Some(ends_at), Some(tz), Some(mode)) => Ok((
            Schedule {
                starts_at,
                ends_at,
                time_zone: tz.name().to_owned(),
                mode: mode.to_owned(),
            },
            MeetingText {
                place: place.unwrap_or_default(),
                agenda: agenda.unwrap_or_default(),
                outcomes: String::new(),
            },
        )),
        _ => Err(Invalid::one("starts_at", "Enter the meeting's start")),
    }
}

/// A time as a member reads it, in their time zone (UTC when they have none or an unknown one):
/// "Tuesday 14 March 2027, 18:00 (Europe/London)".
pub fn shown_in(t: DateTime<Utc>, time_zone: Option<&str>) -> String {
    match time_zone.and_then(parse_time_zone) {
        Some(tz) => format!(
            "{} ({})",
            t.with_timezone(&tz).format("%A %-d %B %Y, %H:%M"),
            tz.name()
        ),
        None => format!("{} (UTC)", t.format("%A %-d %B %Y, %H:%M")),
    }
}

/// The form's value for a time in a zone: `YYYY-MM-DDTHH:MM`.
pub fn form_value(t: DateTime<Utc>, time_zone: &str) -> String {
    match parse_time_zone(time_zone) {
        Some(tz) => t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string(),
        None => t.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

pub fn mode_label(mode: &str) -> &'static str {
    MODES
        .iter()
        .find(|(k, _)| *k == mode)
        .map_or("", |(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(start: &str, end: &str, tz: &str) -> MeetingInput {
        MeetingInput {
            starts_at: start.into(),
            ends_at: end.into(),
            time_zone: tz.into(),
            mode: "video".into(),
            place: "https://meet.example.org/abc".into(),
            agenda: "Ground rules".into(),
        }
    }

    #[test]
    fn times_are_read_in_the_meetings_zone_and_kept_in_utc() {
        let (s, text) = parse(&input(
            "2027-03-14T18:00",
            "2027-03-14T19:30",
            "Europe/Stockholm",
        ))
        .expect("valid");
        assert_eq!(s.starts_at.to_rfc3339(), "2027-03-14T17:00:00+00:00");
        assert_eq!((s.ends_at - s.starts_at).num_minutes(), 90);
        assert_eq!(text.agenda, "Ground rules");
        // Each member reads it in their own zone.
        assert_eq!(
            shown_in(s.starts_at, Some("America/Toronto")),
            "Sunday 14 March 2027, 13:00 (America/Toronto)"
        );
        assert_eq!(
            shown_in(s.starts_at, None),
            "Sunday 14 March 2027, 17:00 (UTC)"
        );
        assert_eq!(
            form_value(s.starts_at, "Europe/Stockholm"),
            "2027-03-14T18:00"
        );
    }

    #[test]
    fn bad_meetings_are_refused_on_the_right_field() {
        let fields = |i: MeetingInput| {
            parse(&i)
                .expect_err("invalid")
                .0
                .iter()
                .map(|e| e.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(input(
                "2027-03-14T18:00",
                "2027-03-14T17:00",
                "Europe/London"
            )),
            vec!["ends_at"]
        );
        assert_eq!(
            fields(input(
                "2027-03-14T18:00",
                "2027-03-14T18:00",
                "Europe/London"
            )),
            vec!["ends_at"]
        );
        assert_eq!(
            fields(input(
                "2027-03-14T08:00",
                "2027-03-14T18:00",
                "Europe/London"
            )),
            vec!["ends_at"]
        );
        assert_eq!(
            fields(input(
                "2027-03-14T18:00",
                "2027-03-14T19:00",
                "Mars/Olympus"
            )),
            vec!["time_zone"]
        );
        assert_eq!(
            fields(input("next tuesday", "2027-03-14T19:00", "Europe/London")),
            vec!["starts_at"]
        );
        // 01:30 on 28 March 2027 does not exist in London (the clocks go forward at 01:00).
        assert_eq!(
            fields(input(
                "2027-03-28T01:30",
                "2027-03-28T03:00",
                "Europe/London"
            )),
            vec!["starts_at"]
        );
        let mut no_mode = input("2027-03-14T18:00", "2027-03-14T19:00", "Europe/London");
        no_mode.mode = "carrier pigeon".into();
        assert_eq!(fields(no_mode), vec!["mode"]);
    }
}
