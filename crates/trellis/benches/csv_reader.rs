//! The matcher's CSV reader against the `csv` crate: one pass over a million generated pairs
//! (`mentee,mentor,score`), each row split into trimmed fields and its score parsed, on one
//! thread. The hand-written split is the loop of `CsvFile::each_row` in
//! `src/matching.rs`; the `csv` crate reads with `read_byte_record` into one reused record,
//! its fields checked as UTF-8 and trimmed the same way. Run with
//! `cargo bench -p trellis --bench csv_reader`; figures are in BENCHMARKS.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const ROWS: usize = 1_000_000;

/// A pairs file as `trellis match` reads it: grouped by mentee, scores with many digits.
fn pairs() -> String {
    let mut text = String::from("mentee,mentor,score\n");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for row in 0..ROWS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let score = (seed % 1_000_000_007) as f64 / 1_000_000_007.0;
        text.push_str(&format!(
            "mentee-{},mentor-{},{score}\n",
            row / 20,
            seed % 20_000
        ));
    }
    text
}

/// What each reader hands on per row, so neither can skip work.
fn use_row(total: &mut (usize, f64), mentee: &str, mentor: &str, score: &str) {
    total.0 += mentee.len() + mentor.len();
    total.1 += score.parse::<f64>().unwrap_or(0.0);
}

/// The hand-written reader: split at line ends and commas, fields trimmed.
fn by_hand(text: &str) -> (usize, f64) {
    let mut total = (0, 0.0);
    let body = text.split_once('\n').map_or("", |(_, body)| body);
    let mut fields: Vec<&str> = Vec::with_capacity(8);
    for raw in body.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        fields.clear();
        fields.extend(line.split(',').map(str::trim));
        use_row(&mut total, fields[0], fields[1], fields[2]);
    }
    total
}

/// The `csv` crate, one `ByteRecord` reused for every row, its fields borrowed from it.
fn by_csv_crate(text: &str) -> (usize, f64) {
    let mut total = (0, 0.0);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        let get = |i: usize| {
            std::str::from_utf8(record.get(i).unwrap_or_default())
                .unwrap_or_default()
                .trim()
        };
        use_row(&mut total, get(0), get(1), get(2));
    }
    total
}

fn readers(c: &mut Criterion) {
    let text = pairs();
    assert_eq!(by_hand(&text), by_csv_crate(&text));
    let mut group = c.benchmark_group("csv_reader");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("hand-written split", |b| {
        b.iter(|| by_hand(black_box(&text)))
    });
    group.bench_function("csv read_byte_record", |b| {
        b.iter(|| by_csv_crate(black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, readers);
criterion_main!(benches);
