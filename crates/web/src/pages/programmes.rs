//! The public programme page and joining.

use super::{Chrome, FormPost, NoFields, PageResult, Visitor, ok};

use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use trellis_app::programmes as act;
use trellis_app::programmes::{Programme, StaffMember};
use trellis_domain::programme::Settings;
use trellis_domain::role::Standing;

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    c: Chrome,
    p: Programme,
    settings: Settings,
    member_count: i64,
    signed_in: bool,
    standing: Standing,
    staff: Vec<StaffMember>,
    joined: bool,
}

#[derive(Deserialize)]
pub struct JoinedQuery {
    joined: Option<String>,
}

pub async fn show(
    State(s): State<AppState>,
    Visitor { me: who, c }: Visitor,
    Path(slug): Path<String>,
    Query(q): Query<JoinedQuery>,
) -> PageResult {
    let p = act::find(&s, &slug).await?;
    let standing = match &who {
        Some(u) => act::standing(&s, &p, u).await?,
        None => Standing::default(),
    };
    // Staff names are shown to members only.
    let staff = match &who {
        Some(u) if standing.is_member || standing.is_admin => act::staff(&s, u, &p).await?,
        _ => Vec::new(),
    };
    let page = ProgrammePage {
        c,
        settings: p.settings(),
        member_count: act::member_count(&s, &p).await?,
        signed_in: who.is_some(),
        standing,
        staff,
        joined: q.joined.is_some(),
        p,
    };
    Ok(ok(&page))
}

pub async fn join(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    let p = act::find(&s, &slug).await?;
    act::join(&s, &me, &p).await?;
    Ok(Redirect::to(&format!("/programmes/{}?joined=1", p.slug)).into_response())
}
