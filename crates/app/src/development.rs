//! The development plan, the skill assessments and the checklist of a relationship: members
//! only, sealed at rest (the checklist's ticks are not content: item keys and dates).

use crate::Actor;
use crate::App;
use crate::relationships::{self as ws_act, Workspace, seal, unseal};
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use trellis_domain::development::{Assessment, CHECKLIST, Goal, checklist_item, growth};
use trellis_domain::evaluation::{
    Evaluation, EvaluationInput, EvaluationText, Kind, MIN_ANSWERS_FOR_STAFF, QUESTIONS,
};
use trellis_domain::workspace::Phase;
use trellis_store::programmes::Programme;
use trellis_store::workspace::{self as store, DocRow};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GoalView {
    pub id: i64,
    pub author: Option<String>,
    #[schema(value_type = Object)]
    pub goal: Goal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn readable_docs<T: serde::de::DeserializeOwned>(
    s: &App,
    ws: &Workspace,
    rows: Vec<DocRow>,
) -> AppResult<Vec<(DocRow, T)>> {
    let ctx = ws.context();
    let mut out = Vec::new();
    for r in rows {
        if ws.may_read(r.created_at) {
            let body = unseal(s, &ctx, &r.body)?;
            out.push((r, body));
        }
    }
    Ok(out)
}

/// The Personal Development Plan's goals, oldest first.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn plan(s: &App, who: &Actor, id: i64) -> AppResult<Vec<GoalView>> {
    let ws = ws_act::readable(s, who, id).await?;
    plan_of(s, &ws).await
}

#[tracing::instrument(skip_all, fields(relationship_id = ws.rel.id))]
pub async fn plan_of(s: &App, ws: &Workspace) -> AppResult<Vec<GoalView>> {
    let rows = store::plan_goals(&s.store.db, ws.rel.id).await?;
    Ok(readable_docs::<Goal>(s, ws, rows)?
        .into_iter()
        .map(|(r, goal)| GoalView {
            id: r.id,
            author: r.author_name,
            goal,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn add_goal(s: &App, who: &Actor, id: i64, input: &Goal) -> AppResult<i64> {
    let ws = ws_act::writable(s, who, id).await?;
    let goal = Goal::parse(input)?;
    let sealed = seal(s, id, &goal)?;
    let tx = s.store.begin().await?;
    let gid = store::add_plan_goal(&tx, id, &sealed, who.id(), s.now()).await?;
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "plan.goal_added",
        format!("plan goal {gid} added"),
    )
    .await?;
    tx.commit().await?;
    Ok(gid)
}

/// Updates a goal (its status and progress notes, or anything else).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id, goal_id = goal_id))]
pub async fn update_goal(
    s: &App,
    who: &Actor,
    id: i64,
    goal_id: i64,
    input: &Goal,
) -> AppResult<()> {
    let ws = ws_act::writable(s, who, id).await?;
    let goal = Goal::parse(input)?;
    let sealed = seal(s, id, &goal)?;
    let tx = s.store.begin().await?;
    if !store::update_plan_goal(&tx, id, goal_id, &sealed, s.now()).await? {
        return Err(AppError::NotFound("goal"));
    }
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "plan.goal_updated",
        format!("plan goal {goal_id} updated"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub id: i64,
    pub member_id: Option<i64>,
    pub member: Option<String>,
    #[schema(value_type = Object)]
    pub assessment: Assessment,
    pub created_at: DateTime<Utc>,
}

/// One member's growth: their first and latest assessment, skill by skill (1 developmental,
/// 2 proficient, 3 expert).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Growth {
    pub member: String,
    pub first_at: DateTime<Utc>,
    pub latest_at: DateTime<Utc>,
    /// (skill, first, latest)
    #[schema(value_type = Vec<Object>)]
    pub skills: Vec<(String, u8, u8)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assessments {
    pub assessments: Vec<AssessmentView>,
    /// For each member with at least two assessments.
    pub growth: Vec<Growth>,
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn assessments(s: &App, who: &Actor, id: i64) -> AppResult<Assessments> {
    let ws = ws_act::readable(s, who, id).await?;
    let rows = store::assessments(&s.store.db, id).await?;
    let list: Vec<AssessmentView> = readable_docs::<Assessment>(s, &ws, rows)?
        .into_iter()
        .map(|(r, assessment)| AssessmentView {
            id: r.id,
            member_id: r.author_id,
            member: r.author_name,
            assessment,
            created_at: r.created_at,
        })
        .collect();
    let mut members: Vec<Option<i64>> = list.iter().map(|a| a.member_id).collect();
    members.dedup();
    members.sort_unstable();
    members.dedup();
    let growth = members
        .into_iter()
        .filter_map(|m| {
            let mine: Vec<&AssessmentView> = list.iter().filter(|a| a.member_id == m).collect();
            let (first, latest) = (mine.first()?, mine.last()?);
            (mine.len() >= 2).then(|| Growth {
                member: first.member.clone().unwrap_or_default(),
                first_at: first.created_at,
                latest_at: latest.created_at,
                skills: growth(&first.assessment, &latest.assessment)
                    .into_iter()
                    .map(|(l, a, b)| (l.to_owned(), a, b))
                    .collect(),
            })
        })
        .collect();
    Ok(Assessments {
        assessments: list,
        growth,
    })
}

/// A member assesses their own skills (repeatable, to see growth).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn add_assessment(s: &App, who: &Actor, id: i64, input: &Assessment) -> AppResult<i64> {
    let ws = ws_act::writable(s, who, id).await?;
    let a = Assessment::parse(input)?;
    let sealed = seal(s, id, &a)?;
    let tx = s.store.begin().await?;
    let aid = store::add_assessment(&tx, id, who.id(), &sealed, s.now()).await?;
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "assessment.added",
        format!("skill assessment {aid}"),
    )
    .await?;
    tx.commit().await?;
    Ok(aid)
}

/// The checklist as one member sees their own: stages, tasks, and when each was done.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChecklistStage {
    pub stage: String,
    /// (key, task, done at)
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<(String, String, Option<DateTime<Utc>>)>,
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn checklist(s: &App, who: &Actor, id: i64) -> AppResult<Vec<ChecklistStage>> {
    ws_act::readable(s, who, id).await?;
    let ticks = store::ticks(&s.store.db, id).await?;
    Ok(CHECKLIST
        .iter()
        .map(|(stage, items)| ChecklistStage {
            stage: (*stage).to_owned(),
            items: items
                .iter()
                .map(|(k, t)| {
                    let done = ticks
                        .iter()
                        .find(|x| x.user_id == who.id() && x.item == *k)
                        .map(|x| x.done_at);
                    ((*k).to_owned(), (*t).to_owned(), done)
                })
                .collect(),
        })
        .collect())
}

/// A member ticks (or unticks) one of their checklist tasks.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn tick(s: &App, who: &Actor, id: i64, item: &str, done: bool) -> AppResult<()> {
    ws_act::writable(s, who, id).await?;
    if checklist_item(item).is_none() {
        return Err(AppError::invalid(
            "item",
            format!("Unknown checklist task '{item}'"),
        ));
    }
    store::set_tick(&s.store.db, id, who.id(), item, done, s.now()).await?;
    Ok(())
}

/// A member saves their whole checklist at once: the listed tasks done, the others not.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn save_checklist(s: &App, who: &Actor, id: i64, done: &[String]) -> AppResult<()> {
    ws_act::writable(s, who, id).await?;
    if let Some(bad) = done.iter().find(|k| checklist_item(k).is_none()) {
        return Err(AppError::invalid(
            "item",
            format!("Unknown checklist task '{bad}'"),
        ));
    }
    let tx = s.store.begin().await?;
    for (_, items) in CHECKLIST {
        for (k, _) in items {
            let is_done = done.iter().any(|d| d == k);
            store::set_tick(&tx, id, who.id(), k, is_done, s.now()).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

// ---- Evaluations ----

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    pub id: i64,
    pub member: Option<String>,
    /// periodic or final
    pub kind: String,
    /// The same, for the pages.
    #[serde(skip)]
    pub is_final: bool,
    #[schema(value_type = Object)]
    pub ratings: std::collections::BTreeMap<String, i32>,
    #[schema(value_type = Object)]
    pub text: EvaluationText,
    pub created_at: DateTime<Utc>,
}

/// The relationship's evaluations (members only; former members: those of their time).
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn evaluations(s: &App, who: &Actor, id: i64) -> AppResult<Vec<EvaluationView>> {
    let ws = ws_act::readable(s, who, id).await?;
    let (rows, ratings) = store::evaluations(&s.store.db, id).await?;
    let ctx = ws.context();
    let mut out = Vec::new();
    for r in rows.into_iter().filter(|r| ws.may_read(r.created_at)) {
        out.push(EvaluationView {
            id: r.id,
            member: r.member_name,
            kind: r.kind.as_str().to_owned(),
            is_final: r.kind == trellis_domain::evaluation::Kind::Final,
            ratings: ratings
                .iter()
                .filter(|x| x.evaluation_id == r.id)
                .map(|x| (x.question.clone(), x.rating))
                .collect(),
            text: unseal(s, &ctx, &r.body)?,
            created_at: r.created_at,
        });
    }
    Ok(out)
}

/// A member completes a periodic evaluation, or (in the closing phase) the final one, with an
/// optional thank-you note the other members are told about.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn add_evaluation(
    s: &App,
    who: &Actor,
    id: i64,
    input: &EvaluationInput,
) -> AppResult<i64> {
    let ws = ws_act::writable(s, who, id).await?;
    let e = Evaluation::parse(input)?;
    if e.kind == Kind::Final && ws.phase() != Phase::Closing {
        return Err(AppError::Conflict(
            "The final evaluation is for the closing phase: move the relationship to closing first.".into(),
        ));
    }
    let sealed = seal(s, id, &e.text)?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let eid =
        store::add_evaluation(&tx, id, who.id(), e.kind.as_str(), &e.ratings, &sealed, now).await?;
    if !e.text.thank_you.is_empty() {
        let url = format!(
            "{}/relationships/{id}/evaluations",
            s.config.site.public_url
        );
        for m in ws.current_members().filter(|m| m.user_id != who.id()) {
            let letter = trellis_domain::mail::workspace::thank_you(
                &ws.programme.name,
                &who.user.name,
                &url,
            );
            let to = crate::letters::To {
                user_id: m.user_id,
                email: &m.email,
                name: &m.name,
            };
            crate::letters::tell(s, &tx, to, Some(ws.programme.id), &letter, None).await?;
        }
    }
    ws_act::audited(
        &tx,
        s,
        who,
        &ws,
        "evaluation.added",
        format!("{} evaluation {eid}", e.kind.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(eid)
}

/// One question's results across a programme, as staff see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionResult {
    pub question: String,
    pub label: String,
    pub answers: i64,
    /// `None` ("not enough answers") below the minimum of 5.
    pub average: Option<f64>,
}

/// The programme's evaluation results for its office, director and admins: averages only, and
/// only where at least 5 answers exist.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn summary(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<QuestionResult>> {
    let st = crate::programmes::standing(s, p, who).await?;
    if !(st.runs_programme()) {
        return Err(AppError::forbidden(
            "Only the programme office, the mentorship director and admins see evaluation results",
        ));
    }
    let rows = store::evaluation_summary(&s.store.db, p.id).await?;
    Ok(QUESTIONS
        .iter()
        .map(|(q, label)| {
            let row = rows.iter().find(|r| r.question == *q);
            let answers = row.map_or(0, |r| r.answers);
            QuestionResult {
                question: (*q).to_owned(),
                label: (*label).to_owned(),
                answers,
                average: (answers >= MIN_ANSWERS_FOR_STAFF)
                    .then(|| row.map_or(0.0, |r| r.total as f64 / r.answers as f64)),
            }
        })
        .collect())
}
