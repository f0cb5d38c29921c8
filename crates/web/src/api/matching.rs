//! Cohort matching rounds (programme staff).

use super::extract::ApiUser;
use super::json::{ApiJson, ApiPath, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trellis_app::matching::{self as act, RoundInput, RoundView};
use trellis_app::programmes::find;

/// The programme's matching rounds, newest first.
#[utoipa::path(get, path = "/programmes/{slug}/matching-rounds", tag = "matching", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = [Object]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<act::Round>>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::list(&s, &me, &p).await?))
}

/// The people a round matches when it names no mentee: the members who could ask for a mentor
/// now (not staff or administrators, not mentors or mentor applicants, no open request, below
/// the programme's limit of relationships), by name, each with `user_id`, `name` and `email`.
#[utoipa::path(get, path = "/programmes/{slug}/matching-rounds/default-cohort", tag = "matching", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = [Object]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn default_cohort(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<act::CohortMember>>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::default_cohort(&s, &me, &p).await?))
}

/// Starts a round and runs it: the mentees (emails; none for the default cohort, as
/// `default-cohort` lists it), every listed, available mentor with a free place, weights 0–10
/// and constraints. The answer is the proposal.
#[utoipa::path(post, path = "/programmes/{slug}/matching-rounds", tag = "matching", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = RoundInput,
    responses((status = 201, body = RoundView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<RoundInput>,
) -> ApiResult<(StatusCode, Json<RoundView>)> {
    let p = find(&s, &slug).await?;
    Ok((
        StatusCode::CREATED,
        Json(act::create(&s, &me, &p, &b).await?),
    ))
}

/// A round's proposal: each mentee's mentor, the score and its parts, the mentor's seat price
/// and why not a better-scored mentor.
#[utoipa::path(get, path = "/programmes/{slug}/matching-rounds/{id}", tag = "matching", security(("bearer" = [])), params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> ApiResult<Json<RoundView>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::show(&s, &me, &p, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RuleInput {
    pub mentee_id: i64,
    pub mentor_id: i64,
    /// pin or forbid
    pub kind: String,
}

/// Pins or forbids a pair, and runs the round again.
#[utoipa::path(post, path = "/programmes/{slug}/matching-rounds/{id}/rules", tag = "matching", security(("bearer" = [])), params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = RuleInput,
    responses((status = 200, body = RoundView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rule(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    ApiJson(b): ApiJson<RuleInput>,
) -> ApiResult<Json<RoundView>> {
    let p = find(&s, &slug).await?;
    Ok(Json(
        act::set_rule(&s, &me, &p, id, b.mentee_id, b.mentor_id, &b.kind).await?,
    ))
}

/// Takes back a pin or a forbid, and runs the round again.
#[utoipa::path(delete, path = "/programmes/{slug}/matching-rounds/{id}/rules/{mentee_id}/{mentor_id}", tag = "matching", security(("bearer" = [])), params(("slug" = String, Path), ("id" = i64, Path), ("mentee_id" = i64, Path), ("mentor_id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn clear_rule(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, id, mentee_id, mentor_id)): ApiPath<(String, i64, i64, i64)>,
) -> ApiResult<Json<RoundView>> {
    let p = find(&s, &slug).await?;
    Ok(Json(
        act::clear_rule(&s, &me, &p, id, mentee_id, mentor_id).await?,
    ))
}

/// Publishes the proposal: every pair becomes a relationship, all or nothing; 409 when already
/// published or a mentor's place has gone since the run.
#[utoipa::path(post, path = "/programmes/{slug}/matching-rounds/{id}/publish", tag = "matching", security(("bearer" = [])), params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> ApiResult<Json<RoundView>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::publish(&s, &me, &p, id).await?))
}
