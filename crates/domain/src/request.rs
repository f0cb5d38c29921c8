//! Mentorship requests and the allocation cascade [003]: "We ask mentees to identify three
//! mentors … You will have three weeks to reply … if we don't hear from you, we will pass the
//! request onto the next mentor and tell you we have done this … If all three selected mentors
//! are not available, the responsible director will get back to you."
//!
//! A [`Cascade`] holds the named mentors in order and where the request stands. Every change
//! takes the time and the mentors' current state as arguments and returns the events that
//! follow (who to tell what); the store persists the result.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the cascade needs to know about a mentor at the moment it would offer them a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentorState {
    pub listed: bool,
    pub available: bool,
    pub has_capacity: bool,
}

impl MentorState {
    pub const OPEN: MentorState = MentorState {
        listed: true,
        available: true,
        has_capacity: true,
    };

    fn skip_reason(self) -> Option<Skip> {
        if !self.listed {
            Some(Skip::Unlisted)
        } else if !self.available {
            Some(Skip::Unavailable)
        } else if !self.has_capacity {
            Some(Skip::NoCapacity)
        } else {
            None
        }
    }
}

/// Why a named mentor was passed over without an offer (the mentee is told).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    Unlisted,
    Unavailable,
    NoCapacity,
    /// Already offered this request once (the director named them again).
    AlreadyOffered,
}

impl Skip {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unlisted => "unlisted",
            Self::Unavailable => "unavailable",
            Self::NoCapacity => "no_capacity",
            Self::AlreadyOffered => "already_offered",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            Self::Unlisted => "is no longer listed in the directory",
            Self::Unavailable => "is currently unavailable",
            Self::NoCapacity => "has no free place at the moment",
            Self::AlreadyOffered => "has already been offered this request",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// With a mentor, who has until `due_at` to reply. `choice` is the mentee's rank (0-based),
    /// or `None` for an offer the director made.
    Offered {
        mentor_id: i64,
        choice: Option<usize>,
        offered_at: DateTime<Utc>,
        due_at: DateTime<Utc>,
    },
    /// No named mentor could take it: the mentorship director's to resolve.
    WithDirector {
        since: DateTime<Utc>,
    },
    Accepted {
        mentor_id: i64,
        at: DateTime<Utc>,
    },
    ClosedByDirector {
        at: DateTime<Utc>,
    },
    Withdrawn {
        at: DateTime<Utc>,
    },
}

impl Status {
    pub fn stage(&self) -> Stage {
        match self {
            Self::Offered { .. } => Stage::Offered,
            Self::WithDirector { .. } => Stage::WithDirector,
            Self::Accepted { .. } => Stage::Accepted,
            Self::ClosedByDirector { .. } => Stage::Closed,
            Self::Withdrawn { .. } => Stage::Withdrawn,
        }
    }

    pub fn name(&self) -> &'static str {
        self.stage().as_str()
    }

    pub fn is_open(&self) -> bool {
        matches!(self, Self::Offered { .. } | Self::WithDirector { .. })
    }
}

/// Where a request stands, by name: what its `status` column and the API say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Offered,
    WithDirector,
    Accepted,
    Closed,
    Withdrawn,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::WithDirector => "with_director",
            Self::Accepted => "accepted",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Still waiting for a mentor or the director.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Offered | Self::WithDirector)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for Stage {
    const ALL: &'static [Self] = &[
        Self::Offered,
        Self::WithDirector,
        Self::Accepted,
        Self::Closed,
        Self::Withdrawn,
    ];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// One entry of a request's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Offered,
    Skipped,
    Declined,
    TimedOut,
    Rerouted,
    Nudged,
    Escalated,
    Accepted,
    Withdrawn,
    Closed,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::Skipped => "skipped",
            Self::Declined => "declined",
            Self::TimedOut => "timed_out",
            Self::Rerouted => "rerouted",
            Self::Nudged => "nudged",
            Self::Escalated => "escalated",
            Self::Accepted => "accepted",
            Self::Withdrawn => "withdrawn",
            Self::Closed => "closed",
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for Step {
    const ALL: &'static [Self] = &[
        Self::Offered,
        Self::Skipped,
        Self::Declined,
        Self::TimedOut,
        Self::Rerouted,
        Self::Nudged,
        Self::Escalated,
        Self::Accepted,
        Self::Withdrawn,
        Self::Closed,
    ];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// Who must be told what, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Offer to the mentor; tell the mentee who has it now and until when.
    Offered {
        mentor_id: i64,
        choice: Option<usize>,
        due_at: DateTime<Utc>,
    },
    /// A named mentor was passed over; tell the mentee why.
    Skipped { mentor_id: i64, reason: Skip },
    /// The mentor declined; tell the mentee (the reason stays with the office).
    Declined {
        mentor_id: i64,
        reason: Option<String>,
        mark_unavailable: bool,
    },
    /// The window ended without a reply; tell the silent mentor it was passed on. `at` is the
    /// deadline, not the time the scheduler noticed.
    TimedOut { mentor_id: i64, at: DateTime<Utc> },
    /// No choice left: to the director's queue; tell the mentee and the director(s).
    Escalated,
    /// Create the relationship; email both people each other's address.
    Accepted { mentor_id: i64 },
    /// Staff took the request back from the mentor holding it (who is told it was passed on)
    /// and sent it on to the next choice or the director.
    Rerouted { mentor_id: i64 },
    /// Tell the mentor who held it, if any.
    Withdrawn { mentor_id: Option<i64> },
    /// Tell the mentee the director's message (and the mentor who held it, if any).
    Closed {
        message: String,
        mentor_id: Option<i64>,
    },
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The request is accepted, closed or withdrawn.
    NotOpen(&'static str),
    /// The request is not with this mentor (any more).
    NotYourOffer,
    /// The reply window has ended.
    WindowEnded,
    /// The deadline has not come yet (a scheduler running early; nothing to do).
    NotDue,
    /// Only the director acts on a request in the director's queue, and only there.
    NotWithDirector,
    /// Only a request waiting for a mentor's reply can be re-routed.
    NotWithMentor,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotOpen(s) => write!(f, "This request is {s}; it can no longer change."),
            Self::NotYourOffer => f.write_str("This request is not waiting for your reply."),
            Self::WindowEnded => {
                f.write_str("The time to reply to this request has ended; it has been passed on.")
            }
            Self::NotDue => f.write_str("The reply window has not ended yet."),
            Self::NotWithDirector => f.write_str(
                "Only a request in the director's queue can be offered or closed by the director.",
            ),
            Self::NotWithMentor => {
                f.write_str("This request is not waiting for a mentor's reply, so there is nothing to re-route.")
            }
        }
    }
}

/// A request's place in the cascade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cascade {
    /// The mentee's choices, in order.
    pub choices: Vec<i64>,
    /// The next choice to consider.
    pub next_choice: usize,
    /// Every mentor offered this request so far (never offered twice).
    pub offered: Vec<i64>,
    pub status: Status,
}

/// When a mentor holding an offer is reminded: 7 days and 1 day before the deadline (those that
/// fall after the offer was made).
pub fn reminders(offered_at: DateTime<Utc>, due_at: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    [Duration::days(7), Duration::days(1)]
        .into_iter()
        .map(|d| due_at - d)
        .filter(|t| *t > offered_at)
        .collect()
}

impl Cascade {
    /// Starts a request: offers it to the first named mentor who can take it.
    pub fn start(
        choices: Vec<i64>,
        now: DateTime<Utc>,
        window: Duration,
        mentors: impl Fn(i64) -> MentorState,
    ) -> (Self, Vec<Event>) {
        let mut c = Self {
            choices,
            next_choice: 0,
            offered: Vec::new(),
            status: Status::WithDirector { since: now },
        };
        let events = c.advance(now, window, &mentors);
        (c, events)
    }

    fn closed_name(&self) -> Option<&'static str> {
        match self.status {
            Status::Accepted { .. } => Some("accepted"),
            Status::ClosedByDirector { .. } => Some("closed"),
            Status::Withdrawn { .. } => Some("withdrawn"),
            _ => None,
        }
    }

    fn require_open(&self) -> Result<(), Refused> {
        match self.closed_name() {
            Some(s) => Err(Refused::NotOpen(s)),
            None => Ok(()),
        }
    }

    /// The mentor holding the offer, if any.
    pub fn holder(&self) -> Option<i64> {
        match self.status {
            Status::Offered { mentor_id, .. } => Some(mentor_id),
            _ => None,
        }
    }

    fn held_by(&self, mentor: i64, now: DateTime<Utc>) -> Result<(), Refused> {
        self.require_open()?;
        match self.status {
            Status::Offered {
                mentor_id, due_at, ..
            } if mentor_id == mentor => {
                if now >= due_at {
                    Err(Refused::WindowEnded)
                } else {
                    Ok(())
                }
            }
            _ => Err(Refused::NotYourOffer),
        }
    }

    /// Offers the request to the next named mentor who can take it, skipping the others; with
    /// no choice left it goes to the director.
    fn advance(
        &mut self,
        now: DateTime<Utc>,
        window: Duration,
        mentors: &impl Fn(i64) -> MentorState,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        while self.next_choice < self.choices.len() {
            let rank = self.next_choice;
            let mentor_id = self.choices[rank];
            self.next_choice += 1;
            let skip = if self.offered.contains(&mentor_id) {
                Some(Skip::AlreadyOffered)
            } else {
                mentors(mentor_id).skip_reason()
            };
            match skip {
                Some(reason) => events.push(Event::Skipped { mentor_id, reason }),
                None => {
                    let due_at = now + window;
                    self.offered.push(mentor_id);
                    self.status = Status::Offered {
                        mentor_id,
                        choice: Some(rank),
                        offered_at: now,
                        due_at,
                    };
                    events.push(Event::Offered {
                        mentor_id,
                        choice: Some(rank),
                        due_at,
                    });
                    return events;
                }
            }
        }
        self.status = Status::WithDirector { since: now };
        events.push(Event::Escalated);
        events
    }

    pub fn accept(&mut self, mentor: i64, now: DateTime<Utc>) -> Result<Vec<Event>, Refused> {
        self.held_by(mentor, now)?;
        self.status = Status::Accepted {
            mentor_id: mentor,
            at: now,
        };
        Ok(vec![Event::Accepted { mentor_id: mentor }])
    }

    pub fn decline(
        &mut self,
        mentor: i64,
        reason: Option<String>,
        mark_unavailable: bool,
        now: DateTime<Utc>,
        window: Duration,
        mentors: impl Fn(i64) -> MentorState,
    ) -> Result<Vec<Event>, Refused> {
        self.held_by(mentor, now)?;
        let mut events = vec![Event::Declined {
            mentor_id: mentor,
            reason,
            mark_unavailable,
        }];
        if self.is_director_offer() {
            self.status = Status::WithDirector { since: now };
            events.push(Event::Escalated);
        } else {
            events.extend(self.advance(now, window, &mentors));
        }
        Ok(events)
    }

    fn is_director_offer(&self) -> bool {
        matches!(self.status, Status::Offered { choice: None, .. })
    }

    /// The reply window has ended without a reply: pass it on. The silent mentor's record
    /// carries the deadline; the next mentor's window starts now (when the scheduler runs).
    pub fn deadline(
        &mut self,
        now: DateTime<Utc>,
        window: Duration,
        mentors: impl Fn(i64) -> MentorState,
    ) -> Result<Vec<Event>, Refused> {
        self.require_open()?;
        let Status::Offered {
            mentor_id, due_at, ..
        } = self.status
        else {
            return Err(Refused::NotDue);
        };
        if now < due_at {
            return Err(Refused::NotDue);
        }
        let mut events = vec![Event::TimedOut {
            mentor_id,
            at: due_at,
        }];
        if self.is_director_offer() {
            self.status = Status::WithDirector { since: now };
            events.push(Event::Escalated);
        } else {
            events.extend(self.advance(now, window, &mentors));
        }
        Ok(events)
    }

    /// Staff take the request back from the mentor holding it (no reply expected in time, a
    /// mentor known to be away): it moves on as if the window had ended — to the next choice,
    /// or to the director when none is left or the director made the offer.
    pub fn reroute(
        &mut self,
        now: DateTime<Utc>,
        window: Duration,
        mentors: impl Fn(i64) -> MentorState,
    ) -> Result<Vec<Event>, Refused> {
        self.require_open()?;
        let Some(mentor_id) = self.holder() else {
            return Err(Refused::NotWithMentor);
        };
        let mut events = vec![Event::Rerouted { mentor_id }];
        if self.is_director_offer() {
            self.status = Status::WithDirector { since: now };
            events.push(Event::Escalated);
        } else {
            events.extend(self.advance(now, window, &mentors));
        }
        Ok(events)
    }

    pub fn withdraw(&mut self, now: DateTime<Utc>) -> Result<Vec<Event>, Refused> {
        self.require_open()?;
        let mentor_id = self.holder();
        self.status = Status::Withdrawn { at: now };
        Ok(vec![Event::Withdrawn { mentor_id }])
    }

    /// The director offers the request to another mentor, with a new window.
    pub fn director_offer(
        &mut self,
        mentor: i64,
        now: DateTime<Utc>,
        window: Duration,
        state: MentorState,
    ) -> Result<Vec<Event>, Refused> {
        self.require_open()?;
        if !matches!(self.status, Status::WithDirector { .. }) {
            return Err(Refused::NotWithDirector);
        }
        if self.offered.contains(&mentor) {
            return Ok(vec![Event::Skipped {
                mentor_id: mentor,
                reason: Skip::AlreadyOffered,
            }]);
        }
        if let Some(reason) = state.skip_reason() {
            return Ok(vec![Event::Skipped {
                mentor_id: mentor,
                reason,
            }]);
        }
        let due_at = now + window;
        self.offered.push(mentor);
        self.status = Status::Offered {
            mentor_id: mentor,
            choice: None,
            offered_at: now,
            due_at,
        };
        Ok(vec![Event::Offered {
            mentor_id: mentor,
            choice: None,
            due_at,
        }])
    }

    /// The director closes the request with a message to the mentee.
    pub fn director_close(
        &mut self,
        message: String,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, Refused> {
        self.require_open()?;
        if !matches!(self.status, Status::WithDirector { .. }) {
            return Err(Refused::NotWithDirector);
        }
        self.status = Status::ClosedByDirector { at: now };
        Ok(vec![Event::Closed {
            message,
            mentor_id: None,
        }])
    }
}

/// The largest CV a mentee may attach to a request.
pub const MAX_CV_BYTES: usize = 5 * 1024 * 1024;

/// What a member is told when their CV is too large.
pub const CV_TOO_LARGE: &str =
    "The file is larger than 5 MB: save a smaller PDF (fewer images) and try again";

/// Checks an uploaded CV: a PDF (judged by its content, not its name or declared type) of at
/// most [`MAX_CV_BYTES`]. The error names the `cv` field.
pub fn check_cv(bytes: &[u8]) -> Result<(), crate::error::FieldError> {
    use crate::error::FieldError;
    if bytes.is_empty() {
        Err(FieldError::new(
            "cv",
            "The file is empty: choose your CV as a PDF",
        ))
    } else if bytes.len() > MAX_CV_BYTES {
        Err(FieldError::new("cv", CV_TOO_LARGE))
    } else if !bytes.starts_with(b"%PDF-") {
        Err(FieldError::new("cv", "The file must be a PDF"))
    } else {
        Ok(())
    }
}

/// A file name safe to show and to send back in a download header.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "cv.pdf".to_owned()
    } else {
        cleaned
    }
}

/// Focus of the mentoring [003: "focused on a single 'event' … or a broader skill set"].
pub const FOCUS: [(&str, &str); 2] = [
    ("single_event", "A single event in my professional life"),
    ("broader_skills", "A broader set of skills"),
];

/// What a request form carries, unparsed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RequestInput {
    /// Specific goals [000: "Summarize your personal and professional goals. Be specific"].
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub hopes: String,
    /// single_event or broader_skills
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub background: String,
    #[serde(default)]
    pub swot: String,
    #[serde(default)]
    pub channels: Vec<String>,
    /// How often the mentee hopes to meet, e.g. "monthly".
    #[serde(default)]
    pub meeting_frequency: String,
    /// Mentors' user ids, in order of preference.
    #[serde(default)]
    pub choices: Vec<i64>,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetails {
    pub goals: String,
    pub hopes: Option<String>,
    pub focus: String,
    pub background: Option<String>,
    pub swot: Option<String>,
    pub channels: Vec<String>,
    pub meeting_frequency: Option<String>,
    pub choices: Vec<i64>,
}

impl RequestDetails {
    /// Checks a request: `max_choices` from the programme, `me` the mentee (not a choice),
    /// `listed` whether a user id is a listed mentor of the programme.
    pub fn parse(
        input: &RequestInput,
        max_choices: usize,
        me: i64,
        listed: impl Fn(i64) -> bool,
    ) -> Result<Self, crate::Invalid> {
        use crate::error::{FieldError, optional_text, required_text};
        let mut inv = crate::Invalid::default();
        let goals = inv
            .check(required_text("goals", &input.goals, 4000))
            .unwrap_or_default();
        if !goals.is_empty() && goals.split_whitespace().count() < 5 {
            inv.push(FieldError::new(
                "goals",
                "Describe your goals in a sentence or two: be specific",
            ));
        }
        let hopes = inv
            .check(optional_text("hopes", &input.hopes, 4000))
            .flatten();
        let focus = match FOCUS.iter().find(|(k, _)| *k == input.focus.trim()) {
            Some((k, _)) => (*k).to_owned(),
            None => {
                inv.push(FieldError::new(
                    "focus",
                    "Choose a single event or a broader set of skills",
                ));
                String::new()
            }
        };
        let background = inv
            .check(optional_text("background", &input.background, 8000))
            .flatten();
        let swot = inv
            .check(optional_text("swot", &input.swot, 4000))
            .flatten();
        let meeting_frequency = inv
            .check(optional_text(
                "meeting_frequency",
                &input.meeting_frequency,
                200,
            ))
            .flatten();
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
        let choices = input.choices.clone();
        if choices.is_empty() {
            inv.push(FieldError::new(
                "choices",
                "Choose at least one mentor from the directory",
            ));
        } else if choices.len() > max_choices {
            inv.push(FieldError::new(
                "choices",
                format!("Choose at most {max_choices} mentors"),
            ));
        } else if (1..choices.len()).any(|i| choices[..i].contains(&choices[i])) {
            inv.push(FieldError::new("choices", "Choose each mentor once"));
        } else if choices.contains(&me) {
            inv.push(FieldError::new("choices", "You cannot choose yourself"));
        } else if let Some(bad) = choices.iter().find(|c| !listed(**c)) {
            inv.push(FieldError::new(
                "choices",
                format!("Mentor {bad} is not listed in this programme's directory"),
            ));
        }
        inv.into_result().map(|()| Self {
            goals,
            hopes,
            focus,
            background,
            swot,
            channels,
            meeting_frequency,
            choices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2027-01-04T09:00:00Z")
            .map(|d| d.to_utc())
            .expect("time")
    }
    const W: i64 = 21;
    fn w() -> Duration {
        Duration::days(W)
    }
    fn all_open(_: i64) -> MentorState {
        MentorState::OPEN
    }

    #[test]
    fn offered_to_the_first_available_choice_others_skipped_with_reasons() {
        let state = |m: i64| match m {
            1 => MentorState {
                available: false,
                ..MentorState::OPEN
            },
            2 => MentorState {
                has_capacity: false,
                ..MentorState::OPEN
            },
            _ => MentorState::OPEN,
        };
        let (c, ev) = Cascade::start(vec![1, 2, 3], t0(), w(), state);
        assert_eq!(
            ev,
            vec![
                Event::Skipped {
                    mentor_id: 1,
                    reason: Skip::Unavailable
                },
                Event::Skipped {
                    mentor_id: 2,
                    reason: Skip::NoCapacity
                },
                Event::Offered {
                    mentor_id: 3,
                    choice: Some(2),
                    due_at: t0() + w()
                }
            ]
        );
        assert_eq!(c.holder(), Some(3));
    }

    #[test]
    fn decline_then_silence_then_accept() {
        let (mut c, _) = Cascade::start(vec![1, 2, 3], t0(), w(), all_open);
        let ev = c
            .decline(
                1,
                Some("On leave".into()),
                true,
                t0() + Duration::days(2),
                w(),
                all_open,
            )
            .expect("declined");
        assert_eq!(
            ev[0],
            Event::Declined {
                mentor_id: 1,
                reason: Some("On leave".into()),
                mark_unavailable: true
            }
        );
        assert_eq!(c.holder(), Some(2));
        let offered_2 = t0() + Duration::days(2);
        assert_eq!(
            c.deadline(offered_2 + Duration::days(20), w(), all_open),
            Err(Refused::NotDue)
        );
        // The scheduler was down: it notices two days late, but the record says the deadline.
        let late = offered_2 + w() + Duration::days(2);
        let ev = c.deadline(late, w(), all_open).expect("passed on");
        assert_eq!(
            ev[0],
            Event::TimedOut {
                mentor_id: 2,
                at: offered_2 + w()
            }
        );
        assert_eq!(
            ev[1],
            Event::Offered {
                mentor_id: 3,
                choice: Some(2),
                due_at: late + w()
            }
        );
        // Mentor 2 can no longer accept; mentor 3 can.
        assert_eq!(c.accept(2, late), Err(Refused::NotYourOffer));
        assert_eq!(
            c.accept(3, late + Duration::days(1)),
            Ok(vec![Event::Accepted { mentor_id: 3 }])
        );
        assert_eq!(
            c.withdraw(late + Duration::days(2)),
            Err(Refused::NotOpen("accepted"))
        );
    }

    #[test]
    fn all_three_fail_then_the_director_offers_and_closes() {
        let (mut c, _) = Cascade::start(vec![1, 2, 3], t0(), w(), all_open);
        c.decline(1, None, false, t0(), w(), all_open).expect("1");
        c.decline(2, None, false, t0(), w(), all_open).expect("2");
        let ev = c.decline(3, None, false, t0(), w(), all_open).expect("3");
        assert_eq!(ev.last(), Some(&Event::Escalated));
        assert!(matches!(c.status, Status::WithDirector { .. }));
        // The director cannot offer to someone who already had it.
        assert_eq!(
            c.director_offer(2, t0(), w(), MentorState::OPEN),
            Ok(vec![Event::Skipped {
                mentor_id: 2,
                reason: Skip::AlreadyOffered
            }])
        );
        c.director_offer(9, t0(), w(), MentorState::OPEN)
            .expect("offered");
        assert_eq!(c.holder(), Some(9));
        assert_eq!(
            c.director_close("x".into(), t0()),
            Err(Refused::NotWithDirector)
        );
        // Silence on a director's offer returns it to the director.
        let ev = c.deadline(t0() + w(), w(), all_open).expect("timed out");
        assert_eq!(ev.last(), Some(&Event::Escalated));
        assert_eq!(
            c.director_close("We will be in touch".into(), t0() + w()),
            Ok(vec![Event::Closed {
                message: "We will be in touch".into(),
                mentor_id: None
            }])
        );
        assert_eq!(
            c.director_offer(10, t0(), w(), MentorState::OPEN),
            Err(Refused::NotOpen("closed"))
        );
    }

    #[test]
    fn staff_reroute_passes_the_request_on_and_the_old_holder_cannot_reply() {
        let (mut c, _) = Cascade::start(vec![1, 2], t0(), w(), all_open);
        let later = t0() + Duration::days(5);
        let ev = c.reroute(later, w(), all_open).expect("rerouted");
        assert_eq!(
            ev,
            vec![
                Event::Rerouted { mentor_id: 1 },
                Event::Offered {
                    mentor_id: 2,
                    choice: Some(1),
                    due_at: later + w()
                }
            ]
        );
        assert_eq!(c.accept(1, later), Err(Refused::NotYourOffer));
        // The last choice re-routed: to the director, who then has nothing to re-route.
        let ev = c.reroute(later, w(), all_open).expect("rerouted");
        assert_eq!(ev.last(), Some(&Event::Escalated));
        assert_eq!(c.reroute(later, w(), all_open), Err(Refused::NotWithMentor));
        c.withdraw(later).expect("withdrawn");
        assert_eq!(
            c.reroute(later, w(), all_open),
            Err(Refused::NotOpen("withdrawn"))
        );
    }

    #[test]
    fn a_cv_must_be_a_pdf_of_at_most_5_mb() {
        assert!(check_cv(b"%PDF-1.7 ...").is_ok());
        assert_eq!(check_cv(b"").map_err(|e| e.field), Err("cv"));
        let word = check_cv(b"PK\x03\x04 word document").expect_err("not a pdf");
        assert!(word.message.contains("PDF"));
        let mut big = b"%PDF-1.4".to_vec();
        big.resize(MAX_CV_BYTES + 1, b' ');
        assert!(
            check_cv(&big)
                .expect_err("too big")
                .message
                .contains("5 MB")
        );
        big.truncate(MAX_CV_BYTES);
        assert!(check_cv(&big).is_ok());
        assert_eq!(
            clean_file_name("C:\\Users\\me\\My CV (2026).pdf"),
            "My CV 2026.pdf"
        );
        assert_eq!(clean_file_name("../../\"\r\n"), "cv.pdf");
    }

    #[test]
    fn accept_after_the_window_is_refused() {
        let (mut c, _) = Cascade::start(vec![1], t0(), w(), all_open);
        assert_eq!(c.accept(1, t0() + w()), Err(Refused::WindowEnded));
        assert_eq!(c.accept(2, t0()), Err(Refused::NotYourOffer));
        assert!(c.accept(1, t0() + w() - Duration::seconds(1)).is_ok());
        assert_eq!(
            c.accept(1, t0()),
            Err(Refused::NotOpen("accepted")),
            "a double click"
        );
    }

    #[test]
    fn withdraw_tells_the_holder() {
        let (mut c, _) = Cascade::start(vec![4, 5], t0(), w(), all_open);
        assert_eq!(
            c.withdraw(t0()),
            Ok(vec![Event::Withdrawn { mentor_id: Some(4) }])
        );
        assert_eq!(c.withdraw(t0()), Err(Refused::NotOpen("withdrawn")));
    }

    #[test]
    fn reminders_fall_before_the_deadline() {
        let due = t0() + w();
        assert_eq!(
            reminders(t0(), due),
            vec![due - Duration::days(7), due - Duration::days(1)]
        );
        assert_eq!(
            reminders(due - Duration::days(3), due),
            vec![due - Duration::days(1)]
        );
    }

    fn input() -> RequestInput {
        RequestInput {
            goals: "Prepare for my first consultant interview in spring".into(),
            focus: "single_event".into(),
            choices: vec![11, 12, 13],
            ..Default::default()
        }
    }

    #[test]
    fn requests_are_checked() {
        let listed = |m: i64| (10..20).contains(&m);
        assert!(RequestDetails::parse(&input(), 3, 1, listed).is_ok());
        let field = |i: RequestInput, max: usize| {
            RequestDetails::parse(&i, max, 1, listed)
                .expect_err("invalid")
                .0[0]
                .field
        };
        assert_eq!(
            field(
                RequestInput {
                    goals: "".into(),
                    ..input()
                },
                3
            ),
            "goals"
        );
        assert_eq!(
            field(
                RequestInput {
                    goals: "a career".into(),
                    ..input()
                },
                3
            ),
            "goals"
        );
        assert_eq!(
            field(
                RequestInput {
                    focus: "both".into(),
                    ..input()
                },
                3
            ),
            "focus"
        );
        assert_eq!(field(input(), 2), "choices");
        assert_eq!(
            field(
                RequestInput {
                    choices: vec![11, 11],
                    ..input()
                },
                3
            ),
            "choices"
        );
        assert_eq!(
            field(
                RequestInput {
                    choices: vec![],
                    ..input()
                },
                3
            ),
            "choices"
        );
        assert_eq!(
            field(
                RequestInput {
                    choices: vec![11, 42],
                    ..input()
                },
                3
            ),
            "choices"
        );
        let me_listed = |m: i64| m == 1 || listed(m);
        let e = RequestDetails::parse(
            &RequestInput {
                choices: vec![1],
                ..input()
            },
            3,
            1,
            me_listed,
        )
        .expect_err("invalid");
        assert!(e.0[0].message.contains("yourself"));
    }

    /// Random sequences of everything that can happen: every request ends in exactly one of
    /// accepted / closed / withdrawn, or is still open; no mentor is offered it twice; no
    /// acceptance comes after its window; every offer is announced.
    #[test]
    fn property_random_event_sequences() {
        let mut rng = StdRng::seed_from_u64(42);
        for _ in 0..5000 {
            let n = rng.random_range(1..=3);
            let choices: Vec<i64> = (1..=n).collect();
            let states: Vec<MentorState> = (0..=12)
                .map(|_| MentorState {
                    listed: rng.random_bool(0.9),
                    available: rng.random_bool(0.8),
                    has_capacity: rng.random_bool(0.85),
                })
                .collect();
            let st = |m: i64| states[usize::try_from(m).unwrap_or(0) % states.len()];
            let mut now = t0();
            let (mut c, mut events) = Cascade::start(choices, now, w(), st);
            for _ in 0..12 {
                now += Duration::days(rng.random_range(0..30));
                let r = match rng.random_range(0..8) {
                    7 => c.reroute(now, w(), st),
                    0 => c.accept(c.holder().unwrap_or(99), now),
                    1 => c.decline(
                        c.holder().unwrap_or(99),
                        None,
                        rng.random_bool(0.3),
                        now,
                        w(),
                        st,
                    ),
                    2 | 3 => c.deadline(now, w(), st),
                    4 => c.withdraw(now),
                    5 => c.director_offer(
                        rng.random_range(1..=12),
                        now,
                        w(),
                        st(rng.random_range(1..=12)),
                    ),
                    _ => c.director_close("closing".into(), now),
                };
                if let Ok(ev) = r {
                    events.extend(ev);
                }
            }
            let mut seen = Vec::new();
            for e in &events {
                if let Event::Offered { mentor_id, .. } = e {
                    assert!(!seen.contains(mentor_id), "offered twice: {events:?}");
                    seen.push(*mentor_id);
                }
            }
            assert_eq!(seen, c.offered, "every offer announced");
            let terminal = events
                .iter()
                .filter(|e| {
                    matches!(
                        e,
                        Event::Accepted { .. } | Event::Closed { .. } | Event::Withdrawn { .. }
                    )
                })
                .count();
            assert!(terminal <= 1, "{events:?}");
            assert_eq!(terminal == 1, !c.status.is_open());
            if let Status::Accepted { mentor_id, at } = c.status {
                let offered_at = events.iter().rev().find_map(|e| match e {
                    Event::Offered {
                        mentor_id: m,
                        due_at,
                        ..
                    } if *m == mentor_id => Some(*due_at),
                    _ => None,
                });
                assert!(
                    offered_at.is_some_and(|due| at < due),
                    "accepted within the window"
                );
            }
            if let Status::Offered {
                offered_at, due_at, ..
            } = c.status
            {
                assert_eq!(due_at - offered_at, w());
            }
        }
    }
}
