//! A matching problem: mentees, mentors with capacities, and a score for each allowed pair.
//! Hard constraints are applied while building: a pair that breaks one is never allowed.

use std::fmt;

/// What is wrong with a problem as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemError {
    MenteeOutOfRange { mentee: usize },
    MentorOutOfRange { mentor: usize },
    ScoreNotFinite { mentee: usize, mentor: usize },
    RepeatedPair { mentee: usize, mentor: usize },
    ZeroCapacity { mentor: usize },
}

impl fmt::Display for ProblemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MenteeOutOfRange { mentee } => write!(f, "mentee {mentee} is not in the list"),
            Self::MentorOutOfRange { mentor } => write!(f, "mentor {mentor} is not in the list"),
            Self::ScoreNotFinite { mentee, mentor } => {
                write!(
                    f,
                    "the score of mentee {mentee} with mentor {mentor} is not a number"
                )
            }
            Self::RepeatedPair { mentee, mentor } => {
                write!(f, "mentee {mentee} and mentor {mentor} are given twice")
            }
            Self::ZeroCapacity { mentor } => write!(f, "mentor {mentor} has no place"),
        }
    }
}

impl std::error::Error for ProblemError {}

/// The allowed pairs, grouped by mentee (compressed rows): mentee `u`'s pairs are
/// `start[u]..start[u + 1]` of `mentor`, `score` and `mentor_score`.
#[derive(Debug, Clone)]
pub struct Problem {
    pub(crate) capacity: Vec<u32>,
    pub(crate) start: Vec<usize>,
    pub(crate) mentor: Vec<u32>,
    pub(crate) score: Vec<f64>,
    /// How much the mentor wants the mentee (stable mode and blocking pairs); the score when
    /// not given.
    pub(crate) mentor_score: Vec<f64>,
}

impl Problem {
    pub fn mentees(&self) -> usize {
        self.start.len() - 1
    }

    pub fn mentors(&self) -> usize {
        self.capacity.len()
    }

    pub fn capacity(&self, mentor: usize) -> u32 {
        self.capacity[mentor]
    }

    /// Number of allowed pairs.
    pub fn pairs(&self) -> usize {
        self.mentor.len()
    }

    /// Mentee `u`'s allowed pairs as (mentor, score), by mentor.
    pub fn pairs_of(&self, u: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.start[u]..self.start[u + 1];
        self.mentor[r.clone()]
            .iter()
            .zip(&self.score[r])
            .map(|(&m, &s)| (m as usize, s))
    }

    /// Where a pair is in the rows (`mentor`, `score`, `mentor_score`), if it is allowed.
    pub fn pair_index(&self, u: usize, m: usize) -> Option<usize> {
        let r = self.start[u]..self.start[u + 1];
        self.mentor[r.clone()]
            .binary_search(&(m as u32))
            .ok()
            .map(|i| r.start + i)
    }

    /// The score of a pair, if it is allowed.
    pub fn score(&self, u: usize, m: usize) -> Option<f64> {
        self.pair_index(u, m).map(|i| self.score[i])
    }

    /// The mentor's score of a pair, if it is allowed.
    pub fn mentor_score(&self, u: usize, m: usize) -> Option<f64> {
        self.pair_index(u, m).map(|i| self.mentor_score[i])
    }

    /// The same problem keeping only the pairs `keep` says yes to.
    pub fn filtered(&self, keep: impl Fn(usize, usize, f64) -> bool) -> Problem {
        let mut p = Problem {
            capacity: self.capacity.clone(),
            start: Vec::with_capacity(self.start.len()),
            mentor: Vec::new(),
            score: Vec::new(),
            mentor_score: Vec::new(),
        };
        p.start.push(0);
        for u in 0..self.mentees() {
            for i in self.start[u]..self.start[u + 1] {
                let m = self.mentor[i] as usize;
                if keep(u, m, self.score[i]) {
                    p.mentor.push(self.mentor[i]);
                    p.score.push(self.score[i]);
                    p.mentor_score.push(self.mentor_score[i]);
                }
            }
            p.start.push(p.mentor.len());
        }
        p
    }
}

/// Who a person is, for the hard constraints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// Language codes the person works in.
    pub languages: Vec<String>,
    pub organisation: Option<String>,
    /// An id of the person, and of their manager, to keep people away from their own manager.
    pub id: Option<String>,
    pub manager: Option<String>,
}

/// The programme's hard constraints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rules {
    pub shared_language: bool,
    pub different_organisation: bool,
    pub not_own_manager: bool,
}

impl Rules {
    /// Whether `mentee` may be matched with `mentor` under these rules.
    pub fn allow(&self, mentee: &Person, mentor: &Person) -> bool {
        if self.shared_language
            && !mentee
                .languages
                .iter()
                .any(|l| mentor.languages.iter().any(|k| k.eq_ignore_ascii_case(l)))
        {
            return false;
        }
        if self.different_organisation
            && let (Some(a), Some(b)) = (&mentee.organisation, &mentor.organisation)
            && a.eq_ignore_ascii_case(b)
        {
            return false;
        }
        if self.not_own_manager
            && let (Some(boss), Some(id)) = (&mentee.manager, &mentor.id)
            && boss == id
        {
            return false;
        }
        true
    }
}

/// Builds a [`Problem`] pair by pair.
#[derive(Debug, Clone)]
pub struct Builder {
    mentees: usize,
    capacity: Vec<u32>,
    pairs: Vec<(u32, u32, f64, f64)>,
    forbidden: Vec<(u32, u32)>,
    people: Option<(Rules, Vec<Person>, Vec<Person>)>,
}

impl Builder {
    pub fn new(mentees: usize, capacity: Vec<u32>) -> Self {
        Self::with_pairs(mentees, capacity, Vec::new())
    }

    /// A builder that starts with `pairs`: (mentee, mentor, score, mentor's score), taken as
    /// they are (millions of pairs read from a file are not copied again).
    pub fn with_pairs(
        mentees: usize,
        capacity: Vec<u32>,
        pairs: Vec<(u32, u32, f64, f64)>,
    ) -> Self {
        Self {
            mentees,
            capacity,
            pairs,
            forbidden: Vec::new(),
            people: None,
        }
    }

    /// Applies `rules` to every pair, with who the mentees and mentors are (by index).
    pub fn rules(&mut self, rules: Rules, mentees: Vec<Person>, mentors: Vec<Person>) -> &mut Self {
        self.people = Some((rules, mentees, mentors));
        self
    }

    /// An allowed pair and its score (higher is better); the mentor's view is the same score.
    pub fn pair(&mut self, mentee: usize, mentor: usize, score: f64) -> &mut Self {
        self.pair_both(mentee, mentor, score, score)
    }

    /// An allowed pair with the mentee's and the mentor's score of it.
    pub fn pair_both(
        &mut self,
        mentee: usize,
        mentor: usize,
        score: f64,
        mentor_score: f64,
    ) -> &mut Self {
        self.pairs
            .push((mentee as u32, mentor as u32, score, mentor_score));
        self
    }

    /// A pair staff have ruled out, whatever its score.
    pub fn forbid(&mut self, mentee: usize, mentor: usize) -> &mut Self {
        self.forbidden.push((mentee as u32, mentor as u32));
        self
    }

    pub fn build(mut self) -> Result<Problem, ProblemError> {
        if let Some(m) = self.capacity.iter().position(|&c| c == 0) {
            return Err(ProblemError::ZeroCapacity { mentor: m });
        }
        for &(u, m, s, t) in &self.pairs {
            if u as usize >= self.mentees {
                return Err(ProblemError::MenteeOutOfRange { mentee: u as usize });
            }
            if m as usize >= self.capacity.len() {
                return Err(ProblemError::MentorOutOfRange { mentor: m as usize });
            }
            if !s.is_finite() || !t.is_finite() {
                return Err(ProblemError::ScoreNotFinite {
                    mentee: u as usize,
                    mentor: m as usize,
                });
            }
        }
        self.pairs.sort_unstable_by_key(|&(u, m, _, _)| (u, m));
        if let Some(w) = self
            .pairs
            .windows(2)
            .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
        {
            return Err(ProblemError::RepeatedPair {
                mentee: w[0].0 as usize,
                mentor: w[0].1 as usize,
            });
        }
        self.forbidden.sort_unstable();
        let mut p = Problem {
            capacity: self.capacity,
            start: Vec::with_capacity(self.mentees + 1),
            mentor: Vec::with_capacity(self.pairs.len()),
            score: Vec::with_capacity(self.pairs.len()),
            mentor_score: Vec::with_capacity(self.pairs.len()),
        };
        p.start.push(0);
        let mut next = 0;
        for u in 0..self.mentees as u32 {
            while next < self.pairs.len() && self.pairs[next].0 == u {
                let (_, m, s, t) = self.pairs[next];
                let ruled_out = self.people.as_ref().is_some_and(|(r, es, ms)| {
                    match (es.get(u as usize), ms.get(m as usize)) {
                        (Some(e), Some(mp)) => !r.allow(e, mp),
                        _ => false,
                    }
                });
                if !ruled_out && self.forbidden.binary_search(&(u, m)).is_err() {
                    p.mentor.push(m);
                    p.score.push(s);
                    p.mentor_score.push(t);
                }
                next += 1;
            }
            p.start.push(p.mentor.len());
        }
        Ok(p)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_grouped_by_mentee_and_forbidden_ones_dropped() {
        let mut b = Builder::new(3, vec![1, 2]);
        b.pair(2, 1, 5.0)
            .pair(0, 1, 3.0)
            .pair(0, 0, 4.0)
            .forbid(2, 1);
        let p = b.build().unwrap();
        assert_eq!(p.pairs_of(0).collect::<Vec<_>>(), vec![(0, 4.0), (1, 3.0)]);
        assert_eq!(p.pairs_of(1).count(), 0);
        assert_eq!(p.pairs_of(2).count(), 0);
        assert_eq!(p.score(0, 1), Some(3.0));
        assert_eq!(p.score(2, 1), None);
    }

    #[test]
    fn bad_problems_are_refused() {
        let mut b = Builder::new(1, vec![1]);
        b.pair(0, 0, 1.0).pair(0, 0, 2.0);
        assert_eq!(
            b.build().unwrap_err(),
            ProblemError::RepeatedPair {
                mentee: 0,
                mentor: 0
            }
        );
        let mut b = Builder::new(1, vec![1]);
        b.pair(0, 3, 1.0);
        assert!(matches!(
            b.build(),
            Err(ProblemError::MentorOutOfRange { .. })
        ));
        let mut b = Builder::new(1, vec![1]);
        b.pair(0, 0, f64::NAN);
        assert!(matches!(
            b.build(),
            Err(ProblemError::ScoreNotFinite { .. })
        ));
        assert!(matches!(
            Builder::new(1, vec![0]).build(),
            Err(ProblemError::ZeroCapacity { .. })
        ));
    }

    #[test]
    fn rules_keep_people_apart() {
        let ada = Person {
            languages: vec!["en".into(), "fr".into()],
            organisation: Some("Guy's".into()),
            id: Some("ada".into()),
            manager: Some("grace".into()),
        };
        let grace = Person {
            languages: vec!["FR".into()],
            organisation: Some("St Thomas'".into()),
            id: Some("grace".into()),
            manager: None,
        };
        let all = Rules {
            shared_language: true,
            different_organisation: true,
            not_own_manager: true,
        };
        assert!(!all.allow(&ada, &grace), "grace is ada's manager");
        let no_boss = Rules {
            not_own_manager: false,
            ..all
        };
        assert!(no_boss.allow(&ada, &grace));
        let same_org = Person {
            organisation: Some("guy's".into()),
            ..grace.clone()
        };
        assert!(!no_boss.allow(&ada, &same_org));
        let german = Person {
            languages: vec!["de".into()],
            ..grace
        };
        assert!(!no_boss.allow(&ada, &german));
        assert!(Rules::default().allow(&ada, &german));
    }
}
