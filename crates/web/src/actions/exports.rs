//! CSV exports of a programme's members and mentors, written page by page so that any number
//! of rows takes bounded memory.

use crate::actions::programmes::standing;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use trellis_store::DatabaseConnection;
use trellis_store::programmes::Programme;

const PAGE: i64 = 2000;

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Members,
    Mentors,
}

fn csv_err(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("writing CSV: {e}"))
}

/// Writes the list as CSV (a header line, then one row each) to `out`.
pub async fn write(
    db: &DatabaseConnection,
    p: &Programme,
    what: Export,
    out: &mut impl std::io::Write,
) -> AppResult<usize> {
    let mut w = csv::Writer::from_writer(out);
    let mut n = 0;
    match what {
        Export::Members => {
            w.write_record(["user_id", "name", "email", "joined_at"])
                .map_err(csv_err)?;
            let mut after = 0;
            loop {
                let page = trellis_store::programmes::members_after(db, p.id, after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.user_id;
                for m in &page {
                    w.write_record([
                        m.user_id.to_string(),
                        m.name.clone(),
                        m.email.clone(),
                        m.joined_at.to_rfc3339(),
                    ])
                    .map_err(csv_err)?;
                    n += 1;
                }
            }
        }
        Export::Mentors => {
            w.write_record([
                "user_id",
                "name",
                "organisation",
                "title",
                "location",
                "time_zone",
                "listed",
                "available",
                "capacity",
                "active_mentees",
                "hours_per_month",
                "languages",
                "tags",
                "background",
                "listed_at",
            ])
            .map_err(csv_err)?;
            let mut after = 0;
            loop {
                let page = trellis_store::mentors::mentors_after(db, p.id, after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                for m in &page {
                    let list = |s: &str| trellis_store::mentors::list_of(s).join("; ");
                    w.write_record([
                        m.user_id.to_string(),
                        m.name.clone(),
                        m.organisation.clone().unwrap_or_default(),
                        m.title.clone().unwrap_or_default(),
                        m.location.clone().unwrap_or_default(),
                        m.time_zone.clone().unwrap_or_default(),
                        m.listed.to_string(),
                        m.available.to_string(),
                        m.capacity.to_string(),
                        m.active_mentees.to_string(),
                        m.hours_per_month.to_string(),
                        list(&m.languages),
                        list(&m.tags),
                        m.background.clone(),
                        m.listed_at.to_rfc3339(),
                    ])
                    .map_err(csv_err)?;
                    n += 1;
                }
            }
        }
    }
    w.flush().map_err(csv_err)?;
    Ok(n)
}

/// The export for a member of staff (office, director, admin) as one CSV body.
pub async fn for_staff(
    s: &AppState,
    who: &CurrentUser,
    p: &Programme,
    what: Export,
) -> AppResult<Vec<u8>> {
    let st = standing(s, p, who).await?;
    if !(st.runs_programme()) {
        return Err(AppError::forbidden(
            "Only the programme office, the mentorship director and admins export its lists",
        ));
    }
    let mut out = Vec::new();
    write(&s.store.db, p, what, &mut out).await?;
    Ok(out)
}
