//! The pages' own template filters: dates and times as people read them, and counts with
//! their nouns. Every page module brings them in with `use super::filters;`.

use chrono::{DateTime, NaiveDate, Utc};
use trellis_domain::dates;

/// `3 December 2026`, for a date or an instant.
#[askama::filter_fn]
pub fn day<D: Day>(t: D, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(dates::date(t.date()))
}

/// `3 December 2026`, or nothing when there is no date.
#[askama::filter_fn]
pub fn day_or_blank<D: Day>(t: &Option<D>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(t.as_ref()
        .map(|t| dates::date(t.date()))
        .unwrap_or_default())
}

/// What [`day`] writes: a date, or the (UTC) date of an instant.
pub trait Day {
    fn date(&self) -> NaiveDate;
}

impl Day for DateTime<Utc> {
    fn date(&self) -> NaiveDate {
        self.date_naive()
    }
}

impl Day for NaiveDate {
    fn date(&self) -> NaiveDate {
        *self
    }
}

impl<T: Day> Day for &T {
    fn date(&self) -> NaiveDate {
        (**self).date()
    }
}

/// `3 December 2026, 14:05 UTC`.
#[askama::filter_fn]
pub fn when(t: &DateTime<Utc>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(dates::day_and_time(*t))
}

/// `1 mentee`, `3 mentees`: `{{ n|count("mentee", "mentees") }}`.
#[askama::filter_fn]
pub fn count<N: Number>(
    n: N,
    _: &dyn askama::Values,
    one: &str,
    many: &str,
) -> askama::Result<String> {
    Ok(dates::count(n.number(), one, many))
}

/// What [`count`] counts: whole numbers, or references to them (templates pass fields by
/// reference and method results by value).
pub trait Number {
    fn number(&self) -> i64;
}

impl Number for i64 {
    fn number(&self) -> i64 {
        *self
    }
}

impl Number for i32 {
    fn number(&self) -> i64 {
        i64::from(*self)
    }
}

impl Number for usize {
    fn number(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl<T: Number> Number for &T {
    fn number(&self) -> i64 {
        (**self).number()
    }
}
