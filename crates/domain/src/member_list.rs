//! The member list a programme office imports (CSV: `email,member_number,name[,member_type]`).
//! Each row is checked and a bad one reported with its line and reason; the import then writes
//! all rows in one transaction, or none when any row is bad (unless told to skip them).

use crate::account::Email;
use crate::import::{BadRow, Line, Table};
use std::collections::HashSet;
use std::io::Read;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub line: u64,
    pub email: Email,
    pub member_number: Option<String>,
    pub name: String,
    pub member_type: Option<String>,
}

pub const REQUIRED_HEADER: [&str; 3] = ["email", "member_number", "name"];
const COLUMNS: [&str; 4] = ["email", "member_number", "name", "member_type"];

/// Opens a member list for reading row by row ([`member_row`]).
pub fn open<R: Read>(input: R, programme: &str) -> Result<Table<R>, BadRow> {
    Table::open(input, &REQUIRED_HEADER, &COLUMNS, programme)
}

/// Reads one member line; `seen` holds the emails of the lines before it, so a repeated email
/// is a bad row.
pub fn member_row(l: &Line<'_>, seen: &mut HashSet<Email>) -> Result<MemberRow, BadRow> {
    let line = l.line;
    let email = Email::parse("email", l.get("email")).map_err(|e| BadRow {
        line,
        reason: format!("email: {}", e.message),
    })?;
    let name = l.get("name").to_owned();
    if name.is_empty() {
        return Err(BadRow {
            line,
            reason: "name: missing".into(),
        });
    }
    if !seen.insert(email.clone()) {
        return Err(BadRow {
            line,
            reason: format!("email: {email} appears more than once in the file"),
        });
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Ok(MemberRow {
        line,
        email,
        member_number: opt(l.get("member_number")),
        name,
        member_type: opt(l.get("member_type")),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    fn parse(input: &[u8]) -> (Vec<MemberRow>, Vec<BadRow>) {
        let (mut rows, mut bad) = (Vec::new(), Vec::new());
        let mut t = match open(input, "imp") {
            Ok(t) => t,
            Err(b) => return (rows, vec![b]),
        };
        let mut seen = HashSet::new();
        while let Some(l) = t.next_line() {
            match l.and_then(|l| member_row(&l, &mut seen)) {
                Ok(r) => rows.push(r),
                Err(b) => bad.push(b),
            }
        }
        (rows, bad)
    }

    #[test]
    fn good_rows_parse_and_bad_rows_are_reported_with_their_line() {
        let csv = "email,member_number,name,member_type\n\
                   ada@example.org,M1,Ada Lovelace,full\n\
                   not-an-email,M2,Bob,full\n\
                   carol@example.org,,Carol,\n\
                   ADA@example.org,M4,Ada again,full\n\
                   dan@example.org,M5,,student\n";
        let (rows, bad) = parse(csv.as_bytes());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].member_number, None);
        assert_eq!(rows[0].member_type.as_deref(), Some("full"));
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [3, 5, 6]);
        assert!(bad[1].reason.contains("more than once"));
    }

    #[test]
    fn a_wrong_header_is_one_clear_error() {
        let (rows, bad) = parse("mail,number\nada@example.org,1\n".as_bytes());
        assert!(rows.is_empty());
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 1);
        assert!(
            bad[0].reason.contains("email, member_number, name"),
            "{}",
            bad[0].reason
        );
    }

    #[test]
    fn non_utf8_is_named() {
        let (_, bad) = parse(&b"email,member_number,name\nz\xe9@example.org,1,Z\xe9\n"[..]);
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].reason.contains("UTF-8"));
    }
}
