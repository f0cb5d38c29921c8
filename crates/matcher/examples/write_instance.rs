//! Writes a generated instance as the CSV files `trellis match` and the reference solvers
//! read (`mentors.csv`: mentor,capacity; `pairs.csv`: mentee,mentor,score):
//!
//! `cargo run --release -p trellis-matcher --example write_instance -- DIR dense|sparse
//!  MENTEES MENTORS CAP_MIN CAP_MAX PER_MENTEE float|int SEED`
//!
//! `PER_MENTEE` is ignored for dense instances. Scores are written so that they read back to
//! the same number.

use std::io::{BufWriter, Write};
use trellis_matcher::generate::{Instance, Scores};

fn main() -> std::io::Result<()> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() != 9 {
        eprintln!(
            "usage: write_instance DIR dense|sparse MENTEES MENTORS CAP_MIN CAP_MAX PER_MENTEE float|int SEED"
        );
        std::process::exit(2);
    }
    let num = |i: usize| -> usize {
        a[i].parse().unwrap_or_else(|_| {
            eprintln!("argument {} must be a number", i + 1);
            std::process::exit(2)
        })
    };
    let dir = std::path::PathBuf::from(&a[0]);
    let (mentees, mentors) = (num(2), num(3));
    let cap = (num(4) as u32, num(5) as u32);
    let scores = if a[7] == "int" {
        Scores::Int
    } else {
        Scores::Float
    };
    let seed = num(8) as u64;
    let inst = if a[1] == "dense" {
        Instance::dense(seed, mentees, mentors, cap, scores)
    } else {
        Instance::sparse(seed, mentees, mentors, num(6), cap, scores)
    };
    std::fs::create_dir_all(&dir)?;
    let mut w = BufWriter::new(std::fs::File::create(dir.join("mentors.csv"))?);
    writeln!(w, "mentor,capacity")?;
    for (m, c) in inst.capacity.iter().enumerate() {
        writeln!(w, "{m},{c}")?;
    }
    w.flush()?;
    let mut w = BufWriter::new(std::fs::File::create(dir.join("pairs.csv"))?);
    writeln!(w, "mentee,mentor,score")?;
    for (u, m, s) in &inst.pairs {
        writeln!(w, "{u},{m},{s}")?;
    }
    w.flush()?;
    let mut w = BufWriter::new(std::fs::File::create(dir.join("mentees.csv"))?);
    writeln!(w, "mentee")?;
    for u in 0..inst.mentees {
        writeln!(w, "{u}")?;
    }
    w.flush()
}
