//! The log.

use super::*;

#[derive(Template)]
#[template(path = "relationships/log.html")]
pub(super) struct LogPage {
    pub(super) c: Chrome,
    pub(super) id: i64,
    pub(super) entries: Vec<LogView>,
    pub(super) f: FormState,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
}

pub(super) async fn log_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: FormState,
) -> Result<LogPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let entries = act::log(s, me, id).await?;
    Ok(LogPage {
        c,
        id,
        entries,
        f,
        current: ws.may_write(),
        paused: ws.paused(),
    })
}

pub(super) async fn log(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let today = s.now().date_naive().to_string();
    Ok(ok(&log_page(
        &s,
        &me,
        c.clone(),
        id,
        FormState::with(&[("on", &today)]),
    )
    .await?))
}

#[derive(Deserialize)]
pub(super) struct LogForm {
    #[serde(flatten)]
    pub(super) input: LogInput,
}

pub(super) async fn add_log(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<LogForm>,
) -> PageResult {
    match act::add_log(&s, &me, id, &f.input).await {
        Ok(_) => Ok(Redirect::to(&format!("/relationships/{id}/log")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form = FormState::with(&[
                ("on", &f.input.on),
                ("activity", &f.input.activity),
                ("notes", &f.input.notes),
            ])
            .failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &log_page(&s, &me, c.clone(), id, form).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
