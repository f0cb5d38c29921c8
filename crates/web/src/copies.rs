//! The copies members keep: the agreement and the development plan as PDF files; and the one
//! way to send any file as a download.

use crate::pdf::{Block, document};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use trellis_app::development::GoalView;
use trellis_app::relationships::{AgreementView, Workspace};
use trellis_domain::development::{GOAL_KINDS, GOAL_STATUSES, label_of};
use trellis_domain::workspace::AGREEMENT_FIELDS;

fn members(ws: &Workspace) -> String {
    ws.current_members()
        .map(|m| format!("{} ({})", m.name, m.role))
        .collect::<Vec<_>>()
        .join(", ")
}

use trellis_domain::dates::day_and_time as when;

/// The latest version of the agreement with its signatures.
pub fn agreement(ws: &Workspace, a: &AgreementView) -> Vec<u8> {
    let mut b = vec![
        Block::Title("Mentoring Relationship Agreement".into()),
        Block::Text(format!("{} · {}", ws.programme.name, members(ws))),
    ];
    match a.latest_version() {
        Some(v) => {
            b.push(Block::Text(format!(
                "Version {}, written by {} on {}",
                v.version,
                v.created_by.clone().unwrap_or_default(),
                when(v.created_at)
            )));
            if let Some(body) = &v.body {
                for (name, label, _, _) in AGREEMENT_FIELDS {
                    let text = body.get(name);
                    if !text.is_empty() {
                        b.push(Block::Gap);
                        b.push(Block::Label(label.into()));
                        b.push(Block::Text(text.into()));
                    }
                }
            }
            b.push(Block::Heading("Signatures".into()));
            if v.signatures.is_empty() {
                b.push(Block::Text("Not signed yet.".into()));
            }
            for g in &v.signatures {
                b.push(Block::Text(format!(
                    "{}, {}",
                    g.typed_name,
                    when(g.signed_at)
                )));
            }
            if !a.unsigned.is_empty() {
                b.push(Block::Text(format!(
                    "Still to sign: {}.",
                    a.unsigned.join(", ")
                )));
            }
        }
        None => b.push(Block::Text(
            "The agreement has not been written yet.".into(),
        )),
    }
    document("Mentoring Relationship Agreement", &b)
}

/// The Personal Development Plan.
pub fn plan(ws: &Workspace, goals: &[GoalView]) -> Vec<u8> {
    let mut b = vec![
        Block::Title("Personal Development Plan".into()),
        Block::Text(format!("{} · {}", ws.programme.name, members(ws))),
    ];
    if goals.is_empty() {
        b.push(Block::Text("No goal yet.".into()));
    }
    for g in goals {
        let x = &g.goal;
        b.push(Block::Heading(x.goal.clone()));
        for (label, text) in [
            ("Kind", label_of(&GOAL_KINDS, &x.kind).to_owned()),
            ("Timeline", x.timeline.clone()),
            ("Status", label_of(&GOAL_STATUSES, &x.status).to_owned()),
            ("Development activities", x.activities.clone()),
            ("Success measures", x.measures.clone()),
            ("Resources and support", x.resources.clone()),
            ("Progress", x.progress.clone()),
        ] {
            if !text.is_empty() {
                b.push(Block::Label(label.into()));
                b.push(Block::Text(text));
            }
        }
    }
    document("Personal Development Plan", &b)
}

/// A file as a download: never shown inline (a file from a member is not trusted), never
/// cached by the browser or a proxy.
pub fn download(bytes: impl Into<axum::body::Body>, content_type: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    name.replace(['"', '\\', '\r', '\n'], "_")
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes.into(),
    )
        .into_response()
}

pub const PDF: &str = "application/pdf";
pub const CSV: &str = "text/csv; charset=utf-8";

/// A CSV file as a response body: one already written, or one streamed a page at a time (an
/// error stops the stream, and is logged).
pub fn csv_body(csv: trellis_app::exports::Csv) -> axum::body::Body {
    use trellis_app::exports::Csv;
    match csv {
        Csv::Ready(bytes) => bytes.into(),
        Csv::Paged(pager) => {
            let stream = futures_util::stream::unfold(Some(pager), |pager| async move {
                let mut pager = pager?;
                match pager.next_chunk().await {
                    Ok(Some(chunk)) => Some((Ok::<_, std::io::Error>(chunk), Some(pager))),
                    Ok(None) => None,
                    Err(e) => {
                        tracing::error!(error = %e, "export stopped");
                        Some((Err(std::io::Error::other(e.to_string())), None))
                    }
                }
            });
            axum::body::Body::from_stream(stream)
        }
    }
}
