//! A member's profile, which each member edits themself.

use crate::account::parse_name;
use crate::error::{FieldError, Invalid, optional_text};
use serde::{Deserialize, Serialize};

/// Career stages a programme's audiences are described in [003: "from junior to senior"].
pub const CAREER_STAGES: [(&str, &str); 6] = [
    ("student", "Student"),
    ("trainee", "Trainee"),
    ("early_career", "Early career"),
    ("mid_career", "Mid career"),
    ("senior", "Senior"),
    ("retired", "Retired"),
];

/// Ways to keep in touch [004: "email, phone, in person, IM, conferences"].
pub const CHANNELS: [(&str, &str); 6] = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("video", "Video call"),
    ("in_person", "In person"),
    ("chat", "Instant messaging"),
    ("conferences", "At conferences"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub pronouns: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub career_stage: Option<String>,
    pub location: Option<String>,
    /// An IANA time zone name such as `Europe/London`.
    pub time_zone: Option<String>,
    pub languages: Vec<String>,
    pub background: Option<String>,
    pub interests: Option<String>,
    pub channels: Vec<String>,
    /// Their line manager's email address: a programme may keep people away from their own
    /// manager in matching rounds. Shown to the member only.
    #[serde(default)]
    pub manager_email: Option<String>,
}

/// What an edit form or `PATCH /api/v1/me` carries, unparsed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileInput {
    pub name: String,
    #[serde(default)]
    pub pronouns: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub career_stage: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub time_zone: String,
    /// Comma-separated, e.g. "English, French".
    #[serde(default)]
    pub languages: String,
    #[serde(default)]
    pub background: String,
    #[serde(default)]
    pub interests: String,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub manager_email: String,
}

impl ProfileInput {
    pub fn from_profile(p: &Profile) -> Self {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        Self {
            name: p.name.clone(),
            pronouns: s(&p.pronouns),
            organisation: s(&p.organisation),
            title: s(&p.title),
            career_stage: s(&p.career_stage),
            location: s(&p.location),
            time_zone: s(&p.time_zone),
            languages: p.languages.join(", "),
            background: s(&p.background),
            interests: s(&p.interests),
            manager_email: s(&p.manager_email),
            channels: p.channels.clone(),
        }
    }
}

pub fn parse_time_zone(field: &'static str, raw: &str) -> Result<Option<String>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<chrono_tz::Tz>()
        .map(|tz| Some(tz.name().to_owned()))
        .map_err(|_| {
            FieldError::new(
                field,
                "Enter a time zone name like Europe/London or America/New_York",
            )
        })
}

fn parse_career_stage(field: &'static str, raw: &str) -> Result<Option<String>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    CAREER_STAGES
        .iter()
        .find(|(k, _)| *k == v)
        .map(|(k, _)| Some((*k).to_owned()))
        .ok_or_else(|| FieldError::new(field, "Choose a career stage from the list"))
}

fn parse_languages(field: &'static str, raw: &str) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.chars().count() > 40 {
            return Err(FieldError::new(
                field,
                "Each language must be 40 characters or fewer",
            ));
        }
        if !out.iter().any(|l| l.eq_ignore_ascii_case(part)) {
            out.push(part.to_owned());
        }
    }
    if out.len() > 20 {
        return Err(FieldError::new(field, "List 20 languages or fewer"));
    }
    Ok(out)
}

fn parse_channels(field: &'static str, raw: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out = Vec::new();
    for c in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let Some((k, _)) = CHANNELS.iter().find(|(k, _)| *k == c) else {
            return Err(FieldError::new(field, format!("Unknown channel '{c}'")));
        };
        if !out.iter().any(|o: &String| o == k) {
            out.push((*k).to_owned());
        }
    }
    Ok(out)
}

impl Profile {
    pub fn parse(input: &ProfileInput) -> Result<Self, Invalid> {
        let mut inv = Invalid::default();
        let profile = Self {
            name: inv
                .check(parse_name("name", &input.name))
                .unwrap_or_default(),
            pronouns: inv
                .check(optional_text("pronouns", &input.pronouns, 40))
                .flatten(),
            organisation: inv
                .check(optional_text("organisation", &input.organisation, 160))
                .flatten(),
            title: inv
                .check(optional_text("title", &input.title, 160))
                .flatten(),
            career_stage: inv
                .check(parse_career_stage("career_stage", &input.career_stage))
                .flatten(),
            location: inv
                .check(optional_text("location", &input.location, 160))
                .flatten(),
            time_zone: inv
                .check(parse_time_zone("time_zone", &input.time_zone))
                .flatten(),
            languages: inv
                .check(parse_languages("languages", &input.languages))
                .unwrap_or_default(),
            background: inv
                .check(optional_text("background", &input.background, 8000))
                .flatten(),
            interests: inv
                .check(optional_text("interests", &input.interests, 2000))
                .flatten(),
            channels: inv
                .check(parse_channels("channels", &input.channels))
                .unwrap_or_default(),
            manager_email: match input.manager_email.trim() {
                "" => None,
                raw => inv
                    .check(crate::account::Email::parse("manager_email", raw))
                    .map(|e| e.as_str().to_owned()),
            },
        };
        inv.into_result().map(|()| profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProfileInput {
        ProfileInput {
            name: "Ada Lovelace".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_full_profile_parses_and_normalises() {
        let p = Profile::parse(&ProfileInput {
            pronouns: " she/her ".into(),
            career_stage: "early_career".into(),
            time_zone: "Europe/London".into(),
            languages: "English, french, English, ".into(),
            channels: vec!["video".into(), "email".into(), "video".into()],
            ..input()
        })
        .expect("valid");
        assert_eq!(p.pronouns.as_deref(), Some("she/her"));
        assert_eq!(p.languages, ["English", "french"]);
        assert_eq!(p.channels, ["video", "email"]);
        assert_eq!(p.organisation, None);
    }

    #[test]
    fn bad_fields_are_named() {
        let inv = Profile::parse(&ProfileInput {
            name: String::new(),
            time_zone: "Mars/Olympus".into(),
            career_stage: "wizard".into(),
            channels: vec!["pigeon".into()],
            ..input()
        })
        .expect_err("invalid");
        let fields: Vec<_> = inv.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "career_stage", "time_zone", "channels"]);
    }

    #[test]
    fn input_round_trips_a_profile() {
        let p = Profile::parse(&ProfileInput {
            languages: "English, Welsh".into(),
            ..input()
        })
        .expect("valid");
        assert_eq!(Profile::parse(&ProfileInput::from_profile(&p)), Ok(p));
    }
}
