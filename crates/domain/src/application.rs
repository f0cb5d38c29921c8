//! Mentor applications [003]: "The Director responsible for mentorship will review your
//! application. They may ask for clarification of some points and when satisfied, ask the
//! office staff to add your name to the directory. We will aim to decide within four weeks."
//!
//! submitted → (clarification requested ⇄ resubmitted) → approved | declined; the applicant
//! may withdraw while it is open. Programmes that do not review mentors [000] approve on
//! submission.

use crate::error::{FieldError, Invalid, optional_text, required_text};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Submitted,
    ClarificationRequested,
    Resubmitted,
    Approved,
    Declined,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 6] = [
        Self::Submitted,
        Self::ClarificationRequested,
        Self::Resubmitted,
        Self::Approved,
        Self::Declined,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::ClarificationRequested => "clarification_requested",
            Self::Resubmitted => "resubmitted",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The state as the programme's staff read it in their queue.
    pub fn staff_label(self) -> &'static str {
        match self {
            Self::ClarificationRequested => "Waiting for the applicant's answer",
            Self::Resubmitted => "Answered, to review again",
            other => other.label(),
        }
    }

    /// The state as the applicant reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "Waiting for review",
            Self::ClarificationRequested => "The director has asked you a question",
            Self::Resubmitted => "Answered, waiting for review",
            Self::Approved => "Approved",
            Self::Declined => "Declined",
            Self::Withdrawn => "Withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Still being decided: the applicant cannot open another one.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::ClarificationRequested | Self::Resubmitted
        )
    }

    /// Waiting for the director (rather than for the applicant).
    pub fn awaits_director(self) -> bool {
        matches!(self, Self::Submitted | Self::Resubmitted)
    }
}

impl crate::names::Named for State {
    const ALL: &'static [Self] = &Self::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a director or applicant does to an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    RequestClarification { question: String },
    Resubmit,
    Approve,
    Decline { reason: String },
    Withdraw,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Self::RequestClarification { .. } => "clarify",
            Self::Resubmit => "resubmit",
            Self::Approve => "approve",
            Self::Decline { .. } => "decline",
            Self::Withdraw => "withdraw",
        }
    }
}

/// What follows from a transition, for the layers that send mail and list mentors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Tell the applicant the director's question.
    ClarificationRequested {
        question: String,
    },
    /// Tell the director(s) the applicant answered.
    Resubmitted,
    /// List the mentor and tell them.
    Approved,
    /// Tell the applicant, with the reason.
    Declined {
        reason: String,
    },
    Withdrawn,
}

/// A refused transition: the application is not in a state that allows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub from: State,
    pub action: &'static str,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.from {
            State::Approved | State::Declined | State::Withdrawn => {
                write!(
                    f,
                    "This application is already {}; it cannot be changed (tried to {}).",
                    self.from.as_str(),
                    self.action
                )
            }
            _ => write!(
                f,
                "An application that is {} cannot be sent to {}.",
                self.from.label().to_lowercase(),
                self.action
            ),
        }
    }
}

/// The one transition function: the new state and what follows, or why not.
pub fn transition(from: State, action: &Action) -> Result<(State, Event), Refused> {
    use State::*;
    let refused = || Refused {
        from,
        action: action.name(),
    };
    match (from, action) {
        (Submitted | Resubmitted, Action::RequestClarification { question }) => Ok((
            ClarificationRequested,
            Event::ClarificationRequested {
                question: question.clone(),
            },
        )),
        (ClarificationRequested, Action::Resubmit) => Ok((Resubmitted, Event::Resubmitted)),
        (Submitted | Resubmitted, Action::Approve) => Ok((Approved, Event::Approved)),
        (Submitted | Resubmitted | ClarificationRequested, Action::Decline { reason }) => Ok((
            Declined,
            Event::Declined {
                reason: reason.clone(),
            },
        )),
        (Submitted | Resubmitted | ClarificationRequested, Action::Withdraw) => {
            Ok((Withdrawn, Event::Withdrawn))
        }
        _ => Err(refused()),
    }
}

/// Where an open application stands against the decision target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    OnTrack,
    /// Within the last week before the target.
    Near,
    Overdue,
}

/// Days before the target when the director is reminded and the queue highlights it.
pub const NEAR_TARGET_DAYS: i64 = 7;

pub fn target_date(submitted_at: DateTime<Utc>, target_days: i32) -> DateTime<Utc> {
    submitted_at + Duration::days(i64::from(target_days))
}

pub fn target_status(
    submitted_at: DateTime<Utc>,
    target_days: i32,
    now: DateTime<Utc>,
) -> TargetStatus {
    let due = target_date(submitted_at, target_days);
    if now >= due {
        TargetStatus::Overdue
    } else if now >= due - Duration::days(NEAR_TARGET_DAYS) {
        TargetStatus::Near
    } else {
        TargetStatus::OnTrack
    }
}

/// When the director is reminded: a week before the target (at once if that has passed).
pub fn reminder_at(submitted_at: DateTime<Utc>, target_days: i32) -> DateTime<Utc> {
    let at = target_date(submitted_at, target_days) - Duration::days(NEAR_TARGET_DAYS);
    at.max(submitted_at)
}

pub const MIN_CAPACITY: i32 = 1;
pub const MAX_CAPACITY: i32 = 20;

/// What the application form carries, unparsed. Ids refer to the programme's taxonomies.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ApplicationInput {
    #[serde(default)]
    pub audiences: Vec<i64>,
    #[serde(default)]
    pub expertise: Vec<i64>,
    /// Free tags, comma-separated in forms.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub background: String,
    /// The programme's mentor course: completed on this date (YYYY-MM-DD).
    #[serde(default)]
    pub training_course_date: Option<String>,
    /// Or equivalent experience or training, described.
    #[serde(default)]
    pub training_equivalent: String,
    #[serde(default)]
    pub capacity: Option<i32>,
    #[serde(default)]
    pub hours_per_month: Option<i32>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// When the mentor can usually meet, e.g. "weekday evenings, UK time".
    #[serde(default)]
    pub availability: String,
}

/// A checked application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetails {
    pub audiences: Vec<i64>,
    pub expertise: Vec<i64>,
    pub tags: Vec<String>,
    pub background: String,
    pub training_course_date: Option<chrono::NaiveDate>,
    pub training_equivalent: Option<String>,
    pub capacity: i32,
    pub hours_per_month: i32,
    pub channels: Vec<String>,
    pub languages: Vec<String>,
    pub availability: Option<String>,
}

fn dedup<T: PartialEq + Clone>(v: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for x in v {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

impl ApplicationDetails {
    /// Checks the input against the programme's taxonomies (`audience_ids`, `expertise_ids`).
    pub fn parse(
        input: &ApplicationInput,
        audience_ids: &[i64],
        expertise_ids: &[i64],
    ) -> Result<Self, Invalid> {
        let mut inv = Invalid::default();
        let audiences = dedup(&input.audiences);
        if audiences.is_empty() {
            inv.push(FieldError::new(
                "audiences",
                "Choose at least one group you can mentor",
            ));
        } else if let Some(bad) = audiences.iter().find(|a| !audience_ids.contains(a)) {
            inv.push(FieldError::new(
                "audiences",
                format!("Unknown audience {bad} for this programme"),
            ));
        }
        let expertise = dedup(&input.expertise);
        if let Some(bad) = expertise.iter().find(|e| !expertise_ids.contains(e)) {
            inv.push(FieldError::new(
                "expertise",
                format!("Unknown expertise area {bad} for this programme"),
            ));
        }
        let mut tags = Vec::new();
        for t in input
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            if t.chars().count() > 40 {
                inv.push(FieldError::new(
                    "tags",
                    "Each tag must be 40 characters or fewer",
                ));
                break;
            }
            if !tags.iter().any(|x: &String| x.eq_ignore_ascii_case(t)) {
                tags.push(t.to_owned());
            }
        }
        if tags.len() > 20 {
            inv.push(FieldError::new("tags", "Use 20 tags or fewer"));
        }
        if expertise.is_empty() && tags.is_empty() && inv.message_for("expertise").is_none() {
            inv.push(FieldError::new(
                "expertise",
                "Choose at least one area of expertise, or add a tag",
            ));
        }
        let background = inv
            .check(required_text("background", &input.background, 8000))
            .unwrap_or_default();
        let training_course_date = match input
            .training_course_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            None => None,
            Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    inv.push(FieldError::new(
                        "training_course_date",
                        "Enter the date like 2025-03-14",
                    ));
                    None
                }
            },
        };
        let training_equivalent = inv
            .check(optional_text(
                "training_equivalent",
                &input.training_equivalent,
                4000,
            ))
            .flatten();
        if training_course_date.is_none()
            && training_equivalent.is_none()
            && inv.message_for("training_course_date").is_none()
        {
            inv.push(FieldError::new(
                "training_equivalent",
                "Give the date you completed the mentor training course, or describe equivalent experience or training",
            ));
        }
        let capacity = match input.capacity {
            Some(c) if (MIN_CAPACITY..=MAX_CAPACITY).contains(&c) => c,
            Some(_) => {
                inv.push(FieldError::new(
                    "capacity",
                    format!("Capacity must be from {MIN_CAPACITY} to {MAX_CAPACITY} mentees"),
                ));
                0
            }
            None => {
                inv.push(FieldError::new(
                    "capacity",
                    "Enter how many mentees you can take at once",
                ));
                0
            }
        };
        let hours_per_month = match input.hours_per_month {
            Some(h) if (1..=80).contains(&h) => h,
            _ => {
                inv.push(FieldError::new(
                    "hours_per_month",
                    "Enter the hours a month you can give, from 1 to 80",
                ));
                0
            }
        };
        let mut channels = Vec::new();
        for c in &input.channels {
            match crate::profile::CHANNELS.iter().find(|(k, _)| k == c) {
                Some((k, _)) if !channels.contains(&(*k).to_owned()) => {
                    channels.push((*k).to_owned())
                }
                Some(_) => {}
                None => {
                    inv.push(FieldError::new(
                        "channels",
                        format!("Unknown channel '{c}'"),
                    ));
                    break;
                }
            }
        }
        let languages: Vec<String> = dedup(
            &input
                .languages
                .iter()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>(),
        );
        if languages.is_empty() {
            inv.push(FieldError::new(
                "languages",
                "Give at least one language you can mentor in",
            ));
        } else if languages.iter().any(|l| l.chars().count() > 40) {
            inv.push(FieldError::new(
                "languages",
                "Each language must be 40 characters or fewer",
            ));
        }
        let availability = inv
            .check(optional_text("availability", &input.availability, 500))
            .flatten();
        inv.into_result().map(|()| Self {
            audiences,
            expertise,
            tags,
            background,
            training_course_date,
            training_equivalent,
            capacity,
            hours_per_month,
            channels,
            languages,
            availability,
        })
    }
}

/// A director's question or reason must say something.
pub fn parse_message(field: &'static str, raw: &str) -> Result<String, FieldError> {
    required_text(field, raw, 4000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::*;

    #[test]
    fn staff_read_the_state_in_their_own_voice() {
        assert_eq!(
            ClarificationRequested.label(),
            "The director has asked you a question"
        );
        assert_eq!(
            ClarificationRequested.staff_label(),
            "Waiting for the applicant's answer"
        );
        assert_eq!(Submitted.staff_label(), Submitted.label());
    }

    fn all_actions() -> Vec<Action> {
        vec![
            Action::RequestClarification {
                question: "Which course?".into(),
            },
            Action::Resubmit,
            Action::Approve,
            Action::Decline {
                reason: "Not a member".into(),
            },
            Action::Withdraw,
        ]
    }

    #[test]
    fn every_allowed_transition() {
        let q = Action::RequestClarification {
            question: "Which course?".into(),
        };
        assert_eq!(
            transition(Submitted, &q).map(|r| r.0),
            Ok(ClarificationRequested)
        );
        assert_eq!(
            transition(Resubmitted, &q).map(|r| r.0),
            Ok(ClarificationRequested)
        );
        assert_eq!(
            transition(ClarificationRequested, &Action::Resubmit),
            Ok((Resubmitted, Event::Resubmitted))
        );
        assert_eq!(
            transition(Submitted, &Action::Approve),
            Ok((Approved, Event::Approved))
        );
        assert_eq!(
            transition(Resubmitted, &Action::Approve),
            Ok((Approved, Event::Approved))
        );
        for from in [Submitted, Resubmitted, ClarificationRequested] {
            assert_eq!(
                transition(from, &Action::Decline { reason: "r".into() }).map(|r| r.0),
                Ok(Declined)
            );
            assert_eq!(
                transition(from, &Action::Withdraw).map(|r| r.0),
                Ok(Withdrawn)
            );
        }
    }

    #[test]
    fn every_refused_transition() {
        let allowed = |from: State, a: &Action| -> bool {
            matches!(
                (from, a),
                (
                    Submitted | Resubmitted,
                    Action::RequestClarification { .. } | Action::Approve
                ) | (ClarificationRequested, Action::Resubmit)
                    | (
                        Submitted | Resubmitted | ClarificationRequested,
                        Action::Decline { .. } | Action::Withdraw
                    )
            )
        };
        for from in State::ALL {
            for a in all_actions() {
                let r = transition(from, &a);
                assert_eq!(r.is_ok(), allowed(from, &a), "{from:?} {a:?}");
            }
        }
        // Approving while the director's question is unanswered is refused, as is deciding twice.
        let e = transition(ClarificationRequested, &Action::Approve).expect_err("refused");
        assert!(e.to_string().contains("cannot"), "{e}");
        let e = transition(Approved, &Action::Decline { reason: "x".into() }).expect_err("refused");
        assert!(e.to_string().contains("already approved"), "{e}");
    }

    #[test]
    fn target_and_reminder() {
        let t0 = DateTime::parse_from_rfc3339("2026-01-01T10:00:00Z")
            .map(|d| d.to_utc())
            .expect("time");
        assert_eq!(
            target_status(t0, 28, t0 + Duration::days(20)),
            TargetStatus::OnTrack
        );
        assert_eq!(
            target_status(t0, 28, t0 + Duration::days(21)),
            TargetStatus::Near
        );
        assert_eq!(
            target_status(t0, 28, t0 + Duration::days(28)),
            TargetStatus::Overdue
        );
        assert_eq!(reminder_at(t0, 28), t0 + Duration::days(21));
        assert_eq!(
            reminder_at(t0, 3),
            t0,
            "a target shorter than the reminder lead reminds at once"
        );
    }

    fn input() -> ApplicationInput {
        ApplicationInput {
            audiences: vec![1, 2, 1],
            expertise: vec![10],
            tags: vec!["OSCE".into(), " osce ".into(), "".into()],
            background: "Twenty years in assessment.".into(),
            training_course_date: Some("2025-03-14".into()),
            capacity: Some(2),
            hours_per_month: Some(4),
            channels: vec!["video".into()],
            languages: vec!["English".into(), " French ".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_good_application_parses() {
        let d = ApplicationDetails::parse(&input(), &[1, 2, 3], &[10, 11]).expect("valid");
        assert_eq!(d.audiences, [1, 2]);
        assert_eq!(d.tags, ["OSCE"]);
        assert_eq!(d.languages, ["English", "French"]);
        assert_eq!(
            d.training_course_date.map(|d| d.to_string()).as_deref(),
            Some("2025-03-14")
        );
    }

    #[test]
    fn bad_applications_name_their_fields() {
        let check = |i: ApplicationInput, field: &str| {
            let inv = ApplicationDetails::parse(&i, &[1, 2, 3], &[10, 11]).expect_err("invalid");
            assert!(inv.message_for(field).is_some(), "{field}: {inv}");
        };
        check(
            ApplicationInput {
                capacity: Some(0),
                ..input()
            },
            "capacity",
        );
        check(
            ApplicationInput {
                capacity: Some(21),
                ..input()
            },
            "capacity",
        );
        check(
            ApplicationInput {
                audiences: vec![99],
                ..input()
            },
            "audiences",
        );
        check(
            ApplicationInput {
                audiences: vec![],
                ..input()
            },
            "audiences",
        );
        check(
            ApplicationInput {
                expertise: vec![42],
                ..input()
            },
            "expertise",
        );
        check(
            ApplicationInput {
                expertise: vec![],
                tags: vec![],
                ..input()
            },
            "expertise",
        );
        check(
            ApplicationInput {
                training_course_date: None,
                ..input()
            },
            "training_equivalent",
        );
        check(
            ApplicationInput {
                training_course_date: Some("14/03/2025".into()),
                ..input()
            },
            "training_course_date",
        );
        check(
            ApplicationInput {
                background: " ".into(),
                ..input()
            },
            "background",
        );
        check(
            ApplicationInput {
                languages: vec![],
                ..input()
            },
            "languages",
        );
        check(
            ApplicationInput {
                channels: vec!["fax".into()],
                ..input()
            },
            "channels",
        );
        check(
            ApplicationInput {
                hours_per_month: None,
                ..input()
            },
            "hours_per_month",
        );
        assert!(
            ApplicationDetails::parse(
                &ApplicationInput {
                    capacity: Some(20),
                    ..input()
                },
                &[1, 2],
                &[10]
            )
            .is_ok()
        );
        assert!(
            ApplicationDetails::parse(
                &ApplicationInput {
                    capacity: Some(1),
                    ..input()
                },
                &[1, 2],
                &[10]
            )
            .is_ok()
        );
    }
}
