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
        let mut total = 0.0;
        let mut min: Option<f64> = None;
        let mut matched = 0;
        let mut unmatched = Vec::new();
        for (u, a) in assigned.iter().enumerate() {
            match a {
                Some(m) => {
                    let s = p.score(u, *m as usize).unwrap_or(f64::NAN);
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
        let blocking_pairs = blocking_pairs(p, &assigned);
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
/// has a free place or would rather have u than the least wanted mentee it holds.
pub fn blocking_pairs(p: &Problem, assigned: &[Option<u32>]) -> usize {
    let mut held = vec![0u32; p.mentors()];
    let mut worst = vec![f64::INFINITY; p.mentors()];
    for (u, a) in assigned.iter().enumerate() {
        if let Some(m) = a {
            let m = *m as usize;
            held[m] += 1;
            let t = p.mentor_score(u, m).unwrap_or(f64::NEG_INFINITY);
            worst[m] = worst[m].min(t);
        }
    }
    let mut n = 0;
    for (u, a) in assigned.iter().enumerate() {
        let mine = a.and_then(|m| p.score(u, m as usize));
        for i in p.start[u]..p.start[u + 1] {
            let m = p.mentor[i] as usize;
            if Some(m as u32) == *a {
                continue;
            }
            let wants = mine.is_none_or(|s| p.score[i] > s);
            let taken = held[m] < p.capacity[m] || p.mentor_score[i] > worst[m];
            if wants && taken {
                n += 1;
            }
        }
    }
    n
}
