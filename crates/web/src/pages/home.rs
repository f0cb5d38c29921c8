//! The home page: for a visitor, the programmes; for a signed-in person, what concerns them,
//! most urgent first. "My mentoring" lists every relationship they are or were in.

use super::{Chrome, PageResult, SignedIn, Visitor, filters, ok};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use trellis_app::home::{Home, MyRelationship};
use trellis_app::programmes::Programme;
use trellis_domain::workspace::Phase;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    /// Every programme: what a visitor sees, and where a new member starts.
    programmes: Vec<Programme>,
    /// What concerns the signed-in reader.
    me: Option<Home>,
}

impl HomePage {
    /// The four working phases, for the stepper.
    fn phases(&self) -> Vec<(usize, &'static str)> {
        [
            Phase::Preparing,
            Phase::Negotiating,
            Phase::Enabling,
            Phase::Closing,
        ]
        .map(Phase::label)
        .into_iter()
        .enumerate()
        .collect()
    }

    fn is_member_of(&self, slug: &str) -> bool {
        self.me
            .as_ref()
            .is_some_and(|h| h.programmes.iter().any(|p| p.slug == slug))
    }
}

pub(super) async fn home(State(s): State<AppState>, Visitor { me, c }: Visitor) -> PageResult {
    let programmes = trellis_app::programmes::list(&s).await?;
    let me = match &me {
        Some(u) => Some(trellis_app::home::home(&s, u).await?),
        None => None,
    };
    Ok(ok(&HomePage { c, programmes, me }))
}

#[derive(Template)]
#[template(path = "my_mentoring.html")]
struct MyMentoringPage {
    c: Chrome,
    relationships: Vec<MyRelationship>,
}

pub(super) async fn my_mentoring(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
) -> PageResult {
    let relationships = trellis_app::home::my_relationships(&s, &me).await?;
    Ok(ok(&MyMentoringPage { c, relationships }))
}
