//! Generous mode: the worst-off mentee's score as high as possible (without matching fewer
//! mentees than the optimal mode), then the greatest total score. The threshold is found by
//! binary search over the scores, each step a maximum-cardinality matching on the pairs at or
//! above it; the optimal mode then runs on those pairs.

use crate::cardinality::max_matched;
use crate::optimal::{self, Options};
use crate::outcome::{Mode, Outcome};
use crate::problem::Problem;

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
