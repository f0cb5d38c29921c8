//! The programme's requests: mine, offers to me, the staff queue.

use super::*;

#[derive(Template)]
#[template(path = "requests/lists.html")]
pub(super) struct ListsPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) mine: Vec<RequestView>,
    pub(super) offers: Vec<RequestView>,
    pub(super) queue: Option<Vec<RequestView>>,
    pub(super) picks: Vec<Pick>,
}

impl ListsPage {
    pub(super) fn has_open_request(&self) -> bool {
        self.mine.iter().any(|r| r.stage.is_open())
    }
}

pub(super) async fn lists(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let st = standing(&s, &p, &me).await?;
    if !st.is_member && !is_staff(&st) {
        return Err(PageError::from(AppError::forbidden(format!(
            "Join {} to ask for a mentor in it",
            p.name
        ))));
    }
    let act::Lists {
        mine,
        offers,
        queue,
    } = act::lists(&s, &me, &p).await?;
    let picks = act::picks(&s, &me, &p).await?;
    Ok(ok(&ListsPage {
        c,
        p,
        mine,
        offers,
        queue,
        picks,
    }))
}
