//! The notification centre: what Trellis told a member, with an unread count.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use trellis_store::notifications::{self as store, Notification};

/// How many notifications the centre shows.
pub const SHOWN: i64 = 100;

/// The member's newest notifications and how many are unread.
pub async fn list(s: &AppState, who: &CurrentUser) -> AppResult<(Vec<Notification>, i64)> {
    let items = store::recent(&s.store.db, who.id(), SHOWN).await?;
    let unread = store::unread_count(&s.store.db, who.id()).await?;
    Ok((items, unread))
}

/// Marks one read and returns where it points; someone else's is 404.
pub async fn open(s: &AppState, who: &CurrentUser, id: i64) -> AppResult<Option<String>> {
    if !store::mark_read(&s.store.db, who.id(), id, s.now()).await? {
        return Err(AppError::NotFound("notification"));
    }
    Ok(store::get(&s.store.db, who.id(), id)
        .await?
        .and_then(|n| n.link))
}

pub async fn read_all(s: &AppState, who: &CurrentUser) -> AppResult<u64> {
    Ok(store::mark_all_read(&s.store.db, who.id(), s.now()).await?)
}
