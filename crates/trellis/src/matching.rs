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
use std::io::{IsTerminal, Write};
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

/// Calls `row(line, fields)` for each data row of a CSV file whose header starts with `header`
/// (after `seen(header)`). Plain files (no quotes) are split by hand, which is several times
/// faster than the general reader on files of millions of pairs; quoted ones go through it.
fn each_row(
    path: &Path,
    header: &[&str],
    seen: &dyn Fn(&[&str]),
    mut row: impl FnMut(u64, &[&str]) -> Result<()>,
) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: not UTF-8 text ({e})", path.display()))?;
    let check = |got: &[&str]| -> Result<()> {
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
        seen(got);
        Ok(())
    };
    if text.contains('"') {
        // The bytes are already read: parse them rather than opening the file again.
        let mut r = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes.as_slice());
        let got: Vec<String> = r.headers()?.iter().map(str::to_owned).collect();
        check(&got.iter().map(String::as_str).collect::<Vec<_>>())?;
        let mut rec = csv::StringRecord::new();
        let mut line = 1u64;
        while r.read_record(&mut rec)? {
            line += 1;
            let fields: Vec<&str> = rec.iter().collect();
            row(line, &fields)?;
        }
        return Ok(());
    }
    let mut fields: Vec<&str> = Vec::with_capacity(8);
    for (i, raw) in text.split('\n').enumerate() {
        let l = raw.strip_suffix('\r').unwrap_or(raw);
        fields.clear();
        fields.extend(l.split(',').map(str::trim));
        if i == 0 {
            check(&fields)?;
        } else if !l.trim().is_empty() {
            row(i as u64 + 1, &fields)?;
        }
    }
    Ok(())
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
    each_row(&cmd.mentors, &["mentor", "capacity"], &|_| {}, |line, f| {
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
        if mentors.index.contains_key(id) {
            bail!(
                "{}:{line}: mentor {id} is listed twice",
                cmd.mentors.display()
            );
        }
        mentors.get_or_add(id);
        capacity.push(cap);
        Ok(())
    })?;
    let mut mentees = Ids::default();
    if let Some(path) = &cmd.mentees {
        each_row(path, &["mentee"], &|_| {}, |line, f| {
            mentees.get_or_add(field(f, 0, path, line)?);
            Ok(())
        })?;
    }
    let with_mentor_score = std::cell::Cell::new(false);
    let mut pairs: Vec<(u32, u32, f64, f64)> = Vec::new();
    // Pairs usually come grouped by mentee: the last one's index saves a lookup.
    let mut last: Option<(String, u32)> = None;
    let pairs_path = &cmd.pairs;
    each_row(
        pairs_path,
        &["mentee", "mentor", "score"],
        &|h: &[&str]| {
            with_mentor_score.set(h.get(3) == Some(&"mentor_score"));
        },
        |line, f| {
            let get = |i: usize| field(f, i, pairs_path, line);
            let (e, m) = (get(0)?, get(1)?);
            let Some(&mi) = mentors.index.get(m) else {
                bail!(
                    "{}:{line}: mentor {m} is not in {}",
                    pairs_path.display(),
                    cmd.mentors.display()
                );
            };
            let ei = if let Some((_, i)) = last.as_ref().filter(|(id, _)| id == e) {
                *i
            } else if cmd.mentees.is_some() {
                *mentees.index.get(e).with_context(|| {
                    format!(
                        "{}:{line}: mentee {e} is not in the mentees file",
                        pairs_path.display()
                    )
                })?
            } else {
                mentees.get_or_add(e)
            };
            if last.as_ref().is_none_or(|(id, _)| id != e) {
                last = Some((e.to_owned(), ei));
            }
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
            let t = if f.len() > 3 && with_mentor_score.get() {
                number(3)?
            } else {
                s
            };
            pairs.push((ei, mi, s, t));
            Ok(())
        },
    )?;
    let mut b = Builder::new(mentees.names.len(), capacity);
    for (e, m, s, t) in pairs {
        b.pair_both(e as usize, m as usize, s, t);
    }
    if let Some(path) = &cmd.forbid {
        each_row(path, &["mentee", "mentor"], &|_| {}, |line, f| {
            let (e, m) = (field(f, 0, path, line)?, field(f, 1, path, line)?);
            if let (Some(&ei), Some(&mi)) = (mentees.index.get(e), mentors.index.get(m)) {
                b.forbid(ei as usize, mi as usize);
            }
            Ok(())
        })?;
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
    let tty = std::io::stderr().is_terminal();
    let mut shown = usize::MAX;
    let mut progress = |done: usize, of: usize| {
        let tenth = (done * 10).checked_div(of).unwrap_or(10);
        if tty {
            let filled = (done * 20).checked_div(of).unwrap_or(20);
            eprint!(
                "\r[{}{}] placed {done} of {of} mentees",
                "#".repeat(filled),
                "-".repeat(20 - filled)
            );
        } else if tenth != shown {
            shown = tenth;
            eprintln!("placed {done} of {of} mentees");
        }
    };
    let solve_started = Instant::now();
    let o = trellis_matcher::run(
        &round.problem,
        mode,
        Options::top_k(cmd.top_k),
        &mut progress,
    );
    let solve_secs = solve_started.elapsed().as_secs_f64();
    if tty {
        eprintln!();
    }
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
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
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
                out.write_record([
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
                out.write_record([round.mentees[u].as_str(), "", "", "", reason, &why])?;
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
