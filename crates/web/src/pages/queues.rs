//! The work queues page of a programme, for its office, mentorship director and admins.

use super::filters;
use super::{Chrome, PageResult, SignedIn, ok};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use serde::Deserialize;
use trellis_app::programmes::Programme;
use trellis_app::programmes::find;
use trellis_app::queues::{self as act, Item, Queues};

pub fn routes() -> Router<AppState> {
    Router::new().route("/programmes/{slug}/queues", get(queues))
}

#[derive(Template)]
#[template(path = "admin/queues.html")]
struct QueuesPage {
    c: Chrome,
    p: Programme,
    q: Queues,
}

impl QueuesPage {
    /// (heading, items, what to say when empty)
    fn sections(&self) -> Vec<(&'static str, &Vec<Item>, &'static str)> {
        vec![
            (
                "Mentor applications",
                &self.q.applications,
                "No application is waiting.",
            ),
            (
                "Requests with the director",
                &self.q.requests_with_director,
                "None.",
            ),
            (
                "Requests waiting for a mentor's reply",
                &self.q.requests_with_mentors,
                "None.",
            ),
            (
                "Mentors who have not confirmed the directory refresh",
                &self.q.refresh_unconfirmed,
                "Everyone has confirmed.",
            ),
            ("Concerns you handle", &self.q.concerns, "None."),
            ("Quiet relationships", &self.q.quiet_relationships, "None."),
        ]
    }
}

#[derive(Deserialize)]
struct QueuesQuery {
    quiet_days: Option<i64>,
}

async fn queues(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<QueuesQuery>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let q = act::queues(&s, &me, &p, q.quiet_days).await?;
    Ok(ok(&QueuesPage { c, p, q }))
}
