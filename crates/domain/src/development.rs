//! The mentee's development [001, 002]: the Personal Development Plan, the skill assessment of
//! guide 001 (18 skills, each Expert / Proficient / Developmental), and the checklist of mentee
//! tasks with its stages.

use crate::error::{FieldError, Invalid, optional_text, required_text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The 18 skills of guide 001's skill assessment, in its order.
pub const SKILLS: [(&str, &str); 18] = [
    ("build_rapport", "Build rapport"),
    ("keep_confidences", "Keep confidences"),
    ("question", "Question"),
    ("reflect", "Reflect"),
    ("take_stock", "Take stock"),
    ("be_honest", "Be honest"),
    ("imagine_possibilities", "Imagine possibilities"),
    ("gain_perspective", "Gain perspective"),
    ("listen_actively", "Listening actively"),
    ("initiate", "Initiate"),
    ("set_goals", "Set goals"),
    ("take_action", "Take action"),
    ("follow_through", "Follow through"),
    ("review_progress", "Review progress"),
    ("learn_quickly", "Learn quickly"),
    ("manage_the_relationship", "Manage the relationship"),
    ("give_feedback", "Give feedback"),
    ("receive_feedback", "Receive feedback"),
];

/// The levels, lowest first, with their score on the chart.
pub const LEVELS: [(&str, &str, u8); 3] = [
    ("developmental", "Developmental", 1),
    ("proficient", "Proficient", 2),
    ("expert", "Expert", 3),
];

pub fn level_score(level: &str) -> Option<u8> {
    LEVELS.iter().find(|(k, ..)| *k == level).map(|(.., s)| *s)
}

pub fn level_label(level: &str) -> &'static str {
    LEVELS
        .iter()
        .find(|(k, ..)| *k == level)
        .map_or("", |(_, l, _)| *l)
}

/// One skill assessment: a level for every skill, strengths and developmental areas.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// skill key → level key
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub developmental_areas: String,
}

impl Assessment {
    /// Checks an assessment: every skill rated once with a known level, no unknown skill.
    pub fn parse(input: &Assessment) -> Result<Assessment, Invalid> {
        let mut inv = Invalid::default();
        if let Some(bad) = input
            .levels
            .keys()
            .find(|k| !SKILLS.iter().any(|(s, _)| s == k))
        {
            inv.push(FieldError::new("levels", format!("Unknown skill '{bad}'")));
        } else if let Some((skill, bad)) =
            input.levels.iter().find(|(_, l)| level_score(l).is_none())
        {
            inv.push(FieldError::new(
                "levels",
                format!(
                    "Unknown level '{bad}' for {skill}: choose expert, proficient or developmental"
                ),
            ));
        } else if let Some((_, label)) = SKILLS.iter().find(|(s, _)| !input.levels.contains_key(*s))
        {
            inv.push(FieldError::new(
                "levels",
                format!("Rate every skill: {label} has no level yet"),
            ));
        }
        let strengths = inv
            .check(optional_text("strengths", &input.strengths, 4000))
            .flatten()
            .unwrap_or_default();
        let developmental_areas = inv
            .check(optional_text(
                "developmental_areas",
                &input.developmental_areas,
                4000,
            ))
            .flatten()
            .unwrap_or_default();
        inv.into_result().map(|()| Assessment {
            levels: input.levels.clone(),
            strengths,
            developmental_areas,
        })
    }

    pub fn score(&self, skill: &str) -> u8 {
        self.levels
            .get(skill)
            .and_then(|l| level_score(l))
            .unwrap_or(0)
    }
}

/// The first and latest assessment side by side: (skill label, first score, latest score).
pub fn growth(first: &Assessment, latest: &Assessment) -> Vec<(&'static str, u8, u8)> {
    SKILLS
        .iter()
        .map(|(k, label)| (*label, first.score(k), latest.score(k)))
        .collect()
}

/// A goal of the Personal Development Plan [001, 002].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    #[serde(default)]
    pub goal: String,
    /// By when, in words or a date.
    #[serde(default)]
    pub timeline: String,
    #[serde(default)]
    pub activities: String,
    /// How we will know it is achieved.
    #[serde(default)]
    pub measures: String,
    #[serde(default)]
    pub resources: String,
    /// career or psychosocial [002]
    #[serde(default)]
    pub kind: String,
    /// not_started, in_progress, achieved, set_aside
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub progress: String,
}

pub const GOAL_KINDS: [(&str, &str); 2] = [
    ("career", "Career-enhancing"),
    ("psychosocial", "Psychosocial"),
];

pub const GOAL_STATUSES: [(&str, &str); 4] = [
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("achieved", "Achieved"),
    ("set_aside", "Set aside"),
];

pub fn label_of(table: &[(&'static str, &'static str)], key: &str) -> &'static str {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, l)| *l)
}

impl Goal {
    pub fn parse(input: &Goal) -> Result<Goal, Invalid> {
        let mut inv = Invalid::default();
        let goal = inv.check(required_text("goal", &input.goal, 1000));
        let timeline = inv.check(required_text("timeline", &input.timeline, 200));
        let text = |inv: &mut Invalid, f: &'static str, v: &str| {
            inv.check(optional_text(f, v, 4000))
                .flatten()
                .unwrap_or_default()
        };
        let activities = text(&mut inv, "activities", &input.activities);
        let measures = text(&mut inv, "measures", &input.measures);
        let resources = text(&mut inv, "resources", &input.resources);
        let progress = text(&mut inv, "progress", &input.progress);
        let kind = input.kind.trim();
        if !GOAL_KINDS.iter().any(|(k, _)| *k == kind) {
            inv.push(FieldError::new(
                "kind",
                "Choose career-enhancing or psychosocial",
            ));
        }
        let status = if input.status.trim().is_empty() {
            "not_started"
        } else {
            input.status.trim()
        };
        if !GOAL_STATUSES.iter().any(|(k, _)| *k == status) {
            inv.push(FieldError::new("status", "Choose the goal's status"));
        }
        inv.into_result()?;
        Ok(Goal {
            goal: goal.unwrap_or_default(),
            timeline: timeline.unwrap_or_default(),
            activities,
            measures,
            resources,
            kind: kind.to_owned(),
            status: status.to_owned(),
            progress,
        })
    }
}

/// The checklist of mentee tasks [001], by stage: (key, task).
pub const CHECKLIST: [(&str, &[(&str, &str)]); 4] = [
    (
        "Preparing for the partnership",
        &[
            (
                "read_role",
                "Read through the materials on the mentee's role",
            ),
            (
                "past_experience",
                "Review your past mentoring experiences for insights",
            ),
            (
                "talk_to_manager",
                "Talk with your manager about the programme and your development goals",
            ),
            (
                "prepare_plan",
                "Prepare your development plan, with your development goals",
            ),
            (
                "how_to_operate",
                "Think through how the partnership should work, including any limits",
            ),
            (
                "keep_log",
                "Keep a log of your interactions with your mentor",
            ),
        ],
    ),
    (
        "Implementing the partnership",
        &[
            ("first_meeting", "Meet your mentor"),
            ("list_goals", "List goals for your development"),
            (
                "share_feedback",
                "Share the feedback you have had on your strengths and areas for improvement",
            ),
            (
                "update_plan",
                "Make changes to your development plan as needed",
            ),
            (
                "follow_through",
                "Follow through promptly on every commitment you make",
            ),
            (
                "ask_feedback",
                "Ask for constructive feedback on your ideas and performance",
            ),
            ("career_story", "Ask your mentor to tell their career story"),
        ],
    ),
    (
        "Evaluating",
        &[
            ("periodic_evaluation", "Complete the periodic evaluations"),
            (
                "show_appreciation",
                "Regularly show appreciation for your mentor's time and interest",
            ),
        ],
    ),
    (
        "Reviewing accomplishments and next steps",
        &[
            (
                "reflect",
                "Reflect on what you have accomplished over the whole period",
            ),
            ("final_evaluation", "Complete the final evaluation"),
            (
                "thank_you",
                "Follow up your closing meeting with a note of thanks",
            ),
            ("keep_in_touch", "Keep in touch with your mentor"),
            (
                "another_mentor",
                "If it would help, seek another mentoring partnership",
            ),
        ],
    ),
];

pub fn checklist_item(key: &str) -> Option<&'static str> {
    CHECKLIST
        .iter()
        .flat_map(|(_, items)| items.iter())
        .find(|(k, _)| *k == key)
        .map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(level: &str) -> Assessment {
        Assessment {
            levels: SKILLS
                .iter()
                .map(|(k, _)| ((*k).to_owned(), level.to_owned()))
                .collect(),
            strengths: "Listening".into(),
            developmental_areas: String::new(),
        }
    }

    #[test]
    fn an_assessment_rates_every_skill_with_a_known_level() {
        assert_eq!(SKILLS.len(), 18);
        assert!(Assessment::parse(&all("proficient")).is_ok());
        let mut unknown_skill = all("expert");
        unknown_skill
            .levels
            .insert("juggling".into(), "expert".into());
        let e = Assessment::parse(&unknown_skill).expect_err("unknown skill");
        assert_eq!(e.0[0].field, "levels");
        assert!(e.0[0].message.contains("juggling"));
        let mut unknown_level = all("expert");
        unknown_level
            .levels
            .insert("question".into(), "wizard".into());
        assert!(
            Assessment::parse(&unknown_level).expect_err("level").0[0]
                .message
                .contains("wizard")
        );
        let mut missing = all("expert");
        missing.levels.remove("give_feedback");
        assert!(
            Assessment::parse(&missing).expect_err("missing").0[0]
                .message
                .contains("Give feedback")
        );
    }

    #[test]
    fn growth_pairs_the_first_and_latest_scores() {
        let mut later = all("developmental");
        later.levels.insert("question".into(), "expert".into());
        let g = growth(&all("developmental"), &later);
        assert_eq!(g.len(), 18);
        assert_eq!(g[2], ("Question", 1, 3));
        assert_eq!(g[0], ("Build rapport", 1, 1));
    }

    #[test]
    fn plan_goals_need_a_goal_a_timeline_and_a_kind() {
        let e = Goal::parse(&Goal::default()).expect_err("empty");
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["goal", "timeline", "kind"]);
        let g = Goal::parse(&Goal {
            goal: "Publish as lead author".into(),
            timeline: "By December".into(),
            kind: "career".into(),
            ..Goal::default()
        })
        .expect("valid");
        assert_eq!(g.status, "not_started");
        let bad = Goal {
            status: "abandoned?".into(),
            ..g.clone()
        };
        assert_eq!(Goal::parse(&bad).expect_err("status").0[0].field, "status");
    }

    #[test]
    fn checklist_items_have_unique_keys() {
        let keys: Vec<&str> = CHECKLIST
            .iter()
            .flat_map(|(_, items)| items.iter().map(|(k, _)| *k))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len());
        assert_eq!(
            checklist_item("thank_you"),
            Some("Follow up your closing meeting with a note of thanks")
        );
        assert_eq!(checklist_item("nope"), None);
    }
}
