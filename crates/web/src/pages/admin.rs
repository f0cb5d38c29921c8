//! Administration pages: programmes and their settings, staff roles, the member list, the
//! audit log. Each handler checks the role on the server; the links are only a convenience.

use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use trellis_app::audit::AuditRow;
use trellis_app::imports::{self, ImportReport};
use trellis_app::programmes as act;
use trellis_app::programmes::{ListedMember, Programme, StaffMember};
use trellis_app::taxonomy::Term;
use trellis_app::{Actor, AppError};
use trellis_domain::programme::{Details, MatchingPublish, Membership, Model, Settings};
use trellis_domain::role::StaffRole;
use trellis_domain::{FieldError, Invalid};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/programmes/new", get(new_form).post(create))
        .route(
            "/admin/programmes/{slug}/settings",
            get(edit_form).post(update),
        )
        .route("/admin/programmes/{slug}/staff", get(staff).post(grant))
        .route(
            "/admin/programmes/{slug}/staff/{user_id}/{role}/revoke",
            post(revoke),
        )
        .route(
            "/admin/programmes/{slug}/member-list",
            get(member_list)
                .post(import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route("/admin/audit", get(audit_log))
        .route(
            "/admin/programmes/{slug}/taxonomy",
            get(taxonomy_page).post(add_term),
        )
        .route("/admin/programmes/{slug}/taxonomy/{id}", post(change_term))
}

fn admin_only(me: &Actor) -> Result<(), PageError> {
    Ok(me.require_admin()?)
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct Index {
    c: Chrome,
    programmes: Vec<Programme>,
}

async fn index(State(s): State<AppState>, SignedIn { me, c }: SignedIn) -> PageResult {
    admin_only(&me)?;
    Ok(ok(&Index {
        c,
        programmes: act::list(&s).await?,
    }))
}

// ---- Programme settings ----

#[derive(Template)]
#[template(path = "admin/programme_form.html")]
struct ProgrammeForm {
    c: Chrome,
    f: FormState,
    /// `None` when creating.
    slug: Option<String>,
}

/// The settings form's fields, all as typed.
#[derive(Deserialize, Default)]
struct SettingsForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    membership: String,
    #[serde(default)]
    review_mentors: Option<String>,
    #[serde(default)]
    mentor_member_types: String,
    #[serde(default)]
    choices_per_request: String,
    #[serde(default)]
    reply_window_days: String,
    #[serde(default)]
    application_target_days: String,
    #[serde(default)]
    concern_ack_days: String,
    #[serde(default)]
    refresh_month: String,
    #[serde(default)]
    refresh_grace_days: String,
    #[serde(default)]
    meeting_minutes_min: String,
    #[serde(default)]
    meeting_minutes_max: String,
    #[serde(default)]
    default_mentor_capacity: String,
    #[serde(default)]
    max_relationships_per_member: String,
    #[serde(default)]
    evaluation_every_days: String,
    #[serde(default)]
    matching_publish: String,
    #[serde(default)]
    matching_shared_language: Option<String>,
    #[serde(default)]
    matching_different_organisation: Option<String>,
    #[serde(default)]
    matching_not_own_manager: Option<String>,
    /// The programme this one starts from (its terms are copied), if any.
    #[serde(default)]
    template: String,
}

/// A checkbox's value as the form state shows it: "on" when ticked.
fn ticked(v: &Option<String>) -> &'static str {
    if v.is_some() { "on" } else { "" }
}

impl SettingsForm {
    fn from_programme(slug: &str, d: &Details, s: &Settings) -> Self {
        Self {
            slug: slug.into(),
            name: d.name.clone(),
            description: d.description.clone().unwrap_or_default(),
            model: s.model.as_str().into(),
            membership: s.membership.as_str().into(),
            review_mentors: s.review_mentors.then(|| "on".into()),
            mentor_member_types: s.mentor_member_types.join(", "),
            choices_per_request: s.choices_per_request.to_string(),
            reply_window_days: s.reply_window_days.to_string(),
            application_target_days: s.application_target_days.to_string(),
            concern_ack_days: s.concern_ack_days.to_string(),
            refresh_month: s.refresh_month.to_string(),
            refresh_grace_days: s.refresh_grace_days.to_string(),
            meeting_minutes_min: s.meeting_minutes_min.to_string(),
            meeting_minutes_max: s.meeting_minutes_max.to_string(),
            default_mentor_capacity: s.default_mentor_capacity.to_string(),
            max_relationships_per_member: s.max_relationships_per_member.to_string(),
            evaluation_every_days: s.evaluation_every_days.to_string(),
            matching_publish: s.matching_publish.as_str().into(),
            matching_shared_language: s.matching_shared_language.then(|| "on".into()),
            matching_different_organisation: s.matching_different_organisation.then(|| "on".into()),
            matching_not_own_manager: s.matching_not_own_manager.then(|| "on".into()),
            template: String::new(),
        }
    }

    fn state(&self) -> FormState {
        FormState::with(&[
            ("slug", &self.slug),
            ("template", &self.template),
            ("name", &self.name),
            ("description", &self.description),
            ("model", &self.model),
            ("membership", &self.membership),
            ("review_mentors", ticked(&self.review_mentors)),
            ("mentor_member_types", &self.mentor_member_types),
            ("choices_per_request", &self.choices_per_request),
            ("reply_window_days", &self.reply_window_days),
            ("application_target_days", &self.application_target_days),
            ("concern_ack_days", &self.concern_ack_days),
            ("refresh_month", &self.refresh_month),
            ("refresh_grace_days", &self.refresh_grace_days),
            ("meeting_minutes_min", &self.meeting_minutes_min),
            ("meeting_minutes_max", &self.meeting_minutes_max),
            ("default_mentor_capacity", &self.default_mentor_capacity),
            (
                "max_relationships_per_member",
                &self.max_relationships_per_member,
            ),
            ("evaluation_every_days", &self.evaluation_every_days),
            ("matching_publish", &self.matching_publish),
            (
                "matching_shared_language",
                ticked(&self.matching_shared_language),
            ),
            (
                "matching_different_organisation",
                ticked(&self.matching_different_organisation),
            ),
            (
                "matching_not_own_manager",
                ticked(&self.matching_not_own_manager),
            ),
        ])
    }

    fn parse(&self) -> Result<(Details, Settings), Invalid> {
        let mut inv = Invalid::default();
        let details = match Details::parse(&self.name, &self.description) {
            Ok(d) => Some(d),
            Err(e) => {
                inv.0.extend(e.0);
                None
            }
        };
        let int = |field: &'static str, v: &str| -> Result<i32, FieldError> {
            v.trim()
                .parse::<i32>()
                .map_err(|_| FieldError::new(field, "Enter a whole number"))
        };
        let mut s = Settings::default();
        if let Some(m) = inv.check(Model::parse("model", &self.model)) {
            s.model = m;
        }
        if let Some(m) = inv.check(Membership::parse("membership", &self.membership)) {
            s.membership = m;
        }
        s.review_mentors = self.review_mentors.is_some();
        if let Some(m) = inv.check(MatchingPublish::parse(
            "matching_publish",
            &self.matching_publish,
        )) {
            s.matching_publish = m;
        }
        s.matching_shared_language = self.matching_shared_language.is_some();
        s.matching_different_organisation = self.matching_different_organisation.is_some();
        s.matching_not_own_manager = self.matching_not_own_manager.is_some();
        s.mentor_member_types = self
            .mentor_member_types
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let fields: [(&'static str, &str, &mut i32); 11] = [
            (
                "choices_per_request",
                &self.choices_per_request,
                &mut s.choices_per_request,
            ),
            (
                "reply_window_days",
                &self.reply_window_days,
                &mut s.reply_window_days,
            ),
            (
                "application_target_days",
                &self.application_target_days,
                &mut s.application_target_days,
            ),
            (
                "concern_ack_days",
                &self.concern_ack_days,
                &mut s.concern_ack_days,
            ),
            ("refresh_month", &self.refresh_month, &mut s.refresh_month),
            (
                "refresh_grace_days",
                &self.refresh_grace_days,
                &mut s.refresh_grace_days,
            ),
            (
                "meeting_minutes_min",
                &self.meeting_minutes_min,
                &mut s.meeting_minutes_min,
            ),
            (
                "meeting_minutes_max",
                &self.meeting_minutes_max,
                &mut s.meeting_minutes_max,
            ),
            (
                "default_mentor_capacity",
                &self.default_mentor_capacity,
                &mut s.default_mentor_capacity,
            ),
            (
                "max_relationships_per_member",
                &self.max_relationships_per_member,
                &mut s.max_relationships_per_member,
            ),
            (
                "evaluation_every_days",
                &self.evaluation_every_days,
                &mut s.evaluation_every_days,
            ),
        ];
        for (field, raw, slot) in fields {
            if let Some(v) = inv.check(int(field, raw)) {
                *slot = v;
            }
        }
        if inv.is_empty()
            && let Err(e) = s.validate()
        {
            inv.0.extend(e.0);
        }
        match details {
            Some(d) if inv.is_empty() => Ok((d, s)),
            _ => Err(inv),
        }
    }
}

#[derive(Deserialize)]
struct NewQuery {
    /// Start from this programme's settings and terms.
    template: Option<String>,
}

async fn new_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Query(q): Query<NewQuery>,
) -> PageResult {
    admin_only(&me)?;
    let blank = Details {
        name: String::new(),
        description: None,
    };
    let template = match q.template.as_deref() {
        Some(t) => Some(act::find(&s, t).await?),
        None => None,
    };
    let settings = template
        .as_ref()
        .map_or_else(Settings::default, Programme::settings);
    let mut form = SettingsForm::from_programme("", &blank, &settings);
    form.template = template.map(|t| t.slug).unwrap_or_default();
    let f = form.state();
    Ok(ok(&ProgrammeForm { c, f, slug: None }))
}

async fn create(
    State(s): State<AppState>,
    FormPost { me, c, form }: FormPost<SettingsForm>,
) -> PageResult {
    admin_only(&me)?;
    let result = match form.parse() {
        Ok((d, settings)) => {
            let template = match form.template.trim() {
                "" => None,
                t => Some(act::find(&s, t).await?),
            };
            act::create(&s, &me, &form.slug, &d, &settings, template.as_ref()).await
        }
        Err(inv) => {
            // Report the slug too, if it is also wrong.
            let mut inv = inv;
            if let Err(e) = trellis_domain::programme::Slug::parse("slug", &form.slug) {
                inv.0.insert(0, e);
            }
            Err(AppError::Invalid(inv))
        }
    };
    match result {
        Ok(p) => Ok(
            Redirect::to(&format!("/admin/programmes/{}/staff?created=1", p.slug)).into_response(),
        ),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ProgrammeForm {
                c,
                f: form.state().failed(&e),
                slug: None,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let d = Details {
        name: p.name.clone(),
        description: p.description.clone(),
    };
    let f = SettingsForm::from_programme(&p.slug, &d, &p.settings()).state();
    Ok(ok(&ProgrammeForm {
        c,
        f,
        slug: Some(p.slug),
    }))
}

async fn update(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, mut form }: FormPost<SettingsForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    form.slug.clone_from(&p.slug);
    let result = match form.parse() {
        Ok((d, settings)) => act::update(&s, &me, &p, &d, &settings).await,
        Err(inv) => Err(AppError::Invalid(inv)),
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/programmes/{}", p.slug)).into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ProgrammeForm {
                c,
                f: form.state().failed(&e),
                slug: Some(p.slug),
            },
        )),
        Err(e) => Err(e.into()),
    }
}

// ---- Staff ----

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage {
    c: Chrome,
    p: Programme,
    staff: Vec<StaffMember>,
    roles: [StaffRole; 4],
    f: FormState,
    created: bool,
}

#[derive(Deserialize)]
struct CreatedQuery {
    created: Option<String>,
}

async fn staff(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<CreatedQuery>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let staff = act::staff(&s, &me, &p).await?;
    Ok(ok(&StaffPage {
        c,
        p,
        staff,
        roles: StaffRole::ALL,
        f: FormState::default(),
        created: q.created.is_some(),
    }))
}

#[derive(Deserialize)]
struct GrantForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn grant(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<GrantForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let result = match f.role.parse::<StaffRole>() {
        Ok(role) => act::grant_role(&s, &me, &p, &f.email, role).await,
        Err(_) => Err(AppError::invalid("role", "Choose a role")),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/programmes/{}/staff", p.slug)).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let staff = act::staff(&s, &me, &p).await?;
            let form = FormState::with(&[("email", &f.email), ("role", &f.role)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &StaffPage {
                    c,
                    p,
                    staff,
                    roles: StaffRole::ALL,
                    f: form,
                    created: false,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(s): State<AppState>,
    Path((slug, user_id, role)): Path<(String, i64, String)>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let role: StaffRole = role
        .parse()
        .map_err(|_| PageError::from(AppError::NotFound("role")))?;
    act::revoke_role(&s, &me, &p, user_id, role).await?;
    Ok(Redirect::to(&format!("/admin/programmes/{}/staff", p.slug)).into_response())
}

// ---- Member list ----

#[derive(Template)]
#[template(path = "admin/member_list.html")]
struct MemberListPage {
    c: Chrome,
    p: Programme,
    rows: Vec<ListedMember>,
    total: i64,
    report: Option<ImportReport>,
    error: Option<String>,
}

async fn member_list_page(s: &AppState, me: &Actor, slug: &str) -> Result<Programme, PageError> {
    let p = act::find(s, slug).await?;
    if !act::standing(s, &p, me).await?.may_manage_members() {
        return Err(PageError::from(AppError::forbidden(
            "Only the programme office or an admin may manage the member list",
        )));
    }
    Ok(p)
}

async fn member_list(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = member_list_page(&s, &me, &slug).await?;
    let (rows, total) = act::member_list(&s, &me, &p, 200, 0).await?;
    Ok(ok(&MemberListPage {
        c,
        p,
        rows,
        total,
        report: None,
        error: None,
    }))
}

async fn import(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    mut mp: Multipart,
) -> PageResult {
    let p = member_list_page(&s, &me, &slug).await?;
    let (mut csrf, mut file, mut skip_bad, mut dry_run) = (String::new(), Vec::new(), false, false);
    let mut kind = String::from("members");
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
    {
        match field.name().unwrap_or("") {
            "csrf_token" => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
            }
            "file" => {
                file = field
                    .bytes()
                    .await
                    .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
                    .to_vec()
            }
            "kind" => {
                kind = field
                    .text()
                    .await
                    .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
            }
            "skip_bad" => skip_bad = true,
            "dry_run" => dry_run = true,
            _ => {}
        }
    }
    c.check_form_token(&csrf)?;
    let (status, report, error) = if file.is_empty() {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Choose a CSV file to upload".to_owned()),
        )
    } else {
        let opts = imports::Options { dry_run, skip_bad };
        let kind = imports::Kind::parse(&kind)?;
        let r = imports::import(
            &s,
            Some(&me),
            &p,
            kind,
            &imports::InMemory(&file),
            opts,
            &|_, _| {},
        )
        .await?;
        let status = if r.bad_count == 0 || r.applied || dry_run {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        (status, Some(r), None)
    };
    let (rows, total) = act::member_list(&s, &me, &p, 200, 0).await?;
    Ok(render(
        status,
        &MemberListPage {
            c,
            p,
            rows,
            total,
            report,
            error,
        },
    ))
}

// ---- Audit ----

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<AuditRow>,
    f: FormState,
    programmes: Vec<Programme>,
    next_offset: Option<u64>,
}

#[derive(Deserialize, Default)]
struct AuditForm {
    #[serde(default)]
    programme: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    offset: Option<u64>,
}

fn parse_date(
    field: &'static str,
    v: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, FieldError> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
        .map_err(|_| FieldError::new(field, "Enter a date like 2026-01-31"))
}

async fn audit_log(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Query(q): Query<AuditForm>,
) -> PageResult {
    admin_only(&me)?;
    let programmes = act::list(&s).await?;
    let mut f = FormState::with(&[
        ("programme", &q.programme),
        ("action", &q.action),
        ("since", &q.since),
        ("until", &q.until),
    ]);
    let mut inv = Invalid::default();
    let since = inv.check(parse_date("since", &q.since)).flatten();
    // "Until" a date includes that whole day.
    let until = inv
        .check(parse_date("until", &q.until))
        .flatten()
        .map(|d| d + chrono::Duration::days(1));
    let query = trellis_app::audit::AuditQuery {
        programme: Some(q.programme.clone()),
        action: Some(q.action.clone()),
        since,
        until,
        limit: Some(100),
        offset: q.offset,
        ..Default::default()
    };
    let listed = if inv.is_empty() {
        match trellis_app::audit::list(&s, &me, &query).await {
            Ok(rows) => Ok(rows),
            Err(AppError::Invalid(i)) => Err(i),
            Err(e @ AppError::Internal { .. }) => return Err(PageError::from(e)),
            Err(other) => Err(Invalid::one("form", other.public_message())),
        }
    } else {
        Err(inv)
    };
    match listed {
        Ok(rows) => {
            let next_offset = (rows.len() == 100).then(|| q.offset.unwrap_or(0) + 100);
            Ok(ok(&AuditPage {
                c,
                rows,
                f,
                programmes,
                next_offset,
            }))
        }
        Err(inv) => {
            f.errors = inv;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AuditPage {
                    c,
                    rows: Vec::new(),
                    f,
                    programmes,
                    next_offset: None,
                },
            ))
        }
    }
}

// ---- Taxonomies ----

#[derive(Template)]
#[template(path = "admin/taxonomy.html")]
struct TaxonomyPage {
    c: Chrome,
    f: FormState,
    p: Programme,
    audiences: Vec<Term>,
    expertise: Vec<Term>,
}

impl TaxonomyPage {
    fn sections(&self) -> [(&'static str, &'static str, &[Term]); 2] {
        [
            ("audience", "Who mentors can mentor", &self.audiences),
            ("expertise", "Areas of expertise", &self.expertise),
        ]
    }
}

async fn taxonomy_page_with(
    s: &AppState,
    c: Chrome,
    p: Programme,
    f: FormState,
) -> Result<TaxonomyPage, PageError> {
    let t = trellis_app::taxonomy::with_retired(s, &p).await?;
    Ok(TaxonomyPage {
        c,
        f,
        p,
        audiences: t.audiences,
        expertise: t.expertise,
    })
}

async fn taxonomy_page(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    Ok(ok(
        &taxonomy_page_with(&s, c, p, FormState::default()).await?
    ))
}

#[derive(Deserialize)]
struct TermForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    retired: Option<String>,
}

async fn add_term(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<TermForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    match trellis_app::taxonomy::add(&s, &me, &p, &f.kind, f.label.as_deref().unwrap_or("")).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/admin/programmes/{}/taxonomy", p.slug)).into_response())
        }
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &taxonomy_page_with(&s, c, p, FormState::default().failed(&e)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

async fn change_term(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    FormPost { me, c, form: f }: FormPost<TermForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let retired = f.retired.as_deref().map(|r| r == "yes");
    match trellis_app::taxonomy::change(&s, &me, &p, id, f.label.as_deref(), retired).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/programmes/{}/taxonomy", p.slug)).into_response())
        }
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &taxonomy_page_with(&s, c, p, FormState::default().failed(&e)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}
