//! Roles. The installation admin is a flag on the account; every other staff role is held per
//! programme, and a person may hold several.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Programme office: statuses, chasing, reports; never relationship content.
    Office,
    /// Mentorship director: reviews mentor applications, takes over failed requests.
    Director,
    /// Receives and handles concerns (e.g. the Director of Career Groups).
    ConcernsOfficer,
    /// Chair / president: concerns about the concerns officer or the director.
    Chair,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [
        Self::Office,
        Self::Director,
        Self::ConcernsOfficer,
        Self::Chair,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Office => "office",
            Self::Director => "director",
            Self::ConcernsOfficer => "concerns_officer",
            Self::Chair => "chair",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Office => "Programme office",
            Self::Director => "Mentorship director",
            Self::ConcernsOfficer => "Concerns officer",
            Self::Chair => "Chair / president",
        }
    }
}

impl crate::names::Named for StaffRole {
    const ALL: &'static [Self] = &Self::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StaffRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown role '{s}': expected one of office, director, concerns_officer, chair"
                )
            })
    }
}

/// What the person asking is, for one programme: enough to decide any foundation access rule.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    pub is_admin: bool,
    pub is_member: bool,
    pub roles: Vec<StaffRole>,
}

impl Standing {
    pub fn holds(&self, role: StaffRole) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_staff(&self) -> bool {
        !self.roles.is_empty()
    }

    /// Programme settings, roles and the member list are the admin's.
    pub fn may_administer(&self) -> bool {
        self.is_admin
    }

    /// The programme's running: queues, dashboard, reports, exports and imports. Admins, the
    /// office and the mentorship director.
    pub fn runs_programme(&self) -> bool {
        self.is_admin || self.holds(StaffRole::Director) || self.holds(StaffRole::Office)
    }

    /// The member list and the membership roster: admin and office.
    pub fn may_manage_members(&self) -> bool {
        self.is_admin || self.holds(StaffRole::Office)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text() {
        for r in StaffRole::ALL {
            assert_eq!(r.as_str().parse::<StaffRole>(), Ok(r));
        }
        assert!("admin".parse::<StaffRole>().is_err());
    }

    #[test]
    fn only_admin_and_office_manage_members() {
        let office = Standing {
            roles: vec![StaffRole::Office],
            ..Default::default()
        };
        let director = Standing {
            roles: vec![StaffRole::Director],
            ..Default::default()
        };
        let admin = Standing {
            is_admin: true,
            ..Default::default()
        };
        assert!(office.may_manage_members() && !office.may_administer());
        assert!(!director.may_manage_members());
        assert!(admin.may_manage_members() && admin.may_administer());
    }
}
