//! The relationship workspace: who may see it, its phase, the agreement with its versions and
//! signatures, and the mentoring log. What members write is sealed before it is stored and
//! opened only for the relationship's members (former members: what was written while they
//! were members). Staff (office, director, admin) see members, phase, dates and counts.
//! Making relationships and their membership are in [`membership`]; the periodic evaluation's
//! timed rule in [`jobs`].

mod jobs;
mod membership;

pub use jobs::EvaluationDue;
pub(crate) use jobs::schedule_first_evaluation;
pub use membership::{add_member, create, leave};
pub(crate) use membership::{create_in, from_request, may_make};

use crate::Actor;
use crate::App;
use crate::programmes::{find_by_id, standing};
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use trellis_domain::audit::AuditEntry;
use trellis_domain::workspace::{
    self as rules, Agreement, AgreementState, LogEntry, LogInput, Phase, Role,
};
use trellis_store::programmes::Programme;
use trellis_store::workspace::{self as store, MemberRow, Relationship, SignatureRow};
use trellis_store::{DatabaseTransaction, StoreError, audit};

/// How the person asking relates to a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    /// A member, current (`left_at` is `None`) or former.
    Member {
        role: Role,
        joined_at: DateTime<Utc>,
        left_at: Option<DateTime<Utc>>,
    },
    /// Office, director, admin: members, phase, dates and counts; never content.
    Staff,
}

impl Seat {
    pub fn is_current_member(self) -> bool {
        matches!(self, Self::Member { left_at: None, .. })
    }
}

/// A relationship as one person may see it.
pub struct Workspace {
    pub rel: Relationship,
    pub programme: Programme,
    pub seat: Seat,
    pub members: Vec<MemberRow>,
}

impl Workspace {
    pub fn phase(&self) -> Phase {
        self.rel.phase
    }

    /// Contact is paused by the programme team (a concern): nothing may change until it is
    /// lifted.
    pub fn paused(&self) -> bool {
        self.rel.paused_at.is_some()
    }

    /// Whether this reader may change the workspace: a current member, of a relationship
    /// neither closed nor paused (the rule [`writable`] enforces).
    pub fn may_write(&self) -> bool {
        self.seat.is_current_member() && self.phase() != Phase::Closed && !self.paused()
    }

    pub fn current_members(&self) -> impl Iterator<Item = &MemberRow> {
        self.members.iter().filter(|m| m.left_at.is_none())
    }

    /// Whether this reader may read something written at `at`.
    pub(crate) fn may_read(&self, at: DateTime<Utc>) -> bool {
        match self.seat {
            Seat::Member {
                joined_at, left_at, ..
            } => rules::may_read(joined_at, left_at, at),
            Seat::Staff => false,
        }
    }

    pub(crate) fn context(&self) -> String {
        context(self.rel.id)
    }
}

/// What every sealed value of a relationship is bound to.
fn context(id: i64) -> String {
    format!("relationship:{id}")
}

pub(crate) fn seal<T: Serialize>(s: &App, id: i64, value: &T) -> AppResult<String> {
    let json = serde_json::to_string(value).map_err(anyhow::Error::from)?;
    s.store
        .keys
        .seal(&context(id), &json)
        .map_err(AppError::internal)
}

pub(crate) fn unseal<T: DeserializeOwned>(s: &App, ctx: &str, sealed: &str) -> AppResult<T> {
    let json = s.store.keys.open(ctx, sealed).map_err(AppError::internal)?;
    Ok(serde_json::from_str(&json).map_err(anyhow::Error::from)?)
}

/// A relationship its members (and the programme's staff) may see; anyone else gets 404.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn visible(s: &App, who: &Actor, id: i64) -> AppResult<Workspace> {
    let rel = store::relationship(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("relationship"))?;
    let programme = find_by_id(s, rel.programme_id).await?;
    let members = store::members(&s.store.db, id).await?;
    let seat = match members.iter().find(|m| m.user_id == who.id()) {
        Some(m) => Seat::Member {
            role: m.role,
            joined_at: m.joined_at,
            left_at: m.left_at,
        },
        None => {
            let st = standing(s, &programme, who).await?;
            if st.runs_programme() {
                Seat::Staff
            } else {
                return Err(AppError::NotFound("relationship"));
            }
        }
    };
    Ok(Workspace {
        rel,
        programme,
        seat,
        members,
    })
}

/// What a member is told when they try to change a paused relationship: neutral, as the
/// concern rules require (it does not say why, or who asked).
fn paused() -> AppError {
    AppError::Conflict(
        "The programme team has paused this relationship for now: it can be read, and you will hear when it resumes.".into(),
    )
}

fn content_refused() -> AppError {
    AppError::forbidden(
        "What a relationship's members write is private to them: staff see its members, phase and dates only",
    )
}

/// Loads a workspace whose content the person may read (a current or former member).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn readable(s: &App, who: &Actor, id: i64) -> AppResult<Workspace> {
    let ws = visible(s, who, id).await?;
    match ws.seat {
        Seat::Member { .. } => Ok(ws),
        Seat::Staff => Err(content_refused()),
    }
}

/// Loads a workspace the person may write in (a current member of a relationship not closed).
pub(crate) async fn writable(s: &App, who: &Actor, id: i64) -> AppResult<Workspace> {
    let ws = visible(s, who, id).await?;
    match ws.seat {
        Seat::Staff => Err(content_refused()),
        Seat::Member {
            left_at: Some(_), ..
        } => Err(AppError::forbidden(
            "You have left this relationship: you can read what was written while you were a member, but not add to it",
        )),
        Seat::Member { .. } if ws.phase() == Phase::Closed => Err(AppError::Conflict(
            "This relationship is closed; its workspace can be read but no longer changed.".into(),
        )),
        Seat::Member { .. } if ws.paused() => Err(paused()),
        Seat::Member { .. } => Ok(ws),
    }
}

pub(crate) async fn audited(
    tx: &DatabaseTransaction,
    s: &App,
    who: &Actor,
    ws: &Workspace,
    action: &'static str,
    summary: String,
) -> AppResult<()> {
    audit::record(
        tx,
        &AuditEntry::new(action, "relationship", Some(ws.rel.id), summary)
            .by(Some(who.id()))
            .in_programme(ws.programme.id),
        s.now(),
    )
    .await?;
    Ok(())
}

// ---- The agreement ----

/// One version of the agreement as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The text; `None` for a version a former member may not read.
    #[schema(value_type = Option<Object>)]
    pub body: Option<Agreement>,
    #[schema(value_type = Vec<Object>)]
    pub signatures: Vec<SignatureRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    /// Oldest first.
    pub versions: Vec<VersionView>,
    pub latest: Option<i32>,
    /// Current members who have not signed the latest version.
    pub unsigned: Vec<String>,
}

impl AgreementView {
    pub fn latest_version(&self) -> Option<&VersionView> {
        self.versions.last()
    }
}

async fn agreement_state(
    s: &App,
    ws: &Workspace,
) -> AppResult<(AgreementState, Option<(i64, i32)>)> {
    let versions = store::agreement_versions(&s.store.db, ws.rel.id).await?;
    let Some(latest) = versions.last() else {
        return Ok((
            AgreementState {
                unsigned: Vec::new(),
                exists: false,
            },
            None,
        ));
    };
    let sigs = store::signatures(&s.store.db, ws.rel.id).await?;
    let unsigned = ws
        .current_members()
        .filter(|m| {
            !sigs
                .iter()
                .any(|g| g.version_id == latest.id && g.user_id == m.user_id)
        })
        .map(|m| (m.user_id, m.name.clone()))
        .collect();
    Ok((
        AgreementState {
            unsigned,
            exists: true,
        },
        Some((latest.id, latest.version)),
    ))
}

/// The agreement with every version and its signatures.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn agreement(s: &App, who: &Actor, id: i64) -> AppResult<AgreementView> {
    let ws = readable(s, who, id).await?;
    agreement_of(s, &ws).await
}

#[tracing::instrument(skip_all, fields(relationship_id = ws.rel.id))]
pub async fn agreement_of(s: &App, ws: &Workspace) -> AppResult<AgreementView> {
    let versions = store::agreement_versions(&s.store.db, ws.rel.id).await?;
    let sigs = store::signatures(&s.store.db, ws.rel.id).await?;
    let (state, _) = agreement_state(s, ws).await?;
    let ctx = ws.context();
    let mut out = Vec::new();
    for v in &versions {
        let body = if ws.may_read(v.created_at) {
            Some(unseal(s, &ctx, &v.body)?)
        } else {
            None
        };
        out.push(VersionView {
            version: v.version,
            created_by: v.created_by_name.clone(),
            created_at: v.created_at,
            updated_at: v.updated_at,
            body,
            signatures: sigs
                .iter()
                .filter(|g| g.version_id == v.id)
                .cloned()
                .collect(),
        });
    }
    Ok(AgreementView {
        latest: versions.last().map(|v| v.version),
        versions: out,
        unsigned: state.unsigned.into_iter().map(|(_, n)| n).collect(),
    })
}

/// A member writes a new version of the agreement (everyone signs it again).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn propose(s: &App, who: &Actor, id: i64, input: &Agreement) -> AppResult<i32> {
    let ws = writable(s, who, id).await?;
    let body = Agreement::parse(input)?;
    let latest = store::agreement_versions(&s.store.db, id)
        .await?
        .last()
        .map_or(0, |v| v.version);
    let version = latest + 1;
    let sealed = seal(s, id, &body)?;
    let tx = s.store.begin().await?;
    match store::add_agreement_version(&tx, id, version, &sealed, who.id(), s.now()).await {
        Ok(_) => {}
        Err(StoreError::Duplicate { .. }) => {
            return Err(AppError::Conflict(
                "Someone saved a new version of the agreement just now: reload it and make your change again.".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    audited(
        &tx,
        s,
        who,
        &ws,
        "agreement.version",
        format!("agreement version {version}"),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Corrects the latest version while nobody has signed it; a signed version never changes.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, version = version))]
pub async fn edit(s: &App, who: &Actor, id: i64, version: i32, input: &Agreement) -> AppResult<()> {
    let ws = writable(s, who, id).await?;
    let body = Agreement::parse(input)?;
    let versions = store::agreement_versions(&s.store.db, id).await?;
    let v = versions
        .iter()
        .find(|v| v.version == version)
        .ok_or(AppError::NotFound("agreement version"))?;
    if versions.last().map(|l| l.version) != Some(version) {
        return Err(AppError::Conflict(format!(
            "Version {version} is not the latest: change the latest version instead."
        )));
    }
    let sealed = seal(s, id, &body)?;
    let tx = s.store.begin().await?;
    if !store::update_unsigned_version(&tx, v.id, &sealed, s.now()).await? {
        return Err(AppError::Conflict(format!(
            "Version {version} has been signed, so it cannot change: save your change as a new version, which everyone signs again."
        )));
    }
    audited(
        &tx,
        s,
        who,
        &ws,
        "agreement.edited",
        format!("agreement version {version} corrected before signing"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A member signs a version with their typed name.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, version = version))]
pub async fn sign(s: &App, who: &Actor, id: i64, version: i32, typed_name: &str) -> AppResult<()> {
    let ws = writable(s, who, id).await?;
    let versions = store::agreement_versions(&s.store.db, id).await?;
    let v = versions
        .iter()
        .find(|v| v.version == version)
        .ok_or(AppError::NotFound("agreement version"))?;
    let latest = versions.last().map_or(0, |l| l.version);
    let sigs = store::signatures(&s.store.db, id).await?;
    let already = sigs
        .iter()
        .any(|g| g.version_id == v.id && g.user_id == who.id());
    rules::check_signature(version, latest, already, typed_name, &who.user.name).map_err(|e| {
        match e {
            rules::SignRefused::NameMismatch => AppError::invalid("typed_name", e.to_string()),
            _ => AppError::Conflict(e.to_string()),
        }
    })?;
    let tx = s.store.begin().await?;
    match store::sign(&tx, v.id, who.id(), typed_name.trim(), s.now()).await {
        Ok(()) => {}
        Err(StoreError::Duplicate { .. }) => {
            return Err(AppError::Conflict(
                rules::SignRefused::AlreadySigned.to_string(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    audited(
        &tx,
        s,
        who,
        &ws,
        "agreement.signed",
        format!("agreement version {version} signed"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What changed between two versions: (field, before, after).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, from = from, to = to))]
pub async fn compare(
    s: &App,
    who: &Actor,
    id: i64,
    from: i32,
    to: i32,
) -> AppResult<Vec<(String, String, String)>> {
    let view = agreement(s, who, id).await?;
    let body = |n: i32, field: &'static str| -> AppResult<Agreement> {
        view.versions
            .iter()
            .find(|v| v.version == n)
            .ok_or_else(|| AppError::invalid(field, format!("There is no version {n}")))?
            .body
            .clone()
            .ok_or_else(|| AppError::forbidden(format!("Version {n} was written after you left")))
    };
    let (a, b) = (body(from, "from")?, body(to, "to")?);
    Ok(a.compare(&b)
        .into_iter()
        .map(|(l, x, y)| (l.to_owned(), x.to_owned(), y.to_owned()))
        .collect())
}

// ---- The phase ----

/// A member moves the relationship to another phase; enabling needs the latest agreement
/// signed by every current member.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn move_phase(s: &App, who: &Actor, id: i64, to: &str) -> AppResult<Phase> {
    let ws = visible(s, who, id).await?;
    if !ws.seat.is_current_member() {
        return Err(AppError::forbidden(
            "Only the relationship's current members move it between phases",
        ));
    }
    if ws.paused() {
        return Err(paused());
    }
    let to = Phase::parse(to.trim()).ok_or_else(|| {
        AppError::invalid(
            "phase",
            "Choose one of preparing, negotiating, enabling, closing, closed",
        )
    })?;
    let from = ws.phase();
    let (state, _) = agreement_state(s, &ws).await?;
    rules::check_move(from, to, &state).map_err(|e| AppError::Conflict(e.to_string()))?;
    let tx = s.store.begin().await?;
    if !store::set_phase(&tx, id, from.as_str(), to.as_str(), s.now()).await? {
        return Err(AppError::Conflict(
            "The phase changed just now: reload the relationship to see where it stands.".into(),
        ));
    }
    // Closing a relationship gives its mentors the places it held back.
    if to == Phase::Closed {
        for m in ws.current_members().filter(|m| m.role == Role::Mentor) {
            store::release_places(&tx, ws.programme.id, id, m.user_id, s.now()).await?;
        }
    }
    crate::webhooks::emit(
        &tx,
        ws.programme.id,
        "relationship.phase_changed",
        serde_json::json!({"relationship_id": id, "model": ws.rel.model, "from": from.as_str(), "to": to.as_str()}),
        s.now(),
    )
    .await?;
    audited(
        &tx,
        s,
        who,
        &ws,
        "relationship.phase",
        format!("{from} → {to}"),
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

// ---- The log ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LogView {
    pub id: i64,
    pub author: Option<String>,
    #[schema(value_type = Object)]
    pub entry: LogEntry,
    pub created_at: DateTime<Utc>,
}

/// The log entries this reader may read, oldest first.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn log(s: &App, who: &Actor, id: i64) -> AppResult<Vec<LogView>> {
    let ws = readable(s, who, id).await?;
    let ctx = ws.context();
    let mut out = Vec::new();
    for row in store::log_entries(&s.store.db, id).await? {
        if ws.may_read(row.created_at) {
            out.push(LogView {
                id: row.id,
                author: row.author_name,
                entry: unseal(s, &ctx, &row.body)?,
                created_at: row.created_at,
            });
        }
    }
    Ok(out)
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn add_log(s: &App, who: &Actor, id: i64, input: &LogInput) -> AppResult<i64> {
    let ws = writable(s, who, id).await?;
    let entry = LogEntry::parse(input, s.now().date_naive())?;
    let sealed = seal(s, id, &entry)?;
    let tx = s.store.begin().await?;
    let entry_id = store::add_log_entry(&tx, id, who.id(), &sealed, s.now()).await?;
    audited(&tx, s, who, &ws, "log.added", "log entry added".into()).await?;
    tx.commit().await?;
    Ok(entry_id)
}

// ---- The overview ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    /// mentor, mentee or peer
    pub role: String,
    /// The same, for the pages.
    #[serde(skip)]
    pub seat: Role,
    /// Only for the relationship's members.
    pub email: Option<String>,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RelationshipView {
    pub id: i64,
    pub programme_id: i64,
    pub request_id: Option<i64>,
    /// traditional, group or peer
    pub model: String,
    pub phase: String,
    pub phase_guidance: String,
    /// The phases the members may move it to now (none while it is paused).
    pub next_phases: Vec<String>,
    /// Contact is paused by the programme team: it can be read, not changed.
    pub paused: bool,
    pub members: Vec<MemberView>,
    pub created_at: DateTime<Utc>,
    /// How much the workspace holds (what staff see instead of content).
    #[schema(value_type = Object)]
    pub counts: store::Counts,
    /// The latest agreement version and who has still to sign it.
    pub agreement_version: Option<i32>,
    pub agreement_unsigned: Vec<String>,
}

#[tracing::instrument(skip_all, fields(relationship_id = ws.rel.id))]
pub async fn overview(s: &App, ws: &Workspace) -> AppResult<RelationshipView> {
    let member = matches!(ws.seat, Seat::Member { .. });
    let (state, latest) = agreement_state(s, ws).await?;
    Ok(RelationshipView {
        id: ws.rel.id,
        programme_id: ws.rel.programme_id,
        request_id: ws.rel.request_id,
        model: ws.rel.model.as_str().to_owned(),
        phase: ws.phase().as_str().to_owned(),
        phase_guidance: ws.phase().guidance().to_owned(),
        next_phases: ws
            .phase()
            .moves()
            .iter()
            .filter(|_| !ws.paused())
            .map(|p| p.as_str().to_owned())
            .collect(),
        paused: ws.paused(),
        members: ws
            .members
            .iter()
            .map(|m| MemberView {
                user_id: m.user_id,
                name: m.name.clone(),
                role: m.role.as_str().to_owned(),
                seat: m.role,
                email: member.then(|| m.email.clone()),
                joined_at: m.joined_at,
                left_at: m.left_at,
            })
            .collect(),
        created_at: ws.rel.created_at,
        counts: store::counts(&s.store.db, ws.rel.id).await?,
        agreement_version: latest.map(|(_, v)| v),
        agreement_unsigned: state.unsigned.into_iter().map(|(_, n)| n).collect(),
    })
}

/// One of the person's relationships, named by its other current members.
#[derive(Debug, Clone)]
pub struct Mine {
    pub id: i64,
    pub others: Vec<String>,
}

/// The person's relationships in the programme (as a member), each with the names of its
/// other current members.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn mine(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<Mine>> {
    let db = &s.store.db;
    let mut out = Vec::new();
    for r in store::relationships_of_member(db, p.id, who.id()).await? {
        let others = store::members(db, r.id)
            .await?
            .into_iter()
            .filter(|m| m.user_id != who.id() && m.left_at.is_none())
            .map(|m| m.name)
            .collect();
        out.push(Mine { id: r.id, others });
    }
    Ok(out)
}
