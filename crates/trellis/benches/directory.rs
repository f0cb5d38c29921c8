//! Criterion benchmark of the directory query on a programme with 100,000 members and 20,000
//! mentors (generated once into `target/bench-data/`, reused after). Run with
//! `cargo bench -p trellis --bench directory`; figures are in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use trellis::Config;
use trellis_domain::clock::SystemClock;
use trellis_store::{Store, programmes};

#[path = "shared/directory_mix.rs"]
mod directory_mix;

const MEMBERS: usize = 100_000;
const MENTORS: usize = 20_000;

fn data_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data")
}

/// The benchmark database (generated on first use) and its programme.
async fn store() -> (Store, programmes::Programme) {
    let config = Config {
        data_dir: data_dir(),
        database_url: std::env::var("BENCH_DATABASE_URL").ok(),
        ..Config::default()
    };
    let parts = trellis::assemble(&config, Arc::new(SystemClock))
        .await
        .expect("bench database");
    let db = &parts.state.store.db;
    if programmes::by_slug(db, "bench")
        .await
        .expect("db")
        .is_none()
    {
        eprintln!("generating {MEMBERS} members and {MENTORS} mentors (once)...");
        trellis::generate::generate(&parts.state, "bench", MEMBERS, MENTORS, 7, &|_, _| {})
            .await
            .expect("generate");
    }
    let p = programmes::by_slug(db, "bench")
        .await
        .expect("db")
        .expect("bench programme");
    (parts.state.store.clone(), p)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (store, programme) = rt.block_on(store());
    let mix = rt
        .block_on(directory_mix::queries(&store.db, programme.id))
        .expect("query mix");
    let mut group = c.benchmark_group("directory");
    for query in mix {
        // The index search alone: the words are read once, outside the measurement.
        let q = query.search();
        group.bench_function(query.name, |b| {
            b.to_async(&rt).iter(|| async {
                store
                    .directory
                    .search(&store.db, &programme, &q)
                    .await
                    .expect("search")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
