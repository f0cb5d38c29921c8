//! Stable mode: mentee-proposing deferred acceptance with mentor capacities (hospitals /
//! residents). Each mentee proposes down its list (best score first); each mentor keeps the
//! proposals it likes best up to its capacity. The result has no blocking pair, and every
//! mentee gets the best mentor it can have in any stable matching. Ties are broken by index,
//! so the same input gives the same output.

use crate::outcome::{Mode, Outcome};
use crate::problem::Problem;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A proposal as the mentor sees it: higher mentor score first, then lower mentee index.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Held {
    score: f64,
    mentee: u32,
}

impl Eq for Held {}

impl Ord for Held {
    fn cmp(&self, o: &Self) -> Ordering {
        self.score
            .total_cmp(&o.score)
            .then(o.mentee.cmp(&self.mentee))
    }
}

impl PartialOrd for Held {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

pub fn solve(p: &Problem) -> Outcome {
    let n = p.mentees();
    // Each mentee's list, best first.
    let lists: Vec<Vec<(u32, f64)>> = (0..n)
        .map(|u| {
            let mut l: Vec<(u32, f64)> = (p.start[u]..p.start[u + 1])
                .map(|i| (p.mentor[i], p.mentor_score[i]))
                .collect();
            let score = |m: u32| p.score(u, m as usize).unwrap_or(f64::NEG_INFINITY);
            l.sort_by(|a, b| score(b.0).total_cmp(&score(a.0)).then(a.0.cmp(&b.0)));
            l
        })
        .collect();
    let mut next = vec![0usize; n];
    // Each mentor's held proposals, least wanted on top.
    let mut held: Vec<BinaryHeap<Reverse<Held>>> = vec![BinaryHeap::new(); p.mentors()];
    let mut free: Vec<u32> = (0..n as u32).rev().collect();
    while let Some(u) = free.pop() {
        let ui = u as usize;
        let Some(&(m, t)) = lists[ui].get(next[ui]) else {
            continue;
        };
        next[ui] += 1;
        let m = m as usize;
        let h = &mut held[m];
        let offer = Held {
            score: t,
            mentee: u,
        };
        if h.len() < p.capacity[m] as usize {
            h.push(Reverse(offer));
        } else if let Some(Reverse(worst)) = h.peek().copied()
            && offer > worst
        {
            h.pop();
            h.push(Reverse(offer));
            free.push(worst.mentee);
        } else {
            free.push(u);
        }
    }
    let mut assigned = vec![None; n];
    for (m, h) in held.iter().enumerate() {
        for Reverse(x) in h {
            assigned[x.mentee as usize] = Some(m as u32);
        }
    }
    Outcome::new(p, Mode::Stable, assigned, None, 1)
}
