//! Programmes and their settings. Every setting defaults to the value the guides give.

use crate::error::{FieldError, Invalid, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// A URL-safe programme identifier: lower-case letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let v = raw.trim().to_lowercase();
        let ok = (2..=60).contains(&v.len())
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !v.starts_with('-')
            && !v.ends_with('-')
            && !v.contains("--");
        if ok {
            Ok(Self(v))
        } else {
            Err(FieldError::new(
                field,
                "Use 2 to 60 lower-case letters, digits and single hyphens, like future-leaders",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who may join a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// Any registered person may join.
    Open,
    /// Only people on the member list the office imports [000: "all mentors are members"].
    MemberList,
}

impl Membership {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::MemberList => "member_list",
        }
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "open" => Ok(Self::Open),
            "member_list" => Ok(Self::MemberList),
            _ => Err(FieldError::new(field, "Choose open or member_list")),
        }
    }
}

/// What a matching round's pairs become when staff publish it, unless they choose otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchingPublish {
    /// Each pair is a request offered to the mentor, who accepts or declines.
    Offers,
    /// Each pair is a relationship at once.
    Relationships,
}

impl MatchingPublish {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offers => "offers",
            Self::Relationships => "relationships",
        }
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "offers" => Ok(Self::Offers),
            "relationships" => Ok(Self::Relationships),
            _ => Err(FieldError::new(field, "Choose offers or relationships")),
        }
    }
}

/// The three relationship models of guide 002.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    Traditional,
    Group,
    Peer,
}

impl Model {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Traditional => "traditional",
            Self::Group => "group",
            Self::Peer => "peer",
        }
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "traditional" => Ok(Self::Traditional),
            "group" => Ok(Self::Group),
            "peer" => Ok(Self::Peer),
            _ => Err(FieldError::new(field, "Choose traditional, group or peer")),
        }
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for Model {
    const ALL: &'static [Self] = &[Self::Traditional, Self::Group, Self::Peer];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// A programme's settings (SPEC §2), with the guides' values as defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub model: Model,
    pub membership: Membership,
    /// Guide 003 reviews mentor applications; guide 000 lists mentors on registration.
    pub review_mentors: bool,
    /// Membership types allowed to mentor (from the member list); empty means all.
    pub mentor_member_types: Vec<String>,
    /// Mentors a mentee names in one request [003: three].
    pub choices_per_request: i32,
    /// Days each named mentor has to reply [003: three weeks].
    pub reply_window_days: i32,
    /// Target for deciding a mentor application [003: four weeks].
    pub application_target_days: i32,
    /// Target for acknowledging a concern [003: 7 days].
    pub concern_ack_days: i32,
    /// Month (1–12) of the annual directory refresh [003: January].
    pub refresh_month: i32,
    /// Days a mentor has to confirm in the refresh.
    pub refresh_grace_days: i32,
    /// Suggested meeting length [003: 60 to 90 minutes].
    pub meeting_minutes_min: i32,
    pub meeting_minutes_max: i32,
    /// Mentees a mentor takes at once unless they say otherwise.
    pub default_mentor_capacity: i32,
    /// Relationships one member may be in at once [002: one mentor may not fit all needs].
    pub max_relationships_per_member: i32,
    /// Days between a relationship's periodic evaluations [001, 002].
    pub evaluation_every_days: i32,
    /// What matching rounds publish pairs as, unless staff choose otherwise for a round.
    pub matching_publish: MatchingPublish,
    /// Matching rounds only pair people with a language in common.
    pub matching_shared_language: bool,
    /// Matching rounds never pair two people of the same organisation.
    pub matching_different_organisation: bool,
    /// Matching rounds never pair a mentee with the mentor their profile names as manager.
    pub matching_not_own_manager: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            model: Model::Traditional,
            membership: Membership::Open,
            review_mentors: true,
            mentor_member_types: Vec::new(),
            choices_per_request: 3,
            reply_window_days: 21,
            application_target_days: 28,
            concern_ack_days: 7,
            refresh_month: 1,
            refresh_grace_days: 30,
            meeting_minutes_min: 60,
            meeting_minutes_max: 90,
            default_mentor_capacity: 2,
            max_relationships_per_member: 3,
            evaluation_every_days: 60,
            matching_publish: MatchingPublish::Offers,
            matching_shared_language: false,
            matching_different_organisation: false,
            matching_not_own_manager: false,
        }
    }
}

impl Settings {
    /// Checks the numbers against sensible ranges, naming the field of each problem.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut inv = Invalid::default();
        let ranges: [(&'static str, i32, i32, i32); 11] = [
            ("choices_per_request", self.choices_per_request, 1, 10),
            ("reply_window_days", self.reply_window_days, 1, 120),
            (
                "application_target_days",
                self.application_target_days,
                1,
                365,
            ),
            ("concern_ack_days", self.concern_ack_days, 1, 60),
            ("refresh_month", self.refresh_month, 1, 12),
            ("refresh_grace_days", self.refresh_grace_days, 1, 180),
            ("meeting_minutes_min", self.meeting_minutes_min, 5, 480),
            ("meeting_minutes_max", self.meeting_minutes_max, 5, 480),
            (
                "default_mentor_capacity",
                self.default_mentor_capacity,
                1,
                100,
            ),
            (
                "max_relationships_per_member",
                self.max_relationships_per_member,
                1,
                50,
            ),
            ("evaluation_every_days", self.evaluation_every_days, 7, 365),
        ];
        for (field, value, lo, hi) in ranges {
            if !(lo..=hi).contains(&value) {
                inv.push(FieldError::new(
                    field,
                    format!("Must be a whole number from {lo} to {hi}"),
                ));
            }
        }
        if self.meeting_minutes_min > self.meeting_minutes_max
            && inv.message_for("meeting_minutes_max").is_none()
        {
            inv.push(FieldError::new(
                "meeting_minutes_max",
                "Must be at least the shortest suggested meeting",
            ));
        }
        inv.into_result()
    }
}

/// A programme's name and description as typed.
#[derive(Debug, Clone)]
pub struct Details {
    pub name: String,
    pub description: Option<String>,
}

impl Details {
    pub fn parse(name: &str, description: &str) -> Result<Self, Invalid> {
        let mut inv = Invalid::default();
        let name = inv.check(required_text("name", name, 120));
        let description = inv.check(optional_text("description", description, 4000));
        match (name, description) {
            (Some(name), Some(description)) => Ok(Self { name, description }),
            _ => Err(inv),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_guides() {
        let s = Settings::default();
        assert_eq!(
            (
                s.choices_per_request,
                s.reply_window_days,
                s.application_target_days
            ),
            (3, 21, 28)
        );
        assert_eq!((s.concern_ack_days, s.refresh_month), (7, 1));
        assert_eq!((s.meeting_minutes_min, s.meeting_minutes_max), (60, 90));
        assert!(s.validate().is_ok());
    }

    #[test]
    fn settings_out_of_range_name_their_field() {
        let s = Settings {
            reply_window_days: 0,
            refresh_month: 13,
            ..Settings::default()
        };
        let inv = s.validate().expect_err("invalid");
        let fields: Vec<_> = inv.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["reply_window_days", "refresh_month"]);
        let s = Settings {
            meeting_minutes_min: 90,
            meeting_minutes_max: 60,
            ..Settings::default()
        };
        assert_eq!(
            s.validate().expect_err("invalid").0[0].field,
            "meeting_minutes_max"
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(
            Slug::parse("slug", " Future-Leaders ").map(|s| s.0),
            Ok("future-leaders".into())
        );
        for bad in ["a", "-x", "x-", "a--b", "a b", "ünï", ""] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad}");
        }
    }
}
