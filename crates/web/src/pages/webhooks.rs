//! The webhooks page of a programme (admins): register an address for chosen events (the
//! signing secret is shown once), remove one, and read each one's delivery log.

use super::filters;
use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::programmes::Programme;
use trellis_app::programmes::find;
use trellis_app::webhooks::{self as act, WebhookInput};
use trellis_app::webhooks::{Delivery, Webhook};
use trellis_domain::webhook::EVENTS;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/programmes/{slug}/webhooks",
            get(page).post(register),
        )
        .route(
            "/admin/programmes/{slug}/webhooks/{id}/remove",
            post(remove),
        )
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct WebhooksPage {
    c: Chrome,
    p: Programme,
    hooks: Vec<(Webhook, Vec<Delivery>)>,
    events: [(&'static str, &'static str); 6],
    f: FormState,
    /// The secret of the webhook just registered, shown once.
    secret: Option<String>,
}

async fn view(
    s: &AppState,
    me: &trellis_app::Actor,
    p: Programme,
    c: Chrome,
    f: FormState,
    secret: Option<String>,
) -> Result<WebhooksPage, PageError> {
    let mut hooks = Vec::new();
    for w in act::list(s, me, &p).await? {
        let d = act::deliveries(s, me, &p, w.id).await?;
        hooks.push((w, d.into_iter().take(10).collect()));
    }
    Ok(WebhooksPage {
        c,
        p,
        hooks,
        events: EVENTS,
        f,
        secret,
    })
}

async fn page(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    Ok(ok(&view(&s, &me, p, c, FormState::default(), None).await?))
}

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    events: Vec<String>,
}

async fn register(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<RegisterForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let input = WebhookInput {
        url: f.url.clone(),
        events: f.events.clone(),
    };
    match act::register(&s, &me, &p, &input).await {
        Ok(r) => Ok(ok(&view(
            &s,
            &me,
            p,
            c,
            FormState::default(),
            Some(r.secret),
        )
        .await?)),
        Err(e @ AppError::Invalid(_)) => {
            let typed = FormState::with(&[("url", &f.url), ("events", &f.events.join("\n"))]);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &view(&s, &me, p, c, typed.failed(&e), None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    act::remove(&s, &me, &p, id).await?;
    Ok(Redirect::to(&format!("/admin/programmes/{slug}/webhooks")).into_response())
}
