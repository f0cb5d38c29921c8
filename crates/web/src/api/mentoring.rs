use super::extract::{ApiUser, ApiUserIn, MaybeUserApi};
use super::json::{ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use trellis_app::AppError;
use trellis_app::mentors::{self as act, DirectoryQuery, ListingChange, Taxonomy};
use trellis_app::mentors::{ApplicationEvent, ApplicationRow, MentorRow};
use trellis_app::programmes::find;
use trellis_app::taxonomy::{self, Term};
use trellis_domain::application::{self, ApplicationInput};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TermOut {
    id: i64,
    label: String,
}

fn terms(v: &[Term]) -> Vec<TermOut> {
    v.iter()
        .map(|t| TermOut {
            id: t.id,
            label: t.label.clone(),
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct TaxonomyOut {
    /// "Who I can mentor": career stages and professions.
    audiences: Vec<TermOut>,
    expertise: Vec<TermOut>,
}

fn taxonomy_out(t: &Taxonomy) -> TaxonomyOut {
    TaxonomyOut {
        audiences: terms(&t.audiences),
        expertise: terms(&t.expertise),
    }
}

/// The programme's taxonomies, for application forms and directory filters (public).
#[utoipa::path(get, path = "/programmes/{slug}/taxonomy", tag = "mentoring", params(("slug" = String, Path)),
    responses((status = 200, body = TaxonomyOut), (status = 404, body = ErrorBody)))]
pub async fn get_taxonomy(
    State(s): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<TaxonomyOut>> {
    let p = find(&s, &slug).await?;
    Ok(Json(taxonomy_out(&act::taxonomy(&s, &p).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct NewTermBody {
    /// audience or expertise
    kind: String,
    label: String,
}

/// Add a term to a taxonomy (installation admin).
#[utoipa::path(post, path = "/programmes/{slug}/taxonomy", tag = "mentoring", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = NewTermBody, responses((status = 201, body = TaxonomyOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_term(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<NewTermBody>,
) -> ApiResult<(StatusCode, Json<TaxonomyOut>)> {
    let p = find(&s, &slug).await?;
    trellis_app::taxonomy::add(&s, &me, &p, &b.kind, &b.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(taxonomy_out(&act::taxonomy(&s, &p).await?)),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct TermPatch {
    label: Option<String>,
    /// A retired term is no longer offered; mentors who chose it keep it.
    retired: Option<bool>,
}

/// Rename or retire a term (installation admin).
#[utoipa::path(patch, path = "/programmes/{slug}/taxonomy/{id}", tag = "mentoring", security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = TermPatch,
    responses((status = 200, body = TaxonomyOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_term(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    ApiJson(b): ApiJson<TermPatch>,
) -> ApiResult<Json<TaxonomyOut>> {
    let p = find(&s, &slug).await?;
    trellis_app::taxonomy::change(&s, &me, &p, id, b.label.as_deref(), b.retired).await?;
    Ok(Json(taxonomy_out(&act::taxonomy(&s, &p).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationOut {
    id: i64,
    programme_id: i64,
    applicant_id: i64,
    applicant_name: String,
    /// submitted, clarification_requested, resubmitted, approved, declined, withdrawn
    state: String,
    state_label: String,
    submitted_at: DateTime<Utc>,
    /// The programme's decision target.
    target_date: DateTime<Utc>,
    /// on_track, near or overdue while open.
    target_status: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    decision_note: Option<String>,
    #[schema(value_type = Option<Object>)]
    details: Option<application::ApplicationDetails>,
    history: Vec<EventOut>,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    at: DateTime<Utc>,
    by: Option<String>,
    kind: String,
    message: Option<String>,
}

fn application_out(
    s: &AppState,
    a: &ApplicationRow,
    target_days: i32,
    history: Vec<ApplicationEvent>,
) -> ApplicationOut {
    let st = a.state();
    ApplicationOut {
        id: a.id,
        programme_id: a.programme_id,
        applicant_id: a.user_id,
        applicant_name: a.applicant_name.clone(),
        state: st.as_str().into(),
        state_label: st.label().into(),
        submitted_at: a.submitted_at,
        target_date: application::target_date(a.submitted_at, target_days),
        target_status: st.is_open().then(|| {
            serde_json::to_value(application::target_status(
                a.submitted_at,
                target_days,
                s.now(),
            ))
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
        }),
        decided_at: a.decided_at,
        decision_note: a.decision_note.clone(),
        details: a.details(),
        history: history
            .into_iter()
            .map(|e| EventOut {
                at: e.at,
                by: e.actor_name,
                kind: e.kind.as_str().to_owned(),
                message: e.message,
            })
            .collect(),
    }
}

/// Apply to mentor in a programme. Programmes that do not review mentors list you at once.
#[utoipa::path(post, path = "/programmes/{slug}/mentor-applications", tag = "mentoring", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body(content = Object, description = "audiences, expertise (term ids), tags, background, training_course_date or training_equivalent, capacity (1-20), hours_per_month, channels, languages, availability"),
    responses((status = 201, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 409, description = "already applied or already a mentor", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<ApplicationInput>,
) -> ApiResult<(StatusCode, Json<ApplicationOut>)> {
    let p = find(&s, &slug).await?;
    let a = act::apply(&s, &me, &p, &b).await?;
    let history = act::history(&s, &a).await?;
    Ok((
        StatusCode::CREATED,
        Json(application_out(&s, &a, p.application_target_days, history)),
    ))
}

/// The open applications, oldest first, with their targets (director, office, admin); or, for
/// anyone else, their own applications to this programme.
#[utoipa::path(get, path = "/programmes/{slug}/mentor-applications", tag = "mentoring", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = [ApplicationOut]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<ApplicationOut>>> {
    let p = find(&s, &slug).await?;
    let rows = match act::queue(&s, &me, &p).await {
        Ok(rows) => rows,
        Err(AppError::Forbidden(_)) => act::my_applications(&s, &me, &p).await?,
        Err(e) => return Err(e.into()),
    };
    Ok(Json(
        rows.iter()
            .map(|a| application_out(&s, a, p.application_target_days, Vec::new()))
            .collect(),
    ))
}

/// One application with its history (its applicant, the director, the office, admins).
#[utoipa::path(get, path = "/mentor-applications/{id}", tag = "mentoring", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationOut), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ApplicationOut>> {
    let (a, p, _) = act::visible_application(&s, &me, id).await?;
    let history = act::history(&s, &a).await?;
    Ok(Json(application_out(
        &s,
        &a,
        p.application_target_days,
        history,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    /// approve, clarify or decline
    decision: String,
    /// The question (clarify) or the reason (decline).
    #[serde(default)]
    message: String,
}

/// The director decides: approve, ask for clarification, or decline with a reason.
#[utoipa::path(post, path = "/mentor-applications/{id}/decision", tag = "mentoring", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = DecisionBody,
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "already decided", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decision(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult<Json<ApplicationOut>> {
    let a = act::decide(&s, &me, id, &b.decision, &b.message).await?;
    let p = trellis_app::programmes::find_by_id(&s, a.programme_id).await?;
    let history = act::history(&s, &a).await?;
    Ok(Json(application_out(
        &s,
        &a,
        p.application_target_days,
        history,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct ResubmitBody {
    /// The answer to the director's question.
    answer: String,
    #[schema(value_type = Object)]
    application: ApplicationInput,
}

/// The applicant answers the director's question, with an updated application.
#[utoipa::path(post, path = "/mentor-applications/{id}/resubmit", tag = "mentoring", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ResubmitBody,
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resubmit(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResubmitBody>,
) -> ApiResult<Json<ApplicationOut>> {
    let a = act::resubmit(&s, &me, id, &b.answer, &b.application).await?;
    let p = trellis_app::programmes::find_by_id(&s, a.programme_id).await?;
    let history = act::history(&s, &a).await?;
    Ok(Json(application_out(
        &s,
        &a,
        p.application_target_days,
        history,
    )))
}

/// The applicant withdraws an open application.
#[utoipa::path(post, path = "/mentor-applications/{id}/withdraw", tag = "mentoring", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ApplicationOut>> {
    let a = act::withdraw(&s, &me, id).await?;
    let p = trellis_app::programmes::find_by_id(&s, a.programme_id).await?;
    let history = act::history(&s, &a).await?;
    Ok(Json(application_out(
        &s,
        &a,
        p.application_target_days,
        history,
    )))
}

/// A mentor as the API shows them, borrowed from the stored row (a directory page
/// serialises twenty of these per request, so nothing is copied on the way to JSON).
#[derive(Serialize, ToSchema)]
pub struct MentorOut<'a> {
    user_id: i64,
    name: &'a str,
    pronouns: Option<&'a str>,
    organisation: Option<&'a str>,
    title: Option<&'a str>,
    location: Option<&'a str>,
    time_zone: Option<&'a str>,
    background: &'a str,
    #[schema(value_type = Vec<String>)]
    tags: Lines<'a>,
    #[schema(value_type = Vec<String>)]
    languages: Lines<'a>,
    #[schema(value_type = Vec<String>)]
    channels: Lines<'a>,
    availability_note: Option<&'a str>,
    capacity: i32,
    free_places: i32,
    hours_per_month: i32,
    /// false: flagged as currently unavailable (still listed).
    available: bool,
    unavailable_until: Option<&'a str>,
    listed: bool,
}

/// A stored list (one entry a line) written as a JSON array of its entries.
pub struct Lines<'a>(&'a str);

impl Serialize for Lines<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(act::entries(self.0))
    }
}

pub fn mentor_out(m: &MentorRow) -> MentorOut<'_> {
    MentorOut {
        user_id: m.user_id,
        name: &m.name,
        pronouns: m.pronouns.as_deref(),
        organisation: m.organisation.as_deref(),
        title: m.title.as_deref(),
        location: m.location.as_deref(),
        time_zone: m.time_zone.as_deref(),
        background: &m.background,
        tags: Lines(&m.tags),
        languages: Lines(&m.languages),
        channels: Lines(&m.channels),
        availability_note: m.availability.as_deref(),
        capacity: m.capacity,
        free_places: m.free_places(),
        hours_per_month: m.hours_per_month,
        available: m.available,
        unavailable_until: m.unavailable_until.as_deref(),
        listed: m.listed,
    }
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryOut<'a> {
    /// Matching mentors; when `total_capped` is true, there are more than this many.
    total: i64,
    total_capped: bool,
    page: u64,
    per_page: u64,
    /// This page of them, in the order asked for.
    // Each written once by `mentor_json` and kept with the index's row.
    #[schema(value_type = Vec<MentorOut>)]
    mentors: Vec<&'a RawValue>,
}

/// A directory row as JSON, written once and kept by the index until the row changes.
fn mentor_json(m: &MentorRow) -> Box<RawValue> {
    // A struct of strings and numbers always serialises; `null` would only show a bug.
    serde_json::value::to_raw_value(&mentor_out(m)).unwrap_or_else(|e| {
        tracing::error!(error = %e, user_id = m.user_id, "writing a directory row");
        Box::default()
    })
}

/// Search the programme's mentor directory (its members only).
#[utoipa::path(get, path = "/programmes/{slug}/mentors", tag = "mentoring", security(("bearer" = [])), params(("slug" = String, Path), DirectoryQuery),
    responses((status = 200, body = DirectoryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn directory(
    State(s): State<AppState>,
    ApiUserIn {
        programme,
        standing,
        ..
    }: ApiUserIn,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> ApiResult<Response> {
    let page = act::search(&s, &programme, &standing, &q).await?;
    let capped = page.more_than_counted();
    let total = if capped {
        i64::try_from(trellis_domain::directory_index::MAX_COUNT).unwrap_or(i64::MAX)
    } else {
        page.total
    };
    let out = DirectoryOut {
        total,
        total_capped: capped,
        page: q.page(),
        per_page: q.per_page(),
        mentors: page.mentors.iter().map(|m| m.json(mentor_json)).collect(),
    };
    // Written into a buffer of the page's size (the kept rows plus room for the rest), not
    // one grown from empty as `Json` does.
    let room = out.mentors.iter().map(|m| m.get().len() + 1).sum::<usize>() + 128;
    let mut body = Vec::with_capacity(room);
    serde_json::to_writer(&mut body, &out).map_err(AppError::internal)?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MentorProfileOut<'a> {
    #[serde(flatten)]
    mentor: MentorOut<'a>,
    audiences: Vec<TermOut>,
    expertise: Vec<TermOut>,
}

/// A mentor's directory profile (the programme's members).
#[utoipa::path(get, path = "/programmes/{slug}/mentors/{user_id}", tag = "mentoring", security(("bearer" = [])),
    params(("slug" = String, Path), ("user_id" = i64, Path)),
    responses((status = 200, body = MentorProfileOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mentor_profile(
    State(s): State<AppState>,
    ApiUserIn {
        me,
        programme,
        standing,
    }: ApiUserIn,
    ApiPath((_slug, user_id)): ApiPath<(String, i64)>,
) -> ApiResult<Response> {
    let (m, terms_of) = act::profile(&s, &me, &programme, &standing, user_id).await?;
    let pick = |kind: taxonomy::TermKind| {
        terms_of
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| TermOut {
                id: t.id,
                label: t.label.clone(),
            })
            .collect()
    };
    Ok(Json(MentorProfileOut {
        mentor: mentor_out(&m),
        audiences: pick(taxonomy::AUDIENCE),
        expertise: pick(taxonomy::EXPERTISE),
    })
    .into_response())
}

/// Your own mentor listing in the programme.
#[utoipa::path(get, path = "/programmes/{slug}/mentoring", tag = "mentoring", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = MentorOut), (status = 404, body = ErrorBody)))]
pub async fn own(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Response> {
    let p = find(&s, &slug).await?;
    let m = act::own_listing(&s, &me, &p).await?;
    Ok(Json(mentor_out(&m)).into_response())
}

/// Change your listing: availability (optionally until a date), capacity, or leave / rejoin
/// the directory.
#[utoipa::path(patch, path = "/programmes/{slug}/mentoring", tag = "mentoring", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = ListingChange, responses((status = 200, body = MentorOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<ListingChange>,
) -> ApiResult<Response> {
    let p = find(&s, &slug).await?;
    let m = act::change_listing(&s, &me, &p, &b).await?;
    Ok(Json(mentor_out(&m)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshBody {
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct RefreshOut {
    programme: String,
    listed_again: bool,
}

/// Confirm a listing in the annual refresh with the token from the emailed link.
#[utoipa::path(post, path = "/refresh/confirm", tag = "mentoring", request_body = RefreshBody,
    responses((status = 200, body = RefreshOut), (status = 401, description = "a bearer token was sent and is not valid", body = ErrorBody), (status = 403, description = "the link belongs to another mentor", body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, description = "expired", body = ErrorBody)))]
pub async fn confirm_refresh(
    State(s): State<AppState>,
    MaybeUserApi(who): MaybeUserApi,
    ApiJson(b): ApiJson<RefreshBody>,
) -> ApiResult<Json<RefreshOut>> {
    let r = act::confirm_refresh(&s, who.as_ref(), &b.token).await?;
    Ok(Json(RefreshOut {
        programme: r.programme_slug,
        listed_again: r.relisted,
    }))
}
