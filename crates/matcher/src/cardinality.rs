//! How many mentees can be matched at most, scores aside: Hopcroft–Karp on mentors with
//! capacities (a breadth-first search from every unmatched mentee gives the layers, then
//! depth-first searches move mentees along shortest augmenting paths, as many as the layers
//! allow, until none is left). The optimal mode uses the count to know in advance how many
//! mentees must stay unmatched; the generous mode to find the highest score floor that keeps
//! the count.

use crate::problem::Problem;

const NONE: u32 = u32::MAX;

/// The largest number of mentees that can be matched at once using the pairs whose score
/// `keep` allows.
pub fn max_matched(p: &Problem, keep: impl Fn(f64) -> bool) -> usize {
    let n = p.mentees();
    let mut at = vec![NONE; n];
    let mut holds: Vec<Vec<u32>> = vec![Vec::new(); p.mentors()];
    let free = |holds: &[Vec<u32>], m: usize| holds[m].len() < p.capacity(m) as usize;
    // Greedy start: each mentee takes its first mentor with a free place.
    let mut matched = 0;
    for (u, slot) in at.iter_mut().enumerate() {
        if let Some((m, _)) = p.pairs_of(u).find(|&(m, s)| keep(s) && free(&holds, m)) {
            *slot = m as u32;
            holds[m].push(u as u32);
            matched += 1;
        }
    }
    let mut layer = vec![NONE; n];
    let mut queue: Vec<u32> = Vec::new();
    // Frames of the depth-first search: (mentee, next pair, next holder of that pair's mentor).
    let mut stack: Vec<(u32, usize, usize)> = Vec::new();
    loop {
        // Layers: unmatched mentees at 0, a mentee one further than the mentee whose mentor
        // it holds; stop at the first layer from which a mentor has a free place.
        queue.clear();
        for u in 0..n {
            layer[u] = if at[u] == NONE { 0 } else { NONE };
            if at[u] == NONE {
                queue.push(u as u32);
            }
        }
        let mut last = NONE;
        let mut i = 0;
        while i < queue.len() {
            let u = queue[i] as usize;
            i += 1;
            if layer[u] >= last {
                break;
            }
            for (m, s) in p.pairs_of(u) {
                if at[u] == m as u32 || !keep(s) {
                    continue;
                }
                if free(&holds, m) {
                    last = layer[u];
                } else {
                    for &a in &holds[m] {
                        if layer[a as usize] == NONE {
                            layer[a as usize] = layer[u] + 1;
                            queue.push(a);
                        }
                    }
                }
            }
        }
        if last == NONE {
            return matched;
        }
        let mut moved = false;
        for u0 in 0..n {
            if at[u0] != NONE || layer[u0] != 0 {
                continue;
            }
            stack.clear();
            stack.push((u0 as u32, 0, 0));
            let mut end = None;
            while let Some(&mut (u, ref mut k, ref mut j)) = stack.last_mut() {
                let u = u as usize;
                let pairs = p.start[u]..p.start[u + 1];
                let mut next = None;
                while pairs.start + *k < pairs.end {
                    let m = p.mentor[pairs.start + *k] as usize;
                    if at[u] == m as u32 || !keep(p.score[pairs.start + *k]) {
                        *k += 1;
                        continue;
                    }
                    if *j == 0 && layer[u] == last && free(&holds, m) {
                        end = Some(m);
                        break;
                    }
                    let from = *j;
                    let deeper = layer[u] + 1;
                    if layer[u] < last
                        && let Some(at_j) = holds[m][from..]
                            .iter()
                            .position(|&a| layer[a as usize] == deeper)
                    {
                        next = Some(holds[m][from + at_j]);
                        *j = from + at_j + 1;
                        break;
                    }
                    *k += 1;
                    *j = 0;
                }
                if end.is_some() {
                    break;
                }
                match next {
                    Some(a) => stack.push((a, 0, 0)),
                    None => {
                        // A dead end for the rest of this phase.
                        layer[u] = NONE;
                        stack.pop();
                    }
                }
            }
            if end.is_none() {
                continue;
            }
            // Each mentee on the path moves to the mentor it was trying (the last one to the
            // free place), leaving its place to the mentee after it. None of them is used again
            // in this phase.
            for &(x, k, _) in stack.iter().rev() {
                let x = x as usize;
                let m = p.mentor[p.start[x] + k];
                if at[x] != NONE {
                    let old = &mut holds[at[x] as usize];
                    if let Some(i) = old.iter().position(|&y| y as usize == x) {
                        old.swap_remove(i);
                    }
                }
                at[x] = m;
                holds[m as usize].push(x as u32);
                layer[x] = NONE;
            }
            matched += 1;
            moved = true;
        }
        if !moved {
            return matched;
        }
    }
}
