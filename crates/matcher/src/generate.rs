//! Random instances with a fixed seed, for benchmarks: the same numbers wherever they are
//! generated, so the Rust and Python sides can read the same files.

use crate::problem::{Builder, Problem};

/// A small, fast, seedable generator (SplitMix64), so instances do not depend on a crate's
/// version.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), with 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// How scores are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scores {
    /// Uniform floats in [0, 100).
    Float,
    /// Integers 0–100 (many ties).
    Int,
}

impl Scores {
    fn draw(self, r: &mut SplitMix) -> f64 {
        match self {
            Scores::Float => r.unit() * 100.0,
            Scores::Int => r.below(101) as f64,
        }
    }
}

/// An instance as plain lists (what the benchmark writes to files).
#[derive(Debug, Clone)]
pub struct Instance {
    pub mentees: usize,
    pub capacity: Vec<u32>,
    /// (mentee, mentor, score), by mentee then mentor.
    pub pairs: Vec<(u32, u32, f64)>,
}

impl Instance {
    /// Every pair allowed.
    pub fn dense(
        seed: u64,
        mentees: usize,
        mentors: usize,
        cap: (u32, u32),
        scores: Scores,
    ) -> Self {
        let mut r = SplitMix::new(seed);
        let capacity = capacities(&mut r, mentors, cap);
        let mut pairs = Vec::with_capacity(mentees * mentors);
        for u in 0..mentees as u32 {
            for m in 0..mentors as u32 {
                pairs.push((u, m, scores.draw(&mut r)));
            }
        }
        Instance {
            mentees,
            capacity,
            pairs,
        }
    }

    /// `per` distinct random mentors per mentee.
    pub fn sparse(
        seed: u64,
        mentees: usize,
        mentors: usize,
        per: usize,
        cap: (u32, u32),
        scores: Scores,
    ) -> Self {
        let mut r = SplitMix::new(seed);
        let capacity = capacities(&mut r, mentors, cap);
        let mut pairs = Vec::with_capacity(mentees * per);
        let mut chosen: Vec<u32> = Vec::with_capacity(per);
        for u in 0..mentees as u32 {
            chosen.clear();
            while chosen.len() < per.min(mentors) {
                let m = r.below(mentors as u64) as u32;
                if !chosen.contains(&m) {
                    chosen.push(m);
                }
            }
            chosen.sort_unstable();
            for &m in &chosen {
                pairs.push((u, m, scores.draw(&mut r)));
            }
        }
        Instance {
            mentees,
            capacity,
            pairs,
        }
    }

    pub fn problem(&self) -> Problem {
        let mut b = Builder::new(self.mentees, self.capacity.clone());
        for &(u, m, s) in &self.pairs {
            b.pair(u as usize, m as usize, s);
        }
        b.build()
            .unwrap_or_else(|e| panic!("a generated instance is valid: {e}"))
    }
}

fn capacities(r: &mut SplitMix, mentors: usize, (lo, hi): (u32, u32)) -> Vec<u32> {
    (0..mentors)
        .map(|_| lo + r.below(u64::from(hi - lo + 1)) as u32)
        .collect()
}
