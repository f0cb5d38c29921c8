//! Pages of the relationship workspace: the overview with its phase, the agreement (versions,
//! signatures, comparison) and the mentoring log.

use super::filters;
use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;
use trellis_app::Actor;
use trellis_app::AppError;
use trellis_app::development::{self as dev, Assessments, ChecklistStage, GoalView};
use trellis_app::meetings::{self as meetings_act, MeetingView};
use trellis_app::programmes::Programme;
use trellis_app::relationships::{
    self as act, AgreementView, LogView, RelationshipView, Seat, Workspace,
};
use trellis_domain::development::Goal;
use trellis_domain::meeting::{MODES, MeetingInput};
use trellis_domain::workspace::{AGREEMENT_FIELDS, Agreement, LogInput, Phase, Role};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/relationships/{id}", get(show))
        .route("/relationships/{id}/phase", post(phase))
        .route("/relationships/{id}/leave", post(leave))
        .route(
            "/programmes/{slug}/relationships/new",
            get(new_relationship).post(create_relationship),
        )
        .route(
            "/relationships/{id}/agreement",
            get(agreement).post(save_agreement),
        )
        .route("/relationships/{id}/agreement/sign", post(sign))
        .route("/relationships/{id}/agreement.pdf", get(agreement_pdf))
        .route("/relationships/{id}/plan.pdf", get(plan_pdf))
        .route("/relationships/{id}/agreement/compare", get(compare))
        .route("/relationships/{id}/log", get(log).post(add_log))
        .route("/relationships/{id}/meetings", get(meetings).post(schedule))
        .route(
            "/relationships/{id}/meetings/{meeting}",
            get(meeting).post(change_meeting),
        )
        .route(
            "/relationships/{id}/meetings/{meeting}/cancel",
            post(cancel_meeting),
        )
        .route(
            "/relationships/{id}/meetings/{meeting}/outcomes",
            post(outcomes),
        )
        .route("/relationships/{id}/plan", get(plan).post(add_goal))
        .route(
            "/relationships/{id}/plan/{goal}",
            get(goal_page).post(update_goal),
        )
        .route(
            "/relationships/{id}/skills",
            get(skills).post(add_assessment),
        )
        .route(
            "/relationships/{id}/checklist",
            get(checklist).post(save_checklist),
        )
        .route(
            "/relationships/{id}/evaluations",
            get(evaluations).post(add_evaluation),
        )
        .route("/calendar", get(calendar_page).post(calendar_change))
        .route("/calendar/{file}", get(calendar_feed))
}

// ---- Overview ----

#[derive(Template)]
#[template(path = "relationships/show.html")]
struct ShowPage {
    c: Chrome,
    p: Programme,
    r: RelationshipView,
    me: i64,
    member: bool,
    current: bool,
    notice: Option<String>,
}

impl ShowPage {
    fn phase(&self) -> Phase {
        Phase::parse(&self.r.phase).unwrap_or(Phase::Preparing)
    }
    fn phase_label(&self, p: &str) -> &'static str {
        Phase::parse(p).map_or("", Phase::label)
    }
    /// The other current members, for the heading.
    fn others(&self) -> String {
        self.r
            .members
            .iter()
            .filter(|m| m.user_id != self.me && m.left_at.is_none())
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    }
    fn is_mentor(&self) -> bool {
        self.r
            .members
            .iter()
            .any(|m| m.user_id == self.me && m.seat == Role::Mentor)
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn show(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let ws = act::visible(&s, &me, id).await?;
    Ok(ok(&show_page(&s, &me, c, &ws, q.done).await?))
}

async fn show_page(
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
        notice,
    })
}

#[derive(Deserialize)]
struct PhaseForm {
    #[serde(default)]
    phase: String,
}

async fn phase(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, form: f, .. }: FormPost<PhaseForm>,
) -> PageResult {
    let to = act::move_phase(&s, &me, id, &f.phase).await?;
    Ok(Redirect::to(&format!("/relationships/{id}?done={to}")).into_response())
}

// ---- The agreement ----

#[derive(Template)]
#[template(path = "relationships/agreement.html")]
struct AgreementPage {
    c: Chrome,
    p: Programme,
    id: i64,
    a: AgreementView,
    f: FormState,
    me: i64,
    current: bool,
    notice: Option<&'static str>,
}

impl AgreementPage {
    fn fields(&self) -> &'static [(&'static str, &'static str, &'static str, bool)] {
        &AGREEMENT_FIELDS
    }
    fn signed_by_me(&self) -> bool {
        self.a
            .latest_version()
            .is_some_and(|v| v.signatures.iter().any(|g| g.user_id == self.me))
    }
    /// Whether saving corrects the latest version (nobody signed it) or makes a new one.
    fn saving_corrects(&self) -> bool {
        self.a
            .latest_version()
            .is_some_and(|v| v.signatures.is_empty())
    }
}

fn agreement_form(a: &Agreement) -> FormState {
    let pairs: Vec<(&str, &str)> = AGREEMENT_FIELDS
        .iter()
        .map(|(name, ..)| (*name, a.get(name)))
        .collect();
    FormState::with(&pairs)
}

async fn agreement_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: Option<FormState>,
    notice: Option<&'static str>,
) -> Result<AgreementPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let a = act::agreement_of(s, &ws).await?;
    let f = f.unwrap_or_else(|| {
        agreement_form(
            &a.latest_version()
                .and_then(|v| v.body.clone())
                .unwrap_or_default(),
        )
    });
    Ok(AgreementPage {
        c,
        p: ws.programme.clone(),
        id,
        a,
        f,
        me: me.id(),
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
        notice,
    })
}

async fn agreement(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("saved") => Some("The agreement is saved. Every member now signs it."),
        Some("signed") => Some("You have signed the agreement."),
        _ => None,
    };
    Ok(ok(
        &agreement_page(&s, &me, c.clone(), id, None, notice).await?
    ))
}

async fn save_agreement(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form }: FormPost<HashMap<String, String>>,
) -> PageResult {
    let typed: Agreement =
        serde_json::from_value(serde_json::to_value(&form).map_err(anyhow::Error::from)?)
            .map_err(anyhow::Error::from)?;
    // Nobody has signed the latest version yet: correct it; otherwise a new version.
    let view = act::agreement(&s, &me, id).await?;
    let result = match view.latest_version() {
        Some(v) if v.signatures.is_empty() => act::edit(&s, &me, id, v.version, &typed).await,
        _ => act::propose(&s, &me, id, &typed).await.map(drop),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/relationships/{id}/agreement?done=saved")).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let f = agreement_form(&typed).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &agreement_page(&s, &me, c.clone(), id, Some(f), None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct SignForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    typed_name: String,
}

async fn sign(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<SignForm>,
) -> PageResult {
    match act::sign(&s, &me, id, f.version, &f.typed_name).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/relationships/{id}/agreement?done=signed")).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let mut page = agreement_page(&s, &me, c.clone(), id, None, None).await?;
            page.f = page.f.failed(&e);
            page.f.values.insert("typed_name".into(), f.typed_name);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "relationships/compare.html")]
struct ComparePage {
    c: Chrome,
    id: i64,
    from: i32,
    to: i32,
    changes: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
struct CompareQuery {
    from: i32,
    to: i32,
}

async fn compare(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    let changes = act::compare(&s, &me, id, q.from, q.to).await?;
    Ok(ok(&ComparePage {
        c,
        id,
        from: q.from,
        to: q.to,
        changes,
    }))
}

// ---- The log ----

#[derive(Template)]
#[template(path = "relationships/log.html")]
struct LogPage {
    c: Chrome,
    id: i64,
    entries: Vec<LogView>,
    f: FormState,
    current: bool,
}

async fn log_page(
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
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
    })
}

async fn log(
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
struct LogForm {
    #[serde(flatten)]
    input: LogInput,
}

async fn add_log(
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

// ---- Meetings ----

#[derive(Template)]
#[template(path = "relationships/meetings.html")]
struct MeetingsPage {
    c: Chrome,
    p: Programme,
    id: i64,
    meetings: Vec<MeetingView>,
    f: FormState,
    current: bool,
    modes: &'static [(&'static str, &'static str)],
}

fn meeting_form(i: &MeetingInput) -> FormState {
    FormState::with(&[
        ("starts_at", &i.starts_at),
        ("ends_at", &i.ends_at),
        ("time_zone", &i.time_zone),
        ("mode", &i.mode),
        ("place", &i.place),
        ("agenda", &i.agenda),
    ])
}

async fn meetings_page(
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
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
        modes: &MODES,
    })
}

async fn meetings(
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
struct MeetingForm {
    #[serde(flatten)]
    input: MeetingInput,
}

async fn schedule(
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
struct MeetingPage {
    c: Chrome,
    id: i64,
    m: MeetingView,
    f: FormState,
    current: bool,
    notice: Option<&'static str>,
    modes: &'static [(&'static str, &'static str)],
}

impl MeetingPage {
    fn mode_label(&self) -> &'static str {
        trellis_domain::meeting::mode_label(&self.m.mode)
    }
}

async fn meeting_page(
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
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
        notice,
        modes: &MODES,
    })
}

async fn meeting(
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

async fn change_meeting(
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

async fn cancel_meeting(
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
struct OutcomesForm {
    #[serde(default)]
    outcomes: String,
}

async fn outcomes(
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

// ---- The calendar feed ----

#[derive(Template)]
#[template(path = "relationships/calendar.html")]
struct CalendarPage {
    c: Chrome,
    active: Option<String>,
    new_url: Option<String>,
}

async fn calendar_page(State(s): State<AppState>, SignedIn { me, c }: SignedIn) -> PageResult {
    let active = trellis_app::meetings::feed_made(&s, &me)
        .await?
        .map(trellis_domain::dates::day_and_time);
    Ok(ok(&CalendarPage {
        c,
        active,
        new_url: None,
    }))
}

#[derive(Deserialize)]
struct CalendarForm {
    /// new or revoke
    #[serde(default)]
    action: String,
}

async fn calendar_change(
    State(s): State<AppState>,
    FormPost { me, c, form: f }: FormPost<CalendarForm>,
) -> PageResult {
    if f.action == "revoke" {
        meetings_act::revoke_feed(&s, &me).await?;
        return Ok(Redirect::to("/calendar").into_response());
    }
    let url = meetings_act::new_feed(&s, &me).await?;
    let active = Some(trellis_domain::dates::day_and_time(s.now()));
    Ok(ok(&CalendarPage {
        c,
        active,
        new_url: Some(url),
    }))
}

/// The feed itself, for calendar apps: the secret token in the address is the only key.
async fn calendar_feed(State(s): State<AppState>, Path(file): Path<String>) -> PageResult {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let ics = meetings_act::feed(&s, token).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "private, max-age=300"),
        ],
        ics,
    )
        .into_response())
}

// ---- The development plan ----

#[derive(Template)]
#[template(path = "relationships/plan.html")]
struct PlanPage {
    c: Chrome,
    p: Programme,
    id: i64,
    goals: Vec<GoalView>,
    f: FormState,
    current: bool,
    /// Set when editing one goal.
    editing: Option<i64>,
}

impl PlanPage {
    fn kinds(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::development::GOAL_KINDS
    }
    fn statuses(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::development::GOAL_STATUSES
    }
    fn kind_label(&self, k: &str) -> &'static str {
        trellis_domain::development::label_of(&trellis_domain::development::GOAL_KINDS, k)
    }
    fn status_label(&self, k: &str) -> &'static str {
        trellis_domain::development::label_of(&trellis_domain::development::GOAL_STATUSES, k)
    }
}

fn goal_form(g: &Goal) -> FormState {
    FormState::with(&[
        ("goal", &g.goal),
        ("timeline", &g.timeline),
        ("activities", &g.activities),
        ("measures", &g.measures),
        ("resources", &g.resources),
        ("kind", &g.kind),
        ("status", &g.status),
        ("progress", &g.progress),
    ])
}

async fn plan_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: Option<FormState>,
    editing: Option<i64>,
) -> Result<PlanPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let goals = dev::plan_of(s, &ws).await?;
    let f = match (f, editing) {
        (Some(f), _) => f,
        (None, Some(g)) => goal_form(
            &goals
                .iter()
                .find(|x| x.id == g)
                .ok_or_else(|| PageError::from(AppError::NotFound("goal")))?
                .goal,
        ),
        (None, None) => FormState::with(&[("status", "not_started")]),
    };
    Ok(PlanPage {
        c,
        p: ws.programme.clone(),
        id,
        goals,
        f,
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
        editing,
    })
}

async fn plan(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(ok(&plan_page(&s, &me, c.clone(), id, None, None).await?))
}

async fn goal_page(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((id, goal)): Path<(i64, i64)>,
) -> PageResult {
    Ok(ok(
        &plan_page(&s, &me, c.clone(), id, None, Some(goal)).await?
    ))
}

#[derive(Deserialize)]
struct GoalForm {
    #[serde(flatten)]
    goal: Goal,
}

async fn add_goal(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<GoalForm>,
) -> PageResult {
    match dev::add_goal(&s, &me, id, &f.goal).await {
        Ok(_) => Ok(Redirect::to(&format!("/relationships/{id}/plan")).into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &plan_page(
                &s,
                &me,
                c.clone(),
                id,
                Some(goal_form(&f.goal).failed(&e)),
                None,
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

async fn update_goal(
    State(s): State<AppState>,
    Path((id, goal)): Path<(i64, i64)>,
    FormPost { me, c, form: f }: FormPost<GoalForm>,
) -> PageResult {
    match dev::update_goal(&s, &me, id, goal, &f.goal).await {
        Ok(()) => Ok(Redirect::to(&format!("/relationships/{id}/plan")).into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &plan_page(
                &s,
                &me,
                c.clone(),
                id,
                Some(goal_form(&f.goal).failed(&e)),
                Some(goal),
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

// ---- Skills ----

#[derive(Template)]
#[template(path = "relationships/skills.html")]
struct SkillsPage {
    c: Chrome,
    id: i64,
    a: Assessments,
    charts: Vec<String>,
    f: FormState,
    current: bool,
}

impl SkillsPage {
    fn skills(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::development::SKILLS
    }
    fn levels(&self) -> &'static [(&'static str, &'static str, u8)] {
        &trellis_domain::development::LEVELS
    }
    fn level_name(&self, n: &u8) -> &'static str {
        trellis_domain::development::LEVELS
            .iter()
            .find(|(.., s)| s == n)
            .map_or("", |(_, l, _)| *l)
    }
}

async fn skills_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: FormState,
) -> Result<SkillsPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let a = dev::assessments(s, me, id).await?;
    let charts = a
        .growth
        .iter()
        .enumerate()
        .map(|(i, g)| {
            crate::charts::paired_bars(
                &format!("growth-{i}"),
                &format!("Skills of {}: first and latest assessment", g.member),
                &g.skills,
                3,
                &["Developmental", "Proficient", "Expert"],
                ("First", "Latest"),
            )
        })
        .collect();
    Ok(SkillsPage {
        c,
        id,
        a,
        charts,
        f,
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
    })
}

async fn skills(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(ok(&skills_page(
        &s,
        &me,
        c.clone(),
        id,
        FormState::default(),
    )
    .await?))
}

async fn add_assessment(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form }: FormPost<HashMap<String, String>>,
) -> PageResult {
    let input = trellis_domain::development::Assessment {
        levels: form
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("skill_").map(|k| (k.to_owned(), v.clone())))
            .collect(),
        strengths: form.get("strengths").cloned().unwrap_or_default(),
        developmental_areas: form.get("developmental_areas").cloned().unwrap_or_default(),
    };
    match dev::add_assessment(&s, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/relationships/{id}/skills")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let f = FormState {
                values: form,
                ..FormState::default()
            };
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &skills_page(&s, &me, c.clone(), id, f.failed(&e)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- Checklist ----

#[derive(Template)]
#[template(path = "relationships/checklist.html")]
struct ChecklistPage {
    c: Chrome,
    id: i64,
    stages: Vec<ChecklistStage>,
    current: bool,
}

async fn checklist(
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
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
    }))
}

#[derive(Deserialize)]
struct ChecklistForm {
    #[serde(default)]
    done: Vec<String>,
}

async fn save_checklist(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, form: f, .. }: FormPost<ChecklistForm>,
) -> PageResult {
    dev::save_checklist(&s, &me, id, &f.done).await?;
    Ok(Redirect::to(&format!("/relationships/{id}/checklist")).into_response())
}

// ---- Evaluations ----

#[derive(Template)]
#[template(path = "relationships/evaluations.html")]
struct EvaluationsPage {
    c: Chrome,
    p: Programme,
    id: i64,
    list: Vec<dev::EvaluationView>,
    f: FormState,
    current: bool,
    closing: bool,
}

impl EvaluationsPage {
    fn questions(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::evaluation::QUESTIONS
    }
    fn scale(&self) -> [i32; 5] {
        [1, 2, 3, 4, 5]
    }
    fn label(&self, q: &str) -> &'static str {
        trellis_domain::evaluation::QUESTIONS
            .iter()
            .find(|(k, _)| *k == q)
            .map_or("", |(_, l)| *l)
    }
}

async fn evaluations_page(
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
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
        closing: ws.phase() == Phase::Closing,
    })
}

async fn evaluations(
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

async fn add_evaluation(
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

// ---- Leaving, and staff making relationships ----

async fn leave(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    act::leave(&s, &me, id).await?;
    Ok(Redirect::to(&format!("/relationships/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "relationships/new.html")]
struct NewRelationshipPage {
    c: Chrome,
    p: Programme,
    f: FormState,
}

async fn new_relationship(
    State(s): State<AppState>,
    SignedIn { c, .. }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = trellis_app::programmes::find(&s, &slug).await?;
    Ok(ok(&NewRelationshipPage {
        c,
        p,
        f: FormState::with(&[("model", "group")]),
    }))
}

#[derive(Deserialize)]
struct NewRelationshipForm {
    #[serde(default)]
    model: String,
    #[serde(default)]
    mentors: String,
    #[serde(default)]
    mentees: String,
    #[serde(default)]
    peers: String,
}

async fn create_relationship(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<NewRelationshipForm>,
) -> PageResult {
    use trellis_domain::workspace::Role;
    let p = trellis_app::programmes::find(&s, &slug).await?;
    // Members are named by their email addresses, one a line (or separated by commas).
    let mut members = Vec::new();
    let mut unknown = Vec::new();
    for (field, role) in [
        (&f.mentors, Role::Mentor),
        (&f.mentees, Role::Mentee),
        (&f.peers, Role::Peer),
    ] {
        for raw in field
            .split([',', '\n'])
            .map(str::trim)
            .filter(|x| !x.is_empty())
        {
            let found = match trellis_domain::account::Email::parse("members", raw) {
                Ok(e) => trellis_app::accounts::by_email(&s, &e).await?,
                Err(_) => None,
            };
            match found {
                Some(u) => members.push((u.id, role)),
                None => unknown.push(raw.to_owned()),
            }
        }
    }
    let result = if unknown.is_empty() {
        act::create(&s, &me, &p, &f.model, &members).await
    } else {
        Err(AppError::invalid(
            "members",
            format!("No account has the address {}", unknown.join(", ")),
        ))
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/relationships/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form = FormState::with(&[
                ("model", &f.model),
                ("mentors", &f.mentors),
                ("mentees", &f.mentees),
                ("peers", &f.peers),
            ])
            .failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewRelationshipPage { c, p, f: form },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- Copies as PDF ----

async fn agreement_pdf(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let ws = act::readable(&s, &me, id).await?;
    let a = act::agreement_of(&s, &ws).await?;
    Ok(crate::copies::download(
        crate::copies::agreement(&ws, &a),
        crate::copies::PDF,
        "agreement.pdf",
    ))
}

async fn plan_pdf(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let ws = act::readable(&s, &me, id).await?;
    let goals = dev::plan_of(&s, &ws).await?;
    Ok(crate::copies::download(
        crate::copies::plan(&ws, &goals),
        crate::copies::PDF,
        "development-plan.pdf",
    ))
}
