//! Scores for cohort matching rounds, from what members say in their profiles: how well a
//! mentor's expertise meets a mentee's goals, whether the mentor takes people at the mentee's
//! career stage, a shared language, time zones, availability and the mentee's own shortlist.
//! Each part is between 0 and 1; staff weigh them per round, and the score is out of 100.

use crate::error::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How much each part counts (0–10 each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub expertise: u8,
    pub audience: u8,
    pub language: u8,
    pub time_zone: u8,
    pub availability: u8,
    pub preference: u8,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            expertise: 5,
            audience: 3,
            language: 2,
            time_zone: 2,
            availability: 1,
            preference: 3,
        }
    }
}

/// The names of the weights, in order, with what each one weighs.
pub const PARTS: [(&str, &str); 6] = [
    (
        "expertise",
        "expertise, tags and background against the mentee's goals",
    ),
    (
        "audience",
        "who the mentor takes against the mentee's career stage",
    ),
    ("language", "a language in common"),
    ("time_zone", "time zones close together"),
    ("availability", "the mentor is available"),
    ("preference", "the mentee shortlisted the mentor"),
];

impl Weights {
    /// Weights as typed (missing ones keep their default); each 0–10 and not all 0.
    pub fn parse(given: &[(&str, Option<i64>)]) -> Result<Self, Invalid> {
        let mut w = Weights::default();
        let mut invalid = Invalid::default();
        for (name, v) in given {
            let Some(v) = v else { continue };
            let Some(slot) = w.slot(name) else {
                invalid.push(FieldError::new(
                    "weights",
                    format!("'{name}' is not a weight"),
                ));
                continue;
            };
            match u8::try_from(*v) {
                Ok(v) if v <= 10 => *slot = v,
                _ => invalid.push(FieldError::new(
                    weight_field(name),
                    "A weight is a whole number from 0 to 10",
                )),
            }
        }
        if invalid.is_empty() && w.sum() == 0 {
            invalid.push(FieldError::new(
                "weights",
                "Give at least one part a weight",
            ));
        }
        if invalid.is_empty() {
            Ok(w)
        } else {
            Err(invalid)
        }
    }

    /// The weight of a part, by its name in [`PARTS`].
    pub fn get(mut self, name: &str) -> Option<u8> {
        self.slot(name).copied()
    }

    fn slot(&mut self, name: &str) -> Option<&mut u8> {
        Some(match name {
            "expertise" => &mut self.expertise,
            "audience" => &mut self.audience,
            "language" => &mut self.language,
            "time_zone" => &mut self.time_zone,
            "availability" => &mut self.availability,
            "preference" => &mut self.preference,
            _ => return None,
        })
    }

    fn sum(&self) -> u32 {
        [
            self.expertise,
            self.audience,
            self.language,
            self.time_zone,
            self.availability,
            self.preference,
        ]
        .iter()
        .map(|&x| u32::from(x))
        .sum()
    }
}

/// The form field of a part's weight (`weights` for a name that is not a part).
/// What staff said about one pair in a matching round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The pair must be matched.
    Pin,
    /// The pair must not be.
    Forbid,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pin => "pin",
            Self::Forbid => "forbid",
        }
    }
}

impl std::fmt::Display for RuleKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for RuleKind {
    const ALL: &'static [Self] = &[Self::Pin, Self::Forbid];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// Where a matching round stands: a proposal staff may still change, or published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Proposed,
    Published,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Published => "published",
        }
    }
}

impl std::fmt::Display for RoundStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for RoundStatus {
    const ALL: &'static [Self] = &[Self::Proposed, Self::Published];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// What publishing a matching round makes of its pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PublishAs {
    /// Each pair becomes a request offered to the mentor, who accepts or declines.
    #[default]
    Offers,
    /// Each pair is a relationship at once.
    Relationships,
    /// Each mentor leads a group of the mentees matched with them.
    Groups,
    /// The mentees grouped among themselves in peer circles, no mentor.
    Circles,
}

impl PublishAs {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offers => "offers",
            Self::Relationships => "relationships",
            Self::Groups => "groups",
            Self::Circles => "circles",
        }
    }
}

impl std::fmt::Display for PublishAs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for PublishAs {
    const ALL: &'static [Self] = &[
        Self::Offers,
        Self::Relationships,
        Self::Groups,
        Self::Circles,
    ];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

pub fn weight_field(name: &str) -> &'static str {
    match name {
        "expertise" => "weights.expertise",
        "audience" => "weights.audience",
        "language" => "weights.language",
        "time_zone" => "weights.time_zone",
        "availability" => "weights.availability",
        "preference" => "weights.preference",
        _ => "weights",
    }
}

/// What a round knows about a mentee.
#[derive(Debug, Clone, Default)]
pub struct Mentee {
    pub user_id: i64,
    /// Words of their goals, interests and background.
    pub words: BTreeSet<String>,
    pub career_stage: Option<String>,
    pub languages: Vec<String>,
    /// Minutes east of UTC.
    pub utc_offset: Option<i32>,
    /// Mentors (user ids) on their shortlist.
    pub shortlist: Vec<i64>,
}

/// What a round knows about a mentor.
#[derive(Debug, Clone, Default)]
pub struct Mentor {
    pub user_id: i64,
    /// Words of their expertise terms, tags and background.
    pub words: BTreeSet<String>,
    /// Who they take (audience labels).
    pub audiences: Vec<String>,
    pub languages: Vec<String>,
    pub utc_offset: Option<i32>,
    pub available: bool,
}

/// Each part of a pair's score, 0–1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Breakdown {
    pub expertise: f64,
    pub audience: f64,
    pub language: f64,
    pub time_zone: f64,
    pub availability: f64,
    pub preference: f64,
}

impl Breakdown {
    pub fn of(e: &Mentee, m: &Mentor) -> Self {
        // Share of the mentee's words the mentor covers, reaching 1 at a third of them.
        let expertise = words_shared(&e.words, &m.words, e.words.len());
        let audience = match &e.career_stage {
            None => 0.5,
            Some(stage) => {
                let stage = words(stage);
                let fits = m.audiences.iter().any(|a| !words(a).is_disjoint(&stage));
                if fits { 1.0 } else { 0.0 }
            }
        };
        Breakdown {
            expertise,
            audience,
            language: language_fit(&e.languages, &m.languages),
            time_zone: time_zone_fit(e.utc_offset, m.utc_offset),
            availability: if m.available { 1.0 } else { 0.0 },
            preference: if e.shortlist.contains(&m.user_id) {
                1.0
            } else {
                0.0
            },
        }
    }

    /// How well two mentees would do in a peer circle [002: peers at similar stages learning
    /// from each other]: shared words of their goals and interests (against the shorter list),
    /// the same career stage, a shared language and time zones; symmetric. Availability counts
    /// as met and there is no shortlist between peers.
    pub fn of_peers(a: &Mentee, b: &Mentee) -> Self {
        let shorter = a.words.len().min(b.words.len());
        let expertise = words_shared(&a.words, &b.words, shorter);
        let audience = match (&a.career_stage, &b.career_stage) {
            (Some(x), Some(y)) if x == y => 1.0,
            (Some(_), Some(_)) => 0.0,
            _ => 0.5,
        };
        Breakdown {
            expertise,
            audience,
            language: language_fit(&a.languages, &b.languages),
            time_zone: time_zone_fit(a.utc_offset, b.utc_offset),
            availability: 1.0,
            preference: 0.0,
        }
    }

    /// The score out of 100 under `w`, rounded to a hundredth so that equal profiles tie.
    pub fn score(&self, w: &Weights) -> f64 {
        let total = f64::from(w.expertise) * self.expertise
            + f64::from(w.audience) * self.audience
            + f64::from(w.language) * self.language
            + f64::from(w.time_zone) * self.time_zone
            + f64::from(w.availability) * self.availability
            + f64::from(w.preference) * self.preference;
        (total * 10_000.0 / f64::from(w.sum().max(1))).round() / 100.0
    }
}

/// Shared words against `of` of them, reaching 1 at a third; 0 when `of` is 0.
fn words_shared(a: &BTreeSet<String>, b: &BTreeSet<String>, of: usize) -> f64 {
    if of == 0 {
        return 0.0;
    }
    let shared = a.intersection(b).count() as f64;
    (3.0 * shared / of as f64).min(1.0)
}

/// 1 with a language in common, 0 without, 0.5 when either side gives none.
fn language_fit(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        0.5
    } else if shared_language(a, b) {
        1.0
    } else {
        0.0
    }
}

/// 1 in the same zone down to 0 twelve hours apart; 0.5 when either is unknown.
fn time_zone_fit(a: Option<i32>, b: Option<i32>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) => 1.0 - f64::from((a - b).abs().min(720)) / 720.0,
        _ => 0.5,
    }
}

pub fn shared_language(a: &[String], b: &[String]) -> bool {
    a.iter()
        .any(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y)))
}

const STOP: &[&str] = &[
    "and", "the", "for", "with", "from", "into", "that", "this", "have", "about", "want", "would",
    "like", "more", "some", "what", "when", "your", "their", "them", "they", "will", "been",
    "being", "also", "such", "other", "than", "then", "over", "after", "before", "work",
];

/// The words of a text as the directory's search sees them: lower case, without short and
/// common words, and reduced to a rough stem (so "teaching" meets "teach").
pub fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

fn stem(w: &str) -> String {
    for suffix in [
        "ations", "ation", "ings", "ing", "ers", "er", "ies", "es", "ed", "ly", "s",
    ] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.chars().count() >= 3
        {
            return base.to_owned();
        }
    }
    w.to_owned()
}

/// Minutes east of UTC of an IANA time zone name at `at`.
pub fn utc_offset(zone: &str, at: chrono::DateTime<chrono::Utc>) -> Option<i32> {
    use chrono::Offset;
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    Some(at.with_timezone(&tz).offset().fix().local_minus_utc() / 60)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn mentee() -> Mentee {
        Mentee {
            user_id: 1,
            words: words("I want to get better at teaching and giving feedback in simulation"),
            career_stage: Some("Resident".into()),
            languages: vec!["en".into()],
            utc_offset: Some(0),
            shortlist: vec![20],
        }
    }

    fn mentor(id: i64) -> Mentor {
        Mentor {
            user_id: id,
            words: words("Clinical teacher; feedback and simulation debriefs"),
            audiences: vec!["Residents".into()],
            languages: vec!["EN".into(), "fr".into()],
            utc_offset: Some(60),
            available: true,
        }
    }

    #[test]
    fn parts_reflect_the_profiles() {
        let b = Breakdown::of(&mentee(), &mentor(20));
        assert!(b.expertise > 0.9, "teach/feedback/simulation shared: {b:?}");
        assert_eq!(b.audience, 1.0, "resident meets residents");
        assert_eq!(b.language, 1.0);
        assert!((b.time_zone - (1.0 - 60.0 / 720.0)).abs() < 1e-12);
        assert_eq!((b.availability, b.preference), (1.0, 1.0));
        let mut far = mentor(21);
        far.words = words("Orthopaedic surgery rotas");
        far.audiences = vec!["Consultants".into()];
        far.languages = vec!["de".into()];
        far.utc_offset = Some(600);
        far.available = false;
        let b = Breakdown::of(&mentee(), &far);
        assert_eq!(
            (
                b.expertise,
                b.audience,
                b.language,
                b.availability,
                b.preference
            ),
            (0.0, 0.0, 0.0, 0.0, 0.0)
        );
        assert!(b.time_zone < 0.2);
    }

    #[test]
    fn scores_weigh_the_parts_out_of_a_hundred() {
        let all = Breakdown {
            expertise: 1.0,
            audience: 1.0,
            language: 1.0,
            time_zone: 1.0,
            availability: 1.0,
            preference: 1.0,
        };
        assert_eq!(all.score(&Weights::default()), 100.0);
        let half = Breakdown {
            expertise: 0.5,
            ..Breakdown::default()
        };
        let only_expertise = Weights::parse(&[
            ("audience", Some(0)),
            ("language", Some(0)),
            ("time_zone", Some(0)),
            ("availability", Some(0)),
            ("preference", Some(0)),
        ])
        .unwrap();
        assert_eq!(half.score(&only_expertise), 50.0);
    }

    #[test]
    fn bad_weights_name_their_field() {
        let e = Weights::parse(&[("language", Some(11))]).unwrap_err();
        assert_eq!(e.0[0].field, "weights.language");
        let e = Weights::parse(&[("audience", Some(-1))]).unwrap_err();
        assert_eq!(e.0[0].field, "weights.audience");
        let e = Weights::parse(&[("charm", Some(3))]).unwrap_err();
        assert_eq!(e.0[0].field, "weights");
        assert_eq!(Weights::default().get("language"), Some(2));
        assert_eq!(Weights::default().get("charm"), None);
        let zero: Vec<(&str, Option<i64>)> = PARTS.iter().map(|(n, _)| (*n, Some(0))).collect();
        assert_eq!(Weights::parse(&zero).unwrap_err().0[0].field, "weights");
    }

    #[test]
    fn peers_score_each_other_alike() {
        let a = Mentee {
            user_id: 1,
            words: words("qualitative research interviews"),
            career_stage: Some("trainee".into()),
            languages: vec!["English".into()],
            utc_offset: Some(0),
            ..Mentee::default()
        };
        let b = Mentee {
            user_id: 2,
            words: words("research interviewing and ethics"),
            career_stage: Some("trainee".into()),
            languages: vec!["english".into(), "French".into()],
            utc_offset: Some(60),
            ..Mentee::default()
        };
        let c = Mentee {
            user_id: 3,
            words: words("surgery"),
            career_stage: Some("senior".into()),
            languages: vec!["Spanish".into()],
            utc_offset: Some(-300),
            ..Mentee::default()
        };
        let w = Weights::default();
        let ab = Breakdown::of_peers(&a, &b);
        assert_eq!(ab, Breakdown::of_peers(&b, &a), "symmetric");
        assert_eq!((ab.audience, ab.language), (1.0, 1.0));
        assert!(ab.expertise > 0.0);
        assert!(ab.score(&w) > Breakdown::of_peers(&a, &c).score(&w));
        assert_eq!(Breakdown::of_peers(&a, &c).expertise, 0.0);
    }

    #[test]
    fn words_are_stemmed_and_common_ones_dropped() {
        let w = words("Teaching, the feedbacks and simulations!");
        assert!(w.contains("teach") && w.contains("feedback"));
        assert_eq!(words("simulation"), words("Simulations"));
        assert!(!w.contains("the") && !w.contains("and"));
    }

    #[test]
    fn time_zone_offsets_follow_the_calendar() {
        let winter = chrono::DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(utc_offset("Europe/London", winter), Some(0));
        assert_eq!(utc_offset("America/New_York", winter), Some(-300));
        assert_eq!(utc_offset("Mars/Olympus", winter), None);
    }
}
