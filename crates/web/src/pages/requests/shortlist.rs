//! The shortlist.

use super::*;

#[derive(Deserialize)]
pub(super) struct ShortlistForm {
    pub(super) mentor_id: i64,
    /// add or remove
    #[serde(default)]
    pub(super) action: String,
    /// Where to go back to: the directory (with its query) or the request form.
    #[serde(default)]
    pub(super) back: String,
}

pub(super) async fn change_shortlist(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, form: f, .. }: FormPost<ShortlistForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    if f.action == "remove" {
        act::unpick(&s, &me, &p, f.mentor_id).await?;
    } else {
        act::pick(&s, &me, &p, f.mentor_id).await?;
    }
    // Only back to a page of this programme: never an open redirect.
    let prefix = format!("/programmes/{}/", p.slug);
    let back = if f.back.starts_with(&prefix) && !f.back.contains("//") {
        f.back
    } else {
        format!("{prefix}requests/new")
    };
    Ok(Redirect::to(&back).into_response())
}
