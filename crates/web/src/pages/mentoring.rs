//! Pages for mentor applications, the director's review, the directory, a mentor's own
//! listing and the refresh confirmation.

use super::filters;
use super::{
    Chrome, FormPost, FormState, MessagePage, NoFields, PageError, PageResult, SignedIn, Visitor,
    ok, render,
};

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use trellis_app::Actor;
use trellis_app::AppError;
use trellis_app::mentors::{self as act, DirectoryQuery, ListingChange, Taxonomy};
use trellis_app::mentors::{ApplicationEvent, ApplicationRow, MentorRow, list_of};
use trellis_app::programmes::Programme;
use trellis_app::programmes::{find, find_as};
use trellis_app::taxonomy::{AUDIENCE, EXPERTISE, Term};
use trellis_domain::application::{self, ApplicationInput, TargetStatus};
use trellis_domain::directory_index::MAX_COUNT;
use trellis_domain::profile::CHANNELS;
use trellis_domain::role::{StaffRole, Standing};

mod apply;
mod directory;
mod listing;
mod queue;
mod refresh;
mod review;
use apply::*;
use directory::*;
use listing::*;
use queue::*;
use refresh::*;
use review::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{slug}/apply", get(apply_form).post(apply))
        .route("/programmes/{slug}/applications", get(queue))
        .route("/applications/{id}", get(show_application))
        .route("/applications/{id}/decision", post(decide))
        .route("/applications/{id}/answer", get(answer_form).post(answer))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route("/programmes/{slug}/mentors", get(directory))
        .route("/programmes/{slug}/mentors/{user_id}", get(mentor_profile))
        .route(
            "/programmes/{slug}/mentoring",
            get(listing).post(change_listing),
        )
        .route("/refresh/confirm", get(confirm_refresh))
}
