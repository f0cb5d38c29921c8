//! CSV imports of mentors (with their directory profile) and of existing relationships: each
//! row read and checked on its own, with its line and the reason when it is bad. Rows are
//! streamed: a caller reads the file once to check it and once more to write it, holding only
//! the bad rows and the emails seen.
//!
//! Lists inside a cell (audiences, languages, members …) are separated by `;`. An optional
//! `programme` column must name the programme being imported into.

use crate::account::Email;
use crate::application::{ApplicationDetails, ApplicationInput};
use crate::names::Named;
use crate::programme::Model;
use crate::workspace::{Phase, Role, check_members};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Read;

/// The columns of a mentors file; the first two are required.
pub const MENTOR_COLUMNS: [&str; 13] = [
    "email",
    "name",
    "audiences",
    "expertise",
    "tags",
    "background",
    "capacity",
    "hours_per_month",
    "languages",
    "channels",
    "training_course_date",
    "training_equivalent",
    "availability",
];
const MENTOR_REQUIRED: [&str; 6] = [
    "email",
    "name",
    "audiences",
    "background",
    "capacity",
    "hours_per_month",
];

/// The columns of a relationships file.
pub const RELATIONSHIP_COLUMNS: [&str; 6] = [
    "model",
    "phase",
    "started_on",
    "mentors",
    "mentees",
    "peers",
];
const RELATIONSHIP_REQUIRED: [&str; 3] = ["model", "phase", "started_on"];

/// A CSV file opened for reading: its columns by name.
pub struct Table<R: Read> {
    columns: HashMap<String, usize>,
    reader: csv::Reader<R>,
    programme: String,
    done: bool,
}

/// One data line: its number and its cells.
pub struct Line<'a> {
    pub line: u64,
    record: csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Line<'_> {
    /// The trimmed cell of a column, empty when the column is absent.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    /// A `;`-separated list.
    pub fn list(&self, column: &str) -> Vec<String> {
        self.get(column)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

impl<R: Read> Table<R> {
    /// Opens a file whose header must name `required` columns (any order, any case; more
    /// columns are ignored). A wrong header or an unreadable file is a bad row on line 1.
    pub fn open(
        input: R,
        required: &[&str],
        all: &[&str],
        programme: &str,
    ) -> Result<Self, BadRow> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(input);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| BadRow {
                line: 1,
                reason: format!("cannot read the header: {}", plain_csv_error(&e)),
            })?
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        let columns: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(BadRow {
                line: 1,
                reason: format!(
                    "the header lacks {}; the columns are {} (and optionally programme); found: {}",
                    missing.join(", "),
                    all.join(", "),
                    header.join(",")
                ),
            });
        }
        Ok(Self {
            columns,
            reader,
            programme: programme.to_owned(),
            done: false,
        })
    }

    /// The next data line, a bad row for a line that cannot be read (or that names another
    /// programme), or `None` at the end.
    pub fn next_line(&mut self) -> Option<Result<Line<'_>, BadRow>> {
        if self.done {
            return None;
        }
        let mut record = csv::StringRecord::new();
        match self.reader.read_record(&mut record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                if let Some(column) = record.iter().position(|cell| cell.contains('\0')).map(|i| {
                    self.columns
                        .iter()
                        .find(|(_, at)| **at == i)
                        .map_or("a column", |(name, _)| name.as_str())
                }) {
                    return Some(Err(BadRow {
                        line,
                        reason: format!(
                            "{column}: contains a NUL character, which text cannot hold"
                        ),
                    }));
                }
                let l = Line {
                    line,
                    record,
                    columns: &self.columns,
                };
                let named = l.get("programme");
                if !named.is_empty() && !named.eq_ignore_ascii_case(&self.programme) {
                    return Some(Err(BadRow {
                        line,
                        reason: format!(
                            "programme: unknown programme '{named}'; this file is imported into '{}'",
                            self.programme
                        ),
                    }));
                }
                Some(Ok(l))
            }
            Err(e) => {
                // A bad encoding or a short line spoils only its own line; anything else (an
                // I/O error, broken quoting) stops the reading.
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                ) {
                    self.done = true;
                }
                Some(Err(BadRow {
                    line: e.position().map_or(0, csv::Position::line),
                    reason: plain_csv_error(&e),
                }))
            }
        }
    }
}

fn plain_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text (save it as CSV UTF-8)".into(),
        _ => e.to_string(),
    }
}

pub fn open_mentors<R: Read>(input: R, programme: &str) -> Result<Table<R>, BadRow> {
    Table::open(input, &MENTOR_REQUIRED, &MENTOR_COLUMNS, programme)
}

pub fn open_relationships<R: Read>(input: R, programme: &str) -> Result<Table<R>, BadRow> {
    Table::open(
        input,
        &RELATIONSHIP_REQUIRED,
        &RELATIONSHIP_COLUMNS,
        programme,
    )
}

/// The programme's taxonomy terms by lower-case label.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub audiences: HashMap<String, i64>,
    pub expertise: HashMap<String, i64>,
}

/// A mentor to list, with their directory profile.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorRow {
    pub line: u64,
    pub email: Email,
    pub name: String,
    pub details: ApplicationDetails,
}

/// A line of an imported file that cannot be taken, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

fn bad(line: u64, reason: impl Into<String>) -> BadRow {
    BadRow {
        line,
        reason: reason.into(),
    }
}

/// Reads one mentor line: the same rules as a mentor application.
pub fn mentor_row(l: &Line<'_>, terms: &Terms) -> Result<MentorRow, BadRow> {
    let line = l.line;
    let email = Email::parse("email", l.get("email"))
        .map_err(|e| bad(line, format!("email: {}", e.message)))?;
    let name = l.get("name").to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(bad(line, "name: give a name of 1 to 200 characters"));
    }
    let ids = |column: &str, map: &HashMap<String, i64>| -> Result<Vec<i64>, BadRow> {
        l.list(column)
            .iter()
            .map(|label| {
                map.get(&label.to_lowercase()).copied().ok_or_else(|| {
                    bad(
                        line,
                        format!("{column}: '{label}' is not one of the programme's terms"),
                    )
                })
            })
            .collect()
    };
    let number = |column: &str| -> Result<Option<i32>, BadRow> {
        match l.get(column) {
            "" => Ok(None),
            v => v
                .parse::<i32>()
                .map(Some)
                .map_err(|_| bad(line, format!("{column}: '{v}' is not a whole number"))),
        }
    };
    let input = ApplicationInput {
        audiences: ids("audiences", &terms.audiences)?,
        expertise: ids("expertise", &terms.expertise)?,
        tags: l.list("tags"),
        background: l.get("background").to_owned(),
        training_course_date: Some(l.get("training_course_date").to_owned())
            .filter(|s| !s.is_empty()),
        training_equivalent: l.get("training_equivalent").to_owned(),
        capacity: number("capacity")?,
        hours_per_month: number("hours_per_month")?,
        channels: l.list("channels"),
        languages: l.list("languages"),
        availability: l.get("availability").to_owned(),
    };
    let audience_ids: Vec<i64> = terms.audiences.values().copied().collect();
    let expertise_ids: Vec<i64> = terms.expertise.values().copied().collect();
    let details =
        ApplicationDetails::parse(&input, &audience_ids, &expertise_ids).map_err(|inv| {
            let e = inv.first().map_or_else(
                || ("row".to_owned(), "is not valid".to_owned()),
                |e| (e.field.to_owned(), e.message.clone()),
            );
            bad(line, format!("{}: {}", e.0, e.1))
        })?;
    Ok(MentorRow {
        line,
        email,
        name,
        details,
    })
}

/// An existing relationship to bring in.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipRow {
    pub line: u64,
    pub model: Model,
    pub phase: Phase,
    pub started_on: NaiveDate,
    pub members: Vec<(Email, Role)>,
}

/// Reads one relationship line: its model, phase, start date, and members by email.
pub fn relationship_row(l: &Line<'_>, today: NaiveDate) -> Result<RelationshipRow, BadRow> {
    let line = l.line;
    let Some(model) = Model::from_name(&l.get("model").to_lowercase()) else {
        return Err(bad(line, "model: choose traditional, group or peer"));
    };
    let phase = Phase::parse(&l.get("phase").to_lowercase()).ok_or_else(|| {
        bad(
            line,
            "phase: choose preparing, negotiating, enabling, closing or closed",
        )
    })?;
    let started_on = NaiveDate::parse_from_str(l.get("started_on"), "%Y-%m-%d")
        .map_err(|_| bad(line, "started_on: give a date as YYYY-MM-DD"))?;
    if started_on > today {
        return Err(bad(
            line,
            "started_on: a relationship cannot start in the future",
        ));
    }
    let mut members = Vec::new();
    for (column, role) in [
        ("mentors", Role::Mentor),
        ("mentees", Role::Mentee),
        ("peers", Role::Peer),
    ] {
        for raw in l.list(column) {
            let email = Email::parse("email", &raw)
                .map_err(|e| bad(line, format!("{column}: {raw}: {}", e.message)))?;
            members.push((email, role));
        }
    }
    // The model's rules, with each distinct email standing for one person.
    let mut distinct: Vec<&Email> = Vec::new();
    let people: Vec<(i64, Role)> = members
        .iter()
        .map(|(e, r)| {
            let i = distinct.iter().position(|d| *d == e).unwrap_or_else(|| {
                distinct.push(e);
                distinct.len() - 1
            });
            (i as i64, *r)
        })
        .collect();
    check_members(model, &people).map_err(|inv| {
        bad(
            line,
            format!(
                "members: {}",
                inv.first()
                    .map_or("are not valid for this model", |e| e.message.as_str())
            ),
        )
    })?;
    Ok(RelationshipRow {
        line,
        model,
        phase,
        started_on,
        members,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    fn terms() -> Terms {
        Terms {
            audiences: [("students".into(), 1), ("early career".into(), 2)].into(),
            expertise: [("cardiology".into(), 10)].into(),
        }
    }

    fn mentors(csv: &str) -> (Vec<MentorRow>, Vec<BadRow>) {
        let mut t = open_mentors(csv.as_bytes(), "imp").unwrap();
        let (mut good, mut bads) = (Vec::new(), Vec::new());
        let terms = terms();
        while let Some(l) = t.next_line() {
            match l.and_then(|l| mentor_row(&l, &terms)) {
                Ok(r) => good.push(r),
                Err(b) => bads.push(b),
            }
        }
        (good, bads)
    }

    #[test]
    fn mentor_rows_follow_the_application_rules() {
        let (good, bad) = mentors(
            "Email,Name,Audiences,Expertise,Background,Capacity,Hours_per_month,Languages,programme,training_equivalent\n\
             ana@example.org,Ana Mentor,Students; early career,Cardiology,Twenty years on the wards,2,4,English;French,imp,Faculty course\n\
             ben@example.org,Ben,Pensioners,Cardiology,Background,1,2,,,Course\n\
             cy@example.org,Cy,Students,Cardiology,Background,two,2,,,Course\n\
             di@example.org,Di,Students,Cardiology,Background,1,2,,other,Course\n\
             ed@example.org,Ed,Students,Cardiology,,1,2,,,Course\n",
        );
        assert_eq!(good.len(), 1, "{bad:?}");
        assert_eq!(good[0].details.audiences, vec![1, 2]);
        assert_eq!(good[0].details.languages, vec!["English", "French"]);
        let reasons: Vec<(u64, &str)> = bad.iter().map(|b| (b.line, b.reason.as_str())).collect();
        assert_eq!(reasons[0].0, 3);
        assert!(reasons[0].1.starts_with("audiences: 'Pensioners'"));
        assert!(reasons[1].1.starts_with("capacity: 'two'"));
        assert!(
            reasons[2]
                .1
                .starts_with("programme: unknown programme 'other'")
        );
        assert_eq!(reasons[3].0, 6);
        assert!(reasons[3].1.starts_with("background"), "{}", reasons[3].1);
    }

    #[test]
    fn a_header_without_required_columns_names_them() {
        let e = open_mentors("mail,name\n".as_bytes(), "imp").err().unwrap();
        assert_eq!(e.line, 1);
        assert!(e.reason.contains("lacks email, audiences"), "{}", e.reason);
    }

    #[test]
    fn relationship_rows_check_the_model() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let csv = "model,phase,started_on,mentors,mentees,peers\n\
                   traditional,enabling,2026-01-15,ana@example.org,mo@example.org,\n\
                   traditional,enabling,2026-01-15,ana@example.org,mo@example.org;eve@example.org,\n\
                   group,dreaming,2026-01-15,ana@example.org,mo@example.org;eve@example.org,\n\
                   peer,preparing,2027-01-15,,,a@example.org;b@example.org\n\
                   peer,preparing,2026-01-15,,,a@example.org;A@example.org\n";
        let mut t = open_relationships(csv.as_bytes(), "imp").unwrap();
        let mut out = Vec::new();
        while let Some(l) = t.next_line() {
            out.push(l.and_then(|l| relationship_row(&l, today)));
        }
        let ok = out[0].as_ref().unwrap();
        assert_eq!(ok.phase, Phase::Enabling);
        assert_eq!(ok.members.len(), 2);
        let reason = |i: usize| out[i].as_ref().err().unwrap().reason.clone();
        assert!(
            reason(1).starts_with("members: A traditional relationship has exactly one mentee")
        );
        assert!(reason(2).starts_with("phase:"));
        assert!(reason(3).contains("future"));
        assert!(reason(4).contains("once"), "{}", reason(4));
    }

    #[test]
    fn a_bad_encoding_is_named_and_reading_goes_on() {
        let csv = b"model,phase,started_on,mentors,mentees\ntraditional,enabling,2026-01-15,\xe9@example.org,mo@example.org\ntraditional,enabling,2026-01-15,a@example.org,mo@example.org\n";
        let mut t = open_relationships(&csv[..], "imp").unwrap();
        let mut out = Vec::new();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        while let Some(l) = t.next_line() {
            out.push(l.and_then(|l| relationship_row(&l, today)));
        }
        assert_eq!(out.len(), 2);
        let e = out[0].as_ref().err().unwrap();
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("UTF-8"));
        assert!(out[1].is_ok());
    }

    #[test]
    fn a_nul_character_spoils_only_its_line() {
        let csv = b"model,phase,started_on,mentors,mentees\ntraditional,enabling,2026-01-15,a\0@example.org,mo@example.org\ntraditional,enabling,2026-01-15,a@example.org,mo@example.org\n";
        let mut t = open_relationships(&csv[..], "imp").unwrap();
        let mut out = Vec::new();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        while let Some(l) = t.next_line() {
            out.push(l.and_then(|l| relationship_row(&l, today)));
        }
        let e = out[0].as_ref().err().unwrap();
        assert_eq!(e.line, 2);
        assert!(
            e.reason.starts_with("mentors: contains a NUL"),
            "{}",
            e.reason
        );
        assert!(out[1].is_ok());
    }
}
