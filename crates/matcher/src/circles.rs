//! Peer circles [002]: people grouped among themselves, no mentor, in circles of a set size,
//! by the same engine as mentor matching.
//!
//! 1. The number of circles is the fewest that keeps every circle at most `size`:
//!    `c = ⌈n / size⌉`, and the sizes differ by at most one.
//! 2. One *anchor* per circle, spread out: first the person with the most affinity to everyone
//!    (the most central), then again and again the person least like the anchors chosen so far.
//! 3. Everyone else is placed with an anchor by the optimal mode — anchors as mentors whose
//!    capacities are the circles' remaining seats, each person's score their affinity to the
//!    anchor — so the placement is the best possible for those anchors.
//! 4. Swaps between circles that raise the circles' total affinity (the sum over every pair
//!    in a circle) are made until none does (at most 50 passes).
//!
//! Each pair's affinity is computed once, into an n × n table: a round of circles is for a
//! cohort of up to `MAX_PEOPLE` people.
//!
//! Deterministic: ties go to the lower index.

use crate::optimal::Options;
use crate::{Builder, Mode};

/// The most people one round of circles groups (the table takes 8 bytes a pair: 32 MB at
/// 2,000); a larger cohort is split into several rounds.
pub const MAX_PEOPLE: usize = 2_000;

/// The circles found, each a list of people (by index).
#[derive(Debug, Clone, PartialEq)]
pub struct Circles {
    pub circles: Vec<Vec<usize>>,
    /// The sum of the affinity of every pair of people in the same circle.
    pub total: f64,
}

/// The sum over every pair of people in the same circle.
pub fn total_affinity(circles: &[Vec<usize>], affinity: &dyn Fn(usize, usize) -> f64) -> f64 {
    circles
        .iter()
        .map(|c| {
            let mut t = 0.0;
            for (k, &a) in c.iter().enumerate() {
                for &b in &c[k + 1..] {
                    t += affinity(a, b);
                }
            }
            t
        })
        .sum()
}

/// Groups `n` people into circles of at most `size` (at least 2) people; `affinity(a, b)` is
/// symmetric and finite. Fewer than two people make no circle.
pub fn circles(n: usize, size: usize, affinity: &dyn Fn(usize, usize) -> f64) -> Circles {
    let size = size.max(2);
    if n < 2 {
        return Circles {
            circles: Vec::new(),
            total: 0.0,
        };
    }
    // Each pair's affinity once (it is symmetric): every step below reads it many times.
    let mut matrix = vec![0.0; n * n];
    for a in 0..n {
        for b in a + 1..n {
            let x = affinity(a, b);
            matrix[a * n + b] = x;
            matrix[b * n + a] = x;
        }
    }
    let affinity = &|a: usize, b: usize| matrix[a * n + b];
    let count = n.div_ceil(size);
    // Anchors: the most central person, then each time the one least like those chosen.
    let centrality = |a: usize| {
        (0..n)
            .filter(|&b| b != a)
            .map(|b| affinity(a, b))
            .sum::<f64>()
    };
    let first = (0..n)
        .max_by(|&a, &b| centrality(a).total_cmp(&centrality(b)).then(b.cmp(&a)))
        .unwrap_or(0);
    let mut anchors = vec![first];
    let mut closest: Vec<f64> = (0..n).map(|b| affinity(first, b)).collect();
    while anchors.len() < count {
        let next = (0..n)
            .filter(|x| !anchors.contains(x))
            .min_by(|&a, &b| closest[a].total_cmp(&closest[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        anchors.push(next);
        for (b, c) in closest.iter_mut().enumerate() {
            *c = c.max(affinity(next, b));
        }
    }
    // Everyone else, placed with the anchors by the optimal mode.
    let others: Vec<usize> = (0..n).filter(|x| !anchors.contains(x)).collect();
    let seats = others.len();
    let capacity: Vec<u32> = (0..count)
        .map(|k| u32::try_from(seats / count + usize::from(k < seats % count)).unwrap_or(0))
        .collect();
    let mut circles: Vec<Vec<usize>> = anchors.iter().map(|&a| vec![a]).collect();
    let with_seats: Vec<usize> = (0..count).filter(|&k| capacity[k] > 0).collect();
    if !others.is_empty() {
        let mut b = Builder::new(
            others.len(),
            with_seats.iter().map(|&k| capacity[k]).collect(),
        );
        for (i, &person) in others.iter().enumerate() {
            for (j, &k) in with_seats.iter().enumerate() {
                b.pair(i, j, affinity(person, anchors[k]));
            }
        }
        if let Ok(problem) = b.build() {
            let outcome = crate::run(&problem, Mode::Optimal, Options::default(), &mut |_, _| {});
            for (i, a) in outcome.assigned.iter().enumerate() {
                if let Some(j) = a {
                    circles[with_seats[*j as usize]].push(others[i]);
                }
            }
        }
    }
    improve_by_swaps(&mut circles, affinity);
    let total = total_affinity(&circles, affinity);
    Circles { circles, total }
}

/// Passes of swaps at most: each pass that changes anything raises the total, and in practice
/// a few passes settle it.
const SWAP_PASSES: usize = 50;

/// Swaps two people of different circles while that raises the total (first improvement,
/// in index order); at most `SWAP_PASSES` passes.
fn improve_by_swaps(circles: &mut [Vec<usize>], affinity: &dyn Fn(usize, usize) -> f64) {
    // A person's affinity to a circle, without themself.
    let to = |x: usize, c: &[usize]| -> f64 {
        c.iter().filter(|&&y| y != x).map(|&y| affinity(x, y)).sum()
    };
    for _ in 0..SWAP_PASSES {
        let mut changed = false;
        for p in 0..circles.len() {
            for q in p + 1..circles.len() {
                for i in 0..circles[p].len() {
                    for j in 0..circles[q].len() {
                        let (a, b) = (circles[p][i], circles[q][j]);
                        let gain = to(a, &circles[q]) - affinity(a, b) + to(b, &circles[p])
                            - affinity(a, b)
                            - to(a, &circles[p])
                            - to(b, &circles[q]);
                        if gain > 1e-9 {
                            circles[p][i] = b;
                            circles[q][j] = a;
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check(n: usize, size: usize, found: &Circles) {
        let mut seen = vec![0; n];
        for c in &found.circles {
            for &x in c {
                seen[x] += 1;
            }
        }
        assert!(seen.iter().all(|&s| s == 1), "everyone once: {found:?}");
        let count = n.div_ceil(size);
        assert_eq!(found.circles.len(), count);
        let (lo, hi) = (n / count, n.div_ceil(count));
        assert!(
            found
                .circles
                .iter()
                .all(|c| c.len() >= lo && c.len() <= hi && c.len() <= size),
            "sizes within one of each other and at most {size}: {found:?}"
        );
    }

    #[test]
    fn everyone_is_in_one_circle_of_even_size() {
        let affinity = |a: usize, b: usize| ((a * 7 + b * 7) % 11) as f64;
        for n in 2..40 {
            for size in 2..7 {
                check(n, size, &circles(n, size, &affinity));
            }
        }
        assert!(circles(1, 4, &affinity).circles.is_empty());
        assert!(circles(0, 4, &affinity).circles.is_empty());
    }

    #[test]
    fn like_people_are_grouped_together() {
        // Three clusters of four (by index mod 3): high affinity within, none across.
        let affinity = |a: usize, b: usize| if a % 3 == b % 3 { 10.0 } else { 0.0 };
        let found = circles(12, 4, &affinity);
        check(12, 4, &found);
        for c in &found.circles {
            assert!(
                c.iter().all(|x| x % 3 == c[0] % 3),
                "a cluster each: {found:?}"
            );
        }
        assert_eq!(found.total, 3.0 * 6.0 * 10.0);
    }

    #[test]
    fn swaps_never_lower_the_total_and_the_result_is_repeatable() {
        let affinity = |a: usize, b: usize| (((a + 1) * (b + 1)) % 13) as f64;
        for n in [5, 9, 17, 30] {
            let found = circles(n, 4, &affinity);
            assert_eq!(found, circles(n, 4, &affinity), "deterministic");
            // Any single swap from the result cannot raise the total.
            for p in 0..found.circles.len() {
                for q in p + 1..found.circles.len() {
                    for i in 0..found.circles[p].len() {
                        for j in 0..found.circles[q].len() {
                            let mut c = found.circles.clone();
                            let (a, b) = (c[p][i], c[q][j]);
                            c[p][i] = b;
                            c[q][j] = a;
                            assert!(total_affinity(&c, &affinity) <= found.total + 1e-9);
                        }
                    }
                }
            }
        }
    }
}
