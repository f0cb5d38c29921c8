//! Pages for concerns: report one, follow the ones you reported, handle the ones routed to you.

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
use trellis_app::Actor;
use trellis_app::AppError;
use trellis_app::concerns::{self as act, ConcernView};
use trellis_app::programmes::Programme;
use trellis_app::programmes::find;
use trellis_domain::concern::ReportInput;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/concerns", get(list))
        .route(
            "/programmes/{slug}/concerns/new",
            get(new_form).post(create),
        )
        .route("/concerns/{id}", get(show))
        .route("/concerns/{id}/steps", post(step))
        .route("/concerns/{id}/notes", post(note))
        .route("/concerns/{id}/lift-pause", post(lift_pause))
}

#[derive(Template)]
#[template(path = "concerns/list.html")]
struct ListPage {
    c: Chrome,
    programmes: Vec<Programme>,
    reported: Vec<ConcernView>,
    handling: Vec<ConcernView>,
}

async fn list(State(s): State<AppState>, SignedIn { me, c }: SignedIn) -> PageResult {
    let (reported, handling) = act::mine(&s, &me).await?;
    let programmes = trellis_app::programmes::mine(&s, &me).await?;
    Ok(ok(&ListPage {
        c,
        programmes,
        reported,
        handling,
    }))
}

#[derive(Template)]
#[template(path = "concerns/new.html")]
struct NewPage {
    c: Chrome,
    p: Programme,
    f: FormState,
    /// The reporter's relationships in the programme: (id, label).
    relationships: Vec<(i64, String)>,
}

#[derive(Deserialize, Default)]
struct NewQuery {
    about: Option<String>,
    about_id: Option<i64>,
}

async fn new_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    p: Programme,
    f: FormState,
) -> Result<NewPage, PageError> {
    let mut relationships = Vec::new();
    for r in trellis_app::relationships::mine(s, me, &p).await? {
        relationships.push((r.id, format!("With {}", r.others.join(", "))));
    }
    Ok(NewPage {
        c: c.clone(),
        p,
        f,
        relationships,
    })
}

async fn new_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let about = q.about.unwrap_or_else(|| "person".into());
    let id = q.about_id.map(|i| i.to_string()).unwrap_or_default();
    let f = FormState::with(&[("about", &about), ("relationship_id", &id)]);
    Ok(ok(&new_page(&s, &me, c.clone(), p, f).await?))
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    about: String,
    #[serde(default)]
    person_email: String,
    #[serde(default)]
    relationship_id: String,
    #[serde(default)]
    what_happened: String,
    #[serde(default)]
    about_staff: Option<String>,
    #[serde(default)]
    pause_contact: Option<String>,
}

async fn create(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<ReportForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    // The person is named by their email address; an address nobody has is "not in the
    // programme" like anyone else outside it.
    let about_id = match f.about.as_str() {
        "person" => match trellis_domain::account::Email::parse("about_id", &f.person_email) {
            Ok(e) => Some(
                trellis_app::accounts::by_email(&s, &e)
                    .await?
                    .map_or(-1, |u| u.id),
            ),
            Err(_) => None,
        },
        "relationship" => f.relationship_id.trim().parse().ok(),
        _ => None,
    };
    let input = ReportInput {
        about: f.about.clone(),
        about_id,
        what_happened: f.what_happened.clone(),
        about_staff: f.about_staff.is_some(),
        pause_contact: f.pause_contact.is_some(),
    };
    match act::report(&s, &me, &p, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/concerns/{id}?sent=1")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form = FormState::with(&[
                ("about", &f.about),
                ("person_email", &f.person_email),
                ("relationship_id", &f.relationship_id),
                ("what_happened", &f.what_happened),
                (
                    "about_staff",
                    if f.about_staff.is_some() { "1" } else { "" },
                ),
                (
                    "pause_contact",
                    if f.pause_contact.is_some() { "1" } else { "" },
                ),
            ])
            .failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(&s, &me, c.clone(), p, form).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "concerns/show.html")]
struct ShowPage {
    c: Chrome,
    v: ConcernView,
    handler: bool,
    sent: bool,
    f: FormState,
}

impl ShowPage {
    fn next_steps(&self) -> Vec<&'static str> {
        trellis_domain::concern::Status::parse(&self.v.status)
            .map(|s| s.moves().iter().map(|m| m.as_str()).collect())
            .unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    sent: Option<String>,
}

async fn show_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    sent: bool,
    f: FormState,
) -> Result<ShowPage, PageError> {
    let v = act::get(s, me, id).await?;
    let handler = v.to_chair.is_some();
    Ok(ShowPage {
        c,
        v,
        handler,
        sent,
        f,
    })
}

async fn show(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    Ok(ok(&show_page(
        &s,
        &me,
        c.clone(),
        id,
        q.sent.is_some(),
        FormState::default(),
    )
    .await?))
}

#[derive(Deserialize)]
struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
}

async fn step(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<StepForm>,
) -> PageResult {
    match act::step(&s, &me, id, &f.status, &f.message).await {
        Ok(_) => Ok(Redirect::to(&format!("/concerns/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form =
                FormState::with(&[("status", &f.status), ("message", &f.message)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &show_page(&s, &me, c.clone(), id, false, form).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn note(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<NoteForm>,
) -> PageResult {
    match act::note(&s, &me, id, &f.note).await {
        Ok(()) => Ok(Redirect::to(&format!("/concerns/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form = FormState::with(&[("note", &f.note)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &show_page(&s, &me, c.clone(), id, false, form).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn lift_pause(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    act::lift_pause(&s, &me, id).await?;
    Ok(Redirect::to(&format!("/concerns/{id}")).into_response())
}
