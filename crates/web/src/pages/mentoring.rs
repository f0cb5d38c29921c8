//! Pages for mentor applications, the director's review, the directory, a mentor's own
//! listing and the refresh confirmation.

use super::filters;
use super::{
    Chrome, FormPost, FormState, MessagePage, NoFields, PageError, PageResult, SignedIn, Visitor,
    ok, render,
};

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
use trellis_app::mentors::{self as act, DirectoryQuery, ListingChange, Taxonomy};
use trellis_app::mentors::{ApplicationEvent, ApplicationRow, MentorRow, list_of};
use trellis_app::programmes::Programme;
use trellis_app::programmes::{find, find_as};
use trellis_app::taxonomy::{AUDIENCE, EXPERTISE, Term};
use trellis_domain::application::{self, ApplicationInput, TargetStatus};
use trellis_domain::directory_index::MAX_COUNT;
use trellis_domain::profile::CHANNELS;
use trellis_domain::role::{StaffRole, Standing};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{slug}/apply", get(apply_form).post(apply))
        .route("/programmes/{slug}/applications", get(queue))
        .route("/applications/{id}", get(show_application))
        .route("/applications/{id}/decision", post(decide))
        .route("/applications/{id}/answer", get(answer_form).post(answer))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route("/programmes/{slug}/mentors", get(directory))
        .route("/programmes/{slug}/mentors/{user_id}", get(mentor_profile))
        .route(
            "/programmes/{slug}/mentoring",
            get(listing).post(change_listing),
        )
        .route("/refresh/confirm", get(confirm_refresh))
}

// ---- Application form ----

#[derive(Template)]
#[template(path = "mentoring/apply.html")]
struct ApplyPage {
    c: Chrome,
    f: FormState,
    p: Programme,
    tax: Taxonomy,
    channels: &'static [(&'static str, &'static str)],
    /// Set when answering the director's question.
    answering: Option<(i64, String)>,
}

/// The application form's fields as typed (checkbox groups repeat their name).
#[derive(Deserialize, Default)]
struct ApplicationForm {
    #[serde(default)]
    audiences: Vec<String>,
    #[serde(default)]
    expertise: Vec<String>,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    background: String,
    #[serde(default)]
    training_course_date: String,
    #[serde(default)]
    training_equivalent: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    hours_per_month: String,
    #[serde(default)]
    channels: Vec<String>,
    #[serde(default)]
    languages: String,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    answer: String,
}

fn split_commas(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ApplicationForm {
    fn input(&self) -> ApplicationInput {
        // An id that is not a number cannot be one of the programme's: -1 is reported as unknown.
        let ids = |v: &[String]| {
            v.iter()
                .map(|x| x.trim().parse::<i64>().unwrap_or(-1))
                .collect()
        };
        ApplicationInput {
            audiences: ids(&self.audiences),
            expertise: ids(&self.expertise),
            tags: split_commas(&self.tags),
            background: self.background.clone(),
            training_course_date: Some(self.training_course_date.clone()),
            training_equivalent: self.training_equivalent.clone(),
            capacity: self.capacity.trim().parse().ok(),
            hours_per_month: self.hours_per_month.trim().parse().ok(),
            channels: self.channels.clone(),
            languages: split_commas(&self.languages),
            availability: self.availability.clone(),
        }
    }

    fn state(&self) -> FormState {
        FormState::with(&[
            ("audiences", &self.audiences.join("\n")),
            ("expertise", &self.expertise.join("\n")),
            ("tags", &self.tags),
            ("background", &self.background),
            ("training_course_date", &self.training_course_date),
            ("training_equivalent", &self.training_equivalent),
            ("capacity", &self.capacity),
            ("hours_per_month", &self.hours_per_month),
            ("channels", &self.channels.join("\n")),
            ("languages", &self.languages),
            ("availability", &self.availability),
            ("answer", &self.answer),
        ])
    }

    fn from_details(d: &application::ApplicationDetails) -> Self {
        let ids = |v: &[i64]| v.iter().map(ToString::to_string).collect();
        Self {
            audiences: ids(&d.audiences),
            expertise: ids(&d.expertise),
            tags: d.tags.join(", "),
            background: d.background.clone(),
            training_course_date: d
                .training_course_date
                .map(|x| x.to_string())
                .unwrap_or_default(),
            training_equivalent: d.training_equivalent.clone().unwrap_or_default(),
            capacity: d.capacity.to_string(),
            hours_per_month: d.hours_per_month.to_string(),
            channels: d.channels.clone(),
            languages: d.languages.join(", "),
            availability: d.availability.clone().unwrap_or_default(),
            ..Self::default()
        }
    }
}

async fn apply_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let tax = act::taxonomy(&s, &p).await?;
    let mut f = ApplicationForm {
        capacity: p.default_mentor_capacity.to_string(),
        ..Default::default()
    };
    if let Some(langs) = Some(me.user.profile().languages).filter(|l| !l.is_empty()) {
        f.languages = langs.join(", ");
    }
    f.channels = me.user.profile().channels;
    Ok(ok(&ApplyPage {
        c,
        f: f.state(),
        p,
        tax,
        channels: &CHANNELS,
        answering: None,
    }))
}

async fn apply(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form }: FormPost<ApplicationForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    match act::apply(&s, &me, &p, &form.input()).await {
        Ok(a) if a.state() == application::State::Approved => {
            Ok(Redirect::to(&format!("/programmes/{}/mentoring?listed=1", p.slug)).into_response())
        }
        Ok(a) => Ok(Redirect::to(&format!("/applications/{}?sent=1", a.id)).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let tax = act::taxonomy(&s, &p).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ApplyPage {
                    c,
                    f: form.state().failed(&e),
                    p,
                    tax,
                    channels: &CHANNELS,
                    answering: None,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- One application ----

#[derive(Template)]
#[template(path = "mentoring/application.html")]
struct ApplicationPage {
    c: Chrome,
    f: FormState,
    a: ApplicationRow,
    p: Programme,
    state: application::State,
    details: Option<application::ApplicationDetails>,
    tax: Taxonomy,
    history: Vec<ApplicationEvent>,
    is_applicant: bool,
    may_decide: bool,
    target: String,
    target_status: Option<TargetStatus>,
    sent: bool,
}

impl ApplicationPage {
    fn labels(&self, ids: &[i64]) -> String {
        ids.iter()
            .filter_map(|id| self.tax.label(*id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn channel_labels(&self, keys: &[String]) -> String {
        keys.iter()
            .filter_map(|k| CHANNELS.iter().find(|(c, _)| c == k).map(|(_, l)| *l))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Deserialize)]
struct SentQuery {
    sent: Option<String>,
}

async fn application_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: FormState,
    sent: bool,
) -> Result<ApplicationPage, PageError> {
    let (a, p, st) = act::visible_application(s, me, id).await?;
    let tax = taxonomy_with_retired(s, &p).await?;
    let history = act::history(s, &a).await?;
    let state = a.state();
    let due = application::target_date(a.submitted_at, p.application_target_days);
    Ok(ApplicationPage {
        f,
        details: a.details(),
        is_applicant: a.user_id == me.id(),
        may_decide: (st.is_admin || st.holds(StaffRole::Director)) && state.awaits_director(),
        target: trellis_domain::dates::day(due),
        target_status: state.is_open().then(|| {
            application::target_status(a.submitted_at, p.application_target_days, s.now())
        }),
        state,
        history,
        tax,
        a,
        p,
        c,
        sent,
    })
}

/// Labels for every term, retired ones too, so old applications still read well.
async fn taxonomy_with_retired(s: &AppState, p: &Programme) -> Result<Taxonomy, PageError> {
    Ok(trellis_app::taxonomy::with_retired(s, p).await?)
}

async fn show_application(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<SentQuery>,
) -> PageResult {
    Ok(ok(&application_page(
        &s,
        &me,
        c.clone(),
        id,
        FormState::default(),
        q.sent.is_some(),
    )
    .await?))
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    message: String,
}

async fn decide(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<DecisionForm>,
) -> PageResult {
    match act::decide(&s, &me, id, &f.decision, &f.message).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form =
                FormState::with(&[("decision", &f.decision), ("message", &f.message)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &application_page(&s, &me, c.clone(), id, form, false).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn answer_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let (a, p, _) = act::visible_application(&s, &me, id).await?;
    if a.user_id != me.id() || a.state() != application::State::ClarificationRequested {
        return Ok(Redirect::to(&format!("/applications/{id}")).into_response());
    }
    let question = last_question(&act::history(&s, &a).await?);
    let f = a
        .details()
        .map(|d| ApplicationForm::from_details(&d))
        .unwrap_or_default();
    let tax = act::taxonomy(&s, &p).await?;
    Ok(ok(&ApplyPage {
        c,
        f: f.state(),
        p,
        tax,
        channels: &CHANNELS,
        answering: Some((id, question)),
    }))
}

fn last_question(events: &[ApplicationEvent]) -> String {
    events
        .iter()
        .rev()
        .find(|e| e.kind == application::State::ClarificationRequested)
        .and_then(|e| e.message.clone())
        .unwrap_or_default()
}

async fn answer(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form }: FormPost<ApplicationForm>,
) -> PageResult {
    match act::resubmit(&s, &me, id, &form.answer, &form.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}?sent=1")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let (a, p, _) = act::visible_application(&s, &me, id).await?;
            let question = last_question(&act::history(&s, &a).await?);
            let tax = act::taxonomy(&s, &p).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ApplyPage {
                    c,
                    f: form.state().failed(&e),
                    p,
                    tax,
                    channels: &CHANNELS,
                    answering: Some((id, question)),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn withdraw(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    act::withdraw(&s, &me, id).await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}

// ---- The director's queue ----

#[derive(Template)]
#[template(path = "mentoring/queue.html")]
struct QueuePage {
    c: Chrome,
    p: Programme,
    rows: Vec<(ApplicationRow, String, TargetStatus)>,
}

async fn queue(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let apps = act::queue(&s, &me, &p).await?;
    let now = s.now();
    let rows = apps
        .into_iter()
        .map(|a| {
            let due = trellis_domain::dates::day(application::target_date(
                a.submitted_at,
                p.application_target_days,
            ));
            let st = application::target_status(a.submitted_at, p.application_target_days, now);
            (a, due, st)
        })
        .collect();
    Ok(ok(&QueuePage { c, p, rows }))
}

// ---- The directory ----

#[derive(Template)]
#[template(path = "mentoring/directory.html")]
struct DirectoryPage {
    c: Chrome,
    f: FormState,
    p: Programme,
    tax: Taxonomy,
    total: i64,
    /// More matches than were counted (`total` is then the cap).
    capped: bool,
    results: Vec<(MentorRow, Vec<Term>)>,
    page: u64,
    pages: u64,
    query_base: String,
    /// The viewer, and the mentors on their shortlist.
    me: i64,
    picked: Vec<i64>,
    back: String,
}

async fn directory(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<DirectoryQuery>,
) -> PageResult {
    let (p, st) = find_as(&s, &slug, &me).await?;
    act::require_directory_access(&p, &st)?;
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut f = FormState::with(&[
        ("q", &q.q),
        ("audience", &opt(&q.audience)),
        ("expertise", &opt(&q.expertise)),
        ("availability", &opt(&q.availability)),
        ("language", &opt(&q.language)),
        ("place", &opt(&q.place)),
        ("sort", &opt(&q.sort)),
    ]);
    let query_base = serde_urlencoded::to_string(
        [
            "q",
            "audience",
            "expertise",
            "availability",
            "language",
            "place",
            "sort",
        ]
        .iter()
        .map(|k| (*k, f.v(k).to_owned()))
        .filter(|(_, v)| !v.is_empty())
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let picked = picked(&s, &p, &me).await?;
    let back = format!(
        "/programmes/{}/mentors?{query_base}&page={}",
        p.slug,
        q.page()
    );
    match act::search(&s, &p, &st, &q).await {
        Ok(page) => {
            // Every term, retired ones too (mentors who chose one keep it), labels the results
            // from the ids the index hands back; the form offers the ones in use.
            let all = trellis_app::taxonomy::with_retired(&s, &p).await?;
            let every: Vec<Term> = all.audiences.into_iter().chain(all.expertise).collect();
            let tax = Taxonomy {
                audiences: every
                    .iter()
                    .filter(|t| t.kind == AUDIENCE && !t.retired)
                    .cloned()
                    .collect(),
                expertise: every
                    .iter()
                    .filter(|t| t.kind == EXPERTISE && !t.retired)
                    .cloned()
                    .collect(),
            };
            let capped = page.more_than_counted();
            let results = page
                .mentors
                .iter()
                .zip(&page.terms)
                .map(|(m, ids)| {
                    let terms = every
                        .iter()
                        .filter(|t| ids.contains(&t.id))
                        .cloned()
                        .collect();
                    (m.row.clone(), terms)
                })
                .collect();
            let total = if capped {
                i64::try_from(MAX_COUNT).unwrap_or(i64::MAX)
            } else {
                page.total
            };
            let pages = u64::try_from(total)
                .unwrap_or(0)
                .div_ceil(q.per_page())
                .max(1);
            Ok(ok(&DirectoryPage {
                c,
                f,
                p,
                tax,
                total,
                capped,
                results,
                page: q.page(),
                pages,
                query_base,
                me: me.id(),
                picked,
                back,
            }))
        }
        Err(e @ AppError::Invalid(_)) => {
            f = f.failed(&e);
            let tax = act::taxonomy(&s, &p).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DirectoryPage {
                    c,
                    f,
                    p,
                    tax,
                    total: 0,
                    capped: false,
                    results: Vec::new(),
                    page: 1,
                    pages: 1,
                    query_base,
                    me: me.id(),
                    picked,
                    back,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The mentors on the member's shortlist (to mark them "Chosen").
async fn picked(s: &AppState, p: &Programme, me: &Actor) -> Result<Vec<i64>, PageError> {
    Ok(trellis_app::requests::picks(s, me, p)
        .await?
        .into_iter()
        .map(|x| x.mentor_id)
        .collect())
}

#[derive(Template)]
#[template(path = "mentoring/mentor.html")]
struct MentorPage {
    c: Chrome,
    p: Programme,
    m: MentorRow,
    terms: Vec<Term>,
    me: i64,
    picked: Vec<i64>,
    back: String,
}

impl MentorPage {
    fn channel_labels(&self) -> String {
        list_of(&self.m.channels)
            .iter()
            .filter_map(|k| CHANNELS.iter().find(|(c, _)| c == k).map(|(_, l)| *l))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn mentor_profile(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((slug, user_id)): Path<(String, i64)>,
) -> PageResult {
    let (p, st) = find_as(&s, &slug, &me).await?;
    let (m, terms) = act::profile(&s, &me, &p, &st, user_id).await?;
    let picked = picked(&s, &p, &me).await?;
    let back = format!("/programmes/{}/mentors/{}", p.slug, m.user_id);
    Ok(ok(&MentorPage {
        c,
        p,
        m,
        terms,
        me: me.id(),
        picked,
        back,
    }))
}

// ---- A mentor's own listing ----

#[derive(Template)]
#[template(path = "mentoring/listing.html")]
struct ListingPage {
    c: Chrome,
    f: FormState,
    p: Programme,
    m: Option<MentorRow>,
    applications: Vec<ApplicationRow>,
    refresh_pending: bool,
    notice: Option<&'static str>,
    standing: Standing,
}

#[derive(Deserialize)]
struct ListingQuery {
    listed: Option<String>,
    saved: Option<String>,
}

async fn listing_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    p: Programme,
    f: FormState,
    notice: Option<&'static str>,
) -> Result<ListingPage, PageError> {
    let act::MyListing {
        mentor: m,
        refresh_pending,
        applications,
    } = act::my_listing(s, me, &p).await?;
    let standing = trellis_app::programmes::standing(s, &p, me).await?;
    Ok(ListingPage {
        c: c.clone(),
        f,
        p,
        m,
        applications,
        refresh_pending,
        notice,
        standing,
    })
}

async fn listing(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<ListingQuery>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let notice = if q.listed.is_some() {
        Some("You are now listed in the mentor directory.")
    } else if q.saved.is_some() {
        Some("Your listing has been updated.")
    } else {
        None
    };
    Ok(ok(&listing_page(
        &s,
        &me,
        c.clone(),
        p,
        FormState::default(),
        notice,
    )
    .await?))
}

#[derive(Deserialize)]
struct ListingForm {
    /// Which form on the page: availability, capacity, leave, rejoin, confirm.
    #[serde(default)]
    change: String,
    #[serde(default)]
    available: String,
    #[serde(default)]
    unavailable_until: String,
    #[serde(default)]
    capacity: String,
}

async fn change_listing(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<ListingForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let change = match f.change.as_str() {
        "availability" => ListingChange {
            available: Some(f.available != "no"),
            unavailable_until: (f.available == "no").then(|| f.unavailable_until.clone()),
            ..Default::default()
        },
        "capacity" => match f.capacity.trim().parse::<i32>() {
            Ok(n) => ListingChange {
                capacity: Some(n),
                ..Default::default()
            },
            Err(_) => ListingChange {
                capacity: Some(0),
                ..Default::default()
            },
        },
        "leave" => ListingChange {
            listed: Some(false),
            ..Default::default()
        },
        "rejoin" | "confirm" => ListingChange {
            listed: Some(true),
            ..Default::default()
        },
        _ => {
            return Err(PageError::from(crate::error::WebError::BadRequest(
                "Unknown change".into(),
            )));
        }
    };
    match act::change_listing(&s, &me, &p, &change).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/programmes/{}/mentoring?saved=1", p.slug)).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let form = FormState::with(&[
                ("available", &f.available),
                ("unavailable_until", &f.unavailable_until),
                ("capacity", &f.capacity),
            ])
            .failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &listing_page(&s, &me, c.clone(), p, form, None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- Refresh ----

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The one-click link from the refresh email.
async fn confirm_refresh(
    State(s): State<AppState>,
    Visitor { me: who, c }: Visitor,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let r = act::confirm_refresh(&s, who.as_ref(), &q.token).await?;
    let text = if r.relisted {
        format!(
            "Thank you: you are listed again in the {} mentor directory.",
            r.programme_name
        )
    } else {
        format!(
            "Thank you: you stay listed in the {} mentor directory for another year.",
            r.programme_name
        )
    };
    Ok(ok(&MessagePage {
        c,
        title: "Listing confirmed".into(),
        paragraphs: vec![text],
        link: Some((
            format!("/programmes/{}/mentoring", r.programme_slug),
            "Manage your mentor listing".into(),
        )),
    }))
}
