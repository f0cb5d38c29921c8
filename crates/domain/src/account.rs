//! Accounts: the parsed forms of what a person types to register and sign in, and the rules
//! for tokens that the emailed links carry.

use crate::error::{FieldError, Invalid, required_text};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid email address, trimmed and lower-cased so one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let v = raw.trim().to_lowercase();
        let bad = || {
            FieldError::new(
                field,
                "Enter an email address in the correct format, like name@example.org",
            )
        };
        if v.is_empty() {
            return Err(FieldError::new(field, "Enter an email address"));
        }
        if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = v.rsplit_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(bad());
        }
        Ok(Self(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("email", &s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A new password that meets the policy: at least 12 characters (NIST SP 800-63B: length over
/// composition rules), at most 256, and not the person's own email address.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(
        field: &'static str,
        raw: &str,
        email: Option<&Email>,
    ) -> Result<Self, FieldError> {
        let n = raw.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(FieldError::new(
                field,
                format!("Password must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(FieldError::new(
                field,
                format!("Password must be {MAX_PASSWORD_CHARS} characters or fewer"),
            ));
        }
        if email.is_some_and(|e| raw.trim().eq_ignore_ascii_case(e.as_str())) {
            return Err(FieldError::new(
                field,
                "Password must not be your email address",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A person's display name.
pub fn parse_name(field: &'static str, raw: &str) -> Result<String, FieldError> {
    required_text(field, raw, 120)
}

/// What a registration form or `POST /api/v1/accounts` carries, once parsed.
#[derive(Debug)]
pub struct Registration {
    pub name: String,
    pub email: Email,
    pub password: NewPassword,
}

impl Registration {
    pub fn parse(name: &str, email: &str, password: &str) -> Result<Self, Invalid> {
        let mut inv = Invalid::default();
        let name = inv.check(parse_name("name", name));
        let email = inv.check(Email::parse("email", email));
        let password = inv.check(NewPassword::parse("password", password, email.as_ref()));
        match (name, email, password) {
            (Some(name), Some(email), Some(password)) if inv.is_empty() => Ok(Self {
                name,
                email,
                password,
            }),
            _ => Err(inv),
        }
    }
}

/// Why an emailed token is being issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }

    /// How long the emailed link works: a reset link briefly, a verification link for days.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::VerifyEmail => Duration::days(7),
            Self::ResetPassword => Duration::hours(1),
        }
    }
}

/// The state of an emailed link's token when someone follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkCheck {
    Usable,
    Expired,
    AlreadyUsed,
}

pub fn check_link(
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> LinkCheck {
    if used_at.is_some() {
        LinkCheck::AlreadyUsed
    } else if now >= expires_at {
        LinkCheck::Expired
    } else {
        LinkCheck::Usable
    }
}

/// Sign-in throttling, counted over a sliding window so it holds across app instances (the
/// counts live in the database). It must stop guessing without letting a stranger lock the
/// owner out, so no limit blocks an account for everyone:
/// - one address that keeps failing for one account waits (the owner elsewhere does not);
/// - one address that fails for many accounts waits;
/// - an account failed from many addresses slows to one attempt a minute, from anywhere,
///   instead of closing; and the emailed reset link always lets its owner in.
pub const SIGN_IN_WINDOW_MINUTES: i64 = 15;
pub const MAX_FAILURES_PER_ACCOUNT_FROM_ADDRESS: u64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u64 = 20;
/// Failures of one account, from anywhere, after which it takes one attempt per pace.
pub const SLOW_ACCOUNT_AFTER: u64 = 10;
pub const SLOW_ACCOUNT_PACE_SECONDS: i64 = 60;

/// Recent failures (within the window) of one kind: how many, the first and the last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

/// The failures that bear on one attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentFailures {
    /// This account from this address.
    pub account_from_address: Failures,
    /// This address, for any account.
    pub address: Failures,
    /// This account, from any address.
    pub account: Failures,
}

/// `None` when the attempt may go ahead; else how long to wait before trying again.
pub fn sign_in_wait(f: &RecentFailures, now: DateTime<Utc>) -> Option<Duration> {
    let window = Duration::minutes(SIGN_IN_WINDOW_MINUTES);
    let until_window_passes = |x: &Failures, limit: u64| {
        (x.count >= limit).then(|| x.first.map_or(window, |t| t + window - now))
    };
    let slowed = (f.account.count >= SLOW_ACCOUNT_AFTER)
        .then(|| {
            f.account
                .last
                .map(|t| t + Duration::seconds(SLOW_ACCOUNT_PACE_SECONDS) - now)
        })
        .flatten();
    [
        until_window_passes(
            &f.account_from_address,
            MAX_FAILURES_PER_ACCOUNT_FROM_ADDRESS,
        ),
        until_window_passes(&f.address, MAX_FAILURES_PER_ADDRESS),
        slowed,
    ]
    .into_iter()
    .flatten()
    .filter(|wait| *wait > Duration::zero())
    .max()
    .map(|wait| wait.max(Duration::seconds(1)))
}

/// How long a signed-in session lasts without use.
pub fn session_lifetime() -> Duration {
    Duration::days(14)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", "  Ada@Example.ORG ").map(|e| e.0),
            Ok("ada@example.org".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "ada@@example.org",
            "a da@example.org",
            "ada@exa_mple.org",
            "ada@.example.org",
        ] {
            let e = Email::parse("email", bad).expect_err(bad);
            assert_eq!(e.field, "email");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_not_the_email() {
        let email = Email::parse("email", "ada@example.org").ok();
        assert!(NewPassword::parse("password", "short", None).is_err());
        assert!(NewPassword::parse("password", "elevenchars", None).is_err());
        assert!(NewPassword::parse("password", "twelve chars", None).is_ok());
        assert!(NewPassword::parse("password", "ada@example.org", email.as_ref()).is_err());
        // Length counts characters, not bytes.
        assert!(NewPassword::parse("password", "ééééééééééé", None).is_err());
    }

    #[test]
    fn registration_reports_every_bad_field() {
        let inv = Registration::parse(" ", "nope", "short").expect_err("invalid");
        let fields: Vec<_> = inv.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "email", "password"]);
    }

    #[test]
    fn links_expire_and_are_single_use() {
        let now = Utc::now();
        assert_eq!(
            check_link(now + Duration::minutes(1), None, now),
            LinkCheck::Usable
        );
        assert_eq!(check_link(now, None, now), LinkCheck::Expired);
        assert_eq!(
            check_link(now + Duration::days(1), Some(now), now),
            LinkCheck::AlreadyUsed
        );
    }

    #[test]
    fn throttling_waits_per_address_and_slows_the_account() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ago = |m: i64| Some(now - Duration::minutes(m));
        let few = |count, first, last| Failures { count, first, last };
        let none = RecentFailures::default();
        assert_eq!(sign_in_wait(&none, now), None);

        // Five from one address for one account: that address waits out the window.
        let f = RecentFailures {
            account_from_address: few(5, ago(10), ago(1)),
            address: few(5, ago(10), ago(1)),
            account: few(5, ago(10), ago(1)),
        };
        assert_eq!(sign_in_wait(&f, now), Some(Duration::minutes(5)));
        // The owner at another address is not held back by those five.
        let owner = RecentFailures {
            account: few(5, ago(10), ago(1)),
            ..none
        };
        assert_eq!(sign_in_wait(&owner, now), None);

        // Twenty from one address across accounts: that address waits.
        let spray = RecentFailures {
            address: few(20, ago(14), ago(0)),
            ..none
        };
        assert_eq!(sign_in_wait(&spray, now), Some(Duration::minutes(1)));

        // Many addresses on one account: one attempt a minute for everyone, never closed.
        let crowd = RecentFailures {
            account: few(40, ago(14), Some(now - Duration::seconds(20))),
            ..none
        };
        assert_eq!(sign_in_wait(&crowd, now), Some(Duration::seconds(40)));
        let crowd_later = RecentFailures {
            account: few(40, ago(14), ago(2)),
            ..none
        };
        assert_eq!(sign_in_wait(&crowd_later, now), None);
    }
}
