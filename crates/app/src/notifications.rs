//! The notification centre: what Trellis told a member, with an unread count.

use crate::Actor;
use crate::App;
use crate::{AppError, AppResult};
use trellis_store::notifications as store;

pub use trellis_store::notifications::Notification;

/// How many notifications the centre shows.
pub const SHOWN: i64 = 100;

/// The member's newest notifications and how many are unread.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn list(s: &App, who: &Actor) -> AppResult<(Vec<Notification>, i64)> {
    let items = store::recent(&s.store.db, who.id(), SHOWN).await?;
    let unread = store::unread_count(&s.store.db, who.id()).await?;
    Ok((items, unread))
}

/// Marks one read and returns where it points; someone else's is 404.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn open(s: &App, who: &Actor, id: i64) -> AppResult<Option<String>> {
    if !store::mark_read(&s.store.db, who.id(), id, s.now()).await? {
        return Err(AppError::NotFound("notification"));
    }
    Ok(store::get(&s.store.db, who.id(), id)
        .await?
        .and_then(|n| n.link))
}

#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn read_all(s: &App, who: &Actor) -> AppResult<u64> {
    Ok(store::mark_all_read(&s.store.db, who.id(), s.now()).await?)
}

/// One kind of email and how the member gets it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct KindSetting {
    pub kind: String,
    pub what: String,
    /// each, digest or off
    pub delivery: String,
}

/// The member's email settings, and the letters that always go out whatever they choose.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EmailSettings {
    pub kinds: Vec<KindSetting>,
    pub always_sent: Vec<String>,
}

#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn settings(s: &App, who: &Actor) -> AppResult<EmailSettings> {
    let c = store::choices(&s.store.db, who.id()).await?;
    Ok(EmailSettings {
        kinds: trellis_domain::notify::KINDS
            .iter()
            .map(|(k, what)| KindSetting {
                kind: (*k).to_owned(),
                what: (*what).to_owned(),
                delivery: c.of(k).as_str().to_owned(),
            })
            .collect(),
        always_sent: trellis_domain::notify::ALWAYS_SENT
            .iter()
            .map(|t| (*t).to_owned())
            .collect(),
    })
}

/// Saves the member's choices (kind → each, digest or off); kinds not named stay as they were.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn save_settings(
    s: &App,
    who: &Actor,
    input: &std::collections::BTreeMap<String, String>,
) -> AppResult<EmailSettings> {
    let new = trellis_domain::notify::Choices::parse(input)?;
    let mut c = store::choices(&s.store.db, who.id()).await?;
    c.0.extend(new.0);
    store::set_choices(&s.store.db, who.id(), &c, s.now()).await?;
    settings(s, who).await
}
