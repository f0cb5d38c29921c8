//! Progress of long commands (`import`, `generate`, `match`) on standard error: an indicatif
//! bar on a terminal; in a log (not a terminal), one line at each tenth, so a cron log is not
//! flooded.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// Counts done out of a total, for one stage of work ("checked", "imported", "placed" …).
pub struct Progress {
    bar: Option<ProgressBar>,
    /// For logs: the last tenth written, per stage.
    logged: Mutex<Option<(String, u64)>>,
    noun: &'static str,
}

impl Progress {
    /// Progress over things called `noun` ("rows", "mentees").
    pub fn new(noun: &'static str) -> Self {
        Self::with_terminal(noun, std::io::stderr().is_terminal())
    }

    fn with_terminal(noun: &'static str, terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template("[{bar:20}] {msg} {pos} of {len} {prefix} ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("#>-"),
            );
            b.set_prefix(noun);
            b
        });
        Self {
            bar,
            logged: Mutex::new(None),
            noun,
        }
    }

    /// `done` of `total` are `what` ("checked", "imported").
    pub fn at(&self, what: &str, done: u64, total: u64) {
        if let Some(b) = &self.bar {
            if b.length() != Some(total) {
                b.set_length(total);
            }
            if b.message() != what {
                b.set_message(what.to_owned());
            }
            b.set_position(done);
        } else if let Some(line) = self.log_line(what, done, total) {
            eprintln!("{line}");
        }
    }

    /// The line to log for this step, if it reaches a new tenth of its stage.
    fn log_line(&self, what: &str, done: u64, total: u64) -> Option<String> {
        let tenth = (done.min(total) * 10).checked_div(total).unwrap_or(10);
        let mut logged = self.logged.lock().unwrap_or_else(|e| e.into_inner());
        if logged.as_ref() == Some(&(what.to_owned(), tenth)) {
            return None;
        }
        *logged = Some((what.to_owned(), tenth));
        Some(format!("{what} {done} of {total} {}", self.noun))
    }

    /// Ends the bar (leaving it shown), when there is one.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_get_one_line_a_tenth_of_each_stage() {
        let p = Progress::with_terminal("rows", false);
        let lines: Vec<String> = (0..=1000)
            .filter_map(|i| p.log_line("checked", i, 1000))
            .chain((0..=1000).filter_map(|i| p.log_line("imported", i, 1000)))
            .collect();
        assert_eq!(lines.len(), 22, "0 to 10 tenths, twice: {lines:?}");
        assert_eq!(lines[0], "checked 0 of 1000 rows");
        assert_eq!(lines[10], "checked 1000 of 1000 rows");
        assert_eq!(lines[11], "imported 0 of 1000 rows");
        let empty = Progress::with_terminal("rows", false);
        assert_eq!(
            empty.log_line("imported", 5, 0),
            Some("imported 5 of 0 rows".into()),
            "an empty total counts as done"
        );
    }
}
