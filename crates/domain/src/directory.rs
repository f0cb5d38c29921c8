//! The mentor directory [000, 003]: searching it, mentors' availability, and the annual
//! refresh ("We plan to update the directory annually in January").

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Search text reduced to plain words: letters and digits only, at most 12 words of at most
/// 40 characters. Quotes, `*`, `NEAR`, `-`, parentheses and every other operator of SQLite FTS5
/// or PostgreSQL `tsquery` are gone (the directory is searched in memory now, but the rule stays), so any input is searched as the words it contains.
pub fn search_words(raw: &str) -> Vec<String> {
    raw.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(40).collect::<String>().to_lowercase())
        // FTS5 keywords are only operators in upper case, but drop them whatever the case.
        .filter(|w| !matches!(w.as_str(), "and" | "or" | "not" | "near"))
        .take(12)
        .collect()
}

/// Whether a mentor can take a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AvailabilityFilter {
    /// Not marked unavailable.
    Available,
    /// Available and with a free place.
    HasCapacity,
}

impl AvailabilityFilter {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "available" => Some(Self::Available),
            "capacity" | "has_capacity" => Some(Self::HasCapacity),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first when searching text, else by name.
    #[default]
    Relevance,
    Name,
    /// Most recently listed first.
    Newest,
    /// Most free places first.
    Capacity,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "relevance" => Some(Self::Relevance),
            "name" => Some(Self::Name),
            "newest" => Some(Self::Newest),
            "capacity" => Some(Self::Capacity),
            _ => None,
        }
    }
}

pub const MAX_PAGE_SIZE: u64 = 100;

/// A mentor's "unavailable until" date has passed when that day begins (UTC).
/// The two taxonomies of a programme's directory: who a mentor mentors, and in what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Audience,
    Expertise,
}

impl TermKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audience => "audience",
            Self::Expertise => "expertise",
        }
    }
}

impl std::fmt::Display for TermKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::names::Named for TermKind {
    const ALL: &'static [Self] = &[Self::Audience, Self::Expertise];
    fn name(self) -> &'static str {
        self.as_str()
    }
}

pub fn available_again_at(until: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&until.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The start of `year`'s refresh for a programme whose refresh month is `month`.
pub fn refresh_start(year: i32, month: i32) -> Option<DateTime<Utc>> {
    let m = u32::try_from(month).ok()?;
    NaiveDate::from_ymd_opt(year, m, 1).map(available_again_at)
}

/// How long after its start a missed refresh is still run (a scheduler that was down).
pub const REFRESH_CATCH_UP_DAYS: i64 = 90;

/// The refresh a programme is due to run at `now`, if any: this year's, once its month has
/// begun, for a programme that existed when it began. A scheduler that was down through the
/// whole month still runs it when it comes back, within 90 days; later than that (say, an
/// installation upgraded in November) the year's refresh is skipped rather than sprung on
/// mentors out of season.
pub fn refresh_due(
    now: DateTime<Utc>,
    month: i32,
    programme_created: DateTime<Utc>,
) -> Option<(i32, DateTime<Utc>)> {
    let year = now.year();
    let start = refresh_start(year, month)?;
    let in_season = now >= start && now < start + Duration::days(REFRESH_CATCH_UP_DAYS);
    (in_season && programme_created < start).then_some((year, start))
}

/// A mentor asked at `asked_at` has the grace period to confirm; they are reminded half-way.
pub fn refresh_deadline(asked_at: DateTime<Utc>, grace_days: i32) -> DateTime<Utc> {
    asked_at + Duration::days(i64::from(grace_days))
}

pub fn refresh_reminder_at(asked_at: DateTime<Utc>, grace_days: i32) -> DateTime<Utc> {
    asked_at + Duration::hours(i64::from(grace_days) * 12)
}

/// A confirmation link works until the next year's refresh replaces it, and for a year at most.
pub fn refresh_link_expires(asked_at: DateTime<Utc>) -> DateTime<Utc> {
    asked_at + Duration::days(365)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.to_utc())
            .expect("time")
    }

    #[test]
    fn search_text_is_reduced_to_words() {
        assert_eq!(
            search_words("\"assessment* NEAR(feedback) -osce ((("),
            ["assessment", "feedback", "osce"]
        );
        assert_eq!(
            search_words("Qualitative research"),
            ["qualitative", "research"]
        );
        assert_eq!(search_words("\" ' * - ( ) ^ : \\"), Vec::<String>::new());
        assert_eq!(search_words("médecine générale"), ["médecine", "générale"]);
        assert_eq!(search_words(&"word ".repeat(30)).len(), 12);
        assert_eq!(search_words("teach OR learn"), ["teach", "learn"]);
    }

    #[test]
    fn refresh_runs_once_a_year_from_its_month() {
        let created = t("2025-06-01T00:00:00Z");
        assert_eq!(
            refresh_due(t("2026-01-01T00:00:00Z"), 1, created).map(|r| r.0),
            Some(2026)
        );
        assert_eq!(
            refresh_due(t("2026-02-20T08:00:00Z"), 1, created).map(|r| r.0),
            Some(2026),
            "catches up after the month"
        );
        assert_eq!(
            refresh_due(t("2026-02-20T08:00:00Z"), 3, created),
            None,
            "not before its month"
        );
        assert_eq!(
            refresh_due(t("2025-11-20T08:00:00Z"), 1, created),
            None,
            "not for a programme created after this year's start"
        );
        assert_eq!(refresh_due(t("2026-01-05T00:00:00Z"), 13, created), None);
        assert_eq!(
            refresh_due(t("2026-11-23T00:00:00Z"), 1, created),
            None,
            "not sprung out of season"
        );
        assert_eq!(
            refresh_due(t("2026-11-23T00:00:00Z"), 10, created).map(|r| r.0),
            Some(2026)
        );
    }

    #[test]
    fn refresh_timings() {
        let asked = t("2026-01-01T00:00:00Z");
        assert_eq!(refresh_deadline(asked, 30), t("2026-01-31T00:00:00Z"));
        assert_eq!(refresh_reminder_at(asked, 30), t("2026-01-16T00:00:00Z"));
        assert_eq!(refresh_link_expires(asked), t("2027-01-01T00:00:00Z"));
    }

    #[test]
    fn filters_and_sorts_parse() {
        assert_eq!(
            AvailabilityFilter::parse("capacity"),
            Some(AvailabilityFilter::HasCapacity)
        );
        assert_eq!(AvailabilityFilter::parse("soon"), None);
        assert_eq!(Sort::parse(""), Some(Sort::Relevance));
        assert_eq!(Sort::parse("random"), None);
    }
}
