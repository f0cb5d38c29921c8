//! A programme's own wording of its letters (admins): list, read, save, back to default, and
//! preview.

use super::extract::ApiUser;
use super::json::{ApiJson, ApiPath, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use trellis_app::email_texts::{self as act, EmailText, Preview, WordingInput};
use trellis_app::programmes::find;

/// The letters the programme may reword, each with the wording in use.
#[utoipa::path(get, path = "/programmes/{slug}/email-texts", tag = "email texts", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = [EmailText]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<EmailText>>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::list(&s, &me, &p).await?))
}

/// One letter: the wording in use, Trellis's own, and the placeholders it offers.
#[utoipa::path(get, path = "/programmes/{slug}/email-texts/{template}", tag = "email texts", security(("bearer" = [])), params(("slug" = String, Path), ("template" = String, Path)),
    responses((status = 200, body = EmailText), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, template)): ApiPath<(String, String)>,
) -> ApiResult<Json<EmailText>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::show(&s, &me, &p, &template).await?))
}

/// Saves the programme's wording of a letter: `{name}` placeholders from the letter's list,
/// `{button}` on a line of its own where the link goes, `{{` for a literal brace. The HTML
/// is optional and keeps simple formatting and links only.
#[utoipa::path(put, path = "/programmes/{slug}/email-texts/{template}", tag = "email texts", security(("bearer" = [])), params(("slug" = String, Path), ("template" = String, Path)),
    request_body = WordingInput,
    responses((status = 200, body = EmailText), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, template)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<WordingInput>,
) -> ApiResult<Json<EmailText>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::save(&s, &me, &p, &template, &b).await?))
}

/// Back to Trellis's own wording of a letter.
#[utoipa::path(delete, path = "/programmes/{slug}/email-texts/{template}", tag = "email texts", security(("bearer" = [])), params(("slug" = String, Path), ("template" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, template)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let p = find(&s, &slug).await?;
    act::reset(&s, &me, &p, &template).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The letter in a wording (not saved) as a member would get it, with made-up people.
#[utoipa::path(post, path = "/programmes/{slug}/email-texts/{template}/preview", tag = "email texts", security(("bearer" = [])), params(("slug" = String, Path), ("template" = String, Path)),
    request_body = WordingInput,
    responses((status = 200, body = Preview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, template)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<WordingInput>,
) -> ApiResult<Json<Preview>> {
    let p = find(&s, &slug).await?;
    Ok(Json(act::preview(&s, &me, &p, &template, &b)?))
}
