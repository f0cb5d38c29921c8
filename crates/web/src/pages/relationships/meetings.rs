//! Meetings.

use super::*;

#[derive(Template)]
#[template(path = "relationships/meetings.html")]
pub(super) struct MeetingsPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) id: i64,
    pub(super) meetings: Vec<MeetingView>,
    pub(super) f: FormState,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
    pub(super) modes: &'static [(&'static str, &'static str)],
}

pub(super) fn meeting_form(i: &MeetingInput) -> FormState {
    FormState::with(&[
        ("starts_at", &i.starts_at),
        ("ends_at", &i.ends_at),
        ("time_zone", &i.time_zone),
        ("mode", &i.mode),
        ("place", &i.place),
        ("agenda", &i.agenda),
    ])
}

pub(super) async fn meetings_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: FormState,
) -> Result<MeetingsPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let meetings = meetings_act::list(s, me, id).await?;
    Ok(MeetingsPage {
        c,
        p: ws.programme.clone(),
        id,
        meetings,
        f,
        current: ws.may_write(),
        paused: ws.paused(),
        modes: &MODES,
    })
}

pub(super) async fn meetings(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let tz = me
        .user
        .time_zone
        .clone()
        .unwrap_or_else(|| "Europe/London".into());
    let f = meeting_form(&MeetingInput {
        time_zone: tz,
        mode: "video".into(),
        ..MeetingInput::default()
    });
    Ok(ok(&meetings_page(&s, &me, c.clone(), id, f).await?))
}

#[derive(Deserialize)]
pub(super) struct MeetingForm {
    #[serde(flatten)]
    pub(super) input: MeetingInput,
}

pub(super) async fn schedule(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<MeetingForm>,
) -> PageResult {
    match meetings_act::schedule(&s, &me, id, &f.input).await {
        Ok(mid) => Ok(Redirect::to(&format!(
            "/relationships/{id}/meetings/{mid}?done=scheduled"
        ))
        .into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &meetings_page(&s, &me, c.clone(), id, meeting_form(&f.input).failed(&e)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "relationships/meeting.html")]
pub(super) struct MeetingPage {
    pub(super) c: Chrome,
    pub(super) id: i64,
    pub(super) m: MeetingView,
    pub(super) f: FormState,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
    pub(super) notice: Option<&'static str>,
    pub(super) modes: &'static [(&'static str, &'static str)],
}

impl MeetingPage {
    pub(super) fn mode_label(&self) -> &'static str {
        trellis_domain::meeting::mode_label(&self.m.mode)
    }
}

pub(super) async fn meeting_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    mid: i64,
    f: Option<FormState>,
    notice: Option<&'static str>,
) -> Result<MeetingPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let m = meetings_act::get(s, me, id, mid).await?;
    let text = m.text.clone().unwrap_or_default();
    let f = f.unwrap_or_else(|| {
        let mut f = meeting_form(&MeetingInput {
            starts_at: trellis_domain::meeting::form_value(m.starts_at, &m.time_zone),
            ends_at: trellis_domain::meeting::form_value(m.ends_at, &m.time_zone),
            time_zone: m.time_zone.clone(),
            mode: m.mode.clone(),
            place: text.place.clone(),
            agenda: text.agenda.clone(),
        });
        f.values.insert("outcomes".into(), text.outcomes.clone());
        f
    });
    Ok(MeetingPage {
        c,
        id,
        m,
        f,
        current: ws.may_write(),
        paused: ws.paused(),
        notice,
        modes: &MODES,
    })
}

pub(super) async fn meeting(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((id, mid)): Path<(i64, i64)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("scheduled") => Some(
            "The meeting is set up: every member has been emailed an invitation for their calendar.",
        ),
        Some("changed") => {
            Some("The meeting is changed: every member has been sent the updated invitation.")
        }
        Some("cancelled") => {
            Some("The meeting is cancelled: every member's calendar has been told.")
        }
        Some("outcomes") => Some("The outcomes are saved."),
        _ => None,
    };
    Ok(ok(
        &meeting_page(&s, &me, c.clone(), id, mid, None, notice).await?
    ))
}

pub(super) async fn change_meeting(
    State(s): State<AppState>,
    Path((id, mid)): Path<(i64, i64)>,
    FormPost { me, c, form: f }: FormPost<MeetingForm>,
) -> PageResult {
    match meetings_act::reschedule(&s, &me, id, mid, &f.input).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/relationships/{id}/meetings/{mid}?done=changed"))
                .into_response(),
        ),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &meeting_page(
                &s,
                &me,
                c.clone(),
                id,
                mid,
                Some(meeting_form(&f.input).failed(&e)),
                None,
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn cancel_meeting(
    State(s): State<AppState>,
    Path((id, mid)): Path<(i64, i64)>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    meetings_act::cancel(&s, &me, id, mid).await?;
    Ok(Redirect::to(&format!(
        "/relationships/{id}/meetings/{mid}?done=cancelled"
    ))
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct OutcomesForm {
    #[serde(default)]
    pub(super) outcomes: String,
}

pub(super) async fn outcomes(
    State(s): State<AppState>,
    Path((id, mid)): Path<(i64, i64)>,
    FormPost { me, c, form: f }: FormPost<OutcomesForm>,
) -> PageResult {
    match meetings_act::record_outcomes(&s, &me, id, mid, &f.outcomes).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/relationships/{id}/meetings/{mid}?done=outcomes"))
                .into_response(),
        ),
        Err(e @ AppError::Invalid(_)) => {
            let mut page = meeting_page(&s, &me, c.clone(), id, mid, None, None).await?;
            page.f.values.insert("outcomes".into(), f.outcomes);
            page.f = page.f.failed(&e);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
