use super::extract::ApiUser;
use super::json::{ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use trellis_app::AppError;
use trellis_app::imports::{self, ImportReport};
use trellis_app::programmes as act;
use trellis_app::programmes::{MemberSummary, Programme, StaffMember};
use trellis_domain::programme::{Details, MatchingPublish, Membership, Model, Settings};
use trellis_domain::role::StaffRole;
use utoipa::ToSchema;

/// A programme's settings (SPEC §2); defaults follow the guides.
#[derive(Serialize, Deserialize, ToSchema, Default)]
pub struct SettingsBody {
    /// traditional, group or peer
    model: Option<String>,
    /// open or member_list
    membership: Option<String>,
    review_mentors: Option<bool>,
    mentor_member_types: Option<Vec<String>>,
    choices_per_request: Option<i32>,
    reply_window_days: Option<i32>,
    application_target_days: Option<i32>,
    concern_ack_days: Option<i32>,
    refresh_month: Option<i32>,
    refresh_grace_days: Option<i32>,
    meeting_minutes_min: Option<i32>,
    meeting_minutes_max: Option<i32>,
    default_mentor_capacity: Option<i32>,
    max_relationships_per_member: Option<i32>,
    evaluation_every_days: Option<i32>,
    /// offers or relationships: what matching rounds publish pairs as unless staff choose
    /// otherwise for a round.
    matching_publish: Option<String>,
    /// Matching rounds only pair people with a language in common.
    matching_shared_language: Option<bool>,
    /// Matching rounds never pair two people of the same organisation.
    matching_different_organisation: Option<bool>,
    /// Matching rounds never pair a mentee with the mentor their profile names as manager.
    matching_not_own_manager: Option<bool>,
}

impl SettingsBody {
    fn from_settings(s: &Settings) -> Self {
        Self {
            model: Some(s.model.as_str().into()),
            membership: Some(s.membership.as_str().into()),
            review_mentors: Some(s.review_mentors),
            mentor_member_types: Some(s.mentor_member_types.clone()),
            choices_per_request: Some(s.choices_per_request),
            reply_window_days: Some(s.reply_window_days),
            application_target_days: Some(s.application_target_days),
            concern_ack_days: Some(s.concern_ack_days),
            refresh_month: Some(s.refresh_month),
            refresh_grace_days: Some(s.refresh_grace_days),
            meeting_minutes_min: Some(s.meeting_minutes_min),
            meeting_minutes_max: Some(s.meeting_minutes_max),
            default_mentor_capacity: Some(s.default_mentor_capacity),
            max_relationships_per_member: Some(s.max_relationships_per_member),
            evaluation_every_days: Some(s.evaluation_every_days),
            matching_publish: Some(s.matching_publish.as_str().into()),
            matching_shared_language: Some(s.matching_shared_language),
            matching_different_organisation: Some(s.matching_different_organisation),
            matching_not_own_manager: Some(s.matching_not_own_manager),
        }
    }

    /// `base` with the given fields replaced.
    fn apply(self, mut s: Settings) -> Result<Settings, AppError> {
        if let Some(m) = self.model {
            s.model = Model::parse("model", &m)?;
        }
        if let Some(m) = self.membership {
            s.membership = Membership::parse("membership", &m)?;
        }
        if let Some(m) = self.matching_publish {
            s.matching_publish = MatchingPublish::parse("matching_publish", &m)?;
        }
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { s.$f = v; } )* };
        }
        take!(
            review_mentors,
            mentor_member_types,
            choices_per_request,
            reply_window_days,
            application_target_days,
            concern_ack_days,
            refresh_month,
            refresh_grace_days,
            meeting_minutes_min,
            meeting_minutes_max,
            default_mentor_capacity,
            max_relationships_per_member,
            evaluation_every_days,
            matching_shared_language,
            matching_different_organisation,
            matching_not_own_manager
        );
        Ok(s)
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeOut {
    id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    settings: SettingsBody,
    member_count: i64,
}

async fn out(s: &AppState, p: &Programme) -> ApiResult<ProgrammeOut> {
    Ok(ProgrammeOut {
        id: p.id,
        slug: p.slug.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        settings: SettingsBody::from_settings(&p.settings()),
        member_count: act::member_count(s, p).await?,
    })
}

/// Every programme of the installation (public).
#[utoipa::path(get, path = "/programmes", tag = "programmes", responses((status = 200, body = [ProgrammeOut])))]
pub async fn list(State(s): State<AppState>) -> ApiResult<Json<Vec<ProgrammeOut>>> {
    let mut v = Vec::new();
    for p in act::list(&s).await? {
        v.push(out(&s, &p).await?);
    }
    Ok(Json(v))
}

#[derive(Deserialize, ToSchema)]
pub struct NewProgrammeBody {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    settings: Option<SettingsBody>,
    /// The slug of a programme to start from: its settings (overridden by `settings`) and its
    /// audiences and expertise terms.
    #[serde(default)]
    template: Option<String>,
}

/// Create a programme (installation admin), from the guides' defaults or from a template
/// programme.
#[utoipa::path(post, path = "/programmes", tag = "programmes", security(("bearer" = [])), request_body = NewProgrammeBody,
    responses((status = 201, body = ProgrammeOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<NewProgrammeBody>,
) -> ApiResult<(StatusCode, Json<ProgrammeOut>)> {
    me.require_admin()?;
    let details = Details::parse(&b.name, &b.description)?;
    let template = match b.template.as_deref().filter(|t| !t.trim().is_empty()) {
        None => None,
        Some(t) => Some(act::find(&s, t.trim()).await.map_err(|_| {
            AppError::invalid(
                "template",
                format!("There is no programme '{t}' to start from"),
            )
        })?),
    };
    let base = template
        .as_ref()
        .map_or_else(Settings::default, Programme::settings);
    let settings = b.settings.unwrap_or_default().apply(base)?;
    let p = act::create(&s, &me, &b.slug, &details, &settings, template.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(out(&s, &p).await?)))
}

/// One programme (public).
#[utoipa::path(get, path = "/programmes/{slug}", tag = "programmes", params(("slug" = String, Path)),
    responses((status = 200, body = ProgrammeOut), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<ProgrammeOut>> {
    let p = act::find(&s, &slug).await?;
    Ok(Json(out(&s, &p).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PatchProgrammeBody {
    name: Option<String>,
    description: Option<String>,
    settings: Option<SettingsBody>,
}

/// Change a programme's name, description or settings (installation admin).
#[utoipa::path(patch, path = "/programmes/{slug}", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = PatchProgrammeBody,
    responses((status = 200, body = ProgrammeOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<PatchProgrammeBody>,
) -> ApiResult<Json<ProgrammeOut>> {
    me.require_admin()?;
    let p = act::find(&s, &slug).await?;
    let details = Details::parse(
        b.name.as_deref().unwrap_or(&p.name),
        b.description
            .as_deref()
            .unwrap_or(p.description.as_deref().unwrap_or("")),
    )?;
    let settings = b.settings.unwrap_or_default().apply(p.settings())?;
    let p = act::update(&s, &me, &p, &details, &settings).await?;
    Ok(Json(out(&s, &p).await?))
}

#[derive(Serialize, ToSchema)]
pub struct JoinOut {
    joined: bool,
    already_member: bool,
}

/// Join a programme. Member-list programmes admit only addresses on their list.
#[utoipa::path(post, path = "/programmes/{slug}/members", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 201, body = JoinOut), (status = 200, description = "already a member", body = JoinOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn join(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<JoinOut>)> {
    let p = act::find(&s, &slug).await?;
    let added = act::join(&s, &me, &p).await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(JoinOut {
            joined: true,
            already_member: !added,
        }),
    ))
}

/// The programme's members (admin and office).
#[utoipa::path(get, path = "/programmes/{slug}/members", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = [Object]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn members(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<MemberSummary>>> {
    let p = act::find(&s, &slug).await?;
    Ok(Json(act::members(&s, &me, &p).await?))
}

/// Who holds which staff role (the programme's members and staff).
#[utoipa::path(get, path = "/programmes/{slug}/staff", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = [Object]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn staff(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<StaffMember>>> {
    let p = act::find(&s, &slug).await?;
    Ok(Json(act::staff(&s, &me, &p).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct GrantBody {
    /// The registered person's email address.
    email: String,
    /// office, director, concerns_officer or chair
    role: String,
}

/// Give a registered person a staff role (installation admin).
#[utoipa::path(post, path = "/programmes/{slug}/staff", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = GrantBody,
    responses((status = 201, body = [Object]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grant_role(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<GrantBody>,
) -> ApiResult<(StatusCode, Json<Vec<StaffMember>>)> {
    me.require_admin()?;
    let p = act::find(&s, &slug).await?;
    let role: StaffRole = b
        .role
        .parse()
        .map_err(|m: String| AppError::invalid("role", m))?;
    act::grant_role(&s, &me, &p, &b.email, role).await?;
    Ok((StatusCode::CREATED, Json(act::staff(&s, &me, &p).await?)))
}

/// Remove a staff role (installation admin).
#[utoipa::path(delete, path = "/programmes/{slug}/staff/{user_id}/{role}", tag = "programmes", security(("bearer" = [])),
    params(("slug" = String, Path), ("user_id" = i64, Path), ("role" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_role(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, user_id, role)): ApiPath<(String, i64, String)>,
) -> ApiResult<StatusCode> {
    me.require_admin()?;
    let p = act::find(&s, &slug).await?;
    let role: StaffRole = role.parse().map_err(|_| AppError::NotFound("role"))?;
    act::revoke_role(&s, &me, &p, user_id, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Only report what would happen.
    #[serde(default)]
    dry_run: bool,
    /// Import the good rows even when some rows are bad.
    #[serde(default)]
    skip_bad: bool,
}

/// Import the member list: a CSV body with the header `email,member_number,name[,member_type]`
/// (admin and office). The same as `POST …/imports/members`.
#[utoipa::path(post, path = "/programmes/{slug}/member-list", tag = "programmes", security(("bearer" = [])),
    params(("slug" = String, Path), ImportParams), request_body(content = super::contract::Csv, content_type = "text/csv"),
    responses((status = 200, description = "imported, or a dry run", body = ImportReport), (status = 422, description = "bad rows, so nothing imported; or, on a dry run, nothing in the file could be", body = ImportReport),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn import_member_list(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    run_import(&s, &me, &slug, "members", &q, &body).await
}

/// Import a CSV file (admin and office): `members` (the member list:
/// `email,member_number,name[,member_type]`), `mentors` (listed with their directory profile:
/// `email,name,audiences,expertise,tags,background,capacity,hours_per_month,languages,channels,
/// training_course_date,training_equivalent,availability`, lists separated by `;`, terms by
/// their label) or `relationships` (`model,phase,started_on,mentors,mentees,peers`, members by
/// email). Every row is checked first; a file with a bad row imports nothing unless
/// `skip_bad=true`, and the report names each bad row's line and reason.
#[utoipa::path(post, path = "/programmes/{slug}/imports/{kind}", tag = "programmes", security(("bearer" = [])),
    params(("slug" = String, Path), ("kind" = String, Path, description = "members, mentors or relationships"), ImportParams), request_body(content = super::contract::Csv, content_type = "text/csv"),
    responses((status = 200, description = "imported, or a dry run", body = ImportReport), (status = 422, description = "bad rows, so nothing imported; or, on a dry run, nothing in the file could be", body = ImportReport),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn import(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, kind)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    run_import(&s, &me, &slug, &kind, &q, &body).await
}

async fn run_import(
    s: &AppState,
    me: &trellis_app::Actor,
    slug: &str,
    kind: &str,
    q: &ImportParams,
    body: &[u8],
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let kind = imports::Kind::parse(kind).map_err(|_| AppError::NotFound("import"))?;
    let p = act::find(s, slug).await?;
    if body.trim_ascii().is_empty() {
        return Err(crate::error::WebError::BadBody {
            field: "body".into(),
            message: "The body is empty: send the CSV file, its header line first".into(),
        }
        .into());
    }
    let opts = imports::Options {
        dry_run: q.dry_run,
        skip_bad: q.skip_bad,
    };
    let report = imports::import(
        s,
        Some(me),
        &p,
        kind,
        &imports::InMemory(body),
        opts,
        &|_, _| {},
    )
    .await?;
    // A dry run reports bad rows beside good ones with a 200; a file with nothing to import
    // (a wrong header, every row bad) is refused either way.
    let status = if report.bad_count == 0 || report.applied || (q.dry_run && report.valid_rows > 0)
    {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueuesQuery {
    /// Days without activity that make a relationship quiet, 1 to 3650 (default 45).
    #[param(minimum = 1, maximum = 3650)]
    quiet_days: Option<i64>,
}

/// The programme's work queues (office, director, admin): mentor applications against their
/// target, requests waiting for mentors and with the director, mentors who have not confirmed
/// the annual refresh, concerns you handle, and quiet relationships. Names, dates and states
/// only.
#[utoipa::path(get, path = "/programmes/{slug}/queues", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path), QueuesQuery),
    responses((status = 200, body = trellis_app::queues::Queues), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn queues(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<QueuesQuery>,
) -> ApiResult<Json<trellis_app::queues::Queues>> {
    let p = trellis_app::programmes::find(&s, &slug).await?;
    Ok(Json(
        trellis_app::queues::queues(&s, &me, &p, q.quiet_days).await?,
    ))
}

/// Download the programme's members (`members.csv`) or mentors with their directory profile
/// (`mentors.csv`) as CSV (office, director, admin).
#[utoipa::path(get, path = "/programmes/{slug}/export/{file}", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path), ("file" = String, Path, description = "members.csv or mentors.csv")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, file)): ApiPath<(String, String)>,
) -> ApiResult<axum::response::Response> {
    use trellis_app::exports::{self as ex, Export};
    let what = match file.as_str() {
        "members.csv" => Export::Members,
        "mentors.csv" => Export::Mentors,
        _ => return Err(AppError::NotFound("export").into()),
    };
    let p = trellis_app::programmes::find(&s, &slug).await?;
    let pager = ex::for_staff(&s, &me, &p, what).await?;
    Ok(crate::copies::download(
        crate::copies::csv_body(ex::Csv::Paged(pager)),
        crate::copies::CSV,
        &format!("{slug}-{file}"),
    ))
}

/// The programme's dashboard figures (office, director, admin): applications and requests by
/// month, time to match, acceptance by choice, relationships by model and phase, mentor
/// capacity, and evaluation averages by quarter (null under 5 answers). A period (`from`, `to`,
/// YYYY-MM-DD; by default the last twelve months) and a cohort (intake year).
#[utoipa::path(get, path = "/programmes/{slug}/dashboard", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path), trellis_app::dashboard::Filter),
    responses((status = 200, body = trellis_app::dashboard::Dashboard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, description = "a bad date or cohort, or a period that ends before it starts", body = ErrorBody)))]
pub async fn dashboard(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(f): ApiQuery<trellis_app::dashboard::Filter>,
) -> ApiResult<Json<trellis_app::dashboard::Dashboard>> {
    let p = act::find(&s, &slug).await?;
    Ok(Json(
        trellis_app::dashboard::dashboard(&s, &me, &p, &f).await?,
    ))
}

/// A report as CSV (office, director, admin): `figures.csv` (the dashboard's figures for the
/// period and cohort) or `relationships.csv` (every relationship of the cohort with its model,
/// phase, dates and members; never content).
#[utoipa::path(get, path = "/programmes/{slug}/reports/{name}", tag = "programmes", security(("bearer" = [])), params(("slug" = String, Path), ("name" = String, Path, description = "figures.csv or relationships.csv"), trellis_app::dashboard::Filter),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, name)): ApiPath<(String, String)>,
    ApiQuery(f): ApiQuery<trellis_app::dashboard::Filter>,
) -> ApiResult<axum::response::Response> {
    let p = act::find(&s, &slug).await?;
    let csv = trellis_app::dashboard::report(&s, &me, &p, &name, &f).await?;
    Ok(crate::copies::download(
        crate::copies::csv_body(csv),
        crate::copies::CSV,
        &format!("{slug}-{name}"),
    ))
}

/// The programme's outgoing webhooks (admin).
#[utoipa::path(get, path = "/programmes/{slug}/webhooks", tag = "webhooks", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = [Object]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn webhooks(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<trellis_app::webhooks::Webhook>>> {
    let p = act::find(&s, &slug).await?;
    Ok(Json(trellis_app::webhooks::list(&s, &me, &p).await?))
}

/// Register a webhook (admin): a URL and the events it wants — `application.decided`,
/// `request.offered`, `request.accepted`, `request.escalated`, `relationship.phase_changed`,
/// `concern.opened`. Each event is POSTed as JSON (ids and states only, never content) with
/// `Trellis-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with the
/// secret returned here once; a delivery that does not get a 2xx is retried with back-off.
#[utoipa::path(post, path = "/programmes/{slug}/webhooks", tag = "webhooks", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = trellis_app::webhooks::WebhookInput,
    responses((status = 201, body = trellis_app::webhooks::Registered), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register_webhook(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<trellis_app::webhooks::WebhookInput>,
) -> ApiResult<(StatusCode, Json<trellis_app::webhooks::Registered>)> {
    let p = act::find(&s, &slug).await?;
    Ok((
        StatusCode::CREATED,
        Json(trellis_app::webhooks::register(&s, &me, &p, &b).await?),
    ))
}

/// Remove a webhook (admin); its pending deliveries are dropped.
#[utoipa::path(delete, path = "/programmes/{slug}/webhooks/{id}", tag = "webhooks", security(("bearer" = [])), params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_webhook(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> ApiResult<StatusCode> {
    let p = act::find(&s, &slug).await?;
    trellis_app::webhooks::remove(&s, &me, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's delivery log (admin): the latest 100, each with its body, attempts, the
/// receiver's last status or error, and when it was delivered.
#[utoipa::path(get, path = "/programmes/{slug}/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])), params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = [Object]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn webhook_deliveries(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> ApiResult<Json<Vec<trellis_app::webhooks::Delivery>>> {
    let p = act::find(&s, &slug).await?;
    Ok(Json(
        trellis_app::webhooks::deliveries(&s, &me, &p, id).await?,
    ))
}
