//! The relationship workspace [001, 002, 004]: who is in a relationship, the four phases of
//! guide 002 and what moving between them needs, and the Mentoring Relationship Agreement with
//! its versions and signatures.

use crate::error::{FieldError, Invalid, optional_text, required_text};
use crate::programme::Model;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

mod agreement;

pub use agreement::*;

/// A member's place in a relationship [002]: traditional and group relationships have mentors
/// and mentees; a peer circle has peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Mentor,
    Mentee,
    Peer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mentor => "mentor",
            Self::Mentee => "mentee",
            Self::Peer => "peer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mentor" => Some(Self::Mentor),
            "mentee" => Some(Self::Mentee),
            "peer" => Some(Self::Peer),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for Role {
    const ALL: &'static [Self] = &[Self::Mentor, Self::Mentee, Self::Peer];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// Checks who a relationship is made of, for its model [002]: traditional, one mentee with one
/// mentor or a team of up to five; group, one or more mentors with two or more mentees; peer,
/// two or more peers. Everyone once.
pub fn check_members(model: Model, members: &[(i64, Role)]) -> Result<(), Invalid> {
    let count = |r: Role| members.iter().filter(|(_, x)| *x == r).count();
    let (mentors, mentees, peers) = (count(Role::Mentor), count(Role::Mentee), count(Role::Peer));
    let dup = (1..members.len()).any(|i| members[..i].iter().any(|(u, _)| *u == members[i].0));
    let problem = if dup {
        Some("Name each member once".to_owned())
    } else {
        match model {
            Model::Traditional if mentees != 1 || peers > 0 => {
                Some("A traditional relationship has exactly one mentee, and mentors".into())
            }
            Model::Traditional if !(1..=5).contains(&mentors) => {
                Some("A traditional relationship has one mentor or a team of up to five".into())
            }
            Model::Group if mentors == 0 || mentees < 2 || peers > 0 => {
                Some("A group has at least one mentor and at least two mentees".into())
            }
            Model::Peer if peers < 2 || mentors + mentees > 0 => {
                Some("A peer circle has at least two peers, and no mentors or mentees".into())
            }
            Model::Traditional | Model::Group | Model::Peer => None,
        }
    };
    match problem {
        Some(m) => Err(Invalid::one("members", m)),
        None => Ok(()),
    }
}

/// The phases of a mentoring relationship [002], and closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Preparing,
    Negotiating,
    Enabling,
    Closing,
    Closed,
}

impl Phase {
    pub const ALL: [Phase; 5] = [
        Self::Preparing,
        Self::Negotiating,
        Self::Enabling,
        Self::Closing,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preparing => "preparing",
            Self::Negotiating => "negotiating",
            Self::Enabling => "enabling",
            Self::Closing => "closing",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Preparing => "Preparing",
            Self::Negotiating => "Negotiating",
            Self::Enabling => "Enabling",
            Self::Closing => "Closing",
            Self::Closed => "Closed",
        }
    }

    /// What this phase is for, in the words of guide 002.
    pub fn guidance(self) -> &'static str {
        match self {
            Self::Preparing => {
                "Get ready and get to know each other: read each other's profile, the mentee's goals and SWOT, and plan the first meeting (60 to 90 minutes, at a time when neither of you will be interrupted)."
            }
            Self::Negotiating => {
                "Agree how you will work together: write the Mentoring Relationship Agreement and the development plan, and both sign the agreement. You move on to enabling once every member has signed it."
            }
            Self::Enabling => {
                "The work itself: meet, keep the log of what you do, review progress against the plan and give each other feedback."
            }
            Self::Closing => {
                "Bring the relationship to a good end: reflect on what was accomplished, complete the final evaluation, and perhaps write a thank-you note. The mentee may seek another mentor for new goals."
            }
            Self::Closed => "This relationship has ended. What you wrote stays readable to you.",
        }
    }

    /// The phases a member may move the relationship to from this one: the next one, and back
    /// from enabling to negotiating (to change the agreement). Closed is final.
    pub fn moves(self) -> &'static [Phase] {
        match self {
            Self::Preparing => &[Self::Negotiating],
            Self::Negotiating => &[Self::Enabling],
            Self::Enabling => &[Self::Closing, Self::Negotiating],
            Self::Closing => &[Self::Closed, Self::Enabling],
            Self::Closed => &[],
        }
    }
}

impl crate::names::Named for Phase {
    const ALL: &'static [Self] = &Self::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a phase move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefused {
    /// Not a move the phase allows.
    NotAllowed {
        from: Phase,
        to: Phase,
    },
    /// Enabling needs the latest agreement signed by every current member.
    Unsigned {
        missing: Vec<String>,
    },
    NoAgreement,
}

impl fmt::Display for MoveRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAllowed { from, to } => write!(
                f,
                "A relationship that is {} cannot move to {}.",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
            Self::NoAgreement => f.write_str(
                "Write the Mentoring Relationship Agreement and have every member sign it before moving on to enabling.",
            ),
            Self::Unsigned { missing } => write!(
                f,
                "Every member must sign the latest agreement before moving on to enabling; still to sign: {}.",
                missing.join(", ")
            ),
        }
    }
}

/// Where the latest agreement stands, for a phase move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementState {
    /// Current members (user id, name) who have not signed the latest version.
    pub unsigned: Vec<(i64, String)>,
    pub exists: bool,
}

/// Checks a phase move.
pub fn check_move(from: Phase, to: Phase, agreement: &AgreementState) -> Result<(), MoveRefused> {
    if !from.moves().contains(&to) {
        return Err(MoveRefused::NotAllowed { from, to });
    }
    if to == Phase::Enabling && from == Phase::Negotiating {
        if !agreement.exists {
            return Err(MoveRefused::NoAgreement);
        }
        if !agreement.unsigned.is_empty() {
            return Err(MoveRefused::Unsigned {
                missing: agreement.unsigned.iter().map(|(_, n)| n.clone()).collect(),
            });
        }
    }
    Ok(())
}

/// An entry of the Mentoring Log [001]: a dated activity with notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub on: chrono::NaiveDate,
    pub activity: String,
    pub notes: String,
}

/// What a log form carries.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LogInput {
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub activity: String,
    #[serde(default)]
    pub notes: String,
}

impl LogEntry {
    /// Checks a log entry; it may not be dated after `today` (a log records what happened).
    pub fn parse(input: &LogInput, today: chrono::NaiveDate) -> Result<LogEntry, Invalid> {
        let mut inv = Invalid::default();
        let on = match chrono::NaiveDate::parse_from_str(input.on.trim(), "%Y-%m-%d") {
            Ok(d) if d > today => {
                inv.push(FieldError::new(
                    "on",
                    "The date cannot be in the future: the log records what happened",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                inv.push(FieldError::new(
                    "on",
                    "Enter the date as YYYY-MM-DD, for example 2027-03-14",
                ));
                None
            }
        };
        let activity = inv.check(required_text("activity", &input.activity, 300));
        let notes = inv
            .check(optional_text("notes", &input.notes, 8000))
            .flatten()
            .unwrap_or_default();
        inv.into_result()?;
        match (on, activity) {
            (Some(on), Some(activity)) => Ok(LogEntry {
                on,
                activity,
                notes,
            }),
            _ => Err(Invalid::one("on", "Enter the date")),
        }
    }
}

/// Whether someone who was a member from `joined` until `left` (still a member when `None`)
/// may read something written at `at`: current members read everything; former members read
/// what was written while they were members.
pub fn may_read(joined: DateTime<Utc>, left: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    match left {
        None => true,
        Some(left) => at >= joined && at <= left,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> AgreementState {
        AgreementState {
            unsigned: vec![],
            exists: true,
        }
    }

    #[test]
    fn phases_move_forward_one_step_and_back_from_enabling() {
        assert!(check_move(Phase::Preparing, Phase::Negotiating, &signed()).is_ok());
        assert_eq!(
            check_move(Phase::Preparing, Phase::Enabling, &signed()),
            Err(MoveRefused::NotAllowed {
                from: Phase::Preparing,
                to: Phase::Enabling
            })
        );
        assert!(check_move(Phase::Enabling, Phase::Negotiating, &signed()).is_ok());
        assert!(check_move(Phase::Enabling, Phase::Closing, &signed()).is_ok());
        assert!(check_move(Phase::Closing, Phase::Closed, &signed()).is_ok());
        assert!(Phase::Closed.moves().is_empty());
        assert!(check_move(Phase::Closed, Phase::Enabling, &signed()).is_err());
    }

    #[test]
    fn enabling_needs_the_latest_agreement_signed_by_everyone() {
        let none = AgreementState {
            unsigned: vec![],
            exists: false,
        };
        assert_eq!(
            check_move(Phase::Negotiating, Phase::Enabling, &none),
            Err(MoveRefused::NoAgreement)
        );
        let half = AgreementState {
            unsigned: vec![(2, "Ben Mentor".into())],
            exists: true,
        };
        let e = check_move(Phase::Negotiating, Phase::Enabling, &half).expect_err("unsigned");
        assert!(e.to_string().contains("Ben Mentor"));
        assert!(check_move(Phase::Negotiating, Phase::Enabling, &signed()).is_ok());
        // Going back to enabling from closing needs no new signatures.
        assert!(check_move(Phase::Closing, Phase::Enabling, &half).is_ok());
    }

    #[test]
    fn agreements_need_their_essential_fields_and_compare_by_field() {
        let e = Agreement::parse(&Agreement::default()).expect_err("empty");
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            vec![
                "goals",
                "meeting_schedule",
                "confidentiality",
                "ground_rules",
                "duration"
            ]
        );
        let a = Agreement {
            goals: "  Lead a simulation course  ".into(),
            meeting_schedule: "Monthly, one hour".into(),
            confidentiality: "Nothing leaves the room".into(),
            ground_rules: "Come prepared".into(),
            duration: "Twelve months".into(),
            ..Agreement::default()
        };
        let a = Agreement::parse(&a).expect("valid");
        assert_eq!(a.goals, "Lead a simulation course");
        let mut b = a.clone();
        b.duration = "Six months".into();
        b.channels = "Video".into();
        assert_eq!(
            a.compare(&b),
            vec![
                ("Duration", "Twelve months", "Six months"),
                ("Channels", "", "Video")
            ]
        );
        assert!(a.compare(&a).is_empty());
        let mut long = a.clone();
        long.ground_rules = "x".repeat(4001);
        assert_eq!(
            Agreement::parse(&long).expect_err("long").0[0].field,
            "ground_rules"
        );
    }

    #[test]
    fn signatures_are_on_the_latest_version_once_with_ones_own_name() {
        assert_eq!(
            check_signature(1, 2, false, "Mo Mentee", "Mo Mentee"),
            Err(SignRefused::NotLatest { latest: 2 })
        );
        assert_eq!(
            check_signature(2, 2, true, "Mo Mentee", "Mo Mentee"),
            Err(SignRefused::AlreadySigned)
        );
        assert_eq!(
            check_signature(2, 2, false, "Someone Else", "Mo Mentee"),
            Err(SignRefused::NameMismatch)
        );
        assert_eq!(
            check_signature(2, 2, false, "   ", "Mo Mentee"),
            Err(SignRefused::NameMismatch)
        );
        assert!(check_signature(2, 2, false, " mo  MENTEE ", "Mo Mentee").is_ok());
    }

    #[test]
    fn log_entries_are_dated_not_in_the_future() {
        let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 14).expect("date");
        let ok = LogEntry::parse(
            &LogInput {
                on: "2027-03-14".into(),
                activity: "First meeting".into(),
                notes: "Agreed ground rules".into(),
            },
            today,
        )
        .expect("valid");
        assert_eq!(ok.activity, "First meeting");
        let e = LogEntry::parse(
            &LogInput {
                on: "2027-03-15".into(),
                activity: String::new(),
                notes: String::new(),
            },
            today,
        )
        .expect_err("future and empty");
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["on", "activity"]);
        assert!(
            LogEntry::parse(
                &LogInput {
                    on: "14/03/2027".into(),
                    activity: "x".into(),
                    notes: String::new()
                },
                today
            )
            .is_err()
        );
    }

    #[test]
    fn members_fit_the_model() {
        use Role::{Mentee, Mentor, Peer};
        assert!(check_members(Model::Traditional, &[(1, Mentor), (2, Mentee)]).is_ok());
        assert!(
            check_members(Model::Traditional, &[(1, Mentor), (3, Mentor), (2, Mentee)]).is_ok(),
            "a team of mentors"
        );
        assert!(
            check_members(Model::Traditional, &[(1, Mentor), (2, Mentee), (3, Mentee)]).is_err()
        );
        assert!(check_members(Model::Traditional, &[(2, Mentee)]).is_err());
        assert!(check_members(Model::Group, &[(1, Mentor), (2, Mentee), (3, Mentee)]).is_ok());
        assert!(check_members(Model::Group, &[(1, Mentor), (2, Mentee)]).is_err());
        assert!(check_members(Model::Peer, &[(1, Peer), (2, Peer), (3, Peer)]).is_ok());
        assert!(check_members(Model::Peer, &[(1, Peer), (2, Mentee)]).is_err());
        let e = check_members(Model::Peer, &[(1, Peer), (1, Peer)]).expect_err("twice");
        assert_eq!(e.0[0].field, "members");
    }

    #[test]
    fn former_members_read_what_was_written_while_they_were_members() {
        let t = |d: i64| {
            DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z")
                .map(|x| x.to_utc())
                .expect("time")
                + chrono::Duration::days(d)
        };
        assert!(
            may_read(t(10), None, t(0)),
            "current members read everything"
        );
        assert!(may_read(t(10), Some(t(20)), t(15)));
        assert!(!may_read(t(10), Some(t(20)), t(25)));
        assert!(!may_read(t(10), Some(t(20)), t(5)));
    }
}
