//! Why a mentee got the mentor they got: for each mentor they scored higher, how much higher,
//! and that mentor's seat price from the optimal mode's potentials. In an optimal result the
//! advantage is never more than the difference in seat prices — that is the explanation
//! ("matched with B (82) rather than A (88): A's seat price is 9, the advantage is 6").

use crate::outcome::Outcome;
use crate::problem::Problem;
use serde::Serialize;

/// A mentor the mentee scored higher than the one they got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    pub mentor: usize,
    pub score: f64,
    /// Score gained by having this mentor instead.
    pub advantage: f64,
    /// This mentor's seat price less the matched mentor's (or, unmatched, the price itself).
    pub price_gap: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub mentee: usize,
    /// The mentor and the pair's score.
    pub matched: Option<(usize, f64)>,
    pub matched_price: Option<f64>,
    /// Better-scored mentors, best first (at most `limit`).
    pub better: Vec<Alternative>,
}

pub fn explain(p: &Problem, o: &Outcome, mentee: usize, limit: usize) -> Explanation {
    let matched =
        o.assigned[mentee].and_then(|m| p.score(mentee, m as usize).map(|s| (m as usize, s)));
    let price = |m: usize| o.prices.as_ref().and_then(|ps| ps.get(m).copied());
    let matched_price = matched.and_then(|(m, _)| price(m));
    let floor = matched.map_or(f64::NEG_INFINITY, |(_, s)| s);
    let mut better: Vec<Alternative> = p
        .pairs_of(mentee)
        .filter(|&(m, s)| s > floor && Some(m) != matched.map(|x| x.0))
        .map(|(m, s)| Alternative {
            mentor: m,
            score: s,
            advantage: if floor.is_finite() { s - floor } else { s },
            price_gap: price(m).map(|pm| pm - matched_price.unwrap_or(0.0)),
        })
        .collect();
    better.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.mentor.cmp(&b.mentor)));
    better.truncate(limit);
    Explanation {
        mentee,
        matched,
        matched_price,
        better,
    }
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.2}")
    }
}

impl Explanation {
    /// One sentence per better-scored mentor, with names given by `name(mentor)`.
    pub fn sentences(&self, name: &dyn Fn(usize) -> String) -> Vec<String> {
        self.better
            .iter()
            .map(|a| {
                let alt = format!("{} ({})", name(a.mentor), num(a.score));
                let why = match a.price_gap {
                    Some(gap) => format!(
                        "{}'s seat price is {}, the advantage is {}",
                        name(a.mentor),
                        num(gap),
                        num(a.advantage)
                    ),
                    None => format!("{} is full", name(a.mentor)),
                };
                match self.matched {
                    Some((m, s)) => {
                        format!(
                            "matched with {} ({}) rather than {alt}: {why}",
                            name(m),
                            num(s)
                        )
                    }
                    None => format!("not matched with {alt}: {why}"),
                }
            })
            .collect()
    }
}
