//! The email texts of a programme (admins): the letters it sends, and for each one a form to
//! reword it with a preview of the letter as a member would get it.

use super::filters;
use super::{Chrome, FormPost, FormState, PageResult, SignedIn, ok, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use serde::Deserialize;
use trellis_app::AppError;
use trellis_app::email_texts::{self as act, EmailText, Preview, WordingInput};
use trellis_app::programmes::Programme;
use trellis_app::programmes::find;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/programmes/{slug}/emails", get(list))
        .route(
            "/admin/programmes/{slug}/emails/{template}",
            get(page).post(submit),
        )
}

#[derive(Template)]
#[template(path = "admin/email_texts.html")]
struct ListPage {
    c: Chrome,
    p: Programme,
    letters: Vec<EmailText>,
}

impl ListPage {
    /// A subject as text and `{placeholder}` parts, the placeholders to show as code.
    fn subject_parts(&self, subject: &str) -> Vec<(bool, String)> {
        let mut parts = Vec::new();
        let mut rest = subject;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                parts.push((false, rest[..open].to_owned()));
            }
            parts.push((true, rest[open..=close].to_owned()));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push((false, rest.to_owned()));
        }
        parts
    }
}

async fn list(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let letters = act::list(&s, &me, &p).await?;
    Ok(ok(&ListPage { c, p, letters }))
}

#[derive(Template)]
#[template(path = "admin/email_text.html")]
struct EditPage {
    c: Chrome,
    p: Programme,
    letter: EmailText,
    f: FormState,
    preview: Option<Preview>,
    /// What just happened: saved, reset, or a preview of unsaved text.
    notice: Option<&'static str>,
}

fn typed(w: &WordingInput) -> FormState {
    FormState::with(&[
        ("subject", &w.subject),
        ("text", &w.text),
        ("html", &w.html),
    ])
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

async fn page(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((slug, template)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let letter = act::show(&s, &me, &p, &template).await?;
    let current = WordingInput {
        subject: letter.subject.clone(),
        text: letter.text.clone(),
        html: letter.html.clone().unwrap_or_default(),
    };
    let preview = act::preview(&s, &me, &p, &template, &current).ok();
    let notice = match q.done.as_deref() {
        Some("saved") => Some("Saved: letters sent from now on use this wording."),
        Some("reset") => Some("Back to Trellis's own wording."),
        _ => None,
    };
    Ok(crate::headers::with_policy(
        ok(&EditPage {
            c,
            p,
            letter,
            f: typed(&current),
            preview,
            notice,
        }),
        crate::headers::LETTER_PREVIEW_POLICY,
    ))
}

#[derive(Deserialize)]
struct WordingForm {
    #[serde(default)]
    intent: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    html: String,
}

async fn submit(
    State(s): State<AppState>,
    Path((slug, template)): Path<(String, String)>,
    FormPost { me, c, form: f }: FormPost<WordingForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let letter = act::show(&s, &me, &p, &template).await?;
    let back = |done: &str| {
        Ok(Redirect::to(&format!(
            "/admin/programmes/{slug}/emails/{}?done={done}",
            letter.template
        ))
        .into_response())
    };
    let input = WordingInput {
        subject: f.subject,
        text: f.text,
        html: f.html,
    };
    let result = match f.intent.as_str() {
        "reset" => {
            act::reset(&s, &me, &p, &template).await?;
            return back("reset");
        }
        "save" => act::save(&s, &me, &p, &template, &input)
            .await
            .map(|_| None),
        _ => act::preview(&s, &me, &p, &template, &input).map(Some),
    };
    match result {
        Ok(None) => back("saved"),
        Ok(Some(preview)) => Ok(crate::headers::with_policy(
            ok(&EditPage {
                c,
                p,
                letter,
                f: typed(&input),
                preview: Some(preview),
                notice: Some("Preview of the text below, not saved yet."),
            }),
            crate::headers::LETTER_PREVIEW_POLICY,
        )),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &EditPage {
                c,
                p,
                letter,
                f: typed(&input).failed(&e),
                preview: None,
                notice: None,
            },
        )),
        Err(e) => Err(e.into()),
    }
}
