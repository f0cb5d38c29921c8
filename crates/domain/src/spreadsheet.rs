//! Every CSV Trellis writes is opened in a spreadsheet sooner or later, and a spreadsheet runs
//! a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
//! formula: a member named `=HYPERLINK("https://evil.example","Click")` would become a link
//! in the office's copy. [`Writer`] writes such a cell with an apostrophe in front, which
//! spreadsheets show as plain text and hide; plain numbers such as `-3` or `-0.5` are left as
//! they are.

use std::borrow::Cow;
use std::io;

/// The cell as written: `'` put before a cell a spreadsheet would read as a formula.
pub fn cell(text: &str) -> Cow<'_, str> {
    let starts_badly = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if starts_badly && !is_plain_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// `-3`, `+4`, `-0.25`: digits with at most one sign and one decimal point.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// A CSV writer whose every cell goes through [`cell`]: the one way Trellis writes CSV.
pub struct Writer<W: io::Write> {
    inner: csv::Writer<W>,
}

impl<W: io::Write> Writer<W> {
    pub fn new(w: W) -> Self {
        Self {
            inner: csv::Writer::from_writer(w),
        }
    }

    /// Writes one row.
    pub fn row<I, T>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner
            .write_record(cells.into_iter().map(|c| cell(c.as_ref()).into_owned()))
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// The underlying writer, everything flushed.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for bad in [
            "=HYPERLINK(\"https://evil.example\",\"Click\")",
            "+1+1",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
            "-",
            "=",
        ] {
            assert_eq!(cell(bad), format!("'{bad}"), "{bad:?}");
        }
    }

    #[test]
    fn ordinary_text_and_numbers_are_left_alone() {
        for fine in [
            "Ada Lovelace",
            "ada@example.org",
            "-3",
            "+4",
            "-0.25",
            "12",
            "",
            "a=b",
            "Europe/Paris",
        ] {
            assert_eq!(cell(fine), fine, "{fine:?}");
        }
    }

    #[test]
    fn the_writer_quotes_and_neutralises() {
        let mut w = Writer::new(Vec::new());
        w.row(["name", "note"]).unwrap();
        w.row(["=1+1", "a, b"]).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "name,note\n'=1+1,\"a, b\"\n");
    }
}
