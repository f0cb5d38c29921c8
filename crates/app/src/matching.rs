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
pub use trellis_store::matching_rounds::Round;
use trellis_store::mentors::list_of;
use trellis_store::programmes::Programme;
use trellis_store::{DatabaseTransaction, TransactionTrait, audit};

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
    #[schema(value_type = Object)]
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
        mentees = trellis_store::requests::members_without_request(db, p.id, 100_000).await?;
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
    let tx = db.begin().await?;
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

/// Runs the round on what its people say in their profiles now, replacing the proposal.
async fn run_in(s: &App, tx: &DatabaseTransaction, p: &Programme, id: i64) -> AppResult<()> {
    let round = store::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("No such matching round"))?;
    let settings: Settings = serde_json::from_str(&round.settings).map_err(anyhow::Error::from)?;
    let mode = Mode::parse(&round.mode).unwrap_or(Mode::Optimal);
    let now = s.now();
    // The mentees, as the profile says.
    // Read in bulk: a round may hold tens of thousands of people.
    let mut shortlists: HashMap<i64, Vec<i64>> = HashMap::new();
    for (mentee, mentor) in store::shortlists(tx, p.id).await? {
        shortlists.entry(mentee).or_default().push(mentor);
    }
    let in_round = store::people(tx, id, "mentee").await?;
    let mut users: HashMap<i64, trellis_store::accounts::User> =
        trellis_store::accounts::users_by_ids(tx, &in_round)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    // The managers named on the profiles, as the accounts they belong to (if any).
    let manager_emails: Vec<Email> = users
        .values()
        .filter_map(|u| u.manager_email.as_deref())
        .filter_map(|e| Email::parse("manager_email", e).ok())
        .collect();
    let managers = trellis_store::accounts::ids_by_email(tx, &manager_emails).await?;
    let mut mentees = Vec::new();
    let mut mentee_people = Vec::new();
    for u in in_round {
        let Some(user) = users.remove(&u) else {
            continue;
        };
        let text = [user.interests.as_deref(), user.background.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let languages = list_of(&user.languages);
        let manager = user
            .manager_email
            .as_deref()
            .and_then(|e| Email::parse("manager_email", e).ok())
            .and_then(|e| managers.get(e.as_str()))
            .map(i64::to_string);
        mentee_people.push(Person {
            languages: languages.clone(),
            organisation: user.organisation.clone(),
            id: Some(u.to_string()),
            manager,
        });
        mentees.push(Mentee {
            user_id: u,
            words: cohort::words(&text),
            career_stage: user.career_stage.clone(),
            languages,
            utc_offset: user
                .time_zone
                .as_deref()
                .and_then(|z| cohort::utc_offset(z, now)),
            shortlist: shortlists.remove(&u).unwrap_or_default(),
        });
    }
    if settings.publish_as == PublishAs::Circles {
        return run_circles(tx, id, &settings, &mentees).await;
    }
    // The mentors with their directory profiles and free places.
    let wanted: std::collections::HashSet<i64> =
        store::people(tx, id, "mentor").await?.into_iter().collect();
    let mut terms_of = trellis_store::mentors::terms_by_mentor(tx, p.id).await?;
    let mut mentors = Vec::new();
    let mut mentor_people = Vec::new();
    let mut names = Vec::new();
    let mut places = Vec::new();
    for m in trellis_store::mentors::listed_mentors(tx, p.id).await? {
        if !wanted.contains(&m.user_id) || m.active_mentees >= m.capacity {
            continue;
        }
        let terms = terms_of.remove(&m.id).unwrap_or_default();
        let labels = |kind: TermKind| {
            terms
                .iter()
                .filter(|t| t.kind == kind)
                .map(|t| t.label.clone())
                .collect::<Vec<_>>()
        };
        let text = format!(
            "{} {} {}",
            labels(TermKind::Expertise).join(" "),
            m.tags.replace('\n', " "),
            m.background
        );
        let languages = list_of(&m.languages);
        mentor_people.push(Person {
            languages: languages.clone(),
            organisation: m.organisation.clone(),
            id: Some(m.user_id.to_string()),
            manager: None,
        });
        names.push(m.name.clone());
        let free = (m.capacity - m.active_mentees) as u32;
        places.push(settings.group_size.map_or(free, |g| g.min(free)));
        mentors.push(Mentor {
            user_id: m.user_id,
            words: cohort::words(&text),
            audiences: labels(TermKind::Audience),
            languages,
            utc_offset: m
                .time_zone
                .as_deref()
                .and_then(|z| cohort::utc_offset(z, now)),
            available: m.available,
        });
    }
    // Hard constraints are the matcher's own rules; pins keep only the pinned mentor.
    let rules = store::rules(tx, id).await?;
    let index_of = |list: &[i64], user: i64| list.iter().position(|&x| x == user);
    let mentee_ids: Vec<i64> = mentees.iter().map(|e| e.user_id).collect();
    let mentor_ids: Vec<i64> = mentors.iter().map(|m| m.user_id).collect();
    let pinned: HashMap<i64, i64> = rules
        .iter()
        .filter(|r| r.kind == RuleKind::Pin)
        .map(|r| (r.mentee_id, r.mentor_id))
        .collect();
    let mut b = Builder::new(mentees.len(), places);
    b.rules(
        Rules {
            shared_language: settings.shared_language,
            different_organisation: settings.different_organisation,
            not_own_manager: settings.not_own_manager,
        },
        mentee_people,
        mentor_people,
    );
    for r in rules.iter().filter(|r| r.kind == RuleKind::Forbid) {
        if let (Some(i), Some(j)) = (
            index_of(&mentee_ids, r.mentee_id),
            index_of(&mentor_ids, r.mentor_id),
        ) {
            b.forbid(i, j);
        }
    }
    let mut parts = HashMap::new();
    for (i, e) in mentees.iter().enumerate() {
        for (j, m) in mentors.iter().enumerate() {
            if e.user_id == m.user_id || pinned.get(&e.user_id).is_some_and(|&x| x != m.user_id) {
                continue;
            }
            let bd = Breakdown::of(e, m);
            b.pair(i, j, bd.score(&settings.weights));
            parts.insert((i, j), bd);
        }
    }
    let problem = b
        .build()
        .map_err(|e| AppError::internal(anyhow::anyhow!("matching round {id}: {e}")))?;
    let outcome = trellis_matcher::run(&problem, mode, Options::default(), &mut |_, _| {});
    let name = |j: usize| names[j].clone();
    let mut details = Vec::new();
    for (i, a) in outcome.assigned.iter().enumerate() {
        let j = a.map(|x| x as usize);
        let why = trellis_matcher::explain::explain(&problem, &outcome, i, 3).sentences(&name);
        details.push(
            serde_json::to_string(&Detail {
                parts: j.and_then(|j| parts.get(&(i, j)).copied()),
                why,
            })
            .map_err(anyhow::Error::from)?,
        );
    }
    let reasons: HashMap<usize, Unmatched> = outcome.unmatched.iter().copied().collect();
    let pairs: Vec<NewPair<'_>> = outcome
        .assigned
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let j = a.map(|x| x as usize);
            NewPair {
                mentee_id: mentees[i].user_id,
                mentor_id: j.map(|j| mentors[j].user_id),
                score: j.and_then(|j| problem.score(i, j)),
                seat_price: j.and_then(|j| outcome.prices.as_ref().map(|p| p[j])),
                detail: &details[i],
                unmatched: reasons.get(&i).map(|w| match w {
                    Unmatched::NoAllowedMentor => "no_allowed_mentor",
                    Unmatched::Capacity => "capacity",
                }),
            }
        })
        .collect();
    let summary = serde_json::json!({
        "mentees": mentees.len(),
        "mentors": mentors.len(),
        "matched": outcome.matched,
        "total": outcome.total,
        "min": outcome.min,
        "mean": outcome.mean,
        "blocking_pairs": outcome.blocking_pairs,
        "unmatched": outcome.unmatched.len(),
    });
    store::replace_proposal(tx, id, &pairs, &summary.to_string()).await?;
    Ok(())
}

/// A peer round [002]: the mentees grouped among themselves in circles of the round's size
/// (`trellis_matcher::circles`), each person scored against the others by
/// `Breakdown::of_peers` under the round's weights. Each proposal row names the circle by
/// its first member (in the mentor column).
async fn run_circles(
    tx: &DatabaseTransaction,
    id: i64,
    settings: &Settings,
    mentees: &[Mentee],
) -> AppResult<()> {
    let size = settings.group_size.unwrap_or(4) as usize;
    let affinity =
        |a: usize, b: usize| Breakdown::of_peers(&mentees[a], &mentees[b]).score(&settings.weights);
    let found = trellis_matcher::circles::circles(mentees.len(), size, &affinity);
    let mut rows: Vec<(i64, Option<i64>, Option<f64>, String)> = Vec::new();
    let mut means = Vec::new();
    for circle in &found.circles {
        let key = mentees[circle[0]].user_id;
        for &i in circle {
            let others: Vec<usize> = circle.iter().copied().filter(|&j| j != i).collect();
            let mean = others.iter().map(|&j| affinity(i, j)).sum::<f64>() / others.len() as f64;
            let mean = (mean * 100.0).round() / 100.0;
            means.push(mean);
            let why = vec![format!(
                "In a circle of {} people; a mean affinity of {mean:.0} with the others",
                circle.len()
            )];
            let detail =
                serde_json::to_string(&Detail { parts: None, why }).map_err(anyhow::Error::from)?;
            rows.push((mentees[i].user_id, Some(key), Some(mean), detail));
        }
    }
    let placed = rows.len();
    let pairs: Vec<NewPair<'_>> = rows
        .iter()
        .map(|(mentee_id, key, score, detail)| NewPair {
            mentee_id: *mentee_id,
            mentor_id: *key,
            score: *score,
            seat_price: None,
            detail,
            unmatched: None,
        })
        .collect();
    let min = means.iter().copied().reduce(f64::min);
    let summary = serde_json::json!({
        "mentees": mentees.len(),
        "mentors": 0,
        "circles": found.circles.len(),
        "matched": placed,
        "total": found.total,
        "min": min,
        "mean": (!means.is_empty()).then(|| means.iter().sum::<f64>() / means.len() as f64),
        "blocking_pairs": 0,
        "unmatched": mentees.len() - placed,
    });
    store::replace_proposal(tx, id, &pairs, &summary.to_string()).await?;
    Ok(())
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
    let tx = db.begin().await?;
    store::set_rule(&tx, id, mentee_id, mentor_id, kind.as_str()).await?;
    run_in(s, &tx, p, id).await?;
    tx.commit().await?;
    show(s, who, p, id).await
}

/// Publishes the proposal, all or nothing: as offers, each pair becomes a request made for the
/// mentee and offered to the mentor, who accepts or declines as usual (the place is taken on
/// acceptance); as relationships, each pair becomes a mentoring relationship at once (both are
/// told, and the mentor's place is taken).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id))]
pub async fn publish(s: &App, who: &Actor, p: &Programme, id: i64) -> AppResult<RoundView> {
    require_staff(s, who, p).await?;
    let round = round_of(s, p, id).await?;
    let settings: Settings = serde_json::from_str(&round.settings).map_err(anyhow::Error::from)?;
    let as_offers = settings.publish_as == PublishAs::Offers;
    let as_groups = settings.publish_as == PublishAs::Groups;
    let as_circles = settings.publish_as == PublishAs::Circles;
    if !as_offers {
        let model = match () {
            _ if as_groups => Model::Group,
            _ if as_circles => Model::Peer,
            _ => Model::Traditional,
        };
        crate::relationships::may_make(s, who, p, model).await?;
    }
    let now = s.now();
    let tx = s.store.db.begin().await?;
    if !store::mark_published(&tx, id, now).await? {
        return Err(AppError::Conflict("This round is already published".into()));
    }
    let pairs = store::proposal(&tx, id).await?;
    let mut made = 0;
    if as_groups {
        made = publish_groups(s, &tx, who, p, id, &pairs).await?;
    }
    if as_circles {
        made = publish_circles(s, &tx, who, p, id, &pairs).await?;
    }
    for pair in pairs.iter().filter(|_| !as_groups && !as_circles) {
        let Some(mentor) = pair.mentor_id else {
            continue;
        };
        if as_offers {
            let mentee = trellis_store::accounts::user_by_id(&tx, pair.mentee_id)
                .await?
                .ok_or(AppError::NotFound("mentee"))?;
            let request =
                crate::requests::offer_in(s, &tx, who, p, &mentee, mentor, &round.name).await?;
            store::set_request(&tx, id, pair.mentee_id, request).await?;
            made += 1;
            continue;
        }
        // The relationship takes the mentor's place (a 409 when it went in the meantime).
        let rel = crate::relationships::create_in(
            s,
            &tx,
            who,
            p,
            Model::Traditional,
            &[(mentor, Role::Mentor), (pair.mentee_id, Role::Mentee)],
        )
        .await?;
        store::set_relationship(&tx, id, pair.mentee_id, rel).await?;
        made += 1;
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "matching_round.published",
            "matching_round",
            Some(id),
            if as_offers {
                format!("{made} requests offered")
            } else {
                format!("{made} relationships made")
            },
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    show(s, who, p, id).await
}

/// The proposal's pairs gathered by the `mentor_id` they carry (a mentor, or a circle's
/// number), in order.
fn gathered(pairs: &[store::Pair]) -> std::collections::BTreeMap<i64, Vec<&store::Pair>> {
    let mut out: std::collections::BTreeMap<i64, Vec<&store::Pair>> = Default::default();
    for pair in pairs {
        if let Some(key) = pair.mentor_id {
            out.entry(key).or_default().push(pair);
        }
    }
    out
}

/// Each circle of a peer round becomes a peer relationship of its people.
async fn publish_circles(
    s: &App,
    tx: &DatabaseTransaction,
    who: &Actor,
    p: &Programme,
    id: i64,
    pairs: &[store::Pair],
) -> AppResult<usize> {
    let mut made = 0;
    for people in gathered(pairs).values() {
        let members: Vec<(i64, Role)> = people.iter().map(|e| (e.mentee_id, Role::Peer)).collect();
        trellis_domain::workspace::check_members(Model::Peer, &members)?;
        let rel = crate::relationships::create_in(s, tx, who, p, Model::Peer, &members).await?;
        for e in people {
            store::set_relationship(tx, id, e.mentee_id, rel).await?;
        }
        made += 1;
    }
    Ok(made)
}

/// Each mentor leads a group of the mentees matched with them (a mentor with a single mentee
/// gets a traditional pair, since a group has two mentees or more); every mentee takes one of
/// the mentor's places. Returns how many relationships were made.
async fn publish_groups(
    s: &App,
    tx: &DatabaseTransaction,
    who: &Actor,
    p: &Programme,
    id: i64,
    pairs: &[store::Pair],
) -> AppResult<usize> {
    let mut made = 0;
    for (mentor, group) in gathered(pairs) {
        let mut members = vec![(mentor, Role::Mentor)];
        members.extend(group.iter().map(|pair| (pair.mentee_id, Role::Mentee)));
        let model = if group.len() >= 2 {
            Model::Group
        } else {
            Model::Traditional
        };
        trellis_domain::workspace::check_members(model, &members)?;
        if model == Model::Traditional {
            crate::relationships::may_make(s, who, p, model).await?;
        }
        let rel = crate::relationships::create_in(s, tx, who, p, model, &members).await?;
        for pair in &group {
            store::set_relationship(tx, id, pair.mentee_id, rel).await?;
        }
        made += 1;
    }
    Ok(made)
}
