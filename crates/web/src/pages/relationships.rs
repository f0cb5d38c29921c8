//! Pages of the relationship workspace: the overview with its phase, the agreement (versions,
//! signatures, comparison) and the mentoring log.

use super::{Chrome, FormState, PageError, PageResult, ok, render};
use crate::actions::relationships::{
    self as act, AgreementView, LogView, RelationshipView, Seat, Workspace,
};
use crate::auth::{CurrentUser, PageUser};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;
use std::collections::HashMap;
use trellis_domain::workspace::{AGREEMENT_FIELDS, Agreement, LogInput, Phase};
use trellis_store::programmes::Programme;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/relationships/{id}", get(show))
        .route("/relationships/{id}/phase", post(phase))
        .route(
            "/relationships/{id}/agreement",
            get(agreement).post(save_agreement),
        )
        .route("/relationships/{id}/agreement/sign", post(sign))
        .route("/relationships/{id}/agreement/compare", get(compare))
        .route("/relationships/{id}/log", get(log).post(add_log))
}

fn page_err(c: &Chrome) -> impl Fn(AppError) -> PageError + '_ {
    move |e| PageError::new(e, c.clone())
}

fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
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
    fn day(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        t.format("%-d %B %Y").to_string()
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn show(
    State(s): State<AppState>,
    PageUser(me): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let c = Chrome::new(&s, Some(&me));
    let ws = act::visible(&s, &me, id).await.map_err(page_err(&c))?;
    Ok(ok(&show_page(&s, &me, c, &ws, q.done).await?))
}

async fn show_page(
    s: &AppState,
    me: &CurrentUser,
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
    csrf_token: String,
    #[serde(default)]
    phase: String,
}

async fn phase(
    State(s): State<AppState>,
    PageUser(me): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<PhaseForm>,
) -> PageResult {
    let c = Chrome::new(&s, Some(&me));
    me.check_form_token(&f.csrf_token).map_err(page_err(&c))?;
    let to = act::move_phase(&s, &me, id, &f.phase)
        .await
        .map_err(page_err(&c))?;
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
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(t)
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
    me: &CurrentUser,
    id: i64,
    f: Option<FormState>,
    notice: Option<&'static str>,
) -> Result<AgreementPage, PageError> {
    let c = Chrome::new(s, Some(me));
    let ws = act::readable(s, me, id).await.map_err(page_err(&c))?;
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
    PageUser(me): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("saved") => Some("The agreement is saved. Every member now signs it."),
        Some("signed") => Some("You have signed the agreement."),
        _ => None,
    };
    Ok(ok(&agreement_page(&s, &me, id, None, notice).await?))
}

async fn save_agreement(
    State(s): State<AppState>,
    PageUser(me): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let c = Chrome::new(&s, Some(&me));
    me.check_form_token(form.get("csrf_token").map_or("", String::as_str))
        .map_err(page_err(&c))?;
    let typed: Agreement =
        serde_json::from_value(serde_json::to_value(&form).map_err(anyhow::Error::from)?)
            .map_err(anyhow::Error::from)?;
    // Nobody has signed the latest version yet: correct it; otherwise a new version.
    let view = act::agreement(&s, &me, id).await.map_err(page_err(&c))?;
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
                &agreement_page(&s, &me, id, Some(f), None).await?,
            ))
        }
        Err(e) => Err(PageError::new(e, c)),
    }
}

#[derive(Deserialize)]
struct SignForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    typed_name: String,
}

async fn sign(
    State(s): State<AppState>,
    PageUser(me): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<SignForm>,
) -> PageResult {
    let c = Chrome::new(&s, Some(&me));
    me.check_form_token(&f.csrf_token).map_err(page_err(&c))?;
    match act::sign(&s, &me, id, f.version, &f.typed_name).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/relationships/{id}/agreement?done=signed")).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let mut page = agreement_page(&s, &me, id, None, None).await?;
            page.f = page.f.failed(&e);
            page.f.values.insert("typed_name".into(), f.typed_name);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::new(e, c)),
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
    PageUser(me): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    let c = Chrome::new(&s, Some(&me));
    let changes = act::compare(&s, &me, id, q.from, q.to)
        .await
        .map_err(page_err(&c))?;
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

impl LogPage {
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        when(t)
    }
}

async fn log_page(
    s: &AppState,
    me: &CurrentUser,
    id: i64,
    f: FormState,
) -> Result<LogPage, PageError> {
    let c = Chrome::new(s, Some(me));
    let ws = act::readable(s, me, id).await.map_err(page_err(&c))?;
    let entries = act::log(s, me, id).await.map_err(page_err(&c))?;
    Ok(LogPage {
        c,
        id,
        entries,
        f,
        current: ws.seat.is_current_member() && ws.phase() != Phase::Closed,
    })
}

async fn log(State(s): State<AppState>, PageUser(me): PageUser, Path(id): Path<i64>) -> PageResult {
    let today = s.now().date_naive().to_string();
    Ok(ok(&log_page(
        &s,
        &me,
        id,
        FormState::with(&[("on", &today)]),
    )
    .await?))
}

#[derive(Deserialize)]
struct LogForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    input: LogInput,
}

async fn add_log(
    State(s): State<AppState>,
    PageUser(me): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<LogForm>,
) -> PageResult {
    let c = Chrome::new(&s, Some(&me));
    me.check_form_token(&f.csrf_token).map_err(page_err(&c))?;
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
                &log_page(&s, &me, id, form).await?,
            ))
        }
        Err(e) => Err(PageError::new(e, c)),
    }
}
