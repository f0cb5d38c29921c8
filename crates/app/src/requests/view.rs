//! A request as each person may see it, its timeline in words, and the lists of a programme's requests.

use super::*;

/// A request as each viewer may see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub programme_id: i64,
    pub mentee_id: i64,
    pub mentee_name: String,
    /// offered, with_director, accepted, closed, withdrawn
    pub status: String,
    /// The same, for the pages.
    #[serde(skip)]
    pub stage: Stage,
    /// The mentor it is with now.
    pub with_mentor_id: Option<i64>,
    pub with_mentor_name: Option<String>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub reply_due: Option<chrono::DateTime<chrono::Utc>>,
    pub choices: Vec<i64>,
    /// The mentee's words: only for the mentee and the mentor it is with (and the staff, when
    /// the mentee shares it with them).
    #[schema(value_type = Option<Object>)]
    pub details: Option<RequestDetails>,
    pub relationship_id: Option<i64>,
    /// The mentee shares their words and CV with the programme staff.
    pub shared_with_staff: bool,
    /// The attached CV's name and size (for those who may read it).
    #[schema(value_type = Option<Object>)]
    pub cv: Option<store::FileInfo>,
    pub timeline: Vec<TimelineEntry>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    /// offered, skipped, declined, timed_out, rerouted, nudged, escalated, accepted, withdrawn, closed
    pub kind: String,
    /// The same, for the pages.
    #[serde(skip)]
    pub step: Step,
    pub mentor_name: Option<String>,
    /// offered: "choice N" or "director"; skipped: why; closed: the director's message;
    /// declined: the mentor's reason (staff only).
    pub detail: Option<String>,
}

impl TimelineEntry {
    /// What the entry says, in words.
    pub fn describe(&self) -> String {
        let who = self.mentor_name.as_deref().unwrap_or("A mentor");
        match self.step {
            Step::Offered => match self.detail.as_deref() {
                Some("director") => format!("Offered by the director to {who}"),
                Some(d) => format!("Offered to {who} ({d})"),
                None => format!("Offered to {who}"),
            },
            Step::Skipped => {
                let why = match self.detail.as_deref() {
                    Some("unlisted") => trellis_domain::request::Skip::Unlisted.explain(),
                    Some("unavailable") => trellis_domain::request::Skip::Unavailable.explain(),
                    Some("no_capacity") => trellis_domain::request::Skip::NoCapacity.explain(),
                    _ => trellis_domain::request::Skip::AlreadyOffered.explain(),
                };
                format!("{who} was passed over: {why}")
            }
            Step::Declined => format!("{who} declined"),
            Step::TimedOut => format!("{who} did not reply in time; passed on"),
            Step::Rerouted => format!("Passed on from {who} by the programme office"),
            Step::Nudged => format!("{who} was asked to reply"),
            Step::Escalated => "No named mentor could take it: with the mentorship director".into(),
            Step::Accepted => format!("{who} accepted"),
            Step::Withdrawn => "Withdrawn".into(),
            Step::Closed => "Closed by the director".into(),
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn view(s: &App, r: &RequestRow, viewer: Viewer) -> AppResult<RequestView> {
    let c = r.cascade()?;
    let private = may_read_words(r, viewer);
    let cv = if private {
        store::file_info(&s.store.db, r.id).await?
    } else {
        None
    };
    let (since, due) = match c.status {
        trellis_domain::request::Status::Offered {
            offered_at, due_at, ..
        } => (Some(offered_at), Some(due_at)),
        trellis_domain::request::Status::WithDirector { since } => (Some(since), None),
        _ => (None, None),
    };
    let with_name = match r.holder_id {
        Some(m) => trellis_store::accounts::user_by_id(&s.store.db, m)
            .await?
            .map(|u| u.name),
        None => None,
    };
    let timeline = store::events(&s.store.db, r.id)
        .await?
        .into_iter()
        .map(|e| {
            let public = match e.kind {
                Step::Offered | Step::Skipped => true,
                Step::Closed => matches!(viewer, Viewer::Mentee | Viewer::Staff { .. }),
                Step::Declined => matches!(viewer, Viewer::Staff { .. }),
                _ => false,
            };
            TimelineEntry {
                at: e.at,
                kind: e.kind.as_str().to_owned(),
                step: e.kind,
                mentor_name: e.mentor_name,
                detail: e.detail.filter(|_| public),
            }
        })
        .collect();
    Ok(RequestView {
        id: r.id,
        programme_id: r.programme_id,
        mentee_id: r.mentee_id,
        mentee_name: r.mentee_name.clone(),
        status: r.status.as_str().to_owned(),
        stage: r.status,
        with_mentor_id: r.holder_id,
        with_mentor_name: with_name,
        since,
        reply_due: due,
        choices: c.choices.clone(),
        details: private.then(|| r.details()).flatten(),
        shared_with_staff: r.shared_with_staff,
        cv,
        relationship_id: trellis_store::workspace::relationship_for_request(&s.store.db, r.id)
            .await?
            .map(|rel| rel.id),
        timeline,
        created_at: r.created_at,
    })
}

/// A member's requests in a programme, the offers waiting for their reply and, for the office
/// and the director, the open requests (those with the director first), each as they may see
/// it.
pub struct Lists {
    pub mine: Vec<RequestView>,
    pub offers: Vec<RequestView>,
    /// `None` for members who do not run the programme.
    pub queue: Option<Vec<RequestView>>,
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn lists(s: &App, who: &Actor, p: &Programme) -> AppResult<Lists> {
    let db = &s.store.db;
    let mut mine = Vec::new();
    for r in store::of_mentee(db, p.id, who.id()).await? {
        mine.push(view(s, &r, Viewer::Mentee).await?);
    }
    let mut offers = Vec::new();
    for r in store::offers_to(db, p.id, who.id()).await? {
        offers.push(view(s, &r, Viewer::Holder).await?);
    }
    let st = standing(s, p, who).await?;
    let queue = if st.runs_programme() {
        let viewer = Viewer::Staff {
            may_direct: st.is_admin || st.holds(StaffRole::Director),
        };
        let mut q = Vec::new();
        for r in store::open_requests(db, p.id).await? {
            q.push(view(s, &r, viewer).await?);
        }
        Some(q)
    } else {
        None
    };
    Ok(Lists {
        mine,
        offers,
        queue,
    })
}

/// The mentors the director may offer a request in their queue to (listed, available, with a
/// free place; not the mentee, and not a mentor it was offered to before, who declined or let
/// it pass), by name: none for anyone else, or a request elsewhere.
#[tracing::instrument(skip_all)]
pub async fn director_candidates(
    s: &App,
    r: &RequestRow,
    viewer: Viewer,
) -> AppResult<Vec<trellis_store::mentors::MentorRow>> {
    if !(matches!(viewer, Viewer::Staff { may_direct: true }) && r.status == Stage::WithDirector) {
        return Ok(Vec::new());
    }
    let offered_before = r.cascade()?.offered;
    Ok(
        trellis_store::mentors::open_mentors(&s.store.db, r.programme_id, 500)
            .await?
            .into_iter()
            .filter(|m| m.user_id != r.mentee_id && !offered_before.contains(&m.user_id))
            .collect(),
    )
}
