//! Criterion benchmark of the directory query on a programme with 100,000 members and 20,000
//! mentors (generated once into `target/bench-data/`, reused after). Run with
//! `cargo bench -p trellis --bench directory`; figures are in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use trellis::Config;
use trellis_domain::clock::SystemClock;
use trellis_domain::directory::{AvailabilityFilter, Sort, search_words};
use trellis_store::mentors::Search;
use trellis_store::{Store, programmes, taxonomy};

const MEMBERS: usize = 100_000;
const MENTORS: usize = 20_000;

fn data_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data")
}

/// The benchmark database, generated on first use.
async fn store() -> (Store, programmes::Programme, Vec<i64>, Vec<i64>) {
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
    let ids = |kind| {
        let db = db.clone();
        async move {
            taxonomy::terms(&db, p.id, kind, false)
                .await
                .expect("terms")
                .into_iter()
                .map(|t| t.id)
                .collect::<Vec<_>>()
        }
    };
    let (aud, exp) = (
        ids(taxonomy::AUDIENCE).await,
        ids(taxonomy::EXPERTISE).await,
    );
    (parts.state.store.clone(), p, aud, exp)
}

/// The query mix: the same four searches the load script sends over HTTP.
pub fn queries(aud: &[i64], exp: &[i64]) -> Vec<(&'static str, Search)> {
    vec![
        (
            "text+audience+capacity",
            Search {
                words: search_words("feedback"),
                audience: Some(aud[1]),
                availability: Some(AvailabilityFilter::HasCapacity),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "filters only",
            Search {
                audience: Some(aud[2]),
                expertise: Some(exp[3]),
                language: Some("French".into()),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "two words",
            Search {
                words: search_words("simulation debriefs"),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "browse page 50 by name",
            Search {
                sort: Sort::Name,
                limit: 20,
                offset: 980,
                ..Default::default()
            },
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (store, programme, aud, exp) = rt.block_on(store());
    let mut group = c.benchmark_group("directory");
    for (name, q) in queries(&aud, &exp) {
        group.bench_function(name, |b| {
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
