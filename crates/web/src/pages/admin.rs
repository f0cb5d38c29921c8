//! Administration pages: programmes and their settings, staff roles, the member list, the
//! audit log. Each handler checks the role on the server; the links are only a convenience.

use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use trellis_app::audit::AuditRow;
use trellis_app::imports::{self, ImportReport};
use trellis_app::programmes as act;
use trellis_app::programmes::{ListedMember, Programme, StaffMember};
use trellis_app::taxonomy::Term;
use trellis_app::{Actor, AppError};
use trellis_domain::programme::{Details, MatchingPublish, Membership, Model, Settings};
use trellis_domain::role::StaffRole;
use trellis_domain::{FieldError, Invalid};

mod audit;
mod member_list;
mod settings;
mod staff;
mod taxonomy;
use audit::*;
use member_list::*;
use settings::*;
use staff::*;
use taxonomy::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/programmes/new", get(new_form).post(create))
        .route(
            "/admin/programmes/{slug}/settings",
            get(edit_form).post(update),
        )
        .route("/admin/programmes/{slug}/staff", get(staff).post(grant))
        .route(
            "/admin/programmes/{slug}/staff/{user_id}/{role}/revoke",
            post(revoke),
        )
        .route(
            "/admin/programmes/{slug}/member-list",
            get(member_list)
                .post(import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route("/admin/audit", get(audit_log))
        .route(
            "/admin/programmes/{slug}/taxonomy",
            get(taxonomy_page).post(add_term),
        )
        .route("/admin/programmes/{slug}/taxonomy/{id}", post(change_term))
}

fn admin_only(me: &Actor) -> Result<(), PageError> {
    Ok(me.require_admin()?)
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct Index {
    c: Chrome,
    programmes: Vec<Programme>,
}

async fn index(State(s): State<AppState>, SignedIn { me, c }: SignedIn) -> PageResult {
    admin_only(&me)?;
    Ok(ok(&Index {
        c,
        programmes: act::list(&s).await?,
    }))
}
