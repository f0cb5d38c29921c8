//! Overview.

use super::*;

#[derive(Template)]
#[template(path = "relationships/show.html")]
pub(super) struct ShowPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) r: RelationshipView,
    pub(super) me: i64,
    pub(super) member: bool,
    pub(super) current: bool,
    /// Contact paused by the programme team.
    pub(super) paused: bool,
    pub(super) notice: Option<String>,
}

impl ShowPage {
    pub(super) fn phase(&self) -> Phase {
        Phase::parse(&self.r.phase).unwrap_or(Phase::Preparing)
    }
    pub(super) fn phase_label(&self, p: &str) -> &'static str {
        Phase::parse(p).map_or("", Phase::label)
    }
    /// The other current members, for the heading.
    pub(super) fn others(&self) -> String {
        self.r
            .members
            .iter()
            .filter(|m| m.user_id != self.me && m.left_at.is_none())
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    }
    pub(super) fn is_mentor(&self) -> bool {
        self.r
            .members
            .iter()
            .any(|m| m.user_id == self.me && m.seat == Role::Mentor)
    }
}

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    pub(super) done: Option<String>,
}

pub(super) async fn show(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let ws = act::visible(&s, &me, id).await?;
    Ok(ok(&show_page(&s, &me, c, &ws, q.done).await?))
}

pub(super) async fn show_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    ws: &Workspace,
    notice: Option<String>,
) -> Result<ShowPage, PageError> {
    let r = act::overview(s, ws).await?;
    let notice = notice.and_then(|p| {
        Phase::parse(&p).map(|p| {
            format!(
                "The relationship is now in its {} phase.",
                p.label().to_lowercase()
            )
        })
    });
    Ok(ShowPage {
        c,
        p: ws.programme.clone(),
        r,
        me: me.id(),
        member: matches!(ws.seat, Seat::Member { .. }),
        current: ws.seat.is_current_member(),
        paused: ws.paused(),
        notice,
    })
}

#[derive(Deserialize)]
pub(super) struct PhaseForm {
    #[serde(default)]
    pub(super) phase: String,
}

pub(super) async fn phase(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, form: f, .. }: FormPost<PhaseForm>,
) -> PageResult {
    let to = act::move_phase(&s, &me, id, &f.phase).await?;
    Ok(Redirect::to(&format!("/relationships/{id}?done={to}")).into_response())
}
