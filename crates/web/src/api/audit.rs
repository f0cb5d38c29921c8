use super::json::{ApiQuery, ErrorBody};
use crate::auth::ApiUser;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use trellis_app::AppError;
use trellis_store::audit::{self, AuditRow, Filter};

#[derive(Deserialize, utoipa::IntoParams, Default)]
pub struct AuditQuery {
    /// Programme slug.
    pub programme: Option<String>,
    pub actor_id: Option<i64>,
    /// Action prefix, e.g. `account.` or `programme.role_granted`.
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl AuditQuery {
    /// The store filter, once the programme slug is resolved and the range checked.
    pub async fn filter(&self, s: &AppState) -> Result<Filter, AppError> {
        let programme_id = match self.programme.as_deref().filter(|p| !p.is_empty()) {
            Some(slug) => Some(trellis_app::programmes::find(s, slug).await?.id),
            None => None,
        };
        if let (Some(a), Some(b)) = (self.since, self.until)
            && b < a
        {
            return Err(AppError::invalid(
                "until",
                "The end of the range must be after its start",
            ));
        }
        Ok(Filter {
            programme_id,
            actor_id: self.actor_id,
            action_prefix: self.action.clone().filter(|a| !a.is_empty()),
            since: self.since,
            until: self.until,
            limit: self.limit.unwrap_or(100),
            offset: self.offset.unwrap_or(0),
        })
    }
}

/// The audit log, newest first, with filters (installation admin).
#[utoipa::path(get, path = "/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditRow>>> {
    me.require_admin()?;
    let f = q.filter(&s).await?;
    Ok(Json(audit::list(&s.store.db, &f).await?))
}
