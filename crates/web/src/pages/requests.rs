//! Pages for mentorship requests: the shortlist built from the directory, the request form,
//! one request with its timeline and the actions each person may take, the lists of a
//! programme's requests, and the notification centre.

use super::filters;
use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use trellis_app::Actor;
use trellis_app::AppError;
use trellis_app::mentors::MentorRow;
use trellis_app::notifications as notes;
use trellis_app::notifications::Notification;
use trellis_app::programmes::Programme;
use trellis_app::programmes::{find, standing};
use trellis_app::requests::Pick;
use trellis_app::requests::{self as act, RequestView, Upload, Viewer};
use trellis_domain::error::FieldError;
use trellis_domain::profile::CHANNELS;
use trellis_domain::request::{CV_TOO_LARGE, FOCUS, MAX_CV_BYTES, RequestInput, Stage};

mod form;
mod lists;
mod notifications;
mod shortlist;
mod show;
use form::*;
use lists::*;
use notifications::*;
use shortlist::*;
use show::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{slug}/requests", get(lists))
        .route(
            "/programmes/{slug}/requests/new",
            get(new_form)
                .post(create)
                .layer(DefaultBodyLimit::max(crate::CV_UPLOAD_LIMIT)),
        )
        .route("/programmes/{slug}/shortlist", post(change_shortlist))
        .route("/requests/{id}", get(show))
        .route("/requests/{id}/accept", post(accept))
        .route("/requests/{id}/decline", post(decline))
        .route("/requests/{id}/withdraw", post(withdraw))
        .route("/requests/{id}/nudge", post(nudge))
        .route("/requests/{id}/share", post(share))
        .route("/requests/{id}/reroute", post(reroute))
        .route("/requests/{id}/offer", post(offer))
        .route("/requests/{id}/close", post(close))
        .route(
            "/requests/{id}/cv",
            get(download_cv)
                .post(upload_cv)
                .layer(DefaultBodyLimit::max(crate::CV_UPLOAD_LIMIT)),
        )
        .route("/notifications", get(notification_centre))
        .route("/notifications/read-all", post(read_all))
        .route(
            "/notifications/settings",
            get(email_settings).post(save_email_settings),
        )
        .route("/notifications/{id}", get(open_notification))
}

fn is_staff(st: &trellis_domain::role::Standing) -> bool {
    st.runs_programme()
}
