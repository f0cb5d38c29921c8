//! Generous mode: the worst-off mentee's score as high as possible (without matching fewer
//! mentees than the optimal mode), then the greatest total score. The threshold is found by
//! binary search over the scores, each step a maximum-cardinality matching on the pairs at or
//! above it; the optimal mode then runs on those pairs.

use crate::optimal::{self, Options};
use crate::outcome::{Mode, Outcome};
use crate::problem::Problem;
use std::collections::VecDeque;

/// The largest number of mentees that can be matched using the pairs `keep` allows.
pub fn max_matched(p: &Problem, keep: impl Fn(f64) -> bool) -> usize {
    let n = p.mentees();
    let mut assigned: Vec<Option<u32>> = vec![None; n];
    let mut holds: Vec<Vec<u32>> = vec![Vec::new(); p.mentors()];
    // Greedy first: anyone whose pair has a free place takes it.
    for (u, slot) in assigned.iter_mut().enumerate() {
        for i in p.start[u]..p.start[u + 1] {
            let m = p.mentor[i] as usize;
            if keep(p.score[i]) && holds[m].len() < p.capacity[m] as usize {
                holds[m].push(u as u32);
                *slot = Some(m as u32);
                break;
            }
        }
    }
    // Then an augmenting path (breadth first) for each mentee left.
    let mut seen_m = vec![u32::MAX; p.mentors()];
    let mut from_m = vec![0u32; p.mentors()];
    let mut queue = VecDeque::new();
    for u in 0..n {
        if assigned[u].is_some() {
            continue;
        }
        queue.clear();
        queue.push_back(u as u32);
        let mut end = None;
        'bfs: while let Some(x) = queue.pop_front() {
            let x = x as usize;
            for i in p.start[x]..p.start[x + 1] {
                let m = p.mentor[i] as usize;
                if !keep(p.score[i]) || seen_m[m] == u as u32 || assigned[x] == Some(m as u32) {
                    continue;
                }
                seen_m[m] = u as u32;
                from_m[m] = x as u32;
                if holds[m].len() < p.capacity[m] as usize {
                    end = Some(m);
                    break 'bfs;
                }
                queue.extend(holds[m].iter().copied());
            }
        }
        let Some(mut m) = end else { continue };
        loop {
            let a = from_m[m] as usize;
            let old = assigned[a];
            if let Some(o) = old {
                let list = &mut holds[o as usize];
                if let Some(i) = list.iter().position(|&y| y as usize == a) {
                    list.swap_remove(i);
                }
            }
            holds[m].push(a as u32);
            assigned[a] = Some(m as u32);
            match old {
                Some(o) if a != u => m = o as usize,
                _ => break,
            }
        }
    }
    assigned.iter().filter(|a| a.is_some()).count()
}

pub fn solve(p: &Problem, opts: Options, progress: &mut dyn FnMut(usize, usize)) -> Outcome {
    let most = max_matched(p, |_| true);
    let mut scores = p.score.clone();
    scores.sort_unstable_by(f64::total_cmp);
    scores.dedup();
    // The largest threshold that still matches `most` mentees.
    let (mut lo, mut hi) = (0usize, scores.len());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let t = scores[mid];
        if max_matched(p, |s| s >= t) == most {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let floor = scores.get(lo).copied().unwrap_or(f64::NEG_INFINITY);
    let kept = p.filtered(|_, _, s| s >= floor);
    let out = optimal::solve(&kept, opts, progress);
    Outcome::new(p, Mode::Generous, out.assigned, out.prices, out.rounds)
}
