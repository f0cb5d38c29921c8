//! The dashboard page of a programme: its figures as SVG charts, each with the same figures in a
//! table, a period and cohort filter, CSV downloads, and a layout that prints.

use super::{Chrome, FormState, PageResult, SignedIn, ok, render};
use crate::charts;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use trellis_app::dashboard::{self as act, Dashboard, Filter};
use trellis_app::programmes::Programme;
use trellis_app::programmes::find;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{slug}/dashboard", get(dashboard))
        .route("/programmes/{slug}/reports/{name}", get(report))
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    p: Programme,
    f: FormState,
    d: Option<Dashboard>,
    /// The filter as a query string, for the download links.
    query: String,
}

impl DashboardPage {
    fn activity_chart(&self, d: &Dashboard) -> String {
        charts::columns(
            "activity",
            "Mentor applications and mentorship requests by month",
            &d.months,
            &[
                ("Mentor applications", d.applications_per_month.clone()),
                ("Mentorship requests", d.requests_per_month.clone()),
            ],
        )
    }

    fn match_chart(&self, d: &Dashboard) -> String {
        let rows: Vec<(String, f64, String)> = d
            .time_to_match
            .iter()
            .map(|b| (b.label.clone(), b.count as f64, b.count.to_string()))
            .collect();
        charts::bars("match", "Time from request to match", &rows, None)
    }

    fn rank_chart(&self, d: &Dashboard) -> String {
        let rows: Vec<(String, f64, String)> = d
            .acceptance_by_rank
            .iter()
            .map(|r| {
                (
                    r.rank.clone(),
                    r.rate.unwrap_or(0.0) * 100.0,
                    self.rate(&r.rate),
                )
            })
            .collect();
        charts::bars(
            "rank",
            "Acceptance rate by the mentee's choice",
            &rows,
            Some(100.0),
        )
    }

    fn phase_chart(&self, d: &Dashboard) -> String {
        let rows: Vec<(String, f64, String)> = d
            .relationships
            .iter()
            .map(|r| {
                (
                    format!("{}, {}", r.model, r.phase),
                    r.n as f64,
                    r.n.to_string(),
                )
            })
            .collect();
        charts::bars("phases", "Relationships by model and phase", &rows, None)
    }

    fn capacity_chart(&self, d: &Dashboard) -> String {
        let c = &d.capacity;
        let free = c.places - c.taken;
        charts::bars(
            "capacity",
            "Mentor places",
            &[
                ("Places taken".into(), c.taken as f64, c.taken.to_string()),
                ("Places free".into(), free as f64, free.to_string()),
            ],
            Some(c.places.max(1) as f64),
        )
    }

    /// Whether any question has an average to draw.
    fn has_evaluation_results(&self, d: &Dashboard) -> bool {
        d.evaluations
            .questions
            .iter()
            .any(|(_, r)| r.iter().any(|q| q.average.is_some()))
    }

    fn evaluation_chart(&self, d: &Dashboard) -> String {
        let series: Vec<(String, Vec<Option<f64>>)> = d
            .evaluations
            .questions
            .iter()
            .map(|(label, r)| (label.clone(), r.iter().map(|q| q.average).collect()))
            .collect();
        charts::lines(
            "evaluations",
            "Evaluation results by quarter",
            &d.evaluations.quarters,
            &series,
            5.0,
        )
    }

    fn rate(&self, r: &Option<f64>) -> String {
        r.map_or_else(|| "no offers".into(), |r| format!("{:.0}%", r * 100.0))
    }

    fn average(&self, a: &Option<f64>) -> String {
        a.map_or_else(|| "not enough answers".into(), |a| format!("{a:.1}"))
    }

    fn median(&self, d: &Dashboard) -> String {
        d.median_days_to_match
            .map_or_else(|| "none matched yet".into(), |m| format!("{m:.1} days"))
    }
}

async fn dashboard(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(filter): Query<Filter>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let f = FormState::with(&[
        ("from", filter.from.as_deref().unwrap_or("")),
        ("to", filter.to.as_deref().unwrap_or("")),
        ("cohort", filter.cohort.as_deref().unwrap_or("")),
    ]);
    let query = query_string(&filter);
    match act::dashboard(&s, &me, &p, &filter).await {
        Ok(d) => Ok(ok(&DashboardPage {
            c,
            p,
            f,
            d: Some(d),
            query,
        })),
        Err(e @ trellis_app::AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &DashboardPage {
                c,
                p,
                f: f.failed(&e),
                d: None,
                query,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

fn query_string(f: &Filter) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("from", &f.from), ("to", &f.to), ("cohort", &f.cohort)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            ));
        }
    }
    parts.join("&")
}

async fn report(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
    Path((slug, name)): Path<(String, String)>,
    Query(filter): Query<Filter>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let csv = act::report(&s, &me, &p, &name, &filter).await?;
    Ok(crate::copies::download(
        crate::copies::csv_body(csv),
        crate::copies::CSV,
        &format!("{slug}-{name}"),
    ))
}
