//! The cohort matcher: pairs mentees with mentors who have capacities, under hard
//! constraints, in one of three modes — optimal (most matched, then best total score, with
//! a proof of optimality and seat prices), stable (no blocking pair) and generous (the
//! worst-off mentee first). Pure computation: no I/O, deterministic.

pub mod cardinality;
pub mod circles;
pub mod explain;
pub mod generate;
pub mod generous;
pub mod optimal;
pub mod outcome;
pub mod problem;
mod radix;
pub mod stable;

pub use outcome::{Mode, Outcome, Unmatched};
pub use problem::{Builder, Person, Problem, ProblemError, Rules};

/// Runs `mode` on `p`; `progress(done, of)` is called as mentees are placed.
pub fn run(
    p: &Problem,
    mode: Mode,
    opts: optimal::Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Outcome {
    match mode {
        Mode::Optimal => optimal::solve(p, opts, progress),
        Mode::Stable => stable::solve(p),
        Mode::Generous => generous::solve(p, opts, progress),
    }
}
