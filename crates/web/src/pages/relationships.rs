//! Pages of the relationship workspace, a module a section: the overview with its phase, the
//! agreement (versions, signatures, comparison), the mentoring log, meetings and the calendar
//! feed, the development plan, skills, the checklist, evaluations, joining and leaving, and
//! the PDF copies. The routes are here; each section's handlers and pages in its module.

use super::filters;
use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;
use trellis_app::Actor;
use trellis_app::AppError;
use trellis_app::development::{self as dev, Assessments, ChecklistStage, GoalView};
use trellis_app::meetings::{self as meetings_act, MeetingView};
use trellis_app::programmes::Programme;
use trellis_app::relationships::{
    self as act, AgreementView, LogView, RelationshipView, Seat, Workspace,
};
use trellis_domain::development::Goal;
use trellis_domain::meeting::{MODES, MeetingInput};
use trellis_domain::workspace::{AGREEMENT_FIELDS, Agreement, LogInput, Phase, Role};

mod agreement;
mod calendar;
mod checklist;
mod copies;
mod evaluations;
mod log;
mod meetings;
mod membership;
mod overview;
mod plan;
mod skills;
use agreement::*;
use calendar::*;
use checklist::*;
use copies::*;
use evaluations::*;
use log::*;
use meetings::*;
use membership::*;
use overview::*;
use plan::*;
use skills::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/relationships/{id}", get(show))
        .route("/relationships/{id}/phase", post(phase))
        .route("/relationships/{id}/leave", post(leave))
        .route(
            "/programmes/{slug}/relationships/new",
            get(new_relationship).post(create_relationship),
        )
        .route(
            "/relationships/{id}/agreement",
            get(agreement).post(save_agreement),
        )
        .route("/relationships/{id}/agreement/sign", post(sign))
        .route("/relationships/{id}/agreement.pdf", get(agreement_pdf))
        .route("/relationships/{id}/plan.pdf", get(plan_pdf))
        .route("/relationships/{id}/agreement/compare", get(compare))
        .route("/relationships/{id}/log", get(log).post(add_log))
        .route("/relationships/{id}/meetings", get(meetings).post(schedule))
        .route(
            "/relationships/{id}/meetings/{meeting}",
            get(meeting).post(change_meeting),
        )
        .route(
            "/relationships/{id}/meetings/{meeting}/cancel",
            post(cancel_meeting),
        )
        .route(
            "/relationships/{id}/meetings/{meeting}/outcomes",
            post(outcomes),
        )
        .route("/relationships/{id}/plan", get(plan).post(add_goal))
        .route(
            "/relationships/{id}/plan/{goal}",
            get(goal_page).post(update_goal),
        )
        .route(
            "/relationships/{id}/skills",
            get(skills).post(add_assessment),
        )
        .route(
            "/relationships/{id}/checklist",
            get(checklist).post(save_checklist),
        )
        .route(
            "/relationships/{id}/evaluations",
            get(evaluations).post(add_evaluation),
        )
        .route("/calendar", get(calendar_page).post(calendar_change))
        .route("/calendar/{file}", get(calendar_feed))
}
