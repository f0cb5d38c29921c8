//! The director's queue.

use super::*;

#[derive(Template)]
#[template(path = "mentoring/queue.html")]
pub(super) struct QueuePage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) rows: Vec<(ApplicationRow, String, TargetStatus)>,
}

pub(super) async fn queue(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let apps = act::queue(&s, &me, &p).await?;
    let now = s.now();
    let rows = apps
        .into_iter()
        .map(|a| {
            let due = trellis_domain::dates::day(application::target_date(
                a.submitted_at,
                p.application_target_days,
            ));
            let st = application::target_status(a.submitted_at, p.application_target_days, now);
            (a, due, st)
        })
        .collect();
    Ok(ok(&QueuePage { c, p, rows }))
}
