//! What a run produces: who is matched with whom, and the figures staff judge it by.

use crate::problem::Problem;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Most mentees matched, then the greatest total score.
    Optimal,
    /// Mentee-proposing deferred acceptance: no blocking pair.
    Stable,
    /// The worst-off mentee's score as high as possible, then the greatest total.
    Generous,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "optimal" => Some(Self::Optimal),
            "stable" => Some(Self::Stable),
            "generous" => Some(Self::Generous),
            _ => None,
        }
    }
}

/// Why a mentee is left without a mentor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmatched {
    /// The constraints leave no mentor for them.
    NoAllowedMentor,
    /// Every mentor they may have is full.
    Capacity,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub mode: Mode,
    /// Each mentee's mentor, by index.
    pub assigned: Vec<Option<u32>>,
    pub matched: usize,
    pub total: f64,
    /// Lowest and mean score over matched mentees.
    pub min: Option<f64>,
    pub mean: Option<f64>,
    /// Allowed pairs that both would rather have than what they got.
    pub blocking_pairs: usize,
    pub unmatched: Vec<(usize, Unmatched)>,
    /// Each mentor's seat price (optimal and generous modes): how much score a mentee must
    /// gain to take a seat there from whoever holds it.
    pub prices: Option<Vec<f64>>,
    /// Solves until no pair could improve the result (optimal mode).
    pub rounds: usize,
}

impl Outcome {
    pub(crate) fn new(
        p: &Problem,
        mode: Mode,
        assigned: Vec<Option<u32>>,
        prices: Option<Vec<f64>>,
        rounds: usize,
    ) -> Self {
        // Where each mentee's pair is in the rows: found once (a search in a cold row each).
        let at: Vec<Option<usize>> = assigned
            .iter()
            .enumerate()
            .map(|(u, a)| a.and_then(|m| p.pair_index(u, m as usize)))
            .collect();
        let mut total = 0.0;
        let mut min: Option<f64> = None;
        let mut matched = 0;
        let mut unmatched = Vec::new();
        for (u, (a, i)) in assigned.iter().zip(&at).enumerate() {
            match a {
                Some(_) => {
                    let s = i.map_or(f64::NAN, |i| p.score[i]);
                    total += s;
                    matched += 1;
                    min = Some(min.map_or(s, |x| x.min(s)));
                }
                None => unmatched.push((
                    u,
                    if p.start[u] == p.start[u + 1] {
                        Unmatched::NoAllowedMentor
                    } else {
                        Unmatched::Capacity
                    },
                )),
            }
        }
        let blocking_pairs = blocking_pairs(p, &assigned, &at);
        Outcome {
            mode,
            matched,
            total,
            min,
            mean: (matched > 0).then(|| total / matched as f64),
            blocking_pairs,
            unmatched,
            prices,
            rounds,
            assigned,
        }
    }
}

/// Counts allowed pairs (u, m) where u would rather have m than its mentor (or nobody) and m
/// has a free place or would rather have u than the least wanted mentee it holds; `at` is
/// where each mentee's pair is in the rows.
fn blocking_pairs(p: &Problem, assigned: &[Option<u32>], at: &[Option<usize>]) -> usize {
    let mut held = vec![0u32; p.mentors()];
    let mut worst = vec![f64::INFINITY; p.mentors()];
    for (a, i) in assigned.iter().zip(at) {
        if let Some(m) = a {
            let m = *m as usize;
            held[m] += 1;
            let t = i.map_or(f64::NEG_INFINITY, |i| p.mentor_score[i]);
            worst[m] = worst[m].min(t);
        }
    }
    let mut n = 0;
    for (u, i) in at.iter().enumerate() {
        // The mentee's own pair is not above itself, so it never counts.
        let mine = i.map_or(f64::NEG_INFINITY, |i| p.score[i]);
        let r = p.start[u]..p.start[u + 1];
        let pairs = p.mentor[r.clone()]
            .iter()
            .zip(&p.score[r.clone()])
            .zip(&p.mentor_score[r]);
        for ((&m, &s), &t) in pairs {
            let m = m as usize;
            // Without short cuts: millions of pairs, and no branch to mispredict.
            let taken = (held[m] < p.capacity[m]) | (t > worst[m]);
            n += usize::from((s > mine) & taken);
        }
    }
    n
}
