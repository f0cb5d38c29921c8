//! The development plan.

use super::*;

#[derive(Template)]
#[template(path = "relationships/plan.html")]
pub(super) struct PlanPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) id: i64,
    pub(super) goals: Vec<GoalView>,
    pub(super) f: FormState,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
    /// Set when editing one goal.
    pub(super) editing: Option<i64>,
}

impl PlanPage {
    pub(super) fn kinds(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::development::GOAL_KINDS
    }
    pub(super) fn statuses(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::development::GOAL_STATUSES
    }
    pub(super) fn kind_label(&self, k: &str) -> &'static str {
        trellis_domain::development::label_of(&trellis_domain::development::GOAL_KINDS, k)
    }
    pub(super) fn status_label(&self, k: &str) -> &'static str {
        trellis_domain::development::label_of(&trellis_domain::development::GOAL_STATUSES, k)
    }
}

pub(super) fn goal_form(g: &Goal) -> FormState {
    FormState::with(&[
        ("goal", &g.goal),
        ("timeline", &g.timeline),
        ("activities", &g.activities),
        ("measures", &g.measures),
        ("resources", &g.resources),
        ("kind", &g.kind),
        ("status", &g.status),
        ("progress", &g.progress),
    ])
}

pub(super) async fn plan_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: Option<FormState>,
    editing: Option<i64>,
) -> Result<PlanPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let goals = dev::plan_of(s, &ws).await?;
    let f = match (f, editing) {
        (Some(f), _) => f,
        (None, Some(g)) => goal_form(
            &goals
                .iter()
                .find(|x| x.id == g)
                .ok_or_else(|| PageError::from(AppError::NotFound("goal")))?
                .goal,
        ),
        (None, None) => FormState::with(&[("status", "not_started")]),
    };
    Ok(PlanPage {
        c,
        p: ws.programme.clone(),
        id,
        goals,
        f,
        current: ws.may_write(),
        paused: ws.paused(),
        editing,
    })
}

pub(super) async fn plan(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(ok(&plan_page(&s, &me, c.clone(), id, None, None).await?))
}

pub(super) async fn goal_page(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((id, goal)): Path<(i64, i64)>,
) -> PageResult {
    Ok(ok(
        &plan_page(&s, &me, c.clone(), id, None, Some(goal)).await?
    ))
}

#[derive(Deserialize)]
pub(super) struct GoalForm {
    #[serde(flatten)]
    pub(super) goal: Goal,
}

pub(super) async fn add_goal(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<GoalForm>,
) -> PageResult {
    match dev::add_goal(&s, &me, id, &f.goal).await {
        Ok(_) => Ok(Redirect::to(&format!("/relationships/{id}/plan")).into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &plan_page(
                &s,
                &me,
                c.clone(),
                id,
                Some(goal_form(&f.goal).failed(&e)),
                None,
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn update_goal(
    State(s): State<AppState>,
    Path((id, goal)): Path<(i64, i64)>,
    FormPost { me, c, form: f }: FormPost<GoalForm>,
) -> PageResult {
    match dev::update_goal(&s, &me, id, goal, &f.goal).await {
        Ok(()) => Ok(Redirect::to(&format!("/relationships/{id}/plan")).into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &plan_page(
                &s,
                &me,
                c.clone(),
                id,
                Some(goal_form(&f.goal).failed(&e)),
                Some(goal),
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}
