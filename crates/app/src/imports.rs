//! CSV imports into a programme: the member list, mentors with their directory profile, and
//! existing relationships. Each file is read twice, row by row: once to check every row (the
//! report names each bad one with its line and reason), then, unless it is a dry run or a bad
//! row stops it, once more to write the good rows, all in one transaction. Memory holds a batch
//! of rows, the emails seen (to find repeats) and the bad lines, not the file's rows.
//!
//! Imported mentors who have no account get one without a password: they set one with "forgot
//! password", which also confirms their address. Imported relationships send no welcome mail.

use crate::Actor;
use crate::App;
use crate::mentors::Taxonomy;
use crate::programmes::standing;
use crate::{AppError, AppResult};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use trellis_domain::account::Email;
use trellis_domain::audit::AuditEntry;
use trellis_domain::import::BadRow;
use trellis_domain::import::{self as rows, MentorRow, RelationshipRow, Terms};
use trellis_domain::member_list::{self, MemberRow};
use trellis_store::programmes::Programme;
use trellis_store::{DatabaseConnection, audit};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The member list (who may join).
    Members,
    Mentors,
    Relationships,
}

impl Kind {
    pub fn parse(s: &str) -> AppResult<Self> {
        match s {
            "members" | "member-list" => Ok(Self::Members),
            "mentors" => Ok(Self::Mentors),
            "relationships" => Ok(Self::Relationships),
            _ => Err(AppError::invalid(
                "kind",
                "Choose what the file holds: members, mentors or relationships",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::Mentors => "mentors",
            Self::Relationships => "relationships",
        }
    }
}

/// Where the file is read from; opened once per pass.
pub trait Source: Sync {
    fn open(&self) -> std::io::Result<Box<dyn Read + Send + '_>>;
}

/// A file already in memory (an upload).
pub struct InMemory<'a>(pub &'a [u8]);

impl Source for InMemory<'_> {
    fn open(&self) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Ok(Box::new(self.0))
    }
}

/// A file on disk, read as it goes.
pub struct OnDisk(pub std::path::PathBuf);

impl Source for OnDisk {
    fn open(&self) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Ok(Box::new(std::io::BufReader::new(std::fs::File::open(
            &self.0,
        )?)))
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Only check and report.
    pub dry_run: bool,
    /// Write the good rows even when some are bad.
    pub skip_bad: bool,
}

/// At most this many bad rows are listed in a report (all are counted).
pub const LISTED_BAD_ROWS: usize = 1000;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// members, mentors or relationships
    pub kind: String,
    /// Rows written (0 on a dry run or when bad rows stopped the import).
    pub imported: u64,
    /// Good rows found in the file.
    pub valid_rows: u64,
    /// Bad rows found in the file.
    pub bad_count: u64,
    /// The first 1000 bad rows, each with its line and reason.
    pub bad_rows: Vec<BadRowOut>,
    pub dry_run: bool,
    /// Whether anything was written.
    pub applied: bool,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BadRowOut {
    pub line: u64,
    pub reason: String,
}

/// Told how many rows have been read so far: (pass, rows), pass 1 checking and 2 writing.
pub type Progress<'a> = &'a (dyn Fn(u8, u64) + Sync);

const BATCH: usize = 500;

/// A row of any kind, checked as far as the file alone allows.
enum Row {
    Member(MemberRow),
    Mentor(MentorRow),
    Relationship(RelationshipRow),
}

/// Reads the file a batch at a time, calling `each` with the good rows of each batch and
/// recording the bad ones.
struct Reader<'a> {
    kind: Kind,
    programme: &'a Programme,
    terms: &'a Terms,
    today: chrono::NaiveDate,
}

impl Reader<'_> {
    /// Reads up to [`BATCH`] rows; `None` at the end of the file.
    fn batch<R: Read>(
        &self,
        table: &mut rows::Table<R>,
        seen: &mut HashSet<Email>,
        bad: &mut Vec<BadRow>,
    ) -> Option<Vec<Row>> {
        let mut out = Vec::with_capacity(BATCH);
        let mut read = 0;
        while read < BATCH {
            let Some(l) = table.next_line() else {
                break;
            };
            read += 1;
            let row = l.and_then(|l| match self.kind {
                Kind::Members => member_list::member_row(&l, seen).map(Row::Member),
                Kind::Mentors => rows::mentor_row(&l, self.terms).and_then(|r| {
                    if seen.insert(r.email.clone()) {
                        Ok(Row::Mentor(r))
                    } else {
                        Err(BadRow {
                            line: r.line,
                            reason: format!(
                                "email: {} appears more than once in the file",
                                r.email
                            ),
                        })
                    }
                }),
                Kind::Relationships => {
                    rows::relationship_row(&l, self.today).map(Row::Relationship)
                }
            });
            match row {
                Ok(r) => out.push(r),
                Err(b) => bad.push(b),
            }
        }
        (read > 0).then_some(out)
    }

    fn open<'s>(
        &self,
        source: &'s dyn Source,
    ) -> Result<rows::Table<Box<dyn Read + Send + 's>>, BadRow> {
        let input = source.open().map_err(|e| BadRow {
            line: 0,
            reason: format!("cannot open the file: {e}"),
        })?;
        let slug = self.programme.slug.as_str();
        match self.kind {
            Kind::Members => member_list::open(input, slug),
            Kind::Mentors => rows::open_mentors(input, slug),
            Kind::Relationships => rows::open_relationships(input, slug),
        }
    }
}

/// Who may import: the office and admins (or the command line, `who` = None).
async fn may_import(s: &App, who: Option<&Actor>, p: &Programme) -> AppResult<()> {
    if let Some(who) = who
        && !standing(s, p, who).await?.may_manage_members()
    {
        return Err(AppError::forbidden(
            "Only the programme office or an admin may import into a programme",
        ));
    }
    Ok(())
}

async fn terms_of(db: &DatabaseConnection, p: &Programme) -> AppResult<Terms> {
    use trellis_store::taxonomy;
    let map = |ts: Vec<taxonomy::Term>| {
        ts.into_iter()
            .map(|t| (t.label.to_lowercase(), t.id))
            .collect()
    };
    Ok(Terms {
        audiences: map(taxonomy::terms(db, p.id, taxonomy::AUDIENCE, false).await?),
        expertise: map(taxonomy::terms(db, p.id, taxonomy::EXPERTISE, false).await?),
    })
}

/// The member ids of a relationship row, or why it cannot be brought in: every email must be a
/// member of the programme.
async fn members_of(
    db: &impl trellis_store::ConnectionTrait,
    p: &Programme,
    r: &RelationshipRow,
    cache: &mut HashMap<Email, Option<i64>>,
) -> AppResult<Result<Vec<(i64, &'static str)>, BadRow>> {
    let mut out = Vec::new();
    for (email, role) in &r.members {
        let id = match cache.get(email) {
            Some(id) => *id,
            None => {
                let id = match trellis_store::accounts::user_by_email(db, email).await? {
                    Some(u) if trellis_store::programmes::is_member(db, p.id, u.id).await? => {
                        Some(u.id)
                    }
                    _ => None,
                };
                if cache.len() > 10_000 {
                    cache.clear();
                }
                cache.insert(email.clone(), id);
                id
            }
        };
        match id {
            Some(id) => out.push((id, role.as_str())),
            None => {
                return Ok(Err(BadRow {
                    line: r.line,
                    reason: format!("{}s: {email} is not a member of {}", role.as_str(), p.name),
                }));
            }
        }
    }
    Ok(Ok(out))
}

/// Checks, then (unless told not to) writes a file of `kind` into the programme.
#[tracing::instrument(skip_all, fields(user_id = who.map(Actor::id), programme_id = p.id))]
pub async fn import(
    s: &App,
    who: Option<&Actor>,
    p: &Programme,
    kind: Kind,
    source: &dyn Source,
    opts: Options,
    progress: Progress<'_>,
) -> AppResult<ImportReport> {
    may_import(s, who, p).await?;
    let db = &s.store.db;
    let now = s.now();
    let terms = if kind == Kind::Mentors {
        terms_of(db, p).await?
    } else {
        Terms::default()
    };
    let reader = Reader {
        kind,
        programme: p,
        terms: &terms,
        today: now.date_naive(),
    };
    // Pass 1: check every row.
    let mut bad_lines: HashSet<u64> = HashSet::new();
    let mut listed: Vec<BadRow> = Vec::new();
    let (mut valid, mut bad_count, mut read) = (0u64, 0u64, 0u64);
    let mut note = |b: BadRow, bad_lines: &mut HashSet<u64>| {
        bad_lines.insert(b.line);
        bad_count += 1;
        if listed.len() < LISTED_BAD_ROWS {
            listed.push(b);
        }
    };
    {
        let mut cache = HashMap::new();
        let mut seen = HashSet::new();
        match reader.open(source) {
            Err(b) => note(b, &mut bad_lines),
            Ok(mut table) => {
                let mut bad = Vec::new();
                while let Some(batch) = reader.batch(&mut table, &mut seen, &mut bad) {
                    read += (batch.len() + bad.len()) as u64;
                    for b in bad.drain(..) {
                        note(b, &mut bad_lines);
                    }
                    for row in &batch {
                        if let Row::Relationship(r) = row
                            && let Err(b) = members_of(db, p, r, &mut cache).await?
                        {
                            note(b, &mut bad_lines);
                            continue;
                        }
                        valid += 1;
                    }
                    progress(1, read);
                }
            }
        }
    }
    listed.sort_by_key(|b| b.line);
    let file_unreadable = bad_lines.contains(&0) || bad_lines.contains(&1) && valid == 0;
    let apply = !opts.dry_run && (bad_count == 0 || opts.skip_bad) && valid > 0 && !file_unreadable;
    let mut imported = 0;
    if apply {
        // Pass 2: write the good rows, all or nothing.
        let tx = trellis_store::begin(db).await?;
        let mut table = reader.open(source).map_err(|b| {
            AppError::internal(anyhow::anyhow!(
                "the file changed while importing: {}",
                b.reason
            ))
        })?;
        let (mut seen, mut bad, mut cache) = (HashSet::new(), Vec::new(), HashMap::new());
        let tax = crate::mentors::taxonomy(s, p).await?;
        while let Some(batch) = reader.batch(&mut table, &mut seen, &mut bad) {
            bad.clear();
            let batch: Vec<Row> = batch
                .into_iter()
                .filter(|r| !bad_lines.contains(&line_of(r)))
                .collect();
            imported += write(s, &tx, p, batch, &tax, &mut cache).await?;
            progress(2, imported);
        }
        audit::record(
            &tx,
            &AuditEntry::new(
                "programme.imported",
                "programme",
                Some(p.id),
                format!(
                    "{imported} {} imported from CSV, {bad_count} bad rows skipped",
                    kind.as_str()
                ),
            )
            .by(who.map(Actor::id))
            .in_programme(p.id),
            now,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(ImportReport {
        kind: kind.as_str().into(),
        imported,
        valid_rows: valid,
        bad_count,
        bad_rows: listed
            .into_iter()
            .map(|b| BadRowOut {
                line: b.line,
                reason: b.reason,
            })
            .collect(),
        dry_run: opts.dry_run,
        applied: apply,
    })
}

fn line_of(r: &Row) -> u64 {
    match r {
        Row::Member(m) => m.line,
        Row::Mentor(m) => m.line,
        Row::Relationship(r) => r.line,
    }
}

/// Writes one batch of good rows; returns how many were written.
async fn write(
    s: &App,
    tx: &trellis_store::DatabaseTransaction,
    p: &Programme,
    batch: Vec<Row>,
    tax: &Taxonomy,
    cache: &mut HashMap<Email, Option<i64>>,
) -> AppResult<u64> {
    use trellis_store::{accounts, mentors, programmes, workspace};
    let now = s.now();
    let mut members = Vec::new();
    let mut n = 0;
    for row in batch {
        match row {
            Row::Member(m) => members.push(m),
            Row::Mentor(m) => {
                let user_id = match accounts::user_by_email(tx, &m.email).await? {
                    Some(u) => u.id,
                    // No password: "!" is no hash, so no password matches until they set one.
                    None => accounts::create_user(tx, &m.name, &m.email, "!", now).await?,
                };
                programmes::join(tx, p.id, user_id, now).await?;
                let labels: Vec<String> = m
                    .details
                    .audiences
                    .iter()
                    .chain(m.details.expertise.iter())
                    .filter_map(|t| tax.label(*t))
                    .map(str::to_owned)
                    .collect();
                mentors::upsert_mentor(
                    tx,
                    p.id,
                    user_id,
                    None,
                    &m.details,
                    &mentors::search_text(&m.name, &m.details, &labels),
                    now,
                )
                .await?;
                n += 1;
            }
            Row::Relationship(r) => {
                let people = members_of(tx, p, &r, cache)
                    .await?
                    .map_err(|b| AppError::Conflict(format!("line {}: {}", b.line, b.reason)))?;
                let started = r
                    .started_on
                    .and_hms_opt(0, 0, 0)
                    .map_or(now, |t| t.and_utc());
                let id = workspace::create_relationship(tx, p.id, None, r.model.as_str(), started)
                    .await?;
                workspace::set_phase(tx, id, "preparing", r.phase.as_str(), started).await?;
                for (user_id, role) in people {
                    workspace::add_member(tx, id, user_id, role, started).await?;
                }
                if r.phase != trellis_domain::workspace::Phase::Closed {
                    crate::relationships::schedule_first_evaluation(s, tx, p, id).await?;
                }
                n += 1;
            }
        }
    }
    if !members.is_empty() {
        n += programmes::import_member_list(tx, p.id, &members, now).await?;
    }
    Ok(n)
}
