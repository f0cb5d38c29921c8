use super::extract::ApiUser;
use super::json::{ApiQuery, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use trellis_app::audit::{self, AuditQuery, AuditRow};

/// The audit log, newest first, with filters (installation admin).
#[utoipa::path(get, path = "/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, description = "no programme has that slug", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditRow>>> {
    Ok(Json(audit::list(&s, &me, &q).await?))
}
