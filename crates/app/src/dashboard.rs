//! A programme's dashboard and its reports for the office, the mentorship director and admins:
//! figures from dates, states, counts and ratings (averages only where at least 5 answers
//! exist), and a list of relationships with their status. Never what members wrote.

use crate::Actor;
use crate::App;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use trellis_domain::dashboard::{
    self as figures, EvaluationFigures, MATCH_BUCKETS, Range, RankRate, RequestFacts,
};
use trellis_store::programmes::Programme;
use trellis_store::reports::{self as store, Capacity, PhaseCount, Window};

/// What the dashboard is asked for: a period (YYYY-MM-DD, both ends included; by default the
/// last twelve months) and a cohort (an intake year).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub cohort: Option<String>,
}

/// A count with its label.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Bucket {
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cohort: Option<i32>,
    /// "Jan 2026" … for each month of the period.
    pub months: Vec<String>,
    pub applications_per_month: Vec<u64>,
    pub requests_per_month: Vec<u64>,
    /// Matched requests by days from request to acceptance.
    pub time_to_match: Vec<Bucket>,
    pub median_days_to_match: Option<f64>,
    /// Offers made and accepted by the mentee's rank of the mentor (and the director's offers).
    #[schema(value_type = Vec<Object>)]
    pub acceptance_by_rank: Vec<RankRate>,
    /// Relationships by model and current phase.
    #[schema(value_type = Vec<Object>)]
    pub relationships: Vec<PhaseCount>,
    /// Listed mentors' places, now.
    #[schema(value_type = Object)]
    pub capacity: Capacity,
    /// Averages per question and quarter; `average` is null ("not enough answers") under 5.
    #[schema(value_type = Object)]
    pub evaluations: EvaluationFigures,
}

/// The parsed filter: the period and the cohort's window.
pub struct Scope {
    pub range: Range,
    pub cohort: Option<i32>,
}

impl Scope {
    pub fn parse(f: &Filter, today: NaiveDate) -> AppResult<Self> {
        Ok(Self {
            range: Range::parse(f.from.as_deref(), f.to.as_deref(), today)?,
            cohort: figures::parse_cohort(f.cohort.as_deref())?,
        })
    }

    fn period(&self) -> Window {
        (self.range.start(), self.range.end())
    }

    pub fn cohort_window(&self) -> Option<Window> {
        self.cohort.map(|y| {
            let start = |y| {
                Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0)
                    .single()
                    .unwrap_or_default()
            };
            (start(y), start(y + 1))
        })
    }
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn dashboard(s: &App, who: &Actor, p: &Programme, f: &Filter) -> AppResult<Dashboard> {
    crate::programmes::require_office(s, who, p).await?;
    let scope = Scope::parse(f, s.now().date_naive())?;
    let db = &s.store.db;
    let range = &scope.range;
    let cohort = scope.cohort_window();
    let applications = store::application_times(db, p.id, scope.period()).await?;
    let requests = store::requests(db, p.id, scope.period(), cohort)
        .await?
        .into_iter()
        .map(|r| {
            Ok(RequestFacts {
                created_at: r.created_at,
                cascade: serde_json::from_str(&r.cascade)
                    .map_err(|e| AppError::internal(anyhow::anyhow!("a request's cascade: {e}")))?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let req = figures::request_figures(range, &requests, p.choices_per_request as usize);
    let ratings: Vec<figures::Rating> = store::ratings(db, p.id, scope.period(), cohort)
        .await?
        .into_iter()
        .map(|r| figures::Rating {
            at: r.at,
            question: r.question,
            rating: r.rating,
        })
        .collect();
    Ok(Dashboard {
        from: range.from,
        to: range.to,
        cohort: scope.cohort,
        months: range
            .months()
            .into_iter()
            .map(|(y, m)| figures::month_label(y, m))
            .collect(),
        applications_per_month: figures::per_month(range, &applications),
        requests_per_month: req.per_month,
        time_to_match: MATCH_BUCKETS
            .iter()
            .zip(req.time_to_match)
            .map(|((label, ..), count)| Bucket {
                label: (*label).to_owned(),
                count,
            })
            .collect(),
        median_days_to_match: req.median_days_to_match,
        acceptance_by_rank: req.by_rank,
        relationships: store::relationships_by_phase(db, p.id, range.end(), cohort).await?,
        capacity: store::capacity(db, p.id).await?,
        evaluations: figures::evaluation_figures(range, &ratings),
    })
}

fn csv_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("writing CSV: {e}"))
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}", r * 100.0)).unwrap_or_default()
}

/// The dashboard's figures as one CSV table: `section,label,period,value,answers`.
pub fn figures_csv(d: &Dashboard) -> AppResult<Vec<u8>> {
    let mut w = trellis_domain::spreadsheet::Writer::new(Vec::new());
    let mut row = |section: &str, label: &str, period: &str, value: String, answers: String| {
        w.row([section, label, period, &value, &answers])
    };
    row(
        "section",
        "label",
        "period",
        "value".into(),
        "answers".into(),
    )
    .map_err(csv_err)?;
    for (i, m) in d.months.iter().enumerate() {
        row(
            "applications",
            "mentor applications",
            m,
            d.applications_per_month[i].to_string(),
            String::new(),
        )
        .map_err(csv_err)?;
        row(
            "requests",
            "mentorship requests",
            m,
            d.requests_per_month[i].to_string(),
            String::new(),
        )
        .map_err(csv_err)?;
    }
    for b in &d.time_to_match {
        row(
            "time_to_match",
            &b.label,
            "",
            b.count.to_string(),
            String::new(),
        )
        .map_err(csv_err)?;
    }
    row(
        "time_to_match",
        "median days",
        "",
        d.median_days_to_match
            .map(|m| format!("{m:.1}"))
            .unwrap_or_default(),
        String::new(),
    )
    .map_err(csv_err)?;
    for r in &d.acceptance_by_rank {
        row("offers", &r.rank, "", r.offered.to_string(), String::new()).map_err(csv_err)?;
        row(
            "accepted",
            &r.rank,
            "",
            r.accepted.to_string(),
            String::new(),
        )
        .map_err(csv_err)?;
        row(
            "acceptance_rate_percent",
            &r.rank,
            "",
            pct(r.rate),
            String::new(),
        )
        .map_err(csv_err)?;
    }
    for r in &d.relationships {
        row(
            "relationships",
            &format!("{} / {}", r.model, r.phase),
            "",
            r.n.to_string(),
            String::new(),
        )
        .map_err(csv_err)?;
    }
    let c = &d.capacity;
    for (label, v) in [
        ("listed mentors", c.mentors),
        ("places", c.places),
        ("places taken", c.taken),
        ("mentors full", c.full),
        ("mentors with no mentee", c.idle),
    ] {
        row("capacity", label, "", v.to_string(), String::new()).map_err(csv_err)?;
    }
    for (label, results) in &d.evaluations.questions {
        for (q, r) in d.evaluations.quarters.iter().zip(results) {
            row(
                "evaluation_average",
                label,
                q,
                r.average.map(|a| format!("{a:.2}")).unwrap_or_default(),
                r.answers.to_string(),
            )
            .map_err(csv_err)?;
        }
    }
    w.into_inner()
        .map_err(|e| AppError::internal(anyhow::anyhow!("writing CSV: {e}")))
}

/// One of the reports as a CSV body, for the office: the figures, or the relationships
/// (streamed page by page).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn report(
    s: &App,
    who: &Actor,
    p: &Programme,
    name: &str,
    f: &Filter,
) -> AppResult<crate::exports::Csv> {
    match name {
        "figures.csv" => Ok(crate::exports::Csv::Ready(figures_csv(
            &dashboard(s, who, p, f).await?,
        )?)),
        "relationships.csv" => {
            let scope = Scope::parse(f, s.now().date_naive())?;
            let what = crate::exports::Export::Relationships {
                cohort: scope.cohort_window(),
            };
            Ok(crate::exports::Csv::Paged(
                crate::exports::for_staff(s, who, p, what).await?,
            ))
        }
        _ => Err(AppError::NotFound("report")),
    }
}
