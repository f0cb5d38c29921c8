//! Which emails a member gets. Letters fall into kinds; for each kind a member chooses every
//! email, a weekly digest instead, or none (the in-app notification is always written). Some
//! letters always go out by email: the account's own (confirming the address, passwords), the
//! allocation with the other person's address, what a concern's handlers write to the person
//! who reported it, and a pause or resumption of contact.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Each email as it happens.
    #[default]
    Each,
    /// Listed in one email a week instead.
    Digest,
    /// No email; the notification centre still has it.
    Off,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Each => "each",
            Self::Digest => "digest",
            Self::Off => "off",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        match s {
            "each" => Ok(Self::Each),
            "digest" => Ok(Self::Digest),
            "off" => Ok(Self::Off),
            _ => Err(FieldError::new(field, "Choose each, digest or off")),
        }
    }
}

/// The kinds a member chooses for, with what they cover.
pub const KINDS: [(&str, &str); 4] = [
    (
        "requests",
        "Mentorship requests: offers, reminders, replies and requests passed on",
    ),
    (
        "mentoring",
        "Mentoring: your applications and the yearly directory refresh",
    ),
    (
        "relationships",
        "Your relationships: welcomes, meeting invitations, evaluations due, thank-you notes",
    ),
    (
        "concerns",
        "Concerns you handle: new concerns, reminders and escalations",
    ),
];

/// Letters that always go out by email, whatever the member chose.
pub const ALWAYS_SENT: [&str; 8] = [
    "verify_email",
    "reset_password",
    "password_changed",
    "request_allocated",
    "concern_received",
    "concern_update",
    "relationship_paused",
    "relationship_resumed",
];

/// The kind a letter belongs to, or `None` when it always goes out.
pub fn kind_of(template: &str) -> Option<&'static str> {
    if ALWAYS_SENT.contains(&template) {
        return None;
    }
    let kind = if template.starts_with("request_") {
        "requests"
    } else if template.starts_with("application_") || template.starts_with("refresh_") {
        "mentoring"
    } else if template.starts_with("concern_") {
        "concerns"
    } else {
        "relationships"
    };
    Some(kind)
}

/// A member's choices by kind; a kind not named is [`Delivery::Each`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices(pub BTreeMap<String, Delivery>);

impl Choices {
    /// Checks choices given by kind name.
    pub fn parse(input: &BTreeMap<String, String>) -> Result<Self, FieldError> {
        let mut out = BTreeMap::new();
        for (kind, v) in input {
            let Some((k, _)) = KINDS.iter().find(|(k, _)| k == kind) else {
                return Err(FieldError::new(
                    "kind",
                    format!("'{kind}' is not a kind of email"),
                ));
            };
            out.insert((*k).to_owned(), Delivery::parse("delivery", v)?);
        }
        Ok(Self(out))
    }

    pub fn of(&self, kind: &str) -> Delivery {
        self.0.get(kind).copied().unwrap_or_default()
    }

    /// How a letter reaches this member by email.
    pub fn for_letter(&self, template: &str) -> Delivery {
        kind_of(template).map_or(Delivery::Each, |k| self.of(k))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    #[test]
    fn choices_apply_by_kind_and_some_letters_always_go() {
        let input: BTreeMap<String, String> = [
            ("requests".to_owned(), "digest".to_owned()),
            ("relationships".to_owned(), "off".to_owned()),
        ]
        .into();
        let c = Choices::parse(&input).unwrap();
        assert_eq!(c.for_letter("request_offered"), Delivery::Digest);
        assert_eq!(
            c.for_letter("request_allocated"),
            Delivery::Each,
            "allocation always goes"
        );
        assert_eq!(c.for_letter("meeting_invitation"), Delivery::Off);
        assert_eq!(
            c.for_letter("concern_update"),
            Delivery::Each,
            "concern replies always go"
        );
        assert_eq!(
            c.for_letter("application_approved"),
            Delivery::Each,
            "not chosen: each"
        );
        assert_eq!(c.for_letter("reset_password"), Delivery::Each);
        let bad: BTreeMap<String, String> =
            [("requests".to_owned(), "sometimes".to_owned())].into();
        assert_eq!(Choices::parse(&bad).unwrap_err().field, "delivery");
        let bad: BTreeMap<String, String> = [("spam".to_owned(), "off".to_owned())].into();
        assert_eq!(Choices::parse(&bad).unwrap_err().field, "kind");
    }
}
