//! The figures of a programme's dashboard, computed from dates, states and ratings only: never
//! from anything members wrote. The store fetches the rows; this module counts them.
//!
//! A *cohort* is an intake year: the requests and relationships that began in that year, and the
//! evaluations of those relationships. Mentor applications and mentor capacity are not part of
//! a cohort.

use crate::error::FieldError;
use crate::evaluation::{MIN_ANSWERS_FOR_STAFF, QUESTIONS};
use crate::request::{Cascade, Status};
use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use serde::Serialize;

/// The period a dashboard covers, whole days in UTC, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// Reads `from` and `to` (YYYY-MM-DD, either may be empty); by default the twelve months up
    /// to `today`.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Self, FieldError> {
        let day = |field: &'static str, v: Option<&str>| -> Result<Option<NaiveDate>, FieldError> {
            match v.map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| FieldError::new(field, "Give a date as YYYY-MM-DD")),
            }
        };
        let to = day("to", to)?.unwrap_or(today);
        let from = day("from", from)?.unwrap_or_else(|| {
            let start = to - Months::new(11);
            start.with_day(1).unwrap_or(start)
        });
        if to < from {
            return Err(FieldError::new(
                "to",
                "The end of the period is before its start",
            ));
        }
        if (to - from).num_days() > 366 * 20 {
            return Err(FieldError::new(
                "from",
                "Choose a period of at most twenty years",
            ));
        }
        Ok(Self { from, to })
    }

    /// The first instant of the period.
    pub fn start(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.from.and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// The first instant after the period.
    pub fn end(&self) -> DateTime<Utc> {
        let next = self.to.succ_opt().unwrap_or(self.to);
        Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        t >= self.start() && t < self.end()
    }

    /// The months the period touches, as (year, month).
    pub fn months(&self) -> Vec<(i32, u32)> {
        let mut out = Vec::new();
        let (mut y, mut m) = (self.from.year(), self.from.month());
        while (y, m) <= (self.to.year(), self.to.month()) {
            out.push((y, m));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        out
    }
}

/// Checks a cohort (an intake year).
pub fn parse_cohort(v: Option<&str>) -> Result<Option<i32>, FieldError> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2200).contains(y))
            .map(Some)
            .ok_or_else(|| FieldError::new("cohort", "Give the cohort as a year, such as 2026")),
    }
}

pub fn month_label(y: i32, m: u32) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{} {y}", NAMES[(m as usize).saturating_sub(1) % 12])
}

/// How many of `times` fall in each month of the range.
pub fn per_month(range: &Range, times: &[DateTime<Utc>]) -> Vec<u64> {
    let months = range.months();
    let mut counts = vec![0; months.len()];
    for t in times.iter().filter(|t| range.contains(**t)) {
        if let Some(i) = months
            .iter()
            .position(|&(y, m)| y == t.year() && m == t.month())
        {
            counts[i] += 1;
        }
    }
    counts
}

/// The buckets of the time from request to match, in days: [from, to).
pub const MATCH_BUCKETS: [(&str, i64, i64); 5] = [
    ("Under 1 week", 0, 7),
    ("1 to 2 weeks", 7, 14),
    ("2 to 3 weeks", 14, 21),
    ("3 to 6 weeks", 21, 42),
    ("6 weeks or more", 42, i64::MAX),
];

/// A request as the dashboard sees it.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub created_at: DateTime<Utc>,
    pub cascade: Cascade,
}

/// Who a mentor was to the mentee's request: their 1st, 2nd … choice, or the director's.
pub fn rank_of(c: &Cascade, mentor: i64) -> Option<usize> {
    c.choices.iter().position(|&m| m == mentor)
}

/// Offers made and accepted at one rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankRate {
    /// "1st choice", "2nd choice", "3rd choice" …, or "Director's offer".
    pub rank: String,
    pub offered: u64,
    pub accepted: u64,
    /// accepted / offered, or none before any offer.
    pub rate: Option<f64>,
}

fn rank_name(rank: Option<usize>) -> String {
    match rank {
        None => "Director's offer".into(),
        Some(0) => "1st choice".into(),
        Some(1) => "2nd choice".into(),
        Some(2) => "3rd choice".into(),
        Some(n) => format!("{}th choice", n + 1),
    }
}

/// The request figures of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestFigures {
    /// Requests made in each month of the range.
    pub per_month: Vec<u64>,
    /// Accepted requests by time from request to match ([`MATCH_BUCKETS`]).
    pub time_to_match: Vec<u64>,
    /// Median days from request to match, when any were matched.
    pub median_days_to_match: Option<f64>,
    pub by_rank: Vec<RankRate>,
}

/// Counts the requests made in `range` (a request's offers and outcome count with it).
pub fn request_figures(range: &Range, requests: &[RequestFacts], choices: usize) -> RequestFigures {
    let in_range: Vec<&RequestFacts> = requests
        .iter()
        .filter(|r| range.contains(r.created_at))
        .collect();
    let times: Vec<DateTime<Utc>> = in_range.iter().map(|r| r.created_at).collect();
    let mut time_to_match = vec![0; MATCH_BUCKETS.len()];
    let mut days = Vec::new();
    let ranks = choices.max(1);
    // Index `ranks` is the director's.
    let mut offered = vec![0u64; ranks + 1];
    let mut accepted = vec![0u64; ranks + 1];
    let slot = |r: Option<usize>| r.map_or(ranks, |i| i.min(ranks - 1));
    for r in &in_range {
        for &m in &r.cascade.offered {
            offered[slot(rank_of(&r.cascade, m))] += 1;
        }
        if let Status::Accepted { mentor_id, at } = r.cascade.status {
            accepted[slot(rank_of(&r.cascade, mentor_id))] += 1;
            let d = (at - r.created_at).num_seconds() as f64 / 86_400.0;
            days.push(d);
            if let Some(i) = MATCH_BUCKETS
                .iter()
                .position(|&(_, lo, hi)| d >= lo as f64 && d < hi as f64)
            {
                time_to_match[i] += 1;
            }
        }
    }
    days.sort_by(f64::total_cmp);
    let median_days_to_match = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2]),
        n => Some((days[n / 2 - 1] + days[n / 2]) / 2.0),
    };
    let by_rank = (0..=ranks)
        .map(|i| RankRate {
            rank: rank_name((i < ranks).then_some(i)),
            offered: offered[i],
            accepted: accepted[i],
            rate: (offered[i] > 0).then(|| accepted[i] as f64 / offered[i] as f64),
        })
        .collect();
    RequestFigures {
        per_month: per_month(range, &times),
        time_to_match,
        median_days_to_match,
        by_rank,
    }
}

/// One rating given in an evaluation.
#[derive(Debug, Clone)]
pub struct Rating {
    pub at: DateTime<Utc>,
    pub question: String,
    pub rating: i64,
}

/// One question's results in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterResult {
    pub answers: u64,
    /// `None` ("not enough answers") below [`MIN_ANSWERS_FOR_STAFF`].
    pub average: Option<f64>,
}

/// Evaluation results by quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationFigures {
    /// "2026 Q1" …
    pub quarters: Vec<String>,
    /// For each question of [`QUESTIONS`] (in order): its label and a result per quarter.
    pub questions: Vec<(String, Vec<QuarterResult>)>,
}

fn quarter(y: i32, m: u32) -> (i32, u32) {
    (y, (m - 1) / 3 + 1)
}

/// Averages per question and quarter of the ratings given in `range`, each shown only when at
/// least [`MIN_ANSWERS_FOR_STAFF`] answers exist.
pub fn evaluation_figures(range: &Range, ratings: &[Rating]) -> EvaluationFigures {
    let mut quarters: Vec<(i32, u32)> = Vec::new();
    for (y, m) in range.months() {
        let q = quarter(y, m);
        if quarters.last() != Some(&q) {
            quarters.push(q);
        }
    }
    let questions = QUESTIONS
        .iter()
        .map(|(key, label)| {
            let results = quarters
                .iter()
                .map(|&(y, q)| {
                    let mine: Vec<i64> = ratings
                        .iter()
                        .filter(|r| {
                            r.question == *key
                                && range.contains(r.at)
                                && quarter(r.at.year(), r.at.month()) == (y, q)
                        })
                        .map(|r| r.rating)
                        .collect();
                    let answers = mine.len() as u64;
                    QuarterResult {
                        answers,
                        average: (answers as i64 >= MIN_ANSWERS_FOR_STAFF)
                            .then(|| mine.iter().sum::<i64>() as f64 / answers as f64),
                    }
                })
                .collect();
            ((*label).to_owned(), results)
        })
        .collect();
    EvaluationFigures {
        quarters: quarters.iter().map(|(y, q)| format!("{y} Q{q}")).collect(),
        questions,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;
    use chrono::Duration;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn range_defaults_to_twelve_months_and_refuses_backwards() {
        let r = Range::parse(None, None, day("2026-11-23")).unwrap();
        assert_eq!(r.from, day("2025-12-01"));
        assert_eq!(r.months().len(), 12);
        let e =
            Range::parse(Some("2026-05-01"), Some("2026-04-30"), day("2026-11-23")).unwrap_err();
        assert_eq!(e.field, "to");
        let e = Range::parse(Some("May"), None, day("2026-11-23")).unwrap_err();
        assert_eq!(e.field, "from");
        assert_eq!(parse_cohort(Some("20x6")).unwrap_err().field, "cohort");
        assert_eq!(parse_cohort(Some(" 2026 ")).unwrap(), Some(2026));
    }

    #[test]
    fn both_ends_of_the_range_count() {
        let r = Range::parse(Some("2026-01-31"), Some("2026-03-01"), day("2026-11-23")).unwrap();
        let times = [
            at("2026-01-30T23:59:59Z"),
            at("2026-01-31T00:00:00Z"),
            at("2026-02-14T12:00:00Z"),
            at("2026-03-01T23:59:59Z"),
            at("2026-03-02T00:00:00Z"),
        ];
        assert_eq!(per_month(&r, &times), vec![1, 1, 1]);
    }

    fn accepted(
        created: &str,
        days: i64,
        choices: Vec<i64>,
        offered: Vec<i64>,
        mentor: i64,
    ) -> RequestFacts {
        let created_at = at(created);
        RequestFacts {
            created_at,
            cascade: Cascade {
                choices,
                next_choice: 3,
                offered,
                status: Status::Accepted {
                    mentor_id: mentor,
                    at: created_at + Duration::days(days),
                },
            },
        }
    }

    #[test]
    fn acceptance_by_rank_and_time_to_match() {
        let r = Range::parse(Some("2026-01-01"), Some("2026-12-31"), day("2026-11-23")).unwrap();
        let reqs = vec![
            // First choice accepts after 2 days.
            accepted("2026-01-10T09:00:00Z", 2, vec![1, 2, 3], vec![1], 1),
            // First declines, second accepts after 10 days.
            accepted("2026-02-10T09:00:00Z", 10, vec![1, 2, 3], vec![1, 2], 2),
            // All three pass; the director offers mentor 9, who accepts after 70 days.
            accepted(
                "2026-02-11T09:00:00Z",
                70,
                vec![1, 2, 3],
                vec![1, 2, 3, 9],
                9,
            ),
            // Outside the range: not counted.
            accepted("2025-12-10T09:00:00Z", 1, vec![1, 2, 3], vec![1], 1),
        ];
        let f = request_figures(&r, &reqs, 3);
        assert_eq!(f.per_month[..3], [1, 2, 0]);
        assert_eq!(f.time_to_match, vec![1, 1, 0, 0, 1]);
        assert_eq!(f.median_days_to_match, Some(10.0));
        let rates: Vec<(u64, u64)> = f.by_rank.iter().map(|r| (r.offered, r.accepted)).collect();
        assert_eq!(rates, vec![(3, 1), (2, 1), (1, 0), (1, 1)]);
        assert_eq!(f.by_rank[0].rank, "1st choice");
        assert_eq!(f.by_rank[3].rank, "Director's offer");
        assert!((f.by_rank[0].rate.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(f.by_rank[2].rate, Some(0.0));
    }

    #[test]
    fn evaluation_averages_need_five_answers() {
        let r = Range::parse(Some("2026-01-01"), Some("2026-06-30"), day("2026-11-23")).unwrap();
        let mut ratings: Vec<Rating> = (0..5)
            .map(|i| Rating {
                at: at("2026-02-01T10:00:00Z"),
                question: "satisfaction".into(),
                rating: 3 + (i % 2),
            })
            .collect();
        for _ in 0..4 {
            ratings.push(Rating {
                at: at("2026-05-01T10:00:00Z"),
                question: "satisfaction".into(),
                rating: 5,
            });
        }
        let f = evaluation_figures(&r, &ratings);
        assert_eq!(f.quarters, vec!["2026 Q1", "2026 Q2"]);
        let (label, sat) = &f.questions[2];
        assert_eq!(label, "My satisfaction with the mentoring");
        assert_eq!(sat[0].answers, 5);
        assert!((sat[0].average.unwrap() - 3.4).abs() < 1e-12);
        assert_eq!(sat[1].answers, 4);
        assert_eq!(sat[1].average, None);
        assert_eq!(f.questions[0].1[0].average, None);
    }
}
