//! Criterion benchmarks of the optimal mode on generated instances (the full-size families
//! against scipy and OR-Tools are in `scripts/bench-matcher.sh`; see BENCHMARKS.md).

use criterion::{Criterion, criterion_group, criterion_main};
use trellis_matcher::generate::{Instance, Scores};
use trellis_matcher::optimal::{Options, solve};

fn matcher(c: &mut Criterion) {
    let mut g = c.benchmark_group("optimal");
    g.sample_size(10);
    let dense = Instance::dense(11, 1000, 200, (5, 5), Scores::Float).problem();
    g.bench_function("dense 1000x200x5 float", |b| {
        b.iter(|| solve(&dense, Options::default(), &mut |_, _| {}))
    });
    let sparse = Instance::sparse(12, 20_000, 6_667, 20, (1, 5), Scores::Float).problem();
    g.bench_function("sparse 20k x 6.7k x 20 float", |b| {
        b.iter(|| solve(&sparse, Options::default(), &mut |_, _| {}))
    });
    g.finish();
}

criterion_group!(benches, matcher);
criterion_main!(benches);
