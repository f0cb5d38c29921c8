//! The directory query mix of the benchmarks: the criterion bench (`benches/directory.rs`)
//! and the in-process rate (`examples/directory_rate.rs`) include this file;
//! `scripts/directory.lua` sends the same four searches over HTTP.

use trellis_domain::directory::{AvailabilityFilter, Sort, search_words};
use trellis_domain::directory_index::Search;
use trellis_store::{DatabaseConnection, taxonomy};

/// One search of the mix: its name, its text and its other filters.
pub struct Query {
    pub name: &'static str,
    text: &'static str,
    filters: Search,
}

impl Query {
    /// The search, its words read from its text as the endpoint reads them.
    pub fn search(&self) -> Search {
        Search {
            words: search_words(self.text),
            ..self.filters.clone()
        }
    }
}

/// The four searches, on the generated programme's taxonomy terms.
pub async fn queries(db: &DatabaseConnection, programme_id: i64) -> anyhow::Result<Vec<Query>> {
    let mut ids = Vec::new();
    for kind in [taxonomy::AUDIENCE, taxonomy::EXPERTISE] {
        let terms = taxonomy::terms(db, programme_id, kind, false).await?;
        ids.push(terms.into_iter().map(|t| t.id).collect::<Vec<_>>());
    }
    let (aud, exp) = (&ids[0], &ids[1]);
    let term = |list: &[i64], i: usize| {
        list.get(i)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("the generated programme has too few terms"))
    };
    Ok(vec![
        Query {
            name: "text+audience+capacity",
            text: "feedback",
            filters: Search {
                audience: Some(term(aud, 1)?),
                availability: Some(AvailabilityFilter::HasCapacity),
                limit: 20,
                ..Default::default()
            },
        },
        Query {
            name: "filters only",
            text: "",
            filters: Search {
                audience: Some(term(aud, 2)?),
                expertise: Some(term(exp, 3)?),
                language: Some("French".into()),
                limit: 20,
                ..Default::default()
            },
        },
        Query {
            name: "two words",
            text: "simulation debriefs",
            filters: Search {
                limit: 20,
                ..Default::default()
            },
        },
        Query {
            name: "browse page 50 by name",
            text: "",
            filters: Search {
                sort: Sort::Name,
                limit: 20,
                offset: 980,
                ..Default::default()
            },
        },
    ])
}
