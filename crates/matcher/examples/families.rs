//! Times the optimal mode on the benchmark families, generated in memory:
//! `cargo run --release -p trellis-matcher --example families [name part, e.g. 20k]`.

use std::time::Instant;
use trellis_matcher::generate::{Instance, Scores};
use trellis_matcher::optimal::{Options, solve};

/// A family's name, and how to generate it (only the families asked for are generated).
type Family = (&'static str, fn() -> Instance);

fn main() {
    let families: [Family; 5] = [
        ("dense 5000x1000x5 float", || {
            Instance::dense(1, 5000, 1000, (5, 5), Scores::Float)
        }),
        ("dense 5000x1000x5 int", || {
            Instance::dense(2, 5000, 1000, (5, 5), Scores::Int)
        }),
        ("dense 5000x1667 cap 1-5 float", || {
            Instance::dense(3, 5000, 1667, (1, 5), Scores::Float)
        }),
        ("sparse 20k x 6667 x 20 float", || {
            Instance::sparse(4, 20_000, 6_667, 20, (1, 5), Scores::Float)
        }),
        ("sparse 50k x 16667 x 20 float", || {
            Instance::sparse(5, 50_000, 16_667, 20, (1, 5), Scores::Float)
        }),
    ];
    // An argument keeps only the families whose name contains it.
    let only = std::env::args().nth(1).unwrap_or_default();
    // The best of three runs (or RUNS): this kind of machine is noisy.
    let runs = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    for (name, make) in families
        .into_iter()
        .filter(|(name, _)| name.contains(&only))
    {
        let p = make().problem();
        let mut best = f64::INFINITY;
        let mut o = None;
        for _ in 0..runs {
            let t = Instant::now();
            o = Some(solve(&p, Options::default(), &mut |_, _| {}));
            best = best.min(t.elapsed().as_secs_f64());
        }
        let o = o.expect("at least one run");
        println!(
            "{name}: {best:.3} s (best of {runs}), matched {} of {}, total {:.6}, rounds {}",
            o.matched,
            p.mentees(),
            o.total,
            o.rounds
        );
    }
}
