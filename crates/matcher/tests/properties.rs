//! Property tests on random instances (fixed seeds, so a failure is reproducible): hard
//! constraints and capacities hold (checked independently of the matcher), the matched count
//! is the maximum flow, the optimal total equals an exhaustive search on small instances and
//! a Hungarian algorithm on dense ones, generous mode's worst score is the best possible,
//! stable mode has no blocking pair and is mentee-optimal, and the same input gives the same
//! output.
#![allow(clippy::unwrap_used)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use trellis_matcher::optimal::Options;
use trellis_matcher::{Builder, Mode, Outcome, Person, Problem, Rules, run};

/// A random instance, kept with its pairs so the tests can judge results without the crate.
#[derive(Debug, Clone)]
struct Instance {
    n: usize,
    cap: Vec<u32>,
    /// (mentee, mentor) → (score, mentor's score) for allowed pairs.
    pairs: Vec<Vec<Option<(f64, f64)>>>,
    people: Option<(Rules, Vec<Person>, Vec<Person>)>,
    forbidden: Vec<(usize, usize)>,
}

impl Instance {
    fn random(
        rng: &mut StdRng,
        n: usize,
        m: usize,
        max_cap: u32,
        density: f64,
        ints: bool,
    ) -> Self {
        let cap = (0..m).map(|_| rng.random_range(1..=max_cap)).collect();
        let score = |rng: &mut StdRng| {
            if ints {
                f64::from(rng.random_range(0..=10u32))
            } else {
                rng.random_range(0.0..100.0)
            }
        };
        let pairs = (0..n)
            .map(|_| {
                (0..m)
                    .map(|_| rng.random_bool(density).then(|| (score(rng), score(rng))))
                    .collect()
            })
            .collect();
        Instance {
            n,
            cap,
            pairs,
            people: None,
            forbidden: Vec::new(),
        }
    }

    /// Whether the pair is allowed, judged here and not by the crate.
    fn allowed(&self, u: usize, m: usize) -> Option<(f64, f64)> {
        let p = self.pairs[u][m]?;
        if self.forbidden.contains(&(u, m)) {
            return None;
        }
        if let Some((r, es, ms)) = &self.people {
            let (e, mp) = (&es[u], &ms[m]);
            if r.shared_language && !e.languages.iter().any(|l| mp.languages.contains(l)) {
                return None;
            }
            if r.different_organisation
                && e.organisation.is_some()
                && e.organisation == mp.organisation
            {
                return None;
            }
            if r.not_own_manager && e.manager.is_some() && e.manager == mp.id {
                return None;
            }
        }
        Some(p)
    }

    fn problem(&self) -> Problem {
        let mut b = Builder::new(self.n, self.cap.clone());
        for (u, row) in self.pairs.iter().enumerate() {
            for (m, p) in row.iter().enumerate() {
                if let Some((s, t)) = p {
                    b.pair_both(u, m, *s, *t);
                }
            }
        }
        for &(u, m) in &self.forbidden {
            b.forbid(u, m);
        }
        if let Some((r, es, ms)) = &self.people {
            b.rules(*r, es.clone(), ms.clone());
        }
        b.build().unwrap()
    }

    /// Every constraint and capacity holds; returns (count, total, min).
    fn judge(&self, o: &Outcome) -> (usize, f64, f64) {
        let mut used = vec![0u32; self.cap.len()];
        let (mut count, mut total, mut min) = (0, 0.0, f64::INFINITY);
        for (u, a) in o.assigned.iter().enumerate() {
            if let Some(m) = a {
                let m = *m as usize;
                let (s, _) = self
                    .allowed(u, m)
                    .unwrap_or_else(|| panic!("pair {u}-{m} is not allowed"));
                used[m] += 1;
                count += 1;
                total += s;
                min = min.min(s);
            }
        }
        for (m, &c) in used.iter().enumerate() {
            assert!(c <= self.cap[m], "mentor {m} holds {c} > {}", self.cap[m]);
        }
        assert_eq!(o.matched, count);
        assert!((o.total - total).abs() <= 1e-9 * (1.0 + total.abs()));
        (count, total, min)
    }

    /// Exhaustive search: the best (count, total) and, among the largest count, the best
    /// (min, total).
    fn brute(&self) -> ((usize, f64), (f64, f64)) {
        let mut best = (0usize, f64::NEG_INFINITY);
        let mut generous = (f64::NEG_INFINITY, f64::NEG_INFINITY, 0usize);
        let mut used = vec![0u32; self.cap.len()];
        self.walk(
            0,
            &mut used,
            0,
            0.0,
            f64::INFINITY,
            &mut best,
            &mut generous,
        );
        (best, (generous.0, generous.1))
    }

    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        u: usize,
        used: &mut Vec<u32>,
        count: usize,
        total: f64,
        min: f64,
        best: &mut (usize, f64),
        generous: &mut (f64, f64, usize),
    ) {
        if u == self.n {
            if count > best.0 || (count == best.0 && total > best.1) {
                *best = (count, total);
            }
            let better = count > generous.2
                || (count == generous.2
                    && (min > generous.0 || (min == generous.0 && total > generous.1)));
            if better {
                *generous = (min, total, count);
            }
            return;
        }
        self.walk(u + 1, used, count, total, min, best, generous);
        for m in 0..self.cap.len() {
            if let Some((s, _)) = self.allowed(u, m)
                && used[m] < self.cap[m]
            {
                used[m] += 1;
                self.walk(
                    u + 1,
                    used,
                    count + 1,
                    total + s,
                    min.min(s),
                    best,
                    generous,
                );
                used[m] -= 1;
            }
        }
    }

    /// Blocking pairs, counted here.
    fn blocking(&self, o: &Outcome) -> usize {
        let mut n = 0;
        for u in 0..self.n {
            let mine = o.assigned[u].map(|m| self.allowed(u, m as usize).unwrap().0);
            for m in 0..self.cap.len() {
                let Some((s, _)) = self.allowed(u, m) else {
                    continue;
                };
                if o.assigned[u] == Some(m as u32) || mine.is_some_and(|x| x >= s) {
                    continue;
                }
                let holders: Vec<f64> = (0..self.n)
                    .filter(|&v| o.assigned[v] == Some(m as u32))
                    .map(|v| self.allowed(v, m).unwrap().1)
                    .collect();
                let t = self.allowed(u, m).unwrap().1;
                if holders.len() < self.cap[m] as usize || holders.iter().any(|&h| t > h) {
                    n += 1;
                }
            }
        }
        n
    }
}

fn solve(i: &Instance, mode: Mode, k: usize) -> Outcome {
    run(&i.problem(), mode, Options::top_k(k), &mut |_, _| {})
}

/// As [`solve`], with searches cut short after `budget` nodes so that the phases place the
/// rest (`1`: the phases place everyone).
fn solve_phased(i: &Instance, k: usize, budget: usize) -> Outcome {
    let opts = Options {
        top_k: k,
        search_budget: budget,
    };
    run(&i.problem(), Mode::Optimal, opts, &mut |_, _| {})
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn optimal_and_generous_equal_an_exhaustive_search() {
    let mut rng = StdRng::seed_from_u64(1);
    for case in 0..400 {
        let ints = case % 2 == 0;
        let n = rng.random_range(1..=6);
        let m = rng.random_range(1..=3);
        let i = Instance::random(&mut rng, n, m, 2, 0.7, ints);
        let ((count, total), (gmin, gtotal)) = i.brute();
        for k in [1, 2, 20, usize::MAX] {
            let o = solve(&i, Mode::Optimal, k);
            let (c, t, _) = i.judge(&o);
            assert_eq!(c, count, "case {case} k {k}: {i:?}");
            // The reported blocking pairs are those counted here, pair by pair.
            assert_eq!(o.blocking_pairs, i.blocking(&o), "case {case} k {k}");
            assert!(close(t, total), "case {case} k {k}: {t} vs {total}: {i:?}");
            for budget in [1, 3] {
                let o = solve_phased(&i, k, budget);
                let (c, t, _) = i.judge(&o);
                assert_eq!(c, count, "phased {budget}, case {case} k {k}: {i:?}");
                assert!(
                    close(t, total),
                    "phased {budget}, case {case} k {k}: {t} vs {total}"
                );
            }
        }
        let g = solve(&i, Mode::Generous, 2);
        let (c, t, min) = i.judge(&g);
        assert_eq!(c, count, "generous matches as many, case {case}");
        if c > 0 {
            assert!(close(min, gmin), "case {case}: min {min} vs {gmin}: {i:?}");
            assert!(
                close(t, gtotal),
                "case {case}: total {t} vs {gtotal}: {i:?}"
            );
        }
    }
}

#[test]
fn hard_constraints_and_forbidden_pairs_are_never_broken() {
    let mut rng = StdRng::seed_from_u64(2);
    let langs = ["en", "fr", "de"];
    let orgs = ["a", "b", "c"];
    for case in 0..100 {
        let (n, m) = (rng.random_range(5..40), rng.random_range(2..12));
        let mut i = Instance::random(&mut rng, n, m, 3, 0.8, case % 2 == 0);
        let person = |rng: &mut StdRng, id: String| Person {
            languages: langs
                .iter()
                .filter(|_| rng.random_bool(0.5))
                .map(|l| (*l).to_owned())
                .collect(),
            organisation: Some(orgs[rng.random_range(0..3)].to_owned()),
            id: Some(id),
            manager: Some(format!("mentor{}", rng.random_range(0..m))),
        };
        let es = (0..n)
            .map(|u| person(&mut rng, format!("mentee{u}")))
            .collect();
        let ms = (0..m)
            .map(|x| person(&mut rng, format!("mentor{x}")))
            .collect();
        let rules = Rules {
            shared_language: true,
            different_organisation: case % 3 != 0,
            not_own_manager: true,
        };
        i.people = Some((rules, es, ms));
        let mut forbidden = Vec::new();
        for u in 0..n {
            if rng.random_bool(0.3) {
                forbidden.push((u, rng.random_range(0..m)));
            }
        }
        i.forbidden = forbidden;
        for mode in [Mode::Optimal, Mode::Stable, Mode::Generous] {
            i.judge(&solve(&i, mode, 3));
        }
    }
}

/// Maximum flow by augmenting paths on the seat-expanded graph, written independently.
fn max_flow(i: &Instance) -> usize {
    let seats: Vec<usize> = i
        .cap
        .iter()
        .enumerate()
        .flat_map(|(m, &c)| std::iter::repeat_n(m, c as usize))
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; seats.len()];
    fn augment(
        i: &Instance,
        seats: &[usize],
        owner: &mut [Option<usize>],
        u: usize,
        seen: &mut [bool],
    ) -> bool {
        for (k, &m) in seats.iter().enumerate() {
            if seen[k] || i.allowed(u, m).is_none() {
                continue;
            }
            seen[k] = true;
            if owner[k].is_none_or(|v| augment(i, seats, owner, v, seen)) {
                owner[k] = Some(u);
                return true;
            }
        }
        false
    }
    (0..i.n)
        .filter(|&u| augment(i, &seats, &mut owner, u, &mut vec![false; seats.len()]))
        .count()
}

#[test]
fn the_matched_count_is_the_maximum_flow() {
    let mut rng = StdRng::seed_from_u64(3);
    for case in 0..120 {
        let (n, m) = (rng.random_range(1..80), rng.random_range(1..25));
        let density = rng.random_range(0.02..0.4);
        let i = Instance::random(&mut rng, n, m, 3, density, case % 2 == 1);
        let flow = max_flow(&i);
        // The count the optimal mode knows first (Hopcroft–Karp), and the counts it reaches.
        assert_eq!(
            trellis_matcher::cardinality::max_matched(&i.problem(), |_| true),
            flow,
            "case {case}"
        );
        for k in [1, 3, 50] {
            for o in [solve(&i, Mode::Optimal, k), solve_phased(&i, k, 5)] {
                assert_eq!(i.judge(&o).0, flow, "case {case} k {k}");
                assert_eq!(o.unmatched.len(), n - flow);
            }
        }
    }
}

/// Minimum-cost assignment of every row (rows ≤ columns), O(n²m), written independently.
fn hungarian(cost: &[Vec<f64>]) -> f64 {
    let (n, m) = (cost.len(), cost[0].len());
    let (mut u, mut v) = (vec![0.0; n + 1], vec![0.0; m + 1]);
    let (mut p, mut way) = (vec![0usize; m + 1], vec![0usize; m + 1]);
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let (i0, mut delta, mut j1) = (p[j0], f64::INFINITY, 0);
            for j in 1..=m {
                if !used[j] {
                    let cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=m)
        .filter(|&j| p[j] != 0)
        .map(|j| cost[p[j] - 1][j - 1])
        .sum()
}

#[test]
fn dense_optimum_equals_a_hungarian_algorithm_even_from_one_candidate() {
    let mut rng = StdRng::seed_from_u64(4);
    for case in 0..30 {
        let m = rng.random_range(2..15);
        let i0 = Instance::random(&mut rng, 1, m, 4, 1.0, case % 2 == 0);
        let seats: u32 = i0.cap.iter().sum();
        let n = rng.random_range(1..=seats as usize);
        let mut i = Instance::random(&mut rng, n, m, 1, 1.0, case % 2 == 0);
        i.cap = i0.cap.clone();
        let cost: Vec<Vec<f64>> = (0..n)
            .map(|u| {
                i.cap
                    .iter()
                    .enumerate()
                    .flat_map(|(mm, &c)| {
                        std::iter::repeat_n(-i.pairs[u][mm].unwrap().0, c as usize)
                    })
                    .collect()
            })
            .collect();
        let best = -hungarian(&cost);
        for k in [1, 2, 5, 100] {
            let o = if k == 5 {
                solve_phased(&i, k, 2)
            } else {
                solve(&i, Mode::Optimal, k)
            };
            let (c, t, _) = i.judge(&o);
            assert_eq!(c, n);
            assert!(close(t, best), "case {case} k {k}: {t} vs {best}");
            if k == 1 {
                assert!(o.rounds >= 1);
            }
        }
    }
}

#[test]
fn stable_mode_has_no_blocking_pair_and_is_mentee_optimal() {
    let mut rng = StdRng::seed_from_u64(5);
    for case in 0..300 {
        let n = rng.random_range(1..=6);
        let m = rng.random_range(1..=3);
        let i = Instance::random(&mut rng, n, m, 2, 0.8, false);
        let o = solve(&i, Mode::Stable, 1);
        i.judge(&o);
        assert_eq!(i.blocking(&o), 0, "case {case}: {i:?}");
        assert_eq!(o.blocking_pairs, 0);
        // Every stable matching, by exhaustive search: no mentee does better in any.
        let mut all = Vec::new();
        let mut cur = vec![None; n];
        fn each(
            i: &Instance,
            u: usize,
            used: &mut Vec<u32>,
            cur: &mut Vec<Option<u32>>,
            all: &mut Vec<Vec<Option<u32>>>,
        ) {
            if u == i.n {
                all.push(cur.clone());
                return;
            }
            cur[u] = None;
            each(i, u + 1, used, cur, all);
            for m in 0..i.cap.len() {
                if i.allowed(u, m).is_some() && used[m] < i.cap[m] {
                    used[m] += 1;
                    cur[u] = Some(m as u32);
                    each(i, u + 1, used, cur, all);
                    used[m] -= 1;
                }
            }
            cur[u] = None;
        }
        each(&i, 0, &mut vec![0; m], &mut cur, &mut all);
        let value = |u: usize, a: Option<u32>| {
            a.map_or(f64::NEG_INFINITY, |mm| i.allowed(u, mm as usize).unwrap().0)
        };
        for a in all {
            let fake = Outcome {
                assigned: a.clone(),
                ..o.clone()
            };
            if i.blocking(&fake) == 0 {
                for (u, other) in a.iter().enumerate() {
                    assert!(
                        value(u, o.assigned[u]) >= value(u, *other),
                        "case {case} mentee {u}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_same_input_gives_the_same_output() {
    let mut rng = StdRng::seed_from_u64(6);
    for case in 0..20 {
        let i = Instance::random(&mut rng, 200, 40, 5, 0.3, case % 2 == 0);
        for mode in [Mode::Optimal, Mode::Stable, Mode::Generous] {
            let (a, b) = (solve(&i, mode, 5), solve(&i, mode, 5));
            assert_eq!(a.assigned, b.assigned);
            assert_eq!(a.total.to_bits(), b.total.to_bits());
        }
    }
}

#[test]
fn unmatched_mentees_say_why_and_seat_prices_explain_the_choice() {
    // Two mentees want the one place with A; B is the other mentor.
    let mut b = Builder::new(3, vec![1, 1]);
    b.pair(0, 0, 88.0)
        .pair(0, 1, 82.0)
        .pair(1, 0, 95.0)
        .pair(1, 1, 80.0);
    let p = b.build().unwrap();
    let o = run(&p, Mode::Optimal, Options::default(), &mut |_, _| {});
    assert_eq!(o.assigned, vec![Some(1), Some(0), None]);
    assert_eq!(
        o.unmatched,
        vec![(2, trellis_matcher::Unmatched::NoAllowedMentor)]
    );
    let e = trellis_matcher::explain::explain(&p, &o, 0, 3);
    assert_eq!(e.matched, Some((1, 82.0)));
    let alt = &e.better[0];
    assert_eq!((alt.mentor, alt.advantage), (0, 6.0));
    let gap = alt.price_gap.unwrap();
    assert!(gap >= alt.advantage - 1e-9, "the price explains it: {gap}");
    let names = |m: usize| ["A", "B"][m].to_owned();
    let s = &e.sentences(&names)[0];
    assert!(
        s.starts_with("matched with B (82) rather than A (88): A's seat price is"),
        "{s}"
    );
    assert!(s.ends_with("the advantage is 6"), "{s}");
    // Full capacity is the other reason.
    let mut b = Builder::new(2, vec![1]);
    b.pair(0, 0, 1.0).pair(1, 0, 2.0);
    let o = run(
        &b.build().unwrap(),
        Mode::Optimal,
        Options::default(),
        &mut |_, _| {},
    );
    assert_eq!(o.unmatched, vec![(0, trellis_matcher::Unmatched::Capacity)]);
}

#[test]
fn placing_in_phases_gives_the_one_at_a_time_optimum_on_large_tight_instances() {
    use trellis_matcher::generate::{Instance as Generated, Scores};
    // Tight sparse instances (places ≈ mentees), large enough that the first phases place
    // hundreds of mentees each before the last few are placed one at a time.
    for (seed, n, scores) in [(11, 3000, Scores::Float), (12, 4000, Scores::Int)] {
        let p = Generated::sparse(seed, n, n / 3, 8, (1, 5), scores).problem();
        let one_at_a_time = Options {
            top_k: 8,
            search_budget: usize::MAX,
        };
        let reference = run(&p, Mode::Optimal, one_at_a_time, &mut |_, _| {});
        for budget in [1, 20, 300] {
            let opts = Options {
                top_k: 8,
                search_budget: budget,
            };
            let o = run(&p, Mode::Optimal, opts, &mut |_, _| {});
            assert_eq!(o.matched, reference.matched, "seed {seed} budget {budget}");
            assert!(
                close(o.total, reference.total),
                "seed {seed} budget {budget}: {} vs {}",
                o.total,
                reference.total
            );
            for (u, m) in o.assigned.iter().enumerate() {
                if let Some(m) = m {
                    assert!(p.score(u, *m as usize).is_some(), "an allowed pair");
                }
            }
            let mut held = vec![0u32; p.mentors()];
            for m in o.assigned.iter().flatten() {
                held[*m as usize] += 1;
            }
            assert!((0..p.mentors()).all(|m| held[m] <= p.capacity(m)));
        }
    }
}

/// From 2^18 pairs on the passes over every pair (each mentee's best pairs, the check
/// against the potentials) run on two threads. The result is checked by its certificate,
/// independently of how it was found: every mentee is matched, and with the reported seat
/// prices no mentee gains by any other allowed pair (score − price never above its own pair's),
/// mentors with a free place price it at 0 and full ones never below 0 — which no other
/// matching of every mentee can beat. Both with each mentee's 20 best pairs (one solve) and
/// with only its best one (the check adds pairs in both halves, and it solves again).
#[test]
fn with_many_pairs_the_parallel_passes_give_a_proven_optimum() {
    use trellis_matcher::generate::{Instance as Generated, Scores};
    for (seed, scores) in [(11, Scores::Float), (12, Scores::Int)] {
        let p = Generated::dense(seed, 400, 1000, (1, 2), scores).problem();
        assert!(p.pairs() > 1 << 18, "large enough for two threads");
        let mut totals = Vec::new();
        for top_k in [20, 1] {
            let o = trellis_matcher::optimal::solve(&p, Options::top_k(top_k), &mut |_, _| {});
            assert_eq!(o.matched, p.mentees(), "top {top_k}");
            let price = o.prices.clone().unwrap();
            let tol = 1e-6;
            let mut load = vec![0u32; p.mentors()];
            for (u, a) in o.assigned.iter().enumerate() {
                let m = a.unwrap() as usize;
                load[m] += 1;
                let own = p.score(u, m).unwrap() - price[m];
                for (other, s) in p.pairs_of(u) {
                    assert!(
                        s - price[other] <= own + tol,
                        "top {top_k}: mentee {u} gains by mentor {other}"
                    );
                }
            }
            for m in 0..p.mentors() {
                assert!(load[m] <= p.capacity(m));
                if load[m] < p.capacity(m) {
                    assert!(price[m].abs() <= tol, "free place priced {}", price[m]);
                } else {
                    assert!(price[m] >= -tol, "full mentor priced {}", price[m]);
                }
            }
            if top_k == 1 {
                assert!(o.rounds > 1, "the check over every pair added pairs");
            }
            totals.push(o.total);
        }
        assert!(close(totals[0], totals[1]), "{totals:?}");
    }
}
