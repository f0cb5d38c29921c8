//! The member list a programme office imports (CSV: `email,member_number,name[,member_type]`).
//! Parsing checks every row and reports each bad one with its line and reason; the store then
//! imports all rows in one transaction, or none when any row is bad (unless told to skip them).

use crate::account::Email;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<MemberRow>,
    pub bad: Vec<BadRow>,
}

pub const REQUIRED_HEADER: [&str; 3] = ["email", "member_number", "name"];

/// Reads a member list. A wrong header or unreadable file is reported as a bad row on line 1,
/// so callers have one shape of report.
pub fn parse(input: impl Read) -> Parsed {
    let mut out = Parsed::default();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_lowercase())
            .collect(),
        Err(e) => {
            out.bad.push(BadRow {
                line: 1,
                reason: format!("cannot read the header: {}", plain_csv_error(&e)),
            });
            return out;
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(ci_email), Some(ci_number), Some(ci_name)) =
        (col("email"), col("member_number"), col("name"))
    else {
        out.bad.push(BadRow {
            line: 1,
            reason: format!("the header must name the columns email, member_number, name (and optionally member_type); found: {}", header.join(",")),
        });
        return out;
    };
    let ci_type = col("member_type");
    let mut seen = HashSet::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                out.bad.push(BadRow {
                    line,
                    reason: plain_csv_error(&e),
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, csv::Position::line);
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_owned();
        let email = match Email::parse("email", &get(ci_email)) {
            Ok(e) => e,
            Err(e) => {
                out.bad.push(BadRow {
                    line,
                    reason: format!("email: {}", e.message),
                });
                continue;
            }
        };
        let name = get(ci_name);
        if name.is_empty() {
            out.bad.push(BadRow {
                line,
                reason: "name: missing".into(),
            });
            continue;
        }
        if !seen.insert(email.clone()) {
            out.bad.push(BadRow {
                line,
                reason: format!("email: {email} appears more than once in the file"),
            });
            continue;
        }
        let opt = |s: String| if s.is_empty() { None } else { Some(s) };
        out.rows.push(MemberRow {
            line,
            email,
            member_number: opt(get(ci_number)),
            name,
            member_type: ci_type.and_then(|i| opt(get(i))),
        });
    }
    out
}

fn plain_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text (save it as CSV UTF-8)".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_rows_parse_and_bad_rows_are_reported_with_their_line() {
        let csv = "email,member_number,name,member_type\n\
                   ada@example.org,M1,Ada Lovelace,full\n\
                   not-an-email,M2,Bob,full\n\
                   carol@example.org,,Carol,\n\
                   ADA@example.org,M4,Ada again,full\n\
                   dan@example.org,M5,,student\n";
        let p = parse(csv.as_bytes());
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[1].member_number, None);
        assert_eq!(p.rows[0].member_type.as_deref(), Some("full"));
        let lines: Vec<u64> = p.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [3, 5, 6]);
        assert!(p.bad[1].reason.contains("more than once"));
    }

    #[test]
    fn a_wrong_header_is_one_clear_error() {
        let p = parse("mail,number\nada@example.org,1\n".as_bytes());
        assert!(p.rows.is_empty());
        assert_eq!(p.bad.len(), 1);
        assert!(p.bad[0].reason.contains("email, member_number, name"));
    }

    #[test]
    fn non_utf8_is_named() {
        let p = parse(&b"email,member_number,name\nz\xe9@example.org,1,Z\xe9\n"[..]);
        assert_eq!(p.bad.len(), 1, "{:?}", p.bad);
        assert!(p.bad[0].reason.contains("UTF-8"));
    }
}
