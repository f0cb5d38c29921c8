//! One application.

use super::*;

#[derive(Template)]
#[template(path = "mentoring/application.html")]
pub(super) struct ApplicationPage {
    pub(super) c: Chrome,
    pub(super) f: FormState,
    pub(super) a: ApplicationRow,
    pub(super) p: Programme,
    pub(super) state: application::State,
    pub(super) details: Option<application::ApplicationDetails>,
    pub(super) tax: Taxonomy,
    pub(super) history: Vec<ApplicationEvent>,
    pub(super) is_applicant: bool,
    pub(super) may_decide: bool,
    pub(super) target: String,
    pub(super) target_status: Option<TargetStatus>,
    pub(super) sent: bool,
}

impl ApplicationPage {
    pub(super) fn labels(&self, ids: &[i64]) -> String {
        ids.iter()
            .filter_map(|id| self.tax.label(*id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn channel_labels(&self, keys: &[String]) -> String {
        keys.iter()
            .filter_map(|k| CHANNELS.iter().find(|(c, _)| c == k).map(|(_, l)| *l))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Deserialize)]
pub(super) struct SentQuery {
    pub(super) sent: Option<String>,
}

pub(super) async fn application_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: FormState,
    sent: bool,
) -> Result<ApplicationPage, PageError> {
    let (a, p, st) = act::visible_application(s, me, id).await?;
    let tax = taxonomy_with_retired(s, &p).await?;
    let history = act::history(s, &a).await?;
    let state = a.state();
    let due = application::target_date(a.submitted_at, p.application_target_days);
    Ok(ApplicationPage {
        f,
        details: a.details(),
        is_applicant: a.user_id == me.id(),
        may_decide: (st.is_admin || st.holds(StaffRole::Director)) && state.awaits_director(),
        target: trellis_domain::dates::day(due),
        target_status: state.is_open().then(|| {
            application::target_status(a.submitted_at, p.application_target_days, s.now())
        }),
        state,
        history,
        tax,
        a,
        p,
        c,
        sent,
    })
}

/// Labels for every term, retired ones too, so old applications still read well.
pub(super) async fn taxonomy_with_retired(
    s: &AppState,
    p: &Programme,
) -> Result<Taxonomy, PageError> {
    Ok(trellis_app::taxonomy::with_retired(s, p).await?)
}

pub(super) async fn show_application(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<SentQuery>,
) -> PageResult {
    Ok(ok(&application_page(
        &s,
        &me,
        c.clone(),
        id,
        FormState::default(),
        q.sent.is_some(),
    )
    .await?))
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    pub(super) decision: String,
    #[serde(default)]
    pub(super) message: String,
}

pub(super) async fn decide(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<DecisionForm>,
) -> PageResult {
    match act::decide(&s, &me, id, &f.decision, &f.message).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form =
                FormState::with(&[("decision", &f.decision), ("message", &f.message)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &application_page(&s, &me, c.clone(), id, form, false).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn answer_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let (a, p, _) = act::visible_application(&s, &me, id).await?;
    if a.user_id != me.id() || a.state() != application::State::ClarificationRequested {
        return Ok(Redirect::to(&format!("/applications/{id}")).into_response());
    }
    let question = last_question(&act::history(&s, &a).await?);
    let f = a
        .details()
        .map(|d| ApplicationForm::from_details(&d))
        .unwrap_or_default();
    let tax = act::taxonomy(&s, &p).await?;
    Ok(ok(&ApplyPage {
        c,
        f: f.state(),
        p,
        tax,
        channels: &CHANNELS,
        answering: Some((id, question)),
    }))
}

pub(super) fn last_question(events: &[ApplicationEvent]) -> String {
    events
        .iter()
        .rev()
        .find(|e| e.kind == application::State::ClarificationRequested)
        .and_then(|e| e.message.clone())
        .unwrap_or_default()
}

pub(super) async fn answer(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form }: FormPost<ApplicationForm>,
) -> PageResult {
    match act::resubmit(&s, &me, id, &form.answer, &form.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}?sent=1")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let (a, p, _) = act::visible_application(&s, &me, id).await?;
            let question = last_question(&act::history(&s, &a).await?);
            let tax = act::taxonomy(&s, &p).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ApplyPage {
                    c,
                    f: form.state().failed(&e),
                    p,
                    tax,
                    channels: &CHANNELS,
                    answering: Some((id, question)),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn withdraw(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    act::withdraw(&s, &me, id).await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}
