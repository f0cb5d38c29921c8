//! Times the optimal mode on the benchmark families, generated in memory:
//! `cargo run --release -p trellis-matcher --example families`.

use std::time::Instant;
use trellis_matcher::generate::{Instance, Scores};
use trellis_matcher::optimal::{Options, solve};

fn main() {
    let families = [
        (
            "dense 5000x1000x5 float",
            Instance::dense(1, 5000, 1000, (5, 5), Scores::Float),
        ),
        (
            "dense 5000x1000x5 int",
            Instance::dense(2, 5000, 1000, (5, 5), Scores::Int),
        ),
        (
            "dense 5000x1667 cap 1-5 float",
            Instance::dense(3, 5000, 1667, (1, 5), Scores::Float),
        ),
        (
            "sparse 20k x 6667 x 20 float",
            Instance::sparse(4, 20_000, 6_667, 20, (1, 5), Scores::Float),
        ),
        (
            "sparse 50k x 16667 x 20 float",
            Instance::sparse(5, 50_000, 16_667, 20, (1, 5), Scores::Float),
        ),
    ];
    for (name, inst) in families {
        let p = inst.problem();
        let t = Instant::now();
        let o = solve(&p, Options::default(), &mut |_, _| {});
        println!(
            "{name}: {:.3} s, matched {} of {}, total {:.6}, rounds {}",
            t.elapsed().as_secs_f64(),
            o.matched,
            p.mentees(),
            o.total,
            o.rounds
        );
    }
}
