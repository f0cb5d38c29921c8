//! The mentor directory searched in memory [000, 003]: one index per programme, built from the
//! listed mentors and kept in step change by change (the store decides when; see
//! `trellis_store::directory`). A search touches only the mentors its rarest word or term
//! names, so it costs tens of microseconds where the same search in SQL cost milliseconds.
//!
//! Words are found the way a reader expects: letters folded to lower case without accents
//! ("Médecine" finds "medecine"), each word reduced to its stem by the Snowball English
//! stemmer ("simulations" finds "simulation", "teaching" finds "teach"), every word of the
//! search required. Matches are ranked by BM25 (k1 = 1.2, b = 0.75, as SQLite FTS5 and
//! Lucene), then by name.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::directory::{AvailabilityFilter, MAX_PAGE_SIZE, Sort};

/// Searches count matches up to this many; `Found::total` is then `MAX_COUNT + 1`.
pub const MAX_COUNT: u64 = 1000;

/// One mentor as the directory sees them; `row` is what a search hands back.
#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub id: i64,
    /// Unlisted mentors are not in the index: putting one removes it.
    pub listed: bool,
    pub name: String,
    pub listed_at: DateTime<Utc>,
    pub available: bool,
    pub capacity: i32,
    pub active_mentees: i32,
    /// Taxonomy term ids: audiences and expertise.
    pub terms: Vec<i64>,
    pub languages: Vec<String>,
    pub location: Option<String>,
    pub time_zone: Option<String>,
    /// What free text searches: name, background, term labels, tags.
    pub text: String,
    pub row: T,
}

/// A directory search: every given filter applies.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Plain words (see `crate::directory::search_words`); all must match.
    pub words: Vec<String>,
    pub audience: Option<i64>,
    pub expertise: Option<i64>,
    pub availability: Option<AvailabilityFilter>,
    /// One of the mentor's languages, whole, in any case.
    pub language: Option<String>,
    /// Part of the location or of the time zone, in any case.
    pub place: Option<String>,
    pub sort: Sort,
    pub limit: u64,
    pub offset: u64,
}

/// One page of a search.
#[derive(Debug)]
pub struct Found<'a, T> {
    /// Matching mentors, counted up to `MAX_COUNT + 1`.
    pub total: u64,
    pub rows: Vec<&'a T>,
    /// Each row's taxonomy term ids, ascending.
    pub terms: Vec<&'a [i64]>,
}

/// What a search reads of every match, kept together in one array rather than behind each
/// mentor's row.
#[derive(Debug, Clone, Copy, Default)]
struct Hot {
    free_places: i32,
    /// Words in the text.
    len: u32,
    /// Position in name order (ties by id).
    name_rank: u32,
    listed_at: i64,
    id: i64,
}

/// What only some searches read, and what a search hands back.
struct Doc<T> {
    id: i64,
    name: String,
    /// Lower case location and time zone.
    location: String,
    time_zone: String,
    terms: Vec<i64>,
    /// Lower case.
    languages: Vec<String>,
    available: bool,
    open: bool,
    stems: Vec<u32>,
    row: T,
}

/// Slots whose text has a stem, ascending, with how often.
#[derive(Default)]
struct Postings {
    slots: Vec<u32>,
    counts: Vec<u32>,
}

impl Postings {
    fn insert(&mut self, slot: u32, count: u32) {
        if self.slots.last().is_none_or(|&last| last < slot) {
            self.slots.push(slot);
            self.counts.push(count);
        } else if let Err(at) = self.slots.binary_search(&slot) {
            self.slots.insert(at, slot);
            self.counts.insert(at, count);
        }
    }

    fn remove(&mut self, slot: u32) {
        if let Ok(at) = self.slots.binary_search(&slot) {
            self.slots.remove(at);
            self.counts.remove(at);
        }
    }
}

/// A set of slots, one bit each: a filter (a term, a language, available, open) tested in a
/// few nanoseconds, and intersected 64 slots at a time. 20,000 mentors take 2.5 KB.
#[derive(Default, Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn set(&mut self, slot: u32, on: bool) {
        let (word, bit) = ((slot / 64) as usize, slot % 64);
        if word >= self.0.len() {
            if !on {
                return;
            }
            self.0.resize(word + 1, 0);
        }
        if on {
            self.0[word] |= 1 << bit;
        } else {
            self.0[word] &= !(1 << bit);
        }
    }

    fn has(&self, slot: u32) -> bool {
        self.0
            .get((slot / 64) as usize)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// The slots in every set, ascending.
    fn all_of(sets: &[&Bits]) -> Vec<u32> {
        let Some(len) = sets.iter().map(|b| b.0.len()).min() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for w in 0..len {
            let mut word = sets.iter().fold(u64::MAX, |acc, b| acc & b.0[w]);
            while word != 0 {
                let bit = word.trailing_zeros();
                out.push(u32::try_from(w * 64).unwrap_or(u32::MAX) + bit);
                word &= word - 1;
            }
        }
        out
    }
}

/// A programme's listed mentors, searchable.
pub struct Index<T> {
    docs: Vec<Option<Doc<T>>>,
    hot: Vec<Hot>,
    free_slots: Vec<u32>,
    slot_of: HashMap<i64, u32>,
    /// Folded word → stem id (a memo: stemming is the costly part of indexing).
    word_stems: HashMap<String, u32>,
    stem_ids: HashMap<String, u32>,
    /// Per stem id: the slots whose text has it and how often.
    postings: Vec<Postings>,
    /// Per term id, per lower-case language: the slots of mentors with it.
    term_bits: HashMap<i64, Bits>,
    language_bits: HashMap<String, Bits>,
    available_bits: Bits,
    open_bits: Bits,
    by_name: BTreeSet<(String, i64, u32)>,
    /// The slots in name order (from `by_name`, refreshed after every change).
    in_name_order: Vec<u32>,
    total_len: u64,
    stemmer: Stemmer,
}

impl<T> Default for Index<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Lower case without accents: "Médecine" → "medecine".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Moves `at` forward to the first entry of `list` not below `slot` (galloping, then binary).
fn seek(list: &[u32], at: &mut usize, slot: u32) -> bool {
    let mut step = 1;
    let mut hi = *at;
    while hi < list.len() && list[hi] < slot {
        *at = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(list.len());
    *at += list[*at..hi].partition_point(|&x| x < slot);
    list.get(*at) == Some(&slot)
}

const K1: f64 = 1.2;
const B: f64 = 0.75;

impl<T> Index<T> {
    pub fn new() -> Self {
        Self {
            docs: Vec::new(),
            hot: Vec::new(),
            free_slots: Vec::new(),
            slot_of: HashMap::new(),
            word_stems: HashMap::new(),
            stem_ids: HashMap::new(),
            postings: Vec::new(),
            term_bits: HashMap::new(),
            language_bits: HashMap::new(),
            available_bits: Bits::default(),
            open_bits: Bits::default(),
            by_name: BTreeSet::new(),
            in_name_order: Vec::new(),
            total_len: 0,
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// Listed mentors in the index.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    fn stem_id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.word_stems.get(word) {
            return id;
        }
        let stem = self.stemmer.stem(word).into_owned();
        let next = u32::try_from(self.stem_ids.len()).unwrap_or(u32::MAX);
        let id = *self.stem_ids.entry(stem).or_insert(next);
        if id == next {
            self.postings.push(Postings::default());
        }
        self.word_stems.insert(word.to_owned(), id);
        id
    }

    /// The stem id of a search word, if any mentor's text has that stem.
    fn known_stem(&self, word: &str) -> Option<u32> {
        let folded = fold(word);
        if let Some(&id) = self.word_stems.get(&folded) {
            return Some(id);
        }
        self.stem_ids
            .get(self.stemmer.stem(&folded).as_ref())
            .copied()
    }

    /// Adds or replaces a mentor; an unlisted one is taken out.
    pub fn put(&mut self, l: Listing<T>) {
        self.put_all(std::iter::once(l));
    }

    /// Adds or replaces mentors (unlisted ones are taken out), then settles the name order once.
    pub fn put_all(&mut self, listings: impl IntoIterator<Item = Listing<T>>) {
        for l in listings {
            self.insert(l);
        }
        self.settle_name_order();
    }

    /// Takes a mentor out (no-op when not there).
    pub fn remove(&mut self, id: i64) {
        self.take_out(id);
        self.settle_name_order();
    }

    fn insert(&mut self, l: Listing<T>) {
        self.take_out(l.id);
        if !l.listed {
            return;
        }
        let mut stems: Vec<(u32, u32)> = Vec::new();
        let mut len = 0u32;
        for word in fold(&l.text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            len += 1;
            stems.push((self.stem_id(word), 1));
        }
        stems.sort_unstable();
        stems.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += 1;
            }
            same
        });
        let slot = self.free_slots.pop().unwrap_or_else(|| {
            self.docs.push(None);
            self.hot.push(Hot::default());
            u32::try_from(self.docs.len() - 1).unwrap_or(u32::MAX)
        });
        for &(stem, count) in &stems {
            self.postings[stem as usize].insert(slot, count);
        }
        let mut terms = l.terms;
        terms.sort_unstable();
        terms.dedup();
        for &t in &terms {
            self.term_bits.entry(t).or_default().set(slot, true);
        }
        let languages: Vec<String> = l
            .languages
            .iter()
            .map(|x| x.trim().to_lowercase())
            .collect();
        for lang in &languages {
            self.language_bits
                .entry(lang.clone())
                .or_default()
                .set(slot, true);
        }
        let free_places = (l.capacity - l.active_mentees).max(0);
        let open = l.available && free_places > 0;
        self.available_bits.set(slot, l.available);
        self.open_bits.set(slot, open);
        self.by_name.insert((l.name.clone(), l.id, slot));
        self.total_len += u64::from(len);
        self.slot_of.insert(l.id, slot);
        self.hot[slot as usize] = Hot {
            free_places,
            len,
            name_rank: 0,
            listed_at: l.listed_at.timestamp_micros(),
            id: l.id,
        };
        self.docs[slot as usize] = Some(Doc {
            id: l.id,
            name: l.name,
            location: l.location.unwrap_or_default().to_lowercase(),
            time_zone: l.time_zone.unwrap_or_default().to_lowercase(),
            terms,
            languages,
            available: l.available,
            open,
            stems: stems.into_iter().map(|s| s.0).collect(),
            row: l.row,
        });
    }

    fn take_out(&mut self, id: i64) {
        let Some(slot) = self.slot_of.remove(&id) else {
            return;
        };
        let Some(doc) = self.docs[slot as usize].take() else {
            return;
        };
        for &stem in &doc.stems {
            self.postings[stem as usize].remove(slot);
        }
        for t in &doc.terms {
            if let Some(bits) = self.term_bits.get_mut(t) {
                bits.set(slot, false);
            }
        }
        for lang in &doc.languages {
            if let Some(bits) = self.language_bits.get_mut(lang) {
                bits.set(slot, false);
            }
        }
        if doc.available {
            self.available_bits.set(slot, false);
        }
        if doc.open {
            self.open_bits.set(slot, false);
        }
        self.by_name.remove(&(doc.name, doc.id, slot));
        self.total_len -= u64::from(self.hot[slot as usize].len);
        self.free_slots.push(slot);
    }

    fn settle_name_order(&mut self) {
        self.in_name_order.clear();
        for (rank, &(_, _, slot)) in self.by_name.iter().enumerate() {
            self.in_name_order.push(slot);
            self.hot[slot as usize].name_rank = u32::try_from(rank).unwrap_or(u32::MAX);
        }
    }

    fn doc(&self, slot: u32) -> &Doc<T> {
        match &self.docs[slot as usize] {
            Some(d) => d,
            // Every slot in a posting list, a set or the name order holds a mentor.
            None => unreachable!("an index slot in a list is empty"),
        }
    }

    /// One page of listed mentors matching every filter of `q`.
    pub fn search(&self, q: &Search) -> Found<'_, T> {
        let none = Found {
            total: 0,
            rows: Vec::new(),
            terms: Vec::new(),
        };
        let limit = usize::try_from(q.limit.clamp(1, MAX_PAGE_SIZE)).unwrap_or(20);
        let offset = usize::try_from(q.offset).unwrap_or(usize::MAX);
        let cap = usize::try_from(MAX_COUNT).unwrap_or(usize::MAX) + 1;
        let mut stems = Vec::with_capacity(q.words.len());
        for w in &q.words {
            match self.known_stem(w) {
                Some(s) => stems.push(s),
                None => return none,
            }
        }
        stems.sort_unstable();
        stems.dedup();
        // The filters as sets of slots.
        let mut sets: Vec<&Bits> = Vec::new();
        for t in [q.audience, q.expertise].into_iter().flatten() {
            match self.term_bits.get(&t) {
                Some(b) => sets.push(b),
                None => return none,
            }
        }
        if let Some(lang) = q
            .language
            .as_deref()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
        {
            match self.language_bits.get(&lang) {
                Some(b) => sets.push(b),
                None => return none,
            }
        }
        match q.availability {
            None => {}
            Some(AvailabilityFilter::Available) => sets.push(&self.available_bits),
            Some(AvailabilityFilter::HasCapacity) => sets.push(&self.open_bits),
        }
        let place = q
            .place
            .as_deref()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty());
        let in_place = |slot: u32| {
            place.as_ref().is_none_or(|p| {
                let d = self.doc(slot);
                d.location.contains(p) || d.time_zone.contains(p)
            })
        };
        let by_name = q.sort == Sort::Name || (q.sort == Sort::Relevance && stems.is_empty());
        let (hits, scores) = if !stems.is_empty() {
            self.matching_words(&stems, &sets, &in_place)
        } else if sets.is_empty() && by_name {
            // Browsing in name order: walk it until the page is full and the count capped.
            let mut total = 0;
            let mut page = Vec::new();
            for &slot in &self.in_name_order {
                if in_place(slot) {
                    if total >= offset && page.len() < limit {
                        page.push(slot);
                    }
                    total += 1;
                    if total >= cap && page.len() == limit {
                        break;
                    }
                }
            }
            return self.found(total.min(cap), page);
        } else if sets.is_empty() {
            (self.in_name_order.clone(), Vec::new())
        } else {
            let mut hits = Bits::all_of(&sets);
            hits.retain(|&s| in_place(s));
            (hits, Vec::new())
        };
        let total = hits.len().min(cap);
        let end = offset.saturating_add(limit).min(hits.len());
        if offset >= end {
            return self.found(total, Vec::new());
        }
        let hot = |s: u32| &self.hot[s as usize];
        let page: Vec<u32> = match q.sort {
            Sort::Relevance if !stems.is_empty() => {
                let mut scored: Vec<(f64, u32)> = scores.into_iter().zip(hits).collect();
                top(&mut scored, end, |a, b| {
                    b.0.total_cmp(&a.0)
                        .then(hot(a.1).name_rank.cmp(&hot(b.1).name_rank))
                });
                scored[offset..end].iter().map(|x| x.1).collect()
            }
            sort => {
                let mut hits = hits;
                top(&mut hits, end, |&a, &b| match sort {
                    Sort::Newest => {
                        (hot(b).listed_at, hot(b).id).cmp(&(hot(a).listed_at, hot(a).id))
                    }
                    Sort::Capacity => hot(b)
                        .free_places
                        .cmp(&hot(a).free_places)
                        .then(hot(a).name_rank.cmp(&hot(b).name_rank)),
                    Sort::Relevance | Sort::Name => hot(a).name_rank.cmp(&hot(b).name_rank),
                });
                hits[offset..end].to_vec()
            }
        };
        self.found(total, page)
    }

    /// The slots whose text has every stem and that pass the filters, with their BM25 scores
    /// (higher is better): walks the rarest stem's list, testing the filter sets first and
    /// seeking in the other stems' lists.
    fn matching_words(
        &self,
        stems: &[u32],
        sets: &[&Bits],
        in_place: &dyn Fn(u32) -> bool,
    ) -> (Vec<u32>, Vec<f64>) {
        let n = self.len() as f64;
        let avg_len = (self.total_len as f64 / n.max(1.0)).max(1.0);
        let mut lists: Vec<(&Postings, f64)> = stems
            .iter()
            .map(|&s| {
                let list = &self.postings[s as usize];
                let with = list.slots.len() as f64;
                // As FTS5: a word in more than half the texts still counts a little.
                (list, ((n - with + 0.5) / (with + 0.5)).ln().max(1e-6))
            })
            .collect();
        lists.sort_by_key(|(l, _)| l.slots.len());
        let Some((&(first, first_idf), rest)) = lists.split_first() else {
            return (Vec::new(), Vec::new());
        };
        let mut cursors = vec![0usize; rest.len()];
        let (mut hits, mut scores) = (Vec::new(), Vec::new());
        let part = |idf: f64, count: u32, len: u32| {
            let tf = f64::from(count);
            let norm = K1 * (1.0 - B + B * f64::from(len) / avg_len);
            idf * tf * (K1 + 1.0) / (tf + norm)
        };
        'slots: for (i, &slot) in first.slots.iter().enumerate() {
            if !sets.iter().all(|b| b.has(slot)) {
                continue;
            }
            let len = self.hot[slot as usize].len;
            let mut score = part(first_idf, first.counts[i], len);
            for ((list, idf), at) in rest.iter().zip(cursors.iter_mut()) {
                if !seek(&list.slots, at, slot) {
                    continue 'slots;
                }
                score += part(*idf, list.counts[*at], len);
            }
            if in_place(slot) {
                hits.push(slot);
                scores.push(score);
            }
        }
        (hits, scores)
    }

    fn found(&self, total: usize, page: Vec<u32>) -> Found<'_, T> {
        let docs: Vec<&Doc<T>> = page.into_iter().map(|s| self.doc(s)).collect();
        Found {
            total: total as u64,
            rows: docs.iter().map(|d| &d.row).collect(),
            terms: docs.iter().map(|d| d.terms.as_slice()).collect(),
        }
    }
}

/// Puts the first `n` items of `v` in order (the rest are left unordered after them).
fn top<X>(v: &mut [X], n: usize, cmp: impl Fn(&X, &X) -> Ordering) {
    if n == 0 || v.is_empty() {
        return;
    }
    if n < v.len() {
        v.select_nth_unstable_by(n - 1, &cmp);
    }
    let n = n.min(v.len());
    v[..n].sort_unstable_by(&cmp);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::directory::search_words;

    /// Listed on the id-th day of 2026.
    fn day(id: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc()
            + chrono::Duration::days(id)
    }

    fn listing(id: i64, name: &str, text: &str) -> Listing<i64> {
        Listing {
            id,
            listed: true,
            name: name.to_owned(),
            listed_at: day(id),
            available: true,
            capacity: 2,
            active_mentees: 0,
            terms: Vec::new(),
            languages: vec!["English".to_owned()],
            location: None,
            time_zone: None,
            text: format!("{name} {text}"),
            row: id,
        }
    }

    fn ids(index: &Index<i64>, q: &Search) -> Vec<i64> {
        index.search(q).rows.into_iter().copied().collect()
    }

    fn words(s: &str) -> Search {
        Search {
            words: search_words(s),
            limit: 20,
            ..Search::default()
        }
    }

    fn sample() -> Index<i64> {
        let mut index = Index::new();
        index.put(listing(
            1,
            "Ada Byrne",
            "Teaching simulation debriefs in emergency medicine",
        ));
        index.put(listing(
            2,
            "Bea Cole",
            "Qualitative research; médecine générale",
        ));
        index.put(Listing {
            available: false,
            terms: vec![10, 20],
            languages: vec!["French".to_owned(), "English".to_owned()],
            location: Some("Lyon".to_owned()),
            time_zone: Some("Europe/Paris".to_owned()),
            ..listing(
                3,
                "Cy Dunn",
                "Feedback, feedback and more feedback on simulations",
            )
        });
        index.put(Listing {
            terms: vec![10],
            active_mentees: 2,
            location: Some("Edinburgh".to_owned()),
            time_zone: Some("Europe/London".to_owned()),
            ..listing(4, "Di Evans", "Research supervision and feedback")
        });
        index
    }

    #[test]
    fn words_are_found_by_their_stem_without_accents_or_case() {
        let index = sample();
        assert_eq!(
            ids(&index, &words("simulations")),
            [1, 3],
            "the shorter text first"
        );
        assert_eq!(ids(&index, &words("teach")), [1]);
        assert_eq!(ids(&index, &words("Medecine generale")), [2]);
        assert_eq!(
            ids(&index, &words("RESEARCHING")),
            [2, 4],
            "same length: by name"
        );
        assert_eq!(ids(&index, &words("byrne")), [1], "names are searched");
        assert!(ids(&index, &words("surgery")).is_empty());
    }

    #[test]
    fn every_word_is_required_and_operators_are_plain_words() {
        let index = sample();
        assert_eq!(ids(&index, &words("research feedback")), [4]);
        assert_eq!(ids(&index, &words("\"feedback* NEAR(research) -((")), [4]);
        assert!(ids(&index, &words("feedback surgery")).is_empty());
    }

    #[test]
    fn more_occurrences_and_rarer_words_rank_first() {
        let index = sample();
        // Cy's text says feedback three times, Di's once.
        assert_eq!(ids(&index, &words("feedback")), [3, 4]);
        let found = index.search(&words("feedback"));
        assert_eq!(found.total, 2);
    }

    #[test]
    fn filters_combine() {
        let index = sample();
        let q = |f: fn(&mut Search)| {
            let mut s = words("");
            f(&mut s);
            ids(&index, &s)
        };
        assert_eq!(q(|s| s.audience = Some(10)), [3, 4]);
        assert_eq!(
            q(|s| {
                s.audience = Some(10);
                s.expertise = Some(20)
            }),
            [3]
        );
        assert!(q(|s| s.audience = Some(99)).is_empty());
        let mut with_terms = words("");
        with_terms.audience = Some(10);
        let found = index.search(&with_terms);
        assert_eq!(found.terms, [&[10, 20][..], &[10][..]], "each row's terms");
        assert_eq!(
            q(|s| s.availability = Some(AvailabilityFilter::Available)),
            [1, 2, 4]
        );
        assert_eq!(
            q(|s| s.availability = Some(AvailabilityFilter::HasCapacity)),
            [1, 2]
        );
        assert_eq!(q(|s| s.language = Some(" french ".to_owned())), [3]);
        assert!(
            q(|s| s.language = Some("fren".to_owned())).is_empty(),
            "whole languages only"
        );
        assert_eq!(q(|s| s.place = Some("europe/".to_owned())), [3, 4]);
        assert_eq!(q(|s| s.place = Some("EDIN".to_owned())), [4]);
        let mut s = words("feedback");
        s.availability = Some(AvailabilityFilter::Available);
        assert_eq!(ids(&index, &s), [4]);
    }

    #[test]
    fn sorts_and_pages() {
        let index = sample();
        let mut s = words("");
        assert_eq!(ids(&index, &s), [1, 2, 3, 4], "by name without words");
        s.sort = Sort::Newest;
        assert_eq!(ids(&index, &s), [4, 3, 2, 1]);
        s.sort = Sort::Capacity;
        assert_eq!(ids(&index, &s), [1, 2, 3, 4]);
        s.sort = Sort::Name;
        s.limit = 2;
        s.offset = 2;
        assert_eq!(ids(&index, &s), [3, 4]);
        assert_eq!(index.search(&s).total, 4);
        s.offset = 10;
        assert!(ids(&index, &s).is_empty());
        let mut s = words("feedback");
        s.sort = Sort::Name;
        s.limit = 1;
        s.offset = 1;
        assert_eq!(ids(&index, &s), [4]);
    }

    #[test]
    fn changes_replace_what_was_indexed() {
        let mut index = sample();
        index.put(Listing {
            available: true,
            ..listing(3, "Aaron Dunn", "Paediatric surgery")
        });
        assert!(ids(&index, &words("feedback")).contains(&4));
        assert!(
            !ids(&index, &words("feedback")).contains(&3),
            "old words are gone"
        );
        assert_eq!(ids(&index, &words("surgeries")), [3]);
        assert_eq!(ids(&index, &words(""))[0], 3, "the new name sorts first");
        index.put(Listing {
            listed: false,
            ..listing(1, "Ada Byrne", "Teaching")
        });
        assert!(
            ids(&index, &words("teach")).is_empty(),
            "unlisted mentors leave"
        );
        assert_eq!(index.len(), 3);
        index.remove(2);
        index.put(listing(5, "Eve Fox", "Teaching research"));
        assert_eq!(ids(&index, &words("research")), [5, 4]);
        assert_eq!(ids(&index, &words("")), [3, 4, 5]);
    }

    /// Random listings, random searches: the index finds exactly what checking every mentor
    /// one by one finds, in name order, also after changes.
    #[test]
    fn finds_what_a_scan_of_every_mentor_finds() {
        use rand::{Rng, SeedableRng, rngs::StdRng};
        let vocab = [
            "feedback",
            "teaching",
            "simulation",
            "research",
            "surgery",
            "ethics",
        ];
        let mut rng = StdRng::seed_from_u64(11);
        let mut all: Vec<Listing<i64>> = Vec::new();
        let mut index = Index::new();
        for round in 0..4 {
            for _ in 0..150 {
                let id = rng.random_range(1..400);
                let text: Vec<&str> = (0..rng.random_range(1..6))
                    .map(|_| vocab[rng.random_range(0..vocab.len())])
                    .collect();
                let l = Listing {
                    listed: rng.random_bool(0.9),
                    available: rng.random_bool(0.7),
                    active_mentees: rng.random_range(0..3),
                    terms: (0..rng.random_range(0..3))
                        .map(|_| rng.random_range(1..5))
                        .collect(),
                    languages: ["English", "French"]
                        .into_iter()
                        .filter(|_| rng.random_bool(0.6))
                        .map(str::to_owned)
                        .collect(),
                    ..listing(
                        id,
                        &format!("N{}", rng.random_range(0..50)),
                        &text.join(" "),
                    )
                };
                all.retain(|x| x.id != id);
                all.push(l.clone());
                index.put(l);
            }
            for _ in 0..200 {
                let q = Search {
                    words: (0..rng.random_range(0..3))
                        .map(|_| vocab[rng.random_range(0..vocab.len())].to_owned())
                        .collect(),
                    audience: rng.random_bool(0.3).then(|| rng.random_range(1..5)),
                    expertise: rng.random_bool(0.2).then(|| rng.random_range(1..5)),
                    availability: match rng.random_range(0..3) {
                        0 => None,
                        1 => Some(AvailabilityFilter::Available),
                        _ => Some(AvailabilityFilter::HasCapacity),
                    },
                    language: rng.random_bool(0.3).then(|| "FRENCH".to_owned()),
                    sort: Sort::Name,
                    limit: 100,
                    offset: rng.random_range(0..3) * 10,
                    ..Search::default()
                };
                let mut expected: Vec<&Listing<i64>> = all
                    .iter()
                    .filter(|l| {
                        let words: Vec<String> = l.text.split(' ').map(|w| w.to_owned()).collect();
                        l.listed
                            && q.words.iter().all(|w| words.contains(w))
                            && (q.language.is_none() || l.languages.iter().any(|x| x == "French"))
                            && [q.audience, q.expertise]
                                .into_iter()
                                .flatten()
                                .all(|t| l.terms.contains(&t))
                            && match q.availability {
                                None => true,
                                Some(AvailabilityFilter::Available) => l.available,
                                Some(AvailabilityFilter::HasCapacity) => {
                                    l.available && l.active_mentees < l.capacity
                                }
                            }
                    })
                    .collect();
                expected.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
                let found = index.search(&q);
                assert_eq!(found.total, expected.len() as u64, "round {round}: {q:?}");
                let want: Vec<i64> = expected
                    .iter()
                    .skip(q.offset as usize)
                    .take(100)
                    .map(|l| l.id)
                    .collect();
                let got: Vec<i64> = found.rows.into_iter().copied().collect();
                assert_eq!(got, want, "round {round}: {q:?}");
            }
        }
    }

    #[test]
    fn counts_stop_past_the_cap() {
        let mut index = Index::new();
        for id in 1..=1200 {
            index.put(listing(id, &format!("M{id:05}"), "feedback"));
        }
        let mut s = words("");
        assert_eq!(index.search(&s).total, MAX_COUNT + 1);
        s.offset = 1180;
        assert_eq!(
            ids(&index, &s),
            (1181..=1200).collect::<Vec<_>>(),
            "pages past the count"
        );
        let s = words("feedback");
        assert_eq!(index.search(&s).total, MAX_COUNT + 1);
        assert_eq!(index.search(&s).rows.len(), 20);
    }
}
