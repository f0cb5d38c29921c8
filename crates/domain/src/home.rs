//! What a person's home page says: the next step in each of their relationships, how long is
//! left to reply to an offer, and where a request stands, in words.

use crate::workspace::Phase;
use chrono::{DateTime, Utc};

/// What is known about one relationship, as one of its members sees it.
#[derive(Debug, Clone, Default)]
pub struct RelationshipFacts {
    pub phase: Option<Phase>,
    pub paused: bool,
    /// The latest agreement version, if any was written.
    pub agreement_version: Option<i32>,
    /// The reader has still to sign that version.
    pub must_sign: bool,
    /// The other members who have still to sign it.
    pub others_to_sign: Vec<String>,
    /// The next meeting, already in the reader's own words and time zone.
    pub next_meeting: Option<String>,
    /// The reader has written their final evaluation.
    pub final_evaluation_written: bool,
}

/// The next thing to do, and the workspace page where it is done ("" for the overview).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    pub words: String,
    pub page: &'static str,
}

fn step(words: impl Into<String>, page: &'static str) -> NextStep {
    NextStep {
        words: words.into(),
        page,
    }
}

/// Names as a sentence lists them: "Ana", "Ana and Ben", "Ana, Ben and Cy".
pub fn listed(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The next step in a relationship, most pressing first: a pause or the end; an agreement to
/// sign; then what the phase asks for (guide 002): the first meeting, the agreement, the
/// meetings, the final evaluation.
pub fn next_step(f: &RelationshipFacts) -> NextStep {
    let phase = f.phase.unwrap_or(Phase::Preparing);
    if phase == Phase::Closed {
        return step(
            "This relationship has ended; what you wrote stays readable",
            "",
        );
    }
    if f.paused {
        return step(
            "Contact is paused by the programme team for now; you can still read the workspace",
            "",
        );
    }
    if f.must_sign {
        let v = f.agreement_version.unwrap_or(1);
        return step(format!("Sign version {v} of your agreement"), "agreement");
    }
    match phase {
        Phase::Preparing => match &f.next_meeting {
            Some(when) => step(format!("Your first meeting: {when}"), "meetings"),
            None => step("Plan your first meeting together", "meetings"),
        },
        Phase::Negotiating if f.agreement_version.is_none() => {
            step("Write your mentoring agreement together", "agreement")
        }
        Phase::Negotiating if !f.others_to_sign.is_empty() => step(
            format!(
                "Waiting for {} to sign the agreement",
                listed(&f.others_to_sign)
            ),
            "agreement",
        ),
        Phase::Negotiating => step("Everyone has signed: move on to enabling", ""),
        Phase::Enabling => match &f.next_meeting {
            Some(when) => step(format!("Next meeting: {when}"), "meetings"),
            None => step("Set up your next meeting", "meetings"),
        },
        Phase::Closing if !f.final_evaluation_written => {
            step("Write your final evaluation", "evaluations")
        }
        Phase::Closing => step("Move the relationship to closed when you are all ready", ""),
        Phase::Closed => unreachable!("handled above"),
    }
}

/// Whole days left until `due`, counting a part day as a day; 0 on the day itself, negative
/// once it has passed.
pub fn days_left(now: DateTime<Utc>, due: DateTime<Utc>) -> i64 {
    let seconds = (due - now).num_seconds();
    if seconds <= 0 {
        return -((-seconds) / 86_400);
    }
    (seconds + 86_399) / 86_400 - i64::from(seconds < 86_400)
}

/// "3 days left", "1 day left", "due today", "overdue".
pub fn time_left(now: DateTime<Utc>, due: DateTime<Utc>) -> String {
    if due <= now {
        return "overdue".into();
    }
    match days_left(now, due) {
        0 => "due today".into(),
        1 => "1 day left".into(),
        n => format!("{n} days left"),
    }
}

/// "1st", "2nd", "3rd", "4th" …
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn facts(phase: Phase) -> RelationshipFacts {
        RelationshipFacts {
            phase: Some(phase),
            ..Default::default()
        }
    }

    #[test]
    fn a_pause_and_the_end_come_before_anything_else() {
        let mut f = facts(Phase::Enabling);
        f.paused = true;
        f.must_sign = true;
        assert!(next_step(&f).words.starts_with("Contact is paused"));
        f.phase = Some(Phase::Closed);
        assert_eq!(next_step(&f).page, "");
        assert!(next_step(&f).words.contains("ended"));
    }

    #[test]
    fn an_unsigned_agreement_is_the_next_step_in_any_open_phase() {
        for phase in [Phase::Preparing, Phase::Negotiating, Phase::Enabling] {
            let mut f = facts(phase);
            f.agreement_version = Some(2);
            f.must_sign = true;
            assert_eq!(
                next_step(&f),
                step("Sign version 2 of your agreement", "agreement")
            );
        }
    }

    #[test]
    fn each_phase_asks_for_its_own_work() {
        assert_eq!(
            next_step(&facts(Phase::Preparing)).words,
            "Plan your first meeting together"
        );
        assert_eq!(
            next_step(&facts(Phase::Negotiating)),
            step("Write your mentoring agreement together", "agreement")
        );
        let mut f = facts(Phase::Negotiating);
        f.agreement_version = Some(1);
        f.others_to_sign = vec!["Ana".into(), "Ben".into()];
        assert_eq!(
            next_step(&f).words,
            "Waiting for Ana and Ben to sign the agreement"
        );
        f.others_to_sign.clear();
        assert!(next_step(&f).words.contains("move on to enabling"));
        let mut f = facts(Phase::Enabling);
        assert_eq!(next_step(&f).words, "Set up your next meeting");
        f.next_meeting = Some("Tuesday 8 December, 18:00 (Europe/London)".into());
        assert_eq!(
            next_step(&f),
            step(
                "Next meeting: Tuesday 8 December, 18:00 (Europe/London)",
                "meetings"
            )
        );
        let mut f = facts(Phase::Closing);
        assert_eq!(next_step(&f).page, "evaluations");
        f.final_evaluation_written = true;
        assert_eq!(next_step(&f).page, "");
    }

    #[test]
    fn days_left_count_part_days_and_turn_overdue() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap();
        assert_eq!(time_left(now, now + Duration::days(3)), "3 days left");
        assert_eq!(
            time_left(now, now + Duration::days(2) + Duration::hours(1)),
            "3 days left"
        );
        assert_eq!(time_left(now, now + Duration::hours(30)), "2 days left");
        assert_eq!(time_left(now, now + Duration::hours(5)), "due today");
        assert_eq!(time_left(now, now + Duration::hours(24)), "1 day left");
        assert_eq!(time_left(now, now), "overdue");
        assert_eq!(time_left(now, now - Duration::days(2)), "overdue");
        assert_eq!(days_left(now, now - Duration::days(2)), -2);
    }

    #[test]
    fn ordinals_and_lists_read_as_english() {
        let o: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22].map(ordinal).into();
        assert_eq!(
            o,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"
            ]
        );
        assert_eq!(listed(&["A".into()]), "A");
        assert_eq!(listed(&["A".into(), "B".into(), "C".into()]), "A, B and C");
    }
}
