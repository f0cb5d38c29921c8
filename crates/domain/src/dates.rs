//! Dates, times and counts written the one way Trellis writes them, in pages and letters.

use chrono::{DateTime, NaiveDate, Utc};

/// `3 December 2026` (the UTC date).
pub fn day(t: DateTime<Utc>) -> String {
    date(t.date_naive())
}

/// `3 December 2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// `3 December 2026, 14:05 UTC`.
pub fn day_and_time(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// `1 mentee`, `3 mentees`.
pub fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A short wait in words, rounded up: `40 seconds`, `1 minute`, `5 minutes`.
pub fn wait_in_words(seconds: u64) -> String {
    if seconds < 60 {
        count(i64::try_from(seconds).unwrap_or(59), "second", "seconds")
    } else {
        count(
            i64::try_from(seconds.div_ceil(60)).unwrap_or(i64::MAX),
            "minute",
            "minutes",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_counts_read_as_words() {
        let t: DateTime<Utc> = "2026-12-03T09:05:00Z".parse().expect("a time");
        assert_eq!(day(t), "3 December 2026");
        assert_eq!(day_and_time(t), "3 December 2026, 09:05 UTC");
        assert_eq!(count(1, "mentee", "mentees"), "1 mentee");
        assert_eq!(count(0, "mentee", "mentees"), "0 mentees");
        assert_eq!(count(12, "place", "places"), "12 places");
        assert_eq!(wait_in_words(1), "1 second");
        assert_eq!(wait_in_words(40), "40 seconds");
        assert_eq!(wait_in_words(60), "1 minute");
        assert_eq!(wait_in_words(299), "5 minutes");
    }
}
