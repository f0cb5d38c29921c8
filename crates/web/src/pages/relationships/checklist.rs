//! Checklist.

use super::*;

#[derive(Template)]
#[template(path = "relationships/checklist.html")]
pub(super) struct ChecklistPage {
    pub(super) c: Chrome,
    pub(super) id: i64,
    pub(super) stages: Vec<ChecklistStage>,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
}

pub(super) async fn checklist(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let ws = act::readable(&s, &me, id).await?;
    let stages = dev::checklist(&s, &me, id).await?;
    Ok(ok(&ChecklistPage {
        c,
        id,
        stages,
        current: ws.may_write(),
        paused: ws.paused(),
    }))
}

#[derive(Deserialize)]
pub(super) struct ChecklistForm {
    #[serde(default)]
    pub(super) done: Vec<String>,
}

pub(super) async fn save_checklist(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, form: f, .. }: FormPost<ChecklistForm>,
) -> PageResult {
    dev::save_checklist(&s, &me, id, &f.done).await?;
    Ok(Redirect::to(&format!("/relationships/{id}/checklist")).into_response())
}
