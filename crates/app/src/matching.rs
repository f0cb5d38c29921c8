//! Cohort matching rounds (programme staff): pick the mentees (by email, or every member still
//! waiting for a mentor) and the mentors with a free place, set weights and constraints, run the
//! matcher, review the proposal with each pair's score parts and explanations, pin or forbid
//! pairs and run again, then publish: each pair becomes a relationship, taking one of the
//! mentor's places, all in one transaction.

use crate::Actor;
use crate::App;
use crate::programmes::standing;
use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use trellis_domain::account::Email;
use trellis_domain::audit::AuditEntry;
use trellis_domain::cohort::{self, Breakdown, Mentee, Mentor, Weights};
use trellis_domain::error::{FieldError, Invalid};
use trellis_domain::workspace::Role;
use trellis_matcher::optimal::Options;
use trellis_matcher::{Builder, Mode, Person, Rules, Unmatched};
use trellis_store::matching_rounds::{self as store, NewPair, Rule};

use trellis_domain::cohort::{PublishAs, RoundStatus, RuleKind};
use trellis_domain::directory::TermKind;
use trellis_domain::names::Named;
use trellis_domain::programme::{MatchingPublish, Model};
pub use trellis_store::matching_rounds::{CohortMember, Round};
use trellis_store::mentors::list_of;
use trellis_store::programmes::Programme;
use trellis_store::{DatabaseTransaction, audit};

mod publish;
mod run;

pub use publish::*;
use run::run_in;

/// A new round as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RoundInput {
    #[serde(default)]
    pub name: String,
    /// optimal (default), stable or generous
    #[serde(default)]
    pub mode: String,
    /// Mentees' email addresses; empty for every member who is not a mentor and has made no
    /// request yet.
    #[serde(default)]
    pub mentees: Vec<String>,
    /// 0–10 each: expertise, audience, language, time_zone, availability, preference.
    #[serde(default)]
    pub weights: BTreeMap<String, i64>,
    /// Only pairs with a language in common.
    #[serde(default)]
    pub shared_language: bool,
    /// Never two people of the same organisation.
    #[serde(default)]
    pub different_organisation: bool,
    /// offers (default: each pair becomes a request offered to the mentor, who accepts or
    /// declines), relationships (made directly), groups (each mentor leads a group of the
    /// mentees matched with them) or circles (peer circles: the mentees grouped among
    /// themselves, no mentor).
    #[serde(default)]
    pub publish_as: String,
    /// With groups: how many mentees a mentor leads at most; with circles: the most people in a
    /// circle (2–30).
    #[serde(default)]
    pub group_size: Option<i64>,
}

/// Weights and constraints, as kept with the round.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    #[schema(value_type = Object)]
    pub weights: Weights,
    pub shared_language: bool,
    pub different_organisation: bool,
    /// Never a mentee with the mentor their profile names as manager (the programme's rule).
    #[serde(default)]
    pub not_own_manager: bool,
    /// offers, relationships, groups or circles
    #[serde(default)]
    #[schema(value_type = String)]
    pub publish_as: PublishAs,
    /// With groups: the most mentees per mentor.
    #[serde(default)]
    pub group_size: Option<u32>,
}

/// One mentee's line of the proposal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PairView {
    pub mentee_id: i64,
    pub mentee_name: String,
    pub mentor_id: Option<i64>,
    pub mentor_name: Option<String>,
    pub score: Option<f64>,
    pub seat_price: Option<f64>,
    /// The score's parts, each 0–1.
    #[schema(value_type = Option<Object>)]
    pub parts: Option<Breakdown>,
    /// Why not a better-scored mentor, from the seat prices.
    pub why: Vec<String>,
    /// no_allowed_mentor or capacity
    pub unmatched: Option<String>,
    pub relationship_id: Option<i64>,
    /// Published as an offer: the request made for the mentee.
    pub request_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundView {
    #[schema(value_type = Object)]
    pub round: Round,
    pub settings: Settings,
    /// The last run's figures: matched, mentees, total, min, mean, blocking_pairs, unmatched.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    pub mentors: Vec<(i64, String)>,
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<Rule>,
    pub pairs: Vec<PairView>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Detail {
    parts: Option<Breakdown>,
    why: Vec<String>,
}

async fn require_staff(s: &App, who: &Actor, p: &Programme) -> AppResult<()> {
    if standing(s, p, who).await?.runs_programme() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only the programme's office, its director and admins run matching rounds",
        ))
    }
}

async fn round_of(s: &App, p: &Programme, id: i64) -> AppResult<Round> {
    store::get(&s.store.db, id)
        .await?
        .filter(|r| r.programme_id == p.id)
        .ok_or(AppError::NotFound("No such matching round"))
}

/// Checks a new round's input: name, mode, weights, and the mentees' addresses.
/// The round as typed, with the programme's matching rules: its publishing choice when the
/// round leaves it out, its constraints always.
fn parse(
    input: &RoundInput,
    programme: &trellis_domain::programme::Settings,
) -> Result<(String, Mode, Settings, Vec<Email>), Invalid> {
    let mut invalid = Invalid::default();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        invalid.push(FieldError::new(
            "name",
            "Name the round (at most 100 characters)",
        ));
    }
    let mode = if input.mode.trim().is_empty() {
        Some(Mode::Optimal)
    } else {
        Mode::parse(input.mode.trim())
    };
    if mode.is_none() {
        invalid.push(FieldError::new(
            "mode",
            "The mode is optimal, stable or generous",
        ));
    }
    let given: Vec<(&str, Option<i64>)> = input
        .weights
        .iter()
        .map(|(k, v)| (k.as_str(), Some(*v)))
        .collect();
    let weights = match Weights::parse(&given) {
        Ok(w) => Some(w),
        Err(e) => {
            invalid.0.extend(e.0);
            None
        }
    };
    let publish_as = match input.publish_as.trim() {
        "" => match programme.matching_publish {
            MatchingPublish::Offers => PublishAs::Offers,
            MatchingPublish::Relationships => PublishAs::Relationships,
        },
        raw => PublishAs::from_name(raw).unwrap_or_else(|| {
            invalid.push(FieldError::new(
                "publish_as",
                "Publish as offers, relationships, groups or circles",
            ));
            PublishAs::Offers
        }),
    };
    let group_size = match (publish_as, input.group_size) {
        (PublishAs::Groups | PublishAs::Circles, Some(n @ 2..=30)) => Some(n as u32),
        (PublishAs::Groups, _) => {
            invalid.push(FieldError::new(
                "group_size",
                "Give the group size: from 2 to 30 mentees per mentor",
            ));
            None
        }
        (PublishAs::Circles, _) => {
            invalid.push(FieldError::new(
                "group_size",
                "Give the circle size: from 2 to 30 people",
            ));
            None
        }
        _ => None,
    };
    let mut emails = Vec::new();
    for raw in input
        .mentees
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
    {
        // A line of the default cohort as the form shows it: "Name <address>".
        let raw = match (raw.rfind('<'), raw.strip_suffix('>')) {
            (Some(open), Some(inner)) => inner[open + 1..].trim(),
            _ => raw,
        };
        if let Some(e) = invalid.check(Email::parse("mentees", raw)) {
            emails.push(e);
        }
    }
    match (mode, weights) {
        (Some(mode), Some(weights)) if invalid.is_empty() => Ok((
            name,
            mode,
            Settings {
                weights,
                shared_language: input.shared_language || programme.matching_shared_language,
                different_organisation: input.different_organisation
                    || programme.matching_different_organisation,
                not_own_manager: programme.matching_not_own_manager,
                publish_as,
                group_size,
            },
            emails,
        )),
        _ => Err(invalid),
    }
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Optimal => "optimal",
        Mode::Stable => "stable",
        Mode::Generous => "generous",
    }
}

/// Creates a round and runs it.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn create(
    s: &App,
    who: &Actor,
    p: &Programme,
    input: &RoundInput,
) -> AppResult<RoundView> {
    require_staff(s, who, p).await?;
    let (name, mode, settings, emails) = parse(input, &p.settings())?;
    let db = &s.store.db;
    let mut mentees = Vec::new();
    for e in &emails {
        let member = match trellis_store::accounts::user_by_email(db, e).await? {
            Some(u) if trellis_store::programmes::is_member(db, p.id, u.id).await? => u.id,
            _ => {
                return Err(AppError::invalid(
                    "mentees",
                    format!("{} is not a member of {}", e.as_str(), p.name),
                ));
            }
        };
        mentees.push(member);
    }
    if emails.is_empty() {
        mentees = store::default_cohort(db, p.id, i64::from(p.max_relationships_per_member))
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect();
    }
    // Peer circles group the mentees among themselves: no mentors.
    let circles = settings.publish_as == PublishAs::Circles;
    let mentors: Vec<i64> = if circles {
        Vec::new()
    } else {
        trellis_store::mentors::listed_mentors(db, p.id)
            .await?
            .into_iter()
            .filter(|m| {
                m.available && m.active_mentees < m.capacity && !mentees.contains(&m.user_id)
            })
            .map(|m| m.user_id)
            .collect()
    };
    if mentees.is_empty() {
        return Err(AppError::invalid("mentees", "There is no mentee to match"));
    }
    if circles && mentees.len() < 2 {
        return Err(AppError::invalid(
            "mentees",
            "A circle needs at least two people",
        ));
    }
    if circles && mentees.len() > trellis_matcher::circles::MAX_PEOPLE {
        return Err(AppError::invalid(
            "mentees",
            format!(
                "A round of circles takes at most {} people: name them, or split the cohort into several rounds",
                trellis_matcher::circles::MAX_PEOPLE
            ),
        ));
    }
    if !circles && mentors.is_empty() {
        return Err(AppError::invalid(
            "mentees",
            "No listed mentor is available with a free place",
        ));
    }
    let settings_json = serde_json::to_string(&settings).map_err(anyhow::Error::from)?;
    let now = s.now();
    let tx = trellis_store::begin(db).await?;
    let id = store::create(
        &tx,
        p.id,
        &name,
        mode_name(mode),
        &settings_json,
        who.id(),
        now,
    )
    .await?;
    for &u in &mentees {
        store::add_person(&tx, id, "mentee", u).await?;
    }
    for &u in &mentors {
        store::add_person(&tx, id, "mentor", u).await?;
    }
    run_in(s, &tx, p, id).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "matching_round.created",
            "matching_round",
            Some(id),
            format!(
                "round '{name}' ({}) with {} mentees and {} mentors",
                mode_name(mode),
                mentees.len(),
                mentors.len()
            ),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    show(s, who, p, id).await
}

/// Who a round matches when staff name nobody: the members who could ask for a mentor now
/// (not staff, not mentors or mentor applicants, no open request, below the programme's
/// limit of relationships), by name.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn default_cohort(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<CohortMember>> {
    require_staff(s, who, p).await?;
    Ok(store::default_cohort(&s.store.db, p.id, i64::from(p.max_relationships_per_member)).await?)
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn list(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<Round>> {
    require_staff(s, who, p).await?;
    Ok(store::of_programme(&s.store.db, p.id).await?)
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id))]
pub async fn show(s: &App, who: &Actor, p: &Programme, id: i64) -> AppResult<RoundView> {
    require_staff(s, who, p).await?;
    let round = round_of(s, p, id).await?;
    let db = &s.store.db;
    let settings: Settings = serde_json::from_str(&round.settings).map_err(anyhow::Error::from)?;
    let summary = serde_json::from_str(&round.summary).unwrap_or(serde_json::Value::Null);
    let mentor_ids = store::people(db, id, "mentor").await?;
    let mentors = store::names(db, &mentor_ids).await?;
    let pairs = store::proposal(db, id)
        .await?
        .into_iter()
        .map(|r| {
            let d: Detail = serde_json::from_str(&r.detail).unwrap_or(Detail {
                parts: None,
                why: Vec::new(),
            });
            PairView {
                mentee_id: r.mentee_id,
                mentee_name: r.mentee_name,
                mentor_id: r.mentor_id,
                mentor_name: r.mentor_name,
                score: r.score,
                seat_price: r.seat_price,
                parts: d.parts,
                why: d.why,
                unmatched: r.unmatched,
                relationship_id: r.relationship_id,
                request_id: r.request_id,
            }
        })
        .collect();
    Ok(RoundView {
        rules: store::rules(db, id).await?,
        round,
        settings,
        summary,
        mentors,
        pairs,
    })
}

/// Pins (`pin`) or forbids (`forbid`) a pair and runs the round again.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id, mentee_id = mentee_id, mentor_id = mentor_id))]
pub async fn set_rule(
    s: &App,
    who: &Actor,
    p: &Programme,
    id: i64,
    mentee_id: i64,
    mentor_id: i64,
    kind: &str,
) -> AppResult<RoundView> {
    require_staff(s, who, p).await?;
    let round = round_of(s, p, id).await?;
    if round.status != RoundStatus::Proposed {
        return Err(AppError::Conflict(
            "This round is published; start a new one".into(),
        ));
    }
    let Some(kind) = RuleKind::from_name(kind) else {
        return Err(AppError::invalid("kind", "The kind is pin or forbid"));
    };
    let db = &s.store.db;
    if !store::people(db, id, "mentee").await?.contains(&mentee_id) {
        return Err(AppError::invalid(
            "mentee_id",
            "This mentee is not in the round",
        ));
    }
    if !store::people(db, id, "mentor").await?.contains(&mentor_id) {
        return Err(AppError::invalid(
            "mentor_id",
            "This mentor is not in the round",
        ));
    }
    let tx = trellis_store::begin(db).await?;
    store::set_rule(&tx, id, mentee_id, mentor_id, kind.as_str()).await?;
    run_in(s, &tx, p, id).await?;
    tx.commit().await?;
    show(s, who, p, id).await
}

/// Takes back a pin or a forbid and runs the round again.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id, mentee_id = mentee_id, mentor_id = mentor_id))]
pub async fn clear_rule(
    s: &App,
    who: &Actor,
    p: &Programme,
    id: i64,
    mentee_id: i64,
    mentor_id: i64,
) -> AppResult<RoundView> {
    require_staff(s, who, p).await?;
    let round = round_of(s, p, id).await?;
    if round.status != RoundStatus::Proposed {
        return Err(AppError::Conflict(
            "This round is published; start a new one".into(),
        ));
    }
    let tx = trellis_store::begin(&s.store.db).await?;
    if !store::clear_rule(&tx, id, mentee_id, mentor_id).await? {
        return Err(AppError::NotFound("No such pin or forbid in this round"));
    }
    run_in(s, &tx, p, id).await?;
    tx.commit().await?;
    show(s, who, p, id).await
}
