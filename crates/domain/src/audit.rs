//! The audit trail: every state change is one append-only row saying who did what to what.

use serde::Serialize;

/// One state change to record. The store adds the time from the clock.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub actor_id: Option<i64>,
    pub programme_id: Option<i64>,
    /// A dotted verb such as `account.registered` or `programme.role_granted`.
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: Option<i64>,
    /// A short human summary; never confidential content.
    pub summary: String,
}

impl AuditEntry {
    pub fn new(
        action: &'static str,
        subject_type: &'static str,
        subject_id: Option<i64>,
        summary: impl Into<String>,
    ) -> Self {
        Self {
            actor_id: None,
            programme_id: None,
            action,
            subject_type,
            subject_id,
            summary: summary.into(),
        }
    }

    pub fn by(mut self, actor_id: Option<i64>) -> Self {
        self.actor_id = actor_id;
        self
    }

    pub fn in_programme(mut self, programme_id: i64) -> Self {
        self.programme_id = Some(programme_id);
        self
    }
}
