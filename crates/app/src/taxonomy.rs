//! Editing a programme's taxonomies (installation admin).

use crate::Actor;
use crate::App;
use crate::{AppError, AppResult};
use trellis_domain::audit::AuditEntry;
use trellis_domain::error::required_text;
use trellis_store::programmes::Programme;
use trellis_store::taxonomy;

pub use trellis_domain::directory::TermKind;
use trellis_store::audit;
pub use trellis_store::taxonomy::{AUDIENCE, EXPERTISE, Term};

fn kind(raw: &str) -> AppResult<TermKind> {
    match raw.trim() {
        "audience" => Ok(AUDIENCE),
        "expertise" => Ok(EXPERTISE),
        _ => Err(AppError::invalid("kind", "Choose audience or expertise")),
    }
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn add(
    s: &App,
    who: &Actor,
    p: &Programme,
    kind_raw: &str,
    label: &str,
) -> AppResult<i64> {
    who.require_admin()?;
    let kind = kind(kind_raw)?;
    let label = required_text("label", label, 80)?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let id = taxonomy::add(&tx, p.id, kind, &label)
        .await
        .map_err(|e| match e {
            trellis_store::StoreError::Duplicate { .. } => {
                AppError::invalid("label", "This programme already has a term with this label")
            }
            other => other.into(),
        })?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "taxonomy.term_added",
            "taxonomy_term",
            Some(id),
            format!("{kind} '{label}' added"),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id))]
pub async fn change(
    s: &App,
    who: &Actor,
    p: &Programme,
    id: i64,
    label: Option<&str>,
    retired: Option<bool>,
) -> AppResult<()> {
    who.require_admin()?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let mut found = true;
    if let Some(label) = label {
        let label = required_text("label", label, 80)?;
        found &= taxonomy::rename(&tx, p.id, id, &label)
            .await
            .map_err(|e| match e {
                trellis_store::StoreError::Duplicate { .. } => {
                    AppError::invalid("label", "This programme already has a term with this label")
                }
                other => other.into(),
            })?;
    }
    if let Some(r) = retired {
        found &= taxonomy::set_retired(&tx, p.id, id, r).await?;
    }
    if !found {
        return Err(AppError::NotFound("term"));
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "taxonomy.term_changed",
            "taxonomy_term",
            Some(id),
            "term changed",
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every term of the programme's taxonomies, retired ones too (for editing them, and for
/// reading what older profiles chose).
#[tracing::instrument(skip_all, fields(programme_id = p.id))]
pub async fn with_retired(s: &App, p: &Programme) -> AppResult<crate::mentors::Taxonomy> {
    Ok(crate::mentors::Taxonomy {
        audiences: taxonomy::terms(&s.store.db, p.id, AUDIENCE, true).await?,
        expertise: taxonomy::terms(&s.store.db, p.id, EXPERTISE, true).await?,
    })
}
