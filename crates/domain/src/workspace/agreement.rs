//! The Mentoring Relationship Agreement [001, 004]: its fields, what changed between versions, and signing.

use super::*;

/// The Mentoring Relationship Agreement [001, 004]: every field is the pair's own words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub meeting_schedule: String,
    #[serde(default)]
    pub learning_opportunities: String,
    #[serde(default)]
    pub confidentiality: String,
    #[serde(default)]
    pub ground_rules: String,
    #[serde(default)]
    pub feedback: String,
    #[serde(default)]
    pub log_keeping: String,
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub intended_result: String,
    #[serde(default)]
    pub time_required: String,
    #[serde(default)]
    pub duration: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub response_time: String,
    #[serde(default)]
    pub channels: String,
}

/// The agreement's fields: name, label, hint, required.
pub const AGREEMENT_FIELDS: [(&str, &str, &str, bool); 14] = [
    (
        "goals",
        "Goals and objectives",
        "What the mentee wants to achieve, and how you will know.",
        true,
    ),
    (
        "meeting_schedule",
        "Meeting schedule",
        "How often and for how long you will meet, for example once a month for an hour.",
        true,
    ),
    (
        "learning_opportunities",
        "Learning opportunities and venues",
        "Events, places and people that can help.",
        false,
    ),
    (
        "confidentiality",
        "What confidentiality means for us",
        "What stays between you, and what may be shared and with whom.",
        true,
    ),
    (
        "ground_rules",
        "Ground rules",
        "For example: come prepared, tell each other early if a meeting must move, be honest.",
        true,
    ),
    (
        "feedback",
        "How we give feedback and evaluate progress",
        "",
        false,
    ),
    ("log_keeping", "How we keep the mentoring log", "", false),
    (
        "focus",
        "Focus",
        "A single event, or a broader set of skills.",
        false,
    ),
    ("intended_result", "Intended result", "", false),
    (
        "time_required",
        "Time required",
        "For example two hours a month, including preparation.",
        false,
    ),
    (
        "duration",
        "Duration",
        "For example twelve months, reviewed after six.",
        true,
    ),
    ("contact", "Who contacts whom, and how often", "", false),
    (
        "response_time",
        "Response time",
        "How soon you will answer each other's messages.",
        false,
    ),
    (
        "channels",
        "Channels",
        "For example video calls, email, meeting in person at conferences.",
        false,
    ),
];

impl Agreement {
    /// A field's text by name.
    pub fn get(&self, name: &str) -> &str {
        match name {
            "goals" => &self.goals,
            "meeting_schedule" => &self.meeting_schedule,
            "learning_opportunities" => &self.learning_opportunities,
            "confidentiality" => &self.confidentiality,
            "ground_rules" => &self.ground_rules,
            "feedback" => &self.feedback,
            "log_keeping" => &self.log_keeping,
            "focus" => &self.focus,
            "intended_result" => &self.intended_result,
            "time_required" => &self.time_required,
            "duration" => &self.duration,
            "contact" => &self.contact,
            "response_time" => &self.response_time,
            "channels" => &self.channels,
            _ => "",
        }
    }

    fn set(&mut self, name: &str, value: String) {
        let slot = match name {
            "goals" => &mut self.goals,
            "meeting_schedule" => &mut self.meeting_schedule,
            "learning_opportunities" => &mut self.learning_opportunities,
            "confidentiality" => &mut self.confidentiality,
            "ground_rules" => &mut self.ground_rules,
            "feedback" => &mut self.feedback,
            "log_keeping" => &mut self.log_keeping,
            "focus" => &mut self.focus,
            "intended_result" => &mut self.intended_result,
            "time_required" => &mut self.time_required,
            "duration" => &mut self.duration,
            "contact" => &mut self.contact,
            "response_time" => &mut self.response_time,
            "channels" => &mut self.channels,
            _ => return,
        };
        *slot = value;
    }

    /// Checks an agreement as typed: the essential fields are required, none is longer than
    /// 4,000 characters. Returns it trimmed.
    pub fn parse(input: &Agreement) -> Result<Agreement, Invalid> {
        let mut inv = Invalid::default();
        let mut out = Agreement::default();
        for (name, _, _, required) in AGREEMENT_FIELDS {
            let value = if required {
                inv.check(required_text(name, input.get(name), 4000))
            } else {
                inv.check(optional_text(name, input.get(name), 4000))
                    .map(Option::unwrap_or_default)
            };
            if let Some(v) = value {
                out.set(name, v);
            }
        }
        inv.into_result().map(|()| out)
    }

    /// The fields that differ between two versions: (label, before, after).
    pub fn compare<'a>(&'a self, newer: &'a Agreement) -> Vec<(&'static str, &'a str, &'a str)> {
        AGREEMENT_FIELDS
            .iter()
            .filter(|(name, ..)| self.get(name) != newer.get(name))
            .map(|(name, label, ..)| (*label, self.get(name), newer.get(name)))
            .collect()
    }
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignRefused {
    NotLatest {
        latest: i32,
    },
    AlreadySigned,
    /// The typed name is not the member's name.
    NameMismatch,
}

impl fmt::Display for SignRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotLatest { latest } => write!(
                f,
                "This is not the latest version of the agreement: read and sign version {latest}."
            ),
            Self::AlreadySigned => f.write_str("You have already signed this version."),
            Self::NameMismatch => {
                f.write_str("Type your name exactly as it appears on your profile to sign")
            }
        }
    }
}

/// Checks a signature: on the latest version, once, with the member's own name typed.
pub fn check_signature(
    version: i32,
    latest: i32,
    already_signed: bool,
    typed_name: &str,
    member_name: &str,
) -> Result<(), SignRefused> {
    if version != latest {
        return Err(SignRefused::NotLatest { latest });
    }
    if already_signed {
        return Err(SignRefused::AlreadySigned);
    }
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    if norm(typed_name).is_empty() || norm(typed_name) != norm(member_name) {
        return Err(SignRefused::NameMismatch);
    }
    Ok(())
}
