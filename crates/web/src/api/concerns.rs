use super::extract::ApiUser;
use super::json::{ApiJson, ApiPath, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trellis_app::concerns::{self as act, ConcernView};
use trellis_app::programmes::find;
use trellis_domain::concern::ReportInput;
use utoipa::ToSchema;

/// Report a concern about a person (`about: "person"`, `about_id`: their user id), a
/// relationship (`about_id`: its id) or the programme: `what_happened`, `about_staff` (it
/// concerns a member of staff), `pause_contact` (for a relationship). It goes to the concerns
/// officer(s), or to the chair when it is about staff, never to the person it is about.
#[utoipa::path(post, path = "/programmes/{slug}/concerns", tag = "concerns", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body(content = Object, description = "about, about_id, what_happened, about_staff, pause_contact"),
    responses((status = 201, body = ConcernView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "nobody can handle it", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<ReportInput>,
) -> ApiResult<(StatusCode, Json<ConcernView>)> {
    let p = find(&s, &slug).await?;
    let id = act::report(&s, &me, &p, &b).await?;
    Ok((StatusCode::CREATED, Json(act::get(&s, &me, id).await?)))
}

#[derive(serde::Serialize, ToSchema)]
pub struct MyConcerns {
    /// Concerns you reported: status and the handlers' messages to you.
    reported: Vec<ConcernView>,
    /// Concerns you handle (status and dates; open one to read it).
    handling: Vec<ConcernView>,
}

/// Your concerns: those you reported and those you handle.
#[utoipa::path(get, path = "/concerns", tag = "concerns", security(("bearer" = [])),
    responses((status = 200, body = MyConcerns)))]
pub async fn mine(State(s): State<AppState>, ApiUser(me): ApiUser) -> ApiResult<Json<MyConcerns>> {
    let (reported, handling) = act::mine(&s, &me).await?;
    Ok(Json(MyConcerns { reported, handling }))
}

/// One concern (its reporter, or a handler: each handler's read is audited).
#[utoipa::path(get, path = "/concerns/{id}", tag = "concerns", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ConcernView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ConcernView>> {
    Ok(Json(act::get(&s, &me, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct StepBody {
    /// acknowledged, investigating, resolved or closed
    status: String,
    /// To the reporter.
    message: String,
}

/// A handler takes the next step, with a message to the reporter.
#[utoipa::path(post, path = "/concerns/{id}/steps", tag = "concerns", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StepBody,
    responses((status = 200, body = ConcernView), (status = 403, description = "routed to other handlers", body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "already done", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn step(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StepBody>,
) -> ApiResult<Json<ConcernView>> {
    Ok(Json(act::step(&s, &me, id, &b.status, &b.message).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteBody {
    note: String,
}

/// A handler's note (handlers only; encrypted at rest).
#[utoipa::path(post, path = "/concerns/{id}/notes", tag = "concerns", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NoteBody,
    responses((status = 200, body = ConcernView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn note(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NoteBody>,
) -> ApiResult<Json<ConcernView>> {
    act::note(&s, &me, id, &b.note).await?;
    Ok(Json(act::get(&s, &me, id).await?))
}

/// Lift the pause on the relationship the concern paused (a handler).
#[utoipa::path(post, path = "/concerns/{id}/lift-pause", tag = "concerns", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ConcernView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn lift_pause(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ConcernView>> {
    act::lift_pause(&s, &me, id).await?;
    Ok(Json(act::get(&s, &me, id).await?))
}
