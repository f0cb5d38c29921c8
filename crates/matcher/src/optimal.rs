//! Optimal mode: as many mentees matched as possible, then the greatest total score.
//!
//! A capacitated min-cost flow solved by successive shortest paths, one mentee at a time
//! (Dijkstra on reduced costs with node potentials, over a radix heap; each mentor is one
//! node carrying its capacity, never copied into seats). Every mentee may also go to an
//! "unmatched" node at a cost larger than any difference in score, which makes the count come
//! first.
//!
//! It runs on each mentee's `top_k` best pairs, then checks every allowed pair against the
//! final potentials: a pair with a negative reduced cost could improve the result, so it is
//! added and the problem solved again, until none can — the exact optimum over all pairs. The
//! potentials are the proof, and give each mentor a seat price.

use crate::outcome::{Mode, Outcome};
use crate::problem::Problem;
use crate::radix::RadixHeap;

/// How to run the optimal mode.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Pairs kept per mentee for the first solve (the best by score).
    pub top_k: usize,
    /// Nodes a one-mentee search may settle before the mentee waits for the phases.
    pub search_budget: usize,
}

impl Options {
    pub fn top_k(top_k: usize) -> Self {
        Self {
            top_k,
            ..Self::default()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            top_k: 20,
            search_budget: 150,
        }
    }
}

/// The candidate pairs being solved on, by mentee: (mentor, cost), cost = best score − score.
struct Candidates {
    start: Vec<usize>,
    mentor: Vec<u32>,
    cost: Vec<f64>,
}

impl Candidates {
    /// Each mentee's `k` best pairs, best first (ties: lower mentor index), plus `extra`,
    /// then the place of those left out, when there is one: (its mentor index, cost).
    /// A problem with many pairs is split in two halves of mentees, one per thread.
    fn top(
        p: &Problem,
        k: usize,
        best: f64,
        extra: &[Vec<u32>],
        left_out: Option<(u32, f64)>,
    ) -> Self {
        let n = p.mentees();
        if p.pairs() < PARALLEL_PAIRS {
            return Self::top_of(p, 0..n, k, best, extra, left_out);
        }
        let (mut c, later) = join(
            || Self::top_of(p, 0..n / 2, k, best, extra, left_out),
            || Self::top_of(p, n / 2..n, k, best, extra, left_out),
        );
        let offset = c.mentor.len();
        c.start.extend(later.start[1..].iter().map(|&s| s + offset));
        c.mentor.extend(later.mentor);
        c.cost.extend(later.cost);
        c
    }

    /// [`Candidates::top`] for the mentees of `range` (numbered from 0 in the result).
    fn top_of(
        p: &Problem,
        range: std::ops::Range<usize>,
        k: usize,
        best: f64,
        extra: &[Vec<u32>],
        left_out: Option<(u32, f64)>,
    ) -> Self {
        // Room for k pairs per mentee (fewer if they have fewer) and the place of those left
        // out: sized once, as fresh memory is dear.
        let room = (p.start[range.end] - p.start[range.start]).min(range.len().saturating_mul(k))
            + range.len();
        let mut c = Candidates {
            start: Vec::with_capacity(range.len() + 1),
            mentor: Vec::with_capacity(room),
            cost: Vec::with_capacity(room),
        };
        c.start.push(0);
        // (Grown to the longest list it holds, then reused: `k` may be any number.)
        let mut scratch: Vec<(f64, u32)> = Vec::new();
        let by_best = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        for u in range {
            // The k best so far, best first. Pairs come by mentor, so a later pair with the
            // same score as the k-th is never better: most pairs are turned away by one
            // comparison with the k-th.
            // (Scores are finite: plain comparisons order them.)
            scratch.clear();
            let mut floor = f64::NEG_INFINITY;
            let r = p.start[u]..p.start[u + 1];
            for (&m, &s) in p.mentor[r.clone()].iter().zip(&p.score[r]) {
                if s <= floor {
                    continue;
                }
                let at = scratch.partition_point(|&(t, _)| t >= s);
                scratch.insert(at, (s, m));
                if scratch.len() >= k {
                    scratch.truncate(k);
                    floor = scratch[k - 1].0;
                }
            }
            if let Some(more) = extra.get(u) {
                for &m in more {
                    if !scratch.iter().any(|&(_, x)| x == m)
                        && let Some(s) = p.score(u, m as usize)
                    {
                        scratch.push((s, m));
                    }
                }
            }
            if extra.get(u).is_some_and(|more| !more.is_empty()) {
                scratch.sort_unstable_by(by_best);
            }
            for &(s, m) in &scratch {
                c.mentor.push(m);
                c.cost.push(best - s);
            }
            if let Some((m, cost)) = left_out {
                c.mentor.push(m);
                c.cost.push(cost);
            }
            c.start.push(c.mentor.len());
        }
        c
    }
}

/// From this many pairs on, the passes over every pair run on two threads.
const PARALLEL_PAIRS: usize = 1 << 18;

/// Runs `a` here and `b` on a second thread, and returns both results.
fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let later = scope.spawn(b);
        let first = a();
        let second = later
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// The solver's state: who is where, and the potentials.
struct Flow {
    n: usize,
    /// Mentee → mentor (`None`: unmatched).
    assigned: Vec<Option<u32>>,
    /// The cost of each mentee's current pair.
    assigned_cost: Vec<f64>,
    /// Places of each mentor: the problem's, then (when some mentees must be left out) one
    /// more "mentor" with a place for each of them.
    cap: Vec<u32>,
    /// Mentees held by each mentor.
    holds: Vec<Vec<u32>>,
    /// Placed and left unmatched.
    at_dummy: Vec<bool>,
    /// Potentials: mentees `0..n`, mentors `n..n + mentors`, then (in phases) the unmatched
    /// node and the sink; both are 0 while mentees are placed one at a time.
    h: Vec<f64>,
}

/// A phase that places fewer mentees than this ends the phases (see [`Flow::phases`]).
const FEW: usize = 16;

/// One Dijkstra's bookkeeping, reused across mentees (stamps instead of clearing).
struct Search {
    /// By node, kept together: a search touches all of a node's marks at once.
    node: Vec<Mark>,
    settled: Vec<u32>,
    heap: RadixHeap,
    round: u32,
}

/// One node's marks in a search.
#[derive(Clone, Copy, Default)]
struct Mark {
    dist: f64,
    /// The search (round) that reached the node, and the one that settled it.
    seen: u32,
    done: u32,
    /// For a mentor node: the mentee it was reached from.
    from: u32,
}

/// Non-negative floats order as their bits.
fn key(d: f64) -> u64 {
    d.max(0.0).to_bits()
}

impl Flow {
    fn new(p: &Problem, left_out: usize) -> Self {
        let n = p.mentees();
        let mut cap = p.capacity.clone();
        if left_out > 0 {
            cap.push(left_out as u32);
        }
        Flow {
            n,
            assigned: vec![None; n],
            assigned_cost: vec![0.0; n],
            holds: cap
                .iter()
                .map(|&c| Vec::with_capacity(c as usize))
                .collect(),
            at_dummy: vec![false; n],
            h: vec![0.0; n + cap.len()],
            cap,
        }
    }

    /// Mentor nodes, the place of those left out included.
    fn mentors(&self) -> usize {
        self.cap.len()
    }

    /// Places mentee `u` by the shortest augmenting path; `unmatched_cost` is the cost of
    /// leaving a mentee unmatched.
    /// Returns false, changing nothing but that mentee's own potential, when the search settles
    /// more than `budget` nodes.
    fn place(
        &mut self,
        c: &Candidates,
        u: usize,
        unmatched_cost: f64,
        s: &mut Search,
        budget: usize,
    ) -> bool {
        let n = self.n;
        // A mentee not yet placed has no arc into it, so its potential is free: the highest
        // that keeps its arcs' reduced costs non-negative makes its best pair tight, and when
        // that mentor has a free place the search ends at its first step.
        if self.assigned[u].is_none() {
            let tight = (c.start[u]..c.start[u + 1])
                .map(|i| self.h[n + c.mentor[i] as usize] - c.cost[i])
                .fold(f64::NEG_INFINITY, f64::max);
            // (A mentee without pairs keeps its potential.)
            if tight.is_finite() {
                self.h[u] = tight;
            }
        }
        s.round += 1;
        let round = s.round;
        s.heap.clear();
        s.settled.clear();
        s.node[u].dist = 0.0;
        s.node[u].seen = round;
        s.heap.push(key(0.0), u as u32);
        // The best way found so far to leave someone unmatched: (distance, mentee).
        let mut unmatched: Option<(f64, u32)> = None;
        let mut sink: Option<(f64, Option<u32>)> = None;
        'search: while let Some((_, x)) = s.heap.pop() {
            let x = x as usize;
            if s.node[x].done == round {
                continue;
            }
            let dx = s.node[x].dist;
            if let Some((du, a)) = unmatched
                && du <= dx
            {
                sink = Some((du, None));
                let _ = a;
                break;
            }
            if s.settled.len() >= budget {
                return false;
            }
            s.node[x].done = round;
            s.settled.push(x as u32);
            if x < n {
                // A mentee: its pairs, and the unmatched node.
                for i in c.start[x]..c.start[x + 1] {
                    let m = c.mentor[i] as usize;
                    if self.assigned[x] == Some(m as u32) {
                        continue;
                    }
                    let y = n + m;
                    if s.node[y].done == round {
                        continue;
                    }
                    let nd = dx + (c.cost[i] + self.h[x] - self.h[y]).max(0.0);
                    if nd <= dx && self.holds[m].len() < self.cap[m] as usize {
                        // A free place at no extra distance: nothing can be shorter.
                        s.node[y].from = x as u32;
                        sink = Some((nd, Some(m as u32)));
                        break 'search;
                    }
                    if s.node[y].seen != round || nd < s.node[y].dist {
                        s.node[y].seen = round;
                        s.node[y].dist = nd;
                        s.node[y].from = x as u32;
                        s.heap.push(key(nd), y as u32);
                    }
                }
                if self.assigned[x].is_some() || x == u {
                    let nd = dx + (unmatched_cost + self.h[x]).max(0.0);
                    if unmatched.is_none_or(|(d, _)| nd < d) {
                        unmatched = Some((nd, x as u32));
                    }
                }
            } else {
                let m = x - n;
                if self.holds[m].len() < self.cap[m] as usize {
                    sink = Some((dx, Some(m as u32)));
                    break;
                }
                for &a in &self.holds[m] {
                    let a = a as usize;
                    if s.node[a].done == round {
                        continue;
                    }
                    let nd = dx + (-self.assigned_cost[a] + self.h[x] - self.h[a]).max(0.0);
                    if s.node[a].seen != round || nd < s.node[a].dist {
                        s.node[a].seen = round;
                        s.node[a].dist = nd;
                        s.heap.push(key(nd), a as u32);
                    }
                }
            }
        }
        let (d, end) = match sink {
            Some(found) => found,
            None => match unmatched {
                Some((d, _)) => (d, None),
                None => return true,
            },
        };
        // Potentials of everything settled before the end move by (distance − D).
        for &x in &s.settled {
            let x = x as usize;
            self.h[x] += s.node[x].dist - d;
        }
        // Walk the path back: each mentee on it moves to the mentor after it.
        let (mut m, mut a) = match end {
            Some(m) => (Some(m), s.node[n + m as usize].from as usize),
            None => (None, unmatched.map_or(u, |(_, a)| a as usize)),
        };
        loop {
            let old = self.assigned[a];
            self.shift(c, a, m);
            if a == u {
                break;
            }
            let Some(o) = old else { break };
            m = Some(o);
            a = s.node[n + o as usize].from as usize;
        }
        true
    }

    /// Moves mentee `a` to mentor `m` (`None`: unmatched).
    fn shift(&mut self, c: &Candidates, a: usize, m: Option<u32>) {
        if let Some(o) = self.assigned[a] {
            let list = &mut self.holds[o as usize];
            if let Some(i) = list.iter().position(|&x| x as usize == a) {
                list.swap_remove(i);
            }
        }
        match m {
            Some(mm) => {
                self.holds[mm as usize].push(a as u32);
                self.assigned[a] = Some(mm);
                self.assigned_cost[a] = cost_of(c, a, mm);
                self.at_dummy[a] = false;
            }
            None => {
                self.assigned[a] = None;
                self.assigned_cost[a] = 0.0;
                self.at_dummy[a] = true;
            }
        }
    }

    /// Places the `pending` mentees in phases: one backward Dijkstra from the sink gives every
    /// node its distance to a free place, the potentials move by it so that every shortest
    /// path is tight, and then as many pending mentees as possible move along tight paths.
    /// Any tight augmenting path keeps every reduced cost non-negative, so the result stays
    /// optimal; each phase places at least one mentee.
    #[allow(clippy::too_many_arguments)]
    fn phases(
        &mut self,
        c: &Candidates,
        mut pending: Vec<u32>,
        unmatched_cost: f64,
        tol: f64,
        s: &mut Search,
        budget: usize,
        progress: &mut dyn FnMut(usize),
    ) {
        let n = self.n;
        let mentors = self.mentors();
        let (dummy, t) = (n + mentors, n + mentors + 1);
        // Who may take each mentor: (mentee, cost), by mentor.
        let mut rstart = vec![0usize; mentors + 1];
        for &m in &c.mentor {
            rstart[m as usize + 1] += 1;
        }
        for m in 0..mentors {
            rstart[m + 1] += rstart[m];
        }
        let mut fill = rstart.clone();
        let mut rmentee = vec![0u32; c.mentor.len()];
        let mut rcost = vec![0f64; c.mentor.len()];
        for u in 0..n {
            for i in c.start[u]..c.start[u + 1] {
                let m = c.mentor[i] as usize;
                rmentee[fill[m]] = u as u32;
                rcost[fill[m]] = c.cost[i];
                fill[m] += 1;
            }
        }
        // Potentials of the unmatched node and the sink, kept beside `h`.
        self.h.resize(n + mentors + 2, 0.0);
        let mut dist = vec![f64::INFINITY; n + mentors + 2];
        let mut done = vec![false; n + mentors + 2];
        let mut heap = RadixHeap::default();
        let mut seen = vec![0u32; n + mentors + 2];
        let mut waiting = vec![false; n];
        let mut phase = 0u32;
        while !pending.is_empty() {
            phase += 1;
            let before = pending.len();
            dist.fill(f64::INFINITY);
            done.fill(false);
            dist[t] = 0.0;
            heap.clear();
            heap.push(key(0.0), t as u32);
            for &u in &pending {
                waiting[u as usize] = true;
            }
            // Distances beyond the last pending mentee's are not needed: everything further
            // is treated as being at that distance (which keeps reduced costs non-negative).
            let mut left = pending.len();
            let mut reach = 0.0;
            while let Some((_, y)) = heap.pop() {
                let y = y as usize;
                if done[y] {
                    continue;
                }
                done[y] = true;
                let dy = dist[y];
                reach = dy;
                if y < n && waiting[y] {
                    waiting[y] = false;
                    left -= 1;
                    if left == 0 {
                        break;
                    }
                }
                let h = &self.h;
                let mut relax = |x: usize, rc: f64| {
                    let nd = dy + rc.max(0.0);
                    if nd < dist[x] {
                        dist[x] = nd;
                        heap.push(key(nd), x as u32);
                    }
                };
                if y == t {
                    for m in 0..mentors {
                        if self.holds[m].len() < self.cap[m] as usize {
                            relax(n + m, h[n + m] - h[t]);
                        }
                    }
                    relax(dummy, h[dummy] - h[t]);
                } else if y == dummy {
                    for u in 0..n {
                        if !self.at_dummy[u] {
                            relax(u, unmatched_cost + h[u] - h[dummy]);
                        }
                    }
                } else if y >= n {
                    let m = y - n;
                    for i in rstart[m]..rstart[m + 1] {
                        let u = rmentee[i] as usize;
                        if self.assigned[u] != Some(m as u32) && !done[u] {
                            relax(u, rcost[i] + h[u] - h[y]);
                        }
                    }
                } else if let Some(m) = self.assigned[y] {
                    relax(
                        n + m as usize,
                        -self.assigned_cost[y] + h[n + m as usize] - h[y],
                    );
                } else if self.at_dummy[y] {
                    relax(dummy, -unmatched_cost + h[dummy] - h[y]);
                }
            }
            for (x, d) in dist.iter().enumerate() {
                self.h[x] -= if done[x] { *d } else { reach };
            }
            // Move pending mentees along tight paths (depth first, each node tried once).
            let mut still = Vec::new();
            for &u in &pending {
                if !self.tight_path(c, u as usize, unmatched_cost, tol, &mut seen, phase) {
                    still.push(u);
                }
            }
            // The phase left every free place (and the unmatched node) at the sink's potential,
            // as placing one at a time needs: try the rest that way, now that the potentials
            // are good and the searches short.
            pending = still
                .into_iter()
                .filter(|&u| !self.place(c, u as usize, unmatched_cost, s, budget))
                .collect();
            progress(n - pending.len());
            // A phase costs a search of the whole graph; when one places only a few mentees,
            // the few left cost less searched for one at a time, without a budget.
            if before - pending.len() < FEW {
                for &u in &pending {
                    self.place(c, u as usize, unmatched_cost, s, usize::MAX);
                }
                pending.clear();
                progress(n);
            }
        }
    }

    /// Finds a tight path from pending mentee `u` to a free place or the unmatched node and
    /// moves the mentees along it.
    #[allow(clippy::too_many_arguments)]
    fn tight_path(
        &mut self,
        c: &Candidates,
        u: usize,
        unmatched_cost: f64,
        tol: f64,
        seen: &mut [u32],
        phase: u32,
    ) -> bool {
        let n = self.n;
        let (dummy, t) = (n + self.mentors(), n + self.mentors() + 1);
        // Frames: (node, next arc to try).
        let mut stack: Vec<(usize, usize)> = vec![(u, 0)];
        seen[u] = phase;
        let end: Option<u32> = loop {
            let Some(&mut (x, ref mut next)) = stack.last_mut() else {
                return false;
            };
            let mut step = None;
            if x < n {
                let arcs = c.start[x + 1] - c.start[x];
                while *next <= arcs && step.is_none() {
                    let k = *next;
                    *next += 1;
                    if k == arcs {
                        if !self.at_dummy[x] && unmatched_cost + self.h[x] - self.h[dummy] <= tol {
                            step = Some(dummy);
                        }
                    } else {
                        let i = c.start[x] + k;
                        let m = c.mentor[i] as usize;
                        let y = n + m;
                        if self.assigned[x] != Some(m as u32)
                            && seen[y] != phase
                            && c.cost[i] + self.h[x] - self.h[y] <= tol
                        {
                            step = Some(y);
                        }
                    }
                }
            } else {
                let m = x - n;
                if *next == 0
                    && self.holds[m].len() < self.cap[m] as usize
                    && self.h[x] - self.h[t] <= tol
                {
                    step = Some(t);
                }
                while step.is_none() && *next < self.holds[m].len() {
                    let a = self.holds[m][*next] as usize;
                    *next += 1;
                    if seen[a] != phase && -self.assigned_cost[a] + self.h[x] - self.h[a] <= tol {
                        step = Some(a);
                    }
                }
                if step.is_none() && *next == 0 {
                    *next = 1;
                }
            }
            match step {
                Some(y) if y == t => break Some(x as u32),
                Some(y) if y == dummy => break None,
                Some(y) => {
                    seen[y] = phase;
                    stack.push((y, 0));
                }
                None => {
                    stack.pop();
                }
            }
        };
        // The stack is u, m1, a1, m2, a2, …: each mentee moves to the mentor after it; the
        // last mentee goes to `end` (a mentor with a free place, or unmatched).
        let nodes: Vec<usize> = stack.iter().map(|&(x, _)| x).collect();
        // The path's nodes stay open to the phase's other searches: after the move every arc
        // on it (now reversed) is still tight. Only dead ends stay marked.
        for &x in &nodes {
            seen[x] = 0;
        }
        let mut k = nodes.len() - 1;
        if let Some(m) = end {
            // The last node is the free mentor; the mentee before it moves there.
            let a = nodes[k - 1];
            self.shift(c, a, Some(m - n as u32));
            k -= 1;
        } else {
            let a = nodes[k];
            self.shift(c, a, None);
        }
        while k >= 2 {
            let (a, m) = (nodes[k - 2], nodes[k - 1]);
            self.shift(c, a, Some((m - n) as u32));
            k -= 2;
        }
        true
    }
}

fn cost_of(c: &Candidates, u: usize, m: u32) -> f64 {
    (c.start[u]..c.start[u + 1])
        .find(|&i| c.mentor[i] == m)
        .map_or(0.0, |i| c.cost[i])
}

/// Solves the optimal mode.
pub fn solve(p: &Problem, opts: Options, progress: &mut dyn FnMut(usize, usize)) -> Outcome {
    let n = p.mentees();
    // Scores are finite, so plain comparisons (which vectorise, where `f64::min` must mind
    // NaN) find the range.
    let (mut lo, mut hi) = p
        .score
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| {
            (if s < lo { s } else { lo }, if s > hi { s } else { hi })
        });
    if p.score.is_empty() {
        (lo, hi) = (0.0, 0.0);
    }
    let range = hi - lo;
    // More than any total of score differences: one more mentee matched always wins.
    let unmatched_cost = (range + 1.0) * (n as f64 + 1.0);
    let tol = 1e-9 * (1.0 + range);
    // When not every mentee can be matched, exactly this many are left out of any optimum: they
    // get places of their own (one more "mentor") at cost 0. Whatever that cost, it is the same
    // for every way of leaving that many out, so the optimum does not change; at 0 the search
    // for who is left out stays short, where the "unmatched" node's cost (above any path)
    // made it a search of everything reachable. The unmatched node stays for mentees whose
    // candidates cannot reach the count; the check over every pair below adds the pairs they
    // need.
    let left_out = n - crate::cardinality::max_matched(p, |_| true);
    let left_out_place = (left_out > 0).then_some((p.mentors() as u32, 0.0));
    let mut extra: Vec<Vec<u32>> = Vec::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let c = Candidates::top(p, opts.top_k.max(1), hi, &extra, left_out_place);
        let mut f = Flow::new(p, left_out);
        let nodes = n + f.mentors();
        let mut s = Search {
            node: vec![Mark::default(); nodes],
            settled: Vec::new(),
            heap: RadixHeap::default(),
            round: 0,
        };
        // One at a time while places are easy to find; a mentee whose search grows past the
        // budget waits for the phases, which place many mentees per search.
        let budget = opts.search_budget.max(1);
        let step = (n / 100).max(1);
        let mut pending = Vec::new();
        for u in 0..n {
            if !f.place(&c, u, unmatched_cost, &mut s, budget) {
                pending.push(u as u32);
            }
            if u % step == 0 {
                progress(u + 1 - pending.len(), n);
            }
        }
        f.phases(
            &c,
            pending,
            unmatched_cost,
            tol,
            &mut s,
            budget,
            &mut |done| progress(done, n),
        );
        progress(n, n);
        // Check every allowed pair against the potentials (two halves of the mentees on two
        // threads when there are many pairs).
        if extra.is_empty() {
            extra = vec![Vec::new(); n];
        }
        let check = |first: usize, extra: &mut [Vec<u32>]| {
            let mut violations = 0;
            let mentor_h = &f.h[n..n + p.mentors()];
            for (u, more) in (first..).zip(extra.iter_mut()) {
                let r = p.start[u]..p.start[u + 1];
                for (&m, &score) in p.mentor[r.clone()].iter().zip(&p.score[r]) {
                    let rc = (hi - score) + f.h[u] - mentor_h[m as usize];
                    // A held pair's arc is full, so only its reverse must not be negative.
                    if rc < -tol && f.assigned[u] != Some(m) {
                        more.push(m);
                        violations += 1;
                    }
                }
            }
            violations
        };
        let violations = if p.pairs() < PARALLEL_PAIRS {
            check(0, &mut extra)
        } else {
            let (one, two) = extra.split_at_mut(n / 2);
            let (a, b) = join(|| check(0, one), || check(n / 2, two));
            a + b
        };
        if violations == 0 {
            let sink = f.h.get(n + f.mentors() + 1).copied().unwrap_or(0.0);
            let prices = (0..p.mentors()).map(|m| sink - f.h[n + m]).collect();
            let assigned = f
                .assigned
                .iter()
                .map(|&m| m.filter(|&m| (m as usize) < p.mentors()))
                .collect();
            return Outcome::new(p, Mode::Optimal, assigned, Some(prices), rounds);
        }
    }
}
