//! Evaluations.

use super::*;

#[derive(Template)]
#[template(path = "relationships/evaluations.html")]
pub(super) struct EvaluationsPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) id: i64,
    pub(super) list: Vec<dev::EvaluationView>,
    pub(super) f: FormState,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
    pub(super) closing: bool,
}

impl EvaluationsPage {
    pub(super) fn questions(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::evaluation::QUESTIONS
    }
    pub(super) fn scale(&self) -> [i32; 5] {
        [1, 2, 3, 4, 5]
    }
    pub(super) fn label(&self, q: &str) -> &'static str {
        trellis_domain::evaluation::QUESTIONS
            .iter()
            .find(|(k, _)| *k == q)
            .map_or("", |(_, l)| *l)
    }
}

pub(super) async fn evaluations_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: FormState,
) -> Result<EvaluationsPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let list = dev::evaluations(s, me, id).await?;
    Ok(EvaluationsPage {
        c,
        p: ws.programme.clone(),
        id,
        list,
        f,
        current: ws.may_write(),
        paused: ws.paused(),
        closing: ws.phase() == Phase::Closing,
    })
}

pub(super) async fn evaluations(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(ok(&evaluations_page(
        &s,
        &me,
        c.clone(),
        id,
        FormState::default(),
    )
    .await?))
}

pub(super) async fn add_evaluation(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form }: FormPost<HashMap<String, String>>,
) -> PageResult {
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let input = trellis_domain::evaluation::EvaluationInput {
        kind: field("kind"),
        // A rating that is not a number is out of range: 0 is reported as such.
        ratings: form
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("rate_")
                    .map(|q| (q.to_owned(), v.trim().parse().unwrap_or(0)))
            })
            .collect(),
        comments: field("comments"),
        reflection: field("reflection"),
        thank_you: field("thank_you"),
    };
    match dev::add_evaluation(&s, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/relationships/{id}/evaluations")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let f = FormState {
                values: form,
                ..FormState::default()
            };
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &evaluations_page(&s, &me, c.clone(), id, f.failed(&e)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
