//! Matching rounds (programme staff): the rounds, a form to start one, and a round's proposal
//! with pin / forbid and publish.

use super::filters;
use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::matching::{self as act, RoundInput, RoundView};
use trellis_app::matching::{CohortMember, Round};
use trellis_app::programmes::Programme;
use trellis_app::programmes::find;
use trellis_domain::cohort::{Breakdown, PARTS, RuleKind};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{slug}/matching", get(list).post(create))
        .route("/programmes/{slug}/matching/{id}", get(round))
        .route("/programmes/{slug}/matching/{id}/rules", post(rule))
        .route(
            "/programmes/{slug}/matching/{id}/rules/undo",
            post(undo_rule),
        )
        .route(
            "/programmes/{slug}/matching/{id}/publish",
            get(confirm_publish).post(publish),
        )
}

#[derive(Template)]
#[template(path = "admin/matching.html")]
struct ListPage {
    c: Chrome,
    p: Programme,
    rounds: Vec<Round>,
    parts: &'static [(&'static str, &'static str)],
    /// Who the round matches when the form names nobody.
    cohort: Vec<CohortMember>,
    /// Whether publishing offers pairs to mentors by default (else it makes relationships).
    offers_by_default: bool,
    f: FormState,
}

/// Up to this many people, the form lists the default cohort line by line to edit.
const LISTED_COHORT: usize = 300;

/// The default cohort as the form's lines: "Name <address>".
fn cohort_lines(cohort: &[CohortMember]) -> String {
    cohort
        .iter()
        .map(|m| format!("{} <{}>", m.name, m.email))
        .collect::<Vec<_>>()
        .join("\n")
}

impl ListPage {
    /// What the mentees box holds at first, and how to change it.
    fn cohort_hint(&self) -> String {
        let n = self.cohort.len();
        let who = match n {
            0 => "Nobody in the programme could ask for a mentor now".to_owned(),
            1 => "One member could ask for a mentor now".to_owned(),
            n => format!("{n} members could ask for a mentor now"),
        };
        let rule = "members who are not staff, mentors or mentor applicants, have no open request, and are below the programme's limit of relationships";
        if n == 0 {
            format!("{who} ({rule}). Name the people to match, one email address per line.")
        } else if n <= LISTED_COHORT {
            format!(
                "{who} ({rule}); they are listed below. Take out anyone who should not be matched, or add people by email address, one per line."
            )
        } else {
            format!(
                "{who} ({rule}). Leave this empty to match all of them, or name the people to match, one email address per line."
            )
        }
    }

    /// The weight typed for a part, or its default.
    fn weight(&self, name: &str) -> String {
        let typed = self.f.v(&format!("weight_{name}"));
        if !typed.is_empty() || self.f.has_errors() {
            return typed.to_owned();
        }
        trellis_domain::cohort::Weights::default()
            .get(name)
            .map(|w| w.to_string())
            .unwrap_or_default()
    }
}

async fn list_page(
    s: &AppState,
    me: &trellis_app::Actor,
    p: Programme,
    c: Chrome,
    f: FormState,
) -> Result<ListPage, PageError> {
    let rounds = act::list(s, me, &p).await?;
    let cohort = act::default_cohort(s, me, &p).await?;
    let offers_by_default =
        p.settings().matching_publish == trellis_domain::programme::MatchingPublish::Offers;
    Ok(ListPage {
        c,
        p,
        rounds,
        parts: &PARTS,
        cohort,
        offers_by_default,
        f,
    })
}

async fn list(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    // A new round starts from the programme's matching rules and its default cohort, listed
    // to edit when it is short enough to read.
    let ps = p.settings();
    let yes = |b: bool| if b { "yes" } else { "" };
    let cohort = act::default_cohort(&s, &me, &p).await?;
    let mentees = if cohort.len() <= LISTED_COHORT {
        cohort_lines(&cohort)
    } else {
        String::new()
    };
    let f = FormState::with(&[
        ("mentees", mentees.as_str()),
        ("publish_as", ps.matching_publish.as_str()),
        ("shared_language", yes(ps.matching_shared_language)),
        (
            "different_organisation",
            yes(ps.matching_different_organisation),
        ),
    ]);
    Ok(ok(&list_page(&s, &me, p, c, f).await?))
}

#[derive(Deserialize)]
struct NewRoundForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    mentees: String,
    #[serde(default)]
    publish_as: String,
    #[serde(default)]
    group_size: String,
    #[serde(default)]
    shared_language: Option<String>,
    #[serde(default)]
    different_organisation: Option<String>,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

async fn create(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<NewRoundForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let mut weights = std::collections::BTreeMap::new();
    let mut typed: Vec<(String, String)> = vec![
        ("name".into(), f.name.clone()),
        ("mode".into(), f.mode.clone()),
        ("mentees".into(), f.mentees.clone()),
        ("publish_as".into(), f.publish_as.clone()),
        ("group_size".into(), f.group_size.clone()),
        (
            "shared_language".into(),
            f.shared_language.clone().unwrap_or_default(),
        ),
        (
            "different_organisation".into(),
            f.different_organisation.clone().unwrap_or_default(),
        ),
    ];
    let mut bad_weight = None;
    for (name, _) in &PARTS {
        let key = format!("weight_{name}");
        let v = f.rest.get(&key).cloned().unwrap_or_default();
        typed.push((key.clone(), v.clone()));
        match v.trim().parse::<i64>() {
            Ok(n) => {
                weights.insert((*name).to_owned(), n);
            }
            Err(_) => bad_weight = Some(*name),
        }
    }
    let input = RoundInput {
        name: f.name.clone(),
        mode: f.mode.clone(),
        mentees: f.mentees.lines().map(str::to_owned).collect(),
        weights,
        shared_language: f.shared_language.is_some(),
        different_organisation: f.different_organisation.is_some(),
        publish_as: f.publish_as.clone(),
        group_size: f.group_size.trim().parse().ok(),
    };
    let result = match bad_weight {
        Some(name) => Err(AppError::invalid(
            trellis_domain::cohort::weight_field(name),
            "A weight is a whole number from 0 to 10",
        )),
        None => act::create(&s, &me, &p, &input).await,
    };
    match result {
        Ok(v) => Ok(
            Redirect::to(&format!("/programmes/{slug}/matching/{}", v.round.id)).into_response(),
        ),
        Err(e @ AppError::Invalid(_)) => {
            let pairs: Vec<(&str, &str)> = typed
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let form = FormState::with(&pairs).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &list_page(&s, &me, p, c, form).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/matching_round.html")]
struct RoundPage {
    c: Chrome,
    p: Programme,
    v: RoundView,
    f: FormState,
}

impl RoundPage {
    /// The pins and forbids, in words, with what undoing each needs.
    fn rule_lines(&self) -> Vec<(i64, i64, String)> {
        let mentee = |id: i64| {
            self.v
                .pairs
                .iter()
                .find(|p| p.mentee_id == id)
                .map_or_else(|| format!("member {id}"), |p| p.mentee_name.clone())
        };
        let mentor = |id: i64| {
            self.v
                .mentors
                .iter()
                .find(|(m, _)| *m == id)
                .map_or_else(|| format!("member {id}"), |(_, n)| n.clone())
        };
        self.v
            .rules
            .iter()
            .map(|r| {
                let words = match r.kind {
                    RuleKind::Pin => format!(
                        "{} is pinned to {}",
                        mentee(r.mentee_id),
                        mentor(r.mentor_id)
                    ),
                    RuleKind::Forbid => format!(
                        "{} may not be matched with {}",
                        mentee(r.mentee_id),
                        mentor(r.mentor_id)
                    ),
                };
                (r.mentee_id, r.mentor_id, words)
            })
            .collect()
    }

    /// The criteria on which every matched pair scores the same: they decided nothing.
    fn even_criteria(&self) -> Vec<&'static str> {
        let parts: Vec<_> = self.v.pairs.iter().filter_map(|p| p.parts).collect();
        if parts.len() < 2 {
            return Vec::new();
        }
        let criteria: [(&str, Part); 6] = [
            ("expertise", |b| b.expertise),
            ("audience", |b| b.audience),
            ("language", |b| b.language),
            ("time zone", |b| b.time_zone),
            ("availability", |b| b.availability),
            ("shortlist", |b| b.preference),
        ];
        criteria
            .into_iter()
            .filter(|(_, get)| parts.iter().all(|b| (get(b) - get(&parts[0])).abs() < 1e-9))
            .map(|(name, _)| name)
            .collect()
    }

    fn num(&self, x: &Option<f64>) -> String {
        x.map(|v| format!("{v:.2}")).unwrap_or_default()
    }

    fn part(&self, x: &f64) -> String {
        format!("{:.0}%", x * 100.0)
    }

    fn figure(&self, name: &str) -> String {
        match &self.v.summary[name] {
            serde_json::Value::Number(n) => n
                .as_f64()
                .map(|x| {
                    if x.fract() == 0.0 {
                        format!("{x:.0}")
                    } else {
                        format!("{x:.2}")
                    }
                })
                .unwrap_or_default(),
            _ => "–".into(),
        }
    }
}

async fn round(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    shown(&s, &me, p, id, c, Ok(())).await
}

/// After a change to round `id`: back to its page, or the page again with what was refused
/// (bad input, or a conflict such as publishing twice) and its status.
async fn shown(
    s: &AppState,
    me: &trellis_app::Actor,
    p: Programme,
    id: i64,
    c: Chrome,
    outcome: Result<(), AppError>,
) -> PageResult {
    let (status, f) = match outcome {
        Ok(()) => (StatusCode::OK, FormState::default()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            (crate::error::status_of(&e), FormState::default().failed(&e))
        }
        Err(e) => return Err(e.into()),
    };
    let v = act::show(s, me, &p, id).await?;
    Ok(render(status, &RoundPage { c, p, v, f }))
}

#[derive(Deserialize)]
struct RuleForm {
    #[serde(default)]
    mentee_id: String,
    #[serde(default)]
    mentor_id: String,
    #[serde(default)]
    kind: String,
}

async fn rule(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    FormPost { me, c, form: f }: FormPost<RuleForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let result = match (
        f.mentee_id.trim().parse::<i64>(),
        f.mentor_id.trim().parse::<i64>(),
    ) {
        (Ok(mentee), Ok(mentor)) => act::set_rule(&s, &me, &p, id, mentee, mentor, &f.kind)
            .await
            .map(|_| ()),
        (Err(_), _) => Err(AppError::invalid("mentee_id", "Choose a mentee")),
        (_, Err(_)) => Err(AppError::invalid("mentor_id", "Choose a mentor")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/programmes/{slug}/matching/{id}")).into_response()),
        Err(e) => shown(&s, &me, p, id, c, Err(e)).await,
    }
}

async fn undo_rule(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    FormPost { me, c, form: f }: FormPost<RuleForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let result = match (
        f.mentee_id.trim().parse::<i64>(),
        f.mentor_id.trim().parse::<i64>(),
    ) {
        (Ok(mentee), Ok(mentor)) => act::clear_rule(&s, &me, &p, id, mentee, mentor)
            .await
            .map(|_| ()),
        (Err(_), _) => Err(AppError::invalid("mentee_id", "Choose a mentee")),
        (_, Err(_)) => Err(AppError::invalid("mentor_id", "Choose a mentor")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/programmes/{slug}/matching/{id}")).into_response()),
        Err(e) => shown(&s, &me, p, id, c, Err(e)).await,
    }
}

/// One part of a pair's score, read from its breakdown.
type Part = fn(&Breakdown) -> f64;

/// How many mentees a proposal matches, and with how many mentors (or circles).
fn matched(v: &RoundView) -> (usize, usize) {
    let matched: Vec<i64> = v.pairs.iter().filter_map(|p| p.mentor_id).collect();
    let mut mentors = matched.clone();
    mentors.sort_unstable();
    mentors.dedup();
    (matched.len(), mentors.len())
}

/// Before publishing: what will be sent, to how many people, and a button to go ahead.
#[derive(Template)]
#[template(path = "admin/matching_publish.html")]
struct PublishPage {
    c: Chrome,
    p: Programme,
    v: RoundView,
    matched: usize,
    mentors: usize,
}

async fn confirm_publish(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let v = act::show(&s, &me, &p, id).await?;
    if v.round.status != trellis_domain::cohort::RoundStatus::Proposed {
        return Ok(Redirect::to(&format!("/programmes/{slug}/matching/{id}")).into_response());
    }
    let (matched, mentors) = matched(&v);
    Ok(ok(&PublishPage {
        c,
        p,
        v,
        matched,
        mentors,
    }))
}

async fn publish(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    FormPost { me, c, .. }: FormPost<NoFields>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    match act::publish(&s, &me, &p, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/programmes/{slug}/matching/{id}")).into_response()),
        Err(e) => shown(&s, &me, p, id, c, Err(e)).await,
    }
}
