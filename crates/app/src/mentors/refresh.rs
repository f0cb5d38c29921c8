//! The annual refresh's one-click confirmation.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshConfirmed {
    pub programme_slug: String,
    pub programme_name: String,
    pub relisted: bool,
}

/// Confirms a mentor's listing from the emailed link. Works signed out (one click from the
/// email); signed in as someone else it is refused. A link replaced by a newer refresh, or
/// older than a year, has expired.
#[tracing::instrument(skip_all, fields(user_id = who.map(Actor::id)))]
pub async fn confirm_refresh(
    s: &App,
    who: Option<&Actor>,
    token: &str,
) -> AppResult<RefreshConfirmed> {
    let now = s.now();
    let r = store::refresh_by_token(&s.store.db, token.trim())
        .await?
        .ok_or(AppError::NotFound("confirmation link"))?;
    let m = store::mentor_by_id(&s.store.db, r.mentor_id)
        .await?
        .ok_or(AppError::NotFound("mentor listing"))?;
    if let Some(who) = who
        && who.id() != m.user_id
    {
        return Err(AppError::forbidden(
            "This confirmation link was sent to another mentor. Sign out, or use the link in your own email.",
        ));
    }
    let latest = store::latest_refresh(&s.store.db, m.id).await?;
    let gone = || {
        AppError::Gone("This confirmation link has expired: use the link in the newest email from the programme.".into())
    };
    if latest.is_some_and(|l| l.id != r.id) || now >= directory::refresh_link_expires(r.asked_at) {
        return Err(gone());
    }
    let p = find_by_id(s, r.programme_id).await?;
    let tx = s.store.begin().await?;
    let newly = store::confirm_refresh(&tx, r.id, now).await?;
    let relisted = m.unlisted_reason.as_deref() == Some("refresh")
        && store::set_listed(&tx, m.id, true, None, now).await?;
    if newly || relisted {
        audit::record(
            &tx,
            &AuditEntry::new(
                "mentor.refresh_confirmed",
                "mentor",
                Some(m.id),
                if relisted {
                    "confirmed and listed again"
                } else {
                    "confirmed"
                },
            )
            .by(Some(m.user_id))
            .in_programme(p.id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(RefreshConfirmed {
        programme_slug: p.slug,
        programme_name: p.name,
        relisted,
    })
}
