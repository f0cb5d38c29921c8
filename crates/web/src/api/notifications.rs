use super::extract::ApiUser;
use super::json::{ApiPath, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use trellis_app::notifications as act;
use utoipa::ToSchema;

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct NotificationView {
    id: i64,
    programme_id: Option<i64>,
    subject: String,
    body: String,
    /// A path inside Trellis, e.g. `/requests/12`.
    link: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    read_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Notifications {
    unread: i64,
    /// Newest first, at most 100.
    items: Vec<NotificationView>,
}

/// Your notification centre: the newest notifications and the unread count.
#[utoipa::path(get, path = "/notifications", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Notifications), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
) -> ApiResult<Json<Notifications>> {
    let (items, unread) = act::list(&s, &me).await?;
    Ok(Json(Notifications {
        unread,
        items: items
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                programme_id: n.programme_id,
                subject: n.subject,
                body: n.body,
                link: n.link,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    }))
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Marked {
    /// How many changed from unread to read.
    marked: u64,
}

/// Mark one notification read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Marked), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Marked>> {
    act::open(&s, &me, id).await?;
    Ok(Json(Marked { marked: 1 }))
}

/// Mark all your notifications read.
#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Marked)))]
pub async fn read_all(State(s): State<AppState>, ApiUser(me): ApiUser) -> ApiResult<Json<Marked>> {
    Ok(Json(Marked {
        marked: act::read_all(&s, &me).await?,
    }))
}

/// Your email settings: for each kind of email (requests, mentoring, relationships, concerns),
/// every email (`each`), a weekly digest instead (`digest`), or none (`off`; the notification
/// centre still has them). The letters in `always_sent` go out whatever you choose.
#[utoipa::path(get, path = "/me/notification-settings", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = act::EmailSettings), (status = 401, body = ErrorBody)))]
pub async fn settings(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
) -> ApiResult<Json<act::EmailSettings>> {
    Ok(Json(act::settings(&s, &me).await?))
}

/// Change your email settings: an object of kind → `each`, `digest` or `off`.
#[utoipa::path(put, path = "/me/notification-settings", tag = "notifications", security(("bearer" = [])),
    request_body(content = std::collections::BTreeMap<String, String>, description = "kind → `each`, `digest` or `off`"),
    responses((status = 200, body = act::EmailSettings), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_settings(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    super::json::ApiJson(b): super::json::ApiJson<std::collections::BTreeMap<String, String>>,
) -> ApiResult<Json<act::EmailSettings>> {
    Ok(Json(act::save_settings(&s, &me, &b).await?))
}
