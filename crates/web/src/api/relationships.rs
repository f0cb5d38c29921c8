use super::json::{ApiJson, ErrorBody};
use crate::actions::relationships::{self as act, AgreementView, LogView, RelationshipView};
use crate::auth::ApiUser;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use trellis_domain::workspace::{Agreement, LogInput};
use utoipa::ToSchema;

/// A relationship: members, phase (with its guidance and the moves open now), dates, counts and
/// where the agreement stands. Members see each other's addresses; the programme's office,
/// director and admins see the rest, never content; anyone else gets 404.
#[utoipa::path(get, path = "/relationships/{id}", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RelationshipView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<RelationshipView>> {
    let ws = act::visible(&s, &me, id).await?;
    Ok(Json(act::overview(&s, &ws).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PhaseBody {
    /// preparing, negotiating, enabling, closing or closed
    phase: String,
}

/// Move the relationship to another phase (a current member). Enabling needs the latest
/// agreement signed by every current member.
#[utoipa::path(post, path = "/relationships/{id}/phase", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PhaseBody,
    responses((status = 200, body = RelationshipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not a move from this phase, or signatures missing", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn phase(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PhaseBody>,
) -> ApiResult<Json<RelationshipView>> {
    act::move_phase(&s, &me, id, &b.phase).await?;
    let ws = act::visible(&s, &me, id).await?;
    Ok(Json(act::overview(&s, &ws).await?))
}

/// The Mentoring Relationship Agreement: every version with its signatures (members only).
#[utoipa::path(get, path = "/relationships/{id}/agreement", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AgreementView), (status = 403, description = "staff: no content", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agreement(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<AgreementView>> {
    Ok(Json(act::agreement(&s, &me, id).await?))
}

/// Write a new version of the agreement, which every member signs again.
#[utoipa::path(post, path = "/relationships/{id}/agreement", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "goals, meeting_schedule, learning_opportunities, confidentiality, ground_rules, feedback, log_keeping, focus, intended_result, time_required, duration, contact, response_time, channels"),
    responses((status = 201, body = AgreementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn propose(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Agreement>,
) -> ApiResult<(StatusCode, Json<AgreementView>)> {
    act::propose(&s, &me, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(act::agreement(&s, &me, id).await?),
    ))
}

/// Correct the latest version while nobody has signed it (a signed version never changes: 409).
#[utoipa::path(put, path = "/relationships/{id}/agreement/versions/{version}", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("version" = i32, Path)),
    request_body(content = Object, description = "the agreement's fields"),
    responses((status = 200, body = AgreementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "signed, or not the latest", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path((id, version)): Path<(i64, i32)>,
    ApiJson(b): ApiJson<Agreement>,
) -> ApiResult<Json<AgreementView>> {
    act::edit(&s, &me, id, version, &b).await?;
    Ok(Json(act::agreement(&s, &me, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SignBody {
    /// Your name as on your profile.
    typed_name: String,
}

/// Sign a version of the agreement with your typed name (the latest only, once).
#[utoipa::path(post, path = "/relationships/{id}/agreement/versions/{version}/sign", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("version" = i32, Path)), request_body = SignBody,
    responses((status = 200, body = AgreementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not the latest, or signed already", body = ErrorBody), (status = 422, description = "the typed name is not yours", body = ErrorBody)))]
pub async fn sign(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path((id, version)): Path<(i64, i32)>,
    ApiJson(b): ApiJson<SignBody>,
) -> ApiResult<Json<AgreementView>> {
    act::sign(&s, &me, id, version, &b.typed_name).await?;
    Ok(Json(act::agreement(&s, &me, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CompareQuery {
    from: i32,
    to: i32,
}

#[derive(serde::Serialize, ToSchema)]
pub struct Change {
    field: String,
    before: String,
    after: String,
}

/// What changed between two versions of the agreement.
#[utoipa::path(get, path = "/relationships/{id}/agreement/compare", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), CompareQuery),
    responses((status = 200, body = Vec<Change>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn compare(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Json<Vec<Change>>> {
    let changes = act::compare(&s, &me, id, q.from, q.to).await?;
    Ok(Json(
        changes
            .into_iter()
            .map(|(field, before, after)| Change {
                field,
                before,
                after,
            })
            .collect(),
    ))
}

/// The mentoring log (members only).
#[utoipa::path(get, path = "/relationships/{id}/log", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<LogView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn log(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<LogView>>> {
    Ok(Json(act::log(&s, &me, id).await?))
}

/// Add a dated activity to the mentoring log: `on` (YYYY-MM-DD, not in the future), `activity`,
/// `notes`.
#[utoipa::path(post, path = "/relationships/{id}/log", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "on, activity, notes"),
    responses((status = 201, body = Vec<LogView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_log(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<LogInput>,
) -> ApiResult<(StatusCode, Json<Vec<LogView>>)> {
    act::add_log(&s, &me, id, &b).await?;
    Ok((StatusCode::CREATED, Json(act::log(&s, &me, id).await?)))
}
