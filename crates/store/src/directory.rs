//! The mentor directory's search: an in-memory index per programme
//! ([`trellis_domain::directory_index`]) kept in step with the database.
//!
//! Every change the directory shows — a mentor listed, edited, unlisted, marked unavailable, a
//! place taken or freed, a term added, the person's name or location changed — bumps the
//! programme's `directory_version` and stamps the mentor row with it; so does any change to
//! the programme's taxonomy, which the index holds to check the terms a search names. Triggers do it (migration
//! `0011_directory_index`), so no code path can forget. A search is handed the programme row
//! its request read (with the version); when its index is behind, it loads just the mentors
//! stamped since and puts them in, then searches in memory. Instances sharing one PostgreSQL stay in step the
//! same way; a deleted mentor row (bumping `directory_epoch`) rebuilds the index.
//!
//! Versions are safe to read without locks: the transaction that stamps a mentor holds the
//! programme row until it commits (on PostgreSQL the stamping is deferred to the commit, so the
//! row is held only then), so once a version is visible every row stamped at or below it is
//! too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::value::RawValue;

use sea_orm::{ConnectionTrait, FromQueryResult};
use tokio::sync::RwLock;
use trellis_domain::directory_index::{Index, Listing, MAX_COUNT, Search};

use crate::mentors::{MENTOR_COLUMNS, MentorRow, list_of};
use crate::programmes::Programme;
use crate::sql;
use crate::{Result, StoreError};

/// One page of the directory.
#[derive(Debug, Clone)]
pub struct SearchPage {
    /// Matching mentors, counted up to `MAX_COUNT + 1` (see `more_than_counted`).
    pub total: i64,
    /// Shared with the index: a page costs no copies of the rows.
    pub mentors: Vec<Arc<Listed>>,
    /// Each mentor's taxonomy term ids (audiences and expertise).
    pub terms: Vec<Vec<i64>>,
}

/// A mentor as the index holds them: the row, and the row as the API writes it, made by the
/// first search that shows it and kept until the row changes (a change loads a new `Listed`).
/// A directory page is twenty of these; writing each once instead of on every request spares
/// the endpoint most of its JSON work (BENCHMARKS.md, the mentor directory).
#[derive(Debug)]
pub struct Listed {
    pub row: MentorRow,
    json: OnceLock<Box<RawValue>>,
}

impl Listed {
    fn new(row: MentorRow) -> Self {
        Self {
            row,
            json: OnceLock::new(),
        }
    }

    /// The row as JSON: `write` makes it the first time, later calls return the kept one.
    /// Every caller must pass the same `write` (the API's; there is one).
    pub fn json(&self, write: impl FnOnce(&MentorRow) -> Box<RawValue>) -> &RawValue {
        self.json.get_or_init(|| write(&self.row))
    }
}

impl SearchPage {
    /// True when there are more matches than were counted.
    pub fn more_than_counted(&self) -> bool {
        self.total > i64::try_from(MAX_COUNT).unwrap_or(i64::MAX)
    }
}

struct Cached {
    version: i64,
    epoch: i64,
    index: Index<Arc<Listed>>,
    /// The programme's taxonomy terms in use (not retired), as (id, kind).
    terms: Vec<(i64, trellis_domain::directory::TermKind)>,
}

impl Cached {
    /// The page, once the terms asked for are checked against the taxonomy.
    fn page(&self, q: &Search) -> Result<SearchPage> {
        for (field, kind, id) in [
            ("audience", crate::taxonomy::AUDIENCE, q.audience),
            ("expertise", crate::taxonomy::EXPERTISE, q.expertise),
        ] {
            if id.is_some_and(|id| !self.terms.iter().any(|(t, k)| *t == id && *k == kind)) {
                return Err(StoreError::NotInList { field });
            }
        }
        let found = self.index.search(q);
        Ok(SearchPage {
            total: i64::try_from(found.total).unwrap_or(i64::MAX),
            mentors: found.rows.into_iter().map(Arc::clone).collect(),
            terms: found.terms.into_iter().map(<[i64]>::to_vec).collect(),
        })
    }
}

/// The indexes of the programmes searched so far; one per store, shared by its clones.
#[derive(Default)]
pub struct Directory {
    programmes: Mutex<HashMap<i64, Arc<RwLock<Option<Cached>>>>>,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Directory")
    }
}

struct TermOfKind {
    id: i64,
    kind: trellis_domain::directory::TermKind,
}

impl FromQueryResult for TermOfKind {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            kind: sql::named(r, pre, "kind")?,
        })
    }
}

#[derive(FromQueryResult)]
struct MentorTerm {
    mentor_id: i64,
    term_id: i64,
}

impl Directory {
    /// One page of listed mentors of the programme matching every filter of `q`. The
    /// programme row, read in this request, says which version of the directory to show at
    /// least (so a change a person just made is in their next search).
    pub async fn search(
        &self,
        c: &impl ConnectionTrait,
        p: &Programme,
        q: &Search,
    ) -> Result<SearchPage> {
        let (programme_id, version, epoch) = (p.id, p.directory_version, p.directory_epoch);
        let slot = {
            let mut map = self
                .programmes
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(programme_id).or_default().clone()
        };
        {
            let held = slot.read().await;
            if let Some(cached) = held
                .as_ref()
                .filter(|x| x.version >= version && x.epoch >= epoch)
            {
                return cached.page(q);
            }
        }
        let mut held = slot.write().await;
        let fresh = held
            .as_ref()
            .is_some_and(|x| x.version >= version && x.epoch >= epoch);
        if !fresh {
            let mut cached = match held.take() {
                Some(x) if x.epoch >= epoch => x,
                _ => Cached {
                    version: -1,
                    epoch,
                    index: Index::new(),
                    terms: Vec::new(),
                },
            };
            catch_up(c, programme_id, &mut cached).await?;
            cached.version = cached.version.max(version);
            *held = Some(cached);
        }
        let cached = held
            .as_ref()
            .ok_or(sea_orm::DbErr::RecordNotFound("directory index".to_owned()))?;
        cached.page(q)
    }
}

/// Puts in every mentor stamped after the index's version.
async fn catch_up(c: &impl ConnectionTrait, programme_id: i64, cached: &mut Cached) -> Result<()> {
    let rows = c
        .query_all_raw(sql::stmt(
            c,
            &format!(
                "SELECT {MENTOR_COLUMNS}, m.search_text, CAST(m.directory_revision AS BIGINT) AS directory_revision \
                 FROM mentors m JOIN users u ON u.id = m.user_id \
                 WHERE m.programme_id = $1 AND m.directory_revision > $2"
            ),
            vec![programme_id.into(), cached.version.into()],
        ))
        .await?;
    let mut terms: HashMap<i64, Vec<i64>> = HashMap::new();
    for t in sql::all::<MentorTerm>(
        c,
        "SELECT mt.mentor_id, mt.term_id FROM mentor_terms mt JOIN mentors m ON m.id = mt.mentor_id \
         WHERE m.programme_id = $1 AND m.directory_revision > $2",
        vec![programme_id.into(), cached.version.into()],
    )
    .await?
    {
        terms.entry(t.mentor_id).or_default().push(t.term_id);
    }
    let mut listings = Vec::with_capacity(rows.len());
    for r in rows {
        let row = MentorRow::from_query_result(&r, "")?;
        let text: String = r.try_get("", "search_text")?;
        let revision: i64 = r.try_get("", "directory_revision")?;
        cached.version = cached.version.max(revision);
        listings.push(Listing {
            id: row.id,
            listed: row.listed,
            name: row.name.clone(),
            listed_at: row.listed_at,
            available: row.available,
            capacity: row.capacity,
            active_mentees: row.active_mentees,
            terms: terms.remove(&row.id).unwrap_or_default(),
            languages: list_of(&row.languages),
            location: row.location.clone(),
            time_zone: row.time_zone.clone(),
            text,
            row: Arc::new(Listed::new(row)),
        });
    }
    cached.index.put_all(listings);
    cached.terms = sql::all::<TermOfKind>(
        c,
        "SELECT id, kind FROM taxonomy_terms WHERE programme_id = $1 AND retired = $2",
        vec![programme_id.into(), false.into()],
    )
    .await?
    .into_iter()
    .map(|t| (t.id, t.kind))
    .collect();
    Ok(())
}
