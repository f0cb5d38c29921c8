//! Concerns [000, 003]: "a concern about a mentor or mentee goes to the Director of Career
//! Groups, who replies within 7 days, and to the Chair or President when it is about that
//! director". Who handles a concern, never the person it is about, and the steps it goes
//! through, with the acknowledgement target and its escalation.

use crate::error::{FieldError, Invalid, required_text};
use crate::role::StaffRole;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a concern is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum About {
    /// A person in the programme.
    Person { user_id: i64 },
    /// A relationship of the programme.
    Relationship { relationship_id: i64 },
    /// The programme itself.
    Programme,
}

/// Who handles a concern, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub handlers: Vec<i64>,
    /// The concern went to the chair because it is about staff (or no officer could take it).
    pub to_chair: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// Nobody holds a role that may handle it (without being its subject).
    NoHandler,
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nobody in this programme can take this concern yet (no concerns officer or chair besides the person it is about). Please contact the society directly.")
    }
}

/// Routes a concern. `staff` are the programme's role holders; `subject` the person it is
/// about, if any; `about_staff` the reporter's own statement that it concerns staff.
///
/// To the concerns officer(s); to the chair when the subject is a concerns officer or the
/// mentorship director, when the reporter says it is about staff, or when no officer is left.
/// Never to the subject.
pub fn route(
    staff: &[(i64, StaffRole)],
    subject: Option<i64>,
    about_staff: bool,
) -> Result<Routing, RouteError> {
    let holders = |role: StaffRole| -> Vec<i64> {
        let mut v: Vec<i64> = staff
            .iter()
            .filter(|(u, r)| *r == role && Some(*u) != subject)
            .map(|(u, _)| *u)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let subject_is_staff = subject.is_some_and(|s| {
        staff
            .iter()
            .any(|(u, r)| *u == s && matches!(r, StaffRole::ConcernsOfficer | StaffRole::Director))
    });
    let officers = holders(StaffRole::ConcernsOfficer);
    let chairs = holders(StaffRole::Chair);
    let (handlers, to_chair) = if about_staff || subject_is_staff || officers.is_empty() {
        (chairs, true)
    } else {
        (officers, false)
    };
    if handlers.is_empty() {
        return Err(RouteError::NoHandler);
    }
    Ok(Routing { handlers, to_chair })
}

/// Where a concern stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Acknowledged,
    Investigating,
    Resolved,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Acknowledged => "acknowledged",
            Self::Investigating => "investigating",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Open,
            Self::Acknowledged,
            Self::Investigating,
            Self::Resolved,
            Self::Closed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn is_finished(self) -> bool {
        matches!(self, Self::Resolved | Self::Closed)
    }

    /// The steps a handler may take from here.
    pub fn moves(self) -> &'static [Status] {
        match self {
            Self::Open => &[Self::Acknowledged, Self::Closed],
            Self::Acknowledged => &[Self::Investigating, Self::Resolved, Self::Closed],
            Self::Investigating => &[Self::Resolved, Self::Closed],
            Self::Resolved | Self::Closed => &[],
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for Status {
    const ALL: &'static [Self] = &[
        Self::Open,
        Self::Acknowledged,
        Self::Investigating,
        Self::Resolved,
        Self::Closed,
    ];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// What a message in a concern's record is: a step (with the status it moved to, sent to the
/// reporter) or a handler's note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Step,
    Note,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Step => "step",
            Self::Note => "note",
        }
    }
}

impl std::fmt::Display for MessageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for MessageKind {
    const ALL: &'static [Self] = &[Self::Step, Self::Note];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefused {
    /// The concern is already at (or past) that step, e.g. acknowledged twice.
    AlreadyDone(Status),
    NotAllowed {
        from: Status,
        to: Status,
    },
}

impl fmt::Display for StepRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyDone(s) => write!(f, "This concern is already {}.", s.as_str()),
            Self::NotAllowed { from, to } => write!(
                f,
                "A concern that is {} cannot become {}.",
                from.as_str(),
                to.as_str()
            ),
        }
    }
}

/// Checks a handler's step; each step carries a message to the reporter.
pub fn step(from: Status, to: Status) -> Result<(), StepRefused> {
    if from.moves().contains(&to) {
        Ok(())
    } else if from == to || from.is_finished() || (from > to && to != Status::Closed) {
        Err(StepRefused::AlreadyDone(from))
    } else {
        Err(StepRefused::NotAllowed { from, to })
    }
}

impl PartialOrd for Status {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Status {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |s: &Status| match s {
            Status::Open => 0,
            Status::Acknowledged => 1,
            Status::Investigating => 2,
            Status::Resolved | Status::Closed => 3,
        };
        rank(self).cmp(&rank(other))
    }
}

/// When the handlers are reminded (two days before the target) and when an unacknowledged
/// concern escalates to the chair (at the target): day 5 and day 7 with the default 7.
pub fn ack_times(opened: DateTime<Utc>, target_days: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let target = opened + Duration::days(i64::from(target_days));
    let reminder = (target - Duration::days(2)).max(opened);
    (reminder, target)
}

/// What a report carries, unparsed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportInput {
    /// person, relationship or programme
    #[serde(default)]
    pub about: String,
    /// The person's user id, or the relationship's id.
    #[serde(default)]
    pub about_id: Option<i64>,
    #[serde(default)]
    pub what_happened: String,
    /// The reporter says it concerns a member of staff.
    #[serde(default)]
    pub about_staff: bool,
    /// Pause contact in the relationship until a handler lifts it.
    #[serde(default)]
    pub pause_contact: bool,
}

/// A checked report (who and what exist is checked against the programme by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub about: About,
    pub what_happened: String,
    pub about_staff: bool,
    pub pause_contact: bool,
}

impl Report {
    pub fn parse(input: &ReportInput) -> Result<Report, Invalid> {
        let mut inv = Invalid::default();
        let about = match (input.about.trim(), input.about_id) {
            ("person", Some(user_id)) => Some(About::Person { user_id }),
            ("relationship", Some(relationship_id)) => {
                Some(About::Relationship { relationship_id })
            }
            ("programme", _) => Some(About::Programme),
            ("person" | "relationship", None) => {
                inv.push(FieldError::new(
                    "about_id",
                    "Say who or which relationship it is about",
                ));
                None
            }
            _ => {
                inv.push(FieldError::new(
                    "about",
                    "Choose a person, a relationship or the programme",
                ));
                None
            }
        };
        let what = inv.check(required_text("what_happened", &input.what_happened, 8000));
        if input.pause_contact
            && !matches!(about, Some(About::Relationship { .. }))
            && about.is_some()
        {
            inv.push(FieldError::new(
                "pause_contact",
                "Contact can be paused in a relationship: choose the relationship the concern is about",
            ));
        }
        inv.into_result()?;
        match (about, what) {
            (Some(about), Some(what_happened)) => Ok(Report {
                about,
                what_happened,
                about_staff: input.about_staff,
                pause_contact: input.pause_contact,
            }),
            _ => Err(Invalid::one("about", "Choose what the concern is about")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StaffRole::{Chair, ConcernsOfficer, Director, Office};

    const STAFF: [(i64, StaffRole); 5] = [
        (10, ConcernsOfficer),
        (11, ConcernsOfficer),
        (20, Director),
        (30, Chair),
        (40, Office),
    ];

    #[test]
    fn routing_table() {
        // About a mentor or a mentee: the concerns officers.
        assert_eq!(
            route(&STAFF, Some(1), false),
            Ok(Routing {
                handlers: vec![10, 11],
                to_chair: false
            })
        );
        // About a concerns officer: the chair, never that officer (nor the other officer).
        assert_eq!(
            route(&STAFF, Some(10), false),
            Ok(Routing {
                handlers: vec![30],
                to_chair: true
            })
        );
        // About the mentorship director: the chair.
        assert_eq!(
            route(&STAFF, Some(20), false),
            Ok(Routing {
                handlers: vec![30],
                to_chair: true
            })
        );
        // About the chair: the officers, never the chair.
        assert_eq!(
            route(&STAFF, Some(30), false),
            Ok(Routing {
                handlers: vec![10, 11],
                to_chair: false
            })
        );
        // The reporter says it is about staff (the office, say): the chair.
        assert_eq!(
            route(&STAFF, Some(40), true),
            Ok(Routing {
                handlers: vec![30],
                to_chair: true
            })
        );
        assert_eq!(
            route(&STAFF, None, true),
            Ok(Routing {
                handlers: vec![30],
                to_chair: true
            })
        );
        // No officer: the chair; nobody at all besides the subject: refused.
        assert_eq!(
            route(&[(30, Chair)], Some(1), false),
            Ok(Routing {
                handlers: vec![30],
                to_chair: true
            })
        );
        assert_eq!(
            route(&[(30, Chair)], Some(30), false),
            Err(RouteError::NoHandler)
        );
        assert_eq!(
            route(&[(10, ConcernsOfficer)], Some(10), false),
            Err(RouteError::NoHandler)
        );
        // A person holding two roles is routed by the most sensitive one.
        let both = [
            (10, ConcernsOfficer),
            (10, Chair),
            (12, ConcernsOfficer),
            (31, Chair),
        ];
        assert_eq!(
            route(&both, Some(10), false),
            Ok(Routing {
                handlers: vec![31],
                to_chair: true
            })
        );
    }

    #[test]
    fn steps_go_forward_and_never_twice() {
        assert!(step(Status::Open, Status::Acknowledged).is_ok());
        assert_eq!(
            step(Status::Acknowledged, Status::Acknowledged),
            Err(StepRefused::AlreadyDone(Status::Acknowledged))
        );
        assert!(step(Status::Acknowledged, Status::Investigating).is_ok());
        assert!(step(Status::Investigating, Status::Resolved).is_ok());
        assert_eq!(
            step(Status::Resolved, Status::Closed),
            Err(StepRefused::AlreadyDone(Status::Resolved))
        );
        assert_eq!(
            step(Status::Investigating, Status::Acknowledged),
            Err(StepRefused::AlreadyDone(Status::Investigating))
        );
        assert_eq!(
            step(Status::Open, Status::Investigating),
            Err(StepRefused::NotAllowed {
                from: Status::Open,
                to: Status::Investigating
            })
        );
        assert!(step(Status::Open, Status::Closed).is_ok());
    }

    #[test]
    fn the_acknowledgement_clock() {
        let t0 = DateTime::parse_from_rfc3339("2027-02-01T10:00:00Z")
            .map(|d| d.to_utc())
            .expect("time");
        let (reminder, escalate) = ack_times(t0, 7);
        assert_eq!(reminder, t0 + Duration::days(5));
        assert_eq!(escalate, t0 + Duration::days(7));
        assert_eq!(
            ack_times(t0, 1).0,
            t0,
            "never before the concern was opened"
        );
    }

    #[test]
    fn reports_say_what_happened_about_whom() {
        let e = Report::parse(&ReportInput::default()).expect_err("empty");
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["about", "what_happened"]);
        let e = Report::parse(&ReportInput {
            about: "person".into(),
            what_happened: "x".into(),
            ..ReportInput::default()
        })
        .expect_err("who");
        assert_eq!(e.0[0].field, "about_id");
        let e = Report::parse(&ReportInput {
            about: "programme".into(),
            what_happened: "Meetings were cancelled".into(),
            pause_contact: true,
            ..ReportInput::default()
        })
        .expect_err("pause needs a relationship");
        assert_eq!(e.0[0].field, "pause_contact");
        let ok = Report::parse(&ReportInput {
            about: "relationship".into(),
            about_id: Some(4),
            what_happened: "Inappropriate messages".into(),
            pause_contact: true,
            ..ReportInput::default()
        })
        .expect("valid");
        assert_eq!(ok.about, About::Relationship { relationship_id: 4 });
    }
}
