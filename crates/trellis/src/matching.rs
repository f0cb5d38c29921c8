//! `trellis match`: a matching round from CSV files, with a progress bar and a CSV or JSON
//! result. The files:
//!
//! - `--mentors`: `mentor,capacity` (an id of your choice, and how many mentees);
//! - `--pairs`: `mentee,mentor,score[,mentor_score]`, one row per allowed pair (higher is
//!   better; `mentor_score`, how much the mentor wants the mentee, is used by the stable mode);
//! - `--mentees` (optional): `mentee`, to count mentees who have no allowed pair;
//! - `--forbid` (optional): `mentee,mentor`, pairs staff have ruled out.

use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use trellis_matcher::optimal::Options;
use trellis_matcher::{Builder, Mode, Outcome, Problem, Unmatched, explain};

#[derive(Debug, clap::Args)]
pub struct MatchCommand {
    /// Mentors and their capacities: `mentor,capacity`.
    #[arg(long)]
    pub mentors: PathBuf,
    /// Allowed pairs and their scores: `mentee,mentor,score[,mentor_score]`.
    #[arg(long)]
    pub pairs: PathBuf,
    /// Every mentee of the round (`mentee`), to include those with no allowed pair.
    #[arg(long)]
    pub mentees: Option<PathBuf>,
    /// Pairs ruled out: `mentee,mentor`.
    #[arg(long)]
    pub forbid: Option<PathBuf>,
    /// optimal (most matched, then best total), stable (no blocking pair) or generous (the
    /// worst-off mentee first).
    #[arg(long, default_value = "optimal", value_parser = ["optimal", "stable", "generous"])]
    pub mode: String,
    /// Pairs per mentee in the first solve (the result is exact whatever the value).
    #[arg(long, default_value_t = 20)]
    pub top_k: usize,
    /// Where to write the result: `.json` for JSON, anything else for CSV.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Explain each pair with up to this many better-scored mentors and their seat prices.
    #[arg(long, default_value_t = 0)]
    pub explain: usize,
}

/// FNV-1a: ids are short strings read millions of times, and hashing them with SipHash was a
/// good part of reading a large pairs file.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Ids as read from the files, and the index each got.
#[derive(Default)]
struct Ids {
    names: Vec<String>,
    index: HashMap<String, u32, std::hash::BuildHasherDefault<Fnv>>,
}

impl Ids {
    fn get_or_add(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(id.to_owned());
        self.index.insert(id.to_owned(), i);
        i
    }
}

/// Column `i` of a row, which must not be empty.
fn field<'a>(row: &[&'a str], i: usize, path: &Path, line: u64) -> Result<&'a str> {
    row.get(i)
        .copied()
        .filter(|v| !v.is_empty())
        .with_context(|| format!("{}:{line}: column {} is missing", path.display(), i + 1))
}

/// A CSV file read whole, its header checked.
enum CsvFile {
    /// No quotes: split by hand, which is several times faster than the general reader on
    /// files of millions of pairs.
    Plain(String),
    /// Quoted fields, read by the general reader: the header, and each row with its line.
    Quoted {
        header: Vec<String>,
        rows: Vec<(u64, csv::StringRecord)>,
    },
}

impl CsvFile {
    /// Reads `path`, whose header must start with `header`.
    fn read(path: &Path, header: &[&str]) -> Result<Self> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| anyhow::anyhow!("{}: not UTF-8 text ({e})", path.display()))?;
        let file = if text.contains('"') {
            let mut r = csv::ReaderBuilder::new()
                .trim(csv::Trim::All)
                .from_reader(text.as_bytes());
            let header = r.headers()?.iter().map(str::to_owned).collect();
            let mut rows = Vec::new();
            let mut line = 1u64;
            let mut rec = csv::StringRecord::new();
            while r.read_record(&mut rec)? {
                line += 1;
                rows.push((line, rec.clone()));
            }
            CsvFile::Quoted { header, rows }
        } else {
            CsvFile::Plain(text)
        };
        let got = file.header();
        if header
            .iter()
            .enumerate()
            .any(|(i, want)| got.get(i) != Some(want))
        {
            bail!(
                "{}: the header must start with {} (found {})",
                path.display(),
                header.join(","),
                got.join(",")
            );
        }
        Ok(file)
    }

    /// At least as many as the data rows.
    fn max_rows(&self) -> usize {
        match self {
            CsvFile::Plain(text) => lines(text) + 1,
            CsvFile::Quoted { rows, .. } => rows.len(),
        }
    }

    fn header(&self) -> Vec<&str> {
        match self {
            CsvFile::Plain(text) => {
                let head = text.split('\n').next().unwrap_or_default();
                let mut fields = Vec::new();
                split(head.strip_suffix('\r').unwrap_or(head), &mut fields);
                fields
            }
            CsvFile::Quoted { header, .. } => header.iter().map(String::as_str).collect(),
        }
    }

    /// `parse(header, line, fields)` turns each data row into a value, and `take(line,
    /// value)` receives the values in file order; the first error in file order stops it.
    /// A large plain file is parsed in two halves on two threads.
    fn each_row<'a, T, P, F>(&'a self, parse: P, mut take: F) -> Result<()>
    where
        T: Send,
        P: for<'f> Fn(&'f [&'a str], u64, &'f [&'a str]) -> Result<T> + Sync,
        F: FnMut(u64, T) -> Result<()>,
    {
        let header = self.header();
        let text = match self {
            CsvFile::Plain(text) => text,
            CsvFile::Quoted { rows, .. } => {
                for (line, rec) in rows {
                    let fields: Vec<&str> = rec.iter().collect();
                    take(*line, parse(&header, *line, &fields)?)?;
                }
                return Ok(());
            }
        };
        let body = text.split_once('\n').map_or("", |(_, body)| body);
        // Rows from line `first` to the end of `chunk` (which has `ends` line ends), or until the
        // first bad one.
        // Sized to its line count up front, and one `fields` for every line: fresh memory is
        // dear here (the kernel zeroes each new page), and growing or allocating per line was
        // a good part of reading a large file.
        let rows =
            |chunk: &'a str, first: u64, ends: usize| -> (Vec<(u64, T)>, Option<anyhow::Error>) {
                let mut out = Vec::with_capacity(ends + 1);
                let mut fields: Vec<&str> = Vec::with_capacity(8);
                for (i, raw) in chunk.split('\n').enumerate() {
                    let l = raw.strip_suffix('\r').unwrap_or(raw);
                    if l.trim().is_empty() {
                        continue;
                    }
                    let line = first + i as u64;
                    split(l, &mut fields);
                    match parse(&header, line, &fields) {
                        Ok(v) => out.push((line, v)),
                        Err(e) => return (out, Some(e)),
                    }
                }
                (out, None)
            };
        // Two halves, cut at the end of a line, when there is enough to share.
        let cut = if body.len() >= 1 << 20 {
            body[body.len() / 2..]
                .find('\n')
                .map_or(body.len(), |i| body.len() / 2 + i + 1)
        } else {
            body.len()
        };
        let (one, two) = body.split_at(cut);
        let ends = lines(one);
        let halves = if two.is_empty() {
            [rows(one, 2, ends), (Vec::new(), None)]
        } else {
            let second_line = 2 + ends as u64;
            std::thread::scope(|scope| {
                let later = scope.spawn(|| rows(two, second_line, lines(two)));
                let first = rows(one, 2, ends);
                let second = later
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                [first, second]
            })
        };
        for (values, error) in halves {
            for (line, v) in values {
                take(line, v)?;
            }
            if let Some(e) = error {
                return Err(e);
            }
        }
        Ok(())
    }
}

/// How many line ends `text` has.
fn lines(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count()
}

/// The fields of a plain line, trimmed, into `fields`.
fn split<'a>(line: &'a str, fields: &mut Vec<&'a str>) {
    fields.clear();
    fields.extend(line.split(',').map(str::trim));
}

/// The round as read: the problem, and the ids of its mentees and mentors.
pub struct Round {
    pub problem: Problem,
    pub mentees: Vec<String>,
    pub mentors: Vec<String>,
}

pub fn read(cmd: &MatchCommand) -> Result<Round> {
    let mut mentors = Ids::default();
    let mut capacity = Vec::new();
    let file = CsvFile::read(&cmd.mentors, &["mentor", "capacity"])?;
    file.each_row(
        |_, line, f| {
            let id = field(f, 0, &cmd.mentors, line)?;
            let cap: u32 = field(f, 1, &cmd.mentors, line)?
                .parse()
                .ok()
                .filter(|c| (1..=1000).contains(c))
                .with_context(|| {
                    format!(
                        "{}:{line}: the capacity must be a whole number from 1 to 1000",
                        cmd.mentors.display()
                    )
                })?;
            Ok((id, cap))
        },
        |line, (id, cap)| {
            if mentors.index.contains_key(id) {
                bail!(
                    "{}:{line}: mentor {id} is listed twice",
                    cmd.mentors.display()
                );
            }
            mentors.get_or_add(id);
            capacity.push(cap);
            Ok(())
        },
    )?;
    let mut mentees = Ids::default();
    if let Some(path) = &cmd.mentees {
        let file = CsvFile::read(path, &["mentee"])?;
        file.each_row(
            |_, line, f| field(f, 0, path, line),
            |_, id| {
                mentees.get_or_add(id);
                Ok(())
            },
        )?;
    }
    let pairs_path = &cmd.pairs;
    let pairs_file = CsvFile::read(pairs_path, &["mentee", "mentor", "score"])?;
    let mut pairs: Vec<(u32, u32, f64, f64)> = Vec::with_capacity(pairs_file.max_rows());
    // Pairs usually come grouped by mentee: the last one's index saves a lookup.
    let mut last: Option<(&str, u32)> = None;
    let mentor_index = &mentors.index;
    pairs_file.each_row(
        |header, line, f| {
            let get = |i: usize| field(f, i, pairs_path, line);
            let (e, m) = (get(0)?, get(1)?);
            let Some(&mi) = mentor_index.get(m) else {
                bail!(
                    "{}:{line}: mentor {m} is not in {}",
                    pairs_path.display(),
                    cmd.mentors.display()
                );
            };
            let number = |i: usize| -> Result<f64> {
                get(i)?
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite())
                    .with_context(|| {
                        format!(
                            "{}:{line}: column {} must be a number",
                            pairs_path.display(),
                            i + 1
                        )
                    })
            };
            let s = number(2)?;
            let t = if f.len() > 3 && header.get(3) == Some(&"mentor_score") {
                number(3)?
            } else {
                s
            };
            Ok((e, mi, s, t))
        },
        |line, (e, mi, s, t)| {
            let ei = match last {
                Some((id, i)) if id == e => i,
                _ if cmd.mentees.is_some() => *mentees.index.get(e).with_context(|| {
                    format!(
                        "{}:{line}: mentee {e} is not in the mentees file",
                        pairs_path.display()
                    )
                })?,
                _ => mentees.get_or_add(e),
            };
            last = Some((e, ei));
            pairs.push((ei, mi, s, t));
            Ok(())
        },
    )?;
    let mut b = Builder::with_pairs(mentees.names.len(), capacity, pairs);
    if let Some(path) = &cmd.forbid {
        let file = CsvFile::read(path, &["mentee", "mentor"])?;
        file.each_row(
            |_, line, f| Ok((field(f, 0, path, line)?, field(f, 1, path, line)?)),
            |_, (e, m)| {
                if let (Some(&ei), Some(&mi)) = (mentees.index.get(e), mentors.index.get(m)) {
                    b.forbid(ei as usize, mi as usize);
                }
                Ok(())
            },
        )?;
    }
    let problem = b.build().map_err(|e| {
        let name = |list: &Ids, i: usize| list.names.get(i).cloned().unwrap_or_default();
        match e {
            trellis_matcher::ProblemError::RepeatedPair { mentee, mentor } => anyhow::anyhow!(
                "{}: mentee {} and mentor {} are given twice",
                cmd.pairs.display(),
                name(&mentees, mentee),
                name(&mentors, mentor)
            ),
            other => anyhow::anyhow!("{other}"),
        }
    })?;
    Ok(Round {
        problem,
        mentees: mentees.names,
        mentors: mentors.names,
    })
}

pub fn run(cmd: MatchCommand) -> Result<()> {
    let started = Instant::now();
    let round = read(&cmd)?;
    let read_secs = started.elapsed().as_secs_f64();
    let mode = Mode::parse(&cmd.mode).context("unknown mode")?;
    let bar = crate::progress::Progress::new("mentees");
    let mut progress = |done: usize, of: usize| bar.at("placed", done as u64, of as u64);
    let solve_started = Instant::now();
    let o = trellis_matcher::run(
        &round.problem,
        mode,
        Options::top_k(cmd.top_k),
        &mut progress,
    );
    let solve_secs = solve_started.elapsed().as_secs_f64();
    bar.finish();
    if let Some(path) = &cmd.out {
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        );
        if path.extension().is_some_and(|e| e == "json") {
            write_json(&mut file, &round, &o, &cmd, solve_secs)?;
        } else {
            write_csv(&mut file, &round, &o, &cmd)?;
        }
        file.flush()?;
    }
    let count = |why: Unmatched| o.unmatched.iter().filter(|(_, w)| *w == why).count();
    println!("mode {}", cmd.mode);
    println!("mentees {}", round.problem.mentees());
    println!("mentors {}", round.problem.mentors());
    println!("pairs {}", round.problem.pairs());
    println!("matched {}", o.matched);
    println!("total {}", o.total);
    if let (Some(min), Some(mean)) = (o.min, o.mean) {
        println!("min {min}");
        println!("mean {mean}");
    }
    println!("blocking_pairs {}", o.blocking_pairs);
    println!(
        "unmatched_no_allowed_mentor {}",
        count(Unmatched::NoAllowedMentor)
    );
    println!("unmatched_capacity {}", count(Unmatched::Capacity));
    println!("read_seconds {read_secs:.3}");
    println!("solve_seconds {solve_secs:.3}");
    Ok(())
}

fn explanations(round: &Round, o: &Outcome, mentee: usize, limit: usize) -> Vec<String> {
    if limit == 0 {
        return Vec::new();
    }
    explain::explain(&round.problem, o, mentee, limit).sentences(&|m| round.mentors[m].clone())
}

fn write_csv(w: &mut impl Write, round: &Round, o: &Outcome, cmd: &MatchCommand) -> Result<()> {
    let mut out = trellis_domain::spreadsheet::Writer::new(w);
    out.row([
        "mentee",
        "mentor",
        "score",
        "seat_price",
        "unmatched",
        "why",
    ])?;
    for (u, a) in o.assigned.iter().enumerate() {
        let why = explanations(round, o, u, cmd.explain).join("; ");
        match a {
            Some(m) => {
                let m = *m as usize;
                let score = round.problem.score(u, m).unwrap_or(f64::NAN);
                let price = o
                    .prices
                    .as_ref()
                    .map(|p| p[m].to_string())
                    .unwrap_or_default();
                out.row([
                    round.mentees[u].as_str(),
                    round.mentors[m].as_str(),
                    &score.to_string(),
                    &price,
                    "",
                    &why,
                ])?;
            }
            None => {
                let reason =
                    o.unmatched
                        .iter()
                        .find(|(x, _)| *x == u)
                        .map_or("", |(_, w)| match w {
                            Unmatched::NoAllowedMentor => "no allowed mentor",
                            Unmatched::Capacity => "capacity",
                        });
                out.row([round.mentees[u].as_str(), "", "", "", reason, &why])?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn write_json(
    w: &mut impl Write,
    round: &Round,
    o: &Outcome,
    cmd: &MatchCommand,
    seconds: f64,
) -> Result<()> {
    let pairs: Vec<serde_json::Value> = o
        .assigned
        .iter()
        .enumerate()
        .map(|(u, a)| {
            let m = a.map(|m| m as usize);
            serde_json::json!({
                "mentee": round.mentees[u],
                "mentor": m.map(|m| round.mentors[m].clone()),
                "score": m.and_then(|m| round.problem.score(u, m)),
                "seat_price": m.and_then(|m| o.prices.as_ref().map(|p| p[m])),
                "unmatched": o.unmatched.iter().find(|(x, _)| *x == u).map(|(_, w)| w),
                "why": explanations(round, o, u, cmd.explain),
            })
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *w,
        &serde_json::json!({
            "mode": o.mode,
            "mentees": round.problem.mentees(),
            "matched": o.matched,
            "total": o.total,
            "min": o.min,
            "mean": o.mean,
            "blocking_pairs": o.blocking_pairs,
            "solve_seconds": seconds,
            "pairs": pairs,
        }),
    )?;
    writeln!(w)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    /// Rows of `text` as `take` receives them (line, first field), or the error.
    fn read_all(text: &str) -> (Vec<(u64, String)>, Option<String>) {
        let file = CsvFile::Plain(text.to_owned());
        let mut got = Vec::new();
        let result = file.each_row(
            |_, line, f| {
                if f[1] == "bad" {
                    bail!("line {line} is bad");
                }
                Ok(f[0])
            },
            |line, id| {
                got.push((line, id.to_owned()));
                Ok(())
            },
        );
        (got, result.err().map(|e| e.to_string()))
    }

    /// A file large enough to be parsed in two halves: every row arrives once, in file order,
    /// with its line (blank lines and CRLF included), and the first bad row in file order is
    /// the one reported, whichever half it is in.
    #[test]
    fn a_large_file_is_read_in_order_and_its_first_error_is_named() {
        let rows = 120_000;
        let mut text = String::from("id,what\r\n");
        for i in 0..rows {
            text.push_str(&format!("row{i},ok\r\n"));
            if i % 50_000 == 0 {
                text.push_str("\r\n");
            }
        }
        assert!(text.len() > 1 << 20, "large enough for two halves");
        let (got, error) = read_all(&text);
        assert_eq!(error, None);
        assert_eq!(got.len(), rows);
        let mut line = 1;
        for (i, (l, id)) in got.iter().enumerate() {
            // Each row is on the next line, after the blank lines following rows 0, 50000, 100000.
            line += if i > 0 && (i - 1) % 50_000 == 0 { 2 } else { 1 };
            assert_eq!((*l, id.as_str()), (line, format!("row{i}").as_str()));
        }

        // A bad row late in the file only: named with its line, the rows before it taken.
        let late = text.replace("row110000,ok", "row110000,bad");
        let (got, error) = read_all(&late);
        let at = got.len() as u64;
        assert_eq!(at, 110_000);
        assert_eq!(
            error,
            Some(format!("line {} is bad", got[got.len() - 1].0 + 1))
        );
        // Bad rows in both halves: the earlier one is reported.
        let both = late.replace("row10,ok", "row10,bad");
        let (got, error) = read_all(&both);
        assert_eq!(got.len(), 10);
        assert_eq!(error, Some("line 13 is bad".to_owned()));
    }
}
