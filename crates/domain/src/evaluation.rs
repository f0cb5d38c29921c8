//! Evaluations [001, 002]: periodic check-ins on a programme cadence, and a final evaluation
//! at closing with a reflection on what was accomplished and an optional thank-you note.
//! Ratings (1 to 5) are what staff may see in aggregate, over at least
//! [`MIN_ANSWERS_FOR_STAFF`] answers; the words stay with the members.

use crate::error::{FieldError, Invalid, optional_text};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The questions, each rated 1 (not at all) to 5 (very much): progress towards goals,
/// relationship quality, satisfaction, and the benefits guide 002 names.
pub const QUESTIONS: [(&str, &str); 5] = [
    ("progress", "Progress towards my goals"),
    ("relationship", "The quality of our mentoring relationship"),
    ("satisfaction", "My satisfaction with the mentoring"),
    ("self_efficacy", "My confidence that I can reach my goals"),
    ("productivity", "The difference it makes to my work"),
];

/// Staff see a question's results only when at least this many answers exist.
pub const MIN_ANSWERS_FOR_STAFF: i64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Periodic,
    Final,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Periodic => "periodic",
            Self::Final => "final",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for Kind {
    const ALL: &'static [Self] = &[Self::Periodic, Self::Final];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// What an evaluation form carries.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EvaluationInput {
    /// periodic or final
    #[serde(default)]
    pub kind: String,
    /// question → 1..=5
    #[serde(default)]
    pub ratings: BTreeMap<String, i32>,
    #[serde(default)]
    pub comments: String,
    /// Final: what was accomplished.
    #[serde(default)]
    pub reflection: String,
    /// Final, optional: a note of thanks to the other members.
    #[serde(default)]
    pub thank_you: String,
}

/// The members' words of an evaluation (sealed at rest).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationText {
    pub comments: String,
    pub reflection: String,
    pub thank_you: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub kind: Kind,
    pub ratings: BTreeMap<String, i32>,
    pub text: EvaluationText,
}

impl Evaluation {
    /// Checks an evaluation: every question rated 1 to 5; a final one says what was
    /// accomplished.
    pub fn parse(input: &EvaluationInput) -> Result<Evaluation, Invalid> {
        let mut inv = Invalid::default();
        let kind = match input.kind.trim() {
            "periodic" | "" => Kind::Periodic,
            "final" => Kind::Final,
            _ => {
                inv.push(FieldError::new(
                    "kind",
                    "Choose a periodic or a final evaluation",
                ));
                Kind::Periodic
            }
        };
        if let Some(bad) = input
            .ratings
            .keys()
            .find(|k| !QUESTIONS.iter().any(|(q, _)| q == k))
        {
            inv.push(FieldError::new(
                "ratings",
                format!("Unknown question '{bad}'"),
            ));
        } else if let Some((_, label)) = QUESTIONS
            .iter()
            .find(|(q, _)| !input.ratings.get(*q).is_some_and(|r| (1..=5).contains(r)))
        {
            inv.push(FieldError::new(
                "ratings",
                format!("Rate \"{label}\" from 1 (not at all) to 5 (very much)"),
            ));
        }
        let comments = inv
            .check(optional_text("comments", &input.comments, 4000))
            .flatten()
            .unwrap_or_default();
        let reflection = inv
            .check(optional_text("reflection", &input.reflection, 8000))
            .flatten()
            .unwrap_or_default();
        let thank_you = inv
            .check(optional_text("thank_you", &input.thank_you, 4000))
            .flatten()
            .unwrap_or_default();
        if kind == Kind::Final && reflection.is_empty() && inv.message_for("reflection").is_none() {
            inv.push(FieldError::new(
                "reflection",
                "Reflect on what was accomplished over the whole relationship",
            ));
        }
        inv.into_result().map(|()| Evaluation {
            kind,
            ratings: input.ratings.clone(),
            text: EvaluationText {
                comments,
                reflection,
                thank_you,
            },
        })
    }
}

/// When the next periodic evaluation is due after `due` (the one just reached), skipping any
/// that passed while the scheduler was stopped: one reminder, however long it was down.
pub fn next_due(due: DateTime<Utc>, every_days: i32, now: DateTime<Utc>) -> DateTime<Utc> {
    let every = Duration::days(i64::from(every_days.max(1)));
    let mut next = due + every;
    while next <= now {
        next += every;
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rated(n: i32) -> BTreeMap<String, i32> {
        QUESTIONS
            .iter()
            .map(|(q, _)| ((*q).to_owned(), n))
            .collect()
    }

    #[test]
    fn evaluations_rate_every_question_from_1_to_5() {
        let ok = Evaluation::parse(&EvaluationInput {
            kind: "periodic".into(),
            ratings: rated(4),
            ..EvaluationInput::default()
        })
        .expect("valid");
        assert_eq!(ok.kind, Kind::Periodic);
        let mut six = rated(4);
        six.insert("satisfaction".into(), 6);
        let e = Evaluation::parse(&EvaluationInput {
            ratings: six,
            ..EvaluationInput::default()
        })
        .expect_err("six");
        assert_eq!(e.0[0].field, "ratings");
        assert!(e.0[0].message.contains("satisfaction"));
        let mut odd = rated(3);
        odd.insert("charisma".into(), 3);
        assert!(
            Evaluation::parse(&EvaluationInput {
                ratings: odd,
                ..EvaluationInput::default()
            })
            .expect_err("unknown")
            .0[0]
                .message
                .contains("charisma")
        );
    }

    #[test]
    fn a_final_evaluation_reflects_on_what_was_accomplished() {
        let e = Evaluation::parse(&EvaluationInput {
            kind: "final".into(),
            ratings: rated(5),
            ..EvaluationInput::default()
        })
        .expect_err("no reflection");
        assert_eq!(e.0[0].field, "reflection");
        let ok = Evaluation::parse(&EvaluationInput {
            kind: "final".into(),
            ratings: rated(5),
            reflection: "Ran the course twice".into(),
            thank_you: "Thank you, Ana".into(),
            ..EvaluationInput::default()
        })
        .expect("valid");
        assert_eq!(ok.text.thank_you, "Thank you, Ana");
    }

    #[test]
    fn the_next_evaluation_skips_what_passed_while_the_scheduler_was_down() {
        let t = |d: i64| {
            DateTime::parse_from_rfc3339("2027-01-01T09:00:00Z")
                .map(|x| x.to_utc())
                .expect("time")
                + Duration::days(d)
        };
        assert_eq!(next_due(t(60), 60, t(60)), t(120));
        // Down for 200 days: one reminder now, the next one in the future.
        assert_eq!(next_due(t(60), 60, t(260)), t(300));
    }
}
