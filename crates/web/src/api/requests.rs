use super::extract::ApiUser;
use super::json::{ApiJson, ApiPath, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trellis_app::programmes::find;
use trellis_app::requests::{self as act, RequestView, Viewer};
use trellis_domain::request::RequestInput;
use utoipa::ToSchema;

/// Ask for mentorship: goals, hopes, focus, background, optional SWOT, channels, how often,
/// and up to the programme's number of mentors (user ids from the directory) in order.
#[utoipa::path(post, path = "/programmes/{slug}/requests", tag = "requests", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body(content = Object, description = "goals, hopes, focus (single_event | broader_skills), background, swot, channels, meeting_frequency, choices"),
    responses((status = 201, body = RequestView), (status = 403, body = ErrorBody), (status = 409, description = "an open request exists", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<RequestInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    let p = find(&s, &slug).await?;
    let r = act::create(&s, &me, &p, &b, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(act::view(&s, &r, Viewer::Mentee).await?),
    ))
}

/// Your requests in the programme, the offers waiting for your reply, and (for the office and
/// the director) the open requests, those with the director first — without the mentees' words.
#[utoipa::path(get, path = "/programmes/{slug}/requests", tag = "requests", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = RequestLists), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<RequestLists>> {
    let p = find(&s, &slug).await?;
    let lists = act::lists(&s, &me, &p).await?;
    Ok(Json(RequestLists {
        mine: lists.mine,
        offers: lists.offers,
        queue: lists.queue.unwrap_or_default(),
    }))
}

#[derive(Debug, Default, serde::Serialize, ToSchema)]
pub struct RequestLists {
    mine: Vec<RequestView>,
    offers: Vec<RequestView>,
    queue: Vec<RequestView>,
}

/// One request with its timeline (the mentee, the mentor it is with, the office, the director).
#[utoipa::path(get, path = "/requests/{id}", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RequestView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestView>> {
    let (r, _, viewer) = act::visible(&s, &me, id).await?;
    Ok(Json(act::view(&s, &r, viewer).await?))
}

/// The request after a change, as the person who made it may now see it.
async fn respond(
    s: &AppState,
    me: &trellis_app::Actor,
    r: act::RequestRow,
) -> ApiResult<Json<RequestView>> {
    let viewer = if r.mentee_id == me.id() {
        Viewer::Mentee
    } else if r.holder_id == Some(me.id()) {
        Viewer::Holder
    } else {
        Viewer::Named
    };
    Ok(Json(act::view(s, &r, viewer).await?))
}

/// Accept the request waiting for your reply.
#[utoipa::path(post, path = "/requests/{id}/accept", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RequestView), (status = 403, description = "not waiting for you", body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "no longer open, or no free place", body = ErrorBody)))]
pub async fn accept(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestView>> {
    let r = act::accept(&s, &me, id).await?;
    respond(&s, &me, r).await
}

#[derive(Deserialize, ToSchema, Default)]
pub struct DeclineBody {
    #[serde(default)]
    reason: String,
    /// Also mark yourself unavailable in the directory.
    #[serde(default)]
    mark_unavailable: bool,
}

/// Decline the request waiting for your reply; it passes to the next choice.
#[utoipa::path(post, path = "/requests/{id}/decline", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DeclineBody,
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DeclineBody>,
) -> ApiResult<Json<RequestView>> {
    let r = act::decline(&s, &me, id, &b.reason, b.mark_unavailable).await?;
    respond(&s, &me, r).await
}

/// Withdraw your request.
#[utoipa::path(post, path = "/requests/{id}/withdraw", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestView>> {
    let r = act::withdraw(&s, &me, id).await?;
    respond(&s, &me, r).await
}

#[derive(Deserialize, ToSchema)]
pub struct OfferBody {
    /// The mentor's user id.
    mentor_id: i64,
}

/// The director offers a request in their queue to another mentor.
#[utoipa::path(post, path = "/requests/{id}/offer", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OfferBody,
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn offer(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OfferBody>,
) -> ApiResult<Json<RequestView>> {
    let r = act::director_offer(&s, &me, id, b.mentor_id).await?;
    respond(&s, &me, r).await
}

#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    message: String,
}

/// The director closes a request in their queue with a message to the mentee.
#[utoipa::path(post, path = "/requests/{id}/close", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CloseBody,
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult<Json<RequestView>> {
    let r = act::director_close(&s, &me, id, &b.message).await?;
    respond(&s, &me, r).await
}

/// Ask the mentor holding the request to reply (office or director; at most once a day).
#[utoipa::path(post, path = "/requests/{id}/nudge", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not with a mentor, or already nudged today", body = ErrorBody)))]
pub async fn nudge(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestView>> {
    let r = act::nudge(&s, &me, id).await?;
    staff_view(&s, &me, r).await
}

/// Take the request back from the mentor holding it and pass it on to the next choice, or to
/// the director when none is left (office or director).
#[utoipa::path(post, path = "/requests/{id}/reroute", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not with a mentor", body = ErrorBody)))]
pub async fn reroute(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestView>> {
    let r = act::reroute(&s, &me, id).await?;
    staff_view(&s, &me, r).await
}

async fn staff_view(
    s: &AppState,
    me: &trellis_app::Actor,
    r: act::RequestRow,
) -> ApiResult<Json<RequestView>> {
    let (r, _, viewer) = act::visible(s, me, r.id).await?;
    Ok(Json(act::view(s, &r, viewer).await?))
}

/// Attach (or replace) your CV: the body is the PDF itself (`Content-Type: application/pdf`),
/// at most 5 MB.
#[utoipa::path(put, path = "/requests/{id}/cv", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = super::contract::Pdf, content_type = "application/pdf"),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "the request is no longer open", body = ErrorBody), (status = 422, description = "not a PDF, or larger than 5 MB", body = ErrorBody)))]
pub async fn put_cv(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> ApiResult<StatusCode> {
    let bytes = crate::uploads::read_cv(body).await?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("cv.pdf");
    act::attach_cv(&s, &me, id, act::Upload::new(name, bytes)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Download the request's CV (the mentee, and the mentor it is with or who accepted it).
#[utoipa::path(get, path = "/requests/{id}/cv", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = super::contract::Pdf), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_cv(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::response::Response> {
    let f = act::cv(&s, &me, id).await?;
    Ok(crate::copies::download(
        f.bytes,
        &f.content_type,
        &f.file_name,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ShareBody {
    /// true: the office and the director may read your words and CV; false: they may not.
    shared: bool,
}

/// Share your request's words and CV with the programme staff, or stop sharing them.
#[utoipa::path(post, path = "/requests/{id}/share", tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ShareBody,
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn share(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ShareBody>,
) -> ApiResult<Json<RequestView>> {
    let r = act::share(&s, &me, id, b.shared).await?;
    respond(&s, &me, r).await
}
