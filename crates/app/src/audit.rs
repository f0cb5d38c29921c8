//! The audit log, for the installation's admins: newest first, filtered by programme, actor,
//! action and time.

use crate::{Actor, App, AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use trellis_store::audit::{self as store, Filter};

pub use trellis_store::audit::AuditRow;

/// The most entries one call returns.
pub const MAX_LIMIT: u64 = 500;

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Programme slug.
    pub programme: Option<String>,
    pub actor_id: Option<i64>,
    /// Action prefix, e.g. `account.` or `programme.role_granted`.
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Entries to return, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Entries to skip, newest first.
    #[param(minimum = 0)]
    pub offset: Option<i32>,
}

impl AuditQuery {
    /// The store's filter, once the programme slug is resolved and the range checked.
    async fn filter(&self, s: &App) -> AppResult<Filter> {
        let programme_id = match self.programme.as_deref().filter(|p| !p.is_empty()) {
            Some(slug) => Some(crate::programmes::find(s, slug).await?.id),
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
        if self.offset.is_some_and(|n| n < 0) {
            return Err(AppError::invalid("offset", "Enter 0 or more"));
        }
        if self.limit.is_some_and(|n| !(1..=MAX_LIMIT).contains(&n)) {
            return Err(AppError::invalid(
                "limit",
                format!("Choose from 1 to {MAX_LIMIT} entries"),
            ));
        }
        Ok(Filter {
            programme_id,
            actor_id: self.actor_id,
            action_prefix: self.action.clone().filter(|a| !a.is_empty()),
            since: self.since,
            until: self.until,
            limit: self.limit.unwrap_or(100),
            offset: u64::try_from(self.offset.unwrap_or(0)).unwrap_or(0),
        })
    }
}

/// The entries the query asks for (installation admin).
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn list(s: &App, who: &Actor, q: &AuditQuery) -> AppResult<Vec<AuditRow>> {
    who.require_admin()?;
    let f = q.filter(s).await?;
    Ok(store::list(&s.store.db, &f).await?)
}
