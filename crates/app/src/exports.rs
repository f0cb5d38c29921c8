//! CSV exports of a programme's members, mentors and relationships, produced a page of rows at
//! a time: the command line writes each page to its file, the API streams each page as part of
//! the response body. Any number of rows takes the memory of one page.

use crate::Actor;
use crate::App;
use crate::programmes::require_office;
use crate::{AppError, AppResult};
use trellis_store::DatabaseConnection;
use trellis_store::programmes::Programme;
use trellis_store::reports::Window;

const PAGE: i64 = 2000;

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Members,
    Mentors,
    /// Every relationship (of a cohort) with its model, phase, dates and members; never
    /// content.
    Relationships {
        cohort: Option<Window>,
    },
}

impl Export {
    fn header(self) -> &'static [&'static str] {
        match self {
            Self::Members => &["user_id", "name", "email", "joined_at"],
            Self::Mentors => &[
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
            ],
            Self::Relationships { .. } => &[
                "id",
                "model",
                "phase",
                "started",
                "last_change",
                "paused",
                "from_request",
                "mentors",
                "mentees",
                "peers",
                "left",
            ],
        }
    }
}

fn csv_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("writing CSV: {e}"))
}

/// Reads an export one page at a time.
pub struct Pager {
    db: DatabaseConnection,
    programme_id: i64,
    what: Export,
    /// The last id written; `None` before the header.
    after: Option<i64>,
    done: bool,
    /// Rows written so far.
    pub rows: usize,
}

impl Pager {
    pub fn new(db: &DatabaseConnection, p: &Programme, what: Export) -> Self {
        Self {
            db: db.clone(),
            programme_id: p.id,
            what,
            after: None,
            done: false,
            rows: 0,
        }
    }

    /// The next part of the CSV text (the header first), or `None` at the end.
    pub async fn next_chunk(&mut self) -> AppResult<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let mut w = trellis_domain::spreadsheet::Writer::new(Vec::new());
        let Some(after) = self.after else {
            w.row(self.what.header()).map_err(csv_err)?;
            self.after = Some(0);
            return w.into_inner().map(Some).map_err(csv_err);
        };
        let (db, pid) = (&self.db, self.programme_id);
        let last = match self.what {
            Export::Members => {
                let page = trellis_store::programmes::members_after(db, pid, after, PAGE).await?;
                for m in &page {
                    w.row([
                        m.user_id.to_string(),
                        m.name.clone(),
                        m.email.clone(),
                        m.joined_at.to_rfc3339(),
                    ])
                    .map_err(csv_err)?;
                }
                self.rows += page.len();
                page.last().map(|m| m.user_id)
            }
            Export::Mentors => {
                let page = trellis_store::mentors::mentors_after(db, pid, after, PAGE).await?;
                let list = |s: &str| trellis_store::mentors::list_of(s).join("; ");
                for m in &page {
                    w.row([
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
                }
                self.rows += page.len();
                page.last().map(|m| m.id)
            }
            Export::Relationships { cohort } => {
                let page =
                    trellis_store::reports::relationships_after(db, pid, cohort, after, PAGE)
                        .await?;
                let ids: Vec<i64> = page.iter().map(|r| r.id).collect();
                let members = trellis_store::reports::members_of(db, &ids).await?;
                for r in &page {
                    let names = |pick: &dyn Fn(&trellis_store::reports::MemberLine) -> bool| {
                        members
                            .iter()
                            .filter(|m| m.relationship_id == r.id && pick(m))
                            .map(|m| m.name.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    };
                    let current = |role: &'static str| {
                        move |m: &trellis_store::reports::MemberLine| {
                            m.role == role && m.left_at.is_none()
                        }
                    };
                    w.row([
                        r.id.to_string(),
                        r.model.clone(),
                        r.phase.clone(),
                        r.created_at.date_naive().to_string(),
                        r.updated_at.date_naive().to_string(),
                        r.paused_at
                            .map_or(String::new(), |t| t.date_naive().to_string()),
                        r.request_id.map_or(String::new(), |id| id.to_string()),
                        names(&current("mentor")),
                        names(&current("mentee")),
                        names(&current("peer")),
                        names(&|m| m.left_at.is_some()),
                    ])
                    .map_err(csv_err)?;
                }
                self.rows += page.len();
                page.last().map(|r| r.id)
            }
        };
        match last {
            Some(id) => self.after = Some(id),
            None => self.done = true,
        }
        w.into_inner().map(Some).map_err(csv_err)
    }

    /// Writes the whole export to `out`; returns the number of rows.
    pub async fn write_all(mut self, out: &mut impl std::io::Write) -> AppResult<usize> {
        while let Some(chunk) = self.next_chunk().await? {
            out.write_all(&chunk).map_err(csv_err)?;
        }
        Ok(self.rows)
    }
}

/// A CSV file to hand out: written already, or read a page at a time as it is sent.
pub enum Csv {
    Ready(Vec<u8>),
    Paged(Pager),
}

/// The export for a member of staff (office, director, admin), a page at a time.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn for_staff(s: &App, who: &Actor, p: &Programme, what: Export) -> AppResult<Pager> {
    require_office(s, who, p).await?;
    Ok(Pager::new(&s.store.db, p, what))
}
